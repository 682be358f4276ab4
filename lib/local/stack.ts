// The local stack: OSS, Tablestore and Log Service emulators, a local FC API with its runtime, a
// RAM stand-in, and a seeded demo bucket. On start it deploys template.yml into its own FC API
// with the same code as `thaw deploy` (roles, service, functions as zips, triggers, tables); the
// runtime then runs what was deployed, wired by the triggers that were created. `thaw start` and
// `thaw dev` run it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllowList } from '../policy/allow-list';
import { newToken } from '../api/tokens';
import { systemClock } from '../clock';
import type { FunctionCode } from '../build/code';
import { type DeployOptions, deployStack } from '../deploy/run';
import { environmentParameters, readTemplateFile } from '../deploy/template';
import type { LocalStackInfo } from '../deploy/target';
import { DEFAULT_OWNER_ID, type OssAccessLogRecord, startOssEmulator } from '../emulators/oss';
import { close, listen } from '../emulators/shared/http';
import { OSS_ACCESS_LOG_INDEX, OSS_LOG_STORE, startSlsEmulator, writeOssAccessLogs } from '../emulators/sls';
import { startTablestoreEmulator } from '../emulators/tablestore';
import { jsonLogger, type Logger, type LogLevel } from '../log';
import { DEMO_BUCKET, DEMO_OBJECTS } from './demo';
import { fcApiServer } from '../emulators/fc/fc2-api';
import { Fc3Api } from '../emulators/fc/fc3-api';
import { Fc3Model } from '../emulators/fc/fc3-model';
import { FunctionLogs } from '../emulators/fc/function-logs';
import { customDomainServer } from '../emulators/fc/http-trigger';
import { FunctionComputeModel } from '../emulators/fc/model';
import { RoleCredentials } from '../emulators/fc/role-credentials';
import { RamStandIn } from '../emulators/ram/server';
import { LocalRuntime } from '../emulators/fc/runtime';
import { TriggerWiring } from '../emulators/fc/triggers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REGION = 'cn-hangzhou';
const STACK_NAME = 'oss-thaw';
/** Where the Log trigger and the functions write their own logs, locally. */
const TRIGGER_LOGSTORE = 'oss-thaw-log-trigger';
const FUNCTION_LOG_PROJECT = 'oss-thaw-functions';
const FUNCTION_LOGSTORE = 'function-logs';

export interface LocalStackOptions {
  /** Port of the custom domain that serves the HTTP function, as http://localhost:<port> (0 picks one). */
  readonly port?: number;
  /** Divides every emulated restore duration (and the ETAs the API reports). */
  readonly timeScale?: number;
  /** AllowList for the stack; default: the demo bucket. */
  readonly allow?: string;
  readonly logLevel?: LogLevel;
  /** How often the local Log trigger invokes the access-log function (FC: 3–600 s). */
  readonly triggerIntervalMs?: number;
  /** Prebuilt function code (tests and benchmarks); otherwise built into a temporary folder. */
  readonly code?: ReadonlyMap<string, FunctionCode>;
  /** Where deploy output goes (default: nowhere). */
  readonly out?: (text: string) => void;
}

export interface StackDescription {
  readonly api: string;
  readonly apiToken: string;
  readonly oss: { endpoint: string; region: string; accessKeyId: string; accessKeySecret: string };
  readonly tablestore: { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
  readonly sls: { endpoint: string; project: string; logstore: string; accessKeyId: string; accessKeySecret: string };
  /** The local FC API, for @alicloud/fc2 (`new FC(accountId, { endpoint, region, accessKeyID, accessKeySecret })`) and thaw deploy. */
  readonly fc: {
    endpoint: string;
    accountId: string;
    region: string;
    /** The stack deployed into it, and the FC service of each of its functions. */
    stack: string;
    services: Record<string, string>;
    accessKeyId: string;
    accessKeySecret: string;
    /** The HTTP function's default address (FC's forces downloads; `api` is its custom domain). */
    httpTrigger: string;
  };
  /** The RAM stand-in thaw deploy creates the roles in. */
  readonly ram: { endpoint: string };
}

export interface Stack {
  readonly model: FunctionComputeModel;
  readonly ram: RamStandIn;
  describe(): StackDescription;
  /** thaw deploy of template.yml into this stack again, as it started (tests change one thing). */
  redeploy(overrides?: Partial<DeployOptions>): Promise<Awaited<ReturnType<typeof deployStack>>>;
  close(): Promise<void>;
}

export async function startStack(options: LocalStackOptions = {}): Promise<Stack> {
  // Whatever started before a failure is closed again, so a failed start leaves no servers behind.
  const started: { close(): Promise<void> }[] = [];
  try {
    return await assemble(options, started);
  } catch (err) {
    for (const part of started.reverse()) await part.close().catch(() => undefined);
    throw err;
  }
}

async function assemble(options: LocalStackOptions, started: { close(): Promise<void> }[]): Promise<Stack> {
  const timeScale = options.timeScale ?? 1;
  const logLevel = options.logLevel ?? 'info';
  const log: Logger = jsonLogger({ level: logLevel, fields: { component: 'local-stack' } });
  // One account for the whole local cloud (lib/emulators/ram): the roles thaw deploy creates get their
  // policies there, and every emulator asks it whether a key may do what it asks, so a function's role
  // credentials are held to its grants. Its owner's key is made for this run and printed, like the API
  // token: the fixed demo key of a standalone `thaw emulator` opens nothing here, so another local
  // process cannot deploy code into this stack.
  const credentials = ownerKey();
  const ram = new RamStandIn({ accountId: DEFAULT_OWNER_ID, credentials, clock: systemClock });
  const account = ram.account;
  // EventBridge's activation is the billing API, not served locally (lib/emulators/ram/README.md).
  account.activate('eventbridge');
  const sls = await startSlsEmulator({ access: account, credentials: [credentials], ownerId: DEFAULT_OWNER_ID });
  started.push(sls);
  // Named as OSS real-time logging names it: oss-log-<uid>-<region>, logstore oss-log-store.
  const logProject = `oss-log-${DEFAULT_OWNER_ID}-${REGION}`;
  sls.createProject(logProject);
  sls.createLogstore(logProject, OSS_LOG_STORE, { shardCount: 2 });
  sls.createIndex(logProject, OSS_LOG_STORE, OSS_ACCESS_LOG_INDEX);
  sls.createLogstore(logProject, TRIGGER_LOGSTORE);
  sls.createProject(FUNCTION_LOG_PROJECT);
  sls.createLogstore(FUNCTION_LOG_PROJECT, FUNCTION_LOGSTORE);
  const accessLog = new AccessLogShipper((records) => writeOssAccessLogs(sls, logProject, OSS_LOG_STORE, records));
  started.push({ close: async () => accessLog.stop() });

  let wiring: TriggerWiring | undefined;
  const oss = await startOssEmulator({
    timeScale,
    access: account,
    credentials: [credentials],
    ownerId: DEFAULT_OWNER_ID,
    onAccessLog: (r) => accessLog.add(r),
    onEvent: (e) => wiring?.ossEvent(e),
  });
  started.push(oss);
  // The laptop is the Internet to the local instance: the deployer makes the tables from here and the
  // functions use the same endpoint, so the instance admits it (a new cloud instance does not).
  const tablestore = await startTablestoreEmulator({ access: account, credentials: [credentials], networkTypeAcl: ['INTERNET', 'VPC', 'CLASSIC'] });
  started.push(tablestore);
  const ossInfo = oss.describe() as unknown as StackDescription['oss'];
  const tsInfo = tablestore.describe() as unknown as StackDescription['tablestore'];
  const slsCredential = sls.credentials[0]!;
  const slsInfo: StackDescription['sls'] = {
    endpoint: sls.endpoint,
    project: logProject,
    logstore: OSS_LOG_STORE,
    accessKeyId: slsCredential.accessKeyId,
    accessKeySecret: slsCredential.accessKeySecret,
  };
  oss.createBucket(DEMO_BUCKET);
  for (const o of DEMO_OBJECTS) oss.putObject(DEMO_BUCKET, o.key, o.body, { storageClass: o.storageClass });
  const allow = options.allow ?? process.env.THAW_ALLOW ?? `${DEMO_BUCKET}/`;
  // Every bucket the allow-list names exists locally (empty), so the deploy's prerequisite check —
  // which rightly refuses a missing bucket in a real account — passes for `THAW_ALLOW=my-bucket npm start`.
  const allowed = parseAllowList(allow);
  for (const entry of allowed === '*' ? [] : allowed) if (!oss.hasBucket(entry.bucket)) oss.createBucket(entry.bucket);

  const scope = { region: REGION, accountId: DEFAULT_OWNER_ID };
  const model = new FunctionComputeModel(systemClock, scope);
  const serviceOf = (name: string) => model.listServices().find((s) => s.serviceName === name);
  // FC 3.0 on the same endpoint (the stack still deploys to FC 2.0 until the FC 3.0 deploy lands).
  const fc3Model = new Fc3Model(systemClock, scope, (name) => model.customDomainFor(name) !== undefined);
  const fc3FunctionOf = (name: string) => fc3Model.findFunction(name);
  const roles = new RoleCredentials(account, 'fc.aliyuncs.com', systemClock);
  const functionLogs = new FunctionLogs({ endpoint: sls.endpoint, serviceOf, fc3FunctionOf, roles, log, clock: systemClock });
  started.push({ close: () => functionLogs.close() });
  const runtime = new LocalRuntime({ accountId: DEFAULT_OWNER_ID, region: REGION, serviceOf, fc3FunctionOf, roles, logs: functionLogs, log });
  started.push({ close: () => runtime.close() });
  wiring = new TriggerWiring({
    runtime,
    slsEndpoint: sls.endpoint,
    account,
    scope,
    clock: systemClock,
    log,
    timeScale,
    logIntervalMs: options.triggerIntervalMs ?? 1000,
  });
  const triggers = wiring;
  started.push({ close: () => triggers.close() });
  // Changes land in order: code before the triggers that fire it.
  let changes: Promise<void> = Promise.resolve();
  model.onChange((change) => {
    // Code is taken at once (an invocation right after CreateFunction waits for it); triggers after it.
    const code = change.kind === 'function' ? runtime.deploy(change.service, change.function, change.code) : undefined;
    changes = changes
      .then(async () => {
        if (change.kind === 'function') await code;
        else if (change.kind === 'function-deleted') runtime.remove(change.service, change.function);
        else if (change.kind === 'trigger') await triggers.apply(change.service, change.function, change.trigger);
        else await triggers.remove(change.service, change.function, change.trigger);
      })
      .catch((error: unknown) => log.error('the local runtime could not take a change', { kind: change.kind, error }));
  });
  fc3Model.onChange((change) => {
    const code = change.kind === 'function' ? runtime.deployFc3(change.function, change.code) : undefined;
    changes = changes
      .then(async () => {
        if (change.kind === 'function') await code;
        else if (change.kind === 'function-deleted') runtime.removeFc3(change.function);
        else if (change.kind === 'trigger') await triggers.applyFc3(change.function, change.trigger);
        else await triggers.removeFc3(change.function, change.trigger);
      })
      .catch((error: unknown) => log.error('the local runtime could not take an FC 3.0 change', { kind: change.kind, error }));
  });
  const fc3 = new Fc3Api({ model: fc3Model, invoker: runtime, account, scope, log, ossEndpoint: oss.endpoint });
  started.push({ close: () => fc3.close() });

  const ramServer = ram.server();
  const ramEndpoint = await listen(ramServer, 0);
  started.push({ close: () => close(ramServer) });

  // A token of both scopes, made per run like a deployer's `thaw token new read,restore`.
  const made = newToken(['read', 'restore']);
  const apiToken = made.token;
  // The shell's THAW_* settings (THAW_DAILY_RESTORES=1 npm start) become the parameters that carry them.
  const fromShell: Record<string, string> = {};
  for (const [variable, parameter] of environmentParameters(await readTemplateFile(join(ROOT, 'template.yml')))) {
    const value = process.env[variable];
    if (value !== undefined && value.trim() !== '') fromShell[parameter] = value.trim();
  }
  // The template parameters of a deployment into this stack: its own emulators.
  const parameters: Record<string, string> = {
    ...fromShell,
    AllowList: allow,
    // The stack's own token, beside any the shell configured (THAW_API_TOKENS=… npm start).
    ApiTokens: [fromShell.ApiTokens, made.configured].filter(Boolean).join(','),
    // Whatever the shell says, the local API asks for the token it prints.
    ApiAnonymous: 'false',
    OssEndpoint: oss.endpoint,
    OssRegion: ossInfo.region,
    TablestoreEndpoint: tablestore.endpoint,
    TablestoreInstance: tsInfo.instance,
    // The Log trigger's events name the emulator's address, which no region endpoint matches.
    SlsEndpoint: sls.endpoint,
    AccessLogProject: logProject,
    AccessLogLogstore: OSS_LOG_STORE,
    TriggerLogLogstore: TRIGGER_LOGSTORE,
    FunctionLogProject: FUNCTION_LOG_PROJECT,
    FunctionLogstore: FUNCTION_LOGSTORE,
    WatchedBucket: DEMO_BUCKET,
    TimeScale: String(timeScale),
    LogLevel: logLevel,
  };
  const info: LocalStackInfo = {
    accountId: DEFAULT_OWNER_ID,
    region: REGION,
    ramEndpoint,
    endpoints: { oss: oss.endpoint, tablestore: tablestore.endpoint, sls: sls.endpoint },
    parameters,
  };
  const fcServer = fcApiServer({
    model,
    invoker: runtime,
    account,
    scope,
    log,
    stackInfo: () => info,
    stats: () => ({ service: 'fc', triggers: triggers.stats(), functionLogs: functionLogs.stats(), fc3: fc3.stats() }),
    fc3,
  });
  const fcEndpoint = await listen(fcServer, 0);
  started.push({ close: () => close(fcServer) });

  // The deploy path, exactly as `thaw deploy --endpoint <this FC API>` runs it. The HTTP function's
  // default address forces downloads (FC adds Content-Disposition: attachment), so a browser reaches
  // the dashboard through a custom domain, as in the cloud: "localhost", which resolves to this machine
  // without DNS. Only this stack's own deploy names it; another deploy into the local FC keeps its own.
  const deployOptions: DeployOptions = {
    templatePath: join(ROOT, 'template.yml'),
    stackName: STACK_NAME,
    target: { accountId: DEFAULT_OWNER_ID, region: REGION, fcEndpoint, ramEndpoint, credentials },
    parameterLayers: [{ ...parameters, CustomDomain: 'localhost' }],
    roleArns: {},
    endpoints: info.endpoints,
    dryRun: false,
    code: options.code,
    out: options.out ?? (() => undefined),
  };
  const buildDir = options.code ? undefined : await mkdtemp(join(tmpdir(), 'thaw-build-'));
  let deployed: Awaited<ReturnType<typeof deployStack>>;
  try {
    deployed = await deployStack({ ...deployOptions, buildDir });
  } finally {
    if (buildDir) await rm(buildDir, { recursive: true, force: true });
  }
  await changes;

  const services: Record<string, string> = Object.fromEntries(deployed.stack.functions.map((f) => [f.name, f.service]));
  const httpService = services.http ?? STACK_NAME;
  const domainServer = customDomainServer({ model, invoker: runtime, access: account, scope, clock: systemClock, log, fc3 });
  const domainEndpoint = await listen(domainServer, options.port ?? 0).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') err.message = `port ${options.port} is in use; pass --port 0 (any free port) or another port`;
    throw err;
  });
  started.push({ close: () => close(domainServer) });
  const api = domainEndpoint.replace('//127.0.0.1:', '//localhost:');
  const fcInfo: StackDescription['fc'] = {
    endpoint: fcEndpoint,
    accountId: DEFAULT_OWNER_ID,
    region: REGION,
    stack: STACK_NAME,
    services,
    ...credentials,
    httpTrigger: `${fcEndpoint}/2016-08-15/proxy/${httpService}/http`,
  };

  return {
    model,
    ram,
    async redeploy(overrides = {}) {
      const outcome = await deployStack({ ...deployOptions, code: options.code ?? deployed.code, ...overrides });
      await changes;
      return outcome;
    },
    describe: () => ({
      api,
      apiToken,
      oss: pick(ossInfo, ['endpoint', 'region', 'accessKeyId', 'accessKeySecret']),
      tablestore: pick(tsInfo, ['endpoint', 'instance', 'accessKeyId', 'accessKeySecret']),
      sls: slsInfo,
      fc: fcInfo,
      ram: { endpoint: ramEndpoint },
    }),
    async close() {
      // Sources first, so nothing new starts; then the invocations in flight finish; then the rest.
      for (const part of started.reverse()) await part.close();
    },
  };
}

/**
 * OSS ships real-time logs to Log Service in batches (within minutes); the local stack ships what
 * the OSS emulator served every 100 ms, one LogGroup per batch.
 */
class AccessLogShipper {
  private pending: OssAccessLogRecord[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(write: (records: OssAccessLogRecord[]) => unknown) {
    this.timer = setInterval(() => {
      if (this.pending.length === 0) return;
      const batch = this.pending;
      this.pending = [];
      write(batch);
    }, 100);
    this.timer.unref();
  }

  add(record: OssAccessLogRecord): void {
    this.pending.push(record);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

/** An AccessKey pair for this run only: LTAI + 20 characters, and a 30-character secret, as Alibaba's look. */
function ownerKey(): { accessKeyId: string; accessKeySecret: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number) => [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
  return { accessKeyId: `LTAI${pick(20)}`, accessKeySecret: pick(30) };
}
