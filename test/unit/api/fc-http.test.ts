// The FC adapters only convert; these check the conversions both ways.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Fc2Request, handleFc2Request, handleFc3Event } from '../../../lib/api/fc-http';
import { ref } from '../../support/records';
import { apiUnderTest, TOKEN } from '../../support/api';

function fc2Request(fields: { method: string; path: string; headers: Record<string, string>; queries?: Record<string, string>; body?: string }): Fc2Request {
  return Object.assign(Readable.from(fields.body ? [Buffer.from(fields.body)] : []), fields) as unknown as Fc2Request;
}

function fc2Response() {
  const out = { status: 0, headers: {} as Record<string, string>, body: '' };
  return {
    out,
    resp: {
      setStatusCode: (code: number) => (out.status = code),
      setHeader: (name: string, value: string) => (out.headers[name] = value),
      send: (body: string | Buffer) => (out.body = body.toString()),
    },
  };
}

describe('FC 2.0 HTTP handler adapter', () => {
  it('passes method, raw path, query, headers and body through, and writes the answer back', async () => {
    const { app, objects } = apiUnderTest();
    objects.put(ref('a b/ü.bin', 'thaw-test', 'CAEQ1'), 'ColdArchive');
    const { out, resp } = fc2Response();
    await handleFc2Request(
      app,
      fc2Request({
        method: 'POST',
        path: '/v1/restores/thaw-test/a%20b%2F%C3%BC.bin',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        queries: { versionId: 'CAEQ1' },
        body: '{"days":2}',
      }),
      resp,
      'req-42',
    );
    expect(out.status).toBe(202);
    expect(out.headers['retry-after']).toBe('18000');
    expect(out.headers['x-request-id']).toBe('req-42');
    expect(JSON.parse(out.body)).toMatchObject({ key: 'a b/ü.bin', versionId: 'CAEQ1', days: 2, state: 'RESTORING' });
  });
});

describe('FC 3.0 HTTP event adapter', () => {
  it('decodes a base64 body and keeps the raw path', async () => {
    const { app, objects } = apiUnderTest();
    objects.put(ref('x/y.bin'), 'Archive');
    const result = await handleFc3Event(
      app,
      Buffer.from(
        JSON.stringify({
          version: 'v1',
          rawPath: '/v1/restores/thaw-test/x%2Fy.bin',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          queryParameters: {},
          body: Buffer.from('{"days":3}').toString('base64'),
          isBase64Encoded: true,
          requestContext: { requestId: 'fc-1', http: { method: 'POST' } },
        }),
      ),
    );
    expect(result.statusCode).toBe(202);
    expect(result.headers['x-request-id']).toBe('fc-1');
    expect(JSON.parse(result.body)).toMatchObject({ key: 'x/y.bin', days: 3 });
  });

  it('answers an event without rawPath with 400', async () => {
    const { app } = apiUnderTest();
    const result = await handleFc3Event(app, { version: 'v1' }, 'fc-2');
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error).toMatchObject({ code: 'InvalidInput', message: 'The HTTP trigger event has no rawPath.' });
  });
});

// Outside attack on the first release: a 200 MB POST with no token was buffered whole before the
// app authenticated it or applied its 4 KiB limit (143 MB → 738 MB RSS), and a declared 10 GB
// Content-Length was not refused up front. Later, up to 256 KiB was still read before the token
// was checked; now the caller is authenticated before a byte of the body is read.
describe('FC 2.0 adapter: request bodies are bounded at the edge', () => {
  /** A body of `chunks` × 64 KiB, produced only as it is read; counts what was pulled. */
  function endlessBody(fields: { method: string; headers: Record<string, string> }, chunks = 3_200) {
    const pulled = { chunks: 0 };
    async function* body() {
      for (let i = 0; i < chunks; i++) {
        pulled.chunks++;
        yield Buffer.alloc(64 * 1024, 0x61);
      }
    }
    return { pulled, req: Object.assign(Readable.from(body()), { path: '/v1/restores/thaw-test/a', ...fields }) as unknown as Fc2Request };
  }
  const JSON_TYPE = { 'content-type': 'application/json' };

  it.each([
    ['a declared 10 GB', { 'content-length': String(10 * 1024 ** 3) }],
    ['no length at all', {}],
  ])('answers a caller without a token 401 without reading any of the body (%s)', async (_label, headers) => {
    const { app } = apiUnderTest();
    const { pulled, req } = endlessBody({ method: 'POST', headers: { ...JSON_TYPE, ...headers } });
    const { out, resp } = fc2Response();
    await handleFc2Request(app, req, resp, 'req-0');
    expect(out.status).toBe(401);
    expect(pulled.chunks).toBe(0);
  });

  it('refuses a body by its declared length without reading any of it', async () => {
    const { app } = apiUnderTest();
    const { pulled, req } = endlessBody({
      method: 'POST',
      headers: { ...JSON_TYPE, authorization: `Bearer ${TOKEN}`, 'content-length': String(10 * 1024 ** 3) },
    });
    const { out, resp } = fc2Response();
    await handleFc2Request(app, req, resp, 'req-1');
    expect(out.status).toBe(413);
    expect(JSON.parse(out.body).error).toEqual({ code: 'BodyTooLarge', message: 'The body may be at most 4096 bytes.', requestId: 'req-1' });
    expect(pulled.chunks).toBe(0);
  });

  it('stops reading a body without a length once it passes the limit (200 MB offered, one chunk read)', async () => {
    // Readable.from reads one chunk ahead of its consumer: two produced means one consumed.
    const { app } = apiUnderTest();
    const { pulled, req } = endlessBody({ method: 'POST', headers: { ...JSON_TYPE, authorization: `Bearer ${TOKEN}` } });
    const { out, resp } = fc2Response();
    await handleFc2Request(app, req, resp, 'req-2');
    expect(out.status).toBe(413);
    expect(pulled.chunks).toBeLessThanOrEqual(2);
  });

  it('never reads the body of a GET', async () => {
    const { app } = apiUnderTest();
    const { pulled, req } = endlessBody({ method: 'GET', headers: { authorization: `Bearer ${TOKEN}` } });
    const { out, resp } = fc2Response();
    await handleFc2Request(app, req, resp, 'req-3');
    expect(out.status).toBe(404);
    expect(pulled.chunks).toBe(0);
  });

  it('passes a body of exactly the limit on to the API', async () => {
    const { app } = apiUnderTest();
    const { out, resp } = fc2Response();
    const body = `{"days":1${' '.repeat(4096 - 10)}}`;
    expect(Buffer.byteLength(body)).toBe(4096);
    await handleFc2Request(
      app,
      fc2Request({
        method: 'POST',
        path: '/v1/restores/thaw-test/none',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': '4096' },
        body,
      }),
      resp,
    );
    // Read and judged by the API: the object does not exist.
    expect(out.status).toBe(404);
  });

  it('gives the batch endpoints their own larger limit, and bounds it the same way', async () => {
    const { app } = apiUnderTest();
    const objects = Array.from({ length: 100 }, (_, i) => ({ key: `${'k'.repeat(1000)}/${i}` }));
    const body = JSON.stringify({ bucket: 'thaw-test', objects });
    expect(Buffer.byteLength(body)).toBeGreaterThan(64 * 1024);
    const big = fc2Response();
    await handleFc2Request(
      app,
      fc2Request({
        method: 'POST',
        path: '/v1/batch/status',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        body,
      }),
      big.resp,
    );
    // Past the edge and answered per object by the API.
    expect(big.out.status).toBe(200);
    expect(JSON.parse(big.out.body).results).toHaveLength(100);

    const { pulled, req } = endlessBody({
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': String(256 * 1024 + 1) },
    });
    Object.assign(req, { path: '/v1/batch/restore' });
    const refused = fc2Response();
    await handleFc2Request(app, req, refused.resp, 'req-4');
    expect(refused.out.status).toBe(413);
    expect(JSON.parse(refused.out.body).error.message).toBe('The body may be at most 262144 bytes.');
    expect(pulled.chunks).toBe(0);
  });
});

describe('FC 3.0 adapter: request bodies are bounded before decoding', () => {
  it.each([
    ['plain', 'x'.repeat(4097), false],
    ['base64', Buffer.alloc(4097).toString('base64'), true],
  ])('refuses a %s body over the limit with 413', async (_label, body, isBase64Encoded) => {
    const { app } = apiUnderTest();
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const result = await handleFc3Event(
      app,
      { rawPath: '/v1/restores/thaw-test/a', headers, body, isBase64Encoded, requestContext: { http: { method: 'POST' } } },
      'r',
    );
    expect(result.statusCode).toBe(413);
    expect(JSON.parse(result.body).error.code).toBe('BodyTooLarge');
  });
});
