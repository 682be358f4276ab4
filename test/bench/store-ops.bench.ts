// Store operations per miss for duplicate-heavy batches, and coordinator throughput with the
// Tablestore adapter over the Tablestore emulator (real tablestore SDK, real ali-oss, loopback).
// Goals: at most one read per distinct object per batch; zero writes for objects already RESTORING.
import { startOssEmulator } from '../../lib/emulators/oss';
import { startTablestoreEmulator } from '../../lib/emulators/tablestore';
import { AliOssObjectStore } from '../../lib/oss/object-store';
import { Coordinator } from '../../lib/restore/coordinator';
import type { Miss } from '../../lib/restore/miss';
import type { StateStore } from '../../lib/restore/ports';
import { TablestoreStateStore } from '../../lib/store/tablestore';
import { ensureTables } from '../../lib/store/tablestore-schema';
import { type Benchmark, type Figure, round, timed } from './harness';

const MISSES = 10_000;
const OBJECTS = 1_000;

function counting(store: StateStore) {
  const counts = { idsRead: 0, readCalls: 0, writes: 0 };
  const wrapped: StateStore = {
    getMany: (ids) => {
      counts.readCalls++;
      counts.idsRead += ids.length;
      return store.getMany(ids);
    },
    create: (r) => {
      counts.writes++;
      return store.create(r);
    },
    update: (r) => {
      counts.writes++;
      return store.update(r);
    },
    listDue: (n, l) => store.listDue(n, l),
    list: (q) => store.list(q),
    countStates: (n, c) => store.countStates(n, c),
  };
  return { wrapped, counts };
}

export const storeOpsBenchmark: Benchmark = {
  name: 'store-ops',
  description: `${MISSES} misses over ${OBJECTS} ColdArchive objects, Tablestore adapter over the emulator, twice`,
  async run(): Promise<Figure[]> {
    const oss = await startOssEmulator();
    const tablestore = await startTablestoreEmulator();
    try {
      oss.createBucket('thaw-bench');
      for (let i = 0; i < OBJECTS; i++) oss.putObject('thaw-bench', `k/${i}`, 'x', { storageClass: 'ColdArchive' });
      const ts = tablestore.describe() as { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
      const store = new TablestoreStateStore({ ...ts, table: 'thaw_bench' });
      await ensureTables(store);
      const creds = oss.describe() as { accessKeyId: string; accessKeySecret: string };
      const objects = new AliOssObjectStore({ endpoint: oss.endpoint, ...creds });
      const misses: Miss[] = Array.from({ length: MISSES }, (_, i) => ({
        bucket: 'thaw-bench',
        key: `k/${i % OBJECTS}`,
        source: 'access-log',
        seenAtMs: Date.now(),
      }));

      const first = counting(store);
      const { ms: firstMs } = await timed(() => new Coordinator({ store: first.wrapped, objects }).request(misses));
      const second = counting(store);
      const { ms: secondMs } = await timed(() => new Coordinator({ store: second.wrapped, objects }).request(misses));

      return [
        { name: 'first pass misses/s (new objects)', value: round(MISSES / (firstMs / 1000)), unit: 'misses/s' },
        { name: 'first pass ids read per distinct object', value: round(first.counts.idsRead / OBJECTS, 2), unit: 'reads', target: 'goal ≤ 1' },
        { name: 'first pass BatchGetRow calls', value: first.counts.readCalls, unit: 'calls' },
        { name: 'first pass writes per distinct object', value: round(first.counts.writes / OBJECTS, 2), unit: 'writes', target: 'claim + outcome = 2' },
        { name: 'second pass misses/s (all RESTORING)', value: round(MISSES / (secondMs / 1000)), unit: 'misses/s' },
        { name: 'second pass ids read per distinct object', value: round(second.counts.idsRead / OBJECTS, 2), unit: 'reads', target: 'goal ≤ 1' },
        { name: 'second pass writes', value: second.counts.writes, unit: 'writes', target: 'goal 0' },
        { name: 'RestoreObject calls (both passes)', value: oss.stats().operations.RestoreObject ?? 0, unit: 'calls', target: `must be ${OBJECTS}` },
      ];
    } finally {
      await oss.close();
      await tablestore.close();
    }
  },
};
