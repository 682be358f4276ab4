// Cost guards, enforced for every source of misses: the allow-list, a maximum object size,
// per-bucket daily budgets (restores and bytes, reset at 00:00 UTC), the fastest tier callers may
// ask for, and a global rate limit below OSS's guidance of 500 restores/s.
//
// Budgets are counters in the StateStore: add first, then compare, and subtract back when over.
// Concurrent callers can briefly see a total above the limit and be refused at the margin; they
// can never both be admitted past it. Refusing too much is safe; spending too much is not.
import type { Admission, CounterValues, RestorePolicy, StateStore } from '../restore/ports';
import type { ObjectRef } from '../restore/object-ref';
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

/** Why a restore was deferred; the HTTP edge maps these to statuses. */
export const DeferReason = {
  OBJECT_TOO_LARGE: 'object-too-large',
  DAILY_RESTORES: 'daily-restore-budget',
  DAILY_BYTES: 'daily-byte-budget',
  RATE: 'rate-limit',
  TIER_NOT_ALLOWED: 'tier-not-allowed',
} as const;
export type DeferReason = (typeof DeferReason)[keyof typeof DeferReason];

const DAY_MS = 86_400_000;

export class CostPolicy implements RestorePolicy {
  private queue: PendingAdmission[] = [];
  private flushScheduled = false;

  constructor(
    private readonly limits: CostLimits,
    private readonly counters: Pick<StateStore, 'addToCounters'>,
  ) {}

  inScope(ref: ObjectRef): boolean {
    return isAllowed(this.limits.allow, ref);
  }

  /** Lowers a requested tier to the fastest one allowed. Pure: also used before deciding. */
  clampRequest(request: RestoreRequest): RestoreRequest {
    if (request.tier && tierRank(request.tier) < tierRank(this.limits.maxTier)) return { ...request, tier: this.limits.maxTier };
    return request;
  }

  /**
   * Admissions asked for in the same turn of the event loop (a coordinator works on many objects
   * at once) are decided together: one counter update for all of them, one refund for the refused.
   */
  admit(ref: ObjectRef, object: { storageClass: ArchiveClass; sizeBytes: number }, wanted: ClassRestoreParams, nowMs: number): Promise<Admission> {
    if (object.sizeBytes > this.limits.maxObjectBytes) {
      return Promise.resolve(refuse(DeferReason.OBJECT_TOO_LARGE, startOfUtcDay(nowMs) + DAY_MS));
    }
    const params = this.allowedParams(object.storageClass, wanted);
    if (!params) return Promise.resolve(refuse(DeferReason.TIER_NOT_ALLOWED, startOfUtcDay(nowMs) + DAY_MS));
    return new Promise((resolve, reject) => {
      this.queue.push({ ref, sizeBytes: object.sizeBytes, params, nowMs, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /**
   * The class's parameters with the tier lowered to the fastest one allowed, or undefined when the
   * class has no tier that slow (DeepColdArchive has no Bulk).
   */
  private allowedParams(storageClass: ArchiveClass, wanted: ClassRestoreParams): ClassRestoreParams | undefined {
    if (!wanted.tier || tierRank(wanted.tier) >= tierRank(this.limits.maxTier)) return wanted;
    const slower = RESTORE_RULES[storageClass].tiers.find((t) => tierRank(t) >= tierRank(this.limits.maxTier));
    return slower ? { ...wanted, tier: slower } : undefined;
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.flushScheduled = false;
    try {
      const admissions = await this.decide(batch);
      for (const [i, item] of batch.entries()) item.resolve(admissions[i]!);
    } catch (err) {
      for (const item of batch) item.reject(err);
    }
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
        return refuse(over, retryAtMs);
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

interface PendingAdmission {
  readonly ref: ObjectRef;
  readonly sizeBytes: number;
  readonly params: ClassRestoreParams;
  readonly nowMs: number;
  resolve(admission: Admission): void;
  reject(error: unknown): void;
}

function rateCounter(nowMs: number): string {
  return `rate/${Math.floor(nowMs / 1000)}`;
}

function budgetCounter(bucket: string, nowMs: number): string {
  return `budget/${bucket}/${new Date(nowMs).toISOString().slice(0, 10)}`;
}

function refuse(reason: DeferReason, retryAtMs: number): Admission {
  return { admitted: false, reason, retryAtMs };
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}
