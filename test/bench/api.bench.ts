// The HTTP API over loopback against `thaw dev` in its own process (the deployed http function in
// a worker thread behind the local HTTP trigger, over the Tablestore and OSS emulators):
//   saturation  status reads (GET of a RESTORING record: one store read, no OSS call), 16
//               connections, each sending its next request as soon as the last is answered
//   latency     the same reads at a fixed offered rate of 100 requests/s, open loop: each request
//               is sent at its scheduled instant whatever the others do, and its latency counts
//               from that instant, so a stall shows up in the percentiles instead of hiding
//   restores    POSTs of new objects (HEAD + RestoreObject + 2 writes + budget), 16 connections
import { Agent, request } from 'node:http';
import OSS from 'ali-oss';
import { mapWithLimit } from '../../lib/retry';
import { spawnDev } from '../support/dev-stack';
import { type Benchmark, type Figure, percentile, round, timed } from './harness';

const OBJECTS = 300;
const SATURATION_READS = 4_000;
const CONNECTIONS = 16;
const OFFERED_RATE = 100;
const OPEN_LOOP_SECONDS = 15;

/** One GET over a keep-alive agent; resolves with the status once the body has been read. */
function get(agent: Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export const apiBenchmark: Benchmark = {
  name: 'api',
  description: `status reads against thaw dev: ${CONNECTIONS} connections closed loop, and ${OFFERED_RATE} req/s open loop for ${OPEN_LOOP_SECONDS} s; ${OBJECTS} restore requests`,
  async run(): Promise<Figure[]> {
    // The rate limit is a cost guard; raised to its ceiling so the figures show the API, not the guard.
    const dev = await spawnDev(['--log-level', 'warn'], { THAW_RESTORES_PER_SECOND: '450' });
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    try {
      const { api, apiToken, oss: o } = dev.info;
      const oss = new OSS({ endpoint: o.endpoint, accessKeyId: o.accessKeyId, accessKeySecret: o.accessKeySecret, bucket: 'thaw-demo' });
      for (let i = 0; i < OBJECTS; i++) await oss.put(`bench/${i}.bin`, Buffer.from('x'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
      const headers = { authorization: `Bearer ${apiToken}` };
      const url = (i: number) => new URL(`${api}/v1/restores/thaw-demo/${encodeURIComponent(`bench/${i}.bin`)}`);

      const postLatencies: number[] = [];
      let deferred = 0;
      await mapWithLimit(
        Array.from({ length: OBJECTS }, (_, i) => i),
        CONNECTIONS,
        async (i) => {
          const { result, ms } = await timed(() => fetch(url(i), { method: 'POST', headers }));
          await result.arrayBuffer();
          if (result.status === 429) deferred++;
          else if (result.status !== 202) throw new Error(`POST answered ${result.status}`);
          else postLatencies.push(ms);
        },
      );
      const expectRead = (status: number) => {
        if (status !== 202 && status !== 429) throw new Error(`GET answered ${status}`);
      };

      // Warm the path (the worker thread's SDK load, keep-alive connections) before measuring.
      await mapWithLimit(
        Array.from({ length: 200 }, (_, i) => i % OBJECTS),
        CONNECTIONS,
        async (i) => expectRead(await get(agent, url(i), headers)),
      );

      const { ms: saturationMs } = await timed(() =>
        mapWithLimit(
          Array.from({ length: SATURATION_READS }, (_, i) => i % OBJECTS),
          CONNECTIONS,
          async (i) => expectRead(await get(agent, url(i), headers)),
        ),
      );

      const openLoop: number[] = [];
      const requests = OFFERED_RATE * OPEN_LOOP_SECONDS;
      const intervalMs = 1000 / OFFERED_RATE;
      const start = performance.now();
      const sent: Promise<void>[] = [];
      for (let i = 0; i < requests; i++) {
        const due = start + i * intervalMs;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        sent.push(
          get(agent, url(i % OBJECTS), headers).then((status) => {
            expectRead(status);
            openLoop.push(performance.now() - due);
          }),
        );
      }
      await Promise.all(sent);
      const achievedRate = requests / ((performance.now() - start) / 1000);
      openLoop.sort((a, b) => a - b);
      postLatencies.sort((a, b) => a - b);
      return [
        {
          name: `status reads/s, ${CONNECTIONS} connections (saturation)`,
          value: round(SATURATION_READS / (saturationMs / 1000)),
          unit: 'req/s',
          key: 'httpSaturationRequestsPerSecond',
        },
        { name: `status read p50 at ${OFFERED_RATE} req/s offered (open loop)`, value: round(percentile(openLoop, 50), 2), unit: 'ms', key: 'httpStatusP50Ms' },
        {
          name: `status read p99 at ${OFFERED_RATE} req/s offered (open loop)`,
          value: round(percentile(openLoop, 99), 2),
          unit: 'ms',
          target: 'goal ≤ 10',
          key: 'httpStatusP99Ms',
        },
        { name: 'status read max at 100 req/s offered', value: round(openLoop.at(-1) ?? Number.NaN, 2), unit: 'ms' },
        { name: 'rate achieved by the open loop', value: round(achievedRate, 1), unit: 'req/s' },
        { name: 'restore request p50 (HEAD + RestoreObject + 2 writes + budget)', value: round(percentile(postLatencies, 50), 2), unit: 'ms' },
        { name: 'restore request p99', value: round(percentile(postLatencies, 99), 2), unit: 'ms' },
        { name: 'restore requests deferred by the 450/s rate limit', value: deferred, unit: 'requests' },
      ];
    } finally {
      agent.destroy();
      await dev.stop();
    }
  },
};
