// What an operator sees, against `thaw dev` in its own process: a restore asked for through the API
// shows in `thaw logs --bucket thaw-demo` (the local FC writes the functions' lines to the stack's
// function logstore with the service role, and the deploy indexed it), the JSON index answers a
// query by a field of the line, and every line the real functions wrote uses only declared fields.
import { execFile } from 'node:child_process';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlsAdmin } from '../../lib/sls/index';
import { childEnv } from '../support/child-env';
import { type RunningDev, spawnDev } from '../support/dev-stack';
import { type LogLine, offDeclaration } from '../support/log-lines';

// The local stack's function logstore (lib/local/stack.ts names it so).
const PROJECT = 'oss-thaw-functions';
const LOGSTORE = 'function-logs';
const KEY = 'archive/report-2023.csv';

let dev: RunningDev;

beforeAll(async () => {
  dev = await spawnDev(['--time-scale', '60']);
});

afterAll(async () => {
  expect(await dev?.stop()).toBe(0);
});

function thawLogs(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { endpoint, accessKeyId, accessKeySecret } = dev.info.sls!;
  const env = childEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['lib/bin/thaw.mjs', 'logs', '--endpoint', endpoint, '--project', PROJECT, '--logstore', LOGSTORE, ...args],
      { env },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Asks again until `found` holds (FC hands lines to Log Service in batches, every 200 ms). */
async function eventually<T>(read: () => Promise<T>, found: (value: T) => boolean, what: string): Promise<T> {
  let value = await read();
  for (const until = Date.now() + 20_000; !found(value) && Date.now() < until; ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  if (!found(value)) throw new Error(`${what} did not appear in 20 s`);
  return value;
}

describe('observability against thaw dev', () => {
  it('shows the line of a restore just requested through the API in thaw logs --bucket thaw-demo', async () => {
    const res = await fetch(`${dev.info.api}/v1/restores/thaw-demo/${encodeURIComponent(KEY)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.info.apiToken}` },
    });
    expect(res.status).toBe(202);
    const requestId = res.headers.get('x-request-id');

    const printed = await eventually(
      () => thawLogs('--bucket', 'thaw-demo', '--json', '--since', '10m'),
      (r) => r.stdout.includes(`"key":"${KEY}"`) && r.stdout.includes('"restoreStarted"'),
      'the state line of the restore',
    );
    expect(printed.code).toBe(0);
    const lines = printed.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { function: string; message: string; requestId: string | null; fields: Record<string, unknown> });
    expect(lines.find((l) => l.message === 'state' && l.fields.key === KEY)).toMatchObject({
      function: 'http',
      requestId,
      fields: { function: 'http', bucket: 'thaw-demo', outcome: 'restoreStarted', from: null, to: 'RESTORING', storageClass: 'Archive', source: 'http' },
    });
    // Only lines about that bucket: --bucket keeps the lines whose `bucket` is thaw-demo.
    expect(lines.every((l) => l.fields.bucket === 'thaw-demo')).toBe(true);
  });

  it('answers a query by a field of the line (message is indexed as JSON), and every line the functions wrote is declared', async () => {
    // A created object makes the storage-event function write its lines too.
    const { endpoint, accessKeyId, accessKeySecret } = dev.info.oss;
    await new OSS({ endpoint, accessKeyId, accessKeySecret, bucket: 'thaw-demo' }).put('observed/new.txt', Buffer.from('x'));
    const { accessKeyId: id, accessKeySecret: secret } = dev.info.sls!;
    const logs = new SlsAdmin({ endpoint: dev.info.sls!.endpoint, project: PROJECT, accessKeyId: id, accessKeySecret: secret });
    const nowS = Math.floor(Date.now() / 1000);
    const window = { from: nowS - 600, to: nowS + 60 };
    try {
      const started = await eventually(
        () => logs.getLogs(LOGSTORE, { ...window, query: `message.outcome: restoreStarted and message.key: "${KEY}"` }),
        (r) => r.rows.length > 0,
        'a restoreStarted line',
      );
      expect(JSON.parse(started.rows[0]!.message!)).toMatchObject({ msg: 'state', bucket: 'thaw-demo', key: KEY });
      const perFunction = await eventually(
        () => logs.getLogs(LOGSTORE, { ...window, query: '* | select "message.function" as fn, count(*) as lines group by fn' }),
        (r) => ['http', 'storage-event'].every((fn) => r.rows.some((row) => row.fn === fn)),
        'lines of http and storage-event',
      );
      expect(perFunction.hasSql).toBe(true);

      const readAll = async (): Promise<LogLine[]> => {
        const all: LogLine[] = [];
        for (let offset = 0; ; offset += 100) {
          const page = await logs.getLogs(LOGSTORE, { ...window, line: 100, offset });
          for (const row of page.rows) if (row.message?.startsWith('{')) all.push(JSON.parse(row.message) as LogLine);
          if (page.rows.length < 100) return all;
        }
      };
      const functions = ['http', 'access-log', 'storage-event', 'sweeper'];
      const all = await eventually(readAll, (lines) => functions.every((fn) => lines.some((l) => l.function === fn)), 'lines of every function');
      expect(offDeclaration(all)).toEqual([]);
    } finally {
      logs.close();
    }
  });
});
