// A wire-level Log Service (SLS) emulator: projects, logstores, shards and cursors; PutLogs in, PullLogs
// out as compressed protobuf; signatures checked; faults injectable. Layered as the OSS emulator is:
// server.ts (node:http) → request.ts (what a request names) → service.ts (operations, faults,
// signatures) → store.ts (projects, logstores, shards), every error from errors.ts. See README.md in
// this folder for the API surface, the Host forms it accepts and what is (un)confirmed.
import { parseIndexConfig } from './index-config';
import { type AccessControl, fullAccess } from '../shared/access';
import { systemClock, type EmulatorClock as Clock } from '../shared/clock';
import { warnIfExposed } from '../shared/control';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, type EmulatorFlags, type RunningEmulator } from '../shared/emulator';
import { FaultInjector, type FaultPlan } from '../shared/faults';
import { close, listen } from '../shared/http';
import type { AlertEvaluation } from './alerts';
import type { SlsCredential } from './auth';
import { slsErrors } from './errors';
import { encodeLogGroup } from './protocol';
import { createSlsServer } from './server';
import { SlsService, type SlsStatsJson } from './service';
import { routingHash, SlsState } from './store';

export { SlsError, slsErrors } from './errors';
export type { SlsCredential } from './auth';
export type { AlertEvaluation } from './alerts';
export { projectFromHost } from './request';
export {
  startLogTrigger,
  type LogTrigger,
  type LogTriggerEvent,
  type LogTriggerInvocation,
  type LogTriggerOptions,
  type LogTriggerRun,
} from './log-trigger';

/** A fake 16-digit account id, the OSS emulator's default owner (DEFAULT_OWNER_ID there). */
export const DEFAULT_SLS_OWNER_ID = '1000000000000001';

/** Project and logstore that `thaw emulator sls` creates, named like OSS real-time logging names them. */
export const OSS_LOG_STORE = 'oss-log-store';

/**
 * The index OSS real-time log query gives its dedicated logstore: the log fields as keys, so the
 * console (and a count of a bucket's records) can query them (OSS "Real-time log query": the
 * logstore comes with indexes on the log fields; which fields carry analytics is unconfirmed, every
 * text field here does).
 */
export const OSS_ACCESS_LOG_INDEX = {
  line: { token: [',', ' ', "'", '"', ';', '=', '(', ')', '[', ']', '{', '}', '?', '@', '&', '<', '>', '/', ':', '\n', '\t', '\r'], caseSensitive: false },
  keys: Object.fromEntries(
    [
      'bucket',
      'object',
      'operation',
      'http_method',
      'http_status',
      'error_code',
      'request_id',
      'requester_id',
      'client_ip',
      'bucket_storage_type',
      'restore_priority',
    ].map((k) => [k, { type: 'text', token: [' ', '/', '?', '&', '='], caseSensitive: false, doc_value: true }]),
  ),
};
export function localOssLogProject(region: string): string {
  return `oss-log-local-${region}`;
}

export interface SlsEmulatorOptions {
  port?: number;
  host?: string;
  /** Accepted key pairs; default the shared local development pair. */
  credentials?: SlsCredential[];
  /** Receive times and cursor bases come from this clock. */
  clock?: Clock;
  faults?: FaultPlan;
  /** Region reported by GetProject, and named in RAM resources. */
  region?: string;
  /** The account that owns the projects (named in RAM resources `acs:log:<region>:<uid>:…`). */
  ownerId?: string;
  /** Who may sign and what each identity may do: the local cloud's RAM account; replaces `credentials`. */
  access?: AccessControl;
}

export interface EmulatorLog {
  /** Unix seconds. */
  time: number;
  timeNs?: number;
  contents: Record<string, string>;
}

export interface WriteLogsOptions {
  topic?: string;
  source?: string;
  tags?: Record<string, string>;
  /** Route like PutLogs `shards/route?key=`: 32 hex digits, or any string (hashed with MD5). */
  shardHash?: string;
  /** Write to this shard directly. */
  shardId?: number;
}

export interface WrittenLogGroup {
  shardId: number;
  /** Cursor of the LogGroup just written. */
  cursor: string;
  /** Cursor right after it (the shard's end cursor at the time of writing). */
  nextCursor: string;
}

export type SlsEmulatorStats = SlsStatsJson;

export interface SlsEmulator extends RunningEmulator {
  readonly faults: FaultInjector;
  readonly credentials: readonly SlsCredential[];
  /** Creates a project; a no-op when it exists. */
  createProject(name: string, description?: string): void;
  /** Creates a logstore; a no-op when it exists with the same shard count. */
  createLogstore(project: string, logstore: string, options?: { shardCount?: number; ttl?: number }): void;
  /** Gives a logstore an index, as CreateIndex would (the body's documented shape; index-config.ts). */
  createIndex(project: string, logstore: string, index: unknown): void;
  /** Appends one LogGroup holding `logs`, as PutLogs would. */
  writeLogs(project: string, logstore: string, logs: EmulatorLog[], options?: WriteLogsOptions): WrittenLogGroup;
  stats(): SlsEmulatorStats;
  /**
   * Runs an alert rule's queries and trigger conditions once at `nowMs` (the emulator never runs
   * alerts on a schedule). Throws the SlsError GetAlert would (ProjectNotExist, JobNotExist).
   */
  evaluateAlert(project: string, name: string, nowMs: number): AlertEvaluation;
}

export async function startSlsEmulator(options: SlsEmulatorOptions = {}): Promise<SlsEmulator> {
  const clock = options.clock ?? systemClock;
  const region = options.region ?? 'cn-hangzhou';
  const credentials: SlsCredential[] = (options.credentials ?? [{ accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET }]).map(
    (c) => ({ ...c }),
  );
  if (credentials.length === 0) throw new TypeError('the SLS emulator needs at least one credential');
  const state = new SlsState(clock);
  const faults = new FaultInjector(options.faults);
  const ownerId = options.ownerId ?? DEFAULT_SLS_OWNER_ID;
  const service = new SlsService(state, options.access ?? fullAccess(credentials, ownerId), faults, clock, region, ownerId);
  const server = createSlsServer(service);
  const endpoint = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const first = credentials[0]!;

  return {
    endpoint,
    faults,
    credentials,
    describe() {
      const out: Record<string, unknown> = {
        service: 'sls',
        endpoint,
        accessKeyId: first.accessKeyId,
        accessKeySecret: first.accessKeySecret,
      };
      if (first.securityToken) out.securityToken = first.securityToken;
      return out;
    },
    close: () => close(server),
    createProject(name, description = '') {
      if (!state.projects.has(name)) state.createProject(name, description);
    },
    createIndex(project, logstore, index) {
      const target = state.project(project).logstores.get(logstore);
      if (!target) throw slsErrors.logStoreNotExist(logstore);
      target.index = { config: parseIndexConfig(index), modifiedAtMs: clock.nowMs() };
    },
    createLogstore(project, logstore, opts = {}) {
      const shardCount = opts.shardCount ?? 2;
      const existing = state.project(project).logstores.get(logstore);
      if (existing) {
        if (existing.shardCount !== shardCount) {
          throw slsErrors.logStoreAlreadyExist(logstore);
        }
        return;
      }
      state.createLogstore(project, logstore, shardCount, opts.ttl ?? 30);
    },
    writeLogs(project, logstore, logs, opts = {}) {
      const store = state.project(project).logstore(logstore);
      if (logs.length === 0) throw new TypeError('writeLogs needs at least one log (PutLogs ignores empty groups)');
      for (const log of logs) {
        if (!(Number.isInteger(log.time) && log.time >= 0 && log.time <= 0xffffffff)) {
          throw new TypeError(`log time must be Unix seconds (uint32), got ${String(log.time)}`);
        }
      }
      const bytes = Buffer.from(encodeLogGroup({ logs, topic: opts.topic, source: opts.source, tags: opts.tags }));
      const shard =
        opts.shardId !== undefined
          ? store.shard(opts.shardId)
          : opts.shardHash !== undefined
            ? store.shardForHash(routingHash(opts.shardHash))
            : store.nextLoadBalancedShard();
      const index = shard.append({ bytes, receivedAtMs: clock.nowMs(), logCount: logs.length });
      return { shardId: shard.id, cursor: shard.cursorAt(index), nextCursor: shard.cursorAt(index + 1) };
    },
    stats: () => service.stats(),
    evaluateAlert: (project, name, nowMs) => service.management.evaluateAlert(project, name, nowMs),
  };
}

/**
 * `thaw emulator sls`: starts the emulator with the flags' credentials and pre-creates the project and
 * logstore that OSS real-time logging would write to (`oss-log-local-<region>` / `oss-log-store`, 2 shards).
 */
export async function startFromFlags(flags: EmulatorFlags): Promise<SlsEmulator> {
  warnIfExposed('Log Service', flags.host);
  const region = (flags.region ?? 'cn-hangzhou').replace(/^oss-/, '');
  const emulator = await startSlsEmulator({
    port: flags.port,
    host: flags.host,
    region,
    credentials: [
      {
        accessKeyId: flags.accessKeyId ?? DEFAULT_ACCESS_KEY_ID,
        accessKeySecret: flags.accessKeySecret ?? DEFAULT_ACCESS_KEY_SECRET,
      },
    ],
    faults: flags.seed === undefined ? undefined : { seed: flags.seed, rules: [] },
  });
  const project = localOssLogProject(region);
  emulator.createProject(project, 'OSS real-time access logs (local)');
  emulator.createLogstore(project, OSS_LOG_STORE, { shardCount: 2 });
  const describe = emulator.describe.bind(emulator);
  return Object.assign(emulator, { describe: () => ({ ...describe(), project, logstore: OSS_LOG_STORE }) });
}

/**
 * Ships OSS real-time access-log records (flat string fields plus `__time__` and `__topic__`, as the OSS
 * emulator's onAccessLog hook produces them) as one LogGroup, the way OSS delivers them to Log Service:
 * `__time__` becomes the Log's Time and `__topic__` the LogGroup's topic; every other field is content.
 */
export function writeOssAccessLogs(
  emulator: Pick<SlsEmulator, 'writeLogs'>,
  project: string,
  logstore: string,
  records: readonly { readonly __time__: string; readonly __topic__?: string }[],
  options: WriteLogsOptions = {},
): WrittenLogGroup | undefined {
  if (records.length === 0) return undefined;
  const logs = records.map((record) => {
    const seconds = Number(record.__time__);
    if (!Number.isInteger(seconds) || seconds < 0) {
      throw new TypeError(`access-log record has no usable __time__: ${String(record.__time__)}`);
    }
    const contents: Record<string, string> = {};
    for (const [name, value] of Object.entries(record)) {
      if (name !== '__time__' && name !== '__topic__') contents[name] = String(value);
    }
    return { time: seconds, contents };
  });
  return emulator.writeLogs(project, logstore, logs, { topic: records[0]!.__topic__ ?? 'oss_access_log', ...options });
}
