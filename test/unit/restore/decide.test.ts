import { describe, expect, it } from 'vitest';
import { decide } from '../../../lib/restore/decide';
import { record, T0 } from '../../support/records';

describe('decide', () => {
  it('claims an object that has no record', () => {
    expect(decide(undefined, T0)).toEqual({ action: 'claim-new' });
  });

  it.each([
    ['a live claim', record('k', { state: 'CLAIMED', leaseUntilMs: T0 + 1 }), { action: 'none', reason: 'claimed' }],
    ['a lapsed claim', record('k', { state: 'CLAIMED', leaseUntilMs: T0 }), { action: 'reclaim', reason: 'lease-lapsed' }],
    ['a restore before its ETA', record('k', { state: 'RESTORING', etaAtMs: T0 + 60_000, retryAtMs: T0 + 60_000 }), { action: 'none', reason: 'restoring' }],
    [
      'a restore past its next check',
      record('k', { state: 'RESTORING', etaAtMs: T0 - 1, retryAtMs: T0 - 1 }),
      { action: 'reclaim', reason: 'restore-check-due' },
    ],
    ['a restored copy before expiry', record('k', { state: 'RESTORED', expiresAtMs: T0 + 1 }), { action: 'none', reason: 'restored' }],
    ['a restored copy at expiry', record('k', { state: 'RESTORED', expiresAtMs: T0 }), { action: 'reclaim', reason: 'restore-expired' }],
    ['a fresh NOT_ARCHIVED', record('k', { state: 'NOT_ARCHIVED', retryAtMs: T0 + 1 }), { action: 'none', reason: 'not-archived' }],
    ['an aged NOT_ARCHIVED', record('k', { state: 'NOT_ARCHIVED', retryAtMs: T0 - 1 }), { action: 'reclaim', reason: 'recheck-due' }],
    ['a fresh NOT_FOUND', record('k', { state: 'NOT_FOUND', retryAtMs: T0 + 1 }), { action: 'none', reason: 'not-found' }],
    ['an aged NOT_FOUND', record('k', { state: 'NOT_FOUND', retryAtMs: T0 }), { action: 'reclaim', reason: 'recheck-due' }],
    ['a DEFERRED before retryAt', record('k', { state: 'DEFERRED', retryAtMs: T0 + 1 }), { action: 'none', reason: 'deferred' }],
    ['a DEFERRED at retryAt', record('k', { state: 'DEFERRED', retryAtMs: T0 }), { action: 'reclaim', reason: 'retry-due' }],
    ['a FAILED before retryAt', record('k', { state: 'FAILED', retryAtMs: T0 + 1 }), { action: 'none', reason: 'failed' }],
    ['a FAILED at retryAt', record('k', { state: 'FAILED', retryAtMs: T0 }), { action: 'reclaim', reason: 'retry-due' }],
  ] as const)('%s', (_label, existing, expected) => {
    expect(decide(existing, T0)).toEqual(expected);
  });

  describe('tier changes while restoring', () => {
    const restoring = record('k', { state: 'RESTORING', storageClass: 'ColdArchive', tier: 'Standard', etaAtMs: T0 + 1, retryAtMs: T0 + 1 });

    it('reclaims to raise the tier', () => {
      expect(decide(restoring, T0, { tier: 'Expedited' })).toEqual({ action: 'reclaim', reason: 'tier-raise' });
    });

    it.each(['Standard', 'Bulk'] as const)('does nothing for tier %s, which is not faster', (tier) => {
      expect(decide(restoring, T0, { tier })).toEqual({ action: 'none', reason: 'restoring' });
    });
  });
});
