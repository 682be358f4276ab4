import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING, pollIntervalMs, restoreDurationMs, retryAfterSeconds } from '../../../lib/restore/timing';
import { record, T0 } from '../../support/records';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('restoreDurationMs', () => {
  it.each([
    ['Archive', undefined, 1 * MIN],
    ['Archive', 'Expedited', 1 * MIN],
    ['ColdArchive', 'Expedited', 1 * HOUR],
    ['ColdArchive', 'Standard', 5 * HOUR],
    ['ColdArchive', 'Bulk', 12 * HOUR],
    ['ColdArchive', undefined, 5 * HOUR],
    ['DeepColdArchive', 'Expedited', 12 * HOUR],
    ['DeepColdArchive', 'Standard', 48 * HOUR],
    ['DeepColdArchive', 'Bulk', 48 * HOUR],
  ] as const)('%s %s takes %d ms', (storageClass, tier, expected) => {
    expect(restoreDurationMs(DEFAULT_TIMING, storageClass, tier)).toBe(expected);
  });

  it('divides by the time-scale', () => {
    expect(restoreDurationMs({ ...DEFAULT_TIMING, timeScale: 60 }, 'Archive', undefined)).toBe(1000);
  });
});

describe('pollIntervalMs', () => {
  it.each([
    ['Archive', undefined, 6_000],
    ['ColdArchive', 'Expedited', 6 * MIN],
    ['ColdArchive', 'Standard', 30 * MIN],
    ['DeepColdArchive', 'Standard', 30 * MIN],
  ] as const)('%s %s polls every %d ms', (storageClass, tier, expected) => {
    expect(pollIntervalMs(DEFAULT_TIMING, storageClass, tier)).toBe(expected);
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    ['a claim', record('k', { state: 'CLAIMED' }), 2],
    ['a restore 45 s from its ETA', record('k', { state: 'RESTORING', storageClass: 'Archive', etaAtMs: T0 + 45_000 }), 45],
    ['a restore 0.2 s from its ETA', record('k', { state: 'RESTORING', storageClass: 'Archive', etaAtMs: T0 + 200 }), 1],
    ['an Archive restore past its ETA (poll)', record('k', { state: 'RESTORING', storageClass: 'Archive', etaAtMs: T0 - 5 }), 6],
    ['a ColdArchive Standard restore past its ETA', record('k', { state: 'RESTORING', storageClass: 'ColdArchive', tier: 'Standard', etaAtMs: T0 - 5 }), 1800],
    ['a deferral 10 minutes out', record('k', { state: 'DEFERRED', retryAtMs: T0 + 10 * MIN }), 600],
    ['a failure already due', record('k', { state: 'FAILED', retryAtMs: T0 - 1 }), 1],
    ['a restored object', record('k', { state: 'RESTORED', expiresAtMs: T0 + HOUR }), undefined],
    ['a Standard object', record('k', { state: 'NOT_ARCHIVED' }), undefined],
    ['a missing object', record('k', { state: 'NOT_FOUND' }), undefined],
  ] as const)('%s → %s', (_label, r, expected) => {
    expect(retryAfterSeconds(DEFAULT_TIMING, r, T0)).toBe(expected);
  });
});
