// What the budgets have spent today and what the rate limit is doing this second, read from the
// same counters the policy admits restores with (cost-policy.ts names them), so the figures an
// operator sees are the figures that decide the next restore.
import { type CounterStore, type CounterValues, counterValues } from '../restore/ports';
import { BUDGET_COUNTER_PREFIX, budgetCounter, type CostLimits, rateCounter, startOfUtcDay, utcDay } from './cost-policy';

const DAY_MS = 86_400_000;

/** Budget counters read per usage call at most: a bucket has one per day for the counters' TTL. */
const MAX_BUDGET_COUNTERS = 2000;

export interface BucketUsage {
  readonly bucket: string;
  readonly restoresToday: number;
  readonly bytesToday: number;
  /** Size × Days of the temporary copies admitted today. */
  readonly byteDaysToday: number;
  /** Records created today. */
  readonly newRecordsToday: number;
  readonly restoresLeft: number;
  readonly bytesLeft: number;
  readonly byteDaysLeft: number;
  readonly newRecordsLeft: number;
}

export interface Usage {
  /** The budgets' UTC day and when it ends (the budgets start again). */
  readonly day: string;
  readonly resetsAtMs: number;
  readonly rateLimit: { readonly restoresPerSecond: number; readonly thisSecond: number };
  /** Every bucket with restores today, every bucket the allow-list names, and any asked for. */
  readonly buckets: readonly BucketUsage[];
}

export async function readUsage(counters: CounterStore, limits: CostLimits, nowMs: number, alsoBuckets: readonly string[] = []): Promise<Usage> {
  const day = utcDay(nowMs);
  const [budgets, rate] = await Promise.all([counters.listCounters(BUDGET_COUNTER_PREFIX, MAX_BUDGET_COUNTERS), counters.listCounters(rateCounter(nowMs), 2)]);
  const spent = new Map<string, CounterValues>();
  for (const { name, values } of budgets) {
    // budget/<bucket>/<day>: a bucket name holds no "/".
    const [, bucket, counterDay] = name.split('/');
    if (bucket && counterDay === day && name === budgetCounter(bucket, nowMs)) spent.set(bucket, values);
  }
  const named = limits.allow === '*' ? [] : limits.allow.map((e) => e.bucket);
  const buckets = [...new Set([...spent.keys(), ...named, ...alsoBuckets])].sort();
  return {
    day,
    resetsAtMs: startOfUtcDay(nowMs) + DAY_MS,
    rateLimit: { restoresPerSecond: limits.restoresPerSecond, thisSecond: rate.find((c) => c.name === rateCounter(nowMs))?.values.restores ?? 0 },
    buckets: buckets.map((bucket) => {
      const used = spent.get(bucket) ?? counterValues();
      return {
        bucket,
        restoresToday: used.restores,
        bytesToday: used.bytes,
        byteDaysToday: used.byteDays,
        newRecordsToday: used.newRecords,
        restoresLeft: Math.max(0, limits.dailyRestores - used.restores),
        bytesLeft: Math.max(0, limits.dailyBytes - used.bytes),
        byteDaysLeft: Math.max(0, limits.dailyByteDays - used.byteDays),
        newRecordsLeft: Math.max(0, limits.dailyNewRecords - used.newRecords),
      };
    }),
  };
}
