// The access-log path end to end, as deployed: the esbuild bundle of functions/access-log runs in
// its own process (so its RSS is the function's alone) and is handed one Log-trigger range of
// 10,000 OSS access-log records over 1,000 archived objects. It pulls them from the SLS emulator
// (signed PullLogs, deflate, protobuf), decodes, and coordinates over the Tablestore emulator and
// the OSS emulator. Goal: ≥ 5,000 records/s on 2 cores, peak RSS ≤ 128 MB.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OWNER_ID, startOssEmulator } from '../../lib/emulators/oss';
import { OSS_LOG_STORE, startSlsEmulator } from '../../lib/emulators/sls';
import { startTablestoreEmulator } from '../../lib/emulators/tablestore';
import { buildFunctions } from '../../lib/local/build';
import { LogStoreReader } from '../../lib/sls';
import { TablestoreStateStore } from '../../lib/store/tablestore';
import { ensureTables } from '../../lib/store/tablestore-schema';
import type { Benchmark, Figure } from './harness';
import { round } from './harness';

const RECORDS = 10_000;
const OBJECTS = 1_000;
const PER_LOG_GROUP = 500;
const BUCKET = 'thaw-bench';
const PROJECT = `oss-log-${DEFAULT_OWNER_ID}-cn-hangzhou`;

// Runs in the child: plain CommonJS, no tsx, nothing but the bundle.
const WORKER = `
const { handler } = require(process.env.BUNDLE);
const event = Buffer.from(process.env.EVENT);
const context = { requestId: 'bench', credentials: JSON.parse(process.env.CREDENTIALS), function: { name: 'access-log', timeout: 600 } };
const started = process.hrtime.bigint();
handler(event, context).then((result) => {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ ms, result, maxRssKb: process.resourceUsage().maxRSS, cpuMs: (cpu.user + cpu.system) / 1000 }) + '\\n');
}, (err) => { console.error(err); process.exit(1); });
`;

function record(i: number, seconds: number): Record<string, string> {
  const key = `data/part-${String(i % OBJECTS).padStart(5, '0')} ü.parquet`;
  return {
    time: '24/Nov/2026:10:00:00',
    request_id: `5F${String(i).padStart(22, '0')}`,
    operation: 'GetObject',
    bucket: BUCKET,
    object: encodeURIComponent(key),
    request_uri: `/${encodeURIComponent(key)}`,
    http_method: 'GET',
    http_status: '403',
    error_code: 'InvalidObjectState',
    client_ip: '10.0.0.7',
    host: `${BUCKET}.oss-cn-hangzhou.aliyuncs.com`,
    user_agent: 'aliyun-sdk-java/3.17.4',
    object_size: '1048576',
    response_body_length: '243',
    bucket_storage_type: 'Archive',
    owner_id: DEFAULT_OWNER_ID,
    requester_id: DEFAULT_OWNER_ID,
    __time__: String(seconds),
  };
}

export const accessLogBenchmark: Benchmark = {
  name: 'access-log',
  description: `${RECORDS} access-log records over ${OBJECTS} objects through the bundled access-log function (own process; SLS, Tablestore and OSS emulators)`,
  async run(): Promise<Figure[]> {
    const sls = await startSlsEmulator();
    const oss = await startOssEmulator();
    const tablestore = await startTablestoreEmulator();
    const outDir = await mkdtemp(join(tmpdir(), 'thaw-bench-'));
    try {
      sls.createProject(PROJECT);
      sls.createLogstore(PROJECT, OSS_LOG_STORE, { shardCount: 1 });
      oss.createBucket(BUCKET);
      for (let i = 0; i < OBJECTS; i++) oss.putObject(BUCKET, `data/part-${String(i).padStart(5, '0')} ü.parquet`, 'x', { storageClass: 'Archive' });
      const creds = sls.credentials[0]!;
      const reader = new LogStoreReader({ endpoint: sls.endpoint, project: PROJECT, logstore: OSS_LOG_STORE, ...creds });
      const beginCursor = await reader.getCursor(0, 'begin');
      const seconds = Math.floor(Date.now() / 1000);
      for (let start = 0; start < RECORDS; start += PER_LOG_GROUP) {
        const logs = Array.from({ length: Math.min(PER_LOG_GROUP, RECORDS - start) }, (_, j) => {
          const { __time__, ...contents } = record(start + j, seconds);
          return { time: Number(__time__), contents };
        });
        sls.writeLogs(PROJECT, OSS_LOG_STORE, logs, { topic: 'oss_access_log', shardId: 0 });
      }
      const endCursor = await reader.getCursor(0, 'end');
      reader.close();

      const ts = tablestore.describe() as { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
      await ensureTables(new TablestoreStateStore({ ...ts, table: 'thaw_bench' }));
      const built = await buildFunctions({ outDir, quiet: true });
      const bundle = built.find((b) => b.name === 'access-log')!;

      const event = {
        source: { endpoint: sls.endpoint, projectName: PROJECT, logstoreName: OSS_LOG_STORE, shardId: 0, beginCursor, endCursor },
        jobName: 'bench',
        taskId: 'bench',
        cursorTime: seconds,
      };
      const child = spawn(process.execPath, [...(process.env.THAW_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), '-e', WORKER], {
        env: {
          ...process.env,
          BUNDLE: bundle.outfile,
          EVENT: JSON.stringify(event),
          CREDENTIALS: JSON.stringify({ accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret }),
          THAW_ALLOW: BUCKET,
          THAW_OSS_ENDPOINT: oss.endpoint,
          THAW_TABLESTORE_ENDPOINT: ts.endpoint,
          THAW_TABLESTORE_INSTANCE: ts.instance,
          THAW_TABLE: 'thaw_bench',
          THAW_RESTORES_PER_SECOND: '450',
          THAW_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      if (code !== 0) throw new Error(`the access-log worker exited with ${code}`);
      const { ms, result, maxRssKb, cpuMs } = JSON.parse(out) as {
        ms: number;
        result: { records: number; misses: number; summary: { restoresIssued: number; deferred: number } };
        maxRssKb: number;
        cpuMs: number;
      };
      const restores = oss.stats().operations.RestoreObject ?? 0;
      return [
        { name: 'records/s (pull + decode + coordinate)', value: round(result.records / (ms / 1000)), unit: 'records/s', target: 'goal ≥ 5000' },
        { name: 'records pulled', value: result.records, unit: 'records', target: `must be ${RECORDS}` },
        { name: 'RestoreObject calls', value: restores, unit: 'calls' },
        // The rate limit (450/s, its ceiling) defers the rest to the next second, for the sweeper.
        { name: 'deferred by the rate limit', value: result.summary.deferred, unit: 'objects', target: `calls + deferred must be ${OBJECTS}` },
        { name: 'wall time of the invocation', value: round(ms), unit: 'ms' },
        { name: 'CPU time of the function process (whole life)', value: round(cpuMs), unit: 'ms' },
        { name: 'peak RSS of the function process', value: round(maxRssKb / 1024), unit: 'MB', target: 'goal ≤ 128' },
        { name: 'bundle size', value: round(bundle.bytes / 1024 / 1024, 2), unit: 'MB' },
      ];
    } finally {
      await rm(outDir, { recursive: true, force: true });
      await sls.close();
      await oss.close();
      await tablestore.close();
    }
  },
};
