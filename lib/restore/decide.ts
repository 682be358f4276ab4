// The pure first step of the coordinator: given what the store holds for an object, what the
// caller wants and the time, should this batch do anything? No I/O here, so every branch is a
// table-driven unit test (test/unit/restore/decide.test.ts).
import { effectiveState, FROZEN, isInvalidated, isLapsedDeferral, RestoreState, type RestoreRecord } from './record';
import type { RestoreRequest } from './restore-request';
import { tierRank } from './storage-class';

/**
 * A miss for an object we believe RESTORED means a read failed anyway (the copy was cleaned up
 * early, or the object changed and its event was lost). Look again, but at most this often.
 */
export const RESTORED_RECHECK_MS = 60_000;

export type Intent =
  /** Misses or explicit requests: restore what needs it. */
  | (RestoreRequest & {
      readonly kind: 'request';
      /** The latest failed read (not a sweep): the evidence that someone still wants the object. */
      readonly lastReadAtMs?: number;
    })
  /** A status read or a FinishRestore event: look (HEAD) whether a running restore finished; never restore. */
  | {
      readonly kind: 'refresh';
      /** HEAD a RESTORING record now rather than at its next scheduled check (an event says it changed). */
      readonly checkNow?: boolean;
    };

export type Decision =
  /** No record yet: claim it with create-if-absent. */
  | { readonly action: 'claim-new' }
  /** The record is stale or due: claim it with update-if-version. */
  | { readonly action: 'reclaim'; readonly reason: ReclaimReason }
  /** Someone is on it, or the answer is still good: no OSS call, no write. */
  | { readonly action: 'hold' }
  /** A CURRENT_VERSION record: the object is that version; decide on its record instead. */
  | { readonly action: 'follow'; readonly versionId: string }
  /** Refresh only: nothing is tracked for this object, so there is nothing to look at. */
  | { readonly action: 'untracked' };

export type ReclaimReason =
  | 'object-changed'
  | 'restored-unverified'
  | 'lease-lapsed'
  | 'new-cycle'
  | 'retry-due'
  | 'recheck-due'
  | 'restore-check-due'
  | 'tier-raise';

const CLAIM_NEW: Decision = { action: 'claim-new' };
const HOLD: Decision = { action: 'hold' };
const UNTRACKED: Decision = { action: 'untracked' };

export function decide(record: RestoreRecord | undefined, intent: Intent, nowMs: number): Decision {
  if (intent.kind === 'refresh') return decideRefresh(record, intent.checkNow === true, nowMs);
  if (!record) return CLAIM_NEW;
  // The record describes an older object: start over, through the record's own version.
  if (isInvalidated(record)) return reclaim('object-changed');
  const due = (atMs: number | undefined) => atMs === undefined || nowMs >= atMs;
  const state = effectiveState(record, nowMs);
  switch (state) {
    case RestoreState.CLAIMED:
      return due(record.leaseUntilMs) ? reclaim('lease-lapsed') : HOLD;
    case RestoreState.RESTORING:
      // OSS accepts a faster tier mid-restore (ColdArchive / DeepColdArchive), never a slower one.
      if (intent.tier && record.tier && tierRank(intent.tier) < tierRank(record.tier)) return reclaim('tier-raise');
      // Past the ETA a miss may look (HEAD) whether it finished; the restore is not repeated.
      return due(record.retryAtMs ?? record.etaAtMs) ? reclaim('restore-check-due') : HOLD;
    case FROZEN:
      // A restore cycle ends when its copy expires. Only a read that failed after that wants a new
      // (billed) cycle; a late or replayed miss from before it was served by the cycle that ended.
      return intent.lastReadAtMs !== undefined && intent.lastReadAtMs >= record.expiresAtMs! ? reclaim('new-cycle') : HOLD;
    case RestoreState.RESTORED: {
      const contradicted = intent.lastReadAtMs !== undefined && intent.lastReadAtMs > record.updatedAtMs;
      return contradicted && nowMs - record.updatedAtMs >= RESTORED_RECHECK_MS ? reclaim('restored-unverified') : HOLD;
    }
    case RestoreState.NOT_ARCHIVED:
    case RestoreState.NOT_FOUND:
      // A lifecycle rule can archive an object, or a writer create it, without an event we see.
      return due(record.retryAtMs) ? reclaim('recheck-due') : HOLD;
    case RestoreState.REFUSED:
      // Limits may change; a key never does (an unaddressable key's record has no retryAtMs).
      return record.retryAtMs !== undefined && nowMs >= record.retryAtMs ? reclaim('recheck-due') : HOLD;
    case RestoreState.DEFERRED:
      if (!due(record.retryAtMs)) return HOLD;
      // A deferral is re-driven on the UTC day it was made; after that it is an answer, not a
      // queue: only a read newer than the deferral (someone still wants the object) claims it.
      if (isLapsedDeferral(record, nowMs) && !(intent.lastReadAtMs !== undefined && intent.lastReadAtMs > (record.deferredAtMs ?? record.updatedAtMs)))
        return HOLD;
      return reclaim('retry-due');
    case RestoreState.FAILED:
      return due(record.retryAtMs) ? reclaim('retry-due') : HOLD;
    case RestoreState.CURRENT_VERSION:
      // The current version can change without an event we see: look again now and then.
      return due(record.retryAtMs) ? reclaim('recheck-due') : { action: 'follow', versionId: record.currentVersionId! };
  }
}

/** Refresh only ever checks whether a running restore has finished: when due, or at once when told. */
function decideRefresh(record: RestoreRecord | undefined, checkNow: boolean, nowMs: number): Decision {
  if (!record || isInvalidated(record)) return UNTRACKED;
  if (record.state === RestoreState.CURRENT_VERSION) return { action: 'follow', versionId: record.currentVersionId! };
  if (record.state !== RestoreState.RESTORING) return HOLD;
  const checkAtMs = record.retryAtMs ?? record.etaAtMs;
  return checkNow || checkAtMs === undefined || nowMs >= checkAtMs ? reclaim('restore-check-due') : HOLD;
}

function reclaim(reason: ReclaimReason): Decision {
  return { action: 'reclaim', reason };
}
