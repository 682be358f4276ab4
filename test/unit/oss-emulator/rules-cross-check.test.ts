// The product's beliefs about RestoreObject (lib/restore) against the OSS emulator's own copy of
// the service rules (lib/emulators/oss/rules.ts, written from the documentation). They are kept
// apart on purpose — an emulator that imported the product's rules would confirm whatever the
// product believes — so this test is where a disagreement shows up, as a failure naming it.
import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_CLASSES,
  RESTORE_RULES as EMULATOR_RULES,
  STORAGE_CLASSES as EMULATOR_CLASSES,
  TIERS as EMULATOR_TIERS,
  restoreDurationMs,
  type ArchiveClass,
} from '../../../lib/emulators/oss/rules';
import { parseRestoreRequest, planRestore, restoreRequestXml } from '../../../lib/emulators/oss/restore';
import { paramsForClass } from '../../../lib/restore/restore-request';
import {
  RESTORE_RULES as PRODUCT_RULES,
  STORAGE_CLASSES as PRODUCT_CLASSES,
  TIERS as PRODUCT_TIERS,
  isArchiveClass,
  nominalRestoreMs,
  type Tier,
} from '../../../lib/restore/storage-class';
import { DEFAULT_TIMING, restoreDurationMs as productEtaMs } from '../../../lib/restore/timing';

const NOW = Date.UTC(2026, 0, 1);

describe('storage classes and tiers', () => {
  it('are the same sets', () => {
    expect([...PRODUCT_CLASSES].sort()).toEqual([...EMULATOR_CLASSES].sort());
    expect([...PRODUCT_TIERS]).toEqual([...EMULATOR_TIERS]);
    expect(PRODUCT_CLASSES.filter((c) => isArchiveClass(c)).sort()).toEqual([...ARCHIVE_CLASSES].sort());
  });
});

describe.each(ARCHIVE_CLASSES.map((c) => [c]))('%s', (storageClass: ArchiveClass) => {
  const product = PRODUCT_RULES[storageClass];
  const emulator = EMULATOR_RULES[storageClass];

  it('has the same Days range', () => {
    expect([product.minDays, product.maxDays]).toEqual([emulator.minDays, emulator.maxDays]);
  });

  it('accepts the same tiers, fastest first, with the same default', () => {
    expect(product.tiers).toEqual(emulator.tiers);
    expect(product.defaultTier).toEqual(emulator.defaultTier);
  });

  it.each<[Tier | undefined]>([[undefined], ...EMULATOR_TIERS.map((t): [Tier] => [t])])('takes as long at tier %s', (tier) => {
    expect(nominalRestoreMs(storageClass, tier)).toBe(restoreDurationMs(storageClass, tier));
  });

  it('sends only requests the emulator accepts, and the ETA it promises is when the restore finishes', () => {
    const requested: { days?: number; tier?: Tier }[] = [{}];
    for (const days of [1, 2, 7, 8, 30, 365]) for (const tier of [undefined, ...PRODUCT_TIERS]) requested.push({ days, ...(tier ? { tier } : {}) });
    for (const request of requested) {
      const params = paramsForClass(storageClass, request, { days: 1, tier: 'Standard' });
      const body = Buffer.from(restoreRequestXml(params.days, params.tier));
      const outcome = planRestore(storageClass, undefined, parseRestoreRequest(body), { nowMs: NOW, timeScale: 1 });
      expect(outcome.status, JSON.stringify(request)).toBe(202);
      expect(outcome.state.tier, JSON.stringify(request)).toBe(params.tier);
      expect(outcome.state.completesAtMs - NOW, JSON.stringify(request)).toBe(productEtaMs(DEFAULT_TIMING, storageClass, params.tier));
    }
  });
});
