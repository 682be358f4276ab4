// The access-log loop checked from outside: nobody calls the API. Objects are read through ali-oss, every read
// fails with 403, and the OSS access log (through Log Service and the Log trigger) starts exactly
// one restore per object; once the time-scaled restores finish, every object reads back.
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../lib/restore/object-ref';
import { TablestoreStateStore } from '../../lib/store/tablestore';
import { type RunningDev, spawnDev } from '../support/dev-stack';
import { controlFetch } from '../../lib/emulators/shared/control';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Polls `probe` every 50 ms until it returns a value, for at most `timeoutMs`. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the access-log loop against thaw dev, without the API', () => {
  let dev: RunningDev;
  let oss: OSS;
  // One key that looks like it carries a query (its "?" is logged as %3F): it is restored as itself.
  const keys = Array.from({ length: 10 }, (_, i) => (i === 0 ? 'loop/q?versionId=CAEQabc.bin' : `loop/object-${i} ü+.bin`));

  const status = async (key: string) => {
    const res = await fetch(`${dev.info.api}/v1/restores/thaw-demo/${encodeURIComponent(key)}`, { headers: { authorization: `Bearer ${dev.info.apiToken}` } });
    return res.status === 404 ? undefined : ((await res.json()) as Json);
  };

  beforeAll(async () => {
    dev = await spawnDev(['--time-scale', '60']);
    expect(dev.info.sls).toMatchObject({ project: 'oss-log-1000000000000001-cn-hangzhou', logstore: 'oss-log-store' });
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

  it('restores each of 10 objects read 10 times once, and they read back', async () => {
    for (const key of keys) await oss.put(key, Buffer.from(`bytes of ${key}`), { headers: { 'x-oss-storage-class': 'Archive' } });
    const reads = keys.flatMap((key) =>
      Array.from({ length: 10 }, () =>
        oss.get(key).then(
          () => 200,
          (err: { status: number; code: string }) => `${err.status} ${err.code}`,
        ),
      ),
    );
    expect(await Promise.all(reads)).toEqual(Array(100).fill('403 InvalidObjectState'));

    // Watch the records in Tablestore directly: an API GET would itself refresh them.
    const store = new TablestoreStateStore({ ...dev.info.tablestore, table: 'thaw_restores' });
    const ids = keys.map((key) => recordId({ bucket: 'thaw-demo', key, versionId: '' }));
    const states = async () => [...(await store.getMany(ids)).values()];

    // Within a few trigger intervals each object has a RESTORING record.
    await eventually(async () => ((await states()).filter((r) => r.state === 'RESTORING').length === 10 ? true : undefined), 15_000, '10 RESTORING records');
    const stats = (await (await controlFetch(`${dev.info.oss.endpoint}/-/stats`, {}, dev.info.oss)).json()) as Json;
    expect(keys.map((key) => stats.restores[`thaw-demo/${key}`])).toEqual(Array(10).fill(1));

    // The time-scaled restore takes about a second; every object then reads back its bytes.
    for (const key of keys) {
      const content = await eventually(
        () =>
          oss.get(key).then(
            (r) => r.content.toString(),
            () => undefined,
          ),
        15_000,
        `${key} readable`,
      );
      expect(content).toBe(`bytes of ${key}`);
    }
    // And with nobody asking through the API, the sweeper, the FinishRestore event or a late
    // access-log miss (a range processed past the ETA of a restore its earlier misses started;
    // its HEAD finds the copy ready) recorded it.
    const done = await eventually(
      async () => {
        const all = await states();
        return all.every((r) => r.state === 'RESTORED') ? all : undefined;
      },
      15_000,
      'records RESTORED in the background',
    );
    expect(done.map((r) => ['sweeper', 'storage-event', 'access-log'].includes(r.lastSource ?? ''))).toEqual(Array(10).fill(true));
    expect((await status(keys[0]!))?.state).toBe('RESTORED');

    const after = (await (await controlFetch(`${dev.info.oss.endpoint}/-/stats`, {}, dev.info.oss)).json()) as Json;
    expect(keys.map((key) => after.restores[`thaw-demo/${key}`])).toEqual(Array(10).fill(1));
  });

  // Not only GETs need a restore first; a refused image-processing read is a miss too.
  it('restores an archived image once after an image-processing read was refused', async () => {
    const key = 'loop/photo.jpg';
    await oss.put(key, Buffer.from('jpeg bytes'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const refused = await oss.get(key, { process: 'image/resize,w_100' }).then(
      () => 200,
      (err: { status: number; code: string }) => `${err.status} ${err.code}`,
    );
    expect(refused).toBe('403 InvalidObjectState');

    const store = new TablestoreStateStore({ ...dev.info.tablestore, table: 'thaw_restores' });
    const id = recordId({ bucket: 'thaw-demo', key, versionId: '' });
    const record = await eventually(
      async () => {
        const r = (await store.getMany([id])).get(id);
        return r && r.state !== 'CLAIMED' ? r : undefined;
      },
      15_000,
      `a restore of ${key}`,
    );
    expect(['RESTORING', 'RESTORED']).toContain(record.state);
    expect(record).toMatchObject({ lastSource: 'access-log', lastOperation: 'ProcessImage' });
    const stats = (await (await controlFetch(`${dev.info.oss.endpoint}/-/stats`, {}, dev.info.oss)).json()) as Json;
    expect(stats.restores[`thaw-demo/${key}`]).toBe(1);
  });
});
