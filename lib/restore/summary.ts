// What happened to the objects of a batch, counted. The result names and their summary keys are
// written out once, here; the coordinator, the access-log path and the logs all use these.
import type { ObjectState } from './record';

/** What happened to one distinct object in a batch, and the summary count it adds to. */
export const RESULT_COUNTS = {
  /** We called RestoreObject and OSS answered 202 (a new restore, or a raised tier). */
  'restore-started': 'restoresIssued',
  /** A restore is under way (our record, or OSS said so). */
  restoring: 'alreadyRestoring',
  restored: 'alreadyRestored',
  /** The restored copy expired; nothing asked for a new cycle. */
  frozen: 'frozen',
  'not-archived': 'notArchived',
  'not-found': 'notFound',
  /** The budget or the rate limit said not now. */
  deferred: 'deferred',
  /** The policy will not restore it as asked, or the key cannot be addressed. */
  refused: 'refused',
  failed: 'failed',
  /** Another worker holds the claim (live lease, or it won the race just now). */
  'in-flight': 'inFlight',
  /** The allow-list excludes it: nothing was written. */
  'out-of-scope': 'outOfScope',
  /** The store could not record the outcome; nothing durable happened. */
  unrecorded: 'unrecorded',
  /** Refresh only: no record exists, so there was nothing to refresh. */
  untracked: 'untracked',
  /** The deadline came before this object's turn; nothing was done (a retry of the batch will). */
  unstarted: 'unstarted',
  /** No record yet, and the bucket's budget of new records for the UTC day is spent: nothing was written, no OSS call. */
  'daily-record-budget': 'dailyRecordBudget',
} as const;

export type ObjectResult = keyof typeof RESULT_COUNTS;
type ResultCount = (typeof RESULT_COUNTS)[ObjectResult];

export type BatchSummary = {
  readonly seen: number;
  readonly invalid: number;
  readonly distinct: number;
  /** Valid misses that caused no OSS call: duplicates, live records, lost races. */
  readonly deduplicated: number;
  readonly durationMs: number;
} & { readonly [K in ResultCount]: number };

export function emptySummary(): BatchSummary {
  const counts = Object.fromEntries(Object.values(RESULT_COUNTS).map((key) => [key, 0])) as Record<ResultCount, number>;
  return { seen: 0, invalid: 0, distinct: 0, deduplicated: 0, durationMs: 0, ...counts };
}

export function summarise(
  misses: { seen: number; invalid: number; valid: number },
  outcomes: readonly { result: ObjectResult; misses: number; calledOss: boolean }[],
  durationMs: number,
): BatchSummary {
  const summary: Record<string, number> = { ...emptySummary(), seen: misses.seen, invalid: misses.invalid, distinct: outcomes.length, durationMs };
  for (const o of outcomes) summary[RESULT_COUNTS[o.result]]! += 1;
  const outOfScope = outcomes.filter((o) => o.result === 'out-of-scope').reduce((n, o) => n + o.misses, 0);
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
  CLAIMED: 'in-flight',
  RESTORING: 'restoring',
  RESTORED: 'restored',
  FROZEN: 'frozen',
  NOT_ARCHIVED: 'not-archived',
  NOT_FOUND: 'not-found',
  DEFERRED: 'deferred',
  REFUSED: 'refused',
  FAILED: 'failed',
  CURRENT_VERSION: 'untracked',
};

export function heldResult(state: ObjectState): ObjectResult {
  return HELD[state];
}
