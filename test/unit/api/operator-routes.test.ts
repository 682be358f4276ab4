// The operator's routes, called on the app directly (no server): listing, usage, the batch
// endpoint thaw restore submits through, and the dashboard's files.
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseAllowList } from '../../../lib/policy/allow-list';
import { AccessDeniedError } from '../../../lib/restore/errors';
import { apiUnderTest } from '../../support/api';
import { ref, T0 } from '../../support/records';

// Response bodies are JSON we assert on field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (res: Response): Promise<any> => res.json();
const post = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('GET /v1/restores', () => {
  it('pages through the records of a state under a prefix, newest cursor to last', async () => {
    const { call, objects } = apiUnderTest();
    const keys = Array.from({ length: 5 }, (_, i) => `bulk/${i}.bin`);
    for (const key of [...keys, 'other/x.bin']) objects.put(ref(key), 'ColdArchive', 10);
    for (const key of [...keys, 'other/x.bin']) expect((await call('POST', `/v1/restores/thaw-test/${encodeURIComponent(key)}`)).status).toBe(202);

    const listed: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs = new URLSearchParams({ state: 'RESTORING', bucket: 'thaw-test', prefix: 'bulk/', limit: '2', ...(cursor ? { cursor } : {}) });
      const res = await call('GET', `/v1/restores?${qs}`);
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.order).toBe('key');
      listed.push(...body.records.map((r: { key: string }) => r.key));
      cursor = body.cursor;
      pages++;
    } while (cursor);
    expect(listed).toEqual(keys);
    expect(pages).toBe(3);
  });

  it('shows what an operator needs of each record: state, ETA, size, when, and a failure only by its code', async () => {
    const { call, objects, clock } = apiUnderTest();
    objects.put(ref('a.bin'), 'ColdArchive', 4096);
    await call('POST', '/v1/restores/thaw-test/a.bin', post({ tier: 'Bulk' }));
    clock.advance(1000);
    const body = await json(await call('GET', '/v1/restores?state=RESTORING'));
    expect(body.records).toEqual([
      {
        bucket: 'thaw-test',
        key: 'a.bin',
        versionId: null,
        state: 'RESTORING',
        storageClass: 'ColdArchive',
        tier: 'Bulk',
        days: 1,
        requestedAt: '2026-01-01T00:00:00.000Z',
        etaAt: '2026-01-01T12:00:00.000Z',
        expiresAt: null,
        retryAt: null,
        retryAfterSeconds: 43_199,
        reason: null,
        attempts: 0,
        sizeBytes: 4096,
        firstSeenAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        lastSource: 'http',
        lastError: null,
      },
    ]);
  });

  it("shows a failed record's lastError by its code and whether it may fix itself; its message stays in the logs", async () => {
    const { call, objects } = apiUnderTest();
    objects.put(ref('denied.bin'), 'Archive');
    objects.failures.head.push(new AccessDeniedError('HeadObject thaw-test/denied.bin: 403 InvalidAccessKeyId (request 5F1A)'));
    await call('POST', '/v1/restores/thaw-test/denied.bin');
    const [listed] = (await json(await call('GET', '/v1/restores?state=FAILED'))).records;
    expect(listed).toMatchObject({ key: 'denied.bin', state: 'FAILED', attempts: 1, lastError: { code: 'AccessDenied', retryable: false } });
    expect(JSON.stringify(listed)).not.toContain('5F1A');
  });

  it.each([
    ['an unknown state', 'state=THAWING', 'state'],
    ['a prefix without a bucket', 'prefix=a/', 'prefix'],
    ['a bad bucket name', 'bucket=No_Such', 'bucket'],
    ['an unknown order', 'order=size', 'order'],
    ['a limit over 1000', 'limit=1001', 'limit'],
    ['a limit of zero', 'limit=0', 'limit'],
    ['a misspelt parameter', 'stat=FAILED', 'stat'],
    ['a parameter given twice', 'state=FAILED&state=REFUSED', 'state'],
    ['a cursor it never issued', 'cursor=abc', 'cursor'],
  ])('answers 400 naming the parameter for %s', async (_label, qs, field) => {
    const { call } = apiUnderTest();
    const res = await call('GET', `/v1/restores?${qs}`);
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('InvalidInput');
    expect(body.error.message.startsWith(`${field}:`)).toBe(true);
  });

  it('needs the token, and only GET', async () => {
    const { call } = apiUnderTest();
    expect((await call('GET', '/v1/restores', { token: null })).status).toBe(401);
    expect((await call('POST', '/v1/restores')).status).toBe(405);
  });
});

describe('GET /v1/usage', () => {
  it('reports the restores and bytes spent today against the budgets, the rate, and the records per state', async () => {
    const { call, objects } = apiUnderTest({ limits: { dailyRestores: 10, dailyBytes: 1000, restoresPerSecond: 5 } });
    objects.put(ref('a'), 'Archive', 100);
    objects.put(ref('b'), 'ColdArchive', 250);
    objects.put(ref('c'), 'Standard', 7);
    for (const key of ['a', 'b', 'c']) await call('POST', `/v1/restores/thaw-test/${key}`);
    const res = await call('GET', '/v1/usage');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      day: '2026-01-01',
      resetsAt: '2026-01-02T00:00:00.000Z',
      rateLimit: { restoresPerSecond: 5, thisSecond: 2 },
      limits: {
        allow: ['thaw-test'],
        maxObjectBytes: 5 * 2 ** 30,
        maxDays: 7,
        dailyRestores: 10,
        dailyBytes: 1000,
        dailyByteDays: 2 ** 40,
        dailyNewRecords: 20_000,
        maxTier: 'Standard',
        restoresPerSecond: 5,
      },
      defaults: { days: 1, tier: 'Standard' },
      timeScale: 1,
      states: { RESTORING: 2, NOT_ARCHIVED: 1 },
      statesCapped: [],
      countCap: 10_000,
      // b (ColdArchive, 250 bytes, 1 day) made a temporary copy: 250 byte-days; three new records.
      buckets: [
        {
          bucket: 'thaw-test',
          restoresToday: 2,
          bytesToday: 350,
          byteDaysToday: 250,
          newRecordsToday: 3,
          restoresLeft: 8,
          bytesLeft: 650,
          byteDaysLeft: 2 ** 40 - 250,
          newRecordsLeft: 19_997,
          states: { RESTORING: 2, NOT_ARCHIVED: 1 },
        },
      ],
    });
  });

  it('starts the budgets again on the next UTC day', async () => {
    const { call, objects, clock } = apiUnderTest();
    objects.put(ref('a'), 'Archive', 100);
    await call('POST', '/v1/restores/thaw-test/a');
    clock.set(T0 + 86_400_000);
    const body = await json(await call('GET', '/v1/usage'));
    expect(body.day).toBe('2026-01-02');
    expect(body.buckets).toEqual([expect.objectContaining({ bucket: 'thaw-test', restoresToday: 0, bytesToday: 0 })]);
  });
});

describe('POST /v1/batch/restore', () => {
  it('answers each object as the single-object endpoint would, in order, and restores each archived one once', async () => {
    const { call, objects } = apiUnderTest();
    objects.put(ref('a'), 'Archive');
    objects.put(ref('b'), 'ColdArchive');
    objects.put(ref('std'), 'Standard');
    const body = post({
      bucket: 'thaw-test',
      objects: [{ key: 'a' }, { key: 'b' }, { key: 'std' }, { key: 'missing' }, { key: '/leading' }, { key: 'x/../y' }, { key: 'a' }],
      tier: 'Bulk',
    });
    const res = await call('POST', '/v1/batch/restore', body);
    expect(res.status).toBe(200);
    const answer = await json(res);
    expect(answer.results.map((r: { key: string; status: number; error?: { code: string } }) => [r.key, r.status, r.error?.code ?? null])).toEqual([
      ['a', 202, null],
      ['b', 202, null],
      ['std', 409, 'NotArchived'],
      ['missing', 404, 'NoSuchKey'],
      ['/leading', 400, 'InvalidInput'],
      ['x/../y', 400, 'UnaddressableKey'],
      ['a', 202, null],
    ]);
    expect(answer.results[1]).toMatchObject({ state: 'RESTORING', storageClass: 'ColdArchive', tier: 'Bulk' });
    expect(answer.restoreStarted).toBe(2);
    expect(objects.count('restore')).toBe(2);

    // The records are the checkpoint: the same batch again calls OSS for nothing.
    const again = await json(await call('POST', '/v1/batch/restore', body));
    expect(again.restoreStarted).toBe(0);
    expect(objects.count('restore')).toBe(2);
    expect(again.statuses).toEqual({ 202: 3, 409: 1, 404: 1, 400: 2 });
  });

  it('passes every object through the rate limit: the rest are deferred to the next second', async () => {
    const { call, objects, clock } = apiUnderTest({ limits: { restoresPerSecond: 2 } });
    const keys = ['r1', 'r2', 'r3', 'r4', 'r5'];
    for (const key of keys) objects.put(ref(key), 'Archive');
    const first = await json(await call('POST', '/v1/batch/restore', post({ bucket: 'thaw-test', objects: keys.map((key) => ({ key })) })));
    expect(first.results.map((r: { status: number }) => r.status).sort()).toEqual([202, 202, 429, 429, 429]);
    const deferred = first.results.filter((r: { status: number }) => r.status === 429);
    expect(deferred.every((r: { reason: string; retryAt: string }) => r.reason === 'rate-limit' && r.retryAt === '2026-01-01T00:00:01.000Z')).toBe(true);
    expect(objects.count('restore')).toBe(2);
    clock.advance(1000);
    const second = await json(await call('POST', '/v1/batch/restore', post({ bucket: 'thaw-test', objects: keys.map((key) => ({ key })) })));
    expect(second.restoreStarted).toBe(2);
    expect(objects.count('restore')).toBe(4);
  });

  it('refuses objects outside the allow-list without touching them', async () => {
    const { call, objects } = apiUnderTest({ limits: { allow: parseAllowList('thaw-test/allowed/') } });
    objects.put(ref('allowed/a'), 'Archive');
    objects.put(ref('private/b'), 'Archive');
    const answer = await json(await call('POST', '/v1/batch/restore', post({ bucket: 'thaw-test', objects: [{ key: 'allowed/a' }, { key: 'private/b' }] })));
    expect(answer.results.map((r: { status: number }) => r.status)).toEqual([202, 403]);
    expect(answer.results[1].error.code).toBe('NotAllowed');
    expect(objects.calls.map((c) => c.object)).not.toContain('thaw-test/private/b');
  });

  it.each([
    ['no objects', { bucket: 'thaw-test', objects: [] }, 'objects'],
    ['101 objects', { bucket: 'thaw-test', objects: Array.from({ length: 101 }, (_, i) => ({ key: `k${i}` })) }, 'objects'],
    ['a bad bucket', { bucket: 'Bad Bucket', objects: [{ key: 'a' }] }, 'bucket'],
    ['a bad tier', { bucket: 'thaw-test', objects: [{ key: 'a' }], tier: 'Fast' }, 'tier'],
    ['an unknown field', { bucket: 'thaw-test', objects: [{ key: 'a' }], priority: 1 }, 'priority'],
  ])('answers 400 naming the field for %s', async (_label, body, field) => {
    const { call, objects } = apiUnderTest();
    const res = await call('POST', '/v1/batch/restore', post(body));
    expect(res.status).toBe(400);
    expect((await json(res)).error.message.startsWith(`${field}:`)).toBe(true);
    expect(objects.calls).toEqual([]);
  });

  it('answers 413 for a body over 256 KiB and 400 for one that is not JSON', async () => {
    const { call } = apiUnderTest();
    expect((await call('POST', '/v1/batch/restore', { body: `{"bucket":"thaw-test","objects":[{"key":"${'k'.repeat(300_000)}"}]}` })).status).toBe(413);
    const bad = await call('POST', '/v1/batch/restore', { body: '{"bucket":' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('InvalidInput');
  });

  it('needs the token', async () => {
    const { call } = apiUnderTest();
    expect((await call('POST', '/v1/batch/restore', { ...post({ bucket: 'thaw-test', objects: [{ key: 'a' }] }), token: null })).status).toBe(401);
  });
});

describe('POST /v1/batch/status', () => {
  it('reads each record (a HEAD past its ETA, never a restore) and says which were never requested', async () => {
    const { call, objects, clock } = apiUnderTest();
    objects.put(ref('a'), 'Archive');
    objects.put(ref('b'), 'Archive');
    await call('POST', '/v1/restores/thaw-test/a');
    objects.objects.get('thaw-test/a')!.restore = { kind: 'restored', expiresAtMs: T0 + 86_400_000 };
    clock.advance(120_000);
    const answer = await json(await call('POST', '/v1/batch/status', post({ bucket: 'thaw-test', objects: [{ key: 'a' }, { key: 'b' }] })));
    expect(answer.results.map((r: { key: string; status: number; state?: string }) => [r.key, r.status, r.state ?? null])).toEqual([
      ['a', 200, 'RESTORED'],
      ['b', 404, null],
    ]);
    expect(objects.count('restore')).toBe(1);
  });

  it('refuses restore parameters: a status read asks for nothing', async () => {
    const { call } = apiUnderTest();
    const res = await call('POST', '/v1/batch/status', post({ bucket: 'thaw-test', objects: [{ key: 'a' }], days: 2 }));
    expect(res.status).toBe(400);
    expect((await json(res)).error.message.startsWith('days:')).toBe(true);
  });
});

describe('the dashboard files', () => {
  it('serves the page without a token, and nothing in it is data', async () => {
    const { call } = apiUnderTest();
    const res = await call('GET', '/', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<script src="dashboard.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves its script as one self-contained program and its stylesheet', async () => {
    const { call } = apiUnderTest();
    const script = await call('GET', '/dashboard.js', { token: null });
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const source = await script.text();
    // It compiles as a classic browser script and loads nothing from anywhere else.
    expect(() => new Script(source)).not.toThrow();
    expect(source).not.toMatch(/\bimport\b|\brequire\(/);
    const css = await call('GET', '/dashboard.css', { token: null });
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.timeline');
  });

  it('answers 405 to anything but GET', async () => {
    const { call } = apiUnderTest();
    expect((await call('POST', '/', { token: null })).status).toBe(405);
  });
});
