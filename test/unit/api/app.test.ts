import { describe, expect, it } from 'vitest';
import { ref, T0 } from '../../support/records';
import { apiUnderTest, TOKEN } from '../../support/api';

const HOUR = 3_600_000;
// Response bodies are JSON we assert on field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (res: Response): Promise<any> => res.json();

describe('HTTP API', () => {
  describe('POST /v1/restores/{bucket}/{key}', () => {
    it('starts a restore and answers 202 with Retry-After and the ETA', async () => {
      const { call, objects } = apiUnderTest();
      objects.put(ref('reports/2024.csv'), 'ColdArchive', 1234);
      const res = await call('POST', '/v1/restores/thaw-test/reports%2F2024.csv', { body: '{"days":3,"tier":"Standard"}' });

      expect(res.status).toBe(202);
      expect(res.headers.get('retry-after')).toBe(String(5 * 3600));
      expect(await json(res)).toEqual({
        bucket: 'thaw-test',
        key: 'reports/2024.csv',
        versionId: null,
        state: 'RESTORING',
        storageClass: 'ColdArchive',
        tier: 'Standard',
        days: 3,
        requestedAt: '2026-01-01T00:00:00.000Z',
        etaAt: '2026-01-01T05:00:00.000Z',
        expiresAt: null,
        retryAt: null,
        retryAfterSeconds: 18000,
        reason: null,
        attempts: 0,
      });
    });

    it('answers 50 concurrent requests with 202 and restores once', async () => {
      const { call, objects } = apiUnderTest();
      objects.put(ref('hot.bin'), 'Archive');
      const responses = await Promise.all(Array.from({ length: 50 }, () => call('POST', '/v1/restores/thaw-test/hot.bin')));
      expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
      expect(responses.every((r) => Number(r.headers.get('retry-after')) >= 1)).toBe(true);
      expect(objects.count('restore')).toBe(1);
    });

    it('lowers a tier above what callers may ask for', async () => {
      const { call, objects } = apiUnderTest({ limits: { maxTier: 'Standard' } });
      objects.put(ref('c'), 'ColdArchive');
      const res = await call('POST', '/v1/restores/thaw-test/c', { body: '{"tier":"Expedited"}' });
      expect((await json(res)).tier).toBe('Standard');
      expect(objects.calls.find((c) => c.op === 'restore')?.params).toEqual({ days: 1, tier: 'Standard' });
    });

    it.each([
      ['a restored object', 'Archive', { kind: 'restored', expiresAtMs: T0 + HOUR }, 200, undefined],
      ['a Standard object', 'Standard', { kind: 'frozen' }, 409, 'NotArchived'],
    ] as const)('answers %s with %s', async (_label, storageClass, restore, status, code) => {
      const { call, objects } = apiUnderTest();
      objects.put(ref('x'), storageClass, 1, restore);
      const res = await call('POST', '/v1/restores/thaw-test/x');
      expect(res.status).toBe(status);
      const body = await json(res);
      if (code) expect(body.error.code).toBe(code);
      else expect(body.expiresAt).toBe('2026-01-01T01:00:00.000Z');
    });

    it('answers 404 for a missing object', async () => {
      const { call } = apiUnderTest();
      const res = await call('POST', '/v1/restores/thaw-test/nope');
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('NoSuchKey');
    });

    it('answers 429 with Retry-After until the next UTC day when the daily budget is spent', async () => {
      const { call, objects } = apiUnderTest({ limits: { dailyRestores: 1 } });
      objects.put(ref('a'), 'Archive');
      objects.put(ref('b'), 'Archive');
      expect((await call('POST', '/v1/restores/thaw-test/a')).status).toBe(202);
      const res = await call('POST', '/v1/restores/thaw-test/b');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe(String(24 * 3600));
      expect(await json(res)).toMatchObject({ state: 'DEFERRED', reason: 'daily-restore-budget', retryAt: '2026-01-02T00:00:00.000Z' });
      expect(objects.count('restore')).toBe(1);
    });

    it('refuses an object larger than the automatic limit with 403', async () => {
      const { call, objects } = apiUnderTest({ limits: { maxObjectBytes: 10 } });
      objects.put(ref('huge'), 'Archive', 11);
      const res = await call('POST', '/v1/restores/thaw-test/huge');
      expect(res.status).toBe(403);
      expect((await json(res)).error.code).toBe('ObjectTooLarge');
    });

    it('refuses with 403 TierNotAllowed when the class has no tier as slow as the cap', async () => {
      const { call, objects } = apiUnderTest({ limits: { maxTier: 'Bulk' } });
      objects.put(ref('deep'), 'DeepColdArchive');
      const res = await call('POST', '/v1/restores/thaw-test/deep');
      expect(res.status).toBe(403);
      expect((await json(res)).error).toMatchObject({
        code: 'TierNotAllowed',
        message: 'A DeepColdArchive object has no restore tier as slow as oss-thaw may use (THAW_MAX_TIER).',
      });
      expect(objects.count('restore')).toBe(0);
    });

    it('answers 503 with Retry-After when OSS keeps failing', async () => {
      const { call, objects } = apiUnderTest();
      objects.put(ref('a'), 'Archive');
      const { TransientError } = await import('../../../lib/restore/errors');
      objects.failures.head.push(...Array.from({ length: 4 }, () => new TransientError('503')));
      const res = await call('POST', '/v1/restores/thaw-test/a');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('23');
      // The service's message stays in the logs.
      expect((await json(res)).state).toBe('FAILED');
    });
  });

  describe('GET /v1/restores/{bucket}/{key}', () => {
    it('shows RESTORING, then RESTORED once a HEAD past the ETA finds it done', async () => {
      const { call, objects, clock } = apiUnderTest();
      objects.put(ref('a'), 'Archive');
      await call('POST', '/v1/restores/thaw-test/a');
      expect((await json(await call('GET', '/v1/restores/thaw-test/a'))).state).toBe('RESTORING');

      objects.objects.get('thaw-test/a')!.restore = { kind: 'restored', expiresAtMs: T0 + 25 * HOUR };
      clock.advance(60_000);
      const res = await call('GET', '/v1/restores/thaw-test/a');
      expect(res.status).toBe(200);
      expect(await json(res)).toMatchObject({ state: 'RESTORED', expiresAt: '2026-01-02T01:00:00.000Z' });
      expect(objects.count('restore')).toBe(1);
    });

    it('answers 404 NoSuchRestore when nothing was requested, without touching OSS', async () => {
      const { call, objects } = apiUnderTest();
      const res = await call('GET', '/v1/restores/thaw-test/never');
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('NoSuchRestore');
      expect(objects.calls).toEqual([]);
    });
  });

  describe('when things have changed or are down', () => {
    it('answers 410 RestoreExpired for a restored copy past its expiry, and a POST restores again', async () => {
      const { call, objects, clock } = apiUnderTest();
      objects.put(ref('a'), 'Archive', 1, { kind: 'restored', expiresAtMs: T0 + HOUR });
      expect((await call('POST', '/v1/restores/thaw-test/a')).status).toBe(200);
      clock.set(T0 + HOUR);
      objects.objects.get('thaw-test/a')!.restore = { kind: 'frozen' };
      const res = await call('GET', '/v1/restores/thaw-test/a');
      expect(res.status).toBe(410);
      expect((await json(res)).error.code).toBe('RestoreExpired');
      expect((await call('POST', '/v1/restores/thaw-test/a')).status).toBe(202);
    });

    it('answers 503 with Retry-After when the state store is down, not 500', async () => {
      const { downStore } = await import('../../support/down-store');
      const { createApi } = await import('../../../lib/api/app');
      const { Coordinator } = await import('../../../lib/restore/coordinator');
      const { silentLogger } = await import('../../../lib/log');
      const { DEFAULT_TIMING } = await import('../../../lib/restore/timing');
      const { DEFAULT_LIMITS } = await import('../../../lib/policy/cost-policy');
      const failingReads = {
        ...downStore,
        getMany: async () => Promise.reject(new (await import('../../../lib/restore/errors')).TransientError('OTSServerBusy')),
      };
      const { objects, clock, counters } = apiUnderTest();
      const app = createApi({
        coordinator: new Coordinator({ store: failingReads, objects, clock }),
        store: failingReads,
        policy: {
          inScope: () => true,
          clampRequest: (r) => r,
          admit: async (_r, _o, params) => ({ admitted: true, params }),
          admitNewRecord: async () => ({ admitted: true }),
        },
        auth: { tokens: [], anonymous: true },
        timing: DEFAULT_TIMING,
        clock,
        log: silentLogger,
        counters,
        limits: { ...DEFAULT_LIMITS, allow: '*' },
        defaults: { days: 1, tier: 'Standard' },
      });
      const res = await app(new Request('http://thaw.local/v1/restores/thaw-test/a', { method: 'POST' }), { rawPath: '/v1/restores/thaw-test/a' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await json(res)).error.code).toBe('ServiceUnavailable');
    });

    it('forgets an invalidated record: GET says nothing was requested, POST starts afresh', async () => {
      const { call, objects, store, clock } = apiUnderTest();
      objects.put(ref('a'), 'Archive');
      await call('POST', '/v1/restores/thaw-test/a');
      const { invalidateRecord } = await import('../../../lib/restore/invalidate');
      const { recordId } = await import('../../../lib/restore/object-ref');
      expect(await invalidateRecord(store, recordId(ref('a')), clock.nowMs())).toBe(true);
      objects.put(ref('a'), 'Standard');
      expect((await json(await call('GET', '/v1/restores/thaw-test/a'))).error.code).toBe('NoSuchRestore');
      expect((await call('POST', '/v1/restores/thaw-test/a')).status).toBe(409);
    });
  });

  describe('keys and versions', () => {
    it.each([
      ['spaces', 'my report 2024.csv'],
      ['plus and percent', 'a+b%c.txt'],
      ['question mark and hash', 'what?#now'],
      ['non-ASCII', 'données/日本語/émoji-🧊.bin'],
      ['dots that are not whole segments', 'a/.../b/..c/.d'],
    ])('round-trips a key with %s', async (_label, key) => {
      const { call, objects } = apiUnderTest();
      objects.put(ref(key), 'Archive');
      const res = await call('POST', `/v1/restores/thaw-test/${encodeURIComponent(key)}`);
      expect(res.status).toBe(202);
      expect((await json(res)).key).toBe(key);
    });

    // ali-oss normalises "." and ".." segments in the request path but signs
    // the key as written, so OSS refuses every call for such a key (403), and the record sat in
    // FAILED for good while callers got 503. Refused up front instead, naming the reason.
    it.each([
      ['POST', 'a/../b'],
      ['POST', './x'],
      ['POST', 'dir/.'],
      ['GET', 'a/../b'],
    ])('answers %s of the unaddressable key %s with 400 UnaddressableKey, before any work', async (method, key) => {
      const { call, objects, store } = apiUnderTest();
      objects.put(ref(key), 'Archive');
      const res = await call(method, `/v1/restores/thaw-test/${encodeURIComponent(key)}`);
      expect(res.status).toBe(400);
      expect((await json(res)).error).toMatchObject({ code: 'UnaddressableKey', message: expect.stringContaining('"." or ".." path segment') });
      expect(objects.calls).toEqual([]);
      expect(store.all()).toEqual([]);
    });

    it('passes versionId through', async () => {
      const { call, objects } = apiUnderTest();
      objects.put(ref('v', 'thaw-test', 'CAEQ1'), 'Archive');
      const res = await call('POST', '/v1/restores/thaw-test/v?versionId=CAEQ1');
      expect(await json(res)).toMatchObject({ state: 'RESTORING', versionId: 'CAEQ1' });
    });
  });

  describe('authentication and scope', () => {
    it('answers 401 with a challenge without a token', async () => {
      const { call } = apiUnderTest();
      const res = await call('POST', '/v1/restores/thaw-test/a', { token: null });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="oss-thaw"');
      expect((await json(res)).error.code).toBe('Unauthorized');
    });

    it('answers 401 for a wrong token', async () => {
      const { call } = apiUnderTest();
      const res = await call('GET', '/v1/restores/thaw-test/a', { token: `${TOKEN}x` });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    });

    it('allows anonymous callers only when configured, still within the allow-list', async () => {
      const { call, objects } = apiUnderTest({ auth: { tokens: [], anonymous: true } });
      objects.put(ref('a'), 'Archive');
      expect((await call('POST', '/v1/restores/thaw-test/a', { token: null })).status).toBe(202);
      expect((await call('POST', '/v1/restores/other-bucket/a', { token: null })).status).toBe(403);
    });

    it('answers 403 for a bucket outside the allow-list, writing nothing', async () => {
      const { call, store } = apiUnderTest();
      const res = await call('POST', '/v1/restores/other-bucket/a');
      expect(res.status).toBe(403);
      expect((await json(res)).error.code).toBe('NotAllowed');
      expect(store.all()).toEqual([]);
    });

    it('serves /v1/health without a token', async () => {
      const { call } = apiUnderTest();
      const res = await call('GET', '/v1/health', { token: null });
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ status: 'ok' });
    });
  });

  describe('bad input', () => {
    it.each([
      ['a bad bucket name', 'POST', '/v1/restores/Bad_Bucket/a', undefined, 400, 'InvalidInput'],
      ['no key', 'POST', '/v1/restores/thaw-test/', undefined, 400, 'InvalidInput'],
      ['malformed percent-encoding', 'POST', '/v1/restores/thaw-test/%E0%A4%A', undefined, 400, 'InvalidInput'],
      ['a key over 1023 bytes', 'POST', `/v1/restores/thaw-test/${'k'.repeat(1024)}`, undefined, 400, 'InvalidInput'],
      ['a bad version id', 'POST', '/v1/restores/thaw-test/a?versionId=a%20b', undefined, 400, 'InvalidInput'],
      ['a body that is not JSON', 'POST', '/v1/restores/thaw-test/a', '{days:', 400, 'InvalidInput'],
      ['a JSON array body', 'POST', '/v1/restores/thaw-test/a', '[1]', 400, 'InvalidInput'],
      ['an unknown body field', 'POST', '/v1/restores/thaw-test/a', '{"priority":"high"}', 400, 'InvalidInput'],
      ['days out of range', 'POST', '/v1/restores/thaw-test/a', '{"days":400}', 400, 'InvalidInput'],
      ['an unknown tier', 'POST', '/v1/restores/thaw-test/a', '{"tier":"Now"}', 400, 'InvalidInput'],
      ['a body over 4 KiB', 'POST', '/v1/restores/thaw-test/a', `{"days":1,"x":"${'y'.repeat(5000)}"}`, 413, 'BodyTooLarge'],
      ['an unknown path', 'GET', '/v2/anything', undefined, 404, 'NoSuchRoute'],
      ['a DELETE', 'DELETE', '/v1/restores/thaw-test/a', undefined, 405, 'MethodNotAllowed'],
    ])('answers %s with %s %s', async (_label, method, path, body, status, code) => {
      const { call } = apiUnderTest();
      const res = await call(method, path, { body });
      expect(res.status).toBe(status);
      const answer = await json(res);
      expect(answer.error.code).toBe(code);
      expect(typeof answer.error.message).toBe('string');
    });

    it('names the field in the message', async () => {
      const { call } = apiUnderTest();
      const res = await call('POST', '/v1/restores/thaw-test/a', { body: '{"days":0}' });
      expect((await json(res)).error.message).toMatch(/^days: /);
    });
  });
});
