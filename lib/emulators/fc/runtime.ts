// A local Function Compute runtime: runs what was deployed, whichever API deployed it. Each
// function's code zip is unpacked and run in instances that are child processes, as FC's are
// sandboxes of their own: an instance's environment holds only what FC gives a function (its
// environmentVariables, FC's FC_* variables and its service role's STS credentials; FC
// "Environment variables"), never the parent's, so a deployer's ALIBABA_CLOUD_* keys cannot leak
// into code someone deployed. It is invoked the way FC does: an event handler with the payload as a
// Buffer and a context carrying the role's credentials (context.credentials, FC "Context"), an HTTP
// handler as FC 2.0's `(req, resp, context)`. New code replaces the instance; the old one finishes
// what it was doing first. What an instance prints goes to stderr and to the service's logstore.
//
// FC 3.0 functions live in a namespace of their own (no service): each holds its own role and
// logConfig, and their context is FC 3.0's (FC 3.0 Node.js "Context",
// help.aliyun.com/en/functioncompute/context-1-1: requestId, credentials, function {name, handler,
// memory, timeout}, service {logProject, logStore, qualifier, versionId}, region, accountId, logger).
//
// Credentials: FC assumes the service's (FC 3.0: the function's) role for fc.aliyuncs.com and hands
// the STS keys over; a function without a role gets none (the fields are empty: unconfirmed, FC's docs only say the keys
// come from the role). A role FC cannot assume fails the invocation before any code runs
// (unconfirmed: FC's answer for it is not documented).
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { unzipSync } from 'fflate';
import { RoleAssumptionError, type SigningKey } from '../shared/access';
import type { EmulatorLog as Logger } from '../shared/log';
import type { FunctionLogs } from './function-logs';
import { type Fc3FunctionSettings, type FunctionHome, homeKey, type RunnableFunction } from './function-home';
import type { ServiceRecord } from './model';
import type { RoleCredentials } from './role-credentials';

const WORKER = new URL('./function-worker.mjs', import.meta.url);
/** Time an invocation may run past the function's timeout before the runtime gives up on it. */
const TIMEOUT_GRACE_MS = 1_000;

export type InvocationOutcome = { ok: true; result: unknown } | { ok: false; errorMessage: string; errorType: string };

export interface HttpInvocation {
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly queries: Record<string, string | string[]>;
  readonly clientIP: string;
  readonly body: Uint8Array;
}

export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/** A function that cannot run: its service role could not be assumed. */
export class RoleUnavailableError extends Error {
  override readonly name = 'RoleUnavailableError';
  constructor(
    readonly role: string,
    readonly reason: RoleAssumptionError,
  ) {
    super(`FC could not assume the service role ${role}: ${reason.code}: ${reason.message}`);
  }
}

/**
 * The variables of the host's clock, not of anyone's configuration: faketime moves the clock of a
 * process tree through LD_PRELOAD and FAKETIME*, and an instance must keep the clock of the
 * emulators it talks to (FC's instances share the host's clock).
 */
function hostClockVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name.startsWith('FAKETIME') || (name === 'LD_PRELOAD' && value.includes('faketime'))) out[name] = value;
  }
  return out;
}

interface Pending {
  resolve(answer: Record<string, unknown>): void;
  timer: NodeJS.Timeout;
}

interface Deployed {
  record: RunnableFunction;
  root: string;
  entry: string;
}

class Instance {
  private readonly pending = new Map<string, Pending>();
  private readonly child: ChildProcess;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(
    readonly deployed: Deployed,
    readonly credentialsId: string | undefined,
    env: Record<string, string>,
    onLine: (line: string) => void,
    log: Logger,
  ) {
    const { record } = deployed;
    const dot = record.handler.lastIndexOf('.');
    this.child = fork(WORKER, [deployed.entry, record.handler.slice(dot + 1)], {
      env,
      cwd: deployed.root,
      // Not the parent's flags (a loader, an inspector): an instance starts as a bare node would.
      // The tablestore SDK calls new Buffer(): one DEP0005 warning per instance, noise in the demo.
      execArgv: ['--disable-warning=DEP0005'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    for (const stream of [this.child.stdout, this.child.stderr] as Readable[]) {
      createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);
      (stream as Readable & { unref?: () => void }).unref?.();
    }
    this.child.unref();
    this.child.channel?.unref();
    this.child.on('message', (m: { id?: string; kind?: string } & Record<string, unknown>) => {
      if (m.kind === 'failed') {
        // The code failed to load: FC answers the invocations with that error.
        this.failure = Object.assign(new Error(String(m.errorMessage)), { name: String(m.errorType) });
        log.warn('function instance failed to load its code', { function: record.functionName, error: this.failure.message });
        return;
      }
      const p = m.id === undefined ? undefined : this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id!);
      clearTimeout(p.timer);
      p.resolve(m);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.failure ??= new Error(`the function instance exited (${signal ?? `code ${code}`})`);
        this.failAll(this.failure);
        resolve();
      });
    });
    this.child.on('error', (err) => {
      this.failure ??= err;
      this.failAll(err);
    });
  }

  get broken(): boolean {
    return this.failure !== undefined;
  }

  get idle(): boolean {
    return this.pending.size === 0;
  }

  call(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.failure) return Promise.resolve({ ok: false, errorMessage: this.failure.message, errorType: this.failure.name });
    const id = randomUUID();
    const timeout = this.deployed.record.timeout;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(id);
          // FC ends a timed-out invocation; its instance is not trusted with another (recycled).
          this.failure ??= new Error(`the instance was recycled after a timeout of ${timeout} seconds`);
          resolve({ ok: false, errorMessage: `Function timed out after ${timeout} seconds`, errorType: 'FunctionTimeout' });
        },
        timeout * 1000 + TIMEOUT_GRACE_MS,
      );
      timer.unref();
      this.pending.set(id, { resolve, timer });
      this.child.send({ id, ...message });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, errorMessage: err.message, errorType: err.name });
      this.pending.delete(id);
    }
  }
}

export interface LocalRuntimeOptions {
  readonly accountId: string;
  readonly region: string;
  /** The service a function belongs to (its role and logConfig), as the API holds it. */
  readonly serviceOf: (service: string) => ServiceRecord | undefined;
  /** An FC 3.0 function's own role and logConfig, as the FC 3.0 API holds them. */
  readonly fc3FunctionOf?: (fn: string) => Fc3FunctionSettings | undefined;
  /** FC's credentials for service roles (fc.aliyuncs.com). */
  readonly roles: RoleCredentials;
  /** Where instance output goes besides stderr (the service's logstore). */
  readonly logs?: FunctionLogs;
  readonly log: Logger;
  /** Echo of instance output (default: the stack's stderr). */
  readonly echo?: (line: string) => void;
}

export class LocalRuntime {
  private readonly instances = new Map<string, Instance>();
  private readonly deployed = new Map<string, Deployed>();
  private readonly retired = new Set<Instance>();
  /** Code being unpacked, by function: an invocation right after CreateFunction waits for it, as FC's would succeed. */
  private readonly unpacking = new Map<string, Promise<void>>();
  private dir: Promise<string> | undefined;

  constructor(private readonly options: LocalRuntimeOptions) {}

  /** Unpacks new code (or takes new configuration) for a function; the next invocation runs it. */
  deploy(service: string, record: RunnableFunction, code: Uint8Array): Promise<void> {
    return this.deployTo({ platform: 'fc2', service }, record, code);
  }

  /** The same for an FC 3.0 function (no service). */
  deployFc3(record: RunnableFunction, code: Uint8Array): Promise<void> {
    return this.deployTo({ platform: 'fc3' }, record, code);
  }

  private deployTo(home: FunctionHome, record: RunnableFunction, code: Uint8Array): Promise<void> {
    const key = homeKey(home, record.functionName);
    const previous = this.unpacking.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.unpack(home, record, code));
    this.unpacking.set(key, next);
    return next;
  }

  private async unpack(home: FunctionHome, record: RunnableFunction, code: Uint8Array): Promise<void> {
    this.dir ??= mkdtemp(join(tmpdir(), 'thaw-local-fc-'));
    const root = join(await this.dir, home.platform === 'fc2' ? home.service : ':fc3', record.functionName, record.codeChecksum);
    for (const [name, bytes] of Object.entries(unzipSync(code))) {
      if (name.endsWith('/')) continue;
      const path = join(root, name);
      if (!path.startsWith(root)) throw new Error(`the code zip of ${record.functionName} holds a path outside it: ${name}`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
    }
    const key = homeKey(home, record.functionName);
    this.deployed.set(key, { record, root, entry: join(root, `${record.handler.slice(0, record.handler.lastIndexOf('.'))}.js`) });
    this.retire(key);
  }

  remove(service: string, fn: string): void {
    this.removeKey(homeKey({ platform: 'fc2', service }, fn));
  }

  removeFc3(fn: string): void {
    this.removeKey(homeKey({ platform: 'fc3' }, fn));
  }

  private removeKey(key: string): void {
    this.deployed.delete(key);
    this.unpacking.delete(key);
    this.retire(key);
  }

  /** Runs an event function; a role FC cannot assume throws RoleUnavailableError before any code runs. */
  async invoke(service: string, fn: string, event: Buffer): Promise<InvocationOutcome> {
    return this.invokeEvent({ platform: 'fc2', service }, fn, event);
  }

  /** Runs an FC 3.0 function's event handler (HTTP triggers too: FC 3.0 hands them an event). */
  invokeFc3(fn: string, event: Buffer): Promise<InvocationOutcome> {
    return this.invokeEvent({ platform: 'fc3' }, fn, event);
  }

  private async invokeEvent(home: FunctionHome, fn: string, event: Buffer): Promise<InvocationOutcome> {
    await this.unpacking.get(homeKey(home, fn));
    const { instance, context } = this.prepare(home, fn);
    const answer = await instance.call({ kind: 'event', event, context });
    if (answer.ok) return { ok: true, result: JSON.parse(String(answer.result)) };
    return { ok: false, errorMessage: String(answer.errorMessage), errorType: String(answer.errorType) };
  }

  async invokeHttp(service: string, fn: string, request: HttpInvocation): Promise<HttpAnswer | InvocationOutcome> {
    await this.unpacking.get(`${service}/${fn}`);
    const { instance, context } = this.prepare({ platform: 'fc2', service }, fn);
    const answer = await instance.call({ kind: 'http', request, context });
    if (answer.ok) return answer.response as HttpAnswer;
    return { ok: false, errorMessage: String(answer.errorMessage), errorType: String(answer.errorType) };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.instances.values(), ...this.retired].map((i) => i.stop()));
    this.instances.clear();
    this.retired.clear();
    if (this.dir) await rm(await this.dir, { recursive: true, force: true });
  }

  private prepare(home: FunctionHome, fn: string): { instance: Instance; context: Record<string, unknown> } {
    const key = homeKey(home, fn);
    const deployed = this.deployed.get(key);
    if (!deployed) throw new Error(`function ${key} is not deployed`);
    const settings = this.settingsOf(home, fn);
    const credentials = this.credentialsOf(home, fn, settings);
    let instance = this.instances.get(key);
    // A new instance when the old one broke, or when FC renewed the role's keys: its environment
    // carries the keys it was started with, and they must be the ones the context hands over.
    if (instance && (instance.broken || instance.credentialsId !== credentials?.accessKeyId)) {
      this.retire(key);
      instance = undefined;
    }
    if (!instance) {
      instance = new Instance(
        deployed,
        credentials?.accessKeyId,
        this.environment(home, deployed, credentials),
        (line) => this.output(home, fn, line),
        this.options.log,
      );
      this.instances.set(key, instance);
    }
    return { instance, context: this.context(home, deployed.record, settings, credentials) };
  }

  /** The role and logConfig a function runs with: its service's (FC 2.0) or its own (FC 3.0). */
  private settingsOf(home: FunctionHome, fn: string): Fc3FunctionSettings | undefined {
    return home.platform === 'fc2' ? this.options.serviceOf(home.service) : this.options.fc3FunctionOf?.(fn);
  }

  private credentialsOf(home: FunctionHome, fn: string, settings: Fc3FunctionSettings | undefined): SigningKey | undefined {
    if (!settings?.role) return undefined;
    try {
      return this.options.roles.get(settings.role, (home.platform === 'fc2' ? `fc-${home.service}` : `fc3-${fn}`).slice(0, 64));
    } catch (err) {
      if (err instanceof RoleAssumptionError) throw new RoleUnavailableError(settings.role, err);
      throw err;
    }
  }

  private output(home: FunctionHome, fn: string, line: string): void {
    (this.options.echo ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
    this.options.logs?.lineOf(home, fn, line);
  }

  /** The old instance finishes its invocations, then goes. */
  private retire(key: string): void {
    const old = this.instances.get(key);
    if (!old) return;
    this.instances.delete(key);
    this.retired.add(old);
    const stopWhenIdle = () => {
      if (old.idle) {
        this.retired.delete(old);
        void old.stop();
      } else setTimeout(stopWhenIdle, 50).unref();
    };
    stopWhenIdle();
  }

  /** FC's variables for a function ("Environment variables": FC_* and the role's keys), nothing else. */
  private environment(home: FunctionHome, deployed: Deployed, credentials: SigningKey | undefined): Record<string, string> {
    const { record } = deployed;
    return {
      ...record.environmentVariables,
      FC_FUNC_CODE_PATH: deployed.root,
      FC_FUNCTION_HANDLER: record.handler,
      FC_FUNCTION_MEMORY_SIZE: String(record.memorySize),
      FC_FUNCTION_NAME: record.functionName,
      // FC 3.0 functions have no service (which FC_* variables FC 3.0 sets is otherwise unconfirmed).
      ...(home.platform === 'fc2' ? { FC_SERVICE_NAME: home.service } : {}),
      FC_QUALIFIER: 'LATEST',
      FC_REGION: this.options.region,
      FC_ACCOUNT_ID: this.options.accountId,
      FC_INSTANCE_ID: randomUUID(),
      ...(credentials
        ? {
            ALIBABA_CLOUD_ACCESS_KEY_ID: credentials.accessKeyId,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET: credentials.accessKeySecret,
            ...(credentials.securityToken ? { ALIBABA_CLOUD_SECURITY_TOKEN: credentials.securityToken } : {}),
          }
        : {}),
      ...hostClockVariables(process.env),
    };
  }

  private context(
    home: FunctionHome,
    fn: RunnableFunction,
    settings: Fc3FunctionSettings | undefined,
    credentials: SigningKey | undefined,
  ): Record<string, unknown> {
    const service =
      home.platform === 'fc2'
        ? {
            name: home.service,
            logProject: settings?.logConfig.project ?? '',
            logStore: settings?.logConfig.logstore ?? '',
            qualifier: 'LATEST',
            versionId: '',
          }
        : // FC 3.0's ServiceMeta keeps the log and version fields, without a name (FC 3.0 "Context").
          { logProject: settings?.logConfig.project ?? '', logStore: settings?.logConfig.logstore ?? '', qualifier: 'LATEST', versionId: '' };
    return {
      requestId: randomUUID(),
      credentials: {
        accessKeyId: credentials?.accessKeyId ?? '',
        accessKeySecret: credentials?.accessKeySecret ?? '',
        securityToken: credentials?.securityToken ?? '',
      },
      function: { name: fn.functionName, handler: fn.handler, memory: fn.memorySize, timeout: fn.timeout },
      service,
      region: this.options.region,
      accountId: this.options.accountId,
    };
  }
}
