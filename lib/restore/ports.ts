// The coordinator's view of the world. Adapters (lib/store, lib/oss, lib/policy) implement these;
// nothing in lib/restore imports an SDK.
import type { ObjectRef } from './object-ref';
import { type DeferReason, FROZEN, type ObjectState, type RefusedReason, RestoreState, type RestoreRecord } from './record';
import type { ClassRestoreParams, RestoreRequest } from './restore-request';
import type { ArchiveClass, StorageClass } from './storage-class';

// ---- state ----------------------------------------------------------------------------------

export type WriteResult =
  | { readonly ok: true; readonly record: RestoreRecord }
  /** The condition failed: someone else wrote first. The caller decides whether to read. */
  | { readonly ok: false };

/**
 * Records are never deleted: a deleted row would let a new record start again at version 1, and a
 * slow worker holding a claim at version 1 could then overwrite state it never read.
 */
export interface StateStore {
  /** Reads many records by id (adapters batch as their service allows). Missing ids are absent. */
  getMany(ids: readonly string[]): Promise<Map<string, RestoreRecord>>;
  /** Writes `record` only if no record with its id exists. `record.version` must be 1. */
  create(record: RestoreRecord): Promise<WriteResult>;
  /**
   * Replaces the record only if the stored one has version `record.version - 1`: a fencing token,
   * so no write ever overwrites a state it did not read.
   */
  update(record: RestoreRecord): Promise<WriteResult>;
  /**
   * Records whose dueAtMs() is at or before `nowMs`, earliest first, at most `limit`.
   * Its cost follows the number of due records, not the size of the table.
   */
  listDue(nowMs: number, limit: number): Promise<RestoreRecord[]>;
  /**
   * Records in the given states, a page at a time (lib/store/listing.ts holds the shared rules).
   * Its cost follows the records the page reads, never the size of the table; a page may hold
   * fewer than `limit` records and still carry a cursor. Invalidated records are never listed.
   */
  list(query: RecordQuery): Promise<RecordPage>;
  /**
   * Records per bucket per state (as callers see them: FROZEN apart from RESTORED), at most
   * `cap` read per stored state; a state that reached it is named in `capped` (its counts are
   * lower bounds).
   */
  countStates(nowMs: number, cap: number): Promise<StateCounts>;
}

/** key: by bucket, then key (an OSS listing's order); newest: last change first; eta: soonest ETA first. */
export const LIST_ORDERS = ['key', 'newest', 'eta'] as const;
export type ListOrder = (typeof LIST_ORDERS)[number];

/** Records per page at most. */
export const MAX_LIST_LIMIT = 1000;

/** What a listing without a state covers: every state of a restore, not the CURRENT_VERSION pointers. */
export const LISTED_STATES: readonly ObjectState[] = [
  RestoreState.CLAIMED,
  RestoreState.RESTORING,
  RestoreState.RESTORED,
  FROZEN,
  RestoreState.DEFERRED,
  RestoreState.FAILED,
  RestoreState.REFUSED,
  RestoreState.NOT_ARCHIVED,
  RestoreState.NOT_FOUND,
];

export interface RecordQuery {
  /** The states to list, each in turn in this order; FROZEN and RESTORED are told apart by nowMs. */
  readonly states: readonly ObjectState[];
  readonly bucket?: string;
  /** Key prefix; only with a bucket. */
  readonly prefix?: string;
  readonly order: ListOrder;
  /** 1 to MAX_LIST_LIMIT. */
  readonly limit: number;
  /** From the previous page of the same query. */
  readonly cursor?: string;
  readonly nowMs: number;
}

export interface RecordPage {
  readonly records: readonly RestoreRecord[];
  /** Present when more may follow: pass it back with the same query. */
  readonly cursor?: string;
}

export interface StateCounts {
  readonly byBucket: ReadonlyMap<string, Readonly<Partial<Record<ObjectState, number>>>>;
  /** States whose count stopped at the cap: lower bounds. */
  readonly capped: readonly ObjectState[];
}

/** Budget and rate counters: a second concern, kept apart from the records. */
export interface CounterStore {
  /**
   * Adds each update's deltas to its named counter atomically (a counter starts at zero) and
   * returns the totals after the addition, in order. Budgets use it: add, compare with the limit,
   * subtract back what was over. Names must be distinct within one call.
   */
  addToCounters(updates: readonly CounterUpdate[]): Promise<CounterValues[]>;
  /** The counters whose names start with `prefix`, in name order, at most `limit` (absent ones are zero). */
  listCounters(prefix: string, limit: number): Promise<NamedCounter[]>;
}

export interface NamedCounter {
  readonly name: string;
  readonly values: CounterValues;
}

export interface CounterUpdate {
  readonly name: string;
  /** What to add to each value; an absent value adds nothing. */
  readonly deltas: Partial<CounterValues>;
}

/** A counter's values: the policy names what each counter counts (lib/policy/cost-policy.ts). */
export interface CounterValues {
  readonly restores: number;
  readonly bytes: number;
  /** Size × Days of the temporary copies restores make (ColdArchive / DeepColdArchive). */
  readonly byteDays: number;
  /** Records created (the budget THAW_DAILY_NEW_RECORDS limits). */
  readonly newRecords: number;
}

export const COUNTER_FIELDS = ['restores', 'bytes', 'byteDays', 'newRecords'] as const satisfies readonly (keyof CounterValues)[];

/** Every value of a counter, absent ones zero. */
export function counterValues(values: Partial<CounterValues> = {}): CounterValues {
  return { restores: values.restores ?? 0, bytes: values.bytes ?? 0, byteDays: values.byteDays ?? 0, newRecords: values.newRecords ?? 0 };
}

// ---- objects --------------------------------------------------------------------------------

export type ObjectRestoreStatus = { readonly kind: 'frozen' } | { readonly kind: 'restoring' } | { readonly kind: 'restored'; readonly expiresAtMs: number };

export type ObjectHead =
  | { readonly found: false }
  | {
      readonly found: true;
      readonly storageClass: StorageClass;
      readonly sizeBytes: number;
      readonly restore: ObjectRestoreStatus;
      /** x-oss-version-id: the version OSS resolved (present once a bucket has had versioning on). */
      readonly versionId?: string;
    };

/** What OSS said to RestoreObject, in our words: the same words as the result each answer leads to (summary.ts). */
export type RestoreAnswer =
  /** 202: a restore started (or its priority was raised). */
  | 'restoreStarted'
  /** 409 RestoreAlreadyInProgress. */
  | 'restoring'
  /** 200: already restored; the restored period was extended. */
  | 'restored'
  /** 404 NoSuchKey / NoSuchVersion. */
  | 'notFound'
  /** 400 OperationNotSupported: Standard or IA. */
  | 'notArchived';

export interface ObjectStore {
  /** HEAD. Throws TransientError when it may succeed later; AccessDeniedError on 403. */
  head(ref: ObjectRef): Promise<ObjectHead>;
  /** RestoreObject with the object's own storage class. Same error contract as head(). */
  restore(ref: ObjectRef, storageClass: ArchiveClass, params: ClassRestoreParams): Promise<RestoreAnswer>;
}

// ---- policy ---------------------------------------------------------------------------------

/** Why the policy said no: not now (budget, rate), or not as asked (size, tier). */
export type PolicyRefusal =
  | { readonly kind: 'deferred'; readonly reason: DeferReason; readonly retryAtMs: number }
  | { readonly kind: 'refused'; readonly reason: Exclude<RefusedReason, 'unaddressable-key'> };

export type Admission =
  /** Restore with these parameters (the policy may have lowered the tier). */
  | {
      readonly admitted: true;
      readonly params: ClassRestoreParams;
      /** After this restore, the most used of the bucket's daily budgets, in percent (for the logs; absent when the policy keeps none). */
      readonly budgetUsePct?: number;
    }
  | { readonly admitted: false; readonly refusal: PolicyRefusal };

/** Whether a new record may be written for an object (a bucket's daily budget of new records). */
export type RecordAdmission = { readonly admitted: true } | { readonly admitted: false; readonly retryAtMs: number };

export interface RestorePolicy {
  /** Whether oss-thaw may act on this object at all (allow-list). Checked before any write. */
  inScope(ref: ObjectRef): boolean;
  /** Lowers what a caller asked for to what callers may ask for (e.g. the fastest tier). Pure. */
  clampRequest(request: RestoreRequest): RestoreRequest;
  /**
   * Whether to restore now, with the parameters already fitted to the class: object size, daily
   * budgets, rate, the fastest tier allowed. May lower the tier.
   */
  admit(ref: ObjectRef, object: { storageClass: ArchiveClass; sizeBytes: number }, params: ClassRestoreParams, nowMs: number): Promise<Admission>;
  /**
   * Whether a miss may create a record for an object nobody asked about before: every record is
   * kept (StateStore has no delete), so new ones are a budget of their own, per bucket and day.
   */
  admitNewRecord(ref: ObjectRef, nowMs: number): Promise<RecordAdmission>;
}

/** Restores everything in scope: the policy for tests and for users who set no limits. */
export const allowAllPolicy: RestorePolicy = {
  inScope: () => true,
  clampRequest: (request) => request,
  admit: async (_ref, _object, params) => ({ admitted: true, params }),
  admitNewRecord: async () => ({ admitted: true }),
};
