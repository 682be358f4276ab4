// Reads a logstore over Log Service's own wire API: ListShards, GetCursor, GetCursorTime and PullLogs.
// @alicloud/log has no PullLogs and reads every body as UTF-8, so requests are signed and sent here;
// only the schema (sls.proto) comes from that package. A plain wire client: what the logs mean to
// oss-thaw is lib/events's business.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { sleep, systemClock, type Clock } from '../clock';
import { retry } from '../retry';
import { resolveProjectEndpoint, type ProjectEndpoint } from './endpoint';
import { isRetryableSlsError, SlsBadResponseError, SlsDeadlineError, SlsResponseTooLargeError, SlsRetriesExhaustedError, SlsServiceError } from './errors';
import { checkLogGroupList, contentFilter, logsOfLogGroupList, type DecodedLog } from './log-decoder';
import { lz4BlockDecompress } from './lz4';
import { authorizationHeader } from './signature';
import { nodeTransport, type SlsHttpResponse, type SlsTransport } from './transport';

const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);

export interface LogStoreReaderOptions {
  /** `cn-hangzhou.log.aliyuncs.com`, `https://cn-hangzhou.log.aliyuncs.com`, or `http://127.0.0.1:PORT`. */
  endpoint: string;
  project: string;
  logstore: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** STS token, sent as `x-acs-security-token`. */
  securityToken?: string;
  /** LogGroups asked for per PullLogs (`count`, 1–1000). Default 100. */
  pageSize?: number;
  /** Deadline for one HTTP exchange. Default 30 s. */
  requestTimeoutMs?: number;
  /**
   * Largest answer held in memory, compressed or decompressed (a PullLogs page declares its raw
   * size, so a page is refused before it is inflated). Default 16 MiB. A page over it is asked for
   * again with fewer LogGroups; a single LogGroup over it is skipped (see PullOptions.onOversized).
   */
  maxPageBytes?: number;
  /** Attempts per call for 5xx, throttling and network failures. Default 5. */
  maxAttempts?: number;
  /** Backoff before attempt n+1: half fixed, half random, of min(backoffMaxMs, backoffBaseMs · 2^(n-1)) (lib/retry). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Replaces node:http (tests, proxies). */
  transport?: SlsTransport;
  /** Time for the Date header. */
  clock?: Clock;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  userAgent?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** No request starts unless it can end (requestTimeoutMs) by this instant: SlsDeadlineError instead. */
  deadlineAtMs?: number;
}

export interface ShardInfo {
  shardID: number;
  status: string;
  inclusiveBeginKey: string;
  exclusiveEndKey: string;
  createTime: number;
}

/**
 * One decoded log line: `time` is Unix seconds (`__time__`), `timeNs` its nanosecond part when the writer
 * sent one; `topic`, `source` and `tags` are those of its LogGroup.
 */
export type PulledLog = DecodedLog;

/** One PullLogs answer, checked and decompressed but not yet decoded. */
export interface RawPage {
  shardId: number;
  cursor: string;
  nextCursor: string;
  /** LogGroups in this page (`x-log-count`). */
  logGroupCount: number;
  /** Uncompressed body size (`x-log-bodyrawsize`). */
  rawSize: number;
  /** The serialized LogGroupList, already checked with checkLogGroupList. */
  raw: Buffer;
}

export interface PulledPage extends Omit<RawPage, 'raw'> {
  logs: PulledLog[];
}

export interface PullOptions extends CallOptions {
  endCursor?: string;
  /** LogGroups per request; defaults to the reader's pageSize. */
  count?: number;
  /**
   * Told of a single LogGroup larger than maxPageBytes, which the range reads skip (Log Service
   * caps a LogGroup at 5 MB, so only a hostile or broken answer has one). Without it they throw.
   */
  onOversized?: (skipped: OversizedPage) => void;
  /** pullRange only: keep just these content keys of each log (the rest are skipped undecoded). */
  fields?: readonly string[];
}

/** A page skipped because even one LogGroup of it was over the limit. */
export interface OversizedPage {
  shardId: number;
  cursor: string;
  nextCursor: string;
  sizeBytes: number;
  limitBytes: number;
}

type Query = [string, string][];

export class LogStoreReader {
  readonly project: string;
  readonly logstore: string;
  private readonly target: ProjectEndpoint;
  private readonly send: SlsTransport;
  private readonly closeTransport: () => void;
  private readonly settings: Required<
    Pick<LogStoreReaderOptions, 'pageSize' | 'requestTimeoutMs' | 'maxPageBytes' | 'maxAttempts' | 'backoffBaseMs' | 'backoffMaxMs' | 'userAgent'>
  >;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: LogStoreReaderOptions) {
    for (const field of ['endpoint', 'project', 'logstore', 'accessKeyId', 'accessKeySecret'] as const) {
      if (typeof options[field] !== 'string' || options[field] === '') {
        throw new TypeError(`LogStoreReader needs a non-empty ${field}`);
      }
    }
    this.project = options.project;
    this.logstore = options.logstore;
    this.target = resolveProjectEndpoint(options.endpoint, options.project);
    if (options.transport) {
      this.send = options.transport;
      this.closeTransport = () => {};
    } else {
      const transport = nodeTransport();
      this.send = transport.send;
      this.closeTransport = transport.close;
    }
    this.settings = {
      pageSize: options.pageSize ?? 100,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      maxPageBytes: options.maxPageBytes ?? 16 * 1024 * 1024,
      maxAttempts: options.maxAttempts ?? 5,
      backoffBaseMs: options.backoffBaseMs ?? 100,
      backoffMaxMs: options.backoffMaxMs ?? 5_000,
      userAgent: options.userAgent ?? 'oss-thaw-sls-reader',
    };
    if (!(Number.isInteger(this.settings.pageSize) && this.settings.pageSize >= 1 && this.settings.pageSize <= 1000)) {
      throw new TypeError(`pageSize must be an integer from 1 to 1000, got ${String(options.pageSize)}`);
    }
    if (!(Number.isSafeInteger(this.settings.maxPageBytes) && this.settings.maxPageBytes >= 1)) {
      throw new TypeError(`maxPageBytes must be a positive integer, got ${String(options.maxPageBytes)}`);
    }
    if (!(Number.isInteger(this.settings.maxAttempts) && this.settings.maxAttempts >= 1)) {
      throw new TypeError(`maxAttempts must be a positive integer, got ${String(options.maxAttempts)}`);
    }
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? sleep;
  }

  /** Releases pooled connections. */
  close(): void {
    this.closeTransport();
  }

  async listShards(options: CallOptions = {}): Promise<ShardInfo[]> {
    const res = await this.call('ListShards', 'GET', `/logstores/${this.logstore}/shards`, [], options);
    const shards = parseJson(res, 'ListShards');
    if (!Array.isArray(shards)) throw new SlsBadResponseError('ListShards did not answer a JSON array', requestIdOf(res));
    return shards as ShardInfo[];
  }

  /** GetCursor: `begin`, `end`, or the first LogGroup the service received at or after a time. */
  async getCursor(shardId: number, from: 'begin' | 'end' | number | Date, options: CallOptions = {}): Promise<string> {
    const fromValue = from instanceof Date ? String(Math.floor(from.getTime() / 1000)) : String(from);
    const res = await this.call(
      'GetCursor',
      'GET',
      this.shardPath(shardId),
      [
        ['type', 'cursor'],
        ['from', fromValue],
      ],
      options,
    );
    const body = parseJson(res, 'GetCursor') as { cursor?: unknown };
    if (typeof body?.cursor !== 'string') throw new SlsBadResponseError('GetCursor answered no cursor', requestIdOf(res));
    return body.cursor;
  }

  /** GetCursorTime: the Unix second at which the service received the LogGroup at `cursor`. */
  async getCursorTime(shardId: number, cursor: string, options: CallOptions = {}): Promise<number> {
    const res = await this.call(
      'GetCursorTime',
      'GET',
      this.shardPath(shardId),
      [
        ['type', 'cursor_time'],
        ['cursor', cursor],
      ],
      options,
    );
    const body = parseJson(res, 'GetCursorTime') as { cursor_time?: unknown };
    const time = Number(body?.cursor_time);
    if (!Number.isFinite(time)) throw new SlsBadResponseError('GetCursorTime answered no cursor_time', requestIdOf(res));
    return time;
  }

  /** One PullLogs call: at most `count` LogGroups from `cursor`, stopping at `endCursor` if given. */
  async pullPage(shardId: number, cursor: string, options: PullOptions = {}): Promise<PulledPage> {
    const { raw, ...page } = await this.fetchPage(shardId, cursor, options);
    return { ...page, logs: [...logsOfLogGroupList(raw, shardId)] };
  }

  /**
   * One PullLogs call, answered as checked bytes. Retries cover the whole exchange, decompression and the
   * structural check, so a page is either complete and well-formed or an error.
   */
  async fetchPage(shardId: number, cursor: string, options: PullOptions = {}): Promise<RawPage> {
    const count = options.count ?? this.settings.pageSize;
    const query: Query = [
      ['type', 'log'],
      ['cursor', cursor],
      ['count', String(count)],
    ];
    if (options.endCursor !== undefined) query.push(['end_cursor', options.endCursor]);
    const path = this.shardPath(shardId);
    return this.withRetry('PullLogs', options, async () => {
      const res = await this.exchange('GET', path, query, options.signal, {
        accept: 'application/x-protobuf',
        'accept-encoding': 'deflate',
      });
      return readPullAnswer(res, shardId, cursor, this.settings.maxPageBytes);
    });
  }

  /**
   * Every page in `[beginCursor, endCursor)`. The next page is fetched while the caller works on
   * this one (the service and we overlap), so at most two pages are held. A page over
   * maxPageBytes is asked for again with half as many LogGroups; a lone LogGroup over it is
   * skipped (onOversized). Stops with SlsDeadlineError when the deadline leaves no room for a request.
   */
  async *rawPages(shardId: number, beginCursor: string, endCursor: string, options: PullOptions = {}): AsyncGenerator<RawPage> {
    const pageSize = options.count ?? this.settings.pageSize;
    const fetch = (cursor: string, count: number) => {
      const page = this.fetchPage(shardId, cursor, { ...options, endCursor, count });
      // A page fetched ahead may never be awaited (the caller stopped): its failure is not unhandled.
      page.catch(() => undefined);
      return { cursor, count, page };
    };
    let count = pageSize;
    let cursor = beginCursor;
    let ahead: ReturnType<typeof fetch> | undefined;
    while (cursor !== endCursor) {
      let page: RawPage;
      try {
        page = await (ahead?.cursor === cursor && ahead.count === count ? ahead : fetch(cursor, count)).page;
      } catch (err) {
        if (!(err instanceof SlsResponseTooLargeError)) throw err;
        if (count > 1) {
          count = Math.ceil(count / 2);
          continue;
        }
        const nextCursor = headerOf(err.headers, 'x-log-cursor');
        if (!options.onOversized || !nextCursor || nextCursor === cursor) throw err;
        options.onOversized({ shardId, cursor, nextCursor, sizeBytes: err.sizeBytes, limitBytes: err.limitBytes });
        cursor = nextCursor;
        continue;
      } finally {
        ahead = undefined;
      }
      // A page with nothing in it, or a cursor that does not move, means the range is exhausted.
      const exhausted = page.logGroupCount === 0 || page.nextCursor === cursor;
      count = Math.min(pageSize, count * 2);
      if (!exhausted && page.nextCursor !== endCursor) ahead = fetch(page.nextCursor, count);
      if (page.logGroupCount > 0 || page.raw.length > 0) yield page;
      if (exhausted) return;
      cursor = page.nextCursor;
    }
  }

  /**
   * Every log in `[beginCursor, endCursor)` of one shard, in order. Only the current page's bytes and one
   * LogGroup's decoded logs are held at a time.
   */
  async *pullRange(shardId: number, beginCursor: string, endCursor: string, options: PullOptions = {}): AsyncGenerator<PulledLog> {
    const filter = options.fields ? contentFilter(options.fields) : undefined;
    for await (const page of this.rawPages(shardId, beginCursor, endCursor, options)) {
      yield* logsOfLogGroupList(page.raw, shardId, filter);
    }
  }

  private shardPath(shardId: number): string {
    if (!(Number.isInteger(shardId) && shardId >= 0)) throw new TypeError(`shardId must be a non-negative integer, got ${shardId}`);
    return `/logstores/${this.logstore}/shards/${shardId}`;
  }

  private call(operation: string, method: string, path: string, query: Query, options: CallOptions): Promise<SlsHttpResponse> {
    return this.withRetry(operation, options, () => this.exchange(method, path, query, options.signal, { accept: 'application/json' }));
  }

  private withRetry<T>(operation: string, options: CallOptions, attempt: () => Promise<T>): Promise<T> {
    const { maxAttempts, backoffBaseMs, backoffMaxMs, requestTimeoutMs } = this.settings;
    return retry(attempt, {
      policy: { baseMs: backoffBaseMs, maxMs: backoffMaxMs, maxAttempts },
      retryable: isRetryableSlsError,
      clock: this.clock,
      sleep: this.sleep,
      random: this.random,
      signal: options.signal,
      deadlineAtMs: options.deadlineAtMs,
      attemptMs: requestTimeoutMs,
      deadlineError: () => new SlsDeadlineError(operation),
      exhausted: (err, attempts) => new SlsRetriesExhaustedError(operation, attempts, err),
    });
  }

  /** Signs and sends one request; non-200 answers become SlsServiceError. */
  private async exchange(
    method: string,
    path: string,
    query: Query,
    signal: AbortSignal | undefined,
    extraHeaders: Record<string, string>,
  ): Promise<SlsHttpResponse> {
    const headers: Record<string, string> = {
      host: this.target.hostHeader,
      date: new Date(this.clock.nowMs()).toUTCString(),
      'x-log-apiversion': '0.6.0',
      'x-log-signaturemethod': 'hmac-sha1',
      'x-log-bodyrawsize': '0',
      'user-agent': this.settings.userAgent,
      ...extraHeaders,
    };
    if (this.options.securityToken) headers['x-acs-security-token'] = this.options.securityToken;
    headers.authorization = authorizationHeader(this.options.accessKeyId, this.options.accessKeySecret, {
      method,
      path,
      query,
      headers,
    });
    const search = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    const res = await this.send({
      protocol: this.target.protocol,
      connectHost: this.target.connectHost,
      port: this.target.port,
      method,
      path: search ? `${path}?${search}` : path,
      headers,
      timeoutMs: this.settings.requestTimeoutMs,
      signal,
      maxBodyBytes: this.settings.maxPageBytes,
    });
    if (res.status !== 200) throw serviceError(res);
    return res;
  }
}

function headerValue(res: SlsHttpResponse, name: string): string | undefined {
  return headerOf(res.headers, name);
}

function headerOf(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function requestIdOf(res: SlsHttpResponse): string | undefined {
  return headerValue(res, 'x-log-requestid');
}

function serviceError(res: SlsHttpResponse): SlsServiceError {
  const requestId = requestIdOf(res);
  try {
    const body = JSON.parse(res.body.toString('utf8')) as { errorCode?: unknown; errorMessage?: unknown };
    if (typeof body?.errorCode === 'string') {
      return new SlsServiceError(body.errorCode, String(body.errorMessage ?? ''), res.status, requestId);
    }
  } catch {
    // Not JSON (a proxy page, an empty 5xx): fall through to a generic error that keeps the status.
  }
  const snippet = res.body.subarray(0, 200).toString('utf8');
  return new SlsServiceError('UnexpectedResponse', `HTTP ${res.status} ${snippet}`.trim(), res.status, requestId);
}

function parseJson(res: SlsHttpResponse, operation: string): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch (cause) {
    throw new SlsBadResponseError(`${operation} answered a body that is not JSON`, requestIdOf(res), { cause });
  }
}

async function readPullAnswer(res: SlsHttpResponse, shardId: number, cursor: string, maxPageBytes: number): Promise<RawPage> {
  const requestId = requestIdOf(res);
  const nextCursor = headerValue(res, 'x-log-cursor');
  if (!nextCursor) throw new SlsBadResponseError('PullLogs answered no x-log-cursor', requestId);
  const logGroupCount = Number(headerValue(res, 'x-log-count') ?? '0');
  const rawSizeHeader = headerValue(res, 'x-log-bodyrawsize');
  const rawSize = rawSizeHeader === undefined ? res.body.length : Number(rawSizeHeader);
  if (!Number.isSafeInteger(rawSize) || rawSize < 0) {
    throw new SlsBadResponseError(`PullLogs answered x-log-bodyrawsize "${rawSizeHeader}"`, requestId);
  }
  // Refused before anything is inflated: what a page declares is what would be allocated.
  if (rawSize > maxPageBytes) throw new SlsResponseTooLargeError(maxPageBytes, rawSize, res.headers);
  if (rawSize === 0) return { shardId, cursor, nextCursor, logGroupCount, rawSize, raw: Buffer.alloc(0) };
  const raw = await decompress(res.body, (headerValue(res, 'x-log-compresstype') ?? '').toLowerCase(), rawSize, requestId);
  try {
    checkLogGroupList(raw);
  } catch (cause) {
    throw new SlsBadResponseError(`PullLogs body is not a LogGroupList: ${(cause as Error).message}`, requestId, { cause });
  }
  return { shardId, cursor, nextCursor, logGroupCount, rawSize, raw };
}

async function decompress(body: Buffer, type: string, rawSize: number, requestId: string | undefined): Promise<Buffer> {
  let out: Buffer;
  try {
    switch (type) {
      case '':
        out = body;
        break;
      case 'deflate':
      case 'gzip': {
        // The declared size (bounded above) is the output buffer: inflated in one piece, not in 16 KiB
        // chunks that each cost a round trip to the thread pool and are then copied together.
        const bounded = { maxOutputLength: rawSize + 1, chunkSize: Math.max(zlib.constants.Z_MIN_CHUNK, rawSize + 1) };
        // zlib-wrapped deflate is what the service sends; accept a raw stream too rather than fail.
        out = await inflate(body, bounded).catch(() => inflateRaw(body, bounded));
        break;
      }
      case 'lz4':
        out = lz4BlockDecompress(body, rawSize);
        break;
      default:
        throw new SlsBadResponseError(`PullLogs answered unknown x-log-compresstype "${type}"`, requestId);
    }
  } catch (cause) {
    if (cause instanceof SlsBadResponseError) throw cause;
    throw new SlsBadResponseError(`PullLogs body does not decompress as ${type}: ${(cause as Error).message}`, requestId, { cause });
  }
  if (out.length !== rawSize) {
    throw new SlsBadResponseError(`PullLogs body is ${out.length} bytes raw, x-log-bodyrawsize says ${rawSize}`, requestId);
  }
  return out;
}
