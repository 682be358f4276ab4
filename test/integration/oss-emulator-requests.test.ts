// How the OSS emulator reads requests the way applications send them through ali-oss: standard
// headers stored and returned, conditional requests, streams sent with both Content-Length and
// chunked framing, header values signed as the bytes received.
import type OSS from 'ali-oss';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { type AliOss, BUCKET, failure, headerOf, MINUTE, T0, xmlField, useOssHarness } from './oss-emulator-harness';

const use = useOssHarness();

const STANDARD = {
  'Cache-Control': 'no-cache',
  'Content-Disposition': 'attachment; filename="a.csv"',
  'Content-Encoding': 'gzip',
  'Content-Language': 'de-CH',
  Expires: 'Fri, 01 Jan 2027 00:00:00 GMT',
};

function standardHeadersOf(result: { res: unknown }): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(STANDARD).map((name) => [name, headerOf(result, name.toLowerCase())]));
}

describe('standard headers', () => {
  it('are stored by PutObject and returned by HeadObject and GetObject', async () => {
    const oss = use().client();
    // A client decodes what Content-Encoding says, so the body really is gzip.
    await oss.put('a.csv', gzipSync('a,b\n'), { headers: { ...STANDARD } });
    expect(standardHeadersOf(await oss.head('a.csv'))).toEqual(STANDARD);
    expect(standardHeadersOf(await oss.get('a.csv'))).toEqual(STANDARD);
  });

  it('are copied by CopyObject, and replaced with x-oss-metadata-directive: REPLACE', async () => {
    const oss = use().client();
    await oss.put('src.csv', gzipSync('x'), { headers: { ...STANDARD } });
    await oss.copy('kept.csv', 'src.csv');
    expect(standardHeadersOf(await oss.head('kept.csv'))).toEqual(STANDARD);
    await oss.copy('replaced.csv', 'src.csv', { headers: { 'x-oss-metadata-directive': 'REPLACE', 'Cache-Control': 'max-age=60' } });
    expect(standardHeadersOf(await oss.head('replaced.csv'))).toEqual({
      'Cache-Control': 'max-age=60',
      'Content-Disposition': undefined,
      'Content-Encoding': undefined,
      'Content-Language': undefined,
      Expires: undefined,
    });
  });

  it('given to InitiateMultipartUpload are the completed object’s', async () => {
    const oss = use().client();
    // ali-oss adds to the headers object it is given, so it gets a copy.
    await oss.multipartUpload('mp.csv', Buffer.alloc(150 * 1024, 2), { partSize: 100 * 1024, headers: { ...STANDARD } });
    expect(standardHeadersOf(await oss.head('mp.csv'))).toEqual(STANDARD);
  });
});

describe('conditional requests', () => {
  let etag: string;
  let oss: AliOss;
  beforeEach(async () => {
    oss = use().client();
    await oss.put('doc.txt', Buffer.from('v1'));
    etag = headerOf(await oss.head('doc.txt'), 'etag')!;
    use().advance(MINUTE);
  });

  const get = (headers: Record<string, string>) =>
    oss.get('doc.txt', { headers } as OSS.GetObjectOptions).then(
      (r) => r.res.status,
      (e: { status: number; code?: string }) => `${e.status} ${e.code}`,
    );

  it.each<[string, Record<string, string>, number | string]>([
    ['If-Match with the ETag', { 'If-Match': 'ETAG' }, 200],
    ['If-Match with another ETag', { 'If-Match': '"00000000000000000000000000000000"' }, '412 PreconditionFailed'],
    ['If-None-Match with the ETag', { 'If-None-Match': 'ETAG' }, 304],
    ['If-None-Match with another ETag', { 'If-None-Match': '"00000000000000000000000000000000"' }, 200],
    ['If-Modified-Since the write', { 'If-Modified-Since': 'Thu, 01 Jan 2026 00:00:00 GMT' }, 304],
    ['If-Modified-Since a second before the write', { 'If-Modified-Since': 'Wed, 31 Dec 2025 23:59:59 GMT' }, 200],
    ['If-Modified-Since with an unparsable date', { 'If-Modified-Since': 'yesterday' }, 200],
    ['If-Unmodified-Since the write', { 'If-Unmodified-Since': 'Thu, 01 Jan 2026 00:00:00 GMT' }, 200],
    ['If-Unmodified-Since a second before the write', { 'If-Unmodified-Since': 'Wed, 31 Dec 2025 23:59:59 GMT' }, '412 PreconditionFailed'],
    [
      'If-Match with the ETag and a failing If-Unmodified-Since (If-Match wins)',
      { 'If-Match': 'ETAG', 'If-Unmodified-Since': 'Wed, 31 Dec 2025 23:59:59 GMT' },
      200,
    ],
    [
      'If-None-Match with another ETag and If-Modified-Since the write (If-None-Match wins)',
      { 'If-None-Match': '"0"', 'If-Modified-Since': 'Thu, 01 Jan 2026 00:00:00 GMT' },
      200,
    ],
  ])('GET with %s', async (_label, headers, expected) => {
    const withEtag = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === 'ETAG' ? etag : v]));
    expect(await get(withEtag)).toBe(expected);
  });

  it('apply to HEAD too, the 412 arriving in x-oss-err', async () => {
    expect(await failure(oss.head('doc.txt', { headers: { 'If-Match': '"0"' } } as OSS.HeadObjectOptions))).toMatchObject({
      status: 412,
      code: 'PreconditionFailed',
    });
    const raw = await use().signed('HEAD', 'doc.txt', { headers: { 'if-none-match': etag } });
    expect(raw.status).toBe(304);
  });

  it('do not hide an unrestored archived object: it answers 403 whatever the condition', async () => {
    await oss.put('frozen.bin', Buffer.from('x'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const frozenEtag = headerOf(await oss.head('frozen.bin'), 'etag')!;
    expect(await failure(oss.get('frozen.bin', { headers: { 'If-None-Match': frozenEtag } } as OSS.GetObjectOptions))).toMatchObject({
      status: 403,
      code: 'InvalidObjectState',
    });
  });

  it('of a copy’s source are read from x-oss-copy-source-if-*', async () => {
    expect(await failure(oss.copy('copy.txt', 'doc.txt', { headers: { 'x-oss-copy-source-if-match': '"0"' } }))).toMatchObject({
      status: 412,
      code: 'PreconditionFailed',
    });
    const copied = await oss.copy('copy.txt', 'doc.txt', { headers: { 'x-oss-copy-source-if-match': etag } });
    expect(copied.res.status).toBe(200);
  });
});

describe('a stream with a known length', () => {
  // Observed with ali-oss 6.23: a stream with a Content-Length header goes out with both
  // Content-Length and Transfer-Encoding: chunked (with the contentLength option, only the former).
  it('is stored when ali-oss sends it with both Content-Length and Transfer-Encoding: chunked', async () => {
    const oss = use().client();
    const stream = Readable.from([Buffer.from('abc'), Buffer.from('def')]);
    const result = await oss.putStream('stream.bin', stream, { headers: { 'Content-Length': '6' } } as unknown as OSS.PutStreamOptions);
    expect(result.res.status).toBe(200);
    expect(Buffer.from((await oss.get('stream.bin')).content as Buffer).toString()).toBe('abcdef');
  });

  /** The bytes ali-oss puts on the wire for such a stream, signed as it signs them. */
  async function sendBoth(declaredLength: number, chunks: string[]): Promise<string> {
    const { accessKeyId, accessKeySecret } = use().credentials;
    const { aliSign } = await import('./oss-emulator-harness');
    const date = new Date(T0).toUTCString();
    const toSign = aliSign.buildCanonicalString('PUT', `/${BUCKET}/raw.bin`, { headers: { 'x-oss-date': date, 'content-type': 'application/octet-stream' } });
    const authorization = `OSS ${accessKeyId}:${aliSign.computeSignature(accessKeySecret, toSign)}`;
    const port = Number(new URL(use().emulator.endpoint).port);
    const framed = chunks.map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`).join('');
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `PUT /raw.bin HTTP/1.1\r\nHost: ${BUCKET}.oss-cn-hangzhou.aliyuncs.com\r\nContent-Type: application/octet-stream\r\nx-oss-date: ${date}\r\n` +
            `Authorization: ${authorization}\r\nContent-Length: ${declaredLength}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${framed}0\r\n\r\n`,
        );
      });
      let answer = '';
      socket.on('data', (d) => {
        answer += d.toString();
      });
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  it('is refused with OSS XML and a request id, not a bare 400, when the chunks do not add up to Content-Length', async () => {
    expect((await sendBoth(6, ['abc', 'def'])).split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    const short = await sendBoth(10, ['abc']);
    expect(short.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(short).toMatch(/x-oss-request-id: [0-9A-F]{24}/);
    expect(xmlField(short, 'Code')).toBe('IncompleteBody');
  });
});

describe('header values are signed as the bytes received', () => {
  it.each([
    ['V1', () => use().client({ headerEncoding: 'latin1' })],
    ['V4', () => use().v4({ headerEncoding: 'latin1' })],
  ])('so non-ASCII metadata sent with headerEncoding works with %s and comes back byte for byte', async (_name, make) => {
    const oss = make();
    await oss.put('meta.txt', Buffer.from('x'), { meta: { city: 'Zürich 東京' } });
    const raw = headerOf(await oss.head('meta.txt'), 'x-oss-meta-city')!;
    expect(Buffer.from(raw, 'latin1').toString('utf8')).toBe('Zürich 東京');
  });

  it('and a value changed on the way is refused', async () => {
    const res = await use().signed('PUT', 'meta.txt', { body: 'x', headers: { 'x-oss-meta-city': 'Z\u00fcrich' } });
    expect(res.status).toBe(200);
    // Signed as one string, sent as another: the emulator sees the bytes, not what was meant.
    const { aliSign } = await import('./oss-emulator-harness');
    const date = new Date(T0).toUTCString();
    const toSign = aliSign.buildCanonicalString('PUT', `/${BUCKET}/meta.txt`, { headers: { 'x-oss-date': date, 'x-oss-meta-city': 'Zurich' } });
    const { rawRequest } = await import('./oss-emulator-harness');
    const forged = await rawRequest(`${use().emulator.endpoint}/meta.txt`, 'PUT', {
      host: `${BUCKET}.oss-cn-hangzhou.aliyuncs.com`,
      'x-oss-date': date,
      'x-oss-meta-city': 'Z\u00fcrich',
      authorization: `OSS ${use().credentials.accessKeyId}:${aliSign.computeSignature(use().credentials.accessKeySecret, toSign)}`,
    });
    expect(forged.status).toBe(403);
    expect(xmlField(forged.body, 'Code')).toBe('SignatureDoesNotMatch');
  });
});

describe('a request Node cannot parse', () => {
  it('answers OSS XML with a request id', async () => {
    const port = Number(new URL(use().emulator.endpoint).port);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => {
        data += d.toString();
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(xmlField(answer, 'Code')).toBe('InvalidRequest');
  });
});
