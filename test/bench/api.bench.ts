// The HTTP API over loopback against `thaw dev` in its own process: status reads (GET of a
// RESTORING record: one store read, no OSS call) and restore requests (POST of new objects).
import OSS from 'ali-oss';
import { mapWithLimit } from '../../lib/retry';
import { spawnDev } from '../support/dev-stack';
import { type Benchmark, type Figure, percentile, round, timed } from './harness';

const READS = 4_000;
const RESTORES = 300;
const CONCURRENCY = 16;

export const apiBenchmark: Benchmark = {
  name: 'api',
  description: `${READS} status reads and ${RESTORES} restore requests, ${CONCURRENCY} at a time, against thaw dev over loopback`,
  async run(): Promise<Figure[]> {
    // The rate limit is a cost guard; raised to its ceiling so the figures show the API, not the guard.
    const dev = await spawnDev(['--log-level', 'warn'], { THAW_RESTORES_PER_SECOND: '450' });
    try {
      const { api, apiToken, oss: o } = dev.info;
      const oss = new OSS({ endpoint: o.endpoint, accessKeyId: o.accessKeyId, accessKeySecret: o.accessKeySecret, bucket: 'thaw-demo' });
      for (let i = 0; i < RESTORES; i++) await oss.put(`bench/${i}.bin`, Buffer.from('x'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
      const headers = { authorization: `Bearer ${apiToken}` };
      const url = (i: number) => `${api}/v1/restores/thaw-demo/${encodeURIComponent(`bench/${i}.bin`)}`;

      const postLatencies: number[] = [];
      let deferred = 0;
      await mapWithLimit(
        Array.from({ length: RESTORES }, (_, i) => i),
        CONCURRENCY,
        async (i) => {
          const { result, ms } = await timed(() => fetch(url(i), { method: 'POST', headers }));
          await result.arrayBuffer();
          if (result.status === 429) deferred++;
          else if (result.status !== 202) throw new Error(`POST answered ${result.status}`);
          else postLatencies.push(ms);
        },
      );

      const getLatencies: number[] = [];
      const { ms: readMs } = await timed(() =>
        mapWithLimit(
          Array.from({ length: READS }, (_, i) => i % RESTORES),
          CONCURRENCY,
          async (i) => {
            const { result, ms } = await timed(() => fetch(url(i), { headers }));
            if (result.status !== 202 && result.status !== 429) throw new Error(`GET answered ${result.status}`);
            await result.arrayBuffer();
            getLatencies.push(ms);
          },
        ),
      );
      getLatencies.sort((a, b) => a - b);
      postLatencies.sort((a, b) => a - b);
      return [
        { name: 'status reads per second', value: round(READS / (readMs / 1000)), unit: 'req/s' },
        { name: 'status read p50', value: round(percentile(getLatencies, 50), 2), unit: 'ms' },
        { name: 'status read p99', value: round(percentile(getLatencies, 99), 2), unit: 'ms' },
        { name: 'restore request p50 (HEAD + RestoreObject + 2 writes)', value: round(percentile(postLatencies, 50), 2), unit: 'ms' },
        { name: 'restore request p99', value: round(percentile(postLatencies, 99), 2), unit: 'ms' },
        { name: 'restore requests deferred by the 450/s rate limit', value: deferred, unit: 'requests' },
      ];
    } finally {
      await dev.stop();
    }
  },
};
