import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock';
import {
  LogStoreReader,
  SlsBadResponseError,
  SlsDeadlineError,
  SlsResponseTooLargeError,
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

  it('reports a service error with its code, status and request id as fields, and the service message without the code in front', async () => {
    const script = scripted(() => answer(404, '{"errorCode":"LogStoreNotExist","errorMessage":"logstore oss-log-store does not exist"}'));
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport: script.transport });
    const error = await reader.listShards().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlsServiceError);
    expect(error).toMatchObject({ code: 'LogStoreNotExist', status: 404, requestId: 'REQ1', message: 'logstore oss-log-store does not exist' });
  });
});

// Outside attack on the first release: a PullLogs answer declaring a 256 MiB raw size was inflated
// in full (547 MB RSS in a 256 MB function), and a server that never reached the end cursor was
// pulled for ~119,000 pages past the invocation's timeout.
describe('LogStoreReader bounds', () => {
  const group = encodeLogGroup({ logs: [{ time: 1767225600, contents: { a: '1' } }] });
  const BOMB = zlib.deflateSync(Buffer.alloc(1024 * 1024));

  it('refuses a page by its declared raw size before inflating it, and does not retry it as it is', async () => {
    const script = scripted(() =>
      answer(200, BOMB, { 'x-log-cursor': 'N', 'x-log-count': '1', 'x-log-bodyrawsize': String(256 * 1024 * 1024), 'x-log-compresstype': 'deflate' }),
    );
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport: script.transport, maxPageBytes: 64 * 1024 });
    const error = await reader.pullPage(0, 'CUR').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlsResponseTooLargeError);
    expect(error).toMatchObject({ code: 'SlsResponseTooLarge', limitBytes: 64 * 1024, sizeBytes: 256 * 1024 * 1024 });
    expect(script.requests).toHaveLength(1);
  });

  it('does not inflate past the declared size, however far the body would expand', async () => {
    const script = scripted(() => answer(200, BOMB, { 'x-log-cursor': 'N', 'x-log-count': '1', 'x-log-bodyrawsize': '100', 'x-log-compresstype': 'deflate' }));
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport: script.transport, maxAttempts: 1 });
    const error = (await reader.pullPage(0, 'CUR').catch((e: unknown) => e)) as Error;
    expect(error.cause).toBeInstanceOf(SlsBadResponseError);
    expect(String((error.cause as Error).message)).toContain('does not decompress');
  });

  it('asks for fewer LogGroups when a page is over the limit, and skips a lone LogGroup over it, keeping the rest', async () => {
    const big = (next: string) => answer(200, 'x', { 'x-log-cursor': next, 'x-log-count': '1', 'x-log-bodyrawsize': String(10 * 1024 * 1024) });
    const script = scripted(
      () => big('C2'), // 4 groups asked: too large
      () => big('C2'), // 2 groups
      () => big('C2'), // 1 group, still too large: skipped
      () => pullAnswer([group], 'END'), // from C2, one group asked (then back up towards 4)
    );
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport: script.transport, maxPageBytes: 1024 * 1024 });
    const skipped: unknown[] = [];
    const logs: { contents: unknown }[] = [];
    for await (const log of reader.pullRange(0, 'C1', 'END', { count: 4, onOversized: (s) => skipped.push(s) })) logs.push(log);
    expect(logs.map((l) => l.contents)).toEqual([{ a: '1' }]);
    expect(skipped).toEqual([{ shardId: 0, cursor: 'C1', nextCursor: 'C2', sizeBytes: 10 * 1024 * 1024, limitBytes: 1024 * 1024 }]);
    expect(script.requests.map((r) => new URLSearchParams(r.path.split('?')[1]).get('count'))).toEqual(['4', '2', '1', '1']);
    expect(script.requests.map((r) => new URLSearchParams(r.path.split('?')[1]).get('cursor'))).toEqual(['C1', 'C1', 'C1', 'C2']);
  });

  it('throws on a lone LogGroup over the limit when no one is told of skips', async () => {
    const script = scripted(() => answer(200, 'x', { 'x-log-cursor': 'C2', 'x-log-count': '1', 'x-log-bodyrawsize': String(2 * 1024 * 1024) }));
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport: script.transport, maxPageBytes: 1024 * 1024 });
    const pull = async () => {
      for await (const _ of reader.pullRange(0, 'C1', 'END', { count: 1 })) void _;
    };
    await expect(pull()).rejects.toBeInstanceOf(SlsResponseTooLargeError);
  });

  it('gives the transport the limit, so a body is refused while it streams', async () => {
    const script = scripted(() => pullAnswer([group], 'END'));
    const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport: script.transport, maxPageBytes: 12345 });
    await reader.pullPage(0, 'C1');
    expect(script.requests[0]!.maxBodyBytes).toBe(12345);
  });

  it('starts no request the deadline cannot fit, however many pages the server still has', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    // A server whose cursor never reaches the end: every page moves on by one, and takes a second.
    let n = 0;
    const transport = async () => {
      clock.advance(1_000);
      n += 1;
      return pullAnswer([group], `C${n}`);
    };
    const reader = new LogStoreReader({ ...base, clock, endpoint: 'http://127.0.0.1:1', transport, requestTimeoutMs: 2_000 });
    const logs: unknown[] = [];
    const pull = async () => {
      for await (const log of reader.pullRange(0, 'C0', 'NEVER', { deadlineAtMs: clock.nowMs() + 10_000 })) logs.push(log);
    };
    const error = await pull().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlsDeadlineError);
    expect(error).toMatchObject({ code: 'SlsDeadline', operation: 'PullLogs' });
    // Pages at 0..8 s start with 2 s to spare; the one at 9 s would end past the deadline.
    expect(n).toBe(9);
    expect(logs).toHaveLength(9);
  });
});

describe('nodeTransport body limit', () => {
  it('refuses an answer by its Content-Length and one that streams past the limit, before buffering it', async () => {
    const { createServer } = await import('node:http');
    const { nodeTransport } = await import('../../../lib/sls/transport');
    let streamed = 0;
    const server = createServer((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': String(10 * 1024 ** 3) });
        res.write(Buffer.alloc(1024));
        return;
      }
      // Chunked, without end: 64 KiB every turn until the client goes away.
      res.writeHead(200);
      const pump = () => {
        if (res.destroyed) return;
        streamed += 64 * 1024;
        if (res.write(Buffer.alloc(64 * 1024))) setImmediate(pump);
        else res.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const transport = nodeTransport();
    try {
      const ask = (path: string) =>
        transport
          .send({ protocol: 'http:', connectHost: '127.0.0.1', port, method: 'GET', path, headers: {}, timeoutMs: 10_000, maxBodyBytes: 1024 * 1024 })
          .catch((e: unknown) => e);
      expect(await ask('/declared')).toMatchObject({ code: 'SlsResponseTooLarge', sizeBytes: 10 * 1024 ** 3 });
      const streamedError = await ask('/streamed');
      expect(streamedError).toBeInstanceOf(SlsResponseTooLargeError);
      expect((streamedError as SlsResponseTooLargeError).sizeBytes).toBeGreaterThan(1024 * 1024);
      expect((streamedError as SlsResponseTooLargeError).sizeBytes).toBeLessThan(2 * 1024 * 1024);
    } finally {
      transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(streamed).toBeGreaterThan(0);
  });
});
