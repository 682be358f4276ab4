// Bulk restore as an operator runs it, against `thaw dev` in its own process: 10,000 ColdArchive
// objects under a prefix, listed and planned (ListObjectsV2 with RestoreInfo), then submitted
// through POST /v1/batch/restore at the pace thaw restore keeps below the configured rate limit;
// then the latency of one listing page of 100 records among those 10,000.
import OSS from 'ali-oss';
import { sleep, systemClock } from '../../lib/clock';
import { ThawApi } from '../../lib/operator/api-client';
import { listPrefix } from '../../lib/operator/oss-listing';
import { planRestore, RATE_SHARE } from '../../lib/operator/plan';
import { DEFAULT_PRICES } from '../../lib/operator/prices';
import { submitAll } from '../../lib/operator/submit';
import { parseAllowList } from '../../lib/policy/allow-list';
import { mapWithLimit } from '../../lib/retry';
import { spawnDev } from '../support/dev-stack';
import { type Benchmark, type Figure, percentile, round, timed } from './harness';
import { controlFetch } from '../../lib/emulators/shared/control';

const OBJECTS = 10_000;
const RATE = 450;
const PAGES = 50;
const BUCKET = 'thaw-bulk';

export const operatorsBenchmark: Benchmark = {
  name: 'operators',
  description: `thaw restore of ${OBJECTS} ColdArchive objects (plan, then submit below a ${RATE}/s rate limit) and listing pages of 100, against thaw dev`,
  async run(): Promise<Figure[]> {
    // A bucket of its own: the stack's OSS trigger watches thaw-demo, so seeding 10,000 objects here
    // does not leave 10,000 ObjectCreated invocations running behind the measurement.
    const dev = await spawnDev(['--log-level', 'warn'], {
      THAW_ALLOW: `thaw-demo,${BUCKET}`,
      THAW_RESTORES_PER_SECOND: String(RATE),
      THAW_DAILY_RESTORES: String(2 * OBJECTS),
    });
    try {
      const { api: apiUrl, apiToken, oss: o } = dev.info;
      const oss = new OSS({ endpoint: o.endpoint, accessKeyId: o.accessKeyId, accessKeySecret: o.accessKeySecret, bucket: BUCKET });
      await mapWithLimit(
        Array.from({ length: OBJECTS }, (_, i) => i),
        16,
        (i) => oss.put(`bulk/${String(i).padStart(5, '0')}.bin`, Buffer.from('x'), { headers: { 'x-oss-storage-class': 'ColdArchive' } }),
      );
      // Let the access-log function catch up with the seeding's log records before measuring.
      await sleep(5_000);
      const api = new ThawApi({ apiUrl, token: apiToken });
      const usage = await api.usage();

      const { result: plan, ms: planMs } = await timed(async () => {
        const listed = await listPrefix(o, BUCKET, 'bulk/', { maxObjects: OBJECTS });
        return planRestore({
          bucket: BUCKET,
          objects: listed,
          request: {},
          limits: {
            allow: parseAllowList(usage.limits.allow.join(',')),
            maxObjectBytes: usage.limits.maxObjectBytes,
            maxDays: usage.limits.maxDays,
            maxTier: usage.limits.maxTier,
            defaults: usage.defaults,
            restoresLeft: usage.limits.dailyRestores,
            bytesLeft: usage.limits.dailyBytes,
            byteDaysLeft: usage.limits.dailyByteDays,
            restoresPerSecond: usage.limits.restoresPerSecond,
            timeScale: usage.timeScale,
          },
          prices: DEFAULT_PRICES,
          nowMs: systemClock.nowMs(),
        });
      });

      const pace = Math.floor(RATE * RATE_SHARE);
      let sentAgain = 0;
      const { result: submitted, ms: submitMs } = await timed(() =>
        submitAll({
          batch: async (body) => {
            const answer = await api.batch('restore', body);
            sentAgain += (answer.results as { status: number; reason?: string }[]).filter((r) => r.status === 429 && r.reason === 'rate-limit').length;
            return answer;
          },
          bucket: BUCKET,
          request: {},
          keys: plan.submit.map((x) => x.key),
          pace,
          clock: systemClock,
          sleep,
        }),
      );
      const stats = (await (await controlFetch(`${o.endpoint}/-/stats`, {}, o)).json()) as { operations: Record<string, number> };

      const page = async (params: Record<string, string>) => {
        const latencies: number[] = [];
        let cursor: string | undefined;
        for (let i = 0; i < PAGES; i++) {
          const { result, ms } = await timed(() => api.list({ ...params, limit: '100', ...(cursor ? { cursor } : {}) }));
          if (result.records.length !== 100) throw new Error(`a page held ${result.records.length} records`);
          cursor = result.cursor ?? undefined;
          latencies.push(ms);
        }
        return latencies.sort((a, b) => a - b);
      };
      const byKey = await page({ state: 'RESTORING', bucket: BUCKET, prefix: 'bulk/' });
      const newest = await page({ state: 'RESTORING', order: 'newest' });
      const byEta = await page({ state: 'RESTORING', order: 'eta' });

      return [
        { name: 'planned (ListObjectsV2 + plan) per second', value: round(OBJECTS / (planMs / 1000)), unit: 'objects/s' },
        {
          name: 'submitted through /v1/batch/restore per second',
          value: round(OBJECTS / (submitMs / 1000)),
          unit: 'objects/s',
          target: `below the ${RATE}/s rate limit (paced at ${pace}/s)`,
        },
        { name: 'restoring after the run', value: submitted.outcomes.restoring, unit: 'objects', target: `${OBJECTS}` },
        { name: 'RestoreObject calls (OSS emulator stats)', value: stats.operations.RestoreObject ?? 0, unit: 'calls', target: `${OBJECTS}` },
        { name: 'answers deferred by the rate limit (sent again)', value: sentAgain, unit: 'objects' },
        { name: 'listing page of 100, key order under a prefix: p50', value: round(percentile(byKey, 50), 2), unit: 'ms' },
        { name: 'listing page of 100, key order under a prefix: p99', value: round(percentile(byKey, 99), 2), unit: 'ms' },
        { name: 'listing page of 100, newest first: p50', value: round(percentile(newest, 50), 2), unit: 'ms' },
        { name: 'listing page of 100, by ETA: p50', value: round(percentile(byEta, 50), 2), unit: 'ms' },
      ];
    } finally {
      await dev.stop();
    }
  },
};
