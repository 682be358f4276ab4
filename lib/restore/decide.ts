// The pure heart of the coordinator: given what the store holds for an object and the time,
// should this miss do anything? No I/O here, so every branch is a table-driven unit test.
import { isInvalidated, RestoreState, type RestoreRecord } from './record';

/**
 * A miss for an object we believe RESTORED means a read failed anyway (the copy was cleaned up
 * early, or the object changed and its event was lost). Look again, but at most this often.
 */
export const RESTORED_RECHECK_MS = 60_000;
import type { RestoreRequest } from './restore-request';
import { tierRank } from './storage-class';

export type Decision =
  /** No record yet: claim it with create-if-absent. */
  | { readonly action: 'claim-new' }
  /** The record is stale or due: claim it with update-if-version. */
  | { readonly action: 'reclaim'; readonly reason: ReclaimReason }
  /** Someone is on it, or the answer is still good: no OSS call, no write. */
  | { readonly action: 'none'; readonly reason: HoldReason };

export type ReclaimReason =
  | 'object-changed'
  | 'restored-unverified'
  | 'lease-lapsed'
  | 'restore-expired'
  | 'retry-due'
  | 'recheck-due'
  | 'restore-check-due'
  | 'tier-raise';

export type HoldReason = 'claimed' | 'restoring' | 'restored' | 'not-archived' | 'not-found' | 'deferred' | 'failed';

/**
 * @param lastMissAtMs when the latest failed read of this batch happened; a failed read after a
 *   record said RESTORED is evidence against it (an access log can also replay older reads).
 */
export function decide(record: RestoreRecord | undefined, nowMs: number, request: RestoreRequest = {}, lastMissAtMs?: number): Decision {
  if (!record) return { action: 'claim-new' };
  // The record describes an older object: start over, through the record's own version.
  if (isInvalidated(record)) return reclaim('object-changed');
  const due = (atMs: number | undefined) => atMs === undefined || nowMs >= atMs;
  switch (record.state) {
    case RestoreState.CLAIMED:
      return due(record.leaseUntilMs) ? reclaim('lease-lapsed') : hold('claimed');
    case RestoreState.RESTORING:
      // OSS accepts a faster tier mid-restore (ColdArchive / DeepColdArchive), never a slower one.
      if (request.tier && record.tier && tierRank(request.tier) < tierRank(record.tier)) return reclaim('tier-raise');
      // Past the ETA a miss may look (HEAD) whether it finished; the restore itself is not repeated
      // unless OSS says the object is frozen again.
      return due(record.retryAtMs ?? record.etaAtMs) ? reclaim('restore-check-due') : hold('restoring');
    case RestoreState.RESTORED: {
      // A restored copy expires; a miss after that means it is frozen again.
      if (due(record.expiresAtMs)) return reclaim('restore-expired');
      const contradicted = lastMissAtMs !== undefined && lastMissAtMs > record.updatedAtMs;
      return contradicted && nowMs - record.updatedAtMs >= RESTORED_RECHECK_MS ? reclaim('restored-unverified') : hold('restored');
    }
    case RestoreState.NOT_ARCHIVED:
      // A lifecycle rule can move an object to Archive without any event, so the answer ages.
      return due(record.retryAtMs) ? reclaim('recheck-due') : hold('not-archived');
    case RestoreState.NOT_FOUND:
      return due(record.retryAtMs) ? reclaim('recheck-due') : hold('not-found');
    case RestoreState.DEFERRED:
      return due(record.retryAtMs) ? reclaim('retry-due') : hold('deferred');
    case RestoreState.FAILED:
      return due(record.retryAtMs) ? reclaim('retry-due') : hold('failed');
  }
}

function reclaim(reason: ReclaimReason): Decision {
  return { action: 'reclaim', reason };
}

function hold(reason: HoldReason): Decision {
  return { action: 'none', reason };
}
