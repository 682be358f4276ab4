// What one caller can spend or move, checked from outside against `thaw dev --json` in its own process, as an attacker would run
// them: Days above the cap, a forged access-log record, a key that clears the screen, a
// read-scoped token, a deeply nested batch body and a query injected through the Host header.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newToken } from '../../lib/api/tokens';
import { controlFetch } from '../../lib/emulators/shared/control';
import { childEnv } from '../support/child-env';
import { type RunningDev, spawnDev } from '../support/dev-stack';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

/** Polls `probe` every 50 ms until it returns a value, for at most `timeoutMs`. */
async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('abuse against thaw dev', () => {
  let dev: RunningDev;
  let oss: OSS;
  const reader = newToken(['read']);

  const url = (key: string) => `${dev.info.api}/v1/restores/thaw-demo/${encodeURIComponent(key)}`;
  const restoresOf = async (key: string) =>
    ((await (await controlFetch(`${dev.info.oss.endpoint}/-/stats`, {}, dev.info.oss)).json()) as Json).restores[`thaw-demo/${key}`] ?? 0;

  beforeAll(async () => {
    // THAW_API_TOKENS becomes the ApiTokens parameter of the local deployment, beside its own token.
    dev = await spawnDev(['--time-scale', '60'], { THAW_API_TOKENS: reader.configured });
    oss = new OSS({
      endpoint: dev.info.oss.endpoint,
      accessKeyId: dev.info.oss.accessKeyId,
      accessKeySecret: dev.info.oss.accessKeySecret,
      bucket: 'thaw-demo',
    });
  });
  afterAll(async () => {
    expect(await dev?.stop()).toBe(0);
  });

  it('lowers a caller’s Days above THAW_MAX_DAYS, and the answer says so', async () => {
    await oss.put('abuse/days.bin', Buffer.from('d'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    const res = await fetch(url('abuse/days.bin'), {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.info.apiToken}`, 'content-type': 'application/json' },
      body: '{"days":1e2}',
    });
    expect(res.status).toBe(202);
    expect((await res.json()) as Json).toMatchObject({ days: 7, lowered: { days: { asked: 100, granted: 7, limit: 'THAW_MAX_DAYS' } } });
    expect(await restoresOf('abuse/days.bin')).toBe(1);
  });

  it('restores nothing for a forged access-log record in the wrong topic', async () => {
    const key = 'abuse/forged.bin';
    await oss.put(key, Buffer.from('f'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const sls = dev.info.sls!;
    const Client = require('@alicloud/log') as new (
      config: Record<string, unknown>,
    ) => {
      postLogStoreLogs(project: string, logstore: string, data: unknown, options?: unknown): Promise<unknown>;
    };
    const sdk = new Client({ accessKeyId: sls.accessKeyId, accessKeySecret: sls.accessKeySecret, endpoint: new URL(sls.endpoint).host });
    // The SDK puts the project into the host name; resolve `<project>.127.0.0.1` to the emulator.
    const agent = new http.Agent({
      lookup: ((_h: string, o: { all?: boolean }, cb: (...args: unknown[]) => void) =>
        o?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) as never,
    });
    const forged = {
      operation: 'GetObject',
      http_status: '403',
      error_code: 'InvalidObjectState',
      bucket: 'thaw-demo',
      object: encodeURIComponent(key),
      request_uri: `/${encodeURIComponent(key)}`,
      requester_id: '1000000000000001',
    };
    try {
      // One per shard (the emulator spreads PutLogs over its two shards in turn).
      for (let i = 0; i < 2; i++) {
        await sdk.postLogStoreLogs(
          sls.project,
          sls.logstore,
          { logs: [{ timestamp: Math.floor(Date.now() / 1000), content: forged }], topic: 'forged' },
          { agent },
        );
      }
    } finally {
      agent.destroy();
    }
    // The access-log function read them (its range log counts them as skipped) and did nothing.
    await eventually(() => (/"skipped":\{[^}]*"other-topic":[1-9]/.test(dev.stderr()) ? true : undefined), 20_000, 'the forged records to be read');
    expect(await restoresOf(key)).toBe(0);
    expect((await fetch(url(key), { headers: { authorization: `Bearer ${dev.info.apiToken}` } })).status).toBe(404);
  });

  it('shows a key holding ESC[2J in thaw status without clearing the screen', async () => {
    const key = 'abuse-esc/\u001b[2J\u001b[Hcleared\u001b]52;c;cHduZWQ=\u0007.bin';
    await oss.put(key, Buffer.from('e'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    expect((await fetch(url(key), { method: 'POST', headers: { authorization: `Bearer ${dev.info.apiToken}` } })).status).toBe(202);
    const child = spawn(process.execPath, ['lib/bin/thaw.mjs', 'status', 'thaw-demo/abuse-esc/', '--state', 'RESTORING'], {
      cwd: ROOT,
      env: childEnv({ THAW_API_URL: dev.info.api, THAW_API_TOKEN: dev.info.apiToken }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    expect(out).toContain('abuse-esc/\\x1b[2J\\x1b[Hcleared\\x1b]52;c;cHduZWQ=\\x07.bin');
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u0007');
  });

  it('refuses a restore to a read-scoped token, and lets it read', async () => {
    await oss.put('abuse/scoped.bin', Buffer.from('s'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    const post = await fetch(url('abuse/scoped.bin'), {
      method: 'POST',
      headers: { authorization: `Bearer ${reader.token}`, 'content-type': 'application/json' },
      body: '{"days":365}',
    });
    expect(post.status).toBe(403);
    expect(((await post.json()) as Json).error.code).toBe('InsufficientScope');
    expect(await restoresOf('abuse/scoped.bin')).toBe(0);
    expect((await fetch(`${dev.info.api}/v1/usage`, { headers: { authorization: `Bearer ${reader.token}` } })).status).toBe(200);
  });

  it('answers a deeply nested batch body 400, not 500', async () => {
    const body = `{"bucket":"thaw-demo","objects":[{"key":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`;
    const res = await fetch(`${dev.info.api}/v1/batch/restore`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.info.apiToken}`, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error.code).toBe('InvalidInput');
  });

  it('changes nothing when a query is injected through the Host header', async () => {
    // The HTTP trigger's default address: the custom domain at dev.info.api routes by Host, so a
    // forged Host never reaches the function there (as in the cloud).
    const api = new URL((dev.info as unknown as { fc: { httpTrigger: string } }).fc.httpTrigger);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: api.hostname,
          port: api.port,
          path: `${api.pathname}/v1/restores?state=RESTORING&limit=1`,
          headers: { host: 'x?state=FAILED#', authorization: `Bearer ${dev.info.apiToken}` },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as Json).states).toEqual(['RESTORING']);
  });
});
