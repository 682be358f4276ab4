// Abuse, from an attacker's side: each case is a way the first releases let a caller spend
// beyond the budgets, a forged record or a hostile key move the system, or a terminal be taken
// over — and what happens now. Every case failed on the release before this one.
//
//   cost        Days above any cap, byte-days uncounted, a deferred backlog that spends tomorrow's
//               budget by itself, NOT_FOUND records without end
//   trust       access-log records of another topic, of anonymous requesters, of another logstore
//   tokens      scopes, strength, a token id (never the token) in every log line, rotation
//   edge        the Host header, body before authentication, form posts, nesting, echoes, https
//   printing    keys and server messages that drive a terminal or reorder what it shows
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../lib/api/auth';
import { dashboardFile } from '../../lib/api/dashboard/files';
import { type Fc2Request, handleFc2Request } from '../../lib/api/fc-http';
import { newToken, parseConfiguredTokens, tokenDigest } from '../../lib/api/tokens';
import { ThawClient } from '../../lib/client';
import { ManualClock } from '../../lib/clock';
import { ConfigError, loadConfig } from '../../lib/config';
import { type AccessLogRecord, classifyAccessLogRecord } from '../../lib/events/access-log';
import { handleAccessLogRange, MalformedTriggerEventError, parseLogTriggerEvent } from '../../lib/events/log-trigger';
import { jsonLogger, silentLogger } from '../../lib/log';
import { ApiCallError, ThawApi } from '../../lib/operator/api-client';
import { statusCommand } from '../../lib/operator/status-command';
import { Coordinator } from '../../lib/restore/coordinator';
import { sweep } from '../../lib/restore/sweep';
import { resolveProjectEndpoint } from '../../lib/sls/endpoint';
import { MemoryStateStore } from '../../lib/store/memory';
import { apiUnderTest, READ_TOKEN, TOKEN } from '../support/api';
import { FakeObjectStore } from '../support/fake-object-store';
import { ref, T0 } from '../support/records';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GIB = 2 ** 30;
const JSON_TYPE = { 'content-type': 'application/json' };
/** Every character a terminal acts on or a reader cannot see: none may reach output raw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters looked for.
const HIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/;

const json = async (res: Response) => (await res.json()) as Record<string, any>;

describe('cost: no caller spends beyond the budgets', () => {
  it('lowers Days above THAW_MAX_DAYS before anything is spent, and the answer says so', async () => {
    const { call, objects } = apiUnderTest();
    objects.put(ref('cold'), 'ColdArchive', GIB);
    const res = await call('POST', '/v1/restores/thaw-test/cold', { body: '{"days":1e2}' });
    expect(res.status).toBe(202);
    expect(await json(res)).toMatchObject({ days: 7, lowered: { days: { asked: 100, granted: 7, limit: 'THAW_MAX_DAYS' } } });
    expect(objects.calls.filter((c) => c.op === 'restore').map((c) => c.params?.days)).toEqual([7]);
  });

  it('counts size × Days of cold copies against the byte-day budget', async () => {
    const { call, objects } = apiUnderTest({ limits: { dailyByteDays: 10 * GIB, maxDays: 365 } });
    objects.put(ref('week'), 'ColdArchive', 1 * GIB);
    objects.put(ref('month'), 'ColdArchive', 1 * GIB);
    expect((await call('POST', '/v1/restores/thaw-test/week', { body: '{"days":7}' })).status).toBe(202);
    const refused = await call('POST', '/v1/restores/thaw-test/month', { body: '{"days":30}' });
    expect(refused.status).toBe(429);
    expect(await json(refused)).toMatchObject({ state: 'DEFERRED', reason: 'daily-byte-day-budget' });
    expect(objects.count('restore')).toBe(1);
  });

  it('never lets a deferred backlog spend the next day’s budget before that day’s readers (THAW_DAILY_RESTORES=3)', async () => {
    const { call, objects, store, coordinator, clock } = apiUnderTest({ limits: { dailyRestores: 3 } });
    const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    for (const key of [...keys('burst', 10), ...keys('today', 4)]) objects.put(ref(key), 'ColdArchive');
    clock.set(T0 + 12 * HOUR);
    const burst = await Promise.all(keys('burst', 10).map((k) => call('POST', `/v1/restores/thaw-test/${k}`)));
    expect(burst.map((r) => r.status).sort()).toEqual([...Array(3).fill(202), ...Array(7).fill(429)]);

    // 00:00 UTC: the sweeper runs with nobody asking. It must not restore yesterday's backlog.
    clock.set(T0 + DAY);
    const policy = { inScope: () => true };
    const swept = await sweep({ store, coordinator, policy, clock, log: silentLogger }, { limit: 500 });
    expect(swept.summary.restoreStarted).toBe(0);
    expect(objects.count('restore')).toBe(3);

    // The day's readers get the day's budget; one of them is a reader of yesterday's backlog, asking again.
    const waiting = store.all().find((r) => r.state === 'DEFERRED')!.key;
    const readers = await Promise.all([waiting, 'today-0', 'today-1'].map((k) => call('POST', `/v1/restores/thaw-test/${k}`)));
    expect(readers.map((r) => r.status)).toEqual([202, 202, 202]);
    expect((await call('POST', '/v1/restores/thaw-test/today-2')).status).toBe(429);
  });

  it('caps the records a token holder can make for keys that do not exist (3,000 NOT_FOUND entries)', async () => {
    const { call, objects, store } = apiUnderTest({ limits: { dailyNewRecords: 50 } });
    const statuses: number[] = [];
    for (let batch = 0; batch < 30; batch++) {
      const body = JSON.stringify({ bucket: 'thaw-test', objects: Array.from({ length: 100 }, (_, i) => ({ key: `nothing/${batch}/${i}` })) });
      const answer = await json(await call('POST', '/v1/batch/restore', { body }));
      statuses.push(...answer.results.map((r: { status: number }) => r.status));
    }
    expect(store.all().length).toBe(50);
    expect(objects.count('head')).toBe(50);
    expect(statuses.filter((s) => s === 404).length).toBe(50);
    expect(statuses.filter((s) => s === 429).length).toBe(2950);
  });
});

describe('trust: only OSS’s own access records move anything', () => {
  const rule = { region: 'cn-hangzhou', project: 'oss-log-1234567890-cn-hangzhou', logstore: 'oss-log-store' };
  const event = (source: Record<string, unknown> = {}) => ({
    source: {
      endpoint: 'http://cn-hangzhou-intranet.log.aliyuncs.com',
      projectName: rule.project,
      logstoreName: rule.logstore,
      shardId: 0,
      beginCursor: 'MA==',
      endCursor: 'MQ==',
      ...source,
    },
  });
  const refused = (key: string, fields: Partial<AccessLogRecord> & { requester?: string } = {}): AccessLogRecord => ({
    time: T0 / 1000,
    topic: fields.topic ?? 'oss_access_log',
    contents: {
      operation: 'GetObject',
      http_status: '403',
      error_code: 'InvalidObjectState',
      bucket: 'thaw-test',
      object: encodeURIComponent(key),
      requester_id: fields.requester ?? '1234567890',
    },
  });
  const run = async (records: AccessLogRecord[], anonymous = false) => {
    const clock = new ManualClock(T0 + 60_000);
    const objects = new FakeObjectStore(clock);
    for (const r of records) objects.put(ref(decodeURIComponent(r.contents.object!)), 'Archive');
    const store = new MemoryStateStore();
    const result = await handleAccessLogRange(
      parseLogTriggerEvent(event(), rule),
      {
        source: {
          pullRange: async function* () {
            yield* records;
          },
        },
        coordinator: new Coordinator({ store, objects, clock }),
        log: silentLogger,
        rules: { anonymous },
      },
      {},
    );
    return { result, objects, store };
  };

  it('restores nothing for a record of another topic (one PutLogs of a forged record)', async () => {
    const { result, objects, store } = await run([refused('forged.bin', { topic: 'anything' }), refused('metered.bin', { topic: 'oss_metering_log' })]);
    expect(result.skipped).toEqual({ 'other-topic': 2 });
    expect(objects.calls).toEqual([]);
    expect(store.all()).toEqual([]);
  });

  it('restores nothing for an anonymous requester of a public-read bucket, unless THAW_ACCESS_LOG_ANONYMOUS says so', async () => {
    const quiet = await run([refused('public.bin', { requester: '-' })]);
    expect(quiet.result.skipped).toEqual({ 'anonymous-requester': 1 });
    expect(quiet.objects.calls).toEqual([]);
    const allowed = await run([refused('public.bin', { requester: '-' })], true);
    expect(allowed.objects.count('restore')).toBe(1);
  });

  it('refuses an event naming another project or logstore before any request to it', () => {
    for (const source of [{ projectName: 'attacker-project' }, { logstoreName: 'writable-copy' }]) {
      expect(() => parseLogTriggerEvent(event(source), rule)).toThrow(MalformedTriggerEventError);
    }
    expect(() => parseLogTriggerEvent(event(), { region: 'cn-hangzhou' })).toThrow('THAW_ACCESS_LOG_PROJECT and THAW_ACCESS_LOG_LOGSTORE');
  });

  it('classifies any topic and requester without throwing', () => {
    for (const topic of [undefined, '', 'oss_access_log ', 'OSS_ACCESS_LOG', '\u0000']) {
      expect(classifyAccessLogRecord({ ...refused('k.bin'), topic } as AccessLogRecord)).toEqual({ skip: 'other-topic' });
    }
  });
});

describe('tokens: scopes and hygiene', () => {
  it('refuses a restore to a read-scoped token (the dashboard’s), single and batch, and lets it read', async () => {
    const { call, objects } = apiUnderTest();
    objects.put(ref('a'), 'ColdArchive');
    const post = await call('POST', '/v1/restores/thaw-test/a', { token: READ_TOKEN, body: '{"days":365}' });
    expect(post.status).toBe(403);
    expect((await json(post)).error.code).toBe('InsufficientScope');
    expect(post.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="restore"');
    const batch = await call('POST', '/v1/batch/restore', { token: READ_TOKEN, body: '{"bucket":"thaw-test","objects":[{"key":"a"}]}' });
    expect(batch.status).toBe(403);
    expect(objects.calls).toEqual([]);
    expect((await call('GET', '/v1/usage', { token: READ_TOKEN })).status).toBe(200);
  });

  it('refuses a weak token even when configuration holds its digest', async () => {
    const { call } = apiUnderTest({
      auth: { tokens: [{ id: 'sha256-5e884898', scopes: ['read', 'restore'], sha256: sha256Hex('password') }], anonymous: false },
    });
    const res = await call('GET', '/v1/usage', { token: 'password' });
    expect(res.status).toBe(401);
  });

  it('names the token by its id, never itself, in every log line of a request', async () => {
    const lines: string[] = [];
    const { call, objects } = apiUnderTest({ log: jsonLogger({ level: 'debug', write: (l) => lines.push(l) }) });
    objects.put(ref('a'), 'Archive');
    await call('POST', '/v1/restores/thaw-test/a');
    const request = lines.map((l) => JSON.parse(l)).filter((l) => l.requestId);
    expect(request.length).toBeGreaterThan(2);
    expect(request.every((l) => l.tokenId === 'testall1')).toBe(true);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('keeps two tokens valid during a rotation, each under its own id', async () => {
    const old = newToken(['read']);
    const next = newToken(['read']);
    const tokens = parseConfiguredTokens(`${old.configured}, ${next.configured}`);
    const { call } = apiUnderTest({ auth: { tokens, anonymous: false } });
    for (const t of [old, next]) expect((await call('GET', '/v1/usage', { token: t.token })).status).toBe(200);
    expect(tokens.map((t) => t.id)).toEqual([old.id, next.id]);
    expect(tokens[0]!.sha256).toBe(tokenDigest(old.token));
    expect(() => parseConfiguredTokens(`${old.configured},${old.configured}`)).toThrow('listed twice');
  });
});

describe('edge: the API parses only what the edge saw', () => {
  const fc2 = (method: string, path: string, headers: Record<string, string>, body?: AsyncIterable<Buffer>, queries?: Record<string, string>): Fc2Request =>
    Object.assign(body ? Readable.from(body) : Readable.from([]), { method, path, headers, queries }) as unknown as Fc2Request;
  const answer = async (app: ReturnType<typeof apiUnderTest>['app'], req: Fc2Request) => {
    const out = { status: 0, headers: {} as Record<string, string>, body: '' };
    await handleFc2Request(app, req, {
      setStatusCode: (c) => void (out.status = c),
      setHeader: (n, v) => void (out.headers[n.toLowerCase()] = v),
      send: (b) => void (out.body = b.toString()),
    });
    return out;
  };

  it('never takes the query from the Host header', async () => {
    const { app } = apiUnderTest();
    const res = await answer(
      app,
      fc2('GET', '/v1/restores', { host: 'x?state=FAILED#', authorization: `Bearer ${TOKEN}` }, undefined, { state: 'RESTORING', limit: '1' }),
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).states).toEqual(['RESTORING']);
  });

  it('reads no byte of a body before the caller is authenticated', async () => {
    const { app } = apiUnderTest();
    let pulled = 0;
    async function* body() {
      for (let i = 0; i < 4; i++) {
        pulled++;
        yield Buffer.alloc(64 * 1024, 0x7b);
      }
    }
    const res = await answer(app, fc2('POST', '/v1/batch/restore', { ...JSON_TYPE }, body()));
    expect(res.status).toBe(401);
    expect(pulled).toBe(0);
  });

  it('refuses a cross-site form post (any body that is not application/json) with 415, restoring nothing', async () => {
    const { call, objects } = apiUnderTest();
    objects.put(ref('a'), 'Archive');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await call('POST', '/v1/restores/thaw-test/a', { body: '{"days":1}', headers: { 'content-type': type } });
      expect(res.status, type).toBe(415);
    }
    expect(objects.calls).toEqual([]);
  });

  it('answers a deeply nested batch body 400, not 500, and echoes nothing of it', async () => {
    const { call } = apiUnderTest();
    const deep = `{"bucket":"thaw-test","objects":[{"key":${'['.repeat(50_000)}${']'.repeat(50_000)}}]}`;
    const res = await call('POST', '/v1/batch/restore', { body: deep });
    expect(res.status).toBe(400);
    const message = (await json(res)).error.message as string;
    expect(message).toContain('nests deeper than 6 levels');
    expect(message).not.toContain('[[');
  });

  it('echoes only strings back: a value of another kind is named by its kind', async () => {
    const { call } = apiUnderTest();
    const big = await call('POST', '/v1/restores/thaw-test/a', { body: JSON.stringify({ days: [[[1, 2, 3]]] }) });
    expect((await json(big)).error.message).toBe('days: must be an integer from 1 to 365, got an array');
    const batch = await call('POST', '/v1/batch/status', { body: JSON.stringify({ bucket: { evil: 'x'.repeat(1000) }, objects: [{ key: 'a' }] }) });
    expect((await json(batch)).error.message).toMatch(/^bucket: an object is not a valid OSS bucket name/);
  });

  it('sends X-Content-Type-Options: nosniff with every answer', async () => {
    const { call } = apiUnderTest();
    for (const [method, path, token] of [
      ['GET', '/v1/health', null],
      ['GET', '/v1/usage', undefined],
      ['GET', '/nowhere', null],
      ['GET', '/v1/usage', null],
      ['POST', '/v1/restores/thaw-test/%zz', undefined],
    ] as const) {
      expect((await call(method, path, { token })).headers.get('x-content-type-options'), `${method} ${path}`).toBe('nosniff');
    }
  });

  it('limits anonymous mode to one object at a time with the default Days and tier', async () => {
    const { call, objects } = apiUnderTest({ auth: { tokens: [], anonymous: true } });
    objects.put(ref('a'), 'ColdArchive');
    expect((await call('POST', '/v1/restores/thaw-test/a', { token: null, body: '{"days":365}' })).status).toBe(401);
    expect((await call('POST', '/v1/restores/thaw-test/a', { token: null, body: '{"tier":"Expedited"}' })).status).toBe(401);
    expect((await call('POST', '/v1/batch/restore', { token: null, body: '{"bucket":"thaw-test","objects":[{"key":"a"}]}' })).status).toBe(401);
    expect((await call('GET', '/v1/usage', { token: null })).status).toBe(401);
    expect((await call('POST', '/v1/restores/thaw-test/a', { token: null })).status).toBe(202);
    expect(objects.calls.filter((c) => c.op === 'restore').map((c) => c.params)).toEqual([{ days: 1, tier: 'Standard' }]);
  });

  it('sends tokens and signatures over https only, unless to this machine', () => {
    expect(() => new ThawApi({ apiUrl: 'http://thaw.example.com', token: TOKEN })).toThrow(ApiCallError);
    expect(() => new ThawApi({ apiUrl: 'http://127.0.0.1:8080', token: TOKEN })).not.toThrow();
    expect(() => new ThawClient({ oss: { options: { bucket: 'b' } } as never, apiUrl: 'http://thaw.example.com', token: TOKEN })).toThrow(/plain http/);
    const env = { THAW_ALLOW: 'thaw-test', THAW_TABLESTORE_ENDPOINT: 'https://t', THAW_TABLESTORE_INSTANCE: 't' };
    expect(loadConfig({ ...env, THAW_OSS_ENDPOINT: 'oss-cn-hangzhou-internal.aliyuncs.com' }).oss.endpoint).toBe(
      'https://oss-cn-hangzhou-internal.aliyuncs.com',
    );
    expect(() => loadConfig({ ...env, THAW_OSS_ENDPOINT: 'http://oss-cn-hangzhou-internal.aliyuncs.com' })).toThrow(ConfigError);
    expect(resolveProjectEndpoint('http://cn-hangzhou-intranet.log.aliyuncs.com', 'p').protocol).toBe('https:');
  });
});

describe('printing: outside text never drives a terminal', () => {
  const HOSTILE_KEY =
    'logs/\u001b[2J\u001b[H0 problems\u001b]0;pwned\u0007\u001b]52;c;ZWNobyBoaQ==\u0007\u001b]8;;https://evil\u001b\\x\u001b]8;;\u001b\\\u001b[8mhidden\u001b[0m\r\ninvoice-\u202erav.exe';
  let server: ReturnType<typeof createServer>;
  let apiUrl: string;
  beforeAll(async () => {
    const record = {
      bucket: 'thaw-test',
      key: HOSTILE_KEY,
      versionId: null,
      state: 'FAILED',
      storageClass: 'Archive\u001b[31m',
      tier: null,
      sizeBytes: 1,
      firstSeenAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      etaAt: null,
      retryAt: null,
      reason: null,
      lastError: { code: 'Transient\u009b2J', retryable: true },
      attempts: 1,
    };
    const usage = {
      at: '2026-01-01T00:00:00.000Z',
      day: '2026-01-01',
      resetsAt: '2026-01-02T00:00:00.000Z',
      rateLimit: { restoresPerSecond: 100, thisSecond: 0 },
      limits: { dailyRestores: 10, dailyBytes: 10 },
      states: { FAILED: 1 },
      statesCapped: [],
      buckets: [{ bucket: 'thaw-test\u001b[2J', restoresToday: 0, bytesToday: 0, states: { FAILED: 1 } }],
    };
    server = createServer((req, res) => {
      const body = req.url?.startsWith('/v1/usage') ? usage : { records: req.url?.includes('FAILED') ? [record] : [], cursor: null };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('thaw status shows a key holding ESC[2J, OSC 52, hyperlinks and a bidi override as their escapes', async () => {
    let out = '';
    const terminal = { stdoutIsTTY: true, stdinIsTTY: false, out: (t: string) => void (out += t), ask: async () => '' };
    await statusCommand({ limit: '5', json: false, api: apiUrl }, [], { THAW_API_TOKEN: TOKEN }, terminal);
    expect(out).not.toMatch(HIDDEN);
    expect(out).toContain('logs/\\x1b[2J\\x1b[H0 problems\\x1b]0;pwned\\x07\\x1b]52;c;');
    expect(out).toContain('\\x0d\\x0ainvoice-\\u202erav.exe');
    // The key stays on its own line: no line of output starts with a forged "0 problems".
    expect(out.split('\n').some((line) => line.startsWith('0 problems'))).toBe(false);
  });

  it('shows a server’s error message escaped too', async () => {
    const hostile = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NotAllowed\u001b[2J', message: 'go away\u001b]52;c;AAAA\u0007' } }));
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    try {
      const api = new ThawApi({ apiUrl: `http://127.0.0.1:${(hostile.address() as { port: number }).port}`, token: TOKEN, attempts: 1 });
      const err = (await api.usage().catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(ApiCallError);
      expect(err.message).not.toMatch(HIDDEN);
      expect(err.message).toContain('NotAllowed\\x1b[2J: go away\\x1b]52;c;AAAA\\x07');
    } finally {
      await new Promise<void>((resolve) => hostile.close(() => resolve()));
    }
  });

  it('the dashboard shows bidi and control characters visibly', async () => {
    const rendered = await renderDashboard(apiUrl);
    expect(rendered).toContain('invoice-\\u202erav.exe');
    expect(rendered).toContain('\\x1b[2J');
    expect(rendered).not.toMatch(HIDDEN);
  });
});

/** Runs the served dashboard.js against a minimal page and the given API; the text it put on screen. */
async function renderDashboard(apiUrl: string): Promise<string> {
  class Node {
    children: (Node | string)[] = [];
    className = '';
    hidden = false;
    value = '';
    title = '';
    readonly style = { setProperty: () => undefined };
    get textContent(): string {
      return this.children.map((c) => (typeof c === 'string' ? c : c.textContent)).join('');
    }
    set textContent(text: string | null) {
      this.children = text === null ? [] : [text];
    }
    append(...nodes: (Node | string)[]) {
      this.children.push(...nodes);
    }
    replaceChildren(...nodes: (Node | string)[]) {
      this.children = nodes;
    }
    setAttribute() {}
    addEventListener() {}
    focus() {}
    all(): string {
      return [this.title, ...this.children.map((c) => (typeof c === 'string' ? c : c.all()))].join('\n');
    }
  }
  const byId = new Map<string, Node>();
  const document = {
    currentScript: { src: `${apiUrl}/dashboard.js` },
    visibilityState: 'visible',
    createElement: () => new Node(),
    getElementById: (id: string) => byId.get(id) ?? byId.set(id, new Node()).get(id)!,
    addEventListener: () => undefined,
  };
  const window = {
    document,
    sessionStorage: { getItem: () => TOKEN, setItem: () => undefined, removeItem: () => undefined },
    fetch: (url: string, init: { headers: Record<string, string> }) => fetch(url, init),
    setTimeout: () => 0,
    clearTimeout: () => undefined,
  };
  const script = await dashboardFile('dashboard.js').text();
  new Function('window', 'document', script)(window, document);
  // The page renders once its five reads have answered.
  for (let i = 0; i < 100 && !byId.get('status')?.textContent?.startsWith('Updated'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(byId.get('status')?.textContent).toMatch(/^Updated/);
  return [...byId.values()].map((n) => n.all()).join('\n');
}
