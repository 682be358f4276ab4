// 10,000 misses over 1,000 distinct archived objects: the coordinator against a naive loop that
// HEADs and restores for every miss, both through ali-oss against the OSS emulator on loopback.
import OSS from 'ali-oss';
import { startOssEmulator } from '../../lib/emulators/oss';
import { AliOssObjectStore } from '../../lib/oss/object-store';
import { Coordinator } from '../../lib/restore/coordinator';
import type { Miss } from '../../lib/restore/miss';
import { mapWithLimit } from '../../lib/restore/retry';
import { MemoryStateStore } from '../../lib/store/memory';
import { type Benchmark, type Figure, round, timed } from './harness';

const MISSES = 10_000;
const OBJECTS = 1_000;
const CONCURRENCY = 32;

async function restoreCount(endpoint: string): Promise<number> {
  const stats = (await (await fetch(`${endpoint}/-/stats`)).json()) as { operations: Record<string, number> };
  return stats.operations.RestoreObject ?? 0;
}

async function seeded(bucket: string) {
  const emulator = await startOssEmulator();
  emulator.createBucket(bucket);
  for (let i = 0; i < OBJECTS; i++) emulator.putObject(bucket, `data/part-${String(i).padStart(5, '0')}.parquet`, Buffer.from('x'), { storageClass: 'Archive' });
  return emulator;
}

function misses(bucket: string): Miss[] {
  // Each object missed 10 times, interleaved as an access log would deliver them.
  return Array.from({ length: MISSES }, (_, i) => ({
    bucket,
    key: `data/part-${String(i % OBJECTS).padStart(5, '0')}.parquet`,
    source: 'access-log',
    seenAtMs: Date.now(),
  }));
}

export const coordinatorBenchmark: Benchmark = {
  name: 'coordinator',
  description: `${MISSES} misses over ${OBJECTS} archived objects (memory store, ali-oss, OSS emulator on loopback)`,
  async run(): Promise<Figure[]> {
    const bucket = 'thaw-bench';

    const ours = await seeded(bucket);
    const creds = ours.describe() as { accessKeyId: string; accessKeySecret: string };
    const coordinator = new Coordinator({
      store: new MemoryStateStore(),
      objects: new AliOssObjectStore({ endpoint: ours.endpoint, ...creds }),
      settings: { concurrency: CONCURRENCY },
    });
    const batch = misses(bucket);
    const { ms: coordMs } = await timed(() => coordinator.handle(batch));
    const coordRestores = await restoreCount(ours.endpoint);
    await ours.close();

    const theirs = await seeded(bucket);
    const client = new OSS({ endpoint: theirs.endpoint, ...creds, bucket, retryMax: 0 } as OSS.Options);
    const { ms: naiveMs } = await timed(() =>
      mapWithLimit(batch, CONCURRENCY, async (m) => {
        const head = await client.head(m.key);
        const storageClass = (head.res as unknown as { headers: Record<string, string> }).headers['x-oss-storage-class'];
        await client.restore(m.key, { type: storageClass } as OSS.RequestOptions).catch(() => undefined);
      }),
    );
    const naiveRestores = await restoreCount(theirs.endpoint);
    await theirs.close();

    const coordRate = MISSES / (coordMs / 1000);
    const naiveRate = MISSES / (naiveMs / 1000);
    return [
      { name: 'coordinator misses/s', value: round(coordRate), unit: 'misses/s' },
      { name: 'coordinator RestoreObject calls', value: coordRestores, unit: 'calls', target: `must be ${OBJECTS}` },
      { name: 'naive loop misses/s', value: round(naiveRate), unit: 'misses/s' },
      { name: 'naive loop RestoreObject calls', value: naiveRestores, unit: 'calls' },
      { name: 'coordinator / naive speed', value: round(coordRate / naiveRate, 2), unit: 'x' },
    ];
  },
};
