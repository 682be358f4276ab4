// What one token holder can cause per minute at the defaults: a full-scope token
// floods POST /v1/batch/restore with keys that do not exist (the cheapest way to make records),
// four calls of 100 keys in flight, for one minute, against `thaw dev --json` in its own process.
// Counted from outside: records and index rows in the Tablestore emulator, HEADs and restores in
// the OSS emulator's stats; plus the Days one POST gets, and the range reads of one /v1/usage and
// one limit=1 listing whose filter matches nothing.
//
// THAW_BENCH_ROOT=<checkout> runs the same flood against another checkout's `thaw dev` (the
// "before" figures of docs/performance.md come from the release before this one, run that way).
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import OSS from 'ali-oss';
import TableStore from 'tablestore';
import { controlFetch } from '../../lib/emulators/shared/control';
import { childEnv } from '../support/child-env';
import { type Benchmark, type Figure, round } from './harness';

const FLOOD_MS = 60_000;
const CALLS_IN_FLIGHT = 4;
const KEYS_PER_CALL = 100;
const TABLE = 'thaw_restores';
const INDEXES = ['thaw_restores_due', 'thaw_restores_by_key', 'thaw_restores_by_updated', 'thaw_restores_by_eta'];
/** THAW_DAILY_NEW_RECORDS's default, for the target column. */
const DAILY_NEW_RECORDS = 20_000;

type Json = any;

interface Dev {
  info: Json;
  child: ChildProcess;
}

async function startDev(root: string): Promise<Dev> {
  const child = spawn(process.execPath, ['lib/bin/thaw.mjs', 'dev', '--json', '--log-level', 'warn'], {
    cwd: root,
    env: childEnv({}),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`thaw dev exited with ${code}`)));
  });
  return { info: JSON.parse(line), child };
}

async function stopDev(dev: Dev): Promise<void> {
  if (dev.child.exitCode !== null) return;
  const exited = new Promise((resolve) => dev.child.once('exit', resolve));
  dev.child.kill('SIGTERM');
  await exited;
}

/** Rows of a table or index, counted with GetRange (5,000 a page). */
async function countRows(client: TableStore.Client, table: string, keys: string[]): Promise<number> {
  let rows = 0;
  let from: unknown[] | null = keys.map((k) => ({ [k]: TableStore.INF_MIN }));
  while (from) {
    const page = (await client.getRange({
      tableName: table,
      direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: from,
      exclusiveEndPrimaryKey: keys.map((k) => ({ [k]: TableStore.INF_MAX })),
      limit: 5000,
      maxVersions: 1,
      columnsToGet: [keys[0]!],
    } as unknown as TableStore.GetRangeParams)) as { rows: unknown[]; nextStartPrimaryKey: { name: string; value: unknown }[] | null };
    rows += page.rows.length;
    from = page.nextStartPrimaryKey ? page.nextStartPrimaryKey.map((c) => ({ [c.name]: c.value })) : null;
  }
  return rows;
}

const INDEX_KEYS: Record<string, string[]> = {
  thaw_restores_due: ['dueAtMs', 'id'],
  thaw_restores_by_key: ['state', 'bucket', 'key', 'id'],
  thaw_restores_by_updated: ['state', 'updatedAtMs', 'id'],
  thaw_restores_by_eta: ['state', 'etaAtMs', 'id'],
};

export const abuseBenchmark: Benchmark = {
  name: 'abuse',
  description: `one token holder for ${FLOOD_MS / 1000} s at the defaults: batch restores of keys that do not exist, ${CALLS_IN_FLIGHT} × ${KEYS_PER_CALL} in flight`,
  async run(): Promise<Figure[]> {
    const root = process.env.THAW_BENCH_ROOT ?? fileURLToPath(new URL('../..', import.meta.url));
    const dev = await startDev(root);
    try {
      const { api, apiToken, oss: o, tablestore: t } = dev.info;
      const headers = { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' };
      const ots = new TableStore.Client({ endpoint: t.endpoint, instancename: t.instance, accessKeyId: t.accessKeyId, secretAccessKey: t.accessKeySecret });
      // Control routes are signed with the local stack's owner key (a release before that ignores the header).
      const ossStats = async () => ((await (await controlFetch(`${o.endpoint}/-/stats`, {}, o)).json()) as Json).operations as Record<string, number>;
      const otsStats = async () => ((await (await controlFetch(`${t.endpoint}/-/stats`, {}, t)).json()) as Json).operations as Record<string, number>;

      // Days: what one POST of {"days": 365} on a ColdArchive object is granted.
      const oss = new OSS({ endpoint: o.endpoint, accessKeyId: o.accessKeyId, accessKeySecret: o.accessKeySecret, bucket: 'thaw-demo' });
      await oss.put('abuse/days.bin', Buffer.from('d'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
      const days = (await (await fetch(`${api}/v1/restores/thaw-demo/abuse%2Fdays.bin`, { method: 'POST', headers, body: '{"days":365}' })).json()) as Json;

      const before = await ossStats();
      let calls = 0;
      let entries = 0;
      let deferred = 0;
      const until = Date.now() + FLOOD_MS;
      const worker = async (w: number) => {
        for (let n = 0; Date.now() < until; n++) {
          const objects = Array.from({ length: KEYS_PER_CALL }, (_, i) => ({ key: `flood/${w}/${n}/${i}` }));
          const res = await fetch(`${api}/v1/batch/restore`, { method: 'POST', headers, body: JSON.stringify({ bucket: 'thaw-demo', objects }) });
          const answer = (await res.json()) as Json;
          calls++;
          entries += KEYS_PER_CALL;
          deferred += (answer.results ?? []).filter((r: Json) => r.status === 429).length;
        }
      };
      await Promise.all(Array.from({ length: CALLS_IN_FLIGHT }, (_, w) => worker(w)));
      const after = await ossStats();

      const records = await countRows(ots, TABLE, ['id']);
      const indexRows = (await Promise.all(INDEXES.map((i) => countRows(ots, i, INDEX_KEYS[i]!)))).reduce((a, b) => a + b, 0);
      const heads = (after.HeadObject ?? 0) - (before.HeadObject ?? 0);
      const restores = (after.RestoreObject ?? 0) - (before.RestoreObject ?? 0);

      // Read amplification of the operator reads, with the flood's records in the table.
      const rangeReads = async (path: string) => {
        const was = (await otsStats()).GetRange ?? 0;
        await (await fetch(`${api}${path}`, { headers })).arrayBuffer();
        return ((await otsStats()).GetRange ?? 0) - was;
      };
      const usageReads = await rangeReads('/v1/usage');
      const listingReads = await rangeReads('/v1/restores?state=NOT_FOUND&bucket=nobody-bucket&order=newest&limit=1');

      const perMinute = (n: number) => round((n * 60_000) / FLOOD_MS, 0);
      // The day's bound: what the flood made when a budget stopped it (429s seen), else no bound but
      // throughput — the minute's figure, every minute of the day.
      const flooded = records - 1;
      const perDay = deferred > 0 ? flooded : perMinute(flooded) * 1440;
      return [
        {
          name: 'Days granted to one POST of {"days": 365} (ColdArchive)',
          value: days.days ?? 0,
          unit: 'days',
          target: 'THAW_MAX_DAYS (7)',
          key: 'abuse.daysGranted',
        },
        { name: 'batch entries sent per minute', value: perMinute(entries), unit: 'entries', key: 'abuse.entriesPerMinute' },
        { name: 'entries answered 429 (budget)', value: perMinute(deferred), unit: 'entries', key: 'abuse.refusedPerMinute' },
        { name: 'records created, first minute of a UTC day', value: perMinute(flooded), unit: 'records', key: 'abuse.recordsPerMinute' },
        {
          name: 'records created per UTC day at most',
          value: perDay,
          unit: 'records',
          target: `THAW_DAILY_NEW_RECORDS (${DAILY_NEW_RECORDS})`,
          key: 'abuse.recordsPerDay',
        },
        { name: 'records created per minute, sustained over a day', value: round(perDay / 1440, 1), unit: 'records', key: 'abuse.recordsPerMinuteSustained' },
        { name: 'index rows written (4 indexes), first minute', value: perMinute(indexRows), unit: 'rows', key: 'abuse.indexRowsPerMinute' },
        { name: 'OSS HeadObject calls, first minute', value: perMinute(heads), unit: 'calls', key: 'abuse.headsPerMinute' },
        { name: 'OSS RestoreObject calls, first minute', value: perMinute(restores), unit: 'calls', key: 'abuse.restoresPerMinute' },
        { name: 'range reads of one GET /v1/usage', value: usageReads, unit: 'GetRange', key: 'abuse.usageRangeReads' },
        { name: 'range reads of one limit=1 listing matching nothing', value: listingReads, unit: 'GetRange', key: 'abuse.emptyListingRangeReads' },
        { name: 'batch calls answered', value: calls, unit: 'calls' },
      ];
    } finally {
      await stopDev(dev);
    }
  },
};
