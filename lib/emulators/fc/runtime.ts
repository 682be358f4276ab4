// A local Function Compute runtime that runs what was deployed into the local FC API: each
// function's code zip is unpacked and loaded in its own worker thread with its own environment
// variables, as an FC instance would be, and invoked the way FC does — an event handler with the
// payload as a Buffer and a context with temporary credentials, a request id and the timeout; an
// HTTP handler as FC 2.0's `(req, resp, context)`. New code replaces the instance; the old one
// finishes what it was doing first.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { unzipSync } from 'fflate';
import type { EmulatorLog as Logger } from '../shared/log';
import type { TemporaryCredentials as Credentials } from '../shared/credentials';
import type { FunctionInvoker, InvocationOutcome } from './fc2-api';
import type { FunctionRecord } from './model';

const WORKER = new URL('./function-worker.mjs', import.meta.url);
/** Time an invocation may run past the function's timeout before the runtime gives up on it. */
const TIMEOUT_GRACE_MS = 1_000;

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

interface Pending {
  resolve(answer: Record<string, unknown>): void;
  timer: NodeJS.Timeout;
}

class Instance {
  private readonly pending = new Map<string, Pending>();
  private readonly worker: Worker;
  private failure: Error | undefined;

  constructor(
    readonly record: FunctionRecord,
    entry: string,
    env: Record<string, string>,
    log: Logger,
  ) {
    const dot = record.handler.lastIndexOf('.');
    this.worker = new Worker(WORKER, {
      workerData: { entry, exportName: record.handler.slice(dot + 1) },
      env,
      // The tablestore SDK calls new Buffer(): one DEP0005 warning per instance, noise in the demo.
      execArgv: ['--disable-warning=DEP0005'],
      // Function output goes to stderr, where the stack logs: `thaw dev --json` keeps stdout to its one line.
      stdout: true,
      stderr: false,
    });
    this.worker.stdout.pipe(process.stderr);
    this.worker.unref();
    this.worker.on('message', (m: { id: string } & Record<string, unknown>) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      p.resolve(m);
    });
    this.worker.on('error', (err) => {
      // The code failed to load, or threw outside an invocation: FC would recycle the instance.
      this.failure = err;
      log.warn('function instance failed', { function: record.functionName, error: err });
      this.failAll(err);
    });
    this.worker.on('exit', () => this.failAll(this.failure ?? new Error('the function instance exited')));
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
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(id);
          resolve({ ok: false, errorMessage: `Function timed out after ${this.record.timeout} seconds`, errorType: 'FunctionTimeout' });
        },
        this.record.timeout * 1000 + TIMEOUT_GRACE_MS,
      );
      timer.unref();
      this.pending.set(id, { resolve, timer });
      this.worker.postMessage({ id, ...message });
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
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
  /** What FC would hand the function from its service role. */
  readonly credentials: Credentials;
  readonly log: Logger;
}

export class LocalRuntime implements FunctionInvoker {
  private readonly instances = new Map<string, Instance>();
  private readonly deployed = new Map<string, { record: FunctionRecord; entry: string }>();
  private readonly retired = new Set<Instance>();
  /** Code being unpacked, by function: an invocation right after CreateFunction waits for it, as FC's would succeed. */
  private readonly unpacking = new Map<string, Promise<void>>();
  private dir: Promise<string> | undefined;

  constructor(private readonly options: LocalRuntimeOptions) {}

  /** Unpacks new code (or takes new configuration) for a function; the next invocation runs it. */
  deploy(service: string, record: FunctionRecord, code: Uint8Array): Promise<void> {
    const key = `${service}/${record.functionName}`;
    const previous = this.unpacking.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.unpack(service, record, code));
    this.unpacking.set(key, next);
    return next;
  }

  private async unpack(service: string, record: FunctionRecord, code: Uint8Array): Promise<void> {
    this.dir ??= mkdtemp(join(tmpdir(), 'thaw-local-fc-'));
    const root = join(await this.dir, service, record.functionName, record.codeChecksum);
    for (const [name, bytes] of Object.entries(unzipSync(code))) {
      if (name.endsWith('/')) continue;
      const path = join(root, name);
      if (!path.startsWith(root)) throw new Error(`the code zip of ${record.functionName} holds a path outside it: ${name}`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
    }
    const key = `${service}/${record.functionName}`;
    this.deployed.set(key, { record, entry: join(root, `${record.handler.slice(0, record.handler.lastIndexOf('.'))}.js`) });
    this.retire(key);
  }

  remove(service: string, fn: string): void {
    const key = `${service}/${fn}`;
    this.deployed.delete(key);
    this.unpacking.delete(key);
    this.retire(key);
  }

  async invoke(service: string, fn: string, event: Buffer): Promise<InvocationOutcome> {
    await this.unpacking.get(`${service}/${fn}`);
    const answer = await this.instance(service, fn).call({ kind: 'event', event, context: this.context(service, fn) });
    if (answer.ok) return { ok: true, result: JSON.parse(String(answer.result)) };
    return { ok: false, errorMessage: String(answer.errorMessage), errorType: String(answer.errorType) };
  }

  async invokeHttp(service: string, fn: string, request: HttpInvocation): Promise<HttpAnswer | InvocationOutcome> {
    await this.unpacking.get(`${service}/${fn}`);
    const answer = await this.instance(service, fn).call({ kind: 'http', request, context: this.context(service, fn) });
    if (answer.ok) return answer.response as HttpAnswer;
    return { ok: false, errorMessage: String(answer.errorMessage), errorType: String(answer.errorType) };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.instances.values(), ...this.retired].map((i) => i.stop()));
    this.instances.clear();
    this.retired.clear();
    if (this.dir) await rm(await this.dir, { recursive: true, force: true });
  }

  private instance(service: string, fn: string): Instance {
    const key = `${service}/${fn}`;
    let instance = this.instances.get(key);
    if (!instance || instance.broken) {
      const deployed = this.deployed.get(key);
      if (!deployed) throw new Error(`function ${key} is not deployed`);
      instance = new Instance(deployed.record, deployed.entry, this.environment(service, deployed.record), this.options.log);
      this.instances.set(key, instance);
    }
    return instance;
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

  private environment(service: string, record: FunctionRecord): Record<string, string> {
    const c = this.options.credentials;
    return {
      ...record.environmentVariables,
      FC_FUNCTION_NAME: record.functionName,
      FC_SERVICE_NAME: service,
      FC_REGION: this.options.region,
      FC_ACCOUNT_ID: this.options.accountId,
      ALIBABA_CLOUD_ACCESS_KEY_ID: c.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: c.accessKeySecret,
      ...(c.securityToken ? { ALIBABA_CLOUD_SECURITY_TOKEN: c.securityToken } : {}),
    };
  }

  private context(service: string, fn: string): Record<string, unknown> {
    const record = this.deployed.get(`${service}/${fn}`)!.record;
    return {
      requestId: randomUUID(),
      credentials: { ...this.options.credentials },
      function: { name: fn, handler: record.handler, memory: record.memorySize, timeout: record.timeout },
      service: { name: service },
      region: this.options.region,
      accountId: this.options.accountId,
    };
  }
}
