import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock';
import { Coordinator, type CoordinatorSettings } from '../../../lib/restore/coordinator';
import { AccessDeniedError, TransientError } from '../../../lib/restore/errors';
import type { Miss } from '../../../lib/restore/miss';
import { recordId } from '../../../lib/restore/object-ref';
import type { RestorePolicy, StateStore, WriteResult } from '../../../lib/restore/ports';
import { MemoryStateStore } from '../../../lib/store/memory';
import { downStore } from '../../support/down-store';
import { FakeObjectStore } from '../../support/fake-object-store';
import { record, ref, T0 } from '../../support/records';

const MIN = 60_000;
const HOUR = 60 * MIN;

function miss(key: string, fields: Partial<Miss> = {}): Miss {
  return { bucket: 'thaw-test', key, source: 'access-log', seenAtMs: T0, ...fields };
}

describe('Coordinator', () => {
  let clock: ManualClock;
  let store: MemoryStateStore;
  let objects: FakeObjectStore;
  let coordinator: Coordinator;

  const make = (deps: { store?: StateStore; policy?: RestorePolicy; settings?: Partial<CoordinatorSettings> } = {}) =>
    new Coordinator({
      store: deps.store ?? store,
      objects,
      clock,
      policy: deps.policy,
      random: () => 0.5,
      // Backoff advances the injected clock instead of sleeping.
      sleep: async (ms) => clock.advance(ms),
      settings: { workerId: 'w-test', ...deps.settings },
    });

  const stored = async (key: string, versionId = '') =>
    (await store.getMany([recordId(ref(key, 'thaw-test', versionId))])).get(recordId(ref(key, 'thaw-test', versionId)));

  beforeEach(() => {
    clock = new ManualClock(T0);
    store = new MemoryStateStore();
    objects = new FakeObjectStore(clock);
    coordinator = make();
  });

  describe('duplicates', () => {
    it('restores an object once for 1,000 misses in one batch', async () => {
      objects.put(ref('a.parquet'), 'Archive', 4096);
      const { summary } = await coordinator.request(Array.from({ length: 1000 }, () => miss('a.parquet')));

      expect(objects.count('restore')).toBe(1);
      expect(summary).toMatchObject({ seen: 1000, invalid: 0, distinct: 1, restoreStarted: 1, deduplicated: 999 });
      expect(await stored('a.parquet')).toMatchObject({
        state: 'RESTORING',
        version: 2,
        storageClass: 'Archive',
        sizeBytes: 4096,
        days: 1,
        requestedAtMs: T0,
        etaAtMs: T0 + 1 * MIN,
        retryAtMs: T0 + 1 * MIN,
        attempts: 0,
      });
      expect((await stored('a.parquet'))?.leaseUntilMs).toBeUndefined();
    });

    it('makes no OSS call and no write for an object already RESTORING', async () => {
      objects.put(ref('a'), 'ColdArchive');
      await coordinator.request([miss('a')]);
      const before = objects.calls.length;

      clock.advance(10 * MIN);
      const { summary } = await coordinator.request([miss('a'), miss('a')]);

      expect(objects.calls.length).toBe(before);
      expect((await stored('a'))?.version).toBe(2);
      expect(summary).toMatchObject({ restoreStarted: 0, restoring: 1, deduplicated: 2 });
    });

    it('restores each of 100 objects once across 20 concurrent batches', async () => {
      const keys = Array.from({ length: 100 }, (_, i) => `obj-${i}`);
      for (const k of keys) objects.put(ref(k), 'Archive');
      const batches = Array.from({ length: 20 }, () => make().request(keys.map((k) => miss(k))));
      const results = await Promise.all(batches);

      expect(objects.count('restore')).toBe(100);
      expect(results.reduce((n, r) => n + r.summary.restoreStarted, 0)).toBe(100);
      expect(store.all().map((r) => r.state)).toEqual(Array(100).fill('RESTORING'));
    });

    it('treats versions of one key as different objects', async () => {
      objects.put(ref('v', 'thaw-test', 'v1'), 'Archive');
      objects.put(ref('v', 'thaw-test', 'v2'), 'Archive');
      await coordinator.request([miss('v', { versionId: 'v1' }), miss('v', { versionId: 'v2' }), miss('v', { versionId: 'v1' })]);
      expect(objects.calls.filter((c) => c.op === 'restore').map((c) => c.object)).toEqual(['thaw-test/v?versionId=v1', 'thaw-test/v?versionId=v2']);
    });
  });

  describe('what HEAD settles without a restore', () => {
    it.each([
      ['a Standard object', 'Standard', { kind: 'frozen' }, { state: 'NOT_ARCHIVED', retryAtMs: T0 + 10 * MIN }],
      ['an IA object', 'IA', { kind: 'frozen' }, { state: 'NOT_ARCHIVED', storageClass: 'IA' }],
      ['an object restored until T0+1h', 'Archive', { kind: 'restored', expiresAtMs: T0 + HOUR }, { state: 'RESTORED', expiresAtMs: T0 + HOUR }],
      ['an object restoring by someone else', 'ColdArchive', { kind: 'restoring' }, { state: 'RESTORING', etaAtMs: T0 + 5 * HOUR }],
    ] as const)('%s', async (_label, storageClass, restore, expected) => {
      objects.put(ref('x'), storageClass, 10, restore);
      await coordinator.request([miss('x')]);
      expect(objects.count('restore')).toBe(0);
      expect(await stored('x')).toMatchObject(expected);
    });

    it('records NOT_FOUND for a missing object and re-checks only after a minute', async () => {
      await coordinator.request([miss('ghost')]);
      expect(await stored('ghost')).toMatchObject({ state: 'NOT_FOUND', retryAtMs: T0 + MIN });

      clock.advance(MIN - 1);
      await coordinator.request([miss('ghost')]);
      expect(objects.count('head')).toBe(1);

      objects.put(ref('ghost'), 'Archive');
      clock.advance(1);
      await coordinator.request([miss('ghost')]);
      expect(await stored('ghost')).toMatchObject({ state: 'RESTORING' });
    });
  });

  describe('restore parameters', () => {
    it('sends the class, the clamped Days and a tier only where the class takes one', async () => {
      objects.put(ref('arch'), 'Archive');
      objects.put(ref('cold'), 'ColdArchive');
      objects.put(ref('deep'), 'DeepColdArchive');
      await coordinator.request([
        miss('arch', { request: { days: 30, tier: 'Expedited' } }),
        miss('cold', { request: { days: 30, tier: 'Bulk' } }),
        miss('deep', { request: { tier: 'Bulk' } }),
      ]);
      const restores = objects.calls.filter((c) => c.op === 'restore').map(({ object, storageClass, params }) => ({ object, storageClass, params }));
      expect(restores).toEqual([
        { object: 'thaw-test/arch', storageClass: 'Archive', params: { days: 7 } },
        { object: 'thaw-test/cold', storageClass: 'ColdArchive', params: { days: 30, tier: 'Bulk' } },
        { object: 'thaw-test/deep', storageClass: 'DeepColdArchive', params: { days: 1, tier: 'Standard' } },
      ]);
      expect(await stored('cold')).toMatchObject({ tier: 'Bulk', etaAtMs: T0 + 12 * HOUR });
      expect(await stored('deep')).toMatchObject({ tier: 'Standard', etaAtMs: T0 + 48 * HOUR });
    });

    it('raises a running ColdArchive restore to a faster tier, bringing the ETA forward', async () => {
      objects.put(ref('cold'), 'ColdArchive');
      await coordinator.request([miss('cold')]);
      clock.advance(10 * MIN);
      await coordinator.request([miss('cold', { source: 'http', request: { tier: 'Expedited' } })]);

      expect(objects.calls.filter((c) => c.op === 'restore').map((c) => c.params?.tier)).toEqual(['Standard', 'Expedited']);
      // The fake answers 409 to the second call (already restoring): the record keeps its start.
      expect(await stored('cold')).toMatchObject({ state: 'RESTORING', requestedAtMs: T0 });
    });
  });

  describe('transient faults', () => {
    it('retries a HEAD that failed twice and restores', async () => {
      objects.put(ref('a'), 'Archive');
      objects.failures.head.push(new TransientError('503'), new TransientError('503'));
      const { summary } = await coordinator.request([miss('a')]);
      expect(summary.restoreStarted).toBe(1);
      expect(objects.count('head')).toBe(3);
    });

    it('records FAILED with a retry time once retries run out, and tries again after it', async () => {
      objects.put(ref('a'), 'Archive');
      objects.failures.restore.push(...Array.from({ length: 4 }, () => new TransientError('RestoreObject: 503 ServiceUnavailable')));
      const { summary } = await coordinator.request([miss('a')]);

      expect(summary).toMatchObject({ failed: 1, restoreStarted: 0 });
      expect(objects.count('restore')).toBe(4);
      const failed = await stored('a');
      // Retries waited 75 + 150 + 300 ms (random 0.5); then 30 s × 2^0 × 0.75 until the next attempt.
      expect(failed).toMatchObject({
        state: 'FAILED',
        attempts: 1,
        lastError: { code: 'Transient', message: 'RestoreObject: 503 ServiceUnavailable', retryable: true },
        retryAtMs: T0 + 525 + 22_500,
      });

      await coordinator.request([miss('a')]);
      expect(objects.count('restore')).toBe(4);

      clock.set(failed!.retryAtMs!);
      await coordinator.request([miss('a')]);
      expect(await stored('a')).toMatchObject({ state: 'RESTORING', attempts: 0, lastError: undefined });
    });

    it('does not retry past the deadline', async () => {
      objects.put(ref('a'), 'Archive');
      objects.failures.head.push(new TransientError('timeout'), new TransientError('timeout'));
      await coordinator.request([miss('a')], { deadlineAtMs: T0 + 12_050 });
      // Margin 2 s and a 10 s call leave 50 ms: the first backoff (75 ms) does not fit.
      expect(objects.count('head')).toBe(1);
      expect(await stored('a')).toMatchObject({ state: 'FAILED', attempts: 1 });
    });

    it('starts nothing when not even one OSS call fits before the deadline', async () => {
      objects.put(ref('a'), 'Archive');
      const { summary } = await coordinator.request([miss('a')], { deadlineAtMs: T0 + 12_000 });
      expect(summary.unstarted).toBe(1);
      expect(objects.calls).toEqual([]);
      expect(await stored('a')).toBeUndefined();
    });

    it('stops before RestoreObject when the lease could lapse during the call', async () => {
      objects.put(ref('a'), 'Archive');
      // The HEAD takes most of the lease (as a slow network would): 60 s lease, 2 s margin, 10 s calls.
      const slow = new Coordinator({
        store,
        objects: {
          head: async (r) => {
            clock.advance(49_000);
            return objects.head(r);
          },
          restore: (r, c, p) => objects.restore(r, c, p),
        },
        clock,
        random: () => 0.5,
        sleep: async (ms) => clock.advance(ms),
      });
      await slow.request([miss('a')]);
      expect(objects.count('restore')).toBe(0);
      expect(await stored('a')).toMatchObject({
        state: 'FAILED',
        lastError: { code: 'Transient', message: expect.stringMatching(/^no time left/), retryable: true },
      });
    });

    it('refuses a lease too short for a HEAD and a RestoreObject', () => {
      expect(() => make({ settings: { leaseMs: 15_000, ossCallTimeoutMs: 10_000 } })).toThrow(/cannot cover/);
    });

    it('records a denied credential as FAILED and waits the longest before trying again', async () => {
      objects.put(ref('a'), 'Archive');
      objects.failures.head.push(new AccessDeniedError('HeadObject thaw-test/a: 403 InvalidAccessKeyId'));
      await coordinator.request([miss('a')]);
      expect(objects.count('head')).toBe(1);
      expect(await stored('a')).toMatchObject({
        state: 'FAILED',
        retryAtMs: T0 + HOUR,
        lastError: { code: 'AccessDenied', message: 'HeadObject thaw-test/a: 403 InvalidAccessKeyId', retryable: false },
      });
    });
  });

  describe('crashes and leases', () => {
    it('takes over a claim whose lease lapsed, without a second billed restore', async () => {
      objects.put(ref('a'), 'Archive');
      // A worker claimed, called RestoreObject, and died before recording it.
      await store.create({
        id: recordId(ref('a')),
        ...ref('a'),
        state: 'CLAIMED',
        version: 1,
        attempts: 0,
        firstSeenAtMs: T0,
        updatedAtMs: T0,
        leaseUntilMs: T0 + MIN,
        leaseOwner: 'dead-worker',
      });
      objects.objects.get('thaw-test/a')!.restore = { kind: 'restoring' };

      await coordinator.request([miss('a')]);
      expect(objects.count('head')).toBe(0);

      clock.advance(MIN);
      const { summary } = await coordinator.request([miss('a')]);
      expect(objects.count('restore')).toBe(0);
      expect(summary.restoring).toBe(1);
      expect(await stored('a')).toMatchObject({ state: 'RESTORING', version: 3 });
    });

    it('drops its outcome when another worker took the record over meanwhile', async () => {
      objects.put(ref('a'), 'Archive');
      // A store whose outcome write loses the race, as if our lease had lapsed mid-call.
      const racing: StateStore = {
        getMany: (ids) => store.getMany(ids),
        create: (r) => store.create(r),
        update: async (r): Promise<WriteResult> => (r.state === 'CLAIMED' ? store.update(r) : { ok: false }),
        listDue: (now, limit) => store.listDue(now, limit),
        list: (q) => store.list(q),
        countStates: (now, cap) => store.countStates(now, cap),
      };
      const { outcomes } = await make({ store: racing }).request([miss('a')]);
      expect(outcomes[0]).toMatchObject({ result: 'claimed', calledOss: true });
    });

    it("drops a slow worker's outcome after the object changed and a new claim took over (no fencing-token reuse)", async () => {
      objects.put(ref('a'), 'Archive');
      // Worker A claims and starts a HEAD that does not answer yet (it sees the old Archive object).
      let releaseA!: () => void;
      const aHeadStarted = new Promise<void>((started) => {
        const slowObjects = {
          head: async (r: typeof ref extends (...a: never[]) => infer R ? R : never) => {
            const answer = await objects.head(r);
            started();
            await new Promise<void>((release) => (releaseA = release));
            return answer;
          },
          restore: objects.restore.bind(objects),
        };
        void new Coordinator({ store, objects: slowObjects, clock, random: () => 0.5, sleep: async (ms) => clock.advance(ms), settings: { workerId: 'A' } })
          .request([miss('a')])
          .then((r) => (resultA = r));
      });
      let resultA: Awaited<ReturnType<Coordinator['request']>> | undefined;
      await aHeadStarted;

      // The object is rewritten as Standard; the event invalidates the record; worker B handles a new miss.
      objects.put(ref('a'), 'Standard');
      const { invalidateRecord } = await import('../../../lib/restore/invalidate');
      expect(await invalidateRecord(store, recordId(ref('a')), clock.nowMs())).toBe(true);
      await make({ settings: { workerId: 'B' } }).request([miss('a')]);
      expect(await stored('a')).toMatchObject({ state: 'NOT_ARCHIVED', version: 4 });

      releaseA();
      for (let turns = 0; resultA === undefined && turns < 100; turns++) await new Promise((resolve) => setImmediate(resolve));
      expect(resultA?.outcomes[0]).toMatchObject({ result: 'claimed' });
      expect(await stored('a')).toMatchObject({ state: 'NOT_ARCHIVED', version: 4 });
    });

    it('reports the object unrecorded when the store cannot take the claim', async () => {
      const { summary } = await make({ store: downStore }).request([miss('a')]);
      expect(summary.unrecorded).toBe(1);
      expect(objects.calls).toEqual([]);
    });
  });

  describe('a restore that must start again', () => {
    it('takes a fresh ETA when the HEAD past the old one finds the object frozen', async () => {
      objects.put(ref('cold'), 'ColdArchive');
      // Our record says a Standard restore was due an hour ago; OSS says frozen (the copy expired unseen).
      await store.create({
        ...(await import('../../support/records')).record('cold', {
          state: 'RESTORING',
          storageClass: 'ColdArchive',
          tier: 'Standard',
          requestedAtMs: T0 - 6 * HOUR,
          etaAtMs: T0 - HOUR,
          retryAtMs: T0 - HOUR,
          leaseUntilMs: undefined,
        }),
      });
      await coordinator.request([miss('cold')]);
      expect(await stored('cold')).toMatchObject({ state: 'RESTORING', requestedAtMs: T0, etaAtMs: T0 + 5 * HOUR, retryAtMs: T0 + 5 * HOUR });
    });

    it('looks again at a RESTORED record when a read failed after it, at most once a minute', async () => {
      objects.put(ref('r'), 'Archive', 1, { kind: 'restored', expiresAtMs: T0 + 24 * HOUR });
      await coordinator.request([miss('r')]);
      // Someone cleaned the restored copy up early; reads fail again.
      objects.objects.get('thaw-test/r')!.restore = { kind: 'frozen' };
      clock.advance(30_000);
      await coordinator.request([miss('r', { seenAtMs: clock.nowMs() })]);
      expect(objects.count('head')).toBe(1);
      clock.advance(30_000);
      // An access log replaying a read from before the record: no evidence, no HEAD.
      await coordinator.request([miss('r', { seenAtMs: T0 - 1 })]);
      expect(objects.count('head')).toBe(1);
      const { summary } = await coordinator.request([miss('r', { seenAtMs: clock.nowMs() })]);
      expect(summary.restoreStarted).toBe(1);
    });
  });

  describe('expiry', () => {
    it('restores again once a restored copy has expired and a read fails after that', async () => {
      objects.put(ref('a'), 'Archive', 10, { kind: 'restored', expiresAtMs: T0 + HOUR });
      await coordinator.request([miss('a')]);
      expect(await stored('a')).toMatchObject({ state: 'RESTORED', expiresAtMs: T0 + HOUR });

      clock.set(T0 + HOUR);
      objects.objects.get('thaw-test/a')!.restore = { kind: 'frozen' };
      const { summary } = await coordinator.request([miss('a', { seenAtMs: T0 + HOUR })]);
      expect(summary.restoreStarted).toBe(1);
    });

    // A late or replayed miss from before the copy expired was served by that
    // cycle; it must not start (and bill) a second one.
    it('starts no new cycle for misses seen before the copy expired, however late they arrive', async () => {
      objects.put(ref('a'), 'Archive');
      await coordinator.request([miss('a', { seenAtMs: T0 })]);
      clock.advance(MIN);
      objects.objects.get('thaw-test/a')!.restore = { kind: 'restored', expiresAtMs: T0 + MIN + 24 * HOUR };
      await coordinator.refresh([ref('a')]);
      expect(await stored('a')).toMatchObject({ state: 'RESTORED', requestedAtMs: T0, expiresAtMs: T0 + MIN + 24 * HOUR });

      // Two days on the copy is gone; an access-log range from before the cycle is replayed, and
      // a read from during it arrives late.
      clock.set(T0 + 48 * HOUR);
      objects.objects.get('thaw-test/a')!.restore = { kind: 'frozen' };
      const replay = await coordinator.request([miss('a', { seenAtMs: T0 - HOUR }), miss('a', { seenAtMs: T0 + 30 * MIN })]);
      expect(replay.summary).toMatchObject({ restoreStarted: 0, frozen: 1 });
      expect(objects.count('restore')).toBe(1);
      expect(objects.count('head')).toBe(2);

      // A read that failed after the expiry does start the next cycle.
      const fresh = await coordinator.request([miss('a', { seenAtMs: T0 + MIN + 24 * HOUR })]);
      expect(fresh.summary.restoreStarted).toBe(1);
      expect(await stored('a')).toMatchObject({ state: 'RESTORING', requestedAtMs: T0 + 48 * HOUR });
    });

    it("a sweep that finds a restore's copy already gone records it expired, and restores nothing", async () => {
      objects.put(ref('cold'), 'ColdArchive');
      await coordinator.request([miss('cold', { seenAtMs: T0 })]);
      // Nobody looked for three days (the sweeper was down); OSS restored it and the copy expired.
      clock.set(T0 + 72 * HOUR);
      objects.objects.get('thaw-test/cold')!.restore = { kind: 'frozen' };
      const { summary } = await coordinator.request([miss('cold', { source: 'sweeper', seenAtMs: clock.nowMs() })]);
      expect(summary).toMatchObject({ restoreStarted: 0, frozen: 1 });
      expect(await stored('cold')).toMatchObject({ state: 'RESTORED', requestedAtMs: T0, expiresAtMs: T0 + 72 * HOUR });
    });
  });

  // An object is (bucket, key, the version OSS resolves). A failed GET without
  // a versionId and one naming the current version read the same object version: one record of
  // its restore, one RestoreObject.
  describe('versioned objects', () => {
    const current = () => store.all().find((r) => r.key === 'v.bin' && r.versionId === '');
    const version = (id: string) => store.all().find((r) => r.key === 'v.bin' && r.versionId === id);

    it('restores once for misses with and without the current version id in one batch', async () => {
      objects.put(ref('v.bin', 'thaw-test', 'CAEQv1'), 'Archive');
      const { summary, outcomes } = await coordinator.request([miss('v.bin'), miss('v.bin', { versionId: 'CAEQv1' }), miss('v.bin')]);
      expect(objects.count('restore')).toBe(1);
      expect(objects.calls.filter((c) => c.op === 'restore').map((c) => c.object)).toEqual(['thaw-test/v.bin?versionId=CAEQv1']);
      expect(summary).toMatchObject({ seen: 3, distinct: 1, restoreStarted: 1 });
      expect(outcomes.map((o) => o.record?.versionId)).toEqual(['CAEQv1']);
      expect(version('CAEQv1')).toMatchObject({ state: 'RESTORING', storageClass: 'Archive' });
    });

    it('restores once when the miss without a version id comes first, and later misses of either kind cost nothing', async () => {
      objects.put(ref('v.bin', 'thaw-test', 'CAEQv1'), 'ColdArchive');
      await coordinator.request([miss('v.bin')]);
      expect(current()).toMatchObject({ state: 'CURRENT_VERSION', currentVersionId: 'CAEQv1', retryAtMs: T0 + 10 * MIN });
      expect(version('CAEQv1')).toMatchObject({ state: 'RESTORING', tier: 'Standard' });
      const calls = objects.calls.length;

      clock.advance(MIN);
      const { summary } = await coordinator.request([
        miss('v.bin', { seenAtMs: clock.nowMs() }),
        miss('v.bin', { versionId: 'CAEQv1', seenAtMs: clock.nowMs() }),
      ]);
      expect(summary).toMatchObject({ distinct: 1, restoring: 1, restoreStarted: 0 });
      expect(objects.calls.length).toBe(calls);
      expect(objects.count('restore')).toBe(1);
    });

    it('restores once when the miss naming the version comes first', async () => {
      objects.put(ref('v.bin', 'thaw-test', 'CAEQv1'), 'ColdArchive');
      await coordinator.request([miss('v.bin', { versionId: 'CAEQv1' })]);
      clock.advance(MIN);
      const { outcomes } = await coordinator.request([miss('v.bin', { seenAtMs: clock.nowMs() })]);
      // One HEAD to learn the current version; its record is already RESTORING, so no restore.
      expect(objects.count('restore')).toBe(1);
      expect(outcomes[0]).toMatchObject({ result: 'restoring', record: { versionId: 'CAEQv1', state: 'RESTORING' } });
      expect(current()).toMatchObject({ state: 'CURRENT_VERSION', currentVersionId: 'CAEQv1' });
    });

    it('looks up the current version again after a while, and follows a new one', async () => {
      objects.put(ref('v.bin', 'thaw-test', 'CAEQv1'), 'Archive');
      await coordinator.request([miss('v.bin')]);
      // A new version was written and its event got lost: after ten minutes a miss HEADs the key again.
      objects.put(ref('v.bin', 'thaw-test', 'CAEQv2'), 'Archive');
      clock.advance(10 * MIN);
      await coordinator.request([miss('v.bin', { seenAtMs: clock.nowMs() })]);
      expect(current()).toMatchObject({ currentVersionId: 'CAEQv2' });
      expect(objects.calls.filter((c) => c.op === 'restore').map((c) => c.object)).toEqual([
        'thaw-test/v.bin?versionId=CAEQv1',
        'thaw-test/v.bin?versionId=CAEQv2',
      ]);
    });

    it('looks up the current version at once after an object event invalidated the record', async () => {
      objects.put(ref('v.bin', 'thaw-test', 'CAEQv1'), 'Archive');
      await coordinator.request([miss('v.bin')]);
      objects.put(ref('v.bin', 'thaw-test', 'CAEQv2'), 'Archive');
      clock.advance(1000);
      const { invalidateRecord } = await import('../../../lib/restore/invalidate');
      expect(await invalidateRecord(store, current()!.id, clock.nowMs())).toBe(true);
      await coordinator.request([miss('v.bin', { seenAtMs: clock.nowMs() })]);
      expect(current()).toMatchObject({ state: 'CURRENT_VERSION', currentVersionId: 'CAEQv2' });
      expect(version('CAEQv2')).toMatchObject({ state: 'RESTORING' });
    });

    it('keeps a restore that the record of a versioned key tracked before versions were told apart', async () => {
      objects.put(ref('v.bin', 'thaw-test', 'CAEQv1'), 'ColdArchive', 100, { kind: 'restoring' });
      // Written by the first release: the record of the key without a versionId holds the restore.
      await store.create(
        record('v.bin', {
          state: 'RESTORING',
          storageClass: 'ColdArchive',
          tier: 'Expedited',
          requestedAtMs: T0 - HOUR,
          etaAtMs: T0,
          retryAtMs: T0,
          leaseUntilMs: undefined,
        }),
      );
      await coordinator.request([miss('v.bin')]);
      expect(objects.count('restore')).toBe(0);
      expect(version('CAEQv1')).toMatchObject({ state: 'RESTORING', tier: 'Expedited', requestedAtMs: T0 - HOUR, etaAtMs: T0 });
      expect(current()).toMatchObject({ state: 'CURRENT_VERSION', currentVersionId: 'CAEQv1' });
    });

    it("answers a status read without a version id from the current version's record", async () => {
      objects.put(ref('v.bin', 'thaw-test', 'CAEQv1'), 'Archive');
      await coordinator.request([miss('v.bin')]);
      const { outcomes } = await coordinator.refresh([ref('v.bin')]);
      expect(outcomes[0]).toMatchObject({ result: 'restoring', record: { versionId: 'CAEQv1' } });
      expect(objects.count('head')).toBe(1);
    });
  });

  // A raise the budget refuses must not turn a running restore into DEFERRED
  // (429 until midnight, while OSS finishes and the object is readable).
  describe('raising the tier of a running restore', () => {
    const budget = (restoresLeft: number): RestorePolicy => {
      let left = restoresLeft;
      return {
        inScope: () => true,
        clampRequest: (r) => r,
        admitNewRecord: async () => ({ admitted: true }),
        admit: async (_r, _o, params) =>
          left-- > 0
            ? { admitted: true, params }
            : { admitted: false, refusal: { kind: 'deferred', reason: 'daily-restore-budget', retryAtMs: T0 + 24 * HOUR } },
      };
    };

    it("keeps the restore's state, tier, ETA and checks when the budget refuses a raise, and says so", async () => {
      objects.put(ref('cold'), 'ColdArchive');
      const c = make({ policy: budget(1) });
      await c.request([miss('cold', { source: 'http' })]);
      const before = await stored('cold');
      expect(before).toMatchObject({ state: 'RESTORING', tier: 'Standard', requestedAtMs: T0, etaAtMs: T0 + 5 * HOUR, retryAtMs: T0 + 5 * HOUR });

      clock.advance(10 * MIN);
      const { outcomes } = await c.request([miss('cold', { source: 'http', request: { tier: 'Expedited' } })]);
      expect(outcomes[0]).toMatchObject({ result: 'restoring', raiseRefused: { kind: 'deferred', reason: 'daily-restore-budget', retryAtMs: T0 + 24 * HOUR } });
      expect(objects.count('restore')).toBe(1);
      expect(await stored('cold')).toMatchObject({
        state: 'RESTORING',
        tier: 'Standard',
        requestedAtMs: T0,
        etaAtMs: T0 + 5 * HOUR,
        retryAtMs: T0 + 5 * HOUR,
        reason: undefined,
      });

      // OSS finishes at the original ETA; the record follows, nobody is told to wait for midnight.
      clock.set(T0 + 5 * HOUR);
      objects.objects.get('thaw-test/cold')!.restore = { kind: 'restored', expiresAtMs: T0 + 29 * HOUR };
      await c.refresh([ref('cold')]);
      expect(await stored('cold')).toMatchObject({ state: 'RESTORED', tier: 'Standard', expiresAtMs: T0 + 29 * HOUR });
    });

    it("a granted raise keeps the cycle's start and brings the ETA forward", async () => {
      objects.put(ref('cold'), 'ColdArchive');
      await coordinator.request([miss('cold')]);
      clock.advance(10 * MIN);
      const { outcomes } = await coordinator.request([miss('cold', { source: 'http', request: { tier: 'Expedited' } })]);
      expect(objects.calls.filter((c) => c.op === 'restore').map((c) => c.params?.tier)).toEqual(['Standard', 'Expedited']);
      expect(outcomes[0]?.result).toBe('restoreStarted');
      expect(await stored('cold')).toMatchObject({ state: 'RESTORING', tier: 'Expedited', requestedAtMs: T0, etaAtMs: T0 + 10 * MIN + HOUR });
    });
  });

  // ali-oss normalises "." and ".." segments in the path but signs the key as
  // written, so OSS answers 403 to every call and the record sat in FAILED for good.
  it('refuses a key with "." or ".." segments without any OSS call, for good', async () => {
    const { summary } = await coordinator.request([miss('a/../b'), miss('./x'), miss('dir/.')]);
    expect(objects.calls).toEqual([]);
    expect(summary).toMatchObject({ refused: 3, failed: 0 });
    expect(await stored('a/../b')).toMatchObject({ state: 'REFUSED', reason: 'unaddressable-key', retryAtMs: undefined });
    clock.advance(365 * 24 * HOUR);
    const again = await coordinator.request([miss('a/../b', { seenAtMs: clock.nowMs() })]);
    expect(again.summary).toMatchObject({ refused: 1 });
    expect((await stored('a/../b'))?.version).toBe(2);
  });

  describe('records the first release wrote', () => {
    it('treats DEFERRED frozen-again as an expired copy: a read after it restores, an older one does not', async () => {
      objects.put(ref('old'), 'Archive');
      store.putStored({
        ...record('old', { leaseUntilMs: undefined, leaseOwner: undefined }),
        state: 'DEFERRED',
        reason: 'frozen-again',
        updatedAtMs: T0 - MIN,
        version: 3,
      });
      await coordinator.request([miss('old', { seenAtMs: T0 - 2 * MIN })]);
      expect(objects.calls).toEqual([]);
      await coordinator.request([miss('old', { seenAtMs: T0 })]);
      expect(await stored('old')).toMatchObject({ state: 'RESTORING', version: 5, reason: undefined });
    });

    it('treats DEFERRED object-too-large as REFUSED, looked at again after its retry time', async () => {
      objects.put(ref('big'), 'Archive', 10);
      store.putStored({
        ...record('big', { leaseUntilMs: undefined, leaseOwner: undefined }),
        state: 'DEFERRED',
        reason: 'object-too-large',
        retryAtMs: T0 + HOUR,
      });
      expect((await coordinator.request([miss('big')])).summary.refused).toBe(1);
      clock.set(T0 + HOUR);
      await coordinator.request([miss('big', { seenAtMs: clock.nowMs() })]);
      expect(await stored('big')).toMatchObject({ state: 'RESTORING' });
    });
  });

  describe('policy', () => {
    it('writes nothing for an object out of scope', async () => {
      const policy: RestorePolicy = {
        inScope: (r) => r.bucket !== 'thaw-test',
        clampRequest: (r) => r,
        admitNewRecord: async () => ({ admitted: true }),
        admit: async (_r, _o, params) => ({ admitted: true, params }),
      };
      const { summary } = await make({ policy }).request([miss('a'), miss('a')]);
      expect(summary).toMatchObject({ outOfScope: 1, deduplicated: 0 });
      expect(store.all()).toEqual([]);
      expect(objects.calls).toEqual([]);
    });

    it('records DEFERRED with the reason and retry time the policy gives', async () => {
      objects.put(ref('big'), 'Archive', 10 * 2 ** 30);
      const policy: RestorePolicy = {
        inScope: () => true,
        clampRequest: (r) => r,
        admitNewRecord: async () => ({ admitted: true }),
        admit: async () => ({ admitted: false, refusal: { kind: 'deferred', reason: 'daily-restore-budget', retryAtMs: T0 + 24 * HOUR } }),
      };
      const { summary } = await make({ policy }).request([miss('big')]);
      expect(summary.deferred).toBe(1);
      expect(objects.count('restore')).toBe(0);
      expect(await stored('big')).toMatchObject({ state: 'DEFERRED', reason: 'daily-restore-budget', retryAtMs: T0 + 24 * HOUR });
    });
  });

  describe('bad input', () => {
    it('counts invalid misses and still handles the valid ones in the batch', async () => {
      objects.put(ref('ok'), 'Archive');
      const { summary, invalid } = await coordinator.request([
        miss('ok'),
        miss('', {}),
        { ...miss('x'), bucket: 'Bad_Bucket' },
        miss('k'.repeat(1024)),
        miss('y', { versionId: 'not a version' }),
        miss('z', { request: { days: 0 } }),
      ]);
      expect(summary).toMatchObject({ seen: 6, invalid: 5, distinct: 1, restoreStarted: 1 });
      expect(invalid.map((i) => i.field)).toEqual(['key', 'bucket', 'key', 'versionId', 'days']);
    });
  });

  describe('refresh mode', () => {
    it('only checks a restore past its ETA and never calls RestoreObject', async () => {
      objects.put(ref('a'), 'Archive');
      await coordinator.request([miss('a')]);
      objects.objects.get('thaw-test/a')!.restore = { kind: 'restored', expiresAtMs: T0 + 25 * HOUR };

      const early = await coordinator.refresh([ref('a')]);
      expect(early.outcomes[0]?.result).toBe('restoring');

      clock.advance(MIN);
      const late = await coordinator.refresh([ref('a')]);
      expect(late.outcomes[0]?.record).toMatchObject({ state: 'RESTORED', expiresAtMs: T0 + 25 * HOUR });
      expect(objects.count('restore')).toBe(1);

      const untracked = await coordinator.refresh([ref('b')]);
      expect(untracked.outcomes[0]?.result).toBe('untracked');
      expect(objects.count('head')).toBe(2);
    });
  });
});
