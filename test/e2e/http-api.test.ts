// The HTTP API checked from outside, against `thaw dev --json --time-scale 60` in its own process, with
// objects put into thaw-demo through ali-oss.
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThawClient } from '../../lib/client';
import { type RunningDev, spawnDev } from '../support/dev-stack';
import { controlFetch } from '../../lib/emulators/shared/control';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('HTTP API against thaw dev', () => {
  let dev: RunningDev;
  let oss: OSS;

  const url = (bucket: string, key: string) => `${dev.info.api}/v1/restores/${bucket}/${encodeURIComponent(key)}`;
  const call = (method: string, target: string, token: string | null = dev.info.apiToken) =>
    fetch(target, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const restoresOf = async (bucket: string, key: string) =>
    ((await (await controlFetch(`${dev.info.oss.endpoint}/-/stats`, {}, dev.info.oss)).json()) as Json).restores[`${bucket}/${key}`] ?? 0;

  beforeAll(async () => {
    dev = await spawnDev(['--time-scale', '60']);
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

  it('answers 50 concurrent POSTs with 202 + Retry-After, restores once, then reports RESTORED', async () => {
    await oss.put('e2e/hot.bin', Buffer.from('hot bytes'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const responses = await Promise.all(Array.from({ length: 50 }, () => call('POST', url('thaw-demo', 'e2e/hot.bin'))));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
    expect(responses.every((r) => Number(r.headers.get('retry-after')) >= 1)).toBe(true);
    expect(await restoresOf('thaw-demo', 'e2e/hot.bin')).toBe(1);

    const during = (await (await call('GET', url('thaw-demo', 'e2e/hot.bin'))).json()) as Json;
    // Past the ETA a sweep may be holding its claim while it HEADs the object: CLAIMED for a moment.
    expect(['RESTORING', 'RESTORED', 'CLAIMED']).toContain(during.state);

    // At time-scale 60 an Archive restore takes about one second; ask again until it is done.
    let after = await call('GET', url('thaw-demo', 'e2e/hot.bin'));
    for (const until = Date.now() + 15_000; after.status !== 200 && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await call('GET', url('thaw-demo', 'e2e/hot.bin'));
    }
    expect(after.status).toBe(200);
    const body = (await after.json()) as Json;
    expect(body.state).toBe('RESTORED');
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    expect((await oss.get('e2e/hot.bin')).content.toString()).toBe('hot bytes');
  });

  it('refuses over-long bodies at the edge: a declared 10 GB at once, a streamed one as it passes the limit', async () => {
    const { request } = await import('node:http');
    const target = new URL(url('thaw-demo', 'e2e/big-body.bin'));
    const post = (headers: Record<string, string>) =>
      new Promise<{ status: number; sentMb: number }>((resolve, reject) => {
        let sent = 0;
        const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, sentMb: sent / 2 ** 20 });
          req.destroy();
        });
        req.on('error', (err) => (sent > 0 ? resolve({ status: -1, sentMb: sent / 2 ** 20 }) : reject(err)));
        const chunk = Buffer.alloc(2 ** 20, 0x61);
        const pump = () => {
          while (sent < 200 * 2 ** 20 && !req.destroyed) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
    // No token either: nothing is authenticated, let alone buffered, before the length is judged.
    const declared = await post({ 'content-length': String(10 * 2 ** 30) });
    expect(declared.status).toBe(413);
    const streamed = await post({});
    expect(streamed.status).toBe(413);
    // Answered long before the 200 MB were sent.
    expect(streamed.sentMb).toBeLessThan(100);
  });

  it.each([
    ['a Standard object', 'POST', 'thaw-demo', 'standard/readme.txt', true, 409, 'NotArchived'],
    ['a missing object', 'POST', 'thaw-demo', 'e2e/never-written', true, 404, 'NoSuchKey'],
    ['a bucket outside the allow-list', 'POST', 'someone-elses-bucket', 'a.bin', true, 403, 'NotAllowed'],
    ['a request without a token', 'POST', 'thaw-demo', 'archive/report-2023.csv', false, 401, 'Unauthorized'],
    // No SDK can address a key with a ".." segment: refused up front, naming why.
    ['a key with a ".." segment', 'POST', 'thaw-demo', 'e2e/a/../b', true, 400, 'UnaddressableKey'],
  ])('answers %s with %s', async (_label, method, bucket, key, withToken, status, code) => {
    const res = await call(method, url(bucket, key), withToken ? dev.info.apiToken : null);
    expect(res.status).toBe(status);
    expect(((await res.json()) as Json).error.code).toBe(code);
  });

  it('round-trips a key with spaces, +, % and non-ASCII characters', async () => {
    const key = 'e2e/a b+c%d/日本語 ünï.txt';
    await oss.put(key, Buffer.from('odd'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    const res = await call('POST', url('thaw-demo', key));
    expect(res.status).toBe(202);
    expect(((await res.json()) as Json).key).toBe(key);
    expect(((await (await call('GET', url('thaw-demo', key))).json()) as Json).key).toBe(key);
    expect(await restoresOf('thaw-demo', key)).toBe(1);
  });

  // A key's own "?versionId=" is part of the key, not a query.
  it('restores a key containing "?versionId=" once, as that key', async () => {
    const key = 'e2e/q?versionId=CAEQabc.bin';
    await oss.put(key, Buffer.from('q'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const res = await call('POST', url('thaw-demo', key));
    expect(res.status).toBe(202);
    expect((await res.json()) as Json).toMatchObject({ key, versionId: null, state: 'RESTORING' });
    expect(await restoresOf('thaw-demo', key)).toBe(1);
  });

  it('lets the caller client read an archived object once it is restored', async () => {
    await oss.put('e2e/client.csv', Buffer.from('a,b\n1,2\n'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const waits: number[] = [];
    const client = new ThawClient({ oss, apiUrl: dev.info.api, token: dev.info.apiToken, minWaitMs: 200 });
    const result = await client.getWithRestore('e2e/client.csv', { signal: AbortSignal.timeout(20_000), onWait: (w) => waits.push(w.waitMs) });
    expect(result.content.toString()).toBe('a,b\n1,2\n');
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits[0]).toBe(1000);
  });
});
