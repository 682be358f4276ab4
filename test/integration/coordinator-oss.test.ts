// The coordinator with the real ali-oss SDK against the OSS emulator over loopback:
// RestoreObject is counted by the emulator itself (/-/stats), not by a mock.
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { startOssEmulator, type OssEmulator } from '../../lib/emulators/oss';
import { AliOssObjectStore } from '../../lib/oss/object-store';
import { parseAllowList } from '../../lib/policy/allow-list';
import { CostPolicy, DEFAULT_LIMITS } from '../../lib/policy/cost-policy';
import { Coordinator } from '../../lib/restore/coordinator';
import type { Miss } from '../../lib/restore/miss';
import { MemoryCounterStore, MemoryStateStore } from '../../lib/store/memory';
import { controlFetch } from '../../lib/emulators/shared/control';

const BUCKET = 'thaw-coord';
// A fixed start, whole seconds (x-oss-restore carries the expiry to the second): nothing here
// depends on today's date.
const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

interface Stats {
  operations: Record<string, number>;
  restores: Record<string, number>;
}

describe('Coordinator over ali-oss and the OSS emulator', () => {
  let oss: OssEmulator;
  let objects: AliOssObjectStore;
  let client: OSS;
  // One clock for the emulator and every coordinator: restores finish when a test says so.
  const clock = new ManualClock(T0);

  const stats = async (): Promise<Stats> => (await controlFetch(`${oss.endpoint}/-/stats`)).json() as Promise<Stats>;
  const miss = (key: string, at: ManualClock = clock): Miss => ({ bucket: BUCKET, key, source: 'access-log', seenAtMs: at.nowMs() });

  beforeAll(async () => {
    oss = await startOssEmulator({ clock });
    const creds = oss.describe() as { accessKeyId: string; accessKeySecret: string; region: string };
    client = new OSS({ endpoint: oss.endpoint, accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, bucket: BUCKET });
    await client.putBucket(BUCKET);
    objects = new AliOssObjectStore({ endpoint: oss.endpoint, accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret });
  });
  afterAll(async () => {
    await oss?.close();
  });

  it('issues exactly one RestoreObject for 1,000 duplicate misses in one batch', async () => {
    await client.put('dup/one.bin', Buffer.from('frozen bytes'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const store = new MemoryStateStore();
    const { summary } = await new Coordinator({ store, objects, clock }).request(Array.from({ length: 1000 }, () => miss('dup/one.bin')));

    expect((await stats()).restores[`${BUCKET}/dup/one.bin`]).toBe(1);
    expect(summary).toMatchObject({ seen: 1000, distinct: 1, restoreStarted: 1, deduplicated: 999 });
    expect(store.all().map((r) => r.state)).toEqual(['RESTORING']);
  });

  it('issues exactly one RestoreObject per object for 20 concurrent batches of the same 100 objects', async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `many/${String(i).padStart(3, '0')} é+%.bin`);
    for (const key of keys) await client.put(key, Buffer.from(key), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    const store = new MemoryStateStore();
    await Promise.all(Array.from({ length: 20 }, () => new Coordinator({ store, objects, clock }).request(keys.map((k) => miss(k)))));

    const restores = (await stats()).restores;
    expect(keys.map((k) => restores[`${BUCKET}/${k}`])).toEqual(Array(100).fill(1));
    expect(store.all().map((r) => r.state)).toEqual(Array(100).fill('RESTORING'));
    expect(store.all().every((r) => r.tier === 'Standard' && r.storageClass === 'ColdArchive')).toBe(true);
  });

  it('records each kind of object the way OSS answers for it', async () => {
    await client.put('kinds/standard.txt', Buffer.from('s'));
    await client.put('kinds/deep.bin', Buffer.from('d'), { headers: { 'x-oss-storage-class': 'DeepColdArchive' } });
    const store = new MemoryStateStore();
    const { summary } = await new Coordinator({ store, objects, clock }).request([
      miss('kinds/standard.txt'),
      miss('kinds/deep.bin'),
      miss('kinds/missing.bin'),
    ]);
    expect(summary).toMatchObject({ notArchived: 1, restoreStarted: 1, notFound: 1 });
    const byKey = Object.fromEntries(store.all().map((r) => [r.key, r]));
    expect(byKey['kinds/standard.txt']).toMatchObject({ state: 'NOT_ARCHIVED', storageClass: 'Standard' });
    expect(byKey['kinds/deep.bin']).toMatchObject({ state: 'RESTORING', storageClass: 'DeepColdArchive', tier: 'Standard' });
    expect(byKey['kinds/missing.bin']).toMatchObject({ state: 'NOT_FOUND' });
  });

  it('sees a finished restore through HEAD and makes the object readable', async () => {
    // One clock for the emulator and the coordinator: the restore finishes when we say so.
    // Whole seconds, because x-oss-restore carries the expiry to the second.
    const t0 = T0;
    const own = new ManualClock(t0);
    const timed = await startOssEmulator({ clock: own });
    try {
      const creds = timed.describe() as { accessKeyId: string; accessKeySecret: string };
      const c = new OSS({ endpoint: timed.endpoint, ...creds, bucket: BUCKET });
      await c.putBucket(BUCKET);
      await c.put('done/a.bin', Buffer.from('thawed'), { headers: { 'x-oss-storage-class': 'Archive' } });
      const store = new MemoryStateStore();
      const coordinator = new Coordinator({ store, objects: new AliOssObjectStore({ endpoint: timed.endpoint, ...creds }), clock: own });
      await coordinator.request([miss('done/a.bin', own)]);
      await expect(c.get('done/a.bin')).rejects.toMatchObject({ status: 403, code: 'InvalidObjectState' });

      // An Archive restore takes a minute; Days=1 then keeps it readable for 24 h from completion.
      own.advance(60_000);
      timed.tick();
      await coordinator.refresh([{ bucket: BUCKET, key: 'done/a.bin' }]);
      const [record] = store.all();
      expect(record).toMatchObject({ state: 'RESTORED', expiresAtMs: t0 + 60_000 + 86_400_000 });
      expect((await c.get('done/a.bin')).content.toString()).toBe('thawed');
    } finally {
      await timed.close();
    }
  });

  it('maps a wrong secret to a loud FAILED record', async () => {
    await client.put('auth/a.bin', Buffer.from('x'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const creds = oss.describe() as { accessKeyId: string };
    const wrong = new AliOssObjectStore({ endpoint: oss.endpoint, accessKeyId: creds.accessKeyId, accessKeySecret: 'wrong' });
    const store = new MemoryStateStore();
    await new Coordinator({ store, objects: wrong, clock }).request([miss('auth/a.bin')]);
    expect(store.all()[0]).toMatchObject({ state: 'FAILED', attempts: 1 });
    expect(store.all()[0]?.lastError).toEqual({
      code: 'AccessDenied',
      message: expect.stringMatching(/^HeadObject thaw-coord\/auth\/a\.bin: 403 SignatureDoesNotMatch/),
      retryable: false,
    });
  });

  // With and without its version id, a versioned object is one object.
  it('issues one RestoreObject for a versioned object read with and without its version id', async () => {
    const bucket = 'thaw-versioned';
    oss.createBucket(bucket, { versioning: true });
    const older = oss.putObject(bucket, 'doc.bin', 'v1', { storageClass: 'Archive' })!;
    const versionId = oss.putObject(bucket, 'doc.bin', 'v2', { storageClass: 'Archive' })!;
    const store = new MemoryStateStore();
    const coordinator = new Coordinator({ store, objects, clock });
    const at = (v?: string): Miss => ({ bucket, key: 'doc.bin', ...(v ? { versionId: v } : {}), source: 'access-log', seenAtMs: clock.nowMs() });

    await coordinator.request([at(), at(versionId), at()]);
    await coordinator.request([at(versionId)]);
    await coordinator.request([at()]);
    expect((await stats()).restores[`${bucket}/doc.bin`]).toBe(1);
    expect(store.all().map((r) => [r.versionId, r.state, r.currentVersionId ?? null])).toEqual([
      ['', 'CURRENT_VERSION', versionId],
      [versionId, 'RESTORING', null],
    ]);

    // The older version is another object: its own record, its own restore.
    await coordinator.request([at(older)]);
    expect((await stats()).restores[`${bucket}/doc.bin`]).toBe(2);
  });

  // The budget refuses a tier raise; the restore OSS runs is untouched.
  it('a budget-refused raise keeps RESTORING with the original tier, then RESTORED', async () => {
    const own = new ManualClock(T0);
    const timed = await startOssEmulator({ clock: own });
    try {
      const creds = timed.describe() as { accessKeyId: string; accessKeySecret: string };
      timed.createBucket(BUCKET);
      timed.putObject(BUCKET, 'raise/cold.bin', 'cold', { storageClass: 'ColdArchive' });
      const store = new MemoryStateStore();
      const policy = new CostPolicy({ ...DEFAULT_LIMITS, allow: parseAllowList(BUCKET), dailyRestores: 1, maxTier: 'Expedited' }, new MemoryCounterStore());
      const coordinator = new Coordinator({ store, objects: new AliOssObjectStore({ endpoint: timed.endpoint, ...creds }), clock: own, policy });
      const ask = (tier?: 'Expedited'): Miss => ({
        bucket: BUCKET,
        key: 'raise/cold.bin',
        source: 'http',
        seenAtMs: own.nowMs(),
        ...(tier ? { request: { tier } } : {}),
      });

      await coordinator.request([ask()]);
      own.advance(60_000);
      const { outcomes } = await coordinator.request([ask('Expedited')]);
      expect(outcomes[0]?.raiseRefused).toMatchObject({ kind: 'deferred', reason: 'daily-restore-budget' });
      expect(store.all()[0]).toMatchObject({ state: 'RESTORING', tier: 'Standard', requestedAtMs: T0, etaAtMs: T0 + 5 * 3_600_000 });

      own.set(T0 + 5 * 3_600_000);
      timed.tick();
      await coordinator.refresh([{ bucket: BUCKET, key: 'raise/cold.bin' }]);
      expect(store.all()[0]).toMatchObject({ state: 'RESTORED', tier: 'Standard' });
      const restores = ((await (await controlFetch(`${timed.endpoint}/-/stats`)).json()) as Stats).restores;
      expect(restores[`${BUCKET}/raise/cold.bin`]).toBe(1);
    } finally {
      await timed.close();
    }
  });

  // A key with a "." or ".." segment cannot be addressed through ali-oss: REFUSED, not FAILED for good.
  it('records a key with a ".." segment REFUSED without sending OSS anything', async () => {
    const before = (await stats()).operations;
    const store = new MemoryStateStore();
    const { summary } = await new Coordinator({ store, objects, clock }).request([miss('a/../b'), miss('./x')]);
    expect(summary).toMatchObject({ refused: 2, failed: 0 });
    expect(store.all().map((r) => [r.key, r.state, r.reason])).toEqual([
      ['a/../b', 'REFUSED', 'unaddressable-key'],
      ['./x', 'REFUSED', 'unaddressable-key'],
    ]);
    expect((await stats()).operations).toEqual(before);
  });
});
