// An account to deploy into, on loopback: the local FC API (with fault injection and a count of
// what was written), the RAM stand-in, and the OSS, Log Service and Tablestore emulators holding
// the prerequisites template.yml needs. The functions' code is a small synthetic zip per function:
// these tests are about the deploy, not the bundles.
import Ram from '@alicloud/ram';
import { zipSync } from 'fflate';
import { systemClock } from '../../lib/clock';
import type { FunctionCode } from '../../lib/build/code';
import { crc64 } from '../../lib/build/crc64';
import type { Platform } from '../../lib/deploy/platform';
import { type DeployOptions, deployStack, destroyStack, type Outcome } from '../../lib/deploy/run';
import { DEFAULT_OWNER_ID, startOssEmulator } from '../../lib/emulators/oss';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../../lib/emulators/shared/emulator';
import { close, listen } from '../../lib/emulators/shared/http';
import { OSS_LOG_STORE, startSlsEmulator } from '../../lib/emulators/sls';
import { startTablestoreEmulator } from '../../lib/emulators/tablestore';
import { silentLogger } from '../../lib/log';
import type { FcApiError } from '../../lib/emulators/fc/errors';
import { fcApiServer } from '../../lib/emulators/fc/fc2-api';
import { Fc3Api } from '../../lib/emulators/fc/fc3-api';
import { Fc3Model } from '../../lib/emulators/fc/fc3-model';
import { FunctionComputeModel } from '../../lib/emulators/fc/model';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RamStandIn } from '../../lib/emulators/ram/server';
import { AnyRoleAccount } from './any-role-account';

export const FUNCTIONS = ['access-log', 'http', 'storage-event', 'sweeper'];

export function syntheticCode(version: Record<string, string> = {}): Map<string, FunctionCode> {
  return new Map(
    FUNCTIONS.map((name) => {
      const zip = zipSync(
        { 'index.js': new TextEncoder().encode(`exports.handler = async () => ${JSON.stringify(version[name] ?? 'v1')};\n`) },
        { mtime: new Date(Date.UTC(2020, 0, 1)) },
      );
      return [name, { name, zip, checksum: crc64(zip), bundle: `${name}/index.js` }];
    }),
  );
}

export interface Request {
  method: string;
  path: string;
}

export interface DeployTarget {
  readonly model: FunctionComputeModel;
  /** FC 3.0's functions, triggers and domains. */
  readonly fc3: Fc3Model;
  readonly ram: RamStandIn;
  readonly tablestore: Awaited<ReturnType<typeof startTablestoreEmulator>>;
  /** Every FC request (FC 2.0 and FC 3.0 paths alike), in order. */
  readonly requests: Request[];
  /** Non-GET FC requests since the last call. */
  writesSince(mark: number): Request[];
  /** Answer the next matching request with `error`, before or after it is handled. */
  failNext(match: (r: Request) => boolean, error: FcApiError, when: 'before' | 'after'): void;
  readonly parameters: Record<string, string>;
  /** The deploy target with other credentials. */
  targetWith(credentials: { accessKeyId: string; accessKeySecret: string }): DeployOptions['target'];
  /** The credentials the account accepts. */
  readonly credentials: { accessKeyId: string; accessKeySecret: string };
  /** Alibaba's RAM SDK pointed at the stand-in. */
  ramClient(): Ram;
  readonly ramEndpoint: string;
  /** The Log Service emulator holding the access-log and function logstores. */
  readonly sls: Awaited<ReturnType<typeof startSlsEmulator>>;
  /** RAM API calls by Action since the start. */
  readonly ramCalls: Record<string, number>;
  deploy(overrides?: Partial<DeployOptions>): Promise<Outcome & { output: string }>;
  destroy(overrides?: Partial<DeployOptions> & { deleteTables?: boolean }): Promise<Outcome & { output: string }>;
  tables(): Promise<string[]>;
  close(): Promise<void>;
}

export interface DeployTargetOptions {
  /**
   * Every service asks the RAM account (lib/emulators/ram) whether a key may do what it asks, as a
   * real account does: a RAM user deploys only what its policies allow. Default: the owner's key and
   * a lenient account, for tests about the deploy itself.
   */
  readonly strict?: boolean;
  /** The --platform every deploy passes unless told otherwise (default: none, the deploy chooses). */
  readonly platform?: Platform;
}

export async function startDeployTarget(target: DeployTargetOptions = {}): Promise<DeployTarget> {
  const owner = { accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET };
  const strictRam = target.strict ? new RamStandIn({ accountId: DEFAULT_OWNER_ID, credentials: owner, clock: systemClock }) : undefined;
  if (strictRam) strictRam.account.activate('eventbridge');
  const access = strictRam ? { access: strictRam.account, ownerId: DEFAULT_OWNER_ID } : {};
  const oss = await startOssEmulator(access);
  const sls = await startSlsEmulator(access);
  const tablestore = await startTablestoreEmulator(strictRam ? { access: strictRam.account, networkTypeAcl: ['INTERNET', 'VPC', 'CLASSIC'] } : {});
  const credentials = owner;
  oss.createBucket('archive-a');
  const project = `oss-log-${DEFAULT_OWNER_ID}-cn-hangzhou`;
  sls.createProject(project);
  sls.createLogstore(project, OSS_LOG_STORE);
  sls.createLogstore(project, 'trigger-log');
  sls.createProject('thaw-logs');
  sls.createLogstore('thaw-logs', 'functions');

  const model = new FunctionComputeModel(systemClock, { region: 'cn-hangzhou', accountId: DEFAULT_OWNER_ID });
  const ram = strictRam ?? new RamStandIn({ accountId: DEFAULT_OWNER_ID, credentials, clock: systemClock });
  // Tests about the deploy pass roles by --role that no test made: a lenient account, unless strict.
  const account = strictRam ? strictRam.account : new AnyRoleAccount({ accountId: DEFAULT_OWNER_ID, owner: credentials });
  const requests: Request[] = [];
  const faults: { match: (r: Request) => boolean; error: FcApiError; when: 'before' | 'after' }[] = [];
  const takeFault = (request: Request, when: 'before' | 'after') => {
    const i = faults.findIndex((f) => f.when === when && f.match(request));
    return i === -1 ? undefined : faults.splice(i, 1)[0]!.error;
  };
  const scope = { region: 'cn-hangzhou', accountId: DEFAULT_OWNER_ID };
  const fc3Model = new Fc3Model(systemClock, scope, (name) => model.customDomainFor(name) !== undefined);
  // Code in OSS (CreateFunction code.ossBucketName, as a ROS stack sends it) is read from the OSS emulator.
  const fc3Api = new Fc3Api({
    model: fc3Model,
    invoker: { invokeFc3: async () => ({ ok: true, result: null }) },
    account,
    scope,
    log: silentLogger,
    ossEndpoint: oss.endpoint,
  });
  // FC 3.0 requests are counted and faulted here, as fcApiServer's hook does for FC 2.0's.
  const fc3 = {
    owns: (req: IncomingMessage) => fc3Api.owns(req),
    handle(req: IncomingMessage, res: ServerResponse) {
      const request = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]! };
      requests.push(request);
      const before = takeFault(request, 'before');
      if (before) return answerError(res, before);
      const after = takeFault(request, 'after');
      if (after) {
        // The change lands; its answer is replaced by the error (a lost acknowledgement).
        const end = res.end.bind(res);
        const writeHead = res.writeHead.bind(res);
        res.writeHead = (() => res) as never;
        res.setHeader = (() => res) as never;
        res.write = (() => true) as never;
        res.end = (() => {
          writeHead(after.status, { 'content-type': 'application/json' });
          end(JSON.stringify({ Code: after.code, Message: after.message, RequestId: 'fault' }));
          return res;
        }) as never;
      }
      fc3Api.handle(req, res);
    },
  };
  const server = fcApiServer({
    model,
    invoker: { invoke: async () => ({ ok: true, result: null }) },
    account,
    scope,
    log: silentLogger,
    fc3,
    fault: ({ method, path, when }) => {
      if (when === 'before') requests.push({ method, path });
      return takeFault({ method, path }, when);
    },
  });
  const fcEndpoint = await listen(server);
  const ramServer = ram.server();
  // Alibaba's RPC SDKs name the action in a header (pop-core: x-acs-action), so calls can be counted
  // without reading the body the server will read.
  const ramCalls: Record<string, number> = {};
  ramServer.on('request', (req) => {
    const action = String(req.headers['x-acs-action'] ?? 'unknown');
    ramCalls[action] = (ramCalls[action] ?? 0) + 1;
  });
  const ramEndpoint = await listen(ramServer);
  const ts = tablestore.describe() as { instance: string };
  const parameters: Record<string, string> = {
    AllowList: 'archive-a/',
    ApiTokenSha256: 'b'.repeat(64),
    OssEndpoint: oss.endpoint,
    TablestoreEndpoint: tablestore.endpoint,
    TablestoreInstance: ts.instance,
    TableName: 'thaw_deploy',
    AccessLogProject: project,
    TriggerLogLogstore: 'trigger-log',
    FunctionLogProject: 'thaw-logs',
    FunctionLogstore: 'functions',
    WatchedBucket: 'archive-a',
  };
  const options = (overrides: Partial<DeployOptions>): DeployOptions & { output: string[] } => {
    const output: string[] = [];
    return {
      templatePath: 'template.yml',
      stackName: 'thaw-it',
      target: { accountId: DEFAULT_OWNER_ID, region: 'cn-hangzhou', fcEndpoint, ramEndpoint, credentials },
      parameterLayers: [parameters],
      roleArns: {},
      endpoints: { oss: oss.endpoint, tablestore: tablestore.endpoint, sls: sls.endpoint },
      dryRun: false,
      code: syntheticCode(),
      out: (text) => output.push(text),
      sleep: async () => undefined,
      ...(target.platform ? { platform: target.platform } : {}),
      ...overrides,
      output,
    };
  };
  return {
    model,
    fc3: fc3Model,
    ram,
    tablestore,
    requests,
    writesSince: (mark) => requests.slice(mark).filter((r) => r.method !== 'GET'),
    failNext: (match, error, when) => faults.push({ match, error, when }),
    parameters,
    credentials,
    ramClient: () => new Ram({ ...credentials, endpoint: ramEndpoint }),
    ramEndpoint,
    sls,
    ramCalls,
    targetWith: (other) => ({ accountId: DEFAULT_OWNER_ID, region: 'cn-hangzhou', fcEndpoint, ramEndpoint, credentials: other }),
    async deploy(overrides = {}) {
      const o = options(overrides);
      const outcome = await deployStack(o);
      return { ...outcome, output: o.output.join('') };
    },
    async destroy(overrides = {}) {
      const o = options(overrides);
      const outcome = await destroyStack({ ...o, deleteTables: overrides.deleteTables ?? false });
      return { ...outcome, output: o.output.join('') };
    },
    async tables() {
      const { TablestoreAdmin } = await import('../../lib/store/tablestore-admin');
      const admin = new TablestoreAdmin({ ...(tablestore.describe() as { endpoint: string; instance: string }), table: 'x', ...credentials });
      return (await admin.listTables()).sort();
    },
    async close() {
      await fc3Api.close();
      await close(server);
      await close(ramServer);
      await oss.close();
      await sls.close();
      await tablestore.close();
    },
  };
}

function answerError(res: ServerResponse, error: FcApiError): void {
  res.writeHead(error.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ Code: error.code, Message: error.message, RequestId: 'fault' }));
}
