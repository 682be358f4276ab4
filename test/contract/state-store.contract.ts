// The StateStore contract: every adapter (memory, Tablestore over the emulator) runs these same
// tests, so "the same semantics" is checked, not assumed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../lib/restore/errors';
import type { RecordQuery, StateStore } from '../../lib/restore/ports';
import type { RestoreRecord } from '../../lib/restore/record';
import { record, T0 } from '../support/records';

export interface StoreUnderTest {
  store: StateStore;
  close(): Promise<void>;
}

export function describeStateStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`StateStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: StateStore;
    let n = 0;
    // Each test uses its own keys, so tests share one store without seeing each other's rows.
    const key = (label: string) => `contract/${name}/${label}/${n++}`;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.close();
    });

    describe('create', () => {
      it('stores a new record that getMany returns field for field', async () => {
        const r = record(key('create'), {
          state: 'RESTORING',
          storageClass: 'ColdArchive',
          sizeBytes: 5_368_709_120,
          tier: 'Expedited',
          days: 3,
          requestedAtMs: T0,
          etaAtMs: T0 + 3_600_000,
          retryAtMs: T0 + 3_600_000,
          leaseUntilMs: undefined,
          leaseOwner: undefined,
          lastSource: 'access-log',
        });
        expect(await store.create(r)).toEqual({ ok: true, record: r });
        const got = await store.getMany([r.id]);
        expect(got.get(r.id)).toEqual(r);
      });

      it('refuses a second create of the same id and keeps the first', async () => {
        const first = record(key('twice'), { leaseOwner: 'first' });
        await store.create(first);
        expect(await store.create({ ...first, leaseOwner: 'second' })).toEqual({ ok: false });
        expect((await store.getMany([first.id])).get(first.id)?.leaseOwner).toBe('first');
      });

      it('lets exactly one of 20 concurrent creates win', async () => {
        const base = record(key('race-create'));
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.create({ ...base, leaseOwner: `w${i}` })));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
      });

      it('keeps keys with spaces, +, %, non-ASCII characters and 1023 bytes', async () => {
        const odd = record(`${key('odd')} a+b%20c/日本語/é`);
        const long = record('k'.repeat(1023));
        await store.create(odd);
        await store.create(long);
        const got = await store.getMany([odd.id, long.id]);
        expect(got.get(odd.id)?.key).toBe(odd.key);
        expect(got.get(long.id)?.key).toHaveLength(1023);
      });
    });

    describe('update', () => {
      it('replaces the record when the stored version is one less', async () => {
        const r = record(key('update'));
        await store.create(r);
        const next: RestoreRecord = {
          ...r,
          version: 2,
          state: 'FAILED',
          attempts: 1,
          lastError: { code: 'Transient', message: 'HeadObject thaw-test/k: 503 ServiceUnavailable', retryable: true },
          retryAtMs: T0 + 30_000,
          leaseUntilMs: undefined,
          leaseOwner: undefined,
        };
        expect(await store.update(next)).toEqual({ ok: true, record: next });
        const got = (await store.getMany([r.id])).get(r.id);
        expect(got).toEqual(next);
        // Cleared fields are gone, not left behind from the previous version.
        expect(got?.leaseUntilMs).toBeUndefined();
        expect(got?.leaseOwner).toBeUndefined();
      });

      it('refuses a write whose expected version is stale', async () => {
        const r = record(key('stale'));
        await store.create(r);
        await store.update({ ...r, version: 2, state: 'RESTORING' });
        expect(await store.update({ ...r, version: 2, state: 'FAILED' })).toEqual({ ok: false });
        expect((await store.getMany([r.id])).get(r.id)?.state).toBe('RESTORING');
      });

      it('refuses to update a record that does not exist', async () => {
        expect(await store.update(record(key('missing'), { version: 2 }))).toEqual({ ok: false });
        const r = record(key('missing-after'));
        expect((await store.getMany([r.id])).size).toBe(0);
      });

      it('lets exactly one of 20 concurrent updates from the same version win', async () => {
        const r = record(key('race-update'));
        await store.create(r);
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.update({ ...r, version: 2, leaseOwner: `w${i}` })));
        expect(results.filter((x) => x.ok)).toHaveLength(1);
        expect((await store.getMany([r.id])).get(r.id)?.version).toBe(2);
      });
    });

    describe('getMany', () => {
      it('returns the records that exist among 250 ids, more than one batch holds', async () => {
        const records = Array.from({ length: 250 }, (_, i) => record(key(`many-${i}`)));
        for (const r of records.filter((_, i) => i % 2 === 0)) await store.create(r);
        const got = await store.getMany(records.map((r) => r.id));
        expect(got.size).toBe(125);
        expect(got.get(records[248]!.id)?.key).toBe(records[248]!.key);
        expect(got.has(records[249]!.id)).toBe(false);
      });

      it('returns an empty map for no ids', async () => {
        expect((await store.getMany([])).size).toBe(0);
      });
    });

    describe('listDue', () => {
      // listDue sees the whole table, so these rows use times far from every other test's.
      const FAR = T0 + 1_000 * 86_400_000;

      it('lists due records earliest first, up to the limit, and nothing that is not due', async () => {
        const lapsed = record(key('due-lapsed'), { state: 'CLAIMED', leaseUntilMs: FAR + 3 });
        const restoring = record(key('due-restoring'), { state: 'RESTORING', etaAtMs: FAR + 1, retryAtMs: FAR + 1, leaseUntilMs: undefined });
        const failed = record(key('due-failed'), { state: 'FAILED', retryAtMs: FAR + 2, leaseUntilMs: undefined });
        const deferredLater = record(key('due-later'), {
          state: 'DEFERRED',
          reason: 'rate-limit',
          deferredAtMs: FAR,
          retryAtMs: FAR + 100,
          leaseUntilMs: undefined,
        });
        // A budget deferral's retry is the end of the day it was made on: never due (only a new read claims it).
        const budgetDeferred = record(key('due-budget'), {
          state: 'DEFERRED',
          reason: 'daily-restore-budget',
          deferredAtMs: FAR - 86_400_000,
          retryAtMs: FAR,
          leaseUntilMs: undefined,
        });
        const restored = record(key('due-restored'), { state: 'RESTORED', expiresAtMs: FAR - 10, leaseUntilMs: undefined });
        const notFound = record(key('due-notfound'), { state: 'NOT_FOUND', retryAtMs: FAR - 10, leaseUntilMs: undefined });
        for (const r of [lapsed, restoring, failed, deferredLater, budgetDeferred, restored, notFound]) await store.create(r);

        const due = (await store.listDue(FAR + 50, 1000)).filter((r) => r.key.startsWith(`contract/${name}/due-`));
        expect(due.map((r) => r.id)).toEqual([restoring.id, failed.id, lapsed.id]);

        const limited = await store.listDue(FAR + 50, 2);
        expect(limited).toHaveLength(2);
      });

      it('stops listing a record once an update makes it not due', async () => {
        const far = FAR + 10_000;
        const r = record(key('due-moves'), { state: 'FAILED', retryAtMs: far, leaseUntilMs: undefined });
        await store.create(r);
        expect((await store.listDue(far, 1000)).map((x) => x.id)).toContain(r.id);
        await store.update({ ...r, version: 2, state: 'RESTORED', retryAtMs: undefined, expiresAtMs: far + 1 });
        expect((await store.listDue(far, 1000)).map((x) => x.id)).not.toContain(r.id);
      });
    });

    describe('list', () => {
      // Each test lists its own bucket, so the records of other tests never reach its pages.
      let b = 0;
      const bucketFor = (label: string) => `lst-${name}-${label}-${b++}`;
      const NOW = T0 + 86_400_000;
      const restoring = (bucket: string, key: string, fields: Partial<RestoreRecord> = {}) =>
        record(key, { bucket, state: 'RESTORING', leaseUntilMs: undefined, leaseOwner: undefined, etaAtMs: T0 + 5_000, retryAtMs: T0 + 5_000, ...fields });
      const query = (fields: Partial<RecordQuery>): RecordQuery => ({ states: ['RESTORING'], order: 'key', limit: 100, nowMs: NOW, ...fields });
      /** Every page of a query, as the keys of its records, and how many pages it took. */
      const pageThrough = async (q: RecordQuery) => {
        const keys: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.list({ ...q, cursor });
          keys.push(...page.records.map((r) => r.key));
          cursor = page.cursor;
          pages++;
        } while (cursor && pages < 100);
        return { keys, pages };
      };

      it('pages through one state under a bucket and prefix in key order, two at a time, without repeats', async () => {
        const bucket = bucketFor('prefix');
        const keys = ['p/a', 'p/b', 'p/c', 'p/d', 'p/e'];
        for (const k of [...keys].reverse()) await store.create(restoring(bucket, k));
        await store.create(restoring(bucket, 'q/outside'));
        await store.create(restoring(bucket, 'o/before'));
        await store.create(record('p/claimed', { bucket }));
        await store.create(restoring(bucket, 'p/gone', { invalidatedAtMs: T0 + 1 }));
        const { keys: listed, pages } = await pageThrough(query({ bucket, prefix: 'p/', limit: 2 }));
        expect(listed).toEqual(keys);
        expect(pages).toBeGreaterThanOrEqual(3);
      });

      it('lists the newest change first', async () => {
        const bucket = bucketFor('newest');
        await store.create(restoring(bucket, 'old', { updatedAtMs: T0 + 1 }));
        await store.create(restoring(bucket, 'new', { updatedAtMs: T0 + 3 }));
        await store.create(restoring(bucket, 'mid', { updatedAtMs: T0 + 2 }));
        expect((await pageThrough(query({ bucket, order: 'newest', limit: 1 }))).keys).toEqual(['new', 'mid', 'old']);
      });

      it('lists by ETA, soonest first, and leaves out records without one', async () => {
        const bucket = bucketFor('eta');
        await store.create(restoring(bucket, 'late', { etaAtMs: T0 + 30_000 }));
        await store.create(restoring(bucket, 'soon', { etaAtMs: T0 + 10_000 }));
        await store.create(restoring(bucket, 'none', { etaAtMs: undefined }));
        expect((await pageThrough(query({ bucket, order: 'eta', limit: 1 }))).keys).toEqual(['soon', 'late']);
      });

      it('tells FROZEN from RESTORED by the clock, and lists the states in the order asked', async () => {
        const bucket = bucketFor('frozen');
        const restored = (key: string, expiresAtMs: number) =>
          record(key, { bucket, state: 'RESTORED', expiresAtMs, leaseUntilMs: undefined, leaseOwner: undefined });
        await store.create(restored('expired', NOW - 1));
        await store.create(restored('readable', NOW + 1));
        await store.create(restoring(bucket, 'running'));
        expect((await pageThrough(query({ bucket, states: ['FROZEN'] }))).keys).toEqual(['expired']);
        expect((await pageThrough(query({ bucket, states: ['RESTORED'] }))).keys).toEqual(['readable']);
        const mixed = await store.list(query({ bucket, states: ['FROZEN', 'RESTORING', 'RESTORED'] }));
        expect(mixed.records.map((r) => r.key)).toEqual(['expired', 'readable', 'running']);
      });

      it('keeps to one bucket in the time orders too', async () => {
        const bucket = bucketFor('mine');
        const other = bucketFor('other');
        await store.create(restoring(bucket, 'mine', { updatedAtMs: T0 + 1 }));
        await store.create(restoring(other, 'theirs', { updatedAtMs: T0 + 2 }));
        expect((await pageThrough(query({ bucket, order: 'newest' }))).keys).toEqual(['mine']);
        expect((await pageThrough(query({ bucket, order: 'eta', prefix: 'mi' }))).keys).toEqual(['mine']);
      });

      it('sees a change of state on the next page it reads', async () => {
        const bucket = bucketFor('moves');
        const r = restoring(bucket, 'moving');
        await store.create(r);
        await store.update({ ...r, version: 2, state: 'RESTORED', expiresAtMs: NOW + 1, retryAtMs: undefined });
        expect((await pageThrough(query({ bucket }))).keys).toEqual([]);
        expect((await pageThrough(query({ bucket, states: ['RESTORED'] }))).keys).toEqual(['moving']);
      });

      it('refuses a cursor from another query, naming the cursor', async () => {
        const bucket = bucketFor('cursor');
        for (const k of ['a', 'b', 'c']) await store.create(restoring(bucket, k));
        const first = await store.list(query({ bucket, limit: 1 }));
        expect(first.cursor).toBeDefined();
        const misuse = store.list(query({ bucket: bucketFor('else'), limit: 1, cursor: first.cursor }));
        await expect(misuse).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.list(query({ bucket, cursor: 'not-a-cursor' }))).rejects.toThrow(/cursor/);
      });
    });

    describe('countStates', () => {
      it('counts the records of a bucket per state, FROZEN apart, invalidated ones not at all', async () => {
        const bucket = `cnt-${name}-states`;
        const NOW = T0 + 86_400_000;
        const base = { bucket, leaseUntilMs: undefined, leaseOwner: undefined };
        await store.create(record('c/1', { ...base, state: 'RESTORING', etaAtMs: T0 }));
        await store.create(record('c/2', { ...base, state: 'RESTORING', etaAtMs: T0 }));
        await store.create(record('c/3', { ...base, state: 'RESTORED', expiresAtMs: NOW - 1 }));
        await store.create(record('c/4', { ...base, state: 'RESTORED', expiresAtMs: NOW + 1 }));
        await store.create(record('c/5', { ...base, state: 'FAILED', retryAtMs: NOW }));
        await store.create(record('c/6', { ...base, state: 'FAILED', retryAtMs: NOW, invalidatedAtMs: T0 }));
        const counts = await store.countStates(NOW, 10_000);
        expect(counts.byBucket.get(bucket)).toEqual({ RESTORING: 2, RESTORED: 1, FROZEN: 1, FAILED: 1 });
        expect(counts.capped).toEqual([]);
      });

      it('stops at the cap and says which states are lower bounds', async () => {
        const bucket = `cnt-${name}-cap`;
        await store.create(record('k/1', { bucket, state: 'NOT_FOUND', leaseUntilMs: undefined, leaseOwner: undefined }));
        await store.create(record('k/2', { bucket, state: 'NOT_FOUND', leaseUntilMs: undefined, leaseOwner: undefined }));
        const counts = await store.countStates(T0, 1);
        expect(counts.capped).toContain('NOT_FOUND');
        const seen = [...counts.byBucket.values()].reduce((n, c) => n + (c.NOT_FOUND ?? 0), 0);
        expect(seen).toBe(1);
      });
    });
  });
}
