// Cost guards, enforced for every source of misses: the allow-list, a maximum object size,
// per-bucket daily budgets (restores and bytes, reset at 00:00 UTC), the fastest tier callers may
// ask for, and a global rate limit below OSS's guidance of 500 restores/s.
//
// Budgets are counters in the StateStore: add first, then compare, and subtract back when over.
// Concurrent callers can briefly see a total above the limit and be refused at the margin; they
// can never both be admitted past it. Refusing too much is safe; spending too much is not.
import type { Admission, CounterValues, RestorePolicy, StateStore } from '../restore/ports';
import type { ObjectRef } from '../restore/object-ref';
import type { RestoreRequest } from '../restore/restore-request';
import { type ArchiveClass, type Tier, tierRank } from '../restore/storage-class';
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
} as const;
export type DeferReason = (typeof DeferReason)[keyof typeof DeferReason];

const DAY_MS = 86_400_000;

export class CostPolicy implements RestorePolicy {
  constructor(
    private readonly limits: CostLimits,
    private readonly counters: Pick<StateStore, 'addToCounter'>,
  ) {}

  inScope(ref: ObjectRef): boolean {
    return isAllowed(this.limits.allow, ref);
  }

  /** Lowers a requested tier to the fastest one allowed. Pure: also used before deciding. */
  clampRequest(request: RestoreRequest): RestoreRequest {
    if (request.tier && tierRank(request.tier) < tierRank(this.limits.maxTier)) return { ...request, tier: this.limits.maxTier };
    return request;
  }

  async admit(ref: ObjectRef, object: { storageClass: ArchiveClass; sizeBytes: number }, request: RestoreRequest, nowMs: number): Promise<Admission> {
    const nextDay = startOfUtcDay(nowMs) + DAY_MS;
    if (object.sizeBytes > this.limits.maxObjectBytes) {
      return refuse(DeferReason.OBJECT_TOO_LARGE, nextDay);
    }

    const second = Math.floor(nowMs / 1000);
    const rate = await this.counters.addToCounter(`rate/${second}`, { restores: 1, bytes: 0 });
    if (rate.restores > this.limits.restoresPerSecond) {
      await this.counters.addToCounter(`rate/${second}`, { restores: -1, bytes: 0 });
      return refuse(DeferReason.RATE, (second + 1) * 1000);
    }

    const day = new Date(nowMs).toISOString().slice(0, 10);
    const name = `budget/${ref.bucket}/${day}`;
    const cost: CounterValues = { restores: 1, bytes: object.sizeBytes };
    const spent = await this.counters.addToCounter(name, cost);
    const over =
      spent.restores > this.limits.dailyRestores ? DeferReason.DAILY_RESTORES : spent.bytes > this.limits.dailyBytes ? DeferReason.DAILY_BYTES : undefined;
    if (over) {
      await this.counters.addToCounter(name, { restores: -cost.restores, bytes: -cost.bytes });
      return refuse(over, nextDay);
    }
    return { admitted: true, request: this.clampRequest(request) };
  }
}

function refuse(reason: DeferReason, retryAtMs: number): Admission {
  return { admitted: false, reason, retryAtMs };
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}
