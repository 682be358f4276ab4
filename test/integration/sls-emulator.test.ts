// The SLS emulator on the wire, checked with paths that do not share its code: requests are signed with
// @alicloud/log's own signer, bodies are inflated with zlib and decoded with a separately loaded sls.proto.
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { accessLogRecord } from '../../lib/emulators/oss/access-log';
import { startLogTrigger, startSlsEmulator, writeOssAccessLogs, type SlsEmulator, type WrittenLogGroup } from '../../lib/emulators/sls/index';
import type { LogTriggerEvent } from '../../lib/emulators/sls/log-trigger';
import { lz4BlockDecompress, lz4BlockStore } from '../../lib/sls/lz4';
import { classifyAccessLogRecord } from '../../lib/events/access-log';
import { LogStoreReader, SlsRetriesExhaustedError, SlsServiceError, type LogStoreReaderOptions, type PulledLog } from '../../lib/sls/index';
import { controlFetch } from '../../lib/emulators/shared/control';

const require = createRequire(import.meta.url);

/** The misses among pulled access-log records, and the others counted by reason (lib/events classifies). */
async function collectAccessLogMisses(logs: AsyncIterable<PulledLog>) {
  const result = { misses: [] as unknown[], skipped: {} as Record<string, number>, total: 0 };
  for await (const log of logs) {
    result.total++;
    const verdict = classifyAccessLogRecord(log);
    if ('miss' in verdict) result.misses.push(verdict.miss);
    else result.skipped[verdict.skip] = (result.skipped[verdict.skip] ?? 0) + 1;
  }
  return result;
}
type SdkClient = {
  _sign(verb: string, path: string, queries: Record<string, string>, headers: Record<string, string>, credentials: unknown): string;
  postLogStoreLogs(project: string, logstore: string, data: unknown, options?: unknown): Promise<unknown>;
  getProject(project: string, options?: unknown): Promise<unknown>;
  createProject(project: string, data: unknown, options?: unknown): Promise<unknown>;
  createLogStore(project: string, logstore: string, data: unknown, options?: unknown): Promise<unknown>;
};
const SdkClientClass = require('@alicloud/log') as new (config: Record<string, unknown>) => SdkClient;
const protoRoot = protobuf.loadSync(path.join(path.dirname(require.resolve('@alicloud/log/package.json')), 'lib', 'sls.proto'));
const LogGroupListType = protoRoot.lookupType('sls.LogGroupList');
const LogGroupType = protoRoot.lookupType('sls.LogGroup');

const PROJECT = 'oss-log-1234567890-cn-hangzhou';
const LOGSTORE = 'oss-log-store';
const START_MS = Date.UTC(2026, 0, 1);
const START_S = START_MS / 1000;

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface RawRequest {
  method?: string;
  path: string;
  query?: Record<string, string>;
  /** Project for the Host header; null sends the bare IP. */
  project?: string | null;
  headers?: Record<string, string>;
  body?: Buffer;
  accessKeyId?: string;
  secret?: string;
  /** Headers dropped after signing. */
  omit?: string[];
  /** Query the signature is computed over, when it should differ from the one sent. */
  signedQuery?: Record<string, string>;
}

let emulator: SlsEmulator;
let clock: ManualClock;
let accessKeyId: string;
let secret: string;

function port(): number {
  return Number(new URL(emulator.endpoint).port);
}

/** One request signed by the official SDK's signer and sent with node:http. */
function raw(req: RawRequest): Promise<RawAnswer> {
  const method = req.method ?? 'GET';
  const query = req.query ?? {};
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    'x-log-apiversion': '0.6.0',
    'x-log-signaturemethod': 'hmac-sha1',
    'x-log-bodyrawsize': String(req.body?.length ?? 0),
    ...req.headers,
  };
  // An empty value in req.headers means "do not send this header at all" (signed without it too).
  for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
  const signer = new SdkClientClass({ accessKeyId: 'x', accessKeySecret: 'x', endpoint: 'x' });
  headers.authorization = signer._sign(method, req.path, req.signedQuery ?? query, headers, {
    accessKeyId: req.accessKeyId ?? accessKeyId,
    accessKeySecret: req.secret ?? secret,
  });
  for (const name of req.omit ?? []) delete headers[name];
  const project = req.project === undefined ? PROJECT : req.project;
  headers.host = project === null ? `127.0.0.1:${port()}` : `${project}.127.0.0.1:${port()}`;
  const search = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port: port(), method, path: search ? `${req.path}?${search}` : req.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

function errorOf(answer: RawAnswer): { status: number; errorCode: string; errorMessage: string } {
  const body = JSON.parse(answer.body.toString('utf8')) as { errorCode: string; errorMessage: string };
  return { status: answer.status, errorCode: body.errorCode, errorMessage: body.errorMessage };
}

function getCursor(shard: number, from: string): Promise<RawAnswer> {
  return raw({ path: `/logstores/${LOGSTORE}/shards/${shard}`, query: { type: 'cursor', from } });
}

async function cursorOf(shard: number, from: string): Promise<string> {
  const answer = await getCursor(shard, from);
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.body.toString('utf8')) as { cursor: string }).cursor;
}

function pull(shard: number, query: Record<string, string>, acceptEncoding = 'deflate'): Promise<RawAnswer> {
  return raw({
    path: `/logstores/${LOGSTORE}/shards/${shard}`,
    query: { type: 'log', ...query },
    headers: { accept: 'application/x-protobuf', 'accept-encoding': acceptEncoding },
  });
}

/** Decodes a deflate PullLogs body without any of the code under test. */
function decodeDeflated(answer: RawAnswer): { Logs: { Time: number; Contents: { Key: string; Value: string }[] }[]; Topic?: string }[] {
  const inflated = answer.body.length === 0 ? Buffer.alloc(0) : zlib.inflateSync(answer.body);
  expect(inflated.length).toBe(Number(answer.headers['x-log-bodyrawsize']));
  const list = LogGroupListType.toObject(LogGroupListType.decode(inflated), { defaults: true }) as {
    logGroupList: { Logs: { Time: number; Contents: { Key: string; Value: string }[] }[]; Topic?: string }[];
  };
  return list.logGroupList;
}

function readerOptions(overrides: Partial<LogStoreReaderOptions> = {}): LogStoreReaderOptions {
  return { endpoint: emulator.endpoint, project: PROJECT, logstore: LOGSTORE, accessKeyId, accessKeySecret: secret, ...overrides };
}

async function statsOf(): Promise<{ operations: Record<string, number>; faults: Record<string, number>; errors: Record<string, number> }> {
  const res = await controlFetch(`${emulator.endpoint}/-/stats`);
  return (await res.json()) as { operations: Record<string, number>; faults: Record<string, number>; errors: Record<string, number> };
}

function accessLog(i: number): Record<string, string> {
  return {
    __topic__: 'oss_access_log',
    operation: 'GetObject',
    http_status: '403',
    error_code: 'InvalidObjectState',
    bucket: 'archive-bucket',
    object: `logs%2F${i}.gz`,
    request_uri: `/logs%2F${i}.gz`,
    requester_id: '1234567890',
  };
}

beforeEach(async () => {
  clock = new ManualClock(START_MS);
  emulator = await startSlsEmulator({ clock });
  ({ accessKeyId, accessKeySecret: secret } = emulator.credentials[0]!);
  emulator.createProject(PROJECT);
  emulator.createLogstore(PROJECT, LOGSTORE, { shardCount: 2 });
});

afterEach(async () => {
  await emulator.close();
});

describe('SLS emulator: ListShards and GetCursor', () => {
  it('lists the shards with their hash ranges', async () => {
    const answer = await raw({ path: `/logstores/${LOGSTORE}/shards` });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual([
      {
        shardID: 0,
        status: 'readwrite',
        inclusiveBeginKey: '00000000000000000000000000000000',
        exclusiveEndKey: '80000000000000000000000000000000',
        createTime: START_S,
      },
      {
        shardID: 1,
        status: 'readwrite',
        inclusiveBeginKey: '80000000000000000000000000000000',
        exclusiveEndKey: 'ffffffffffffffffffffffffffffffff',
        createTime: START_S,
      },
    ]);
  });

  it('answers begin, end and by-receive-time cursors', async () => {
    const writes: WrittenLogGroup[] = [];
    for (let i = 0; i < 3; i++) {
      writes.push(emulator.writeLogs(PROJECT, LOGSTORE, [{ time: START_S, contents: { i: String(i) } }], { shardId: 0 }));
      clock.advance(10_000);
    }
    // Received at START, START+10 s, START+20 s.
    expect(await cursorOf(0, 'begin')).toBe(writes[0]!.cursor);
    expect(await cursorOf(0, 'end')).toBe(writes[2]!.nextCursor);
    expect(await cursorOf(0, String(START_S - 3600))).toBe(writes[0]!.cursor);
    expect(await cursorOf(0, String(START_S + 10))).toBe(writes[1]!.cursor);
    expect(await cursorOf(0, String(START_S + 15))).toBe(writes[2]!.cursor);
    expect(await cursorOf(0, String(START_S + 3600))).toBe(writes[2]!.nextCursor);
    // Cursors are base64 of a decimal position, like the service's.
    expect(Buffer.from(writes[1]!.cursor, 'base64').toString('latin1')).toMatch(/^\d{19}$/);
    expect(await cursorOf(1, 'begin')).toBe(await cursorOf(1, 'end'));
  });

  it('refuses a from that is neither begin, end nor a time', async () => {
    expect(errorOf(await getCursor(0, 'yesterday'))).toEqual({ status: 400, errorCode: 'ParameterInvalid', errorMessage: 'Parameter From is not valid' });
  });

  it('answers GetCursorTime with the receive second', async () => {
    clock.advance(42_000);
    const written = emulator.writeLogs(PROJECT, LOGSTORE, [{ time: 1, contents: { a: 'b' } }], { shardId: 1 });
    const answer = await raw({ path: `/logstores/${LOGSTORE}/shards/1`, query: { type: 'cursor_time', cursor: written.cursor } });
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({ cursor_time: START_S + 42 });
  });
});

describe('SLS emulator: PullLogs', () => {
  let writes: WrittenLogGroup[];

  beforeEach(() => {
    writes = [];
    for (let i = 0; i < 5; i++) {
      writes.push(
        emulator.writeLogs(
          PROJECT,
          LOGSTORE,
          [
            { time: START_S + i, contents: { n: `${i}a`, text: 'héllo wörld' } },
            { time: START_S + i, contents: { n: `${i}b` } },
          ],
          { shardId: 0, topic: 'oss_access_log' },
        ),
      );
    }
  });

  it('pages with count and x-log-cursor until the end, as deflated protobuf', async () => {
    const seen: string[] = [];
    let cursor = writes[0]!.cursor;
    const counts: string[] = [];
    for (let page = 0; page < 4; page++) {
      const answer = await pull(0, { cursor, count: '2' });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/x-protobuf');
      const groups = decodeDeflated(answer);
      counts.push(String(answer.headers['x-log-count']));
      if (groups.length > 0) expect(answer.headers['x-log-compresstype']).toBe('deflate');
      for (const g of groups) {
        expect(g.Topic).toBe('oss_access_log');
        for (const log of g.Logs) seen.push(log.Contents.find((c) => c.Key === 'n')!.Value);
      }
      cursor = String(answer.headers['x-log-cursor']);
    }
    expect(counts).toEqual(['2', '2', '1', '0']);
    expect(seen).toEqual(['0a', '0b', '1a', '1b', '2a', '2b', '3a', '3b', '4a', '4b']);
    // At the end the service hands back the same cursor and no data.
    expect(cursor).toBe(writes[4]!.nextCursor);
  });

  it('stops at end_cursor', async () => {
    const answer = await pull(0, { cursor: writes[1]!.cursor, count: '1000', end_cursor: writes[4]!.cursor });
    expect(answer.headers['x-log-count']).toBe('3');
    expect(answer.headers['x-log-cursor']).toBe(writes[4]!.cursor);
    expect(decodeDeflated(answer).map((g) => g.Logs[0]!.Contents[0]!.Value)).toEqual(['1a', '2a', '3a']);
  });

  it('keeps UTF-8 values intact', async () => {
    const groups = decodeDeflated(await pull(0, { cursor: writes[0]!.cursor, count: '1' }));
    expect(groups[0]!.Logs[0]!.Contents).toEqual([
      { Key: 'n', Value: '0a' },
      { Key: 'text', Value: 'héllo wörld' },
    ]);
  });

  it('answers lz4 when asked for it', async () => {
    const asDeflate = await pull(0, { cursor: writes[0]!.cursor, count: '5' });
    const asLz4 = await pull(0, { cursor: writes[0]!.cursor, count: '5' }, 'lz4');
    expect(asLz4.headers['x-log-compresstype']).toBe('lz4');
    const rawSize = Number(asLz4.headers['x-log-bodyrawsize']);
    expect(lz4BlockDecompress(asLz4.body, rawSize).equals(zlib.inflateSync(asDeflate.body))).toBe(true);
  });

  it.each([
    ['a cursor that is not base64', { cursor: 'not a cursor!', count: '10' }, 'ParameterInvalid'],
    ['a cursor cut short', 'truncated', 'ParameterInvalid'],
    ['a cursor outside the shard', { cursor: Buffer.from('12345').toString('base64'), count: '10' }, 'InvalidCursor'],
    ['no cursor', { count: '10' }, 'ParameterInvalid'],
    ['a count of 0', 'count0', 'ParameterInvalid'],
    ['a count over 1000', 'count1001', 'ParameterInvalid'],
  ])('refuses %s', async (_label, query, code) => {
    const q =
      query === 'truncated'
        ? { cursor: writes[0]!.cursor.substring(10), count: '10' }
        : query === 'count0'
          ? { cursor: writes[0]!.cursor, count: '0' }
          : query === 'count1001'
            ? { cursor: writes[0]!.cursor, count: '1001' }
            : (query as Record<string, string>);
    const answer = await pull(0, q);
    expect(answer.status).toBe(400);
    expect(errorOf(answer).errorCode).toBe(code);
  });

  it('names the missing shard, logstore and project', async () => {
    const shard = await raw({ path: `/logstores/${LOGSTORE}/shards/9`, query: { type: 'cursor', from: 'begin' } });
    expect(errorOf(shard)).toEqual({ status: 400, errorCode: 'ShardNotExist', errorMessage: 'Shard 9 does not exist' });
    const store = await raw({ path: '/logstores/nope-store/shards/0', query: { type: 'cursor', from: 'begin' } });
    expect(errorOf(store)).toEqual({ status: 404, errorCode: 'LogStoreNotExist', errorMessage: 'logstore nope-store does not exist' });
    const project = await raw({ path: `/logstores/${LOGSTORE}/shards`, project: 'no-such-project' });
    expect(errorOf(project)).toEqual({ status: 404, errorCode: 'ProjectNotExist', errorMessage: 'The Project does not exist: no-such-project' });
    const bare = await raw({ path: `/logstores/${LOGSTORE}/shards`, project: null });
    expect(errorOf(bare)).toMatchObject({ status: 400, errorCode: 'ParameterInvalid' });
  });
});

describe('SLS emulator: authentication', () => {
  it('refuses a wrong secret with SignatureNotMatch', async () => {
    const answer = await raw({ path: `/logstores/${LOGSTORE}/shards`, secret: 'not-the-secret' });
    expect(answer.status).toBe(401);
    expect(errorOf(answer).errorCode).toBe('SignatureNotMatch');
    expect(answer.headers['x-log-requestid']).toMatch(/^[0-9A-F]{24}$/);
  });

  it('refuses an unknown AccessKeyId with Unauthorized', async () => {
    const answer = await raw({ path: `/logstores/${LOGSTORE}/shards`, accessKeyId: 'LTAIunknown' });
    expect(errorOf(answer)).toMatchObject({ status: 401, errorCode: 'Unauthorized' });
  });

  it.each([
    ['authorization', 401, 'Unauthorized'],
    ['x-log-apiversion', 400, 'MissingAPIVersion'],
    ['date', 400, 'MissingDate'],
  ])('refuses a request without %s', async (header, status, code) => {
    const answer = await raw({ path: `/logstores/${LOGSTORE}/shards`, omit: [header] });
    expect(errorOf(answer)).toMatchObject({ status, errorCode: code });
  });

  it('refuses a request whose query was changed after signing', async () => {
    const answer = await raw({
      path: `/logstores/${LOGSTORE}/shards/0`,
      query: { type: 'cursor', from: 'end' },
      signedQuery: { type: 'cursor', from: 'begin' },
    });
    expect(errorOf(answer)).toMatchObject({ status: 401, errorCode: 'SignatureNotMatch' });
  });

  it('requires the STS token of a temporary credential', async () => {
    await emulator.close();
    emulator = await startSlsEmulator({
      clock,
      credentials: [{ accessKeyId: 'STS.temp', accessKeySecret: 'temp-secret', securityToken: 'token-123' }],
    });
    ({ accessKeyId, accessKeySecret: secret } = emulator.credentials[0]!);
    emulator.createProject(PROJECT);
    emulator.createLogstore(PROJECT, LOGSTORE, { shardCount: 1 });
    expect(errorOf(await raw({ path: `/logstores/${LOGSTORE}/shards` }))).toMatchObject({ status: 401, errorCode: 'Unauthorized' });
    const withToken = await raw({ path: `/logstores/${LOGSTORE}/shards`, headers: { 'x-acs-security-token': 'token-123' } });
    expect(withToken.status).toBe(200);
    const reader = new LogStoreReader(readerOptions({ securityToken: 'token-123' }));
    try {
      await expect(reader.listShards()).resolves.toHaveLength(1);
    } finally {
      reader.close();
    }
  });
});

describe('SLS emulator: PutLogs', () => {
  function logGroupBytes(n: number): Buffer {
    const message = LogGroupType.create({
      Logs: Array.from({ length: n }, (_, i) => ({ Time: START_S + i, Contents: [{ Key: 'i', Value: String(i) }] })),
      Topic: 'put',
    });
    return Buffer.from(LogGroupType.encode(message).finish());
  }

  function putLogs(body: Buffer, headers: Record<string, string>, pathSuffix = 'shards/lb', query?: Record<string, string>): Promise<RawAnswer> {
    return raw({
      method: 'POST',
      path: `/logstores/${LOGSTORE}/${pathSuffix}`,
      query,
      body,
      headers: { 'content-type': 'application/x-protobuf', ...headers },
    });
  }

  it('accepts LogGroups from the official SDK and serves them to the reader', async () => {
    const port = new URL(emulator.endpoint).port;
    const sdk = new SdkClientClass({ accessKeyId, accessKeySecret: secret, endpoint: `127.0.0.1:${port}` });
    // The SDK puts the project into the host name; resolve `<project>.127.0.0.1` to the emulator.
    const agent = new http.Agent({
      lookup: ((_h: string, o: { all?: boolean }, cb: (...args: unknown[]) => void) =>
        o?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) as never,
    });
    try {
      await sdk.createProject('sdk-project', { description: 'from the SDK' }, { agent });
      await sdk.createLogStore('sdk-project', 'sdk-store', { shardCount: 1, ttl: 7 }, { agent });
      await sdk.postLogStoreLogs(
        'sdk-project',
        'sdk-store',
        {
          logs: [
            { timestamp: START_S, content: accessLog(1) },
            { timestamp: START_S + 1, content: { operation: 'HeadObject' } },
          ],
          topic: 'oss_access_log',
        },
        { agent },
      );
      await expect(sdk.getProject('sdk-project', { agent })).resolves.toMatchObject({ projectName: 'sdk-project', description: 'from the SDK' });
    } finally {
      agent.destroy();
    }
    const reader = new LogStoreReader(readerOptions({ project: 'sdk-project', logstore: 'sdk-store' }));
    try {
      const logs: PulledLog[] = [];
      for await (const log of reader.pullRange(0, await reader.getCursor(0, 'begin'), await reader.getCursor(0, 'end'))) logs.push(log);
      expect(logs).toEqual([
        { shardId: 0, time: START_S, contents: accessLog(1), topic: 'oss_access_log', source: '', tags: {} },
        { shardId: 0, time: START_S + 1, contents: { operation: 'HeadObject' }, topic: 'oss_access_log', source: '', tags: {} },
      ]);
    } finally {
      reader.close();
    }
  });

  it('accepts deflate and lz4 bodies, routed by key', async () => {
    const body = logGroupBytes(3);
    const deflated = await putLogs(zlib.deflateSync(body), { 'x-log-compresstype': 'deflate', 'x-log-bodyrawsize': String(body.length) }, 'shards/route', {
      key: 'ffffffffffffffffffffffffffffff00',
    });
    expect(deflated.status).toBe(200);
    const lz4 = await putLogs(lz4BlockStore(body), { 'x-log-compresstype': 'lz4', 'x-log-bodyrawsize': String(body.length) }, 'shards/route', {
      key: '00000000000000000000000000000001',
    });
    expect(lz4.status).toBe(200);
    expect(await cursorOf(1, 'end')).not.toBe(await cursorOf(1, 'begin'));
    expect(await cursorOf(0, 'end')).not.toBe(await cursorOf(0, 'begin'));
    expect(emulator.stats()).toMatchObject({ logGroups: 2, logs: 6 });
  });

  it.each([
    ['garbage instead of protobuf', () => Buffer.from('definitely not protobuf \xff\xff'), {}, 'PostBodyInvalid'],
    ['a truncated LogGroup', () => logGroupBytes(4).subarray(0, 11), {}, 'PostBodyInvalid'],
    ['a body that is not deflate', () => Buffer.from('nope'), { 'x-log-compresstype': 'deflate', 'x-log-bodyrawsize': '10' }, 'PostBodyUncompressError'],
    ['a body that is not lz4', () => Buffer.from([0xf0]), { 'x-log-compresstype': 'lz4', 'x-log-bodyrawsize': '100' }, 'PostBodyUncompressError'],
    ['zstd', () => Buffer.from('x'), { 'x-log-compresstype': 'zstd', 'x-log-bodyrawsize': '1' }, 'InvalidCompressType'],
    [
      'a compressed body without its raw size',
      () => zlib.deflateSync(logGroupBytes(1)),
      { 'x-log-compresstype': 'deflate', 'x-log-bodyrawsize': '' },
      'MissingBodyRawSize',
    ],
    ['a raw size that does not match', () => logGroupBytes(1), { 'x-log-bodyrawsize': '3' }, 'InvalidBodyRawSize'],
    ['a JSON content type', () => logGroupBytes(1), { 'content-type': 'application/json' }, 'InvalidContentType'],
  ])('refuses %s and keeps serving', async (_label, makeBody, headers, code) => {
    const answer = await putLogs(makeBody(), headers as Record<string, string>);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(errorOf(answer).errorCode).toBe(code);
    expect((await raw({ path: `/logstores/${LOGSTORE}/shards` })).status).toBe(200);
    expect(emulator.stats().logGroups).toBe(0);
  });
});

describe('SLS emulator: faults', () => {
  async function statusSequence(n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await getCursor(0, 'begin')).status);
    return out;
  }

  it('replays the same faults for the same seed', async () => {
    const plan = { seed: 7, rules: [{ operation: 'GetCursor', errorRate: 0.5 }] };
    const configure = await controlFetch(`${emulator.endpoint}/-/faults`, { method: 'POST', body: JSON.stringify(plan) });
    expect(configure.status).toBe(204);
    const first = await statusSequence(20);
    await controlFetch(`${emulator.endpoint}/-/faults`, { method: 'POST', body: JSON.stringify(plan) });
    const second = await statusSequence(20);
    expect(second).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
    const failed = await (async () => {
      await controlFetch(`${emulator.endpoint}/-/faults`, { method: 'POST', body: JSON.stringify({ seed: 1, rules: [{ operation: '*', errorRate: 1 }] }) });
      return getCursor(0, 'begin');
    })();
    expect(errorOf(failed)).toEqual({ status: 500, errorCode: 'InternalServerError', errorMessage: 'Internal server error' });
    const cleared = await controlFetch(`${emulator.endpoint}/-/faults`, { method: 'DELETE' });
    expect(cleared.status).toBe(204);
    expect((await getCursor(0, 'begin')).status).toBe(200);
    const stats = await statsOf();
    expect(stats.faults.error).toBe(first.filter((s) => s === 500).length * 2 + 1);
    expect(stats.operations.GetCursor).toBe(42);
  });

  it('resets the connection for a reset fault', async () => {
    emulator.faults.configure({ rules: [{ operation: 'ListShards', resetRate: 1 }] });
    await expect(raw({ path: `/logstores/${LOGSTORE}/shards` })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(emulator.stats().faults).toEqual({ reset: 1 });
  });

  it('refuses an invalid fault plan', async () => {
    const res = await controlFetch(`${emulator.endpoint}/-/faults`, { method: 'POST', body: JSON.stringify({ rules: [{ operation: 'x', errorRate: 2 }] }) });
    expect(res.status).toBe(400);
  });
});

describe('LogStoreReader against the emulator', () => {
  it('pulls exactly the logs in [begin, end) across several pages', async () => {
    const writes: WrittenLogGroup[] = [];
    for (let g = 0; g < 30; g++) {
      writes.push(
        emulator.writeLogs(
          PROJECT,
          LOGSTORE,
          [0, 1].map((j) => ({ time: START_S + g, contents: { g: String(g), j: String(j) } })),
          { shardId: 0 },
        ),
      );
    }
    const before = (await statsOf()).operations.PullLogs ?? 0;
    const reader = new LogStoreReader(readerOptions({ pageSize: 3 }));
    try {
      const got: string[] = [];
      for await (const log of reader.pullRange(0, writes[5]!.cursor, writes[25]!.cursor)) got.push(`${log.contents.g}.${log.contents.j}`);
      const expected: string[] = [];
      for (let g = 5; g < 25; g++) expected.push(`${g}.0`, `${g}.1`);
      expect(got).toEqual(expected);
      // 20 LogGroups at 3 per page: 7 requests, and the last page ends exactly on the end cursor.
      expect(((await statsOf()).operations.PullLogs ?? 0) - before).toBe(7);
    } finally {
      reader.close();
    }
  });

  it('pulls nothing, without a request, for an empty range', async () => {
    const reader = new LogStoreReader(readerOptions());
    try {
      const end = await reader.getCursor(1, 'end');
      const logs: PulledLog[] = [];
      for await (const log of reader.pullRange(1, end, end)) logs.push(log);
      expect(logs).toEqual([]);
      expect((await statsOf()).operations.PullLogs).toBeUndefined();
    } finally {
      reader.close();
    }
  });

  it('retries through injected 5xx and resets, with backoff', async () => {
    const groups = Array.from({ length: 12 }, (_, g) => emulator.writeLogs(PROJECT, LOGSTORE, [{ time: START_S, contents: { g: String(g) } }], { shardId: 1 }));
    emulator.faults.configure({ seed: 3, rules: [{ operation: 'PullLogs', errorRate: 0.4, resetRate: 0.2 }] });
    const delays: number[] = [];
    const reader = new LogStoreReader(readerOptions({ pageSize: 2, maxAttempts: 20, random: () => 0.5, sleep: async (ms) => void delays.push(ms) }));
    try {
      const got: string[] = [];
      for await (const log of reader.pullRange(1, groups[0]!.cursor, groups[11]!.nextCursor)) got.push(log.contents.g!);
      expect(got).toEqual(Array.from({ length: 12 }, (_, g) => String(g)));
      const injected = emulator.stats().faults;
      expect((injected.error ?? 0) + (injected.reset ?? 0)).toBeGreaterThan(0);
      expect(delays.length).toBe((injected.error ?? 0) + (injected.reset ?? 0));
      // Equal jitter (lib/retry) with random() = 0.5 is three quarters of each ceiling: 75, 150, 300 … ms, capped at 3750.
      for (const d of delays) expect([75, 150, 300, 600, 1200, 2400, 3750]).toContain(d);
    } finally {
      reader.close();
    }
  });

  it('gives up with a typed error after maxAttempts', async () => {
    const { cursor } = emulator.writeLogs(PROJECT, LOGSTORE, [{ time: START_S, contents: { a: '1' } }], { shardId: 0 });
    emulator.faults.configure({ rules: [{ operation: 'PullLogs', errorRate: 1 }] });
    const delays: number[] = [];
    const reader = new LogStoreReader(readerOptions({ maxAttempts: 3, random: () => 1, sleep: async (ms) => void delays.push(ms) }));
    try {
      const error = await reader.pullPage(0, cursor).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SlsRetriesExhaustedError);
      expect(error).toMatchObject({ code: 'SlsRetriesExhausted', operation: 'PullLogs', attempts: 3 });
      expect((error as Error).cause).toBeInstanceOf(SlsServiceError);
      expect((error as Error).cause).toMatchObject({ code: 'InternalServerError', status: 500 });
      expect(delays).toEqual([100, 200]);
    } finally {
      reader.close();
    }
  });

  it('does not retry a client error', async () => {
    const reader = new LogStoreReader(readerOptions({ sleep: async () => expect.fail('must not back off') }));
    try {
      const error = await reader.pullPage(0, Buffer.from('99').toString('base64')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SlsServiceError);
      expect(error).toMatchObject({ code: 'InvalidCursor', status: 400 });
      expect((error as SlsServiceError).requestId).toMatch(/^[0-9A-F]{24}$/);
      expect(emulator.stats().operations.PullLogs).toBe(1);
      const wrongSecret = new LogStoreReader(readerOptions({ accessKeySecret: 'wrong' }));
      await expect(wrongSecret.listShards()).rejects.toMatchObject({ code: 'SignatureNotMatch', status: 401 });
      wrongSecret.close();
    } finally {
      reader.close();
    }
  });

  it('stops when aborted', async () => {
    const { cursor } = emulator.writeLogs(PROJECT, LOGSTORE, [{ time: START_S, contents: { a: '1' } }], { shardId: 0 });
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const reader = new LogStoreReader(readerOptions());
    try {
      await expect(reader.pullPage(0, cursor, { signal: controller.signal })).rejects.toThrow('shutting down');
    } finally {
      reader.close();
    }
  });

  it('reads back what the OSS emulator logs for a refused GET', async () => {
    const served = {
      receivedAtMs: START_MS + 1_500,
      finishedAtMs: START_MS + 1_502,
      requestId: '65A1B2C3D4E5F6A7B8C9D0E1',
      bucket: 'archive-bucket',
      rawUrl: '/dir/a%2Bb%20c.txt?versionId=v%2B1',
      method: 'GET',
      clientIp: '127.0.0.1',
      host: 'archive-bucket.oss-cn-hangzhou.aliyuncs.com',
      userAgent: 'aliyun-sdk-js',
      referer: '',
      accessKeyId: 'LTAI5tThawLocalDevKey',
      signType: 'NormalSign',
      ownerId: '1234567890',
      region: 'oss-cn-hangzhou',
      objectSize: 10,
      requestBodyLength: 0,
      requestHeaderLength: 200,
      responseBodyLength: 300,
      storageClass: 'ColdArchive',
      deltaDataSize: undefined,
      restorePriority: undefined,
    };
    const refused = accessLogRecord({ ...served, operation: 'GetObject', key: 'dir/a+b c.txt', status: 403, errorCode: 'InvalidObjectState' });
    const head = accessLogRecord({ ...served, operation: 'HeadObject', key: 'dir/a+b c.txt', status: 200, errorCode: undefined });
    const written = writeOssAccessLogs(emulator, PROJECT, LOGSTORE, [refused, head], { shardId: 0 });
    const reader = new LogStoreReader(readerOptions());
    try {
      const logs: PulledLog[] = [];
      for await (const log of reader.pullRange(0, written!.cursor, written!.nextCursor)) logs.push(log);
      expect(logs.map((l) => [l.topic, l.time])).toEqual([
        ['oss_access_log', START_S + 1],
        ['oss_access_log', START_S + 1],
      ]);
      await expect(
        collectAccessLogMisses(
          (async function* () {
            yield* logs;
          })(),
        ),
      ).resolves.toEqual({
        misses: [
          { bucket: 'archive-bucket', key: 'dir/a+b c.txt', versionId: 'v+1', source: 'access-log', seenAtMs: START_MS + 1_000, operation: 'GetObject' },
        ],
        skipped: { 'other-operation': 1 },
        total: 2,
      });
    } finally {
      reader.close();
    }
  });

  it('turns 10,000 access-log records into misses', async () => {
    for (let g = 0; g < 100; g++) {
      emulator.writeLogs(
        PROJECT,
        LOGSTORE,
        Array.from({ length: 100 }, (_, i) => {
          const n = g * 100 + i;
          return { time: START_S + g, contents: n % 10 === 0 ? { ...accessLog(n), operation: 'HeadObject' } : accessLog(n) };
        }),
        { shardId: 0, topic: 'oss_access_log' },
      );
    }
    const reader = new LogStoreReader(readerOptions({ pageSize: 10 }));
    try {
      const result = await collectAccessLogMisses(reader.pullRange(0, await reader.getCursor(0, 'begin'), await reader.getCursor(0, 'end')));
      expect(result.total).toBe(10_000);
      expect(result.misses).toHaveLength(9_000);
      expect(result.skipped).toEqual({ 'other-operation': 1_000 });
      expect(result.misses[0]).toEqual({ bucket: 'archive-bucket', key: 'logs/1.gz', source: 'access-log', seenAtMs: START_MS, operation: 'GetObject' });
    } finally {
      reader.close();
    }
  });
});

describe('Log trigger', () => {
  /** What a function does with the event: pull its range and remember every log it saw. */
  function collectingInvoke(delivered: string[], events: LogTriggerEvent[], failWhen: () => boolean = () => false) {
    return async (event: LogTriggerEvent) => {
      events.push(event);
      if (failWhen()) throw new Error('function failed');
      const reader = new LogStoreReader({
        endpoint: event.source.endpoint,
        project: event.source.projectName,
        logstore: event.source.logstoreName,
        accessKeyId,
        accessKeySecret: secret,
      });
      try {
        for await (const log of reader.pullRange(event.source.shardId, event.source.beginCursor, event.source.endCursor)) {
          delivered.push(log.contents.id!);
        }
      } finally {
        reader.close();
      }
    };
  }

  function write(shardId: number, ...ids: string[]): WrittenLogGroup {
    return emulator.writeLogs(
      PROJECT,
      LOGSTORE,
      ids.map((id) => ({ time: START_S, contents: { id } })),
      { shardId },
    );
  }

  it('delivers each range once, in the FC event shape', async () => {
    const delivered: string[] = [];
    const events: LogTriggerEvent[] = [];
    write(0, 'old'); // written before the trigger: not delivered (it starts at the end)
    const trigger = await startLogTrigger({
      emulator,
      project: PROJECT,
      logstore: LOGSTORE,
      intervalMs: 60_000,
      autoStart: false,
      clock,
      jobName: 'job-1',
      parameter: { bucketAllowList: ['archive-bucket'] },
      invoke: collectingInvoke(delivered, events),
    });
    try {
      expect((await trigger.runOnce()).invocations).toEqual([]);
      clock.advance(5_000);
      const a = write(0, 'a1', 'a2');
      clock.advance(5_000);
      const b = write(0, 'a3');
      write(1, 'b1');
      const run = await trigger.runOnce();
      expect(run.invocations.map((i) => [i.shardId, i.ok])).toEqual([
        [0, true],
        [1, true],
      ]);
      expect(events[0]).toEqual({
        parameter: { bucketAllowList: ['archive-bucket'] },
        source: { endpoint: emulator.endpoint, projectName: PROJECT, logstoreName: LOGSTORE, shardId: 0, beginCursor: a.cursor, endCursor: b.nextCursor },
        jobName: 'job-1',
        taskId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        cursorTime: START_S + 10,
      });
      expect((await trigger.runOnce()).invocations).toEqual([]);
      write(1, 'b2');
      await trigger.runOnce();
      expect(delivered.sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    } finally {
      await trigger.stop();
    }
  });

  it('offers a failed range again, and nothing after it first', async () => {
    const delivered: string[] = [];
    const events: LogTriggerEvent[] = [];
    let failing = true;
    const errors: unknown[] = [];
    const trigger = await startLogTrigger({
      emulator,
      project: PROJECT,
      logstore: LOGSTORE,
      intervalMs: 60_000,
      autoStart: false,
      invoke: collectingInvoke(delivered, events, () => failing),
      onError: (e) => errors.push(e),
    });
    try {
      const first = write(0, 'x1', 'x2');
      const failed = await trigger.runOnce();
      expect(failed.invocations).toEqual([
        { shardId: 0, beginCursor: first.cursor, endCursor: first.nextCursor, ok: false, retried: false, error: new Error('function failed') },
      ]);
      expect(errors).toHaveLength(1);
      const later = write(0, 'x3');
      failing = false;
      const retry = await trigger.runOnce();
      expect(retry.invocations).toEqual([{ shardId: 0, beginCursor: first.cursor, endCursor: first.nextCursor, ok: true, retried: true }]);
      const next = await trigger.runOnce();
      expect(next.invocations).toEqual([{ shardId: 0, beginCursor: later.cursor, endCursor: later.nextCursor, ok: true, retried: false }]);
      expect(delivered).toEqual(['x1', 'x2', 'x3']);
    } finally {
      await trigger.stop();
    }
  });

  it('invokes for empty ranges when asked to', async () => {
    const events: LogTriggerEvent[] = [];
    const trigger = await startLogTrigger({
      emulator,
      project: PROJECT,
      logstore: LOGSTORE,
      intervalMs: 60_000,
      autoStart: false,
      invokeWhenEmpty: true,
      clock,
      invoke: async (e) => void events.push(e),
    });
    try {
      await trigger.runOnce();
      expect(events.map((e) => [e.source.shardId, e.source.beginCursor === e.source.endCursor, e.cursorTime])).toEqual([
        [0, true, START_S],
        [1, true, START_S],
      ]);
    } finally {
      await trigger.stop();
    }
  });

  it('runs on its interval and stops', async () => {
    const delivered: string[] = [];
    const events: LogTriggerEvent[] = [];
    const trigger = await startLogTrigger({
      emulator,
      project: PROJECT,
      logstore: LOGSTORE,
      intervalMs: 10,
      invoke: collectingInvoke(delivered, events),
    });
    write(1, 'tick');
    const deadline = Date.now() + 2_000;
    while (delivered.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(delivered).toEqual(['tick']);
    await trigger.stop();
    write(1, 'after-stop');
    await new Promise((r) => setTimeout(r, 50));
    expect(delivered).toEqual(['tick']);
    await expect(trigger.runOnce()).rejects.toThrow('stopped');
  });
});
