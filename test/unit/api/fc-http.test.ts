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
          headers: { authorization: `Bearer ${TOKEN}` },
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
