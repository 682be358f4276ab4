// The operator commands checked from outside, against `thaw dev --json --time-scale 60` in its own process: 500
// ColdArchive objects under a prefix of the demo bucket, `thaw restore` and `thaw status` run as a
// user runs them (their own processes, the operator's OSS credentials), OSS's own count of
// RestoreObject calls (GET /-/stats), the listing and usage routes, and the page in Chromium.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv } from '../support/child-env';
import { startChromium } from '../support/browser';
import { type RunningDev, spawnDev } from '../support/dev-stack';
import { controlFetch } from '../../lib/emulators/shared/control';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Each test has its own objects (the plan's, the run's, the wait's), so they pass in any order.
const PLAN = 'ops-plan/';
const PREFIX = 'ops-run/';
const OBJECTS = 500;
// Bodies of 1,000 to 1,499 bytes: 624,750 bytes in all.
const TOTAL_BYTES = Array.from({ length: OBJECTS }, (_, i) => 1000 + i).reduce((a, b) => a + b, 0);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let dev: RunningDev;

function thaw(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { api, apiToken, oss } = dev.info;
  const env = childEnv({
    THAW_API_URL: api,
    THAW_API_TOKEN: apiToken,
    THAW_OSS_ENDPOINT: oss.endpoint,
    ALIBABA_CLOUD_ACCESS_KEY_ID: oss.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: oss.accessKeySecret,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['lib/bin/thaw.mjs', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const ossClient = (bucket: string) =>
  new OSS({ endpoint: dev.info.oss.endpoint, accessKeyId: dev.info.oss.accessKeyId, accessKeySecret: dev.info.oss.accessKeySecret, bucket });

/** RestoreObject calls OSS counted for the keys under the prefix. */
async function restoreCalls(prefix: string, bucket = 'thaw-demo'): Promise<number> {
  const stats = (await (await controlFetch(`${dev.info.oss.endpoint}/-/stats`, {}, dev.info.oss)).json()) as Json;
  return Object.entries(stats.restores as Record<string, number>)
    .filter(([object]) => object.startsWith(`${bucket}/${prefix}`))
    .reduce((n, [, calls]) => n + calls, 0);
}

const api = (path: string) => fetch(`${dev.info.api}${path}`, { headers: { authorization: `Bearer ${dev.info.apiToken}` } });

beforeAll(async () => {
  // --wait's objects live in a bucket of their own, so the demo bucket's budget counts only the run.
  dev = await spawnDev(['--time-scale', '60'], { THAW_ALLOW: 'thaw-demo,thaw-wait' });
  const oss = ossClient('thaw-demo');
  for (const prefix of [PLAN, PREFIX]) {
    for (let i = 0; i < OBJECTS; i++) {
      await oss.put(`${prefix}${String(i).padStart(3, '0')}.bin`, Buffer.alloc(1000 + i, 7), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    }
  }
  const wait = ossClient('thaw-wait');
  for (const key of ['a', 'b', 'c']) await wait.put(`ops-wait/${key}.bin`, Buffer.from(key), { headers: { 'x-oss-storage-class': 'Archive' } });
}, 120_000);
afterAll(async () => {
  expect(await dev?.stop()).toBe(0);
});

describe('thaw restore, thaw status, the listing and the page, against thaw dev', () => {
  it('plans with --dry-run: 500 objects, their bytes and a cost, and no RestoreObject', async () => {
    const run = await thaw(['restore', `oss://thaw-demo/${PLAN}`, '--dry-run']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`oss://thaw-demo/${PLAN}: 500 objects, ${(TOTAL_BYTES / 1024).toFixed(1)} KiB`);
    expect(run.stdout).toMatch(/^ColdArchive\s+Standard\s+1\s+500\s+610\.1 KiB\s+0\s+0\s+500\s+0\s+5 min\s+0\.1500 CNY$/m);
    expect(run.stdout).toContain('cost: 0.1500 CNY for 500 restores');
    expect(run.stdout).toContain('dry run: nothing was sent');
    expect(await restoreCalls(PLAN)).toBe(0);
  });

  it('refuses to spend without --yes when no one can be asked', async () => {
    const run = await thaw(['restore', `oss://thaw-demo/${PLAN}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pass --yes');
    expect(await restoreCalls(PLAN)).toBe(0);
  });

  it('restores with --yes through the API: 500 RestoreObject calls, a rerun none; the listing, usage, thaw status and the page show the 500', async () => {
    const first = await thaw(['restore', `oss://thaw-demo/${PREFIX}`, '--yes']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('500 of 500 answered: 500 restoring');
    // OSS's own count: a rate-limited object the sweeper re-drove before the CLI sent it again is still one call.
    expect(await restoreCalls(PREFIX)).toBe(500);

    const again = await thaw(['restore', `oss://thaw-demo/${PREFIX}`, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('500 of 500 answered: 500 restoring');
    expect(again.stdout).toContain('RestoreObject calls these requests made: 0');
    expect(await restoreCalls(PREFIX)).toBe(500);

    // GET /v1/restores pages through all 500.
    const keys = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs = new URLSearchParams({ state: 'RESTORING', bucket: 'thaw-demo', prefix: PREFIX, limit: '100', ...(cursor ? { cursor } : {}) });
      const res = await api(`/v1/restores?${qs}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Json;
      for (const r of page.records) {
        expect(r.state).toBe('RESTORING');
        keys.add(r.key);
      }
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(keys.size).toBe(500);
    expect(pages).toBeGreaterThanOrEqual(5);

    // GET /v1/usage: 500 restores used today.
    const usage = (await (await api('/v1/usage')).json()) as Json;
    const demo = usage.buckets.find((b: Json) => b.bucket === 'thaw-demo');
    expect(demo).toMatchObject({ restoresToday: 500, bytesToday: TOTAL_BYTES });
    expect(demo.states.RESTORING).toBe(500);

    const status = await thaw(['status', `thaw-demo/${PREFIX}`, '--limit', '5']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^RESTORING\s+500$/m);
    expect(status.stdout).toMatch(/^thaw-demo\s+500 \/ 10,000/m);
    expect(status.stdout).toContain(`thaw-demo/${PREFIX}000.bin`);
    const json = JSON.parse((await thaw(['status', `thaw-demo/${PREFIX}`, '--json', '--state', 'RESTORING'])).stdout);
    expect(json.records.RESTORING).toHaveLength(20);

    // The page at / in Chromium shows the 500 in flight.
    const browser = await startChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${dev.info.api}/`);
      await page.locator('#token').fill(dev.info.apiToken);
      await page.locator('#signin button[type=submit]').click();
      await page.locator('#board').waitFor({ state: 'visible' });
      expect(await page.locator('.tile[data-state=RESTORING] .count').textContent()).toBe('500');
      expect(await page.locator('#inflight-count').textContent()).toBe('500 in flight');
      expect(await page.locator('#timeline .row').count()).toBe(50);
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('follows the restores with --wait until the objects are readable', async () => {
    const run = await thaw(['restore', 'oss://thaw-wait/ops-wait/', '--yes', '--wait']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('3 readable, 0 still restoring');
    expect(await restoreCalls('ops-wait/', 'thaw-wait')).toBe(3);
    expect((await ossClient('thaw-wait').get('ops-wait/a.bin')).content.toString()).toBe('a');
  }, 60_000);
});
