// Cost guards, enforced for every source of misses: the allow-list, a maximum object size, the
// longest Days and the fastest tier anyone may ask for, per-bucket daily budgets (restores, bytes,
// byte-days of temporary copies, new records; reset at 00:00 UTC), and a global rate limit below
// OSS's guidance of 500 restores/s.
//
// Budgets are counters (CounterStore): add first, then compare, and subtract back when over.
// Concurrent callers can briefly see a total above the limit and be refused at the margin; they
// can never both be admitted past it. Refusing too much is safe; spending too much is not.
// Size and tier refusals are REFUSED (not as asked); budget and rate refusals DEFERRED (not now).
import { MicroBatcher } from '../micro-batch';
import type { ObjectRef } from '../restore/object-ref';
import {
  type Admission,
  COUNTER_FIELDS,
  type CounterStore,
  type CounterValues,
  counterValues,
  type RecordAdmission,
  type RestorePolicy,
} from '../restore/ports';
import { DeferReason, RefusedReason } from '../restore/record';
import type { ClassRestoreParams, RestoreRequest } from '../restore/restore-request';
import { type ArchiveClass, RESTORE_RULES, type Tier, tierRank } from '../restore/storage-class';
import { type AllowList, isAllowed } from './allow-list';

export interface CostLimits {
  readonly allow: AllowList;
  /** Objects larger than this are never restored automatically. */
  readonly maxObjectBytes: number;
  /** The longest Days any restore asks for; longer requests are lowered to it (before the policy). */
  readonly maxDays: number;
  /** Per bucket per UTC day. */
  readonly dailyRestores: number;
  readonly dailyBytes: number;
  /**
   * Per bucket per UTC day: size × Days of the temporary copies restores make (ColdArchive and
   * DeepColdArchive; an Archive restore makes none). What a restore's copy costs follows it.
   */
  readonly dailyByteDays: number;
  /** Per bucket per UTC day: records created (every record is kept; a miss of a missing key makes one). */
  readonly dailyNewRecords: number;
  /** The fastest tier a caller may ask for; faster requests are lowered to it. */
  readonly maxTier: Tier;
  /** Restores per second across all workers. */
  readonly restoresPerSecond: number;
}

export const DEFAULT_LIMITS: Omit<CostLimits, 'allow'> = {
  maxObjectBytes: 5 * 2 ** 30,
  // A week: the longest an Archive restore may last, and 7 days of each cold copy at most.
  maxDays: 7,
  dailyRestores: 10_000,
  dailyBytes: 1 * 2 ** 40,
  // One day of copies as large as the day's byte budget: at the default Days (1) the two budgets
  // bind together; a caller asking for longer copies gets proportionally fewer bytes.
  dailyByteDays: 1 * 2 ** 40,
  // Twice the restores: room for the day's restores and as many misses that turn out missing,
  // not archived or deferred.
  dailyNewRecords: 20_000,
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

  /** New-record admissions of one turn, decided together like restores. */
  private readonly recordAdmissions = new MicroBatcher<{ ref: ObjectRef; nowMs: number }, RecordAdmission>(async (batch) => {
    const admissions = await this.decideNewRecords(batch.map((entry) => entry.item));
    for (const [i, entry] of batch.entries()) entry.resolve(admissions[i]!);
  });

  constructor(
    readonly limits: CostLimits,
    private readonly counters: CounterStore,
  ) {}

  inScope(ref: ObjectRef): boolean {
    return isAllowed(this.limits.allow, ref);
  }

  /** Lowers requested Days and tier to the longest and fastest allowed. Pure: also used before deciding. */
  clampRequest(request: RestoreRequest): RestoreRequest {
    return clampRequest(request, this.limits);
  }

  admitNewRecord(ref: ObjectRef, nowMs: number): Promise<RecordAdmission> {
    return this.recordAdmissions.submit({ ref, nowMs });
  }

  admit(ref: ObjectRef, object: { storageClass: ArchiveClass; sizeBytes: number }, wanted: ClassRestoreParams, nowMs: number): Promise<Admission> {
    if (object.sizeBytes > this.limits.maxObjectBytes) return Promise.resolve(refuse(RefusedReason.OBJECT_TOO_LARGE));
    const params = this.allowedParams(object.storageClass, wanted);
    if (!params) return Promise.resolve(refuse(RefusedReason.TIER_NOT_ALLOWED));
    return this.admissions.submit({
      ref,
      sizeBytes: object.sizeBytes,
      byteDays: byteDaysOf(object.storageClass, object.sizeBytes, params.days),
      params,
      nowMs,
    });
  }

  /**
   * The class's parameters with the tier lowered to the fastest one allowed, or undefined when the
   * class has no tier that slow (DeepColdArchive has no Bulk).
   */
  private allowedParams(storageClass: ArchiveClass, wanted: ClassRestoreParams): ClassRestoreParams | undefined {
    // Days were lowered before the policy (clampRequest); a running restore's Days a raise
    // re-sends may predate the limit, so they are held to it here too.
    const params = paramsWithinMaxTier(storageClass, wanted, this.limits.maxTier);
    return params && params.days > this.limits.maxDays ? { ...params, days: Math.max(1, this.limits.maxDays) } : params;
  }

  private async decide(batch: readonly PendingAdmission[]): Promise<Admission[]> {
    // Reserve everything asked for, then admit in order while the limits hold.
    const reserved = new Tally();
    for (const item of batch) {
      reserved.add(rateCounter(item.nowMs), { restores: 1 });
      reserved.add(budgetCounter(item.ref.bucket, item.nowMs), { restores: 1, bytes: item.sizeBytes, byteDays: item.byteDays });
    }
    // What others had spent before our reservation; grows as we admit.
    const spent = await this.reserve(reserved);
    const refunds = new Tally();

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
              : budget.byteDays + item.byteDays > this.limits.dailyByteDays
                ? DeferReason.DAILY_BYTE_DAYS
                : undefined;
      if (over) {
        refunds.add(rateName, { restores: -1 });
        refunds.add(budgetName, { restores: -1, bytes: -item.sizeBytes, byteDays: -item.byteDays });
        const retryAtMs = over === DeferReason.RATE ? (Math.floor(item.nowMs / 1000) + 1) * 1000 : startOfUtcDay(item.nowMs) + DAY_MS;
        return defer(over, retryAtMs);
      }
      spent.set(rateName, counterValues({ ...rate, restores: rate.restores + 1 }));
      const after = counterValues({
        ...budget,
        restores: budget.restores + 1,
        bytes: budget.bytes + item.sizeBytes,
        byteDays: budget.byteDays + item.byteDays,
      });
      spent.set(budgetName, after);
      return { admitted: true, params: item.params, budgetUsePct: this.budgetUsePct(after) };
    });
    await this.refund(refunds);
    return admissions;
  }

  private async decideNewRecords(batch: readonly { ref: ObjectRef; nowMs: number }[]): Promise<RecordAdmission[]> {
    const reserved = new Tally();
    for (const item of batch) reserved.add(budgetCounter(item.ref.bucket, item.nowMs), { newRecords: 1 });
    const spent = await this.reserve(reserved);
    const refunds = new Tally();
    const admissions = batch.map((item): RecordAdmission => {
      const name = budgetCounter(item.ref.bucket, item.nowMs);
      const budget = spent.get(name)!;
      if (budget.newRecords + 1 > this.limits.dailyNewRecords) {
        refunds.add(name, { newRecords: -1 });
        return { admitted: false, retryAtMs: startOfUtcDay(item.nowMs) + DAY_MS };
      }
      spent.set(name, counterValues({ ...budget, newRecords: budget.newRecords + 1 }));
      return { admitted: true };
    });
    await this.refund(refunds);
    return admissions;
  }

  /** The most used of a bucket's daily restore budgets, in whole percent (rounded up: 80% means at least 80). */
  private budgetUsePct(used: CounterValues): number {
    const share = (spent: number, limit: number) => (limit > 0 ? spent / limit : 1);
    const most = Math.max(
      share(used.restores, this.limits.dailyRestores),
      share(used.bytes, this.limits.dailyBytes),
      share(used.byteDays, this.limits.dailyByteDays),
    );
    return Math.min(100, Math.ceil(most * 100));
  }

  /** Adds the reservation to the counters; answers what was spent before it, per counter. */
  private async reserve(reserved: Tally): Promise<Map<string, CounterValues>> {
    const updates = reserved.updates();
    const totals = await this.counters.addToCounters(updates);
    return new Map(
      updates.map(({ name, deltas }, i) => [name, counterValues(Object.fromEntries(COUNTER_FIELDS.map((f) => [f, totals[i]![f] - (deltas[f] ?? 0)])))]),
    );
  }

  private async refund(refunds: Tally): Promise<void> {
    const updates = refunds.updates();
    if (updates.length === 0) return;
    // A failed refund leaves the counters high: later callers are refused a little early,
    // never admitted past a limit. The admissions stand either way.
    await this.counters.addToCounters(updates).catch(() => undefined);
  }
}

/** Deltas per counter name, added up (one update per counter per call). */
class Tally {
  private readonly byName = new Map<string, CounterValues>();

  add(name: string, deltas: Partial<CounterValues>): void {
    const current = this.byName.get(name) ?? counterValues();
    this.byName.set(name, counterValues(Object.fromEntries(COUNTER_FIELDS.map((f) => [f, current[f] + (deltas[f] ?? 0)]))));
  }

  updates(): { name: string; deltas: CounterValues }[] {
    return [...this.byName].map(([name, deltas]) => ({ name, deltas }));
  }
}

/**
 * Requested Days longer than THAW_MAX_DAYS and a tier faster than THAW_MAX_TIER are lowered to
 * them. Pure: the API reports what it lowered, and thaw restore's plan uses it too.
 */
export function clampRequest(request: RestoreRequest, limits: Pick<CostLimits, 'maxDays' | 'maxTier'>): RestoreRequest {
  const days = request.days !== undefined && request.days > limits.maxDays ? limits.maxDays : request.days;
  const tier = request.tier && tierRank(request.tier) < tierRank(limits.maxTier) ? limits.maxTier : request.tier;
  return days === request.days && tier === request.tier ? request : { ...request, ...(days === undefined ? {} : { days }), ...(tier ? { tier } : {}) };
}

/**
 * What a restore's temporary copy costs, as the budget counts it: size × Days for ColdArchive and
 * DeepColdArchive, whose restores make a Standard copy billed until it expires (OSS "Restore
 * objects": "If you restore Cold Archive or Deep Cold Archive objects, temporary storage fees are
 * also incurred"); 0 for Archive, which makes none.
 */
export function byteDaysOf(storageClass: ArchiveClass, sizeBytes: number, days: number): number {
  return storageClass === 'Archive' ? 0 : sizeBytes * days;
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
  readonly byteDays: number;
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
