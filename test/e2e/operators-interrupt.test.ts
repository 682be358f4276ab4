// Ctrl-C during `thaw restore`, then the same command again, against `thaw dev` with a low rate
// limit (so the run lasts long enough to interrupt): it stops cleanly, says what it did not send,
// and the rerun finishes the prefix with exactly one RestoreObject per object in all.
import { spawn } from 'node:child_process';
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

function restore(onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string }> {
  const env = childEnv({
    THAW_API_URL: dev.info.api,
    THAW_API_TOKEN: dev.info.apiToken,
    THAW_OSS_ENDPOINT: dev.info.oss.endpoint,
    ALIBABA_CLOUD_ACCESS_KEY_ID: dev.info.oss.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: dev.info.oss.accessKeySecret,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['lib/bin/thaw.mjs', 'restore', 'oss://thaw-demo/ctrl-c/', '--yes'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      onStdout?.(stdout, child);
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

async function restoreCalls(): Promise<number> {
  const stats = (await (await controlFetch(`${dev.info.oss.endpoint}/-/stats`)).json()) as { restores: Record<string, number> };
  return Object.entries(stats.restores)
    .filter(([object]) => object.startsWith('thaw-demo/ctrl-c/'))
    .reduce((n, [, calls]) => n + calls, 0);
}

it('stops on Ctrl-C with what it did not send, and the same command again finishes with one restore per object', async () => {
  let interrupted = false;
  // At 9 objects a second the run lasts about 7 s; interrupt it once the first call has answered.
  const first = await restore((stdout, child) => {
    if (!interrupted && /submitted \d+\/60/.test(stdout)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  expect(interrupted).toBe(true);
  expect(first.code).toBe(130);
  expect(first.stdout).toContain('stopping: the calls in flight finish');
  expect(first.stdout).toMatch(/stopped with \d+ not sent: run the same command again to carry on/);
  const before = await restoreCalls();
  expect(before).toBeGreaterThan(0);
  expect(before).toBeLessThan(OBJECTS);

  const again = await restore();
  expect(again.code).toBe(0);
  expect(again.stdout).toContain(`${OBJECTS} of ${OBJECTS} answered: ${OBJECTS} restoring`);
  expect(await restoreCalls()).toBe(OBJECTS);
}, 120_000);
