// A wire-level Log Service (SLS) emulator: projects, logstores, shards and cursors; PutLogs in, PullLogs
// out as compressed protobuf; signatures checked; faults injectable. See README.md in this folder for the
// API surface, the Host forms it accepts and what is (un)confirmed against the real service.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { systemClock, type Clock } from '../../clock';
import { isLocalHost } from '../../sls/endpoint';
import { lz4BlockDecompress, lz4BlockStore } from '../../sls/lz4';
import { decodeLogGroup, encodeLogGroup, type LogGroupMessage } from '../../sls/proto';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, type EmulatorFlags, type RunningEmulator } from '../shared/emulator';
import { FaultInjector, type FaultPlan } from '../shared/faults';
import { BodyTooLargeError, close, listen, readBody } from '../shared/http';
import { Counter } from '../shared/stats';
import { authenticate, type SlsCredential } from './auth';
import { SlsError, slsErrors } from './errors';
import { routingHash, SlsState, type Logstore, type Shard } from './store';

export { SlsError, slsErrors } from './errors';
export type { SlsCredential } from './auth';
export {
  startLogTrigger,
  type LogTrigger,
  type LogTriggerEvent,
  type LogTriggerInvocation,
  type LogTriggerOptions,
  type LogTriggerRun,
} from './log-trigger';

const deflate = promisify(zlib.deflate);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);

/** Raw (uncompressed) LogGroup limit of PutLogs. */
const MAX_RAW_LOG_GROUP_BYTES = 10 * 1024 * 1024;
/** Wire limit for a request body; compressed bodies are smaller than the raw limit. */
const MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;

/** Project and logstore that `thaw emulator sls` creates, named like OSS real-time logging names them. */
export const OSS_LOG_STORE = 'oss-log-store';
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
  /** Region reported by GetProject. */
  region?: string;
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

export interface SlsEmulatorStats {
  service: 'sls';
  /** Requests by API operation (PullLogs, GetCursor, PutLogs, …), faulted ones included. */
  operations: Record<string, number>;
  /** Error answers by errorCode. */
  errors: Record<string, number>;
  /** Injected faults by kind. */
  faults: Record<string, number>;
  logGroups: number;
  logs: number;
}

export interface SlsEmulator extends RunningEmulator {
  readonly faults: FaultInjector;
  readonly credentials: readonly SlsCredential[];
  /** Creates a project; a no-op when it exists. */
  createProject(name: string, description?: string): void;
  /** Creates a logstore; a no-op when it exists with the same shard count. */
  createLogstore(project: string, logstore: string, options?: { shardCount?: number; ttl?: number }): void;
  /** Appends one LogGroup holding `logs`, as PutLogs would. */
  writeLogs(project: string, logstore: string, logs: EmulatorLog[], options?: WriteLogsOptions): WrittenLogGroup;
  stats(): SlsEmulatorStats;
}

type Query = [string, string][];

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

interface RequestContext {
  method: string;
  project: string | undefined;
  query: Map<string, string>;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

interface Route {
  operation: string;
  run(ctx: RequestContext): Promise<Answer> | Answer;
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
  const operations = new Counter();
  const errors = new Counter();
  const faultCounter = new Counter();

  const requireProject = (project: string | undefined, host: string | undefined): string => {
    if (project) return project;
    throw slsErrors.parameterInvalid(`Host "${host ?? ''}" names no project; send Host: <project>.<endpoint>, e.g. Host: my-project.127.0.0.1`);
  };

  const logstoreOf = (ctx: RequestContext, name: string): Logstore => state.project(requireProject(ctx.project, ctx.headers.host)).logstore(name);

  const shardOf = (ctx: RequestContext, logstore: string, rawId: string): Shard => {
    const store = logstoreOf(ctx, logstore);
    if (!/^\d{1,9}$/.test(rawId)) throw slsErrors.parameterInvalid(`shard ${rawId} is invalid`);
    return store.shard(Number(rawId));
  };

  const router = (method: string, segments: string[], query: Map<string, string>): Route | undefined => {
    const [first, logstore, third, shardId, ...rest] = segments;
    if (rest.length > 0) return undefined;
    if (first === undefined) {
      if (method === 'GET') return { operation: 'ListProjectOrGetProject', run: getOrListProject };
      if (method === 'POST') return { operation: 'CreateProject', run: createProject };
      return undefined;
    }
    if (first !== 'logstores') return undefined;
    if (logstore === undefined) {
      if (method === 'GET') return { operation: 'ListLogStores', run: listLogStores };
      if (method === 'POST') return { operation: 'CreateLogStore', run: createLogStore };
      return undefined;
    }
    if (third === undefined) {
      if (method === 'POST') return { operation: 'PutLogs', run: (ctx) => putLogs(ctx, logstore, undefined) };
      if (method !== 'GET') return undefined;
      const type = query.get('type');
      if (type === 'log' || type === 'histogram') {
        // GetLogs/GetHistograms need an index; the emulator has none, as a logstore without one answers.
        return {
          operation: 'GetLogs',
          run: (ctx) => {
            logstoreOf(ctx, logstore);
            throw slsErrors.indexConfigNotExist();
          },
        };
      }
      return { operation: 'GetLogStore', run: (ctx) => json(200, logstoreOf(ctx, logstore).describe()) };
    }
    if (third !== 'shards') return undefined;
    if (shardId === undefined) {
      if (method !== 'GET') return undefined;
      return {
        operation: 'ListShards',
        run: (ctx) =>
          json(
            200,
            logstoreOf(ctx, logstore).shards.map((s) => s.describe()),
          ),
      };
    }
    if (method === 'POST' && shardId === 'lb') return { operation: 'PutLogs', run: (ctx) => putLogs(ctx, logstore, undefined) };
    if (method === 'POST' && shardId === 'route') {
      return { operation: 'PutLogs', run: (ctx) => putLogs(ctx, logstore, ctx.query.get('key') ?? '') };
    }
    if (method !== 'GET') return undefined;
    switch (query.get('type')) {
      case 'cursor':
        return { operation: 'GetCursor', run: (ctx) => getCursor(ctx, shardOf(ctx, logstore, shardId)) };
      case 'cursor_time':
        return { operation: 'GetCursorTime', run: (ctx) => getCursorTime(ctx, shardOf(ctx, logstore, shardId)) };
      case 'log':
      case 'logs':
        return { operation: 'PullLogs', run: (ctx) => pullLogs(ctx, shardOf(ctx, logstore, shardId)) };
      default:
        return {
          operation: 'Unknown',
          run: () => {
            throw slsErrors.parameterInvalid(`type ${query.get('type') ?? ''} is invalid`);
          },
        };
    }
  };

  function getOrListProject(ctx: RequestContext): Answer {
    if (ctx.project) return json(200, state.project(ctx.project).describe(region));
    const projects = [...state.projects.values()].map((p) => p.describe(region));
    return json(200, { count: projects.length, total: projects.length, projects });
  }

  function createProject(ctx: RequestContext): Answer {
    const body = parseJsonBody(ctx.body) as { projectName?: unknown; description?: unknown };
    if (typeof body.projectName !== 'string') throw slsErrors.parameterInvalid('projectName is missing');
    state.createProject(body.projectName, typeof body.description === 'string' ? body.description : '');
    return { status: 200 };
  }

  function listLogStores(ctx: RequestContext): Answer {
    const project = state.project(requireProject(ctx.project, ctx.headers.host));
    const filter = ctx.query.get('logstoreName') ?? '';
    const offset = Number(ctx.query.get('offset') || 0);
    const size = Number(ctx.query.get('size') || 500);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(size) || size < 0) {
      throw slsErrors.parameterInvalid('offset or size is invalid');
    }
    const all = [...project.logstores.keys()].filter((n) => n.includes(filter)).sort();
    const page = all.slice(offset, offset + size);
    return json(200, { count: page.length, total: all.length, logstores: page });
  }

  function createLogStore(ctx: RequestContext): Answer {
    const project = requireProject(ctx.project, ctx.headers.host);
    const body = parseJsonBody(ctx.body) as { logstoreName?: unknown; shardCount?: unknown; ttl?: unknown };
    if (typeof body.logstoreName !== 'string') throw slsErrors.parameterInvalid('logstoreName is missing');
    state.createLogstore(project, body.logstoreName, Number(body.shardCount ?? 2), Number(body.ttl ?? 30));
    return { status: 200 };
  }

  function getCursor(ctx: RequestContext, shard: Shard): Answer {
    const from = ctx.query.get('from');
    let index: number;
    if (from === 'begin') index = 0;
    else if (from === 'end') index = shard.length;
    else if (from !== undefined && /^-?\d{1,15}$/.test(from)) index = shard.indexAtTime(Number(from) * 1000);
    else throw slsErrors.invalidFrom();
    return json(200, { cursor: shard.cursorAt(index) });
  }

  function getCursorTime(ctx: RequestContext, shard: Shard): Answer {
    const cursor = ctx.query.get('cursor');
    if (!cursor) throw slsErrors.parameterInvalid('cursor is missing');
    const index = shard.indexOf(cursor);
    const group = shard.groups[index];
    // The end cursor has no LogGroup yet; answer the current time for it.
    const ms = group ? group.receivedAtMs : clock.nowMs();
    return json(200, { cursor_time: Math.floor(ms / 1000) });
  }

  async function pullLogs(ctx: RequestContext, shard: Shard): Promise<Answer> {
    const cursor = ctx.query.get('cursor');
    if (!cursor) throw slsErrors.parameterInvalid('cursor is missing');
    const countText = ctx.query.get('count');
    const count = countText !== undefined && /^\d{1,5}$/.test(countText) ? Number(countText) : NaN;
    if (!(count >= 1 && count <= 1000)) throw slsErrors.parameterInvalid(`count ${countText ?? ''} is invalid; it must be 1 to 1000`);
    const start = shard.indexOf(cursor);
    let stop = Math.min(shard.length, start + count);
    const endCursor = ctx.query.get('end_cursor');
    if (endCursor) stop = Math.max(start, Math.min(stop, shard.indexOf(endCursor)));

    // A LogGroupList is field 1 repeated; each stored LogGroup is embedded as tag 0x0a + varint length.
    const parts: Buffer[] = [];
    for (let i = start; i < stop; i++) {
      const bytes = shard.groups[i]!.bytes;
      parts.push(Buffer.from([0x0a, ...varint(bytes.length)]), bytes);
    }
    const raw = Buffer.concat(parts);
    const headers: Record<string, string> = {
      'content-type': 'application/x-protobuf',
      'x-log-cursor': shard.cursorAt(stop),
      'x-log-count': String(stop - start),
      'x-log-bodyrawsize': String(raw.length),
    };
    const encoding = chooseEncoding(ctx.headers['accept-encoding']);
    let body: Buffer = raw;
    if (encoding === 'deflate') body = raw.length === 0 ? raw : await deflate(raw);
    else if (encoding === 'lz4') body = raw.length === 0 ? raw : lz4BlockStore(raw);
    if (encoding !== 'none') headers['x-log-compresstype'] = encoding;
    return { status: 200, headers, body };
  }

  async function putLogs(ctx: RequestContext, logstoreName: string, routeKey: string | undefined): Promise<Answer> {
    const logstore = logstoreOf(ctx, logstoreName);
    if (routeKey !== undefined && routeKey === '') throw slsErrors.parameterInvalid('key is missing');
    const contentType = (ctx.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (ctx.body.length > 0 && contentType === '') throw slsErrors.missingContentType();
    if (contentType !== '' && contentType !== 'application/x-protobuf') throw slsErrors.invalidContentType(contentType);
    const compressType = String(ctx.headers['x-log-compresstype'] ?? '')
      .trim()
      .toLowerCase();
    const rawSizeText = ctx.headers['x-log-bodyrawsize'];
    let rawSize: number | undefined;
    if (rawSizeText !== undefined) {
      if (typeof rawSizeText !== 'string' || !/^\d{1,10}$/.test(rawSizeText.trim())) throw slsErrors.invalidBodyRawSize();
      rawSize = Number(rawSizeText.trim());
    } else if (compressType !== '') {
      throw slsErrors.missingBodyRawSize();
    }
    if (rawSize !== undefined && rawSize > MAX_RAW_LOG_GROUP_BYTES) throw slsErrors.postBodyTooLarge(MAX_RAW_LOG_GROUP_BYTES);

    let raw: Buffer;
    switch (compressType) {
      case '':
        raw = ctx.body;
        break;
      case 'lz4':
        try {
          raw = lz4BlockDecompress(ctx.body, rawSize!);
        } catch {
          throw slsErrors.postBodyUncompressError();
        }
        break;
      case 'deflate':
        try {
          const limit = { maxOutputLength: MAX_RAW_LOG_GROUP_BYTES + 1 };
          raw = await inflate(ctx.body, limit).catch(() => inflateRaw(ctx.body, limit));
        } catch {
          throw slsErrors.postBodyUncompressError();
        }
        break;
      default:
        throw slsErrors.invalidCompressType(compressType);
    }
    if (rawSize !== undefined && raw.length !== rawSize) throw slsErrors.invalidBodyRawSize();
    if (raw.length > MAX_RAW_LOG_GROUP_BYTES) throw slsErrors.postBodyTooLarge(MAX_RAW_LOG_GROUP_BYTES);

    let group: LogGroupMessage;
    try {
      group = decodeLogGroup(raw);
    } catch {
      throw slsErrors.postBodyInvalid();
    }
    if (group.Logs.length === 0) return { status: 200 };
    const shard = routeKey === undefined ? logstore.nextLoadBalancedShard() : logstore.shardForHash(routingHash(routeKey));
    shard.append({ bytes: Buffer.from(raw), receivedAtMs: clock.nowMs(), logCount: group.Logs.length });
    return { status: 200 };
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    try {
      if (req.method === 'GET' && path === '/-/stats') {
        sendAnswer(res, json(200, stats()), undefined);
        return;
      }
      if (path === '/-/faults' && req.method === 'POST') {
        const plan = parseJsonBody(await readBody(req, 1024 * 1024)) as unknown as FaultPlan;
        if (!plan || !Array.isArray(plan.rules)) throw slsErrors.parameterInvalid('a FaultPlan needs a rules array');
        try {
          faults.configure(plan);
        } catch (err) {
          throw slsErrors.parameterInvalid((err as Error).message);
        }
        sendAnswer(res, { status: 204 }, undefined);
        return;
      }
      if (path === '/-/faults' && req.method === 'DELETE') {
        faults.clear();
        sendAnswer(res, { status: 204 }, undefined);
        return;
      }
      sendAnswer(res, json(404, { errorCode: 'NotFound', errorMessage: `no control endpoint ${req.method} ${path}` }), undefined);
    } catch (err) {
      const error = err instanceof SlsError ? err : slsErrors.parameterInvalid((err as Error).message);
      sendAnswer(res, json(error.status, error.toJSON()), undefined);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomBytes(12).toString('hex').toUpperCase();
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q === -1 ? target : target.slice(0, q);
    const rawQuery = q === -1 ? '' : target.slice(q + 1);
    if (rawPath.startsWith('/-/')) {
      await control(req, res, rawPath);
      return;
    }
    let operation = 'Unknown';
    let closeAfter = false;
    try {
      const path = decodeComponent(rawPath, 'path');
      const query = parseQuery(rawQuery);
      const queryMap = new Map<string, string>();
      for (const [k, v] of query) if (!queryMap.has(k)) queryMap.set(k, v);
      const host = req.headers.host;
      if (!host) throw slsErrors.missingHost();
      const project = projectFromHost(host);
      const segments = path.split('/').filter((s) => s !== '');
      const route = router(method, segments, queryMap);
      operation = route?.operation ?? 'Unknown';
      if (operation === 'ListProjectOrGetProject') operation = project ? 'GetProject' : 'ListProject';
      operations.add(operation);

      const decision = faults.decide(operation);
      if (decision.latencyMs > 0) await delay(decision.latencyMs);
      if (decision.kind === 'reset') {
        faultCounter.add('reset');
        req.socket.destroy();
        return;
      }
      let body: Buffer;
      try {
        body = await readBody(req, MAX_REQUEST_BODY_BYTES);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          closeAfter = true;
          throw slsErrors.postBodyTooLarge(MAX_RAW_LOG_GROUP_BYTES);
        }
        throw err;
      }
      if (decision.kind === 'error') {
        faultCounter.add('error');
        throw slsErrors.internalServerError();
      }
      authenticate({ method, path, query, headers: req.headers }, credentials);
      if (!route) throw slsErrors.parameterInvalid(`${method} ${path} is not a supported request`);
      const answer = await route.run({ method, project, query: queryMap, headers: req.headers, body });
      sendAnswer(res, answer, requestId);
    } catch (err) {
      let error: SlsError;
      if (err instanceof SlsError) {
        error = err;
      } else {
        // Never leak internals in a 5xx body; the message stays generic, as the service's does.
        error = slsErrors.internalServerError();
        process.emitWarning(`SLS emulator: ${operation} failed: ${(err as Error)?.stack ?? String(err)}`);
      }
      errors.add(error.code);
      const answer = json(error.status, error.toJSON());
      if (closeAfter) answer.headers = { ...answer.headers, connection: 'close' };
      sendAnswer(res, answer, requestId);
    }
  }

  function stats(): SlsEmulatorStats {
    let logGroups = 0;
    let logs = 0;
    for (const project of state.projects.values()) {
      for (const logstore of project.logstores.values()) {
        for (const shard of logstore.shards) {
          logGroups += shard.length;
          for (const g of shard.groups) logs += g.logCount;
        }
      }
    }
    return {
      service: 'sls',
      operations: operations.toJSON(),
      errors: errors.toJSON(),
      faults: faultCounter.toJSON(),
      logGroups,
      logs,
    };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      process.emitWarning(`SLS emulator: unhandled ${(err as Error)?.stack ?? String(err)}`);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else {
        res.destroy();
      }
    });
  });
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
    stats,
  };
}

/**
 * `thaw emulator sls`: starts the emulator with the flags' credentials and pre-creates the project and
 * logstore that OSS real-time logging would write to (`oss-log-local-<region>` / `oss-log-store`, 2 shards).
 */
export async function startFromFlags(flags: EmulatorFlags): Promise<SlsEmulator> {
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

/**
 * The project a request names in its Host header: `{project}.{endpoint}`. IP literals, `localhost`,
 * single-label hosts and bare regional endpoints (`cn-hangzhou.log.aliyuncs.com`) name none.
 * So against a local emulator, `Host: my-project.127.0.0.1:PORT` (what the official Python SDK sends for an
 * IP endpoint) and `Host: my-project.localhost:PORT` both work.
 */
export function projectFromHost(hostHeader: string): string | undefined {
  let host = hostHeader.trim().toLowerCase();
  const bracket = host.indexOf('[');
  if (bracket === 0) return undefined; // a bare IPv6 literal
  if (bracket > 0)
    host = host.slice(0, bracket); // `project.[::1]:port`
  else host = host.replace(/:\d*$/, '');
  host = host.replace(/\.$/, '');
  if (host === '' || isLocalHost(host)) return undefined;
  if (/^[a-z0-9-]+\.(log|sls)\.aliyuncs\.com$/.test(host)) return undefined;
  const dot = host.indexOf('.');
  return dot > 0 ? host.slice(0, dot) : undefined;
}

function json(status: number, value: unknown): Answer {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function sendAnswer(res: ServerResponse, answer: Answer, requestId: string | undefined): void {
  const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    ...answer.headers,
    'content-length': String(body.length),
  };
  if (requestId) headers['x-log-requestid'] = requestId;
  res.writeHead(answer.status, headers);
  res.end(body);
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw slsErrors.parameterInvalid('request body is not a JSON object');
}

function decodeComponent(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw slsErrors.parameterInvalid(`${what} has malformed percent-encoding`);
  }
}

/** Query pairs, percent-decoded only (`+` stays `+`), in request order. */
function parseQuery(raw: string): Query {
  const out: Query = [];
  if (raw === '') return out;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq === -1 ? part : part.slice(0, eq), 'query');
    const value = decodeComponent(eq === -1 ? '' : part.slice(eq + 1), 'query');
    out.push([key, value]);
  }
  return out;
}

/** lz4 when asked for, else deflate (`gzip` answered as deflate, as the Python SDK expects), else none. */
function chooseEncoding(header: string | string[] | undefined): 'lz4' | 'deflate' | 'none' {
  const tokens = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  if (tokens.includes('lz4')) return 'lz4';
  if (tokens.includes('deflate') || tokens.includes('gzip')) return 'deflate';
  return 'none';
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
