// The restore record: one row per object version, and the states it moves through.
// Only what happened is stored; whether a record is live, lapsed or due is computed from a clock.
import type { ObjectRef } from './object-ref';
import type { StorageClass, Tier } from './storage-class';

export const RestoreState = {
  /** One worker holds a lease and is about to HEAD / RestoreObject. */
  CLAIMED: 'CLAIMED',
  /** OSS accepted the restore (202, or 409 already in progress). */
  RESTORING: 'RESTORING',
  /** Readable until expiresAtMs. */
  RESTORED: 'RESTORED',
  /** Standard or IA: readable as it is; a restore would be refused. */
  NOT_ARCHIVED: 'NOT_ARCHIVED',
  /** No such object or version. */
  NOT_FOUND: 'NOT_FOUND',
  /** Policy or budget said "not now": see reason and retryAtMs. */
  DEFERRED: 'DEFERRED',
  /** A transient failure outlasted our retries: see lastError, attempts and retryAtMs. */
  FAILED: 'FAILED',
} as const;
export type RestoreState = (typeof RestoreState)[keyof typeof RestoreState];

export const RESTORE_STATES = Object.values(RestoreState);

export type MissSource = 'access-log' | 'http' | 'storage-event' | 'sweeper' | 'cli';

export interface RestoreRecord extends ObjectRef {
  /** Digest of (bucket, key, versionId): see recordId(). */
  readonly id: string;
  readonly state: RestoreState;
  /** Fencing token: 1 on create, +1 on every write; every write is conditional on it. */
  readonly version: number;
  readonly storageClass?: StorageClass;
  readonly sizeBytes?: number;
  /** Tier sent to OSS (ColdArchive / DeepColdArchive only). */
  readonly tier?: Tier;
  /** Days sent to OSS. */
  readonly days?: number;
  /** When OSS accepted the restore we are waiting for. */
  readonly requestedAtMs?: number;
  /** When the restore should be done, from the class and tier. */
  readonly etaAtMs?: number;
  /** RESTORED: readable until then (from x-oss-restore). */
  readonly expiresAtMs?: number;
  /** CLAIMED: the holder's lease ends then; afterwards anyone may take over. */
  readonly leaseUntilMs?: number;
  readonly leaseOwner?: string;
  /**
   * When something should next happen: RESTORING, the next HEAD to see whether it finished;
   * FAILED / DEFERRED, the next attempt; NOT_FOUND / NOT_ARCHIVED, when a miss may re-check.
   */
  readonly retryAtMs?: number;
  /** Consecutive failed attempts; reset by any success. */
  readonly attempts: number;
  readonly lastError?: string;
  /** DEFERRED: the policy's reason (e.g. 'daily-restore-budget'). */
  readonly reason?: string;
  readonly firstSeenAtMs: number;
  readonly updatedAtMs: number;
  readonly lastSource?: MissSource;
  /**
   * Set when the record stopped describing the object (a storage event said it was rewritten or
   * deleted, or it left the allow-list). Such a record is as good as absent, but it is kept, not
   * deleted, so its version keeps counting: a fencing token must never be reused.
   */
  readonly invalidatedAtMs?: number;
}

/** The fields that hold whole numbers (stores keep them as integers, never as doubles). */
export const INTEGER_FIELDS = [
  'version',
  'sizeBytes',
  'days',
  'requestedAtMs',
  'etaAtMs',
  'expiresAtMs',
  'leaseUntilMs',
  'retryAtMs',
  'attempts',
  'firstSeenAtMs',
  'updatedAtMs',
  'invalidatedAtMs',
] as const satisfies readonly (keyof RestoreRecord)[];

export function isInvalidated(record: RestoreRecord): boolean {
  return record.invalidatedAtMs !== undefined;
}

/**
 * When the sweeper should look at a record, or undefined when only a new miss should.
 * Store adapters index this; it is a function of the record so it can never disagree with it.
 */
export function dueAtMs(record: RestoreRecord): number | undefined {
  if (isInvalidated(record)) return undefined;
  switch (record.state) {
    case RestoreState.CLAIMED:
      return record.leaseUntilMs;
    case RestoreState.RESTORING:
      return record.retryAtMs ?? record.etaAtMs;
    case RestoreState.FAILED:
    case RestoreState.DEFERRED:
      return record.retryAtMs;
    default:
      return undefined;
  }
}
