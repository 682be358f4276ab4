// The access-log path: an FC Log-trigger invocation names a range [beginCursor, endCursor) of one
// shard; we pull the OSS access-log records in it, keep the requests refused because the object
// is archived (access-log.ts), and run them through the coordinator in batches. Replaying a range
// is harmless: records already RESTORING cost no OSS call and no write, and a miss from before a
// restore cycle ended never starts another.
import type { Logger } from '../log';
import type { Coordinator } from '../restore/coordinator';
import type { Miss } from '../restore/miss';
import type { MissOperation } from '../restore/record';
import { addSummaries, type BatchSummary } from '../restore/summary';
import { type AccessLogSource, classifyAccessLogRecord, type SkipReason } from './access-log';

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

/** Some misses of the range could not be handled; FC must retry the range (replay is safe). */
export class RangeIncompleteError extends Error {
  readonly code = 'RangeIncomplete';
  constructor(readonly summary: BatchSummary) {
    super(`${summary.unrecorded} object(s) could not be recorded and ${summary.unstarted} not started before the deadline; retry the range`);
    this.name = 'RangeIncompleteError';
  }
}

export function parseLogTriggerEvent(payload: unknown): LogTriggerEvent {
  let event: unknown = payload;
  if (Buffer.isBuffer(payload) || typeof payload === 'string') {
    try {
      event = JSON.parse(payload.toString());
    } catch {
      throw new MalformedTriggerEventError('the Log trigger event is not JSON');
    }
  }
  const source = (event as { source?: Record<string, unknown> } | null)?.source;
  if (!source || typeof source !== 'object') throw new MalformedTriggerEventError('the Log trigger event has no "source" object');
  for (const field of ['endpoint', 'projectName', 'logstoreName', 'beginCursor', 'endCursor'] as const) {
    if (typeof source[field] !== 'string' || source[field] === '') {
      throw new MalformedTriggerEventError(`the Log trigger event has no source.${field}`);
    }
  }
  const shardId = Number(source.shardId);
  if (source.shardId === null || source.shardId === '' || !Number.isInteger(shardId) || shardId < 0) {
    throw new MalformedTriggerEventError('source.shardId must be a non-negative integer');
  }
  return { ...(event as object), source: { ...(source as unknown as LogTriggerEvent['source']), shardId } } as LogTriggerEvent;
}

export interface RangeResult {
  readonly records: number;
  readonly misses: number;
  /** Misses by the operation OSS refused. */
  readonly operations: Partial<Record<MissOperation, number>>;
  readonly skipped: Partial<Record<SkipReason, number>>;
  readonly summary: BatchSummary;
}

/**
 * Misses are handed to the coordinator in batches of `batchSize`: large enough that duplicates
 * within a range mostly fold into one batch, small enough that memory stays flat on big ranges.
 */
export async function handleAccessLogRange(
  event: LogTriggerEvent,
  deps: { source: AccessLogSource; coordinator: Coordinator; log: Logger },
  options: { deadlineAtMs?: number; batchSize?: number; signal?: AbortSignal } = {},
): Promise<RangeResult> {
  const batchSize = options.batchSize ?? 20_000;
  const { shardId, beginCursor, endCursor } = event.source;
  const skipped: Partial<Record<SkipReason, number>> = {};
  const operations: Partial<Record<MissOperation, number>> = {};
  let records = 0;
  let missCount = 0;
  let pending: Miss[] = [];
  const summaries: BatchSummary[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    summaries.push((await deps.coordinator.request(batch, { deadlineAtMs: options.deadlineAtMs, log: deps.log })).summary);
  };

  for await (const log of deps.source.pullRange(shardId, beginCursor, endCursor, { signal: options.signal })) {
    records++;
    const verdict = classifyAccessLogRecord(log);
    if ('skip' in verdict) {
      skipped[verdict.skip] = (skipped[verdict.skip] ?? 0) + 1;
      continue;
    }
    missCount++;
    operations[verdict.miss.operation] = (operations[verdict.miss.operation] ?? 0) + 1;
    pending.push(verdict.miss);
    if (pending.length >= batchSize) await flush();
  }
  await flush();

  const summary = addSummaries(summaries);
  const result = { records, misses: missCount, operations, skipped, summary };
  deps.log.info('access-log range done', { shardId, records, misses: missCount, operations, skipped, ...summary });
  if (summary.unrecorded > 0 || summary.unstarted > 0) throw new RangeIncompleteError(summary);
  return result;
}
