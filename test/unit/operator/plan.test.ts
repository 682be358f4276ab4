import { describe, expect, it } from 'vitest';
import { parseAllowList } from '../../../lib/policy/allow-list';
import { type DeploymentLimits, type ListedObject, planRestore, restoreCost } from '../../../lib/operator/plan';
import { DEFAULT_PRICES, validatePriceTable } from '../../../lib/operator/prices';
import { T0 } from '../../support/records';

const GIB = 2 ** 30;
const LIMITS: DeploymentLimits = {
  allow: parseAllowList('bkt'),
  maxObjectBytes: 10 * GIB,
  maxDays: 365,
  maxTier: 'Standard',
  defaults: { days: 1, tier: 'Standard' },
  restoresLeft: 10_000,
  bytesLeft: 2 ** 40,
  byteDaysLeft: 2 ** 50,
  restoresPerSecond: 100,
  timeScale: 1,
};
const o = (
  key: string,
  storageClass: ListedObject['storageClass'],
  sizeBytes: number,
  restore: ListedObject['restore'] = 'frozen',
  expiresAtMs?: number,
): ListedObject => ({
  key,
  storageClass,
  sizeBytes,
  restore,
  ...(expiresAtMs === undefined ? {} : { expiresAtMs }),
});
const plan = (objects: ListedObject[], limits: Partial<DeploymentLimits> = {}, request = {}) =>
  planRestore({ bucket: 'bkt', objects, request, limits: { ...LIMITS, ...limits }, prices: DEFAULT_PRICES, nowMs: T0 });

describe('planRestore', () => {
  it('counts per class and tier, with the tier the class and THAW_MAX_TIER allow', () => {
    const p = plan([o('a', 'ColdArchive', GIB), o('b', 'ColdArchive', GIB), o('c', 'DeepColdArchive', 2 * GIB), o('d', 'Archive', 100)], {}, { tier: 'Bulk' });
    expect(p.lines.map((l) => [l.storageClass, l.tier ?? null, l.objects, l.bytes, l.toRestore, l.restoreMs])).toEqual([
      ['Archive', null, 1, 100, 1, 60_000],
      ['ColdArchive', 'Bulk', 2, 2 * GIB, 2, 12 * 3_600_000],
      // DeepColdArchive has no Bulk: its default tier.
      ['DeepColdArchive', 'Standard', 1, 2 * GIB, 1, 48 * 3_600_000],
    ]);
    expect(p.submit.map((x) => x.key)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('lowers a tier faster than THAW_MAX_TIER, as the policy does', () => {
    const p = plan([o('a', 'ColdArchive', GIB)], { maxTier: 'Standard' }, { tier: 'Expedited' });
    expect(p.lines[0]!.tier).toBe('Standard');
  });

  it('sets aside what needs no restore and what the policy would refuse', () => {
    const p = plan(
      [
        o('std', 'Standard', 5),
        o('ia', 'IA', 7),
        o('running', 'ColdArchive', GIB, 'restoring'),
        o('done', 'ColdArchive', GIB, 'restored', T0 + 3_600_000),
        o('expired', 'ColdArchive', GIB, 'restored', T0 - 1),
        o('huge', 'ColdArchive', 11 * GIB),
      ],
      { allow: parseAllowList('bkt') },
    );
    expect(p.notArchived).toEqual({ objects: 2, bytes: 12 });
    expect(p.refused).toEqual({ outOfScope: 0, objectTooLarge: 1, tierNotAllowed: 0 });
    expect(p.lines[0]).toMatchObject({ objects: 3, restoring: 1, restored: 1, toRestore: 1 });
    expect(p.submit.map((x) => x.key)).toEqual(['running', 'done', 'expired']);
  });

  it('refuses what the allow-list leaves out and a DeepColdArchive object when only Bulk is allowed', () => {
    const p = plan([o('in/a', 'ColdArchive', 1), o('out/b', 'ColdArchive', 1), o('in/deep', 'DeepColdArchive', 1)], {
      allow: parseAllowList('bkt/in/'),
      maxTier: 'Bulk',
    });
    expect(p.refused).toEqual({ outOfScope: 1, objectTooLarge: 0, tierNotAllowed: 1 });
    expect(p.submit.map((x) => x.key)).toEqual(['in/a']);
  });

  it("leaves for later days what today's budget cannot take, restores or bytes", () => {
    expect(plan([o('a', 'Archive', 1), o('b', 'Archive', 1), o('c', 'Archive', 1)], { restoresLeft: 2 }).laterDays).toBe(1);
    expect(plan([o('a', 'Archive', 60), o('b', 'Archive', 60)], { bytesLeft: 100 }).laterDays).toBe(1);
    // A running restore costs no budget.
    expect(plan([o('a', 'Archive', 1, 'restoring'), o('b', 'Archive', 1)], { restoresLeft: 1 }).laterDays).toBe(0);
  });

  it('prices retrieval per GB, per request and the temporary copy for its days', () => {
    // 10 GiB ColdArchive Standard for 3 days: 0.06 × 10 + 3 / 10,000 + 0.12 × 10 × 3 / 30.
    const p = plan([o('a', 'ColdArchive', 10 * GIB)], {}, { days: 3 });
    expect(p.cost).toBeCloseTo(0.6 + 0.0003 + 0.12, 10);
    expect(p.costUnknownFor).toEqual([]);
    expect(restoreCost(DEFAULT_PRICES, 'ColdArchive', 'Expedited', GIB, 30)).toBeCloseTo(0.2 + 0.003 + 0.12, 10);
  });

  it('says a price is unknown rather than guessing it', () => {
    const p = plan([o('a', 'Archive', GIB), o('b', 'ColdArchive', GIB)]);
    expect(p.costUnknownFor).toEqual(['Archive/none']);
    expect(p.cost).toBeCloseTo(0.06 + 0.0003 + 0.004, 10);
  });

  it('takes the pace below the rate limit, and ETAs scaled as the deployment scales them', () => {
    const p = plan(
      Array.from({ length: 180 }, (_, i) => o(`k${i}`, 'ColdArchive', 1)),
      { restoresPerSecond: 100, timeScale: 60 },
    );
    expect(p.submitMs).toBe(2000);
    expect(p.lines[0]!.restoreMs).toBe(5 * 60_000);
  });
});

describe('price tables', () => {
  it('reads a table of the default shape, unknown prices as null', () => {
    const t = validatePriceTable(
      { currency: 'USD', retrieval: { ColdArchive: { Standard: { perGB: 0.01, per10kRequests: 0.5 } } }, temporaryCopyPerGBMonth: 0.02 },
      'x',
    );
    expect(t.retrieval.ColdArchive.Standard).toEqual({ perGB: 0.01, per10kRequests: 0.5 });
    expect(t.retrieval.Archive.none).toEqual({ perGB: null, per10kRequests: null });
  });

  it.each([
    ['no currency', { retrieval: {} }, /currency/],
    ['a negative price', { currency: 'CNY', retrieval: { Archive: { none: { perGB: -1, per10kRequests: 0 } } } }, /retrieval.Archive.none.perGB/],
    ['a price that is text', { currency: 'CNY', temporaryCopyPerGBMonth: 'cheap' }, /temporaryCopyPerGBMonth/],
  ])('refuses %s, naming the field', (_label, raw, message) => {
    expect(() => validatePriceTable(raw, '--prices p.json')).toThrow(message);
  });
});
