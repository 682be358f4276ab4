// How a restore record looks to a caller, and the one switch from its state to an HTTP answer.
// docs/state-machine.md ("The record and its states") and docs/api.md ("Answers") list the same
// answers; the tests read those tables and check them against this switch.
import type { PolicyRefusal } from '../restore/ports';
import type { RestoreRequest } from '../restore/restore-request';
import { effectiveState, FROZEN, type ObjectState, RefusedReason, RestoreState, type RestoreRecord } from '../restore/record';
import { retryAfterSeconds, type Timing } from '../restore/timing';

export interface RestoreView {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly state: ObjectState;
  readonly storageClass: string | null;
  readonly tier: string | null;
  readonly days: number | null;
  readonly requestedAt: string | null;
  readonly etaAt: string | null;
  readonly expiresAt: string | null;
  readonly retryAt: string | null;
  readonly retryAfterSeconds: number | null;
  readonly reason: string | null;
  readonly attempts: number;
  /** Only in the answer to a POST that asked for a faster tier the policy refused: the restore runs on as it was. */
  readonly raise?: { readonly tier: string | null; readonly refused: string; readonly retryAt: string | null };
}

/**
 * What the deployment's limits lowered from what the caller asked for, in the answer: Days above
 * THAW_MAX_DAYS and a tier faster than THAW_MAX_TIER. Absent when nothing was lowered.
 */
export interface Lowered {
  readonly days?: { readonly asked: number; readonly granted: number; readonly limit: 'THAW_MAX_DAYS' };
  readonly tier?: { readonly asked: string; readonly granted: string; readonly limit: 'THAW_MAX_TIER' };
}

export function loweredOf(asked: RestoreRequest, granted: RestoreRequest): Lowered | undefined {
  const days = asked.days !== undefined && granted.days !== undefined && granted.days < asked.days;
  const tier = asked.tier !== undefined && granted.tier !== undefined && granted.tier !== asked.tier;
  if (!days && !tier) return undefined;
  return {
    ...(days ? { days: { asked: asked.days!, granted: granted.days!, limit: 'THAW_MAX_DAYS' as const } } : {}),
    ...(tier ? { tier: { asked: asked.tier!, granted: granted.tier!, limit: 'THAW_MAX_TIER' as const } } : {}),
  };
}

/** A miss that would have made a new record after the bucket's daily budget of them was spent: no record, no OSS call. */
export function recordBudgetProblem(retryAtMs: number, nowMs: number): Required<Answer> & { readonly retryAfterSeconds: number } {
  return {
    status: 429,
    error: {
      code: 'DailyRecordBudget',
      message: `The bucket's budget of new records for today (THAW_DAILY_NEW_RECORDS) is spent; nothing was recorded. Ask again after ${new Date(retryAtMs).toISOString()}.`,
    },
    retryAfterSeconds: Math.max(1, Math.ceil((retryAtMs - nowMs) / 1000)),
  };
}

/** A record as an operator's listing shows it: the caller's view, with what happened when. */
export interface ListedView extends RestoreView {
  readonly sizeBytes: number | null;
  readonly firstSeenAt: string;
  readonly updatedAt: string;
  readonly lastSource: string | null;
  /**
   * The record's lastError (FAILED, or a RESTORING record whose check failed): our error code
   * (Transient, AccessDenied, MalformedRequest, …) and whether it may fix itself. Its message may
   * carry service details, so it stays in the logs.
   */
  readonly lastError: { readonly code: string; readonly retryable: boolean } | null;
}

export function listedViewOf(record: RestoreRecord, timing: Timing, nowMs: number): ListedView {
  return {
    ...viewOf(record, timing, nowMs),
    sizeBytes: record.sizeBytes ?? null,
    firstSeenAt: new Date(record.firstSeenAtMs).toISOString(),
    updatedAt: new Date(record.updatedAtMs).toISOString(),
    lastSource: record.lastSource ?? null,
    lastError: record.lastError ? { code: record.lastError.code, retryable: record.lastError.retryable } : null,
  };
}

/** An answer: a status and, for the states that are a caller's dead end, an error code and message. */
export interface Answer {
  readonly status: number;
  readonly error?: { readonly code: string; readonly message: string };
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function viewOf(record: RestoreRecord, timing: Timing, nowMs: number, raise?: { tier?: string; refusal: PolicyRefusal }): RestoreView {
  const state = effectiveState(record, nowMs);
  return {
    bucket: record.bucket,
    key: record.key,
    versionId: record.versionId || null,
    state,
    storageClass: record.storageClass ?? null,
    tier: record.tier ?? null,
    days: record.days ?? null,
    requestedAt: iso(record.requestedAtMs),
    etaAt: iso(state === RestoreState.RESTORING ? record.etaAtMs : undefined),
    expiresAt: iso(state === RestoreState.RESTORED || state === FROZEN ? record.expiresAtMs : undefined),
    retryAt: iso(state === RestoreState.DEFERRED || state === RestoreState.FAILED ? record.retryAtMs : undefined),
    retryAfterSeconds: retryAfterSeconds(timing, record, nowMs) ?? null,
    // Policy reasons are ours to show; lastError may hold service details, so it stays in the logs.
    reason: record.state === RestoreState.DEFERRED || record.state === RestoreState.REFUSED ? (record.reason ?? null) : null,
    attempts: record.attempts,
    ...(raise
      ? {
          raise: {
            tier: raise.tier ?? null,
            refused: raise.refusal.reason,
            retryAt: raise.refusal.kind === 'deferred' ? iso(raise.refusal.retryAtMs) : null,
          },
        }
      : {}),
  };
}

/** The HTTP answer for a record, from the state it reads as now: the one switch at the edge. */
export function answerFor(record: RestoreRecord, nowMs: number): Answer {
  const state = effectiveState(record, nowMs);
  switch (state) {
    case RestoreState.RESTORED:
      return { status: 200 };
    case RestoreState.CLAIMED:
    case RestoreState.RESTORING:
      return { status: 202 };
    case RestoreState.DEFERRED:
      return { status: 429 };
    case RestoreState.FAILED:
      return { status: 503 };
    case FROZEN:
      return problem(410, 'RestoreExpired', 'The restored copy has expired and the object is frozen again; POST to restore it again.');
    case RestoreState.NOT_ARCHIVED:
      return problem(409, 'NotArchived', 'The object is not in an archive storage class; read it directly.');
    case RestoreState.NOT_FOUND:
      return problem(404, 'NoSuchKey', 'The object (or version) does not exist.');
    case RestoreState.REFUSED:
      return refusedAnswer(record.reason as RefusedReason, record.storageClass);
    case RestoreState.CURRENT_VERSION:
      // The coordinator answers with the record of the version it names; without one, nothing is tracked.
      return problem(404, 'NoSuchRestore', 'No restore has been requested for this object; POST to the same path to request one.');
  }
}

/** Why oss-thaw will not restore the object as asked, as a client error. */
export function refusedAnswer(reason: RefusedReason, storageClass?: string): Answer {
  switch (reason) {
    case RefusedReason.OBJECT_TOO_LARGE:
      return problem(403, 'ObjectTooLarge', 'The object is larger than oss-thaw may restore automatically (THAW_MAX_OBJECT_BYTES).');
    case RefusedReason.TIER_NOT_ALLOWED:
      return problem(403, 'TierNotAllowed', `A ${storageClass ?? 'cold'} object has no restore tier as slow as oss-thaw may use (THAW_MAX_TIER).`);
    case RefusedReason.UNADDRESSABLE_KEY:
      return problem(
        400,
        'UnaddressableKey',
        'key: has a "." or ".." path segment; the OSS SDKs normalise such a path but sign the key as written, so OSS refuses every request for it.',
      );
  }
}

function problem(status: number, code: string, message: string): Answer {
  return { status, error: { code, message } };
}
