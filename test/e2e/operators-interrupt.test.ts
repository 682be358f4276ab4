// Ctrl-C during `thaw restore`, then the same command again, against `thaw dev` with a low rate
// limit (so the run lasts long enough to interrupt). The CLI talks to the API through a proxy on
// loopback that holds the answer of one call until the CLI has been interrupted: the only way to
// land Ctrl-C while a call is certainly in flight. The stop must let that call finish, report what
// happened (OSS's own count of RestoreObject calls agrees), and the rerun finishes the prefix with
// exactly one RestoreObject per object in all.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import OSS from 'ali-oss';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { childEnv } from '../support/child-env';
import { type RunningDev, spawnDev } from '../support/dev-stack';
import { controlFetch } from '../../lib/emulators/shared/control';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OBJECTS = 60;

let dev: RunningDev;

beforeAll(async () => {
  dev = await spawnDev([], { THAW_RESTORES_PER_SECOND: '10' });
  const oss = new OSS({
    endpoint: dev.info.oss.endpoint,
    accessKeyId: dev.info.oss.accessKeyId,
    accessKeySecret: dev.info.oss.accessKeySecret,
    bucket: 'thaw-demo',
  });
  for (let i = 0; i < OBJECTS; i++)
    await oss.put(`ctrl-c/${String(i).padStart(2, '0')}.bin`, Buffer.from('x'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
}, 120_000);
afterAll(async () => {
  expect(await dev?.stop()).toBe(0);
});

interface HeldCall {
  /** The API's answer, already given: the deployment has done what the call asked. */
  readonly answer: { status: number; results: { status: number }[] };
  /** Sends the answer on to the CLI; resolves true when it went out on a connection still open. */
  release(): Promise<boolean>;
}

/**
 * Passes every call to the API through, except that the answer of the `holdCall`-th
 * POST /v1/batch/restore is held until release(); `held` resolves once the API has answered it.
 */
async function holdingProxy(target: string, holdCall: number): Promise<{ url: string; held: Promise<HeldCall>; close(): Promise<void> }> {
  let restoreCalls = 0;
  let onHeld!: (call: HeldCall) => void;
  const held = new Promise<HeldCall>((resolve) => {
    onHeld = resolve;
  });
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name, value]) => typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    const upstream = await fetch(new URL(req.url ?? '/', target), {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    const send = () =>
      new Promise<boolean>((resolve) => {
        if (res.destroyed || req.socket.destroyed) return resolve(false);
        res.once('finish', () => resolve(true));
        res.once('close', () => resolve(res.writableFinished));
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(body);
      });
    if (req.method === 'POST' && req.url === '/v1/batch/restore' && ++restoreCalls === holdCall) {
      onHeld({ answer: { status: upstream.status, ...JSON.parse(body.toString()) }, release: send });
      return;
    }
    await send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `thaw restore` in its own process, as a user runs it; onStdout sees everything printed so far. */
function restore(apiUrl: string, onStdout?: (text: string) => void) {
  const env = childEnv({
    THAW_API_URL: apiUrl,
    THAW_API_TOKEN: dev.info.apiToken,
    THAW_OSS_ENDPOINT: dev.info.oss.endpoint,
    ALIBABA_CLOUD_ACCESS_KEY_ID: dev.info.oss.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: dev.info.oss.accessKeySecret,
  });
  const child = spawn(process.execPath, ['lib/bin/thaw.mjs', 'restore', 'oss://thaw-demo/ctrl-c/', '--yes'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      onStdout?.(stdout);
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout }));
  });
  return { child, done };
}

async function restoreCalls(): Promise<number> {
  const stats = (await (await controlFetch(`${dev.info.oss.endpoint}/-/stats`, {}, dev.info.oss)).json()) as { restores: Record<string, number> };
  return Object.entries(stats.restores)
    .filter(([object]) => object.startsWith('thaw-demo/ctrl-c/'))
    .reduce((n, [, calls]) => n + calls, 0);
}

it('stops on Ctrl-C after the call in flight has finished, reports what happened, and the same command again finishes with one restore per object', async () => {
  // The first call: the rate limit has nothing used yet, so the deployment restores what it asks for.
  const proxy = await holdingProxy(dev.info.api, 1);
  let stopping!: () => void;
  const stopLine = new Promise<void>((resolve) => {
    stopping = resolve;
  });
  const run = restore(proxy.url, (stdout) => {
    if (stdout.includes('stopping: ')) stopping();
  });
  const held = await proxy.held;
  // The deployment has restored what the held call asked for; the CLI has not heard yet.
  const inFlight = held.answer.results.filter((r) => r.status === 202).length;
  expect(held.answer.status).toBe(200);
  expect(inFlight).toBeGreaterThan(0);
  run.child.kill('SIGINT');
  await stopLine;
  const delivered = await held.release();
  const first = await run.done;
  await proxy.close();

  expect(first.code).toBe(130);
  expect(first.stdout).toContain('stopping: the calls in flight finish');
  const answered = /(\d+) of 60 answered: (\d+) restoring/.exec(first.stdout);
  const notSent = /stopped with (\d+) not sent: run the same command again to carry on/.exec(first.stdout);
  expect(answered, first.stdout).not.toBeNull();
  expect(notSent, first.stdout).not.toBeNull();
  const restoring = Number(answered![2]);
  // What it says is what happened: every object reported restoring was restored, and nothing it
  // says it did not send was (the objects it sent and heard "not yet" for may be restored by the
  // deployment's sweeper at any moment, so they are not counted either way).
  const calls = await restoreCalls();
  expect(restoring).toBeGreaterThanOrEqual(inFlight);
  expect(calls).toBeGreaterThanOrEqual(restoring);
  expect(calls).toBeLessThanOrEqual(OBJECTS - Number(notSent![1]));
  // The call in flight finished: its answer reached the CLI, which waited for it.
  expect(delivered).toBe(true);

  const again = await restore(dev.info.api).done;
  expect(again.code).toBe(0);
  expect(again.stdout).toContain(`${OBJECTS} of ${OBJECTS} answered: ${OBJECTS} restoring`);
  expect(await restoreCalls()).toBe(OBJECTS);
}, 120_000);
