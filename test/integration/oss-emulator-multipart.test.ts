// Multipart upload and DeleteMultipleObjects through ali-oss, with the documented XML, limits,
// archived-source rules, events and access-log records.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUCKET, failure, headerOf, MINUTE, xmlField, useOssHarness } from './oss-emulator-harness';

const use = useOssHarness();
const KB = 1024;

function part(size: number, fill: number): Buffer {
  return Buffer.alloc(size, fill);
}

describe('multipart upload', () => {
  it('initiates with a storage class, uploads, lists and completes, and names every step in events and the access log', async () => {
    const oss = use().client();
    const init = (await oss.initMultipartUpload('video/raw.mov', { headers: { 'x-oss-storage-class': 'ColdArchive' } })) as {
      uploadId: string;
      bucket: string;
      name: string;
    };
    expect(init).toMatchObject({ bucket: BUCKET, name: 'video/raw.mov' });
    expect(init.uploadId).toMatch(/^[0-9A-F]{32}$/);
    const first = (await oss.uploadPart('video/raw.mov', init.uploadId, 1, part(100 * KB, 1) as never, 0, 100 * KB)) as unknown as { etag: string };
    // ali-oss reads parts from a file or buffer range; uploading part 2 twice keeps the second.
    await oss.uploadPart('video/raw.mov', init.uploadId, 2, part(10 * KB, 9) as never, 0, 10 * KB);
    const second = (await oss.uploadPart('video/raw.mov', init.uploadId, 2, part(20 * KB, 2) as never, 0, 20 * KB)) as unknown as { etag: string };

    const listed = await oss.listParts('video/raw.mov', init.uploadId);
    expect(listed.parts.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      ['1', String(100 * KB), first.etag],
      ['2', String(20 * KB), second.etag],
    ]);
    const uploads = await oss.listUploads({});
    expect(uploads.uploads.map((u) => [u.name, u.uploadId])).toEqual([['video/raw.mov', init.uploadId]]);

    const done = (await oss.completeMultipartUpload('video/raw.mov', init.uploadId, [
      { number: 1, etag: first.etag },
      { number: 2, etag: second.etag },
    ])) as { etag: string };
    expect(done.etag).toMatch(/^"[0-9A-F]{32}-2"$/);
    const head = await oss.head('video/raw.mov');
    expect(headerOf(head, 'x-oss-storage-class')).toBe('ColdArchive');
    expect(headerOf(head, 'x-oss-object-type')).toBe('Multipart');
    expect(headerOf(head, 'content-length')).toBe(String(120 * KB));
    expect(headerOf(head, 'etag')).toBe(done.etag);
    expect((await oss.listUploads({})).uploads).toEqual([]);

    expect(use().events.map((e) => [e.eventName, e.oss.object.key, e.oss.object.size])).toEqual([
      ['ObjectCreated:InitiateMultipartUpload', 'video/raw.mov', 0],
      ['ObjectCreated:UploadPart', 'video/raw.mov', 100 * KB],
      ['ObjectCreated:UploadPart', 'video/raw.mov', 10 * KB],
      ['ObjectCreated:UploadPart', 'video/raw.mov', 20 * KB],
      ['ObjectCreated:CompleteMultipartUpload', 'video/raw.mov', 120 * KB],
    ]);
    expect(use().logs.map((r) => [r.operation, r.http_status, r.object])).toEqual([
      ['PutBucket', '200', '-'],
      ['InitiateMultipartUpload', '200', 'video%2Fraw.mov'],
      ['UploadPart', '200', 'video%2Fraw.mov'],
      ['UploadPart', '200', 'video%2Fraw.mov'],
      ['UploadPart', '200', 'video%2Fraw.mov'],
      ['ListParts', '200', 'video%2Fraw.mov'],
      ['ListMultipartUploads', '200', '-'],
      ['CompleteMultipartUpload', '200', 'video%2Fraw.mov'],
      ['HeadObject', '200', 'video%2Fraw.mov'],
      ['ListMultipartUploads', '200', '-'],
    ]);
    expect(use().logs.find((r) => r.operation === 'CompleteMultipartUpload')).toMatchObject({
      bucket_storage_type: 'ColdArchive',
      delta_data_size: String(120 * KB),
    });
  });

  it('refuses what CompleteMultipartUpload refuses: small parts, wrong ETags, parts out of order, unknown uploads', async () => {
    const oss = use().client();
    const { uploadId } = (await oss.initMultipartUpload('k')) as { uploadId: string };
    const small = (await oss.uploadPart('k', uploadId, 1, part(KB, 1) as never, 0, KB)) as unknown as { etag: string };
    const last = (await oss.uploadPart('k', uploadId, 2, part(KB, 2) as never, 0, KB)) as unknown as { etag: string };
    const complete = (parts: { number: number; etag: string }[]) => failure(oss.completeMultipartUpload('k', uploadId, parts));

    // doc 0042-00000213: every part but the last must be at least 100 KB, checked here, not at UploadPart.
    expect(
      await complete([
        { number: 1, etag: small.etag },
        { number: 2, etag: last.etag },
      ]),
    ).toMatchObject({ status: 400, code: 'EntityTooSmall', ecCode: '0042-00000213' });
    expect(await complete([{ number: 1, etag: '"00000000000000000000000000000000"' }])).toMatchObject({ status: 400, code: 'InvalidPart' });
    expect(await complete([{ number: 3, etag: last.etag }])).toMatchObject({ status: 400, code: 'InvalidPart' });
    const outOfOrder = await use().signed('POST', 'k', {
      subres: { uploadId },
      body: `<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>${last.etag}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>${small.etag}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect([outOfOrder.status, xmlField(outOfOrder.body, 'Code')]).toEqual([400, 'InvalidPartOrder']);
    // A single small part is a valid (last) part.
    expect((await oss.completeMultipartUpload('k', uploadId, [{ number: 2, etag: last.etag }])).res.status).toBe(200);
    expect(await complete([{ number: 2, etag: last.etag }])).toMatchObject({ status: 404, code: 'NoSuchUpload' });
  });

  it.each([
    ['0', 400],
    ['10001', 400],
    ['STR', 400],
  ])('answers InvalidArgument to part number %s (doc 0017-00000220)', async (partNumber, status) => {
    const { uploadId } = (await use().client().initMultipartUpload('k')) as { uploadId: string };
    const res = await use().signed('PUT', 'k', { subres: { partNumber, uploadId }, body: 'x', headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(status);
    expect(xmlField(res.body, 'Message')).toBe('Part number must be an integer between 1 and 10000, inclusive.');
    expect(xmlField(res.body, 'ArgumentValue')).toBe(partNumber);
  });

  it('aborts an upload: its parts are gone and the object never appears', async () => {
    const oss = use().client();
    const { uploadId } = (await oss.initMultipartUpload('aborted')) as { uploadId: string };
    await oss.uploadPart('aborted', uploadId, 1, part(KB, 1) as never, 0, KB);
    expect((await oss.abortMultipartUpload('aborted', uploadId)).res.status).toBe(204);
    expect(await failure(oss.listParts('aborted', uploadId))).toMatchObject({ status: 404, code: 'NoSuchUpload' });
    expect(await failure(oss.head('aborted'))).toMatchObject({ status: 404 });
    expect(use().events.at(-1)?.eventName).toBe('ObjectRemoved:AbortMultipartUpload');
  });

  it('keeps a bucket with an unfinished upload from being deleted', async () => {
    const oss = use().client();
    const { uploadId } = (await oss.initMultipartUpload('pending')) as { uploadId: string };
    expect(await failure(oss.deleteBucket(BUCKET))).toMatchObject({ status: 409, code: 'BucketNotEmpty' });
    await oss.abortMultipartUpload('pending', uploadId);
    expect((await oss.deleteBucket(BUCKET)).res.status).toBe(204);
  });

  it('lists uploads in pages by key-marker and upload-id-marker', async () => {
    const oss = use().client();
    const ids: string[] = [];
    for (const key of ['a', 'b', 'b', 'c']) ids.push(((await oss.initMultipartUpload(key)) as { uploadId: string }).uploadId);
    const page = await use().signed('GET', '', { subres: { uploads: '' }, query: { 'max-uploads': '2' } });
    expect(xmlField(page.body, 'IsTruncated')).toBe('true');
    expect(xmlField(page.body, 'NextKeyMarker')).toBe('b');
    expect(xmlField(page.body, 'NextUploadIdMarker')).toBe(ids[1]);
    const rest = await use().signed('GET', '', { subres: { uploads: '' }, query: { 'key-marker': 'b', 'upload-id-marker': ids[1]! } });
    expect([...rest.body.matchAll(/<UploadId>([0-9A-F]+)<\/UploadId>/g)].map((m) => m[1])).toEqual([ids[2], ids[3]]);
  });
});

describe('UploadPartCopy', () => {
  it('copies a byte range of a readable object, and refuses an unrestored archived source with 403 InvalidObjectState', async () => {
    const oss = use().client();
    await oss.put('src/archived.bin', part(300 * KB, 5), { headers: { 'x-oss-storage-class': 'Archive' } });
    const { uploadId } = (await oss.initMultipartUpload('dst/copy.bin')) as { uploadId: string };
    const source = { sourceKey: 'src/archived.bin', sourceBucketName: BUCKET };
    expect(await failure(oss.uploadPartCopy('dst/copy.bin', uploadId, 1, `0-${100 * KB - 1}`, source))).toMatchObject({
      status: 403,
      code: 'InvalidObjectState',
    });
    const refused = use().logs.at(-1)!;
    // The field reference's `object` is the requested object: the destination. The source is not in a standard field.
    expect(refused).toMatchObject({ operation: 'UploadPartCopy', http_status: '403', error_code: 'InvalidObjectState', object: 'dst%2Fcopy.bin' });

    await oss.restore('src/archived.bin', { type: 'Archive', Days: 1 });
    use().advance(MINUTE);
    const copied = await oss.uploadPartCopy('dst/copy.bin', uploadId, 1, `0-${100 * KB - 1}`, source);
    const tail = await oss.uploadPartCopy('dst/copy.bin', uploadId, 2, `${100 * KB}-${150 * KB - 1}`, source);
    await oss.completeMultipartUpload('dst/copy.bin', uploadId, [
      { number: 1, etag: copied.etag },
      { number: 2, etag: tail.etag },
    ]);
    const got = (await oss.get('dst/copy.bin')).content as Buffer;
    expect(got.length).toBe(150 * KB);
    expect(use().events.filter((e) => e.eventName === 'ObjectCreated:UploadPartCopy')).toHaveLength(2);
  });
});

describe('DeleteMultipleObjects', () => {
  it('deletes up to 1,000 objects in one call, quietly or with the list, and sends one event per object', async () => {
    const oss = use().client();
    for (const key of ['a', 'b', 'dir/c d']) await oss.put(key, Buffer.from(key));
    const answer = await oss.deleteMulti(['a', 'dir/c d', 'missing']);
    expect(answer.res.status).toBe(200);
    expect(answer.deleted.map((d) => d.Key)).toEqual(['a', 'dir/c d', 'missing']);
    expect(await failure(oss.head('a'))).toMatchObject({ status: 404 });
    expect(
      use()
        .events.filter((e) => e.eventName === 'ObjectRemoved:DeleteObjects')
        .map((e) => e.oss.object.key),
    ).toEqual(['a', 'dir/c d']);
    const quiet = await oss.deleteMulti(['b'], { quiet: true });
    expect(quiet.deleted).toEqual([]);
    expect(use().logs.at(-1)).toMatchObject({ operation: 'DeleteMultipleObjects', http_status: '200', delta_data_size: '-1' });
  });

  it('adds delete markers in a versioned bucket and removes the versions it names', async () => {
    const oss = use().client();
    await oss.putBucketVersioning(BUCKET, 'Enabled');
    const v1 = headerOf(await oss.put('doc', Buffer.from('one')), 'x-oss-version-id')!;
    const res = await use().signed('POST', '', {
      subres: { delete: '' },
      body: `<Delete><Quiet>false</Quiet><Object><Key>doc</Key></Object><Object><Key>doc</Key><VersionId>${v1}</VersionId></Object></Delete>`,
      headers: {
        'content-md5': md5Base64(
          `<Delete><Quiet>false</Quiet><Object><Key>doc</Key></Object><Object><Key>doc</Key><VersionId>${v1}</VersionId></Object></Delete>`,
        ),
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/<Deleted><Key>doc<\/Key><DeleteMarker>true<\/DeleteMarker><DeleteMarkerVersionId>CAEQ/);
    expect(res.body).toContain(`<Deleted><Key>doc</Key><VersionId>${v1}</VersionId></Deleted>`);
  });

  it.each([
    ['no Content-MD5', (_body: string) => ({}), 'InvalidDigest'],
    ['a wrong Content-MD5', (_body: string) => ({ 'content-md5': md5Base64('other') }), 'InvalidDigest'],
  ])('refuses a body with %s', async (_label, headers, code) => {
    const body = '<Delete><Object><Key>a</Key></Object></Delete>';
    const res = await use().signed('POST', '', { subres: { delete: '' }, body, headers: headers(body) });
    expect([res.status, xmlField(res.body, 'Code')]).toEqual([400, code]);
  });

  it('refuses more than 1,000 objects, or none', async () => {
    const tooMany = `<Delete>${Array.from({ length: 1001 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('')}</Delete>`;
    const none = '<Delete><Quiet>true</Quiet></Delete>';
    for (const body of [tooMany, none]) {
      const res = await use().signed('POST', '', { subres: { delete: '' }, body, headers: { 'content-md5': md5Base64(body) } });
      expect([res.status, xmlField(res.body, 'Code')]).toEqual([400, 'MalformedXML']);
    }
  });
});

function md5Base64(text: string): string {
  return createHash('md5').update(text).digest('base64');
}
