// The edges of a restore cycle checked from outside, against `thaw dev --json` in its own
// process, with the real SDKs: a versioned object read with and without its version id, and a
// tier raise the budget refuses. Time runs 3,600× faster (ColdArchive Standard: 5 s).
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDev, spawnDev } from '../support/dev-stack';
import { controlFetch } from '../../lib/emulators/shared/control';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const VERSIONED = 'thaw-versioned';

describe('restore cycles against thaw dev', () => {
  let dev: RunningDev;
  let demo: OSS;
  let versioned: OSS;

  const url = (bucket: string, key: string, versionId?: string) =>
    `${dev.info.api}/v1/restores/${bucket}/${encodeURIComponent(key)}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`;
  const call = (method: string, target: string, body?: unknown) =>
    fetch(target, {
      method,
      headers: { authorization: `Bearer ${dev.info.apiToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const restoresOf = async (bucket: string, key: string) =>
    ((await (await controlFetch(`${dev.info.oss.endpoint}/-/stats`, {}, dev.info.oss)).json()) as Json).restores[`${bucket}/${key}`] ?? 0;

  beforeAll(async () => {
    // One restore a day per bucket, and Expedited allowed, so a raise has to ask the budget.
    dev = await spawnDev(['--time-scale', '3600'], { THAW_ALLOW: `thaw-demo,${VERSIONED}`, THAW_DAILY_RESTORES: '1', THAW_MAX_TIER: 'Expedited' });
    const creds = { endpoint: dev.info.oss.endpoint, accessKeyId: dev.info.oss.accessKeyId, accessKeySecret: dev.info.oss.accessKeySecret };
    demo = new OSS({ ...creds, bucket: 'thaw-demo' });
    versioned = new OSS({ ...creds, bucket: VERSIONED });
    // The local stack creates every bucket its allow-list names; this one gets versioning.
    // @types/ali-oss lacks putBucketVersioning; ali-oss 6 has it.
    await (versioned as unknown as { putBucketVersioning(name: string, status: string): Promise<unknown> }).putBucketVersioning(VERSIONED, 'Enabled');
  });
  afterAll(async () => {
    expect(await dev?.stop()).toBe(0);
  });

  // An object is (bucket, key, the version OSS resolves): one record and one restore, however it is named.
  it('gives a versioned object read with and without its version id one RestoreObject in total', async () => {
    const put = await versioned.put('docs/v.bin', Buffer.from('v'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const versionId = (put.res.headers as Record<string, string>)['x-oss-version-id']!;
    expect(versionId).toBeTruthy();

    const without = await call('POST', url(VERSIONED, 'docs/v.bin'));
    const withVersion = await call('POST', url(VERSIONED, 'docs/v.bin', versionId));
    // At this time scale an Archive restore takes 17 ms: the second answer may already be 200.
    expect(without.status).toBe(202);
    expect([200, 202]).toContain(withVersion.status);
    expect(((await without.json()) as Json).versionId).toBe(versionId);
    expect(((await withVersion.json()) as Json).versionId).toBe(versionId);
    expect(await restoresOf(VERSIONED, 'docs/v.bin')).toBe(1);

    const status = (await (await call('GET', url(VERSIONED, 'docs/v.bin'))).json()) as Json;
    // Past the ETA (17 ms here) a sweep may be holding its claim while it HEADs the object.
    expect(status).toMatchObject({ versionId, state: expect.stringMatching(/^(RESTORING|RESTORED|CLAIMED)$/) });
  });

  // A raise the budget refuses leaves the running restore as it was.
  it('keeps a budget-refused raise RESTORING at the original tier, then RESTORED', async () => {
    await demo.put('e2e/cold-raise.bin', Buffer.from('cold'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    const first = await call('POST', url('thaw-demo', 'e2e/cold-raise.bin'));
    expect(first.status).toBe(202);
    const started = (await first.json()) as Json;
    expect(started).toMatchObject({ state: 'RESTORING', tier: 'Standard' });

    const raise = await call('POST', url('thaw-demo', 'e2e/cold-raise.bin'), { tier: 'Expedited' });
    expect(raise.status).toBe(202);
    const body = (await raise.json()) as Json;
    expect(body).toMatchObject({ state: 'RESTORING', tier: 'Standard', requestedAt: started.requestedAt, etaAt: started.etaAt });
    expect(body.raise).toMatchObject({ tier: 'Expedited', refused: 'daily-restore-budget' });
    expect(Number(raise.headers.get('retry-after'))).toBeLessThanOrEqual(6);

    // The Standard restore finishes (5 s scaled); the record follows it, at its own tier.
    let after = await call('GET', url('thaw-demo', 'e2e/cold-raise.bin'));
    for (const until = Date.now() + 20_000; after.status !== 200 && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await call('GET', url('thaw-demo', 'e2e/cold-raise.bin'));
    }
    expect(after.status).toBe(200);
    expect((await after.json()) as Json).toMatchObject({ state: 'RESTORED', tier: 'Standard' });
    expect(await restoresOf('thaw-demo', 'e2e/cold-raise.bin')).toBe(1);
  });
});
