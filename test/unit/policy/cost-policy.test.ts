import { describe, expect, it } from 'vitest';
import { parseAllowList, isAllowed } from '../../../lib/policy/allow-list';
import { type CostLimits, CostPolicy, DEFAULT_LIMITS } from '../../../lib/policy/cost-policy';
import type { Admission } from '../../../lib/restore/ports';
import { MemoryCounterStore } from '../../../lib/store/memory';
import { ref, T0 } from '../../support/records';

const GIB = 2 ** 30;
const ONE_DAY = { days: 1 } as const;

function policy(limits: Partial<CostLimits> = {}) {
  const store = new MemoryCounterStore();
  return { store, policy: new CostPolicy({ ...DEFAULT_LIMITS, allow: '*', ...limits }, store) };
}

/** A refusal in one line, e.g. "deferred daily-restore-budget +86400000", for readable tables. */
const said = (a: Admission) =>
  a.admitted ? 'yes' : a.refusal.kind === 'deferred' ? `deferred ${a.refusal.reason} +${a.refusal.retryAtMs - T0}` : `refused ${a.refusal.reason}`;

const counter = async (store: MemoryCounterStore, name: string) => (await store.addToCounters([{ name, deltas: {} }]))[0];

describe('CostPolicy', () => {
  it('admits concurrent requests up to the daily restore budget and refunds the rest', async () => {
    const { store, policy: p } = policy({ dailyRestores: 3 });
    const admissions = await Promise.all(Array.from({ length: 5 }, (_, i) => p.admit(ref(`k${i}`), { storageClass: 'Archive', sizeBytes: 10 }, ONE_DAY, T0)));
    expect(admissions.map((a) => a.admitted)).toEqual([true, true, true, false, false]);
    expect(admissions[3]).toEqual({ admitted: false, refusal: { kind: 'deferred', reason: 'daily-restore-budget', retryAtMs: T0 + 86_400_000 } });
    expect(await counter(store, 'budget/thaw-test/2026-01-01')).toEqual({ restores: 3, bytes: 30, byteDays: 0, newRecords: 0 });
    // Each admission says how much of the bucket's tightest daily budget it leaves used (the logs carry it).
    expect(admissions.slice(0, 3).map((a) => a.admitted && a.budgetUsePct)).toEqual([34, 67, 100]);
  });

  it('reports the most used of the daily budgets, rounded up', async () => {
    const { policy: p } = policy({ dailyRestores: 100, dailyBytes: 10 * GIB, dailyByteDays: 100 * GIB });
    const first = await p.admit(ref('a'), { storageClass: 'ColdArchive', sizeBytes: 2 * GIB }, { days: 1, tier: 'Standard' }, T0);
    const second = await p.admit(ref('b'), { storageClass: 'ColdArchive', sizeBytes: 1 }, { days: 1, tier: 'Standard' }, T0);
    expect([first.admitted && first.budgetUsePct, second.admitted && second.budgetUsePct]).toEqual([20, 21]);
  });

  it('skips an object that would break the byte budget but admits a smaller one after it', async () => {
    const { policy: p } = policy({ dailyBytes: 10 * GIB, maxObjectBytes: 100 * GIB });
    const admissions = await Promise.all([
      p.admit(ref('a'), { storageClass: 'ColdArchive', sizeBytes: 6 * GIB }, ONE_DAY, T0),
      p.admit(ref('b'), { storageClass: 'ColdArchive', sizeBytes: 5 * GIB }, ONE_DAY, T0),
      p.admit(ref('c'), { storageClass: 'ColdArchive', sizeBytes: 4 * GIB }, ONE_DAY, T0),
    ]);
    expect(admissions.map(said)).toEqual(['yes', 'deferred daily-byte-budget +86400000', 'yes']);
  });

  it('counts what other workers spent before', async () => {
    const { store, policy: p } = policy({ dailyRestores: 10 });
    await store.addToCounters([{ name: 'budget/thaw-test/2026-01-01', deltas: { restores: 9, bytes: 0 } }]);
    const admissions = await Promise.all([
      p.admit(ref('a'), { storageClass: 'Archive', sizeBytes: 1 }, ONE_DAY, T0),
      p.admit(ref('b'), { storageClass: 'Archive', sizeBytes: 1 }, ONE_DAY, T0),
    ]);
    expect(admissions.map((a) => a.admitted)).toEqual([true, false]);
  });

  it('keeps budgets per bucket and per UTC day', async () => {
    const { policy: p } = policy({ dailyRestores: 1 });
    const first = await p.admit(ref('a'), { storageClass: 'Archive', sizeBytes: 1 }, ONE_DAY, T0);
    const otherBucket = await p.admit(ref('a', 'thaw-other'), { storageClass: 'Archive', sizeBytes: 1 }, ONE_DAY, T0);
    const sameDay = await p.admit(ref('b'), { storageClass: 'Archive', sizeBytes: 1 }, ONE_DAY, T0 + 86_399_999);
    const nextDay = await p.admit(ref('c'), { storageClass: 'Archive', sizeBytes: 1 }, ONE_DAY, T0 + 86_400_000);
    expect([first, otherBucket, sameDay, nextDay].map((a) => a.admitted)).toEqual([true, true, false, true]);
  });

  it('limits restores per second across workers, retrying at the next second', async () => {
    const { policy: p } = policy({ restoresPerSecond: 2 });
    const admissions = await Promise.all(
      Array.from({ length: 3 }, (_, i) => p.admit(ref(`r${i}`), { storageClass: 'Archive', sizeBytes: 1 }, ONE_DAY, T0 + 500)),
    );
    expect(admissions.map(said)).toEqual(['yes', 'yes', 'deferred rate-limit +1000']);
  });

  it('refuses (not defers) objects over the size limit, without touching the counters', async () => {
    const { store, policy: p } = policy({ maxObjectBytes: 100 });
    expect(await p.admit(ref('big'), { storageClass: 'Archive', sizeBytes: 101 }, ONE_DAY, T0)).toEqual({
      admitted: false,
      refusal: { kind: 'refused', reason: 'object-too-large' },
    });
    expect(await counter(store, 'budget/thaw-test/2026-01-01')).toEqual({ restores: 0, bytes: 0, byteDays: 0, newRecords: 0 });
  });

  it('lowers a tier above the fastest one allowed, and keeps slower ones', async () => {
    const { policy: p } = policy({ maxTier: 'Standard' });
    expect(p.clampRequest({ tier: 'Expedited', days: 3 })).toEqual({ tier: 'Standard', days: 3 });
    expect(p.clampRequest({ tier: 'Bulk' })).toEqual({ tier: 'Bulk' });
    expect(await p.admit(ref('x'), { storageClass: 'ColdArchive', sizeBytes: 1 }, { days: 2, tier: 'Expedited' }, T0)).toEqual({
      admitted: true,
      params: { days: 2, tier: 'Standard' },
      budgetUsePct: 1,
    });
  });

  // Days are chosen by callers and each day of a cold copy is billed, so the copies'
  // size × Days is a budget of its own, and no caller asks for more than THAW_MAX_DAYS.
  it('counts size × Days of cold copies against the daily byte-day budget; Archive makes no copy', async () => {
    const { store, policy: p } = policy({ dailyByteDays: 10 * GIB, maxObjectBytes: 100 * GIB, maxDays: 365 });
    const admissions = await Promise.all([
      p.admit(ref('week'), { storageClass: 'ColdArchive', sizeBytes: 1 * GIB }, { days: 7, tier: 'Standard' }, T0),
      p.admit(ref('long'), { storageClass: 'DeepColdArchive', sizeBytes: 1 * GIB }, { days: 4, tier: 'Standard' }, T0),
      p.admit(ref('day'), { storageClass: 'ColdArchive', sizeBytes: 3 * GIB }, { days: 1, tier: 'Standard' }, T0),
      p.admit(ref('archive'), { storageClass: 'Archive', sizeBytes: 50 * GIB }, { days: 7 }, T0),
    ]);
    expect(admissions.map(said)).toEqual(['yes', 'deferred daily-byte-day-budget +86400000', 'yes', 'yes']);
    expect(await counter(store, 'budget/thaw-test/2026-01-01')).toEqual({ restores: 3, bytes: 54 * GIB, byteDays: 10 * GIB, newRecords: 0 });
  });

  it('lowers Days above THAW_MAX_DAYS before the policy, and holds a running restore’s Days to it too', async () => {
    const { policy: p } = policy({ maxDays: 7, maxTier: 'Expedited' });
    expect(p.clampRequest({ days: 100, tier: 'Expedited' })).toEqual({ days: 7, tier: 'Expedited' });
    expect(p.clampRequest({ days: 7 })).toEqual({ days: 7 });
    expect(p.clampRequest({})).toEqual({});
    expect(await p.admit(ref('old'), { storageClass: 'ColdArchive', sizeBytes: 1 }, { days: 30, tier: 'Standard' }, T0)).toEqual({
      admitted: true,
      params: { days: 7, tier: 'Standard' },
      budgetUsePct: 1,
    });
  });

  it('admits new records up to the bucket’s daily budget, refunding the rest, per bucket and UTC day', async () => {
    const { store, policy: p } = policy({ dailyNewRecords: 2 });
    const today = await Promise.all(['a', 'b', 'c'].map((k) => p.admitNewRecord(ref(k), T0 + 1000)));
    expect(today).toEqual([{ admitted: true }, { admitted: true }, { admitted: false, retryAtMs: T0 + 86_400_000 }]);
    expect(await p.admitNewRecord(ref('a', 'thaw-other'), T0)).toEqual({ admitted: true });
    expect(await p.admitNewRecord(ref('d'), T0 + 86_400_000)).toEqual({ admitted: true });
    expect(await counter(store, 'budget/thaw-test/2026-01-01')).toEqual({ restores: 0, bytes: 0, byteDays: 0, newRecords: 2 });
  });

  it.each([
    ['ColdArchive', 'Standard', { admitted: true, params: { days: 1, tier: 'Bulk' }, budgetUsePct: 1 }],
    ['ColdArchive', 'Bulk', { admitted: true, params: { days: 1, tier: 'Bulk' }, budgetUsePct: 1 }],
    ['DeepColdArchive', 'Standard', { admitted: false, refusal: { kind: 'refused', reason: 'tier-not-allowed' } }],
    ['Archive', undefined, { admitted: true, params: { days: 1 }, budgetUsePct: 1 }],
  ] as const)('with only Bulk allowed, %s at %s → %j', async (storageClass, tier, expected) => {
    const { policy: p } = policy({ maxTier: 'Bulk' });
    expect(await p.admit(ref(`t-${storageClass}`), { storageClass, sizeBytes: 1 }, tier ? { days: 1, tier } : { days: 1 }, T0)).toEqual(expected);
  });
});

describe('allow-list', () => {
  it.each([
    ['thaw-demo', 'thaw-demo', 'any/key', true],
    ['thaw-demo', 'thaw-other', 'any/key', false],
    ['thaw-demo/logs/', 'thaw-demo', 'logs/2024.gz', true],
    ['thaw-demo/logs/', 'thaw-demo', 'data/2024.gz', false],
    ['thaw-demo/logs/, thaw-other', 'thaw-other', 'x', true],
    ['*', 'anything-at-all', 'x', true],
    ['', 'thaw-demo', 'x', false],
  ])('"%s" allows %s/%s: %s', (text, bucket, key, expected) => {
    expect(isAllowed(parseAllowList(text), { bucket, key, versionId: '' })).toBe(expected);
  });

  it('names a bad entry', () => {
    expect(() => parseAllowList('thaw-demo, Bad_Bucket/x')).toThrow('allow-list entry "Bad_Bucket/x"');
  });
});
