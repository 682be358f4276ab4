// The restore record: one row per object version, and the states it moves through.
// Each state has one meaning. Only what happened is stored; whether a record is live, lapsed,
// due or frozen again is computed from the record and a clock.
import type { ErrorValue } from './errors';
import type { ObjectRef } from './object-ref';
import type { StorageClass, Tier } from './storage-class';

export const RestoreState = {
  /** One worker holds a lease (leaseUntilMs) and is about to HEAD / RestoreObject. */
  CLAIMED: 'CLAIMED',
  /** OSS accepted the restore (202, or 409 already in progress). */
  RESTORING: 'RESTORING',
  /** Readable until expiresAtMs; past it the record reads as FROZEN. */
  RESTORED: 'RESTORED',
  /** Standard or IA: readable as it is; a restore would be refused. */
  NOT_ARCHIVED: 'NOT_ARCHIVED',
  /** No such object or version. */
  NOT_FOUND: 'NOT_FOUND',
  /** The budget or the rate limit said "not now": reason, deferredAtMs and retryAtMs. */
  DEFERRED: 'DEFERRED',
  /** The policy will not restore it as asked (too large, tier not allowed, unaddressable key): reason. */
  REFUSED: 'REFUSED',
  /** A transient failure outlasted our retries: lastError, attempts and retryAtMs. */
  FAILED: 'FAILED',
  /**
   * Versioned buckets only: the record a miss without a versionId lands on names the key's current
   * version (currentVersionId), whose own record holds the restore.
   */
  CURRENT_VERSION: 'CURRENT_VERSION',
} as const;
export type RestoreState = (typeof RestoreState)[keyof typeof RestoreState];

export const RESTORE_STATES = Object.values(RestoreState);

/** A RESTORED record whose copy has expired: computed from expiresAtMs and the clock, never stored. */
export const FROZEN = 'FROZEN';

/** The state a caller and the decision see. */
export type ObjectState = RestoreState | typeof FROZEN;

/** Why the budget or the rate limit deferred a restore (DEFERRED, always with retryAtMs). */
export const DeferReason = {
  DAILY_RESTORES: 'daily-restore-budget',
  DAILY_BYTES: 'daily-byte-budget',
  /** The temporary copies' size × Days (ColdArchive / DeepColdArchive) for the bucket's UTC day. */
  DAILY_BYTE_DAYS: 'daily-byte-day-budget',
  RATE: 'rate-limit',
} as const;
export type DeferReason = (typeof DeferReason)[keyof typeof DeferReason];

/** Why the policy will not restore an object as asked (REFUSED). */
export const RefusedReason = {
  OBJECT_TOO_LARGE: 'object-too-large',
  TIER_NOT_ALLOWED: 'tier-not-allowed',
  /** The key has a "." or ".." path segment: the SDKs normalise the path and sign the original. */
  UNADDRESSABLE_KEY: 'unaddressable-key',
} as const;
export type RefusedReason = (typeof RefusedReason)[keyof typeof RefusedReason];

export type RecordReason = DeferReason | RefusedReason;

export function isDeferReason(value: unknown): value is DeferReason {
  return (Object.values(DeferReason) as unknown[]).includes(value);
}

export function isRefusedReason(value: unknown): value is RefusedReason {
  return (Object.values(RefusedReason) as unknown[]).includes(value);
}

export type MissSource = 'access-log' | 'http' | 'storage-event' | 'sweeper' | 'cli';

/** The operations OSS refuses on an unrestored archived object (restore guide), as a miss names them. */
export const MISS_OPERATIONS = ['GetObject', 'ProcessImage', 'CopyObject', 'UploadPartCopy', 'SelectObject', 'PostProcessTask'] as const;
export type MissOperation = (typeof MISS_OPERATIONS)[number];

export function isMissOperation(value: unknown): value is MissOperation {
  return (MISS_OPERATIONS as readonly unknown[]).includes(value);
}

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
  /** When this restore cycle's restore was first accepted; a raised tier keeps it. */
  readonly requestedAtMs?: number;
  /** When the restore should be done, from the class and tier. */
  readonly etaAtMs?: number;
  /** RESTORED: readable until then (from x-oss-restore); FROZEN once past it. */
  readonly expiresAtMs?: number;
  /** CLAIMED: the holder's lease ends then; afterwards anyone may take over. */
  readonly leaseUntilMs?: number;
  readonly leaseOwner?: string;
  /**
   * When something should next happen: RESTORING, the next HEAD to see whether it finished;
   * FAILED / DEFERRED, the next attempt; NOT_FOUND / NOT_ARCHIVED / REFUSED / CURRENT_VERSION,
   * when a new miss may look again.
   */
  readonly retryAtMs?: number;
  /**
   * DEFERRED: when the policy deferred it. The sweeper re-drives a deferral only on that UTC day
   * (see deferralLapsesAtMs); after it, only a read newer than the deferral claims the record.
   */
  readonly deferredAtMs?: number;
  /** Consecutive failed attempts; reset by any success. */
  readonly attempts: number;
  /** FAILED, or a RESTORING record whose check failed: the last failure, as a value (code, message, retryable). */
  readonly lastError?: ErrorValue;
  /** DEFERRED: a DeferReason; REFUSED: a RefusedReason; absent otherwise. */
  readonly reason?: RecordReason;
  /** CURRENT_VERSION: the version OSS resolved for a read without a versionId. */
  readonly currentVersionId?: string;
  readonly firstSeenAtMs: number;
  readonly updatedAtMs: number;
  readonly lastSource?: MissSource;
  /** The refused operation of the latest miss that claimed the record (access log), when known. */
  readonly lastOperation?: MissOperation;
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
  'deferredAtMs',
  'attempts',
  'firstSeenAtMs',
  'updatedAtMs',
  'invalidatedAtMs',
] as const satisfies readonly (keyof RestoreRecord)[];

/** The fields that hold strings (lastError, a structured value, is stored by each adapter in its own way). */
export const STRING_FIELDS = [
  'bucket',
  'key',
  'versionId',
  'state',
  'storageClass',
  'tier',
  'leaseOwner',
  'reason',
  'currentVersionId',
  'lastSource',
  'lastOperation',
] as const satisfies readonly (keyof RestoreRecord)[];

export function isInvalidated(record: RestoreRecord): boolean {
  return record.invalidatedAtMs !== undefined;
}

/** What the record means now: FROZEN for a RESTORED record whose copy has expired. */
export function effectiveState(record: RestoreRecord, nowMs: number): ObjectState {
  if (record.state === RestoreState.RESTORED && record.expiresAtMs !== undefined && nowMs >= record.expiresAtMs) return FROZEN;
  return record.state;
}

const DAY_MS = 86_400_000;

/**
 * When a deferral lapses: the end of the UTC day it was made (the budgets' day). Until then the
 * sweeper re-drives it at retryAtMs; after it, a deferral is an answer, not a queue — only a read
 * newer than the deferral claims it again, so yesterday's backlog never spends today's budget
 * before today's readers (a budget deferral's retryAtMs is that very moment: it is never swept).
 */
export function deferralLapsesAtMs(record: Pick<RestoreRecord, 'deferredAtMs' | 'updatedAtMs'>): number {
  return Math.floor((record.deferredAtMs ?? record.updatedAtMs) / DAY_MS) * DAY_MS + DAY_MS;
}

/** A DEFERRED record past the UTC day it was deferred on. */
export function isLapsedDeferral(record: RestoreRecord, nowMs: number): boolean {
  return record.state === RestoreState.DEFERRED && nowMs >= deferralLapsesAtMs(record);
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
      return record.retryAtMs;
    case RestoreState.DEFERRED:
      // Only within the day it was deferred on: a later retry is a new miss's to claim, not the sweeper's.
      return record.retryAtMs !== undefined && record.retryAtMs < deferralLapsesAtMs(record) ? record.retryAtMs : undefined;
    default:
      return undefined;
  }
}

/**
 * The rules every stored record keeps, so a state never carries another state's meaning. Returns
 * what is wrong, or undefined. Stores refuse to write a record that breaks them.
 */
export function recordProblem(record: RestoreRecord): string | undefined {
  switch (record.state) {
    case RestoreState.CLAIMED:
      // An invalidation ends the lease: the record is as good as absent until it is claimed again.
      return record.leaseUntilMs === undefined && !isInvalidated(record) ? 'a CLAIMED record needs leaseUntilMs' : noReason(record);
    case RestoreState.RESTORED:
      return record.expiresAtMs === undefined ? 'a RESTORED record needs expiresAtMs' : noReason(record);
    case RestoreState.DEFERRED:
      if (!isDeferReason(record.reason)) return `a DEFERRED record needs a budget or rate reason, got ${JSON.stringify(record.reason ?? null)}`;
      if (record.deferredAtMs === undefined) return 'a DEFERRED record needs deferredAtMs';
      return record.retryAtMs === undefined ? 'a DEFERRED record needs retryAtMs' : undefined;
    case RestoreState.REFUSED:
      return isRefusedReason(record.reason) ? undefined : `a REFUSED record needs a refusal reason, got ${JSON.stringify(record.reason ?? null)}`;
    case RestoreState.CURRENT_VERSION:
      if (!record.currentVersionId) return 'a CURRENT_VERSION record needs currentVersionId';
      return record.versionId === '' ? noReason(record) : 'a CURRENT_VERSION record is the record of a key without a versionId';
    default:
      return noReason(record);
  }
}

function noReason(record: RestoreRecord): string | undefined {
  return record.reason === undefined ? undefined : `a ${record.state} record carries no reason, got "${record.reason}"`;
}
