// 10,000 misses over 1,000 distinct archived objects: the coordinator against a naive loop that
// HEADs and restores for every miss, both through ali-oss against the OSS emulator on loopback.
import OSS from 'ali-oss';
import { type OssEmulator, startOssEmulator } from '../../lib/emulators/oss';
import { AliOssObjectStore } from '../../lib/oss/object-store';
import { Coordinator } from '../../lib/restore/coordinator';
import type { Miss } from '../../lib/restore/miss';
import { mapWithLimit } from '../../lib/retry';
import { MemoryStateStore } from '../../lib/store/memory';
import { type Benchmark, type Figure, round, timed } from './harness';

const MISSES = 10_000;
const OBJECTS = 1_000;
const CONCURRENCY = 32;

async function restoresIn(endpoint: string, bucket: string): Promise<number> {
  const stats = (await (await fetch(`${endpoint}/-/stats`)).json()) as { restores: Record<string, number> };
  return Object.entries(stats.restores)
    .filter(([object]) => object.startsWith(`${bucket}/`))
    .reduce((n, [, count]) => n + count, 0);
}

function seed(emulator: OssEmulator, bucket: string): void {
  emulator.createBucket(bucket);
  for (let i = 0; i < OBJECTS; i++) emulator.putObject(bucket, keyOf(i), Buffer.from('x'), { storageClass: 'Archive' });
}

const keyOf = (i: number) => `data/part-${String(i).padStart(5, '0')}.parquet`;

function misses(bucket: string): Miss[] {
  // Each object missed 10 times, interleaved as an access log would deliver them.
  return Array.from({ length: MISSES }, (_, i) => ({ bucket, key: keyOf(i % OBJECTS), source: 'access-log', seenAtMs: Date.now() }));
}

export const coordinatorBenchmark: Benchmark = {
  name: 'coordinator',
  description: `${MISSES} misses over ${OBJECTS} archived objects (memory store, ali-oss, OSS emulator on loopback)`,
  async run(): Promise<Figure[]> {
    // One emulator for both runs (ali-oss keeps a process-wide keep-alive agent, and a second
    // emulator on a reused port would meet the first one's dead sockets), one bucket each.
    const emulator = await startOssEmulator();
    const creds = emulator.describe() as { accessKeyId: string; accessKeySecret: string };
    seed(emulator, 'thaw-bench-coordinator');
    seed(emulator, 'thaw-bench-naive');

    const coordinator = new Coordinator({
      store: new MemoryStateStore(),
      objects: new AliOssObjectStore({ endpoint: emulator.endpoint, ...creds }),
      settings: { concurrency: CONCURRENCY },
    });
    const { ms: coordMs } = await timed(() => coordinator.request(misses('thaw-bench-coordinator')));
    const coordRestores = await restoresIn(emulator.endpoint, 'thaw-bench-coordinator');

    const client = new OSS({ endpoint: emulator.endpoint, ...creds, bucket: 'thaw-bench-naive', retryMax: 0 } as OSS.Options);
    const { ms: naiveMs } = await timed(() =>
      mapWithLimit(misses('thaw-bench-naive'), CONCURRENCY, async (m) => {
        const head = await client.head(m.key);
        const storageClass = (head.res as unknown as { headers: Record<string, string> }).headers['x-oss-storage-class'];
        await client.restore(m.key, { type: storageClass } as OSS.RequestOptions).catch(() => undefined);
      }),
    );
    const naiveRestores = await restoresIn(emulator.endpoint, 'thaw-bench-naive');
    await emulator.close();

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
