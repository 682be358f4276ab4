// The access-log path: an FC Log-trigger invocation names a range [beginCursor, endCursor) of one
// shard; we pull the OSS access-log records in it, keep the requests refused because the object
// is archived (access-log.ts), and run them through the coordinator in batches. Replaying a range
// is harmless: records already RESTORING cost no OSS call and no write, and a miss from before a
// restore cycle ended never starts another.
import { type Clock, systemClock } from '../clock';
import type { Logger } from '../log';
import type { Coordinator } from '../restore/coordinator';
import { describeInput } from '../restore/errors';
import type { Miss } from '../restore/miss';
import type { MissOperation } from '../restore/record';
import { addSummaries, type BatchSummary } from '../restore/summary';
import { ACCESS_LOG_FIELDS, type AccessLogRules, type AccessLogSource, classifyAccessLogRecord, type SkipReason } from './access-log';

export interface LogTriggerEvent {
  readonly source: {
    readonly endpoint: string;
    readonly projectName: string;
    readonly logstoreName: string;
    readonly shardId: number;
    readonly beginCursor: string;
    readonly endCursor: string;
  };
  readonly jobName?: string;
  readonly taskId?: string;
  readonly cursorTime?: number;
  readonly parameter?: unknown;
}

export class MalformedTriggerEventError extends Error {
  readonly code = 'MalformedTriggerEvent';
  constructor(message: string) {
    super(message);
    this.name = 'MalformedTriggerEventError';
  }
}

/** Some misses of the range could not be handled, or it was not read to its end; FC must retry the range (replay is safe). */
export class RangeIncompleteError extends Error {
  readonly code = 'RangeIncomplete';
  constructor(
    readonly summary: BatchSummary,
    /** The deadline came before the range was read to its end cursor. */
    readonly unread = false,
  ) {
    super(
      `${summary.unrecorded} object(s) could not be recorded and ${summary.unstarted} not started before the deadline${unread ? '; the range was not read to its end before the deadline' : ''}; retry the range`,
    );
    this.name = 'RangeIncompleteError';
  }
}

/**
 * Which Log Service a trigger event may send us to. The access-log function signs its requests
 * (AccessKeyId, signature, STS token), so an endpoint is trusted only when it is one of the
 * function's region's own (public and VPC, Log Service "Endpoints") or the one configured.
 */
export interface TriggerSourceRule {
  /** The function's region (FC_REGION): `<region>.log.aliyuncs.com`, `<region>-intranet.log.aliyuncs.com`. */
  readonly region?: string;
  /** One more endpoint, matched on host and port, and on the scheme where both name one (THAW_SLS_ENDPOINT). */
  readonly endpoint?: string;
  /**
   * THAW_ACCESS_LOG_PROJECT and _LOGSTORE: the one logstore the Log trigger reads. An event naming
   * any other is refused — and, until both are set, every event: the function trusts no logstore
   * it was not told about (anyone with fc:InvokeFunction could name one they can write to).
   */
  readonly project?: string;
  readonly logstore?: string;
}

/** A Log trigger event is a few hundred bytes; anything far larger is not one. */
const MAX_EVENT_BYTES = 64 * 1024;
// Log Service naming rules (project 3–63, logstore 2–63 characters); cursors are base64 text.
const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const LOGSTORE_NAME = /^[a-z0-9][a-z0-9_-]{0,61}[a-z0-9]$/;
const CURSOR = /^[A-Za-z0-9+/=_-]{1,256}$/;

export function parseLogTriggerEvent(payload: unknown, rule: TriggerSourceRule): LogTriggerEvent {
  let event: unknown = payload;
  if (Buffer.isBuffer(payload) || typeof payload === 'string') {
    const bytes = Buffer.isBuffer(payload) ? payload.length : Buffer.byteLength(payload);
    if (bytes > MAX_EVENT_BYTES) throw new MalformedTriggerEventError(`the Log trigger event is ${bytes} bytes, more than ${MAX_EVENT_BYTES}`);
    try {
      event = JSON.parse(payload.toString());
    } catch {
      throw new MalformedTriggerEventError('the Log trigger event is not JSON');
    }
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new MalformedTriggerEventError('the Log trigger event is not a JSON object');
  const source = (event as { source?: unknown }).source;
  if (!source || typeof source !== 'object' || Array.isArray(source)) throw new MalformedTriggerEventError('the Log trigger event has no "source" object');
  const s = source as Record<string, unknown>;
  for (const field of ['endpoint', 'projectName', 'logstoreName', 'beginCursor', 'endCursor'] as const) {
    if (typeof s[field] !== 'string' || s[field] === '') {
      throw new MalformedTriggerEventError(`the Log trigger event has no source.${field} string`);
    }
  }
  // FC sends a number; a boolean, a string or a fraction is not a shard (Number(true) would be 1).
  if (typeof s.shardId !== 'number' || !Number.isSafeInteger(s.shardId) || s.shardId < 0) {
    throw new MalformedTriggerEventError(`source.shardId must be a non-negative integer, got ${describeInput(s.shardId)}`);
  }
  const text = s as Record<'endpoint' | 'projectName' | 'logstoreName' | 'beginCursor' | 'endCursor', string>;
  if (!PROJECT_NAME.test(text.projectName))
    throw new MalformedTriggerEventError(`source.projectName ${describeInput(text.projectName)} is not a Log Service project name`);
  if (!LOGSTORE_NAME.test(text.logstoreName))
    throw new MalformedTriggerEventError(`source.logstoreName ${describeInput(text.logstoreName)} is not a logstore name`);
  for (const field of ['beginCursor', 'endCursor'] as const) {
    if (!CURSOR.test(text[field])) throw new MalformedTriggerEventError(`source.${field} ${describeInput(text[field])} is not a cursor`);
  }
  checkEndpoint(text.endpoint, rule);
  checkLogstore(text.projectName, text.logstoreName, rule);
  const e = event as Record<string, unknown>;
  for (const field of ['jobName', 'taskId'] as const) {
    if (e[field] !== undefined && typeof e[field] !== 'string')
      throw new MalformedTriggerEventError(`${field} must be a string, got ${describeInput(e[field])}`);
  }
  if (e.cursorTime !== undefined && (typeof e.cursorTime !== 'number' || !Number.isFinite(e.cursorTime))) {
    throw new MalformedTriggerEventError(`cursorTime must be a number, got ${describeInput(e.cursorTime)}`);
  }
  return {
    source: {
      endpoint: text.endpoint,
      projectName: text.projectName,
      logstoreName: text.logstoreName,
      shardId: s.shardId,
      beginCursor: text.beginCursor,
      endCursor: text.endCursor,
    },
    ...(e.jobName === undefined ? {} : { jobName: e.jobName as string }),
    ...(e.taskId === undefined ? {} : { taskId: e.taskId as string }),
    ...(e.cursorTime === undefined ? {} : { cursorTime: e.cursorTime as number }),
    ...(e.parameter === undefined ? {} : { parameter: e.parameter }),
  };
}

/** Throws unless `endpoint` is one the rule trusts; nothing but a scheme, host and port is accepted. */
export function checkEndpoint(endpoint: string, rule: TriggerSourceRule): void {
  const given = endpointParts(endpoint);
  if (!given)
    throw new MalformedTriggerEventError(`source.endpoint ${describeInput(endpoint)} is not a Log Service endpoint (a host, or http(s)://host[:port])`);
  const configured = rule.endpoint === undefined ? undefined : endpointParts(rule.endpoint);
  const sameScheme = configured?.scheme === undefined || given.scheme === undefined || configured.scheme === given.scheme;
  if (configured && sameScheme && configured.host === given.host && configured.port === given.port) return;
  if (rule.region && given.port === '' && regionEndpoints(rule.region).includes(given.host)) return;
  const trusted = [...(rule.region ? regionEndpoints(rule.region) : []), ...(rule.endpoint ? [rule.endpoint] : [])];
  throw new MalformedTriggerEventError(
    `source.endpoint ${describeInput(endpoint)} is not a Log Service endpoint of this function's region${trusted.length ? ` (trusted: ${trusted.join(', ')})` : ' (FC_REGION is not set and THAW_SLS_ENDPOINT names none)'}; set THAW_SLS_ENDPOINT to trust another`,
  );
}

/** Throws unless the event names the configured access log (project and logstore). */
export function checkLogstore(project: string, logstore: string, rule: TriggerSourceRule): void {
  if (!rule.project || !rule.logstore) {
    throw new MalformedTriggerEventError(
      'THAW_ACCESS_LOG_PROJECT and THAW_ACCESS_LOG_LOGSTORE must name the access log the Log trigger reads; until they do, no event is trusted',
    );
  }
  if (project !== rule.project || logstore !== rule.logstore) {
    throw new MalformedTriggerEventError(
      `source ${describeInput(`${project}/${logstore}`)} is not the configured access log ${rule.project}/${rule.logstore} (THAW_ACCESS_LOG_PROJECT / THAW_ACCESS_LOG_LOGSTORE)`,
    );
  }
}

/** The public and the VPC endpoint of a region (Log Service "Endpoints"). */
export function regionEndpoints(region: string): string[] {
  return [`${region}.log.aliyuncs.com`, `${region}-intranet.log.aliyuncs.com`];
}

function endpointParts(endpoint: string): { scheme?: string; host: string; port: string } | undefined {
  const scheme = /^(https?):\/\//i.exec(endpoint)?.[1]?.toLowerCase();
  // A host name or IPv4 address and an optional port: no user, path, query or fragment.
  const rest = /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?\/*$/.exec(scheme ? endpoint.slice(scheme.length + 3) : endpoint);
  if (!rest || /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) !== (scheme !== undefined)) return undefined;
  const defaultPort = scheme === 'http' ? '80' : '443';
  const port = rest[2] === undefined || rest[2] === defaultPort ? '' : rest[2];
  return { ...(scheme ? { scheme } : {}), host: rest[1]!.toLowerCase().replace(/\.$/, ''), port };
}

export interface RangeResult {
  readonly records: number;
  readonly misses: number;
  /** Misses by the operation OSS refused. */
  readonly operations: Partial<Record<MissOperation, number>>;
  readonly skipped: Partial<Record<SkipReason, number>>;
  /** LogGroups skipped whole because one alone was over THAW_SLS_MAX_PAGE_BYTES (logged at error). */
  readonly oversizedLogGroups: number;
  readonly summary: BatchSummary;
}

/**
 * Misses are handed to the coordinator in batches of `batchSize`: large enough that duplicates
 * within a range mostly fold into one batch, small enough that memory stays flat on big ranges.
 * At the deadline no new PullLogs starts and no new object is claimed; what was left fails the
 * invocation with RangeIncompleteError, so FC retries the range (replaying what was done is free).
 */
export async function handleAccessLogRange(
  event: LogTriggerEvent,
  deps: { source: AccessLogSource; coordinator: Coordinator; log: Logger; rules?: AccessLogRules; clock?: Clock },
  options: { deadlineAtMs?: number; batchSize?: number; signal?: AbortSignal } = {},
): Promise<RangeResult> {
  const batchSize = options.batchSize ?? 20_000;
  const { shardId, beginCursor, endCursor } = event.source;
  const skipped: Partial<Record<SkipReason, number>> = {};
  const operations: Partial<Record<MissOperation, number>> = {};
  let records = 0;
  let missCount = 0;
  let oversizedLogGroups = 0;
  let newestS = 0;
  let unread = false;
  let pending: Miss[] = [];
  const summaries: BatchSummary[] = [];
  /** Coordinates what is pending; false once the deadline left misses unstarted (pulling more is pointless). */
  const flush = async (): Promise<boolean> => {
    if (pending.length === 0) return true;
    const batch = pending;
    pending = [];
    const { summary } = await deps.coordinator.request(batch, { deadlineAtMs: options.deadlineAtMs, log: deps.log });
    summaries.push(summary);
    return summary.unstarted === 0;
  };
  const onOversized = (page: { sizeBytes: number; limitBytes: number }) => {
    oversizedLogGroups++;
    deps.log.error('LogGroup over the page limit skipped', { shardId, logGroupBytes: page.sizeBytes, pageLimitBytes: page.limitBytes });
  };

  try {
    const pull = { signal: options.signal, deadlineAtMs: options.deadlineAtMs, onOversized, fields: ACCESS_LOG_FIELDS };
    for await (const log of deps.source.pullRange(shardId, beginCursor, endCursor, pull)) {
      records++;
      // The newest record read: how far behind OSS's log and the trigger leave this path. A record
      // may be anything at all (classifyAccessLogRecord says what is wrong with it).
      const time = (log as { time?: unknown } | null | undefined)?.time;
      if (typeof time === 'number' && Number.isFinite(time) && time > newestS) newestS = time;
      const verdict = classifyAccessLogRecord(log, deps.rules);
      if ('skip' in verdict) {
        skipped[verdict.skip] = (skipped[verdict.skip] ?? 0) + 1;
        continue;
      }
      missCount++;
      operations[verdict.miss.operation] = (operations[verdict.miss.operation] ?? 0) + 1;
      pending.push(verdict.miss);
      if (pending.length >= batchSize && !(await flush())) {
        unread = true;
        break;
      }
    }
  } catch (err) {
    // The deadline stopped the reading: coordinate what was read, then have FC retry the range.
    if ((err as { code?: unknown })?.code !== 'SlsDeadline') throw err;
    unread = true;
  }
  await flush();

  const summary = addSummaries(summaries);
  const result = { records, misses: missCount, operations, skipped, oversizedLogGroups, summary };
  const accessLogLagMs = newestS > 0 ? Math.max(0, (deps.clock ?? systemClock).nowMs() - newestS * 1000) : undefined;
  deps.log.info('access-log range done', { shardId, records, misses: missCount, operations, skipped, oversizedLogGroups, unread, accessLogLagMs, ...summary });
  if (summary.unrecorded > 0 || summary.unstarted > 0 || unread) throw new RangeIncompleteError(summary, unread);
  return result;
}
