// Hostile input at every parser and edge, property-based with fixed seeds: whatever arrives, the
// answer is a typed error or a 4xx naming what was wrong — never a crash, never a 5xx for a
// client's mistake — and a valid record beside bad ones is never lost.
//   HTTP (FC 2.0 adapter → API)   paths and keys (unicode, spaces, + % ? # /, . and .. segments,
//                                 1023/1024 bytes, invalid UTF-8), headers, bodies, lengths
//   Log trigger events            every field replaced, endpoints that imitate the region's
//   access-log records            any contents; good and bad records mixed in one range
//   PullLogs answers              any body, compression, declared size, cursor
//   storage events                good and bad records mixed in one payload
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Fc2Request, handleFc2Request } from '../../lib/api/fc-http';
import { ManualClock } from '../../lib/clock';
import { applyStorageEvents } from '../../lib/events/apply';
import { type AccessLogRecord, classifyAccessLogRecord } from '../../lib/events/access-log';
import { handleAccessLogRange, MalformedTriggerEventError, parseLogTriggerEvent, regionEndpoints } from '../../lib/events/log-trigger';
import { MalformedEventError, parseStorageEvents } from '../../lib/events/storage-event';
import { silentLogger } from '../../lib/log';
import { Coordinator } from '../../lib/restore/coordinator';
import { hasDotSegment, objectRef, recordId } from '../../lib/restore/object-ref';
import {
  LogStoreReader,
  SlsBadResponseError,
  SlsResponseTooLargeError,
  SlsRetriesExhaustedError,
  SlsServiceError,
  type SlsHttpRequest,
  type SlsHttpResponse,
} from '../../lib/sls';
import { logsOfLogGroupList } from '../../lib/sls/log-decoder';
import { lz4BlockStore } from '../../lib/sls/lz4';
import { encodeLogGroup } from '../../lib/sls/proto';
import { MemoryStateStore } from '../../lib/store/memory';
import { apiUnderTest, TOKEN } from '../support/api';
import { FakeObjectStore } from '../support/fake-object-store';
import { record, ref, T0 } from '../support/records';

// Key material: what users put in keys, and what breaks naive parsers.
const keyChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019-_.~') },
  { weight: 3, arbitrary: fc.constantFrom(' ', '+', '%', '?', '#', '&', '=', ';', '@', ':', ',', "'", '"', '\\', '*', '!', '$') },
  { weight: 2, arbitrary: fc.constantFrom('ü', 'é', '日', '本', '🧊', 'ß', '\u00a0', '\u200b') },
);
const segment = fc.array(keyChar, { minLength: 1, maxLength: 12 }).map((cs) => cs.join(''));
/** Keys OSS accepts and an SDK can address: ≤ 1023 bytes, no leading "/", no "." or ".." segment. */
const validKey = fc
  .oneof(
    { weight: 8, arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/')) },
    // Exactly 1023 bytes, with multi-byte characters at the end.
    { weight: 1, arbitrary: fc.constantFrom(`${'k'.repeat(1021)}ü`, `${'d/'.repeat(340)}日`) },
  )
  .filter((k) => !hasDotSegment(k) && !k.startsWith('/') && !k.startsWith('\\') && Buffer.byteLength(k) <= 1023);

function fc2(method: string, path: string, headers: Record<string, string | string[]> = {}, body?: Buffer): Fc2Request {
  return Object.assign(Readable.from(body ? [body] : []), { method, path, headers }) as unknown as Fc2Request;
}

async function answer(app: ReturnType<typeof apiUnderTest>['app'], req: Fc2Request) {
  const out = { status: 0, body: '', contentType: '' };
  await handleFc2Request(app, req, {
    setStatusCode: (code) => {
      out.status = code;
    },
    setHeader: (name, value) => {
      if (name.toLowerCase() === 'content-type') out.contentType = value;
    },
    send: (b) => {
      out.body = b.toString();
    },
  });
  // The dashboard's files (GET /, /dashboard.js, /dashboard.css) answer 200 with their own types;
  // every error, and every data answer, is JSON (a parse failure here fails the test).
  const isJson = out.contentType.startsWith('application/json') || out.contentType.startsWith('application/problem+json') || out.status >= 400;
  return {
    status: out.status,
    contentType: out.contentType,
    json: out.body && isJson ? (JSON.parse(out.body) as Record<string, unknown> & { error?: { code: string; message: string } }) : {},
  };
}

describe('HTTP edge: FC 2.0 adapter and API', () => {
  it('round-trips every valid key, up to 1023 bytes, through the path', async () => {
    // Budgets out of the way: the clock stands still, so the rate limit would defer after 100.
    const api = apiUnderTest({ limits: { restoresPerSecond: 1_000_000, dailyRestores: 1_000_000 } });
    await fc.assert(
      fc.asyncProperty(validKey, async (key) => {
        api.objects.put(ref(key), 'Archive');
        const path = `/v1/restores/thaw-test/${encodeURIComponent(key)}`;
        const posted = await answer(api.app, fc2('POST', path, { authorization: `Bearer ${TOKEN}` }));
        expect(posted.status, key).toBe(202);
        expect(posted.json.key).toBe(key);
        const read = await answer(api.app, fc2('GET', path, { authorization: `Bearer ${TOKEN}` }));
        expect(read.status).toBe(202);
        expect(read.json.key).toBe(key);
      }),
      { numRuns: 150, seed: 110001 },
    );
  });

  it.each([
    ['a 1024-byte key', encodeURIComponent(`${'k'.repeat(1022)}ü`), 'InvalidInput', /1024 bytes/],
    ['a ".." segment', encodeURIComponent('a/../b'), 'UnaddressableKey', /segment/],
    ['a "." segment', encodeURIComponent('./x'), 'UnaddressableKey', /segment/],
    ['invalid UTF-8 (%C3%28)', 'bad%C3%28key', 'InvalidInput', /UTF-8|percent/i],
    ['a lone continuation byte (%80)', 'x%80', 'InvalidInput', /UTF-8|percent/i],
    ['a malformed escape (%zz)', 'x%zz', 'InvalidInput', /percent|escape|encod/i],
    ['a leading slash', encodeURIComponent('/abs'), 'InvalidInput', /start with/],
  ])('refuses %s with a 400 that names it', async (_label, rawKey, code, message) => {
    const { app } = apiUnderTest();
    const res = await answer(app, fc2('POST', `/v1/restores/thaw-test/${rawKey}`, { authorization: `Bearer ${TOKEN}` }));
    expect(res.status).toBe(400);
    expect(res.json.error?.code).toBe(code);
    expect(res.json.error?.message).toMatch(message);
  });

  it('answers any path, headers, body and length with a 2xx or a 4xx JSON error', async () => {
    const { app, objects } = apiUnderTest();
    objects.put(ref('a'), 'Archive');
    const pathPart = fc.oneof(
      validKey.map(encodeURIComponent),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('%', '%2', '%E2%82', '%00', '..', '.', '%2e%2e', '//', ''),
    );
    const headerValue = fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }));
    const body = fc.oneof(
      fc.constant(undefined),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.constantFrom(Buffer.from([0xc3, 0x28]), Buffer.from('{"days":1'), Buffer.from('{"days":3,"tier":"Bulk"}'), Buffer.alloc(5000, 0x20)),
      fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? '')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
        fc.oneof(
          pathPart.map((p) => `/v1/restores/thaw-test/${p}`),
          fc.tuple(pathPart, pathPart).map(([b, k]) => `/v1/restores/${b}/${k}`),
          pathPart.map((p) => `/${p}`),
        ),
        fc.dictionary(
          fc.constantFrom('authorization', 'content-type', 'content-length', 'x-forwarded-for', 'host', 'transfer-encoding', 'x-thaw'),
          headerValue,
          { maxKeys: 5 },
        ),
        fc.boolean(),
        body,
        async (method, path, headers, withToken, b) => {
          const res = await answer(app, fc2(method, path, withToken ? { ...headers, authorization: `Bearer ${TOKEN}` } : headers, b));
          expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(200);
          expect(res.status, `${method} ${path} ${JSON.stringify(res.json)}`).toBeLessThan(500);
          if (res.status >= 400) expect(typeof res.json.error?.code).toBe('string');
        },
      ),
      { numRuns: 400, seed: 110002 },
    );
  });
});

describe('Log trigger events', () => {
  const valid = {
    source: {
      endpoint: 'http://cn-hangzhou-intranet.log.aliyuncs.com',
      projectName: 'oss-log-1234567890-cn-hangzhou',
      logstoreName: 'oss-log-store',
      shardId: 1,
      beginCursor: 'MTc2NzIyNTYwMDAwMDAwMDAwMA==',
      endCursor: 'MTc2NzIyNTYwMDAwMDAwMDAwNQ==',
    },
    jobName: 'j',
    taskId: 't',
    cursorTime: 1767225600,
  };
  const rule = { region: 'cn-hangzhou', project: 'oss-log-1234567890-cn-hangzhou', logstore: 'oss-log-store' };
  const parse = (payload: unknown) => {
    try {
      return parseLogTriggerEvent(payload, rule);
    } catch (err) {
      if (err instanceof MalformedTriggerEventError) return err;
      throw err;
    }
  };

  it('never crashes on any value, string or bytes: an event or a MalformedTriggerEventError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.string({ unit: 'binary' }),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
        ),
        (payload) => {
          parse(payload);
          parse(JSON.stringify(payload) ?? '');
        },
      ),
      { numRuns: 300, seed: 120001 },
    );
  });

  it('checks every field: replacing any one with anything yields a checked event or a typed error', () => {
    const fields = ['endpoint', 'projectName', 'logstoreName', 'shardId', 'beginCursor', 'endCursor'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.oneof(fc.jsonValue(), fc.constant(undefined)), (field, value) => {
        const parsed = parse({ ...valid, source: { ...valid.source, [field]: value } });
        if (parsed instanceof MalformedTriggerEventError) return;
        expect(typeof parsed.source.shardId === 'number' && Number.isSafeInteger(parsed.source.shardId) && parsed.source.shardId >= 0).toBe(true);
        for (const f of ['endpoint', 'projectName', 'logstoreName', 'beginCursor', 'endCursor'] as const) expect(typeof parsed.source[f]).toBe('string');
      }),
      { numRuns: 400, seed: 120002 },
    );
  });

  it('sends nobody our signed requests but the region’s Log Service, however the endpoint is dressed up', () => {
    const trusted = regionEndpoints('cn-hangzhou');
    const disguise = fc.oneof(
      fc.webUrl(),
      fc.string({ maxLength: 60 }),
      fc
        .tuple(
          fc.constantFrom('', 'http://', 'https://', 'HTTP://', 'ftp://', '//', 'http:/'),
          fc.constantFrom('', 'user@', 'a:b@', 'evil.com@'),
          fc.constantFrom(...trusted, 'cn-shanghai.log.aliyuncs.com', 'log.aliyuncs.com', 'evil.com', '127.0.0.1'),
          fc.constantFrom('', '.', '.evil.com', ':80', ':443', ':8080', '/', '/path', '?q', '#f', '%2f', '\\', ' '),
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(disguise, (endpoint) => {
        const parsed = parse({ ...valid, source: { ...valid.source, endpoint } });
        if (parsed instanceof MalformedTriggerEventError) return;
        const host = new URL(/^https?:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`).hostname.toLowerCase().replace(/\.$/, '');
        expect(trusted, endpoint).toContain(host);
      }),
      { numRuns: 500, seed: 120003 },
    );
  });
});

describe('access-log records', () => {
  const contents = fc.dictionary(
    fc.constantFrom('operation', 'http_status', 'error_code', 'bucket', 'object', 'request_uri', 'user_defined_log_fields', 'x'),
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('GetObject', 'CopyObject', '403', 'InvalidObjectState', 'thaw-test', '%', '%C3%28', '-', '\ufffd', ''),
      validKey.map(encodeURIComponent),
    ),
    { maxKeys: 8 },
  );

  it('classifies any record without throwing: a miss of a well-formed object, or a skip reason', () => {
    fc.assert(
      fc.property(contents, fc.oneof(fc.integer(), fc.double(), fc.constant(Number.NaN)), (c, time) => {
        const verdict = classifyAccessLogRecord({ time, contents: c } as AccessLogRecord);
        if ('skip' in verdict) expect(typeof verdict.skip).toBe('string');
        else expect(verdict.miss.key.length).toBeGreaterThan(0);
      }),
      { numRuns: 500, seed: 130001 },
    );
  });

  it('loses no valid record beside bad ones in the same range', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(validKey, { minLength: 1, maxLength: 8 }),
        fc.array(contents, { maxLength: 12 }),
        fc.integer({ min: 0, max: 1000 }),
        async (keys, junk, shuffle) => {
          const clock = new ManualClock(T0);
          const objects = new FakeObjectStore(clock);
          for (const k of keys) objects.put(ref(k), 'Archive');
          const good: AccessLogRecord[] = keys.map((k) => ({
            time: T0 / 1000 - 5,
            topic: 'oss_access_log',
            contents: {
              requester_id: '1234567890',
              operation: 'GetObject',
              http_status: '403',
              error_code: 'InvalidObjectState',
              bucket: 'thaw-test',
              object: encodeURIComponent(k),
              request_uri: `/${encodeURIComponent(k)}`,
            },
          }));
          const bad: AccessLogRecord[] = [
            ...junk.map((c) => ({ time: T0 / 1000, contents: c })),
            null as unknown as AccessLogRecord,
            { time: 'x' } as unknown as AccessLogRecord,
          ];
          const all = [...good, ...bad].sort((a, b) => (((JSON.stringify(a)?.length ?? 0) * shuffle) % 7) - (((JSON.stringify(b)?.length ?? 0) * shuffle) % 7));
          const store = new MemoryStateStore();
          const range = parseLogTriggerEvent(
            { source: { endpoint: 'cn-hangzhou.log.aliyuncs.com', projectName: 'proj', logstoreName: 'ls', shardId: 0, beginCursor: 'A', endCursor: 'B' } },
            { region: 'cn-hangzhou', project: 'proj', logstore: 'ls' },
          );
          await handleAccessLogRange(range, {
            source: {
              pullRange: async function* () {
                yield* all;
              },
            },
            coordinator: new Coordinator({ store, objects, clock }),
            log: silentLogger,
          });
          const recorded = await store.getMany(keys.map((k) => recordId(objectRef({ bucket: 'thaw-test', key: k }))));
          expect(recorded.size).toBe(keys.length);
        },
      ),
      { numRuns: 60, seed: 130002 },
    );
  });
});

describe('PullLogs answers', () => {
  const base = {
    project: 'oss-log-1-cn-hangzhou',
    logstore: 'oss-log-store',
    accessKeyId: 'id',
    accessKeySecret: 'secret',
    clock: new ManualClock(T0),
    sleep: async () => undefined,
  };
  const group = encodeLogGroup({ logs: [{ time: 1, contents: { operation: 'GetObject' } }] });
  const list = Buffer.concat([Buffer.from([0x0a, group.length]), group]);

  it('turns any body and headers into a checked page or a typed error, never a crash', async () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.constantFrom(list, zlib.deflateSync(list), zlib.deflateRawSync(list), lz4BlockStore(list), zlib.deflateSync(Buffer.alloc(100_000))),
    );
    const headers = fc.record(
      {
        'x-log-cursor': fc.oneof(fc.constant('NEXT'), fc.string({ maxLength: 5 })),
        'x-log-count': fc.oneof(fc.constant('1'), fc.string({ maxLength: 4 })),
        'x-log-bodyrawsize': fc.oneof(fc.constant(String(list.length)), fc.integer({ min: -5, max: 2 ** 40 }).map(String), fc.string({ maxLength: 6 })),
        'x-log-compresstype': fc.constantFrom('', 'deflate', 'gzip', 'lz4', 'zstd', 'DEFLATE'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(200, 200, 200, 403, 500), body, headers, async (status, b, h) => {
        const transport = async (_req: SlsHttpRequest): Promise<SlsHttpResponse> => ({ status, headers: h, body: b });
        const reader = new LogStoreReader({ ...base, endpoint: 'http://127.0.0.1:1', transport, maxAttempts: 2, maxPageBytes: 64 * 1024 });
        try {
          const page = await reader.fetchPage(0, 'CUR');
          // A page that passed is complete and well-formed: decoding it cannot fail.
          expect([...logsOfLogGroupList(page.raw)].length).toBeGreaterThanOrEqual(0);
        } catch (err) {
          const typed = [SlsRetriesExhaustedError, SlsResponseTooLargeError, SlsBadResponseError, SlsServiceError].some((t) => err instanceof t);
          expect(typed, String(err)).toBe(true);
        }
      }),
      { numRuns: 400, seed: 140001 },
    );
  });
});

describe('storage events', () => {
  it('applies every valid record of a payload whatever malformed records surround it', async () => {
    const junk = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ eventName: fc.string({ maxLength: 20 }), oss: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(validKey, { minLength: 1, maxLength: 6 }), fc.array(junk, { maxLength: 8 }), async (keys, bad) => {
        const clock = new ManualClock(T0 + 60_000);
        const store = new MemoryStateStore();
        for (const k of keys) await store.create(record(k, { state: 'RESTORING', leaseUntilMs: undefined, leaseOwner: undefined }));
        const good = keys.map((k) => ({
          eventName: 'ObjectRemoved:DeleteObject',
          eventSource: 'acs:oss',
          eventTime: new Date(T0 + 30_000).toISOString(),
          region: 'cn-hangzhou',
          oss: { bucket: { name: 'thaw-test' }, object: { key: encodeURIComponent(k), size: 1 } },
        }));
        let parsed: ReturnType<typeof parseStorageEvents>;
        try {
          parsed = parseStorageEvents({ events: [...bad, ...good] });
        } catch (err) {
          if (err instanceof MalformedEventError) throw new Error(`a payload with valid records was refused whole: ${err.message}`);
          throw err;
        }
        const outcome = await applyStorageEvents(parsed.events, {
          coordinator: new Coordinator({ store, objects: new FakeObjectStore(clock), clock }),
          store,
          clock,
          log: silentLogger,
        });
        expect(outcome.invalidated).toBe(keys.length);
      }),
      { numRuns: 80, seed: 150001 },
    );
  });
});
