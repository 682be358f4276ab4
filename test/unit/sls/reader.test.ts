import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock';
import {
  LogStoreReader,
  SlsBadResponseError,
  SlsRetriesExhaustedError,
  SlsServiceError,
  type SlsHttpRequest,
  type SlsHttpResponse,
} from '../../../lib/sls/index';
import { encodeLogGroup } from '../../../lib/sls/proto';

const require = createRequire(import.meta.url);
const SdkClient = require('@alicloud/log') as new (
  config: Record<string, string>,
) => {
  _sign(verb: string, path: string, queries: Record<string, string>, headers: Record<string, string>, credentials: unknown): string;
};

function answer(status: number, body: Buffer | string, headers: Record<string, string> = {}): SlsHttpResponse {
  return { status, headers: { 'x-log-requestid': 'REQ1', ...headers }, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

/** A transport that records requests and answers from a script. */
function scripted(...answers: ((req: SlsHttpRequest) => SlsHttpResponse)[]) {
  const requests: SlsHttpRequest[] = [];
  return {
    requests,
    transport: async (req: SlsHttpRequest) => {
      requests.push(req);
      const next = answers.shift();
      if (!next) throw new Error('no scripted answer left');
      return next(req);
    },
  };
}

function pullAnswer(groups: Uint8Array[], nextCursor: string, compress = true): SlsHttpResponse {
  const raw = Buffer.concat(groups.map((g) => Buffer.concat([Buffer.from([0x0a, g.length]), g])));
  return answer(200, compress ? zlib.deflateSync(raw) : raw, {
    'x-log-cursor': nextCursor,
    'x-log-count': String(groups.length),
    'x-log-bodyrawsize': String(raw.length),
    ...(compress ? { 'x-log-compresstype': 'deflate' } : {}),
  });
}

const base = {
  project: 'oss-log-1234-cn-hangzhou',
  logstore: 'oss-log-store',
  accessKeyId: 'LTAIexample',
  accessKeySecret: 'secret',
  clock: new ManualClock(Date.UTC(2026, 0, 1, 8, 0, 0)),
  sleep: async () => {},
};

describe('LogStoreReader requests', () => {
  it('puts the project in the host of a cloud endpoint and signs like the official SDK', async () => {
    const script = scripted(() => answer(200, '{"cursor":"MTAw"}'));
    const reader = new LogStoreReader({ ...base, endpoint: 'cn-hangzhou.log.aliyuncs.com', securityToken: 'sts', transport: script.transport });
    await expect(reader.getCursor(0, 'begin')).resolves.toBe('MTAw');
    const [req] = script.requests;
    expect(req).toMatchObject({
      protocol: 'https:',
      connectHost: 'oss-log-1234-cn-hangzhou.cn-hangzhou.log.aliyuncs.com',
      port: 443,
      method: 'GET',
      path: '/logstores/oss-log-store/shards/0?type=cursor&from=begin',
    });
    expect(req!.headers).toMatchObject({
      host: 'oss-log-1234-cn-hangzhou.cn-hangzhou.log.aliyuncs.com',
      date: 'Thu, 01 Jan 2026 08:00:00 GMT',
      'x-log-apiversion': '0.6.0',
      'x-log-signaturemethod': 'hmac-sha1',
      'x-acs-security-token': 'sts',
    });
    const { authorization, ...signed } = req!.headers;
    const expected = new SdkClient({ accessKeyId: 'a', accessKeySecret: 'b', endpoint: 'c' })._sign(
      'GET',
      '/logstores/oss-log-store/shards/0',
      { type: 'cursor', from: 'begin' },
      signed,
      { accessKeyId: 'LTAIexample', accessKeySecret: 'secret' },
    );
    expect(authorization).toBe(expected);
  });

  it('connects to the IP of a local endpoint and names the project in Host', async () => {
    const script = scripted(() => answer(200, '[]'));
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:4242', transport: script.transport });
    await reader.listShards();
    expect(script.requests[0]).toMatchObject({ protocol: 'http:', connectHost: '127.0.0.1', port: 4242 });
    expect(script.requests[0]!.headers.host).toBe('oss-log-1234-cn-hangzhou.127.0.0.1:4242');
  });

  it('asks for deflate and percent-encodes cursors', async () => {
    const script = scripted(() => pullAnswer([], 'YWJj+/=='));
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport: script.transport, pageSize: 7 });
    await reader.pullPage(3, 'MTQ0NzI5OTYwNjg5NjYzMjM1Ng==', { endCursor: 'a+b/c=' });
    expect(script.requests[0]!.path).toBe('/logstores/oss-log-store/shards/3?type=log&cursor=MTQ0NzI5OTYwNjg5NjYzMjM1Ng%3D%3D&count=7&end_cursor=a%2Bb%2Fc%3D');
    expect(script.requests[0]!.headers).toMatchObject({ accept: 'application/x-protobuf', 'accept-encoding': 'deflate' });
  });

  it.each([0, 1001, 2.5])('refuses a pageSize of %s', (pageSize) => {
    expect(() => new LogStoreReader({ ...base, endpoint: 'x.log.aliyuncs.com', pageSize })).toThrow(TypeError);
  });
});

describe('LogStoreReader answers', () => {
  const group = encodeLogGroup({ logs: [{ time: 1767225600, contents: { a: '1' } }], topic: 't', tags: { k: 'v' } });

  it('decodes an uncompressed page', async () => {
    const script = scripted(() => pullAnswer([group], 'NEXT', false));
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport: script.transport });
    await expect(reader.pullPage(0, 'CUR')).resolves.toEqual({
      shardId: 0,
      cursor: 'CUR',
      nextCursor: 'NEXT',
      logGroupCount: 1,
      rawSize: group.length + 2,
      logs: [{ shardId: 0, time: 1767225600, contents: { a: '1' }, topic: 't', source: '', tags: { k: 'v' } }],
    });
  });

  it.each([
    [
      'a body that does not inflate',
      () => answer(200, 'garbage', { 'x-log-cursor': 'N', 'x-log-count': '1', 'x-log-bodyrawsize': '10', 'x-log-compresstype': 'deflate' }),
    ],
    [
      'a raw size that does not match',
      () =>
        answer(200, zlib.deflateSync(Buffer.from([0x0a, 0x00])), {
          'x-log-cursor': 'N',
          'x-log-count': '1',
          'x-log-bodyrawsize': '9',
          'x-log-compresstype': 'deflate',
        }),
    ],
    [
      'a body that is not a LogGroupList',
      () => answer(200, Buffer.from([0x0a, 0x05, 0x01]), { 'x-log-cursor': 'N', 'x-log-count': '1', 'x-log-bodyrawsize': '3' }),
    ],
    ['no next cursor', () => answer(200, '', { 'x-log-count': '0', 'x-log-bodyrawsize': '0' })],
    ['an unknown compression', () => answer(200, 'x', { 'x-log-cursor': 'N', 'x-log-bodyrawsize': '1', 'x-log-compresstype': 'zstd' })],
  ])('retries %s, then reports it', async (_label, bad) => {
    const script = scripted(bad, bad, bad);
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport: script.transport, maxAttempts: 3 });
    const error = await reader.pullPage(0, 'CUR').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlsRetriesExhaustedError);
    expect((error as Error).cause).toBeInstanceOf(SlsBadResponseError);
    expect(script.requests).toHaveLength(3);
  });

  it('recovers when a retry succeeds', async () => {
    const script = scripted(
      () => answer(502, '<html>bad gateway</html>'),
      () => answer(403, '{"errorCode":"ShardReadQuotaExceed","errorMessage":"shard read quota exceed"}'),
      () => pullAnswer([group], 'NEXT'),
    );
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport: script.transport });
    await expect(reader.pullPage(0, 'CUR')).resolves.toMatchObject({ nextCursor: 'NEXT', logGroupCount: 1 });
    expect(script.requests).toHaveLength(3);
  });

  it('reports a service error with its code, status and request id', async () => {
    const script = scripted(() => answer(404, '{"errorCode":"LogStoreNotExist","errorMessage":"logstore oss-log-store does not exist"}'));
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport: script.transport });
    const error = await reader.listShards().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlsServiceError);
    expect(error).toMatchObject({ code: 'LogStoreNotExist', status: 404, requestId: 'REQ1' });
  });
});
