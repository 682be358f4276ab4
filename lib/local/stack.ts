// The local stack: OSS and Tablestore emulators, the functions of template.yml wired to their
// triggers as FC would, and a seeded demo bucket. `thaw start` and `thaw dev` run it.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { sha256Hex } from '../api/auth';
import { DEFAULT_OWNER_ID, type OssAccessLogRecord, type OssEventRecord, startOssEmulator } from '../emulators/oss';
import { close, listen } from '../emulators/shared/http';
import { type LogTrigger, OSS_LOG_STORE, startLogTrigger, startSlsEmulator, writeOssAccessLogs } from '../emulators/sls';
import { startTablestoreEmulator } from '../emulators/tablestore';
import { jsonLogger, type Logger, type LogLevel } from '../log';
import { TablestoreStateStore } from '../store/tablestore';
import { ensureTables } from '../store/tablestore-schema';
import { DEMO_BUCKET, DEMO_OBJECTS } from './demo';
import { fcApiServer } from './fc-api';
import { httpTriggerServer, loadFunction, type LocalFunction } from './runtime';
import { readTemplate } from './template';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TABLE = 'thaw_restores';

export interface StackOptions {
  /** Port of the HTTP function (0 picks one). */
  readonly port?: number;
  /** Divides every emulated restore duration (and the ETAs the API reports). */
  readonly timeScale?: number;
  /** THAW_ALLOW for the stack; default: the demo bucket. */
  readonly allow?: string;
  readonly logLevel?: LogLevel;
  /** How often the local Log trigger invokes the access-log function (FC: 3–600 s). */
  readonly triggerIntervalMs?: number;
}

export interface StackDescription {
  readonly api: string;
  readonly apiToken: string;
  readonly oss: { endpoint: string; region: string; accessKeyId: string; accessKeySecret: string };
  readonly tablestore: { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
  readonly sls: { endpoint: string; project: string; logstore: string; accessKeyId: string; accessKeySecret: string };
  /** The local FC API, for @alicloud/fc2 (`new FC(accountId, { endpoint, region, accessKeyID, accessKeySecret })`). */
  readonly fc: { endpoint: string; accountId: string; region: string; service: string; accessKeyId: string; accessKeySecret: string };
}

export interface Stack {
  readonly functions: ReadonlyMap<string, LocalFunction>;
  describe(): StackDescription;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // Whatever started before a failure is closed again, so a failed start leaves no servers behind.
  const started: { close(): Promise<void> }[] = [];
  try {
    return await assemble(options, started);
  } catch (err) {
    for (const part of started.reverse()) await part.close().catch(() => undefined);
    throw err;
  }
}

async function assemble(options: StackOptions, started: { close(): Promise<void> }[]): Promise<Stack> {
  const timeScale = options.timeScale ?? 1;
  const log: Logger = jsonLogger({ level: options.logLevel ?? 'info', fields: { component: 'local-stack' } });
  const sls = await startSlsEmulator();
  started.push(sls);
  // Named as OSS real-time logging names it: oss-log-<uid>-<region>, logstore oss-log-store.
  const logProject = `oss-log-${DEFAULT_OWNER_ID}-cn-hangzhou`;
  sls.createProject(logProject);
  sls.createLogstore(logProject, OSS_LOG_STORE, { shardCount: 2 });
  const accessLog = new AccessLogShipper((records) => writeOssAccessLogs(sls, logProject, OSS_LOG_STORE, records));
  const events = new EventQueue();
  started.push({ close: async () => accessLog.stop() });
  const oss = await startOssEmulator({ timeScale, onAccessLog: (r) => accessLog.add(r), onEvent: (e) => events.add(e) });
  started.push(oss);
  const tablestore = await startTablestoreEmulator();
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

  const apiToken = `thaw_${randomBytes(18).toString('base64url')}`;
  // What FC would pass as EnvironmentVariables, pointed at the emulators.
  const environment: Record<string, string> = {
    THAW_ALLOW: options.allow ?? process.env.THAW_ALLOW ?? DEMO_BUCKET,
    THAW_API_TOKEN_SHA256: sha256Hex(apiToken),
    // Whatever the shell says, the local API asks for the token it prints.
    THAW_API_ANONYMOUS: 'false',
    THAW_OSS_ENDPOINT: oss.endpoint,
    THAW_OSS_REGION: ossInfo.region,
    THAW_TABLESTORE_ENDPOINT: tablestore.endpoint,
    THAW_TABLESTORE_INSTANCE: tsInfo.instance,
    THAW_TABLE: TABLE,
    THAW_TIME_SCALE: String(timeScale),
    THAW_LOG_LEVEL: options.logLevel ?? 'info',
  };
  Object.assign(process.env, environment);

  // The deploy path creates the tables the same way (thaw tables create).
  await ensureTables(new TablestoreStateStore({ ...tsInfo, table: TABLE }));

  const credentials = { accessKeyId: ossInfo.accessKeyId, accessKeySecret: ossInfo.accessKeySecret };
  const specs = await readTemplate(join(ROOT, 'template.yml'));
  const functions = new Map<string, LocalFunction>();
  for (const spec of specs) functions.set(spec.name, await loadFunction(ROOT, spec, credentials, log));

  // Invocations started by events and timers, so close() can let them finish first.
  const inFlight = new Set<Promise<unknown>>();
  const track = (invocation: Promise<unknown>) => {
    inFlight.add(invocation);
    void invocation.finally(() => inFlight.delete(invocation));
  };

  // Wire each trigger of template.yml to its local source, as FC would.
  const servers: Server[] = [];
  const logTriggers: LogTrigger[] = [];
  const timers: NodeJS.Timeout[] = [];
  let api = '';
  for (const fn of functions.values()) {
    for (const trigger of fn.spec.triggers) {
      switch (trigger.type) {
        case 'HTTP': {
          const server = httpTriggerServer(fn);
          started.push({ close: () => close(server) });
          api = await listen(server, options.port ?? 0).catch((err: NodeJS.ErrnoException) => {
            if (err.code === 'EADDRINUSE') err.message = `port ${options.port} is in use; pass --port 0 (any free port) or another port`;
            throw err;
          });
          servers.push(server);
          break;
        }
        case 'Log':
          logTriggers.push(
            await startLogTrigger({
              emulator: sls,
              project: logProject,
              logstore: OSS_LOG_STORE,
              intervalMs: options.triggerIntervalMs ?? 1000,
              startFrom: 'begin',
              invoke: async (event) => {
                await fn.invoke(event);
              },
              onError: (error) => log.warn('log trigger invocation failed; the range will be retried', { function: fn.spec.name, error }),
            }),
          );
          break;
        case 'OSS':
          events.subscribe(eventPatterns(trigger.properties), (record) =>
            track(fn.invoke({ events: [record] }).catch((error: unknown) => log.warn('storage event invocation failed', { function: fn.spec.name, error }))),
          );
          break;
        case 'Timer': {
          const everyMs = parseEvery(String(trigger.properties.CronExpression ?? '@every 1m'));
          const timer = setInterval(
            () => {
              track(
                fn
                  .invoke({ triggerTime: new Date().toISOString(), triggerName: trigger.name, payload: '' })
                  .catch((error: unknown) => log.warn('timer invocation failed', { function: fn.spec.name, error })),
              );
            },
            Math.max(250, everyMs / timeScale),
          );
          timer.unref();
          timers.push(timer);
          break;
        }
        default:
          log.warn('trigger type not emulated locally', { function: fn.spec.name, trigger: trigger.type });
      }
    }
  }

  const service = specs[0]?.service ?? 'oss-thaw';
  const fcServer = fcApiServer({ service, functions, credentials, log });
  const fcEndpoint = await listen(fcServer, 0);
  servers.push(fcServer);
  const fcInfo: StackDescription['fc'] = { endpoint: fcEndpoint, accountId: DEFAULT_OWNER_ID, region: 'cn-hangzhou', service, ...credentials };

  return {
    functions,
    describe: () => ({
      api,
      apiToken,
      oss: pick(ossInfo, ['endpoint', 'region', 'accessKeyId', 'accessKeySecret']),
      tablestore: pick(tsInfo, ['endpoint', 'instance', 'accessKeyId', 'accessKeySecret']),
      sls: slsInfo,
      fc: fcInfo,
    }),
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const trigger of logTriggers) await trigger.stop();
      await Promise.allSettled([...inFlight]);
      accessLog.stop();
      for (const server of servers) await close(server);
      await oss.close();
      await tablestore.close();
      await sls.close();
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

/** Delivers OSS emulator events to the functions whose OSS trigger patterns match. */
class EventQueue {
  private readonly subscribers: { patterns: RegExp[]; deliver: (record: OssEventRecord) => unknown }[] = [];

  subscribe(patterns: RegExp[], deliver: (record: OssEventRecord) => unknown): void {
    this.subscribers.push({ patterns, deliver });
  }

  add(record: OssEventRecord): void {
    for (const s of this.subscribers) {
      if (s.patterns.some((p) => p.test(`oss:${record.eventName}`))) void s.deliver(record);
    }
  }
}

/** 'oss:ObjectCreated:*' → /^oss:ObjectCreated:.*$/ */
function eventPatterns(properties: Record<string, unknown>): RegExp[] {
  const events = Array.isArray(properties.Events) ? (properties.Events as unknown[]) : [];
  return events.map(
    (e) =>
      new RegExp(
        `^${String(e)
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')}$`,
      ),
  );
}

/** FC timer expressions of the form '@every 1m', '@every 30s', '@every 1h'. */
function parseEvery(expression: string): number {
  const match = /^@every\s+(\d+)([smh])$/.exec(expression.trim());
  if (!match) return 60_000;
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}
