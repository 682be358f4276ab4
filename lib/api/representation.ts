// How a restore record looks to a caller, and which HTTP status says it best.
import { DeferReason } from '../policy/cost-policy';
import { FROZEN_AGAIN } from '../restore/coordinator';
import { RestoreState, type RestoreRecord } from '../restore/record';
import { retryAfterSeconds, type Timing } from '../restore/timing';
import { ApiProblem } from './problem';

export interface RestoreView {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly state: RestoreState;
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
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function viewOf(record: RestoreRecord, timing: Timing, nowMs: number): RestoreView {
  return {
    bucket: record.bucket,
    key: record.key,
    versionId: record.versionId || null,
    state: record.state,
    storageClass: record.storageClass ?? null,
    tier: record.tier ?? null,
    days: record.days ?? null,
    requestedAt: iso(record.requestedAtMs),
    etaAt: iso(record.state === RestoreState.RESTORING ? record.etaAtMs : undefined),
    expiresAt: iso(record.state === RestoreState.RESTORED ? record.expiresAtMs : undefined),
    retryAt: iso(record.state === RestoreState.DEFERRED || record.state === RestoreState.FAILED ? record.retryAtMs : undefined),
    retryAfterSeconds: retryAfterSeconds(timing, record, nowMs) ?? null,
    // Policy reasons are ours to show; lastError may hold service details, so it stays in the logs.
    reason: record.state === RestoreState.DEFERRED ? (record.reason ?? null) : null,
    attempts: record.attempts,
  };
}

/** The status for a record's state; errors for the states that are a caller's dead end. */
export function statusOf(view: RestoreView, nowMs: number): { status: number; headers: Record<string, string> } {
  // A restored copy that expired, or one a status read found gone: frozen again until asked anew.
  const expired = view.state === RestoreState.RESTORED && view.expiresAt !== null && Date.parse(view.expiresAt) <= nowMs;
  if (expired || (view.state === RestoreState.DEFERRED && view.reason === FROZEN_AGAIN)) {
    throw new ApiProblem(410, 'RestoreExpired', 'The restored copy has expired and the object is frozen again; POST to restore it again.');
  }
  const retry: Record<string, string> = view.retryAfterSeconds === null ? {} : { 'retry-after': String(view.retryAfterSeconds) };
  switch (view.state) {
    case RestoreState.RESTORED:
      return { status: 200, headers: {} };
    case RestoreState.CLAIMED:
    case RestoreState.RESTORING:
      return { status: 202, headers: retry };
    case RestoreState.DEFERRED:
      if (view.reason === DeferReason.OBJECT_TOO_LARGE) {
        throw new ApiProblem(403, 'ObjectTooLarge', 'The object is larger than oss-thaw may restore automatically (THAW_MAX_OBJECT_BYTES).');
      }
      if (view.reason === DeferReason.TIER_NOT_ALLOWED) {
        throw new ApiProblem(403, 'TierNotAllowed', `A ${view.storageClass} object has no restore tier as slow as oss-thaw may use (THAW_MAX_TIER).`);
      }
      return { status: 429, headers: retry };
    case RestoreState.FAILED:
      return { status: 503, headers: retry };
    case RestoreState.NOT_ARCHIVED:
      throw new ApiProblem(409, 'NotArchived', 'The object is not in an archive storage class; read it directly.');
    case RestoreState.NOT_FOUND:
      throw new ApiProblem(404, 'NoSuchKey', 'The object (or version) does not exist.');
  }
}
