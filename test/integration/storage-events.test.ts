// Storage events from the OSS emulator (the OSS trigger's record shape) applied to records:
// FinishRestore records RESTORED at once, rewrites and deletes invalidate, duplicates change nothing.
import OSS from 'ali-oss';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { type OssEmulator, type OssEventRecord, startOssEmulator } from '../../lib/emulators/oss';
import { applyStorageEvents } from '../../lib/events/apply';
import { parseStorageEvents } from '../../lib/events/storage-event';
import { silentLogger } from '../../lib/log';
import { AliOssObjectStore } from '../../lib/oss/object-store';
import { Coordinator } from '../../lib/restore/coordinator';
import type { Miss } from '../../lib/restore/miss';
import { MemoryStateStore } from '../../lib/store/memory';

const BUCKET = 'thaw-events';

describe('storage events over the OSS emulator', () => {
  // Each test gets its own emulator, store and clock, from a fixed start in whole seconds
  // (x-oss-restore carries the expiry to the second): none depends on another's events or time.
  let clock: ManualClock;
  let events: OssEventRecord[];
  let oss: OssEmulator;
  let client: OSS;
  let store: MemoryStateStore;
  let coordinator: Coordinator;
  const miss = (key: string): Miss => ({ bucket: BUCKET, key, source: 'access-log', seenAtMs: clock.nowMs() });
  const apply = (payload: unknown) => applyStorageEvents(parseStorageEvents(payload).events, { coordinator, store, clock, log: silentLogger });
  const byKey = (key: string) => store.all().find((r) => r.key === key);

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 1, 8, 0, 0));
    events = [];
    oss = await startOssEmulator({ clock, onEvent: (e) => events.push(e) });
    const creds = oss.describe() as { accessKeyId: string; accessKeySecret: string };
    client = new OSS({ endpoint: oss.endpoint, ...creds, bucket: BUCKET });
    await client.putBucket(BUCKET);
    store = new MemoryStateStore();
    coordinator = new Coordinator({ store, objects: new AliOssObjectStore({ endpoint: oss.endpoint, ...creds }), clock });
  });
  afterEach(async () => {
    await oss?.close();
  });

  it('records a ColdArchive restore as RESTORED when FinishRestore arrives, before its ETA', async () => {
    const t0 = clock.nowMs();
    await client.put('cold.bin', Buffer.from('c'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    await coordinator.request([miss('cold.bin')]);
    expect(byKey('cold.bin')).toMatchObject({ state: 'RESTORING', tier: 'Standard', etaAtMs: t0 + 5 * 3_600_000 });

    // Someone else raises the restore to Expedited: OSS finishes in an hour, four before our ETA.
    await client.restore('cold.bin', { type: 'ColdArchive', Days: 1, JobParameters: 'Expedited' } as OSS.RequestOptions);
    clock.advance(3_600_000);
    oss.tick();
    const finish = events.filter((e) => e.eventName === 'ObjectRestore:FinishRestore');
    expect(finish).toHaveLength(1);
    const outcome = await apply({ events: finish });
    expect(outcome).toMatchObject({ refreshed: 1, invalidated: 0 });
    expect(byKey('cold.bin')).toMatchObject({ state: 'RESTORED', expiresAtMs: t0 + 3_600_000 + 86_400_000 });

    // The same event again (EventBridge delivers at least once): nothing changes.
    const version = byKey('cold.bin')!.version;
    expect(await apply({ events: finish })).toMatchObject({ refreshed: 0 });
    expect(byKey('cold.bin')!.version).toBe(version);
  });

  it('invalidates the record of an object that is rewritten, and of one that is deleted', async () => {
    await client.put('rewritten.bin', Buffer.from('r'), { headers: { 'x-oss-storage-class': 'Archive' } });
    await client.put('deleted.bin', Buffer.from('d'), { headers: { 'x-oss-storage-class': 'Archive' } });
    await coordinator.request([miss('rewritten.bin'), miss('deleted.bin')]);
    expect(byKey('rewritten.bin')?.state).toBe('RESTORING');
    events.length = 0;

    // A second later the object is rewritten and another one deleted.
    clock.advance(1000);
    await client.put('rewritten.bin', Buffer.from('now standard'));
    await client.delete('deleted.bin');
    const payload = { events: [...events] };
    expect(payload.events.map((e) => e.eventName)).toEqual(['ObjectCreated:PutObject', 'ObjectRemoved:DeleteObject']);
    expect(await apply(payload)).toMatchObject({ invalidated: 2 });
    // Invalidated, not deleted: the version keeps counting, and nothing is due.
    expect(byKey('rewritten.bin')).toMatchObject({ invalidatedAtMs: clock.nowMs(), version: 3 });
    expect(byKey('deleted.bin')).toMatchObject({ invalidatedAtMs: clock.nowMs(), version: 3 });
    expect(await store.listDue(clock.nowMs() + 365 * 86_400_000, 100)).toEqual([]);

    // Duplicates find nothing to invalidate.
    expect(await apply(payload)).toMatchObject({ invalidated: 0 });

    // The next miss starts from a fresh HEAD: the rewritten object is Standard now.
    clock.advance(1000);
    await coordinator.request([miss('rewritten.bin')]);
    expect(byKey('rewritten.bin')).toMatchObject({ state: 'NOT_ARCHIVED', storageClass: 'Standard', version: 5 });
    expect(byKey('rewritten.bin')?.invalidatedAtMs).toBeUndefined();

    // The same events delivered late, after the new record: its HEAD already saw the change.
    expect(await apply(payload)).toMatchObject({ invalidated: 0 });
    expect(byKey('rewritten.bin')).toMatchObject({ state: 'NOT_ARCHIVED', version: 5 });
  });

  it('ignores FinishRestore for an object nobody asked oss-thaw to restore', async () => {
    await client.put('foreign.bin', Buffer.from('f'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    await client.restore('foreign.bin', { type: 'ColdArchive', Days: 1, JobParameters: 'Expedited' } as OSS.RequestOptions);
    events.length = 0;
    clock.advance(3_600_000);
    oss.tick();
    expect(await apply({ events: [...events] })).toMatchObject({ untracked: 1, refreshed: 0 });
    expect(byKey('foreign.bin')).toBeUndefined();
  });
});
