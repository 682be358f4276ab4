// Cost guards, enforced for every source of misses: the allow-list, a maximum object size,
// per-bucket daily budgets (restores and bytes, reset at 00:00 UTC), the fastest tier callers may
// ask for, and a global rate limit below OSS's guidance of 500 restores/s.
//
// Budgets are counters (CounterStore): add first, then compare, and subtract back when over.
// Concurrent callers can briefly see a total above the limit and be refused at the margin; they
// can never both be admitted past it. Refusing too much is safe; spending too much is not.
// Size and tier refusals are REFUSED (not as asked); budget and rate refusals DEFERRED (not now).
import { MicroBatcher } from '../micro-batch';
import type { ObjectRef } from '../restore/object-ref';
import type { Admission, CounterStore, CounterValues, RestorePolicy } from '../restore/ports';
import { DeferReason, RefusedReason } from '../restore/record';
import type { ClassRestoreParams, RestoreRequest } from '../restore/restore-request';
import { type ArchiveClass, RESTORE_RULES, type Tier, tierRank } from '../restore/storage-class';
import { type AllowList, isAllowed } from './allow-list';

export interface CostLimits {
  readonly allow: AllowList;
  /** Objects larger than this are never restored automatically. */
  readonly maxObjectBytes: number;
  /** Per bucket per UTC day. */
  readonly dailyRestores: number;
  readonly dailyBytes: number;
  /** The fastest tier a caller may ask for; faster requests are lowered to it. */
  readonly maxTier: Tier;
  /** Restores per second across all workers. */
  readonly restoresPerSecond: number;
}

export const DEFAULT_LIMITS: Omit<CostLimits, 'allow'> = {
  maxObjectBytes: 5 * 2 ** 30,
  dailyRestores: 10_000,
  dailyBytes: 1 * 2 ** 40,
  maxTier: 'Standard',
  restoresPerSecond: 100,
};

const DAY_MS = 86_400_000;

export class CostPolicy implements RestorePolicy {
  /**
   * Admissions asked for in the same turn of the event loop (a coordinator works on many objects
   * at once) are decided together: one counter update for all of them, one refund for the refused.
   */
  private readonly admissions = new MicroBatcher<PendingAdmission, Admission>(async (batch) => {
    const admissions = await this.decide(batch.map((entry) => entry.item));
    for (const [i, entry] of batch.entries()) entry.resolve(admissions[i]!);
  });

  constructor(
    readonly limits: CostLimits,
    private readonly counters: CounterStore,
  ) {}

  inScope(ref: ObjectRef): boolean {
    return isAllowed(this.limits.allow, ref);
  }

  /** Lowers a requested tier to the fastest one allowed. Pure: also used before deciding. */
  clampRequest(request: RestoreRequest): RestoreRequest {
    return clampToMaxTier(request, this.limits.maxTier);
  }

  admit(ref: ObjectRef, object: { storageClass: ArchiveClass; sizeBytes: number }, wanted: ClassRestoreParams, nowMs: number): Promise<Admission> {
    if (object.sizeBytes > this.limits.maxObjectBytes) return Promise.resolve(refuse(RefusedReason.OBJECT_TOO_LARGE));
    const params = this.allowedParams(object.storageClass, wanted);
    if (!params) return Promise.resolve(refuse(RefusedReason.TIER_NOT_ALLOWED));
    return this.admissions.submit({ ref, sizeBytes: object.sizeBytes, params, nowMs });
  }

  /**
   * The class's parameters with the tier lowered to the fastest one allowed, or undefined when the
   * class has no tier that slow (DeepColdArchive has no Bulk).
   */
  private allowedParams(storageClass: ArchiveClass, wanted: ClassRestoreParams): ClassRestoreParams | undefined {
    return paramsWithinMaxTier(storageClass, wanted, this.limits.maxTier);
  }

  private async decide(batch: readonly PendingAdmission[]): Promise<Admission[]> {
    // Reserve everything asked for, then admit in order while the limits hold.
    const reserved = new Map<string, CounterValues>();
    const reserve = (name: string, restores: number, bytes: number) => {
      const current = reserved.get(name) ?? { restores: 0, bytes: 0 };
      reserved.set(name, { restores: current.restores + restores, bytes: current.bytes + bytes });
    };
    for (const item of batch) {
      reserve(rateCounter(item.nowMs), 1, 0);
      reserve(budgetCounter(item.ref.bucket, item.nowMs), 1, item.sizeBytes);
    }
    const names = [...reserved.keys()];
    const totals = await this.counters.addToCounters(names.map((name) => ({ name, deltas: reserved.get(name)! })));
    // What others had spent before our reservation; grows as we admit.
    const spent = new Map(
      names.map((name, i) => [name, { restores: totals[i]!.restores - reserved.get(name)!.restores, bytes: totals[i]!.bytes - reserved.get(name)!.bytes }]),
    );
    const refunds = new Map<string, CounterValues>();
    const refund = (name: string, restores: number, bytes: number) => {
      const current = refunds.get(name) ?? { restores: 0, bytes: 0 };
      refunds.set(name, { restores: current.restores - restores, bytes: current.bytes - bytes });
    };

    const admissions = batch.map((item): Admission => {
      const rateName = rateCounter(item.nowMs);
      const budgetName = budgetCounter(item.ref.bucket, item.nowMs);
      const rate = spent.get(rateName)!;
      const budget = spent.get(budgetName)!;
      const over =
        rate.restores + 1 > this.limits.restoresPerSecond
          ? DeferReason.RATE
          : budget.restores + 1 > this.limits.dailyRestores
            ? DeferReason.DAILY_RESTORES
            : budget.bytes + item.sizeBytes > this.limits.dailyBytes
              ? DeferReason.DAILY_BYTES
              : undefined;
      if (over) {
        refund(rateName, 1, 0);
        refund(budgetName, 1, item.sizeBytes);
        const retryAtMs = over === DeferReason.RATE ? (Math.floor(item.nowMs / 1000) + 1) * 1000 : startOfUtcDay(item.nowMs) + DAY_MS;
        return defer(over, retryAtMs);
      }
      rate.restores += 1;
      budget.restores += 1;
      budget.bytes += item.sizeBytes;
      return { admitted: true, params: item.params };
    });

    if (refunds.size > 0) {
      // A failed refund leaves the counters high: later callers are refused a little early,
      // never admitted past a limit. The admissions above stand either way.
      await this.counters.addToCounters([...refunds].map(([name, deltas]) => ({ name, deltas }))).catch(() => undefined);
    }
    return admissions;
  }
}

/** A requested tier faster than the fastest allowed is lowered to it. Pure: thaw restore's plan uses it too. */
export function clampToMaxTier(request: RestoreRequest, maxTier: Tier): RestoreRequest {
  if (request.tier && tierRank(request.tier) < tierRank(maxTier)) return { ...request, tier: maxTier };
  return request;
}

/**
 * A class's parameters with the tier lowered to the fastest one allowed, or undefined when the
 * class has no tier that slow (DeepColdArchive has no Bulk): then the policy refuses it.
 */
export function paramsWithinMaxTier(storageClass: ArchiveClass, wanted: ClassRestoreParams, maxTier: Tier): ClassRestoreParams | undefined {
  if (!wanted.tier || tierRank(wanted.tier) >= tierRank(maxTier)) return wanted;
  const slower = RESTORE_RULES[storageClass].tiers.find((t) => tierRank(t) >= tierRank(maxTier));
  return slower ? { ...wanted, tier: slower } : undefined;
}

interface PendingAdmission {
  readonly ref: ObjectRef;
  readonly sizeBytes: number;
  readonly params: ClassRestoreParams;
  readonly nowMs: number;
}

/** The counter of restores admitted in the second of `nowMs` (every bucket). */
export function rateCounter(nowMs: number): string {
  return `rate/${Math.floor(nowMs / 1000)}`;
}

/** The counter of a bucket's restores and bytes on the UTC day of `nowMs`. */
export function budgetCounter(bucket: string, nowMs: number): string {
  return `budget/${bucket}/${utcDay(nowMs)}`;
}

export const BUDGET_COUNTER_PREFIX = 'budget/';

/** YYYY-MM-DD of the UTC day: the budgets' day. */
export function utcDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

function defer(reason: DeferReason, retryAtMs: number): Admission {
  return { admitted: false, refusal: { kind: 'deferred', reason, retryAtMs } };
}

function refuse(reason: typeof RefusedReason.OBJECT_TOO_LARGE | typeof RefusedReason.TIER_NOT_ALLOWED): Admission {
  return { admitted: false, refusal: { kind: 'refused', reason } };
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}
