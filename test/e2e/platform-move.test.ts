// A stack on FC 2.0 moved to FC 3.0 while readers keep failing on archived objects. The move brings
// the FC 3.0 functions and triggers up before the FC 2.0 ones go, so for a while both deployments'
// Log triggers read the same access log: this test stops the move there (the deploy's first
// deletion of an FC 2.0 trigger is refused once, as a lost permission would), shows that both
// access-log functions handled the same misses and OSS still saw one RestoreObject per object, then
// finishes the move with the same command and checks that what is left is one deployment on FC 3.0
// that still answers misses.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCode, type FunctionCode } from '../../lib/build/code';
import { controlFetch } from '../../lib/emulators/shared/control';
import { type Stack, startStack } from '../../lib/local/stack';
import { SlsAdmin } from '../../lib/sls/index';

// The local stack's function logstore (lib/local/stack.ts names it so).
const FUNCTION_LOGS = { project: 'oss-thaw-functions', logstore: 'function-logs' };
const BEFORE = ['move/before-1.bin', 'move/before-2.bin'];
const DURING = Array.from({ length: 5 }, (_, i) => `move/during-${i}.bin`);
const AFTER = ['move/after-1.bin'];

/** Waits for `probe` to give a value (a bound on a hang, not a speed target). */
async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A pass-through to the local FC API that refuses, once, the first FC 2.0 trigger deletion it
 * sees (403, as FC answers a caller without fc:DeleteTrigger): the deploy stops there, as it would
 * when a deployer's permission is taken away half-way.
 */
async function refusingOnce(upstream: string): Promise<{ endpoint: string; refused: () => string | undefined; close: () => Promise<void> }> {
  let refused: string | undefined;
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    if (!refused && req.method === 'DELETE' && /^\/2016-08-15\/services\/[^/]+\/functions\/[^/]+\/triggers\//.test(path)) {
      refused = path;
      req.resume();
      res.writeHead(403, { 'content-type': 'application/json', 'x-fc-request-id': 'refused-by-test' });
      res.end(JSON.stringify({ ErrorCode: 'AccessDenied', ErrorMessage: 'the caller may not fc:DeleteTrigger (refused by the test)' }));
      return;
    }
    const forward = http.request({ host: target.hostname, port: target.port, method: req.method, path, headers: req.headers }, (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused: () => refused,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let code: ReadonlyMap<string, FunctionCode>;
let stack: Stack;
let oss: OSS;
let logs: SlsAdmin;

beforeAll(async () => {
  code = await buildCode({ quiet: true });
  stack = await startStack({ timeScale: 60, code, logLevel: 'info', triggerIntervalMs: 250, platform: 'fc2' });
  const info = stack.describe();
  oss = new OSS({ endpoint: info.oss.endpoint, accessKeyId: info.oss.accessKeyId, accessKeySecret: info.oss.accessKeySecret, bucket: 'thaw-demo' });
  logs = new SlsAdmin({
    endpoint: info.sls.endpoint,
    project: FUNCTION_LOGS.project,
    accessKeyId: info.sls.accessKeyId,
    accessKeySecret: info.sls.accessKeySecret,
  });
}, 180_000);
afterAll(async () => {
  logs?.close();
  await stack?.close();
});

/** Puts `keys` into Archive and reads each `times` times: every read is a miss (403 InvalidObjectState). */
async function miss(keys: readonly string[], times: number): Promise<void> {
  for (const key of keys) await oss.put(key, Buffer.from(`bytes of ${key}`), { headers: { 'x-oss-storage-class': 'Archive' } });
  const reads = keys.flatMap((key) =>
    Array.from({ length: times }, () =>
      oss.get(key).then(
        () => 'read',
        (err: { status: number; code: string }) => `${err.status} ${err.code}`,
      ),
    ),
  );
  expect(new Set(await Promise.all(reads))).toEqual(new Set(['403 InvalidObjectState']));
}

async function restoresBilled(keys: readonly string[]): Promise<number[]> {
  const info = stack.describe();
  const stats = (await (await controlFetch(`${info.oss.endpoint}/-/stats`, {}, info.oss)).json()) as { restores: Record<string, number> };
  return keys.map((key) => stats.restores[`thaw-demo/${key}`] ?? 0);
}

/**
 * The misses each deployed access-log function (FC's own name: `access-log` on FC 2.0,
 * `oss-thaw-access-log` on FC 3.0) handled since `sinceMs`, from its `batch done` lines.
 */
async function missesHandledSince(sinceMs: number): Promise<Record<string, number>> {
  const nowS = Math.floor(Date.now() / 1000);
  const page = await logs.getLogs(FUNCTION_LOGS.logstore, {
    from: Math.floor(sinceMs / 1000),
    to: nowS + 60,
    query: 'message.function: "access-log" and message.msg: "batch done"',
    line: 100,
  });
  const seen: Record<string, number> = {};
  for (const row of page.rows) {
    const line = JSON.parse(row.message ?? '{}') as { time?: string; seen?: number };
    if (Date.parse(line.time ?? '') < sinceMs) continue;
    const fn = row.functionName ?? '';
    seen[fn] = (seen[fn] ?? 0) + (line.seen ?? 0);
  }
  return seen;
}

describe('moving a stack from FC 2.0 to FC 3.0 while misses arrive', () => {
  it('runs both deployments over the same misses with one RestoreObject per object, then finishes the move', async () => {
    expect(stack.describe().fc.platform).toBe('fc2');
    const base = stack.describe().fc;
    await miss(BEFORE, 3);
    await until(async () => ((await restoresBilled(BEFORE)).every((n) => n === 1) ? true : undefined), 'the FC 2.0 deployment to restore');

    // The move, stopped by one refusal after FC 3.0 is up and before FC 2.0's triggers go.
    const proxy = await refusingOnce(base.endpoint);
    try {
      const target = { accountId: base.accountId, region: base.region, fcEndpoint: proxy.endpoint, ramEndpoint: stack.describe().ram.endpoint };
      await expect(
        stack.redeploy({ platform: 'fc3', target: { ...target, credentials: { accessKeyId: base.accessKeyId, accessKeySecret: base.accessKeySecret } } }),
      ).rejects.toThrow(/delete trigger .* failed: .*run the same command again/);
      expect(proxy.refused()).toMatch(/\/triggers\//);

      // Both deployments are live: FC 2.0's Log trigger and FC 3.0's read the same access log. FC 3.0's
      // starts at the beginning of the logstore and catches up with the earlier misses first.
      expect(stack.model.listServices().length).toBeGreaterThan(0);
      expect(stack.fc3.listFunctions('', 100, undefined).items.map((f) => f.functionName)).toEqual(expect.arrayContaining(['oss-thaw-access-log']));
      await until(async () => (((await missesHandledSince(0))['oss-thaw-access-log'] ?? 0) >= 6 ? true : undefined), 'FC 3.0 to catch up');
      const sinceMs = Date.now();
      await miss(DURING, 4);
      const handled = await until(async () => {
        const seen = await missesHandledSince(sinceMs);
        return (seen['access-log'] ?? 0) >= 20 && (seen['oss-thaw-access-log'] ?? 0) >= 20 ? seen : undefined;
      }, 'both access-log functions to handle the 20 misses');
      // Each handled all twenty, and no more: the same misses, once per deployment.
      expect(handled).toEqual({ 'access-log': 20, 'oss-thaw-access-log': 20 });
      // Two deployments, four reads each, one RestoreObject per object: the records decide, not the function.
      expect(await restoresBilled(DURING)).toEqual(Array(DURING.length).fill(1));

      // The same command finishes the move.
      const finished = await stack.redeploy({
        platform: 'fc3',
        target: { ...target, credentials: { accessKeyId: base.accessKeyId, accessKeySecret: base.accessKeySecret } },
      });
      expect(finished.platform).toBe('fc3');
    } finally {
      await proxy.close();
    }
    expect(stack.model.listServices()).toEqual([]);
    const again = await stack.redeploy({ platform: 'fc3' });
    expect(again.plan.steps.filter((s) => s.action !== 'unchanged' && s.action !== 'keep')).toEqual([]);

    // After the move, one deployment answers a miss, once.
    const afterMs = Date.now();
    await miss(AFTER, 3);
    await until(async () => ((await restoresBilled(AFTER)).every((n) => n === 1) ? true : undefined), 'the FC 3.0 deployment to restore');
    await until(async () => ((await missesHandledSince(afterMs))['oss-thaw-access-log'] === 3 ? true : undefined), 'the FC 3.0 access-log function');
    expect(await missesHandledSince(afterMs)).toEqual({ 'oss-thaw-access-log': 3 });
    expect(await restoresBilled([...BEFORE, ...DURING, ...AFTER])).toEqual(Array(8).fill(1));
  }, 180_000);
});
