// What the coordinator's log lines say about an object and a batch, in the declared field names
// (lib/log-fields.ts): the object's bucket, key and version on every line about it, and one "state"
// line per object worked on with its outcome, transition and what it spent.
import type { Miss, ObjectMisses } from './miss';
import type { ObjectRef } from './object-ref';
import type { PolicyRefusal } from './ports';
import type { ObjectState, RestoreRecord } from './record';
import type { ObjectResult } from './summary';
import type { CycleStep } from './transitions';

/** The fields every line about one object carries. */
export function objectFields(ref: ObjectRef, recordId: string): Record<string, unknown> {
  return { bucket: ref.bucket, key: ref.key, versionId: ref.versionId || undefined, recordId };
}

/**
 * The "state" line's fields. A CURRENT_VERSION record names another record (`outcome` undefined):
 * that record's own line says what happened. Only a started restore spends the byte budget.
 */
export function stateFields(
  step: CycleStep,
  from: ObjectState | undefined,
  record: RestoreRecord,
  object: Pick<ObjectMisses, 'source' | 'count'>,
  budgetUsePct: number | undefined,
  durationMs: number,
): Record<string, unknown> {
  const outcome: ObjectResult | undefined = step.kind === 'record' ? step.result : step.kind === 'current-version' ? undefined : 'failed';
  return {
    outcome,
    from: from ?? null,
    to: record.state,
    reason: record.reason,
    source: object.source,
    misses: object.count,
    storageClass: record.storageClass,
    tier: record.tier,
    sizeBytes: outcome === 'restoreStarted' ? record.sizeBytes : undefined,
    budgetUsePct,
    durationMs,
  };
}

/** What the policy said when it would not restore: deferred (not now, until retryAtMs) or refused (not as asked). */
export function refusalFields(refusal: PolicyRefusal): Record<string, unknown> {
  return { refusal: refusal.kind, reason: refusal.reason, retryAtMs: refusal.kind === 'deferred' ? refusal.retryAtMs : undefined };
}

/** The source of a batch's misses, or "mixed" when it holds several. */
export function batchSource(misses: readonly Pick<Miss, 'source'>[]): string | undefined {
  const sources = new Set(misses.map((m) => m.source));
  return sources.size === 0 ? undefined : sources.size === 1 ? [...sources][0] : 'mixed';
}
