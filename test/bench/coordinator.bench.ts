// 10,000 misses over 1,000 distinct archived objects: the coordinator against a naive loop that
// HEADs and restores for every miss, both through ali-oss against the OSS emulator on loopback, on
// the same data in the same run. Five rounds, alternating which goes first, each on an emulator
// of its own; the figures are the medians (this machine's two cores are shared with other work, so
// one round is noisy: the CPU time this process spent per miss is reported beside the wall-clock
// rate, as it moves far less with the machine's load). The coordinator uses the memory store here:
// the figure is the coordinator's own cost against OSS calls; store-ops measures Tablestore.
import OSS from 'ali-oss';
import { type OssAccessLogRecord, type OssEmulator, startOssEmulator } from '../../lib/emulators/oss';
import { AliOssObjectStore } from '../../lib/oss/object-store';
import { Coordinator } from '../../lib/restore/coordinator';
import type { Miss } from '../../lib/restore/miss';
import { mapWithLimit } from '../../lib/retry';
import { MemoryStateStore } from '../../lib/store/memory';
import { type Benchmark, type Figure, FUNCTION_MEMORY_GB, median, round, timed } from './harness';

const MISSES = 10_000;
const OBJECTS = 1_000;
const CONCURRENCY = 32;
const ROUNDS = 5;

const keyOf = (i: number) => `data/part-${String(i).padStart(5, '0')}.parquet`;

function misses(bucket: string, count = MISSES): Miss[] {
  // Each object missed 10 times, interleaved as an access log would deliver them.
  return Array.from({ length: count }, (_, i) => ({ bucket, key: keyOf(i % (count / 10)), source: 'access-log', seenAtMs: Date.now() }));
}

/** What one run asked of OSS, from the emulator's own access log. */
function calls(log: readonly OssAccessLogRecord[], bucket: string) {
  const mine = log.filter((r) => r.bucket === bucket);
  const restores = mine.filter((r) => r.operation === 'RestoreObject');
  const billed = new Map<string, number>();
  for (const r of restores.filter((x) => x.http_status === '202')) billed.set(r.object, (billed.get(r.object) ?? 0) + 1);
  return {
    requests: mine.length,
    restores: restores.length,
    billed: [...billed.values()].reduce((a, b) => a + b, 0),
    maxBilledPerObject: Math.max(0, ...billed.values()),
  };
}

interface Round {
  coordRate: number;
  naiveRate: number;
  /** CPU ms of this process (client and emulator) per miss. */
  coordCpu: number;
  naiveCpu: number;
  coord: ReturnType<typeof calls>;
  naive: ReturnType<typeof calls>;
}

async function round_(n: number, misses_ = MISSES): Promise<Round> {
  const log: OssAccessLogRecord[] = [];
  const emulator: OssEmulator = await startOssEmulator({ onAccessLog: (r) => log.push(r) });
  try {
    const creds = emulator.describe() as { accessKeyId: string; accessKeySecret: string };
    const [coordBucket, naiveBucket] = [`thaw-bench-coordinator-${n}`, `thaw-bench-naive-${n}`];
    for (const bucket of [coordBucket, naiveBucket]) {
      emulator.createBucket(bucket);
      for (let i = 0; i < OBJECTS; i++) emulator.putObject(bucket, keyOf(i), Buffer.from('x'), { storageClass: 'Archive' });
    }
    const coordinator = new Coordinator({
      store: new MemoryStateStore(),
      objects: new AliOssObjectStore({ endpoint: emulator.endpoint, ...creds }),
      settings: { concurrency: CONCURRENCY },
    });
    const client = new OSS({ endpoint: emulator.endpoint, ...creds, bucket: naiveBucket, retryMax: 0 } as OSS.Options);
    const runCoordinator = () => timed(() => coordinator.request(misses(coordBucket, misses_)));
    const runNaive = () =>
      timed(() =>
        mapWithLimit(misses(naiveBucket, misses_), CONCURRENCY, async (m) => {
          const head = await client.head(m.key);
          const storageClass = (head.res as unknown as { headers: Record<string, string> }).headers['x-oss-storage-class'];
          // A second restore of the same object answers 409 (ali-oss throws): the naive loop carries on.
          await client.restore(m.key, { type: storageClass } as OSS.RequestOptions).catch(() => undefined);
        }),
      );
    const measure = async (fn: () => Promise<{ ms: number }>) => {
      const cpu = process.cpuUsage();
      const { ms } = await fn();
      const used = process.cpuUsage(cpu);
      return { ms, cpuMs: (used.user + used.system) / 1000 };
    };
    let coord: { ms: number; cpuMs: number };
    let naive: { ms: number; cpuMs: number };
    if (n % 2 === 0) {
      coord = await measure(runCoordinator);
      naive = await measure(runNaive);
    } else {
      naive = await measure(runNaive);
      coord = await measure(runCoordinator);
    }
    return {
      coordRate: misses_ / (coord.ms / 1000),
      naiveRate: misses_ / (naive.ms / 1000),
      coordCpu: coord.cpuMs / misses_,
      naiveCpu: naive.cpuMs / misses_,
      coord: calls(log, coordBucket),
      naive: calls(log, naiveBucket),
    };
  } finally {
    await emulator.close();
  }
}

export const coordinatorBenchmark: Benchmark = {
  name: 'coordinator',
  description: `${MISSES} misses over ${OBJECTS} Archive objects, coordinator (memory store) vs naive HEAD + RestoreObject per miss, ${ROUNDS} rounds`,
  async run(): Promise<Figure[]> {
    // A small round first, not counted: the first pass through ali-oss and the emulator runs cold
    // (JIT), and would otherwise weigh on whichever side went first.
    await round_(0, 1_000);
    const rounds: Round[] = [];
    for (let n = 0; n < ROUNDS; n++) rounds.push(await round_(n));
    const coordRate = median(rounds.map((r) => r.coordRate));
    const naiveRate = median(rounds.map((r) => r.naiveRate));
    const ratio = median(rounds.map((r) => r.coordRate / r.naiveRate));
    const last = rounds.at(-1)!;
    const per1000 = (n: number) => round((n / MISSES) * 1000, 1);
    return [
      { name: 'coordinator misses/s (median of rounds)', value: round(coordRate), unit: 'misses/s', key: 'coordinatorMissesPerSecond' },
      { name: 'naive loop misses/s (median of rounds)', value: round(naiveRate), unit: 'misses/s', key: 'naiveMissesPerSecond' },
      { name: 'coordinator / naive (median of per-round ratios)', value: round(ratio, 2), unit: '×', target: 'goal ≥ 9', key: 'coordinatorVsNaive' },
      ...rounds.map((r, n) => ({
        name: `  round ${n + 1} (${n % 2 === 0 ? 'coordinator' : 'naive'} first)`,
        value: round(r.coordRate / r.naiveRate, 2),
        unit: '×',
      })),
      {
        name: 'naive / coordinator CPU time per miss (median of rounds)',
        value: round(median(rounds.map((r) => r.naiveCpu / r.coordCpu)), 2),
        unit: `× (${round(median(rounds.map((r) => r.coordCpu)) * 1000)} µs vs ${round(median(rounds.map((r) => r.naiveCpu)) * 1000)} µs)`,
      },
      {
        name: 'RestoreObject calls per object (worst round)',
        value: round(Math.max(...rounds.map((r) => r.coord.restores)) / OBJECTS, 3),
        unit: 'calls',
        target: 'must be 1.000',
        key: 'restoreCallsPerObject',
      },
      {
        name: 'OSS calls per distinct object (HEAD + RestoreObject)',
        value: round(last.coord.requests / OBJECTS, 2),
        unit: 'calls',
        target: 'goal 2',
        key: 'ossCallsPerDistinctObject',
      },
      { name: 'naive loop OSS calls per distinct object', value: round(last.naive.requests / OBJECTS, 2), unit: 'calls' },
      {
        name: 'billed restores (202) per object, coordinator / naive',
        value: last.coord.maxBilledPerObject,
        unit: `/ ${last.naive.maxBilledPerObject} at most`,
      },
      { name: 'per 1000 misses: OSS requests, oss-thaw', value: per1000(last.coord.requests), unit: 'requests', key: 'costPer1000Misses.thaw.ossRequests' },
      { name: 'per 1000 misses: OSS requests, naive', value: per1000(last.naive.requests), unit: 'requests', key: 'costPer1000Misses.naive.ossRequests' },
      { name: 'per 1000 misses: billed restores, oss-thaw', value: per1000(last.coord.billed), unit: 'restores', key: 'costPer1000Misses.thaw.billedRestores' },
      { name: 'per 1000 misses: billed restores, naive', value: per1000(last.naive.billed), unit: 'restores', key: 'costPer1000Misses.naive.billedRestores' },
      { name: 'per 1000 misses: Tablestore reads, naive', value: 0, unit: 'rows', key: 'costPer1000Misses.naive.tablestoreReads' },
      { name: 'per 1000 misses: Tablestore writes, naive', value: 0, unit: 'rows', key: 'costPer1000Misses.naive.tablestoreWrites' },
      {
        name: 'per 1000 misses: FC GB-s, naive (its time here × 256 MB)',
        value: round((1000 / naiveRate) * FUNCTION_MEMORY_GB, 3),
        unit: 'GB-s',
        key: 'costPer1000Misses.naive.fcGbSeconds',
      },
    ];
  },
};
