// The OSS emulator checked from outside, each case through unmodified ali-oss 6.x clients, V1 and V4:
// restore priority, multipart uploads of archived objects, stored headers, conditional GETs, and
// presigned URLs through the documented localhost endpoint.
import type OSS from 'ali-oss';
import { describe, expect, it } from 'vitest';
import { localhostAgent, localhostEndpoint } from '../../lib/emulators/oss/index';
import { type AliOss, BUCKET, failure, headerOf, MINUTE, rawRequest, useOssHarness } from './oss-emulator-harness';

const use = useOssHarness();

const SIGNATURES: [string, () => AliOss][] = [
  ['V1', () => use().client()],
  ['V4', () => use().v4()],
];

describe.each(SIGNATURES)('through ali-oss with %s signatures', (_name, client) => {
  it('a ColdArchive restore with a tier answers x-oss-object-restore-priority', async () => {
    const oss = client();
    await oss.put('cold.bin', Buffer.from('ice'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    const accepted = await oss.restore('cold.bin', { type: 'ColdArchive', Days: 2, JobParameters: 'Expedited' });
    expect(accepted.res.status).toBe(202);
    expect(headerOf(accepted, 'x-oss-object-restore-priority')).toBe('Expedited');
  });

  it('a multipart upload of an archived object completes, and a GET before the restore answers 403 InvalidObjectState', async () => {
    const oss = client();
    const body = Buffer.alloc(250 * 1024, 1);
    const done = await oss.multipartUpload('big/archive.tar', body, { partSize: 100 * 1024, headers: { 'x-oss-storage-class': 'Archive' } });
    expect(done.res.status).toBe(200);
    const head = await oss.head('big/archive.tar');
    expect(headerOf(head, 'x-oss-storage-class')).toBe('Archive');
    expect(headerOf(head, 'content-length')).toBe(String(body.length));
    expect(await failure(oss.get('big/archive.tar'))).toMatchObject({ status: 403, code: 'InvalidObjectState' });
    await oss.restore('big/archive.tar', { type: 'Archive', Days: 1 });
    use().advance(MINUTE);
    expect(Buffer.compare((await oss.get('big/archive.tar')).content as Buffer, body)).toBe(0);
  });

  it('Content-Disposition given on PUT comes back on HEAD and GET', async () => {
    const oss = client();
    const disposition = 'attachment; filename="report 2023.csv"';
    await oss.put('reports/2023.csv', Buffer.from('a,b'), { headers: { 'Content-Disposition': disposition } });
    expect(headerOf(await oss.head('reports/2023.csv'), 'content-disposition')).toBe(disposition);
    expect(headerOf(await oss.get('reports/2023.csv'), 'content-disposition')).toBe(disposition);
  });

  it('If-None-Match with the current ETag answers 304', async () => {
    const oss = client();
    await oss.put('cached.txt', Buffer.from('same'));
    const etag = headerOf(await oss.head('cached.txt'), 'etag')!;
    // ali-oss resolves a 304 (GetObject's success statuses include it).
    const notModified = await oss.get('cached.txt', { headers: { 'If-None-Match': etag } } as OSS.GetObjectOptions);
    expect(notModified.res.status).toBe(304);
    expect(Buffer.from(notModified.content ?? '').length).toBe(0);
    const changed = await oss.get('cached.txt', { headers: { 'If-None-Match': '"0123456789ABCDEF0123456789ABCDEF"' } } as OSS.GetObjectOptions);
    expect(changed.res.status).toBe(200);
  });
});

describe('the documented localhost endpoint', () => {
  it('serves a V4 (and V1) presigned GET to a plain HTTP client, and refuses it once expired', async () => {
    const oss = use().v4({ endpoint: localhostEndpoint(use().emulator.endpoint), agent: localhostAgent() });
    await oss.put('shared/photo.jpg', Buffer.from('jpeg bytes'));
    const url = await oss.signatureUrlV4('GET', 60, {}, 'shared/photo.jpg');
    expect(new URL(url).hostname).toBe(`${BUCKET}.localhost`);
    expect(url).toContain('x-oss-signature-version=OSS4-HMAC-SHA256');

    const ok = await rawRequest(url, 'GET', {}, undefined, localhostAgent());
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('jpeg bytes');

    // The V1 form works the same way.
    const v1 = use().client({ endpoint: localhostEndpoint(use().emulator.endpoint), agent: localhostAgent() });
    const v1Url = v1.signatureUrl('shared/photo.jpg', { expires: 60 });
    expect((await rawRequest(v1Url, 'GET', {}, undefined, localhostAgent())).body).toBe('jpeg bytes');

    use().advance(61_000);
    for (const stale of [url, v1Url]) {
      const expired = await rawRequest(stale, 'GET', {}, undefined, localhostAgent());
      expect(expired.status).toBe(403);
      expect(expired.body).toContain('<Message>Request has expired.</Message>');
    }
  });
});
