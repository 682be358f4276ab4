// SIGKILL of a function's process at each step of a restore, then recovery by the paths that exist
// for it (the sweeper once the lease has lapsed, the next miss): still exactly one billed restore.
// Each kill lands deterministically: the emulators (in this process) hold the request of the step
// (an answer that never comes, or a slow one), and the test kills the worker once the emulator has
// seen that request — never by sleeping and hoping.
//   after the claim                    HeadObject held unanswered: the claim is all that landed
//   after the 202, before the outcome  RestoreObject applied (billed), its answer held
//   during the outcome write           the outcome PutRow applied, its answer held
//   inside the sweeper                 a sweep re-claims a crashed worker's claim, RestoreObject held
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { loadConfig } from '../../lib/config';
import { silentLogger } from '../../lib/log';
import type { ObjectStore } from '../../lib/restore/ports';
import { Coordinator } from '../../lib/restore/coordinator';
import { objectRef, recordId } from '../../lib/restore/object-ref';
import type { RestoreRecord } from '../../lib/restore/record';
import { sweep } from '../../lib/restore/sweep';
import { TablestoreAdmin } from '../../lib/store/tablestore-admin';
import { ensureTables } from '../../lib/store/tablestore-schema';
import { buildServices } from '../../lib/wiring';
import { childEnv } from '../support/child-env';
import { type ResilienceStack, startResilienceStack } from './stack';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUCKET = 'thaw-kill';

describe('resilience: SIGKILL at every step of a restore', () => {
  let stack: ResilienceStack;
  beforeAll(async () => {
    stack = await startResilienceStack(BUCKET, 'thaw_kill_setup');
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Each test its own table and object. */
  async function scenario(name: string) {
    const table = `thaw_kill_${name}`;
    const key = `${name}/object ü+%.bin`;
    stack.oss.putObject(BUCKET, key, 'x', { storageClass: 'ColdArchive' });
    const ts = stack.tablestore.describe() as { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
    await ensureTables(new TablestoreAdmin({ ...ts, table }));
    const env = stack.env({ THAW_TABLE: table, THAW_API_ANONYMOUS: 'true' });
    const id = recordId(objectRef({ bucket: BUCKET, key }));
    const services = (clock: ManualClock) => buildServices(loadConfig(env), stack.credentials, { clock, log: silentLogger });
    const record = async (): Promise<RestoreRecord | undefined> => (await services(new ManualClock(0)).store.getMany([id])).get(id);
    const logged = (operation: string) => stack.log.filter((r) => r.operation === operation && r.object === encodeURIComponent(key));
    const billed = () => logged('RestoreObject').filter((r) => r.http_status === '202').length;
    /** Starts a function in its own process. */
    const start = (fn: string, event: unknown): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', 'test/resilience/function-worker.ts', fn, JSON.stringify(event)], {
        cwd: ROOT,
        env: childEnv({
          ...env,
          ALIBABA_CLOUD_ACCESS_KEY_ID: stack.credentials.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: stack.credentials.accessKeySecret,
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const post = {
      version: 'v1',
      rawPath: `/v1/restores/${BUCKET}/${encodeURIComponent(key)}`,
      headers: {},
      body: '',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST' } },
    };
    /** The sweeper as its timer would run it once `atMs` has come. */
    const sweepAt = async (atMs: number) => {
      const s = services(new ManualClock(atMs));
      await s.ready();
      return sweep({ ...s, log: silentLogger }, { limit: 100 });
    };
    return { key, id, env, record, logged, billed, start, post, sweepAt, services };
  }

  /** Resolves once `seen()` holds (polled), then SIGKILLs the worker and waits for it to go. */
  async function killWhen(worker: ChildProcess, seen: () => boolean): Promise<void> {
    let output = '';
    worker.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    worker.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => worker.once('exit', (_code, signal) => resolve(signal)));
    for (let waited = 0; !seen(); waited += 5) {
      if (worker.exitCode !== null) throw new Error(`the worker finished before the step it was to be killed at:\n${output}`);
      if (waited > 25_000) throw new Error(`the step was never reached:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    worker.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
  }

  it('after the claim: the lease lapses, the sweeper restores it once', async () => {
    const s = await scenario('claimed');
    stack.oss.faults.configure({ rules: [{ operation: 'HeadObject', ackDropRate: 1 }] });
    try {
      await killWhen(s.start('http', s.post), () => s.logged('HeadObject').length > 0);
    } finally {
      stack.oss.faults.clear();
    }
    const left = (await s.record())!;
    expect(left).toMatchObject({ state: 'CLAIMED', version: 1 });
    expect(s.billed()).toBe(0);
    // Before the lease lapses a sweep leaves the claim alone; after, it takes over.
    expect((await s.sweepAt(left.leaseUntilMs! - 1)).due).toBe(0);
    await s.sweepAt(left.leaseUntilMs! + 1);
    expect(await s.record()).toMatchObject({ state: 'RESTORING', version: 3 });
    expect(s.billed()).toBe(1);
  });

  it('after the 202, before the outcome write: the sweeper finds the restore running and calls RestoreObject no more', async () => {
    const s = await scenario('billed');
    stack.oss.faults.configure({ rules: [{ operation: 'RestoreObject', ackDropRate: 1 }] });
    try {
      await killWhen(s.start('http', s.post), () => s.logged('RestoreObject').length > 0);
    } finally {
      stack.oss.faults.clear();
    }
    const left = (await s.record())!;
    expect(left).toMatchObject({ state: 'CLAIMED', version: 1 });
    expect(s.billed()).toBe(1);
    await s.sweepAt(left.leaseUntilMs! + 1);
    expect(await s.record()).toMatchObject({ state: 'RESTORING', version: 3 });
    expect(s.logged('RestoreObject')).toHaveLength(1);
    expect(s.billed()).toBe(1);
  });

  it('during the outcome write: the write landed, and the next miss costs nothing', async () => {
    const s = await scenario('outcome');
    // The RestoreObject answer is slow; while it is held, the outcome write's answer is set to be lost.
    stack.oss.faults.configure({ rules: [{ operation: 'RestoreObject', latencyMs: 300 }] });
    let putRows = Number.POSITIVE_INFINITY;
    const worker = s.start('http', s.post);
    try {
      await killWhen(worker, () => {
        if (putRows === Number.POSITIVE_INFINITY && s.logged('RestoreObject').length > 0) {
          putRows = stack.tablestore.stats().operations.PutRow ?? 0;
          stack.tablestore.faults.configure({ rules: [{ operation: 'PutRow', ackDropRate: 1 }] });
        }
        return (stack.tablestore.stats().operations.PutRow ?? 0) > putRows;
      });
    } finally {
      stack.oss.faults.clear();
      stack.tablestore.faults.clear();
    }
    expect(await s.record()).toMatchObject({ state: 'RESTORING', version: 2 });
    expect(s.billed()).toBe(1);
    // A new miss for the object: the record says a restore runs; no OSS call, no write.
    const services = s.services(new ManualClock((await s.record())!.updatedAtMs + 1_000));
    const { summary } = await services.coordinator.request([{ bucket: BUCKET, key: s.key, source: 'http', seenAtMs: services.clock.nowMs() }]);
    expect(summary).toMatchObject({ restoring: 1, restoreStarted: 0 });
    expect(s.logged('RestoreObject')).toHaveLength(1);
    expect(await s.record()).toMatchObject({ version: 2 });
  });

  it('inside the sweeper: a second sweep after the first one’s lease finishes the restore, billed once', async () => {
    const s = await scenario('swept');
    // A worker that crashed ten minutes ago right after its claim: its lease has long lapsed. Its
    // HEAD never answers, as if the process died there.
    const crashedAt = Date.now() - 10 * 60_000;
    const hung: ObjectStore = { head: () => new Promise(() => undefined), restore: () => new Promise(() => undefined) };
    const crashed = s.services(new ManualClock(crashedAt));
    void new Coordinator({ store: crashed.store, objects: hung, clock: crashed.clock }).request([
      { bucket: BUCKET, key: s.key, source: 'access-log', seenAtMs: crashedAt },
    ]);
    for (let i = 0; i < 200 && !(await s.record()); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await s.record()).toMatchObject({ state: 'CLAIMED', version: 1 });

    stack.oss.faults.configure({ rules: [{ operation: 'RestoreObject', ackDropRate: 1 }] });
    try {
      await killWhen(s.start('sweeper', {}), () => s.logged('RestoreObject').length > 0);
    } finally {
      stack.oss.faults.clear();
    }
    const left = (await s.record())!;
    // The sweep re-claimed it (version 2), and its restore landed before the process died.
    expect(left).toMatchObject({ state: 'CLAIMED', version: 2 });
    expect(s.billed()).toBe(1);
    await s.sweepAt(left.leaseUntilMs! + 1);
    expect(await s.record()).toMatchObject({ state: 'RESTORING', version: 4 });
    expect(s.logged('RestoreObject')).toHaveLength(1);
    expect(s.billed()).toBe(1);
  });
});
