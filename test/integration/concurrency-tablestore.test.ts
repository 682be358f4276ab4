// The concurrency proof: many coordinator invocations at once, over the Tablestore adapter and
// the Tablestore emulator, with real ali-oss against the OSS emulator. RestoreObject calls are
// counted by the OSS emulator; every successful store write is logged to show that no write
// ever replaced a version it had not read (each id's versions form one chain 1, 2, 3, …).
import { setImmediate as yieldTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { startOssEmulator, type OssEmulator } from '../../lib/emulators/oss';
import { startTablestoreEmulator } from '../../lib/emulators/tablestore';
import { AliOssObjectStore } from '../../lib/oss/object-store';
import { Coordinator } from '../../lib/restore/coordinator';
import type { Miss } from '../../lib/restore/miss';
import type { StateStore } from '../../lib/restore/ports';
import { TablestoreStateStore } from '../../lib/store/tablestore';
import { TablestoreAdmin } from '../../lib/store/tablestore-admin';
import { ensureTables } from '../../lib/store/tablestore-schema';
import { controlFetch } from '../../lib/emulators/shared/control';

const OBJECTS = 100;
const INVOCATIONS = 50;
const MISSES_PER_INVOCATION = 200;

/** Wraps a store and records every write that succeeded. */
function recording(store: StateStore) {
  const writes: { id: string; version: number }[] = [];
  const wrapped: StateStore = {
    getMany: (ids) => store.getMany(ids),
    listDue: (now, limit) => store.listDue(now, limit),
    list: (q) => store.list(q),
    countStates: (now, cap) => store.countStates(now, cap),
    create: async (r) => {
      const result = await store.create(r);
      if (result.ok) writes.push({ id: r.id, version: r.version });
      return result;
    },
    update: async (r) => {
      const result = await store.update(r);
      if (result.ok) writes.push({ id: r.id, version: r.version });
      return result;
    },
  };
  return { wrapped, writes };
}

/** For each id, the successful writes must be exactly versions 1..n, each once. */
function chainsAreUnbroken(writes: { id: string; version: number }[]): boolean {
  const byId = new Map<string, number[]>();
  for (const w of writes) byId.set(w.id, [...(byId.get(w.id) ?? []), w.version]);
  return [...byId.values()].every((versions) => versions.sort((a, b) => a - b).every((v, i) => v === i + 1));
}

describe('concurrency proof: Tablestore adapter + emulators', () => {
  let oss: OssEmulator;
  let tablestore: Awaited<ReturnType<typeof startTablestoreEmulator>>;
  let objects: AliOssObjectStore;
  let tsSettings: { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };

  beforeAll(async () => {
    oss = await startOssEmulator();
    tablestore = await startTablestoreEmulator();
    tsSettings = tablestore.describe() as typeof tsSettings;
    const creds = oss.describe() as { accessKeyId: string; accessKeySecret: string };
    objects = new AliOssObjectStore({ endpoint: oss.endpoint, accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret });
  });
  afterAll(async () => {
    await oss?.close();
    await tablestore?.close();
  });

  async function run(bucket: string, table: string, options: { busyRate?: number } = {}) {
    oss.createBucket(bucket);
    const keys = Array.from({ length: OBJECTS }, (_, i) => `part-${i}.parquet`);
    for (const key of keys) oss.putObject(bucket, key, Buffer.from(key), { storageClass: 'ColdArchive' });
    // Busy answers are retried after a backoff; here the backoff only yields a turn, so the
    // proof does not wait real seconds (the interleaving is what it is about, not the delay).
    const store = new TablestoreStateStore({ ...tsSettings, table, sleep: async () => void (await yieldTurn()) });
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    await ensureTables(new TablestoreAdmin({ ...tsSettings, table }));
    const { wrapped, writes } = recording(store);
    if (options.busyRate) {
      const faults = await controlFetch(`${tsSettings.endpoint}/-/faults`, {
        method: 'POST',
        body: JSON.stringify({ seed: 20, rules: [{ operation: '*', errorRate: options.busyRate }] }),
      });
      expect(faults.ok).toBe(true);
    }

    // Each invocation gets 200 misses drawn from the same 100 objects (each object twice,
    // in a different order per invocation).
    const invocations = Array.from({ length: INVOCATIONS }, (_, n) => {
      const misses: Miss[] = Array.from({ length: MISSES_PER_INVOCATION }, (_, i) => ({
        bucket,
        key: keys[(i * 7 + n * 13) % OBJECTS]!,
        source: 'access-log',
        seenAtMs: clock.nowMs(),
      }));
      return new Coordinator({ store: wrapped, objects, clock, settings: { concurrency: 16 } }).request(misses);
    });
    const results = await Promise.all(invocations);
    await controlFetch(`${tsSettings.endpoint}/-/faults`, { method: 'DELETE' });

    const stats = (await (await controlFetch(`${oss.endpoint}/-/stats`)).json()) as { restores: Record<string, number> };
    const all = await store.getMany([...new Set(writes.map((w) => w.id))]);
    return { results, stats, all, writes, keys };
  }

  it('50 invocations × 200 misses over 100 objects: exactly 100 RestoreObject calls', async () => {
    const { stats, all, writes, keys } = await run('thaw-conc', 'thaw_conc');
    expect(keys.map((k) => stats.restores[`thaw-conc/${k}`])).toEqual(Array(OBJECTS).fill(1));
    expect(all.size).toBe(OBJECTS);
    // Version 2 exactly: one claim, one outcome, nothing else written.
    expect([...all.values()].map((r) => `${r.state} v${r.version}`)).toEqual(Array(OBJECTS).fill('RESTORING v2'));
    expect(chainsAreUnbroken(writes)).toBe(true);
  });

  it('the same with the Tablestore emulator answering 20% of calls OTSServerBusy', async () => {
    try {
      const { stats, all, writes, keys } = await run('thaw-busy', 'thaw_busy', { busyRate: 0.2 });
      const busy = (await (await controlFetch(`${tsSettings.endpoint}/-/stats`)).json()) as Record<string, unknown>;
      expect(JSON.stringify(busy)).toContain('OTSServerBusy');
      expect(keys.map((k) => stats.restores[`thaw-busy/${k}`])).toEqual(Array(OBJECTS).fill(1));
      expect([...all.values()].map((r) => `${r.state} v${r.version}`)).toEqual(Array(OBJECTS).fill('RESTORING v2'));
      expect(all.size).toBe(OBJECTS);
      expect(chainsAreUnbroken(writes)).toBe(true);
    } finally {
      await controlFetch(`${tsSettings.endpoint}/-/faults`, { method: 'DELETE' });
    }
  });
});
