import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock';
import { silentLogger } from '../../../lib/log';
import { Coordinator } from '../../../lib/restore/coordinator';
import { recordId } from '../../../lib/restore/object-ref';
import { sweep } from '../../../lib/restore/sweep';
import { MemoryStateStore } from '../../../lib/store/memory';
import { FakeObjectStore } from '../../support/fake-object-store';
import { record, ref, T0 } from '../../support/records';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('sweep', () => {
  let clock: ManualClock;
  let store: MemoryStateStore;
  let objects: FakeObjectStore;
  let coordinator: Coordinator;
  const run = (limit = 100, deadlineAtMs?: number) =>
    sweep({ store, coordinator, policy: { inScope: (r) => r.bucket === 'thaw-test' }, clock, log: silentLogger }, { limit, deadlineAtMs });
  const stored = async (key: string) => (await store.getMany([recordId(ref(key))])).get(recordId(ref(key)));

  beforeEach(() => {
    clock = new ManualClock(T0);
    store = new MemoryStateStore();
    objects = new FakeObjectStore(clock);
    coordinator = new Coordinator({ store, objects, clock, random: () => 0.5, sleep: async (ms) => clock.advance(ms) });
  });

  // One burst over the budget used to make the sweeper spend the whole budget at 00:00
  // UTC, day after day, with nobody asking.
  it('leaves a budget deferral to the next read, and takes a rate deferral of an earlier day out of the index without any OSS call', async () => {
    objects.put(ref('budget'), 'ColdArchive');
    objects.put(ref('rate'), 'ColdArchive');
    const deferred = { state: 'DEFERRED', leaseUntilMs: undefined, storageClass: 'ColdArchive', deferredAtMs: T0 - 13 * HOUR } as const;
    await store.create(record('budget', { ...deferred, reason: 'daily-restore-budget', retryAtMs: T0 }));
    await store.create(record('rate', { ...deferred, reason: 'rate-limit', retryAtMs: T0 - 13 * HOUR + 1000 }));
    const result = await run();
    expect(result).toMatchObject({ due: 1, lapsed: 1 });
    expect(objects.calls).toEqual([]);
    expect(await stored('rate')).toMatchObject({ state: 'DEFERRED', reason: 'rate-limit', retryAtMs: T0, version: 2 });
    expect(await stored('budget')).toMatchObject({ state: 'DEFERRED', version: 1 });
    // Nothing is due any more: the next sweep finds nothing to do.
    expect((await run()).due).toBe(0);
  });

  it('moves a restore past its ETA to RESTORED once HEAD says so', async () => {
    objects.put(ref('a'), 'Archive', 10, { kind: 'restored', expiresAtMs: T0 + 25 * HOUR });
    await store.create(record('a', { state: 'RESTORING', storageClass: 'Archive', etaAtMs: T0 - 1, retryAtMs: T0 - 1, leaseUntilMs: undefined }));
    const result = await run();
    expect(result.due).toBe(1);
    expect(await stored('a')).toMatchObject({ state: 'RESTORED', expiresAtMs: T0 + 25 * HOUR });
    expect(objects.count('restore')).toBe(0);
  });

  it('keeps polling a restore that is still running, at the poll interval', async () => {
    objects.put(ref('a'), 'Archive', 10, { kind: 'restoring' });
    await store.create(
      record('a', {
        state: 'RESTORING',
        storageClass: 'Archive',
        requestedAtMs: T0 - 2 * MIN,
        etaAtMs: T0 - MIN,
        retryAtMs: T0 - MIN,
        leaseUntilMs: undefined,
      }),
    );
    await run();
    expect(await stored('a')).toMatchObject({ state: 'RESTORING', etaAtMs: T0 - MIN, retryAtMs: T0 + 6_000 });
  });

  it('takes over a claim whose worker died, and retries a FAILED record that is due', async () => {
    objects.put(ref('crashed'), 'ColdArchive');
    objects.put(ref('failed'), 'Archive');
    await store.create(record('crashed', { state: 'CLAIMED', leaseUntilMs: T0 - 1 }));
    await store.create(record('failed', { state: 'FAILED', attempts: 2, retryAtMs: T0, leaseUntilMs: undefined }));
    const { summary } = await run();
    expect(summary.restoreStarted).toBe(2);
    expect(await stored('crashed')).toMatchObject({ state: 'RESTORING', tier: 'Standard' });
    expect(await stored('failed')).toMatchObject({ state: 'RESTORING', attempts: 0 });
  });

  it('leaves records that are not due alone, and honours the limit', async () => {
    for (const key of ['x', 'y', 'z']) objects.put(ref(key), 'Archive');
    await store.create(record('x', { state: 'FAILED', retryAtMs: T0 - 3, leaseUntilMs: undefined }));
    await store.create(record('y', { state: 'FAILED', retryAtMs: T0 - 2, leaseUntilMs: undefined }));
    await store.create(record('z', { state: 'FAILED', retryAtMs: T0 + 1, leaseUntilMs: undefined }));
    const result = await run(1);
    expect(result.due).toBe(1);
    expect(objects.calls.map((c) => c.object)).toEqual(['thaw-test/x', 'thaw-test/x']);
    expect((await stored('z'))?.state).toBe('FAILED');
  });

  it('starts nothing once the deadline has come', async () => {
    objects.put(ref('a'), 'Archive');
    await store.create(record('a', { state: 'FAILED', retryAtMs: T0 - 1, leaseUntilMs: undefined }));
    const { summary } = await run(100, T0 + 1_000);
    expect(summary.unstarted).toBe(1);
    expect(objects.calls).toEqual([]);
  });
});

describe('sweep and the allow-list', () => {
  it('takes due records outside the allow-list out of the index, so they cannot starve the rest', async () => {
    const clock = new ManualClock(T0);
    const store = new MemoryStateStore();
    const objects = new FakeObjectStore(clock);
    const coordinator = new Coordinator({ store, objects, clock });
    objects.put(ref('mine'), 'Archive');
    // Two old FAILED records of a bucket since removed from the allow-list, due first.
    await store.create(record('old-1', { bucket: 'thaw-gone', state: 'FAILED', retryAtMs: T0 - 100, leaseUntilMs: undefined }));
    await store.create(record('old-2', { bucket: 'thaw-gone', state: 'FAILED', retryAtMs: T0 - 99, leaseUntilMs: undefined }));
    await store.create(record('mine', { state: 'FAILED', retryAtMs: T0 - 1, leaseUntilMs: undefined }));
    const deps = { store, coordinator, policy: { inScope: (r: { bucket: string }) => r.bucket === 'thaw-test' }, clock, log: silentLogger };

    expect(await sweep(deps, { limit: 2 })).toMatchObject({ due: 2, outOfScope: 2 });
    expect(objects.calls).toEqual([]);
    const second = await sweep(deps, { limit: 2 });
    expect(second).toMatchObject({ due: 1, outOfScope: 0 });
    expect(second.summary.restoreStarted).toBe(1);
  });
});

describe('sweep keeps what was asked for', () => {
  it('retries a deferred request with the Days and tier the caller asked for', async () => {
    const clock = new ManualClock(T0);
    const store = new MemoryStateStore();
    const objects = new FakeObjectStore(clock);
    objects.put(ref('cold'), 'ColdArchive');
    // The caller asked for 7 days at Bulk; a budget deferred it until now.
    const coordinator = new Coordinator({
      store,
      objects,
      clock,
      policy: {
        inScope: () => true,
        clampRequest: (r) => r,
        admitNewRecord: async () => ({ admitted: true }),
        admit: async (_r, _o, params, nowMs) =>
          nowMs < T0 + 1000
            ? { admitted: false, refusal: { kind: 'deferred', reason: 'daily-restore-budget', retryAtMs: T0 + 1000 } }
            : { admitted: true, params },
      },
    });
    await coordinator.request([{ bucket: 'thaw-test', key: 'cold', source: 'http', seenAtMs: T0, request: { days: 7, tier: 'Bulk' } }]);
    expect((await store.getMany([recordId(ref('cold'))])).get(recordId(ref('cold')))).toMatchObject({ state: 'DEFERRED', days: 7, tier: 'Bulk' });

    clock.set(T0 + 1000);
    await sweep({ store, coordinator, policy: { inScope: () => true }, clock, log: silentLogger }, { limit: 10 });
    expect(objects.calls.filter((c) => c.op === 'restore').map((c) => c.params)).toEqual([{ days: 7, tier: 'Bulk' }]);
  });
});
