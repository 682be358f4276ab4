// What happened to the objects of a batch, counted. A result is written once, here, and the same
// word is the summary's key for its count (no second spelling to map to): the coordinator, the
// access-log path, the batch API and the logs all use these. Results that report where a record
// now stands use its state's word (RESTORING → restoring, NOT_ARCHIVED → notArchived).
import type { ObjectState } from './record';

/** What happened to one distinct object in a batch; each is also the key of its count in a BatchSummary. */
export const OBJECT_RESULTS = [
  /** We called RestoreObject and OSS answered 202 (a new restore, or a raised tier). */
  'restoreStarted',
  /** A restore is under way (our record, or OSS said so); nothing was sent to start one. */
  'restoring',
  'restored',
  /** The restored copy expired; nothing asked for a new cycle. */
  'frozen',
  'notArchived',
  'notFound',
  /** The budget or the rate limit said not now. */
  'deferred',
  /** The policy will not restore it as asked, or the key cannot be addressed. */
  'refused',
  'failed',
  /** Another worker holds the claim (a live lease, or it won the race just now): the record is CLAIMED. */
  'claimed',
  /** The allow-list excludes it: nothing was written. */
  'outOfScope',
  /** The store could not record the outcome; nothing durable happened. */
  'unrecorded',
  /** Refresh only: no record exists, so there was nothing to refresh. */
  'untracked',
  /** The deadline came before this object's turn; nothing was done (a retry of the batch will). */
  'unstarted',
  /** No record yet, and the bucket's budget of new records for the UTC day is spent: nothing was written, no OSS call. */
  'dailyRecordBudget',
] as const;

export type ObjectResult = (typeof OBJECT_RESULTS)[number];

export type BatchSummary = {
  readonly seen: number;
  readonly invalid: number;
  readonly distinct: number;
  /** Valid misses that caused no OSS call: duplicates, live records, lost races. */
  readonly deduplicated: number;
  readonly durationMs: number;
} & { readonly [R in ObjectResult]: number };

export function emptySummary(): BatchSummary {
  const counts = Object.fromEntries(OBJECT_RESULTS.map((result) => [result, 0])) as Record<ObjectResult, number>;
  return { seen: 0, invalid: 0, distinct: 0, deduplicated: 0, durationMs: 0, ...counts };
}

export function summarise(
  misses: { seen: number; invalid: number; valid: number },
  outcomes: readonly { result: ObjectResult; misses: number; calledOss: boolean }[],
  durationMs: number,
): BatchSummary {
  const summary: Record<string, number> = { ...emptySummary(), seen: misses.seen, invalid: misses.invalid, distinct: outcomes.length, durationMs };
  for (const o of outcomes) summary[o.result]! += 1;
  const outOfScope = outcomes.filter((o) => o.result === 'outOfScope').reduce((n, o) => n + o.misses, 0);
  summary.deduplicated = misses.valid - outOfScope - outcomes.filter((o) => o.calledOss).length;
  return summary as BatchSummary;
}

export function addSummaries(summaries: readonly BatchSummary[]): BatchSummary {
  const total: Record<string, number> = { ...emptySummary() };
  for (const s of summaries) for (const [k, v] of Object.entries(s)) total[k] = (total[k] ?? 0) + v;
  return total as BatchSummary;
}

/** What a held record tells a batch, by the state it reads as now. */
const HELD: Record<ObjectState, ObjectResult> = {
  CLAIMED: 'claimed',
  RESTORING: 'restoring',
  RESTORED: 'restored',
  FROZEN: 'frozen',
  NOT_ARCHIVED: 'notArchived',
  NOT_FOUND: 'notFound',
  DEFERRED: 'deferred',
  REFUSED: 'refused',
  FAILED: 'failed',
  CURRENT_VERSION: 'untracked',
};

export function heldResult(state: ObjectState): ObjectResult {
  return HELD[state];
}
