import { describe, expect, it } from 'vitest';
import { decide, type Intent } from '../../../lib/restore/decide';
import { record, T0 } from '../../support/records';

const REQUEST: Intent = { kind: 'request', lastReadAtMs: T0 };
const SWEEP: Intent = { kind: 'request' };
const REFRESH: Intent = { kind: 'refresh' };

describe('decide', () => {
  it('claims an object that has no record', () => {
    expect(decide(undefined, REQUEST, T0)).toEqual({ action: 'claim-new' });
  });

  it.each([
    ['a live claim', record('k', { state: 'CLAIMED', leaseUntilMs: T0 + 1 }), { action: 'hold' }],
    ['a lapsed claim', record('k', { state: 'CLAIMED', leaseUntilMs: T0 }), { action: 'reclaim', reason: 'lease-lapsed' }],
    ['a restore before its ETA', record('k', { state: 'RESTORING', etaAtMs: T0 + 60_000, retryAtMs: T0 + 60_000 }), { action: 'hold' }],
    [
      'a restore past its next check',
      record('k', { state: 'RESTORING', etaAtMs: T0 - 1, retryAtMs: T0 - 1 }),
      { action: 'reclaim', reason: 'restore-check-due' },
    ],
    ['a restored copy before expiry', record('k', { state: 'RESTORED', expiresAtMs: T0 + 1 }), { action: 'hold' }],
    ['a fresh NOT_ARCHIVED', record('k', { state: 'NOT_ARCHIVED', retryAtMs: T0 + 1 }), { action: 'hold' }],
    ['an aged NOT_ARCHIVED', record('k', { state: 'NOT_ARCHIVED', retryAtMs: T0 - 1 }), { action: 'reclaim', reason: 'recheck-due' }],
    ['a fresh NOT_FOUND', record('k', { state: 'NOT_FOUND', retryAtMs: T0 + 1 }), { action: 'hold' }],
    ['an aged NOT_FOUND', record('k', { state: 'NOT_FOUND', retryAtMs: T0 }), { action: 'reclaim', reason: 'recheck-due' }],
    ['a DEFERRED before retryAt', record('k', { state: 'DEFERRED', reason: 'rate-limit', retryAtMs: T0 + 1 }), { action: 'hold' }],
    ['a DEFERRED at retryAt', record('k', { state: 'DEFERRED', reason: 'rate-limit', retryAtMs: T0 }), { action: 'reclaim', reason: 'retry-due' }],
    ['a REFUSED before its recheck', record('k', { state: 'REFUSED', reason: 'object-too-large', retryAtMs: T0 + 1 }), { action: 'hold' }],
    ['a REFUSED at its recheck', record('k', { state: 'REFUSED', reason: 'object-too-large', retryAtMs: T0 }), { action: 'reclaim', reason: 'recheck-due' }],
    ['an unaddressable key, for good', record('k', { state: 'REFUSED', reason: 'unaddressable-key' }), { action: 'hold' }],
    ['a FAILED before retryAt', record('k', { state: 'FAILED', retryAtMs: T0 + 1 }), { action: 'hold' }],
    ['a FAILED at retryAt', record('k', { state: 'FAILED', retryAtMs: T0 }), { action: 'reclaim', reason: 'retry-due' }],
    ['a fresh CURRENT_VERSION', record('k', { state: 'CURRENT_VERSION', currentVersionId: 'v1', retryAtMs: T0 + 1 }), { action: 'follow', versionId: 'v1' }],
    ['an aged CURRENT_VERSION', record('k', { state: 'CURRENT_VERSION', currentVersionId: 'v1', retryAtMs: T0 }), { action: 'reclaim', reason: 'recheck-due' }],
    ['an invalidated record', record('k', { state: 'RESTORING', invalidatedAtMs: T0 - 1 }), { action: 'reclaim', reason: 'object-changed' }],
  ] as const)('a miss for %s', (_label, existing, expected) => {
    expect(decide(existing, REQUEST, T0)).toEqual(expected);
  });

  // A restore cycle ends when its copy expires; only a read that failed after
  // that starts the next one. A replayed or late miss from before never buys a second restore.
  describe('a restored copy that expired (FROZEN)', () => {
    const expired = record('k', { state: 'RESTORED', requestedAtMs: T0 - 2 * 86_400_000, expiresAtMs: T0 - 1000, leaseUntilMs: undefined });

    it.each([
      ['a read after the expiry starts a new cycle', { kind: 'request', lastReadAtMs: T0 - 1000 }, { action: 'reclaim', reason: 'new-cycle' }],
      ['a read from before the expiry does not', { kind: 'request', lastReadAtMs: T0 - 1001 }, { action: 'hold' }],
      ['a read from before the cycle started does not', { kind: 'request', lastReadAtMs: T0 - 3 * 86_400_000 }, { action: 'hold' }],
      ['a sweep (no read at all) does not', SWEEP, { action: 'hold' }],
      ['a status read does not', REFRESH, { action: 'hold' }],
    ] as const)('%s', (_label, intent, expected) => {
      expect(decide(expired, intent, T0)).toEqual(expected);
    });
  });

  // A deferral is re-driven on the UTC day it was made; after that it is an answer, not a
  // queue — only a read newer than the deferral claims it, so yesterday's backlog never spends
  // today's budget before today's readers.
  describe('a DEFERRED record after the day it was deferred on', () => {
    const DAY = 86_400_000;
    const budget = record('k', { state: 'DEFERRED', reason: 'daily-restore-budget', deferredAtMs: T0 - DAY / 2, retryAtMs: T0, leaseUntilMs: undefined });
    const rate = record('k', { state: 'DEFERRED', reason: 'rate-limit', deferredAtMs: T0 + 1000, retryAtMs: T0 + 2000, leaseUntilMs: undefined });

    it.each([
      ['a budget deferral at its retry, to a sweep', budget, SWEEP, T0, { action: 'hold' }],
      [
        'a budget deferral, to a read newer than the deferral',
        budget,
        { kind: 'request', lastReadAtMs: T0 - DAY / 2 + 1 },
        T0,
        { action: 'reclaim', reason: 'retry-due' },
      ],
      ['a budget deferral, to a replayed read from before the deferral', budget, { kind: 'request', lastReadAtMs: T0 - DAY / 2 }, T0, { action: 'hold' }],
      ['a rate deferral, to a sweep later that day', rate, SWEEP, T0 + DAY - 1, { action: 'reclaim', reason: 'retry-due' }],
      ['a rate deferral, to a sweep the next day', rate, SWEEP, T0 + DAY, { action: 'hold' }],
      ['a rate deferral the next day, to a new read', rate, { kind: 'request', lastReadAtMs: T0 + DAY }, T0 + DAY, { action: 'reclaim', reason: 'retry-due' }],
    ] as const)('%s', (_label, existing, intent, nowMs, expected) => {
      expect(decide(existing, intent as Intent, nowMs)).toEqual(expected);
    });
  });

  describe('a RESTORED record a failed read contradicts', () => {
    const restored = record('k', { state: 'RESTORED', expiresAtMs: T0 + 86_400_000, updatedAtMs: T0 - 60_000, leaseUntilMs: undefined });

    it.each([
      ['a read after the record, a minute on', { kind: 'request', lastReadAtMs: T0 - 1 }, T0, { action: 'reclaim', reason: 'restored-unverified' }],
      ['a read after the record, under a minute on', { kind: 'request', lastReadAtMs: T0 - 1 }, T0 - 1, { action: 'hold' }],
      ['a read from before the record', { kind: 'request', lastReadAtMs: T0 - 60_001 }, T0, { action: 'hold' }],
    ] as const)('%s', (_label, intent, now, expected) => {
      expect(decide(restored, intent, now)).toEqual(expected);
    });
  });

  describe('tier changes while restoring', () => {
    const restoring = record('k', { state: 'RESTORING', storageClass: 'ColdArchive', tier: 'Standard', etaAtMs: T0 + 1, retryAtMs: T0 + 1 });

    it('reclaims to raise the tier', () => {
      expect(decide(restoring, { kind: 'request', tier: 'Expedited' }, T0)).toEqual({ action: 'reclaim', reason: 'tier-raise' });
    });

    it.each(['Standard', 'Bulk'] as const)('does nothing for tier %s, which is not faster', (tier) => {
      expect(decide(restoring, { kind: 'request', tier }, T0)).toEqual({ action: 'hold' });
    });
  });

  describe('refresh (status reads and FinishRestore)', () => {
    it.each([
      ['no record', undefined, REFRESH, { action: 'untracked' }],
      ['an invalidated record', record('k', { state: 'RESTORING', invalidatedAtMs: T0 }), REFRESH, { action: 'untracked' }],
      ['a restore before its check', record('k', { state: 'RESTORING', etaAtMs: T0 + 1, retryAtMs: T0 + 1 }), REFRESH, { action: 'hold' }],
      ['a restore at its check', record('k', { state: 'RESTORING', etaAtMs: T0, retryAtMs: T0 }), REFRESH, { action: 'reclaim', reason: 'restore-check-due' }],
      [
        'a restore before its check, told to look now',
        record('k', { state: 'RESTORING', etaAtMs: T0 + 1, retryAtMs: T0 + 1 }),
        { kind: 'refresh', checkNow: true },
        { action: 'reclaim', reason: 'restore-check-due' },
      ],
      ['a FAILED record past retryAt (refresh never retries)', record('k', { state: 'FAILED', retryAtMs: T0 - 1 }), REFRESH, { action: 'hold' }],
      ['a lapsed claim', record('k', { state: 'CLAIMED', leaseUntilMs: T0 - 1 }), REFRESH, { action: 'hold' }],
      [
        'an aged CURRENT_VERSION, still followed',
        record('k', { state: 'CURRENT_VERSION', currentVersionId: 'v9', retryAtMs: T0 - 1 }),
        REFRESH,
        { action: 'follow', versionId: 'v9' },
      ],
    ] as const)('%s', (_label, existing, intent, expected) => {
      expect(decide(existing, intent, T0)).toEqual(expected);
    });
  });
});
