// The same StateStore contract, against the Tablestore adapter and the Tablestore emulator over
// loopback, through the real tablestore SDK; and rows earlier releases wrote, read back.
import TableStore from 'tablestore';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { startTablestoreEmulator } from '../../lib/emulators/tablestore';
import type { StoredRecord } from '../../lib/store/record-codec';
import { TablestoreStateStore } from '../../lib/store/tablestore';
import { TablestoreAdmin } from '../../lib/store/tablestore-admin';
import { OtsClient } from '../../lib/store/tablestore-client';
import { columnsOf } from '../../lib/store/tablestore-columns';
import { ensureTables } from '../../lib/store/tablestore-schema';
import { prepareTables, tableChanges } from '../../lib/store/tablestore-upgrade';
import { recordId } from '../../lib/restore/object-ref';
import { record, ref, T0 } from '../support/records';
import { describeStateStoreContract } from './state-store.contract';

async function openStore(table: string) {
  const emulator = await startTablestoreEmulator();
  const { endpoint, instance, accessKeyId, accessKeySecret } = emulator.describe() as Record<string, string>;
  const settings = { endpoint: endpoint!, instance: instance!, table, accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret! };
  await ensureTables(new TablestoreAdmin(settings));
  // Rows written and read past the store, as an earlier release wrote them.
  return { store: new TablestoreStateStore(settings), sdk: new OtsClient(settings).sdk, emulator };
}

describeStateStoreContract('tablestore', async () => {
  const { store, emulator } = await openStore('thaw_contract');
  return { store, close: () => emulator.close() };
});

// Records written by earlier releases must read correctly: DEFERRED meant four things in the first,
// and lastError was text ("Code: message") before errors were structured.
describe('TablestoreStateStore: rows earlier releases wrote', () => {
  let opened: Awaited<ReturnType<typeof openStore>>;
  const MIDNIGHT = T0 + 86_400_000;
  const old = (key: string, fields: Partial<StoredRecord>): StoredRecord =>
    ({ ...record(key, { leaseUntilMs: undefined, leaseOwner: undefined }), ...fields }) as StoredRecord;
  /** PutRow with the columns the first release wrote, due column included. */
  const putOld = async (row: StoredRecord, dueAtMs: number | undefined) =>
    opened.sdk.putRow({
      tableName: 'thaw_old',
      condition: new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null),
      primaryKey: [{ id: row.id }],
      attributeColumns: columnsOf(row, dueAtMs),
    });
  const frozenAgain = old('old/frozen-again', { state: 'DEFERRED', reason: 'frozen-again', storageClass: 'Archive', updatedAtMs: T0 + 5_000, version: 4 });
  const tooLarge = old('old/too-large', {
    state: 'DEFERRED',
    reason: 'object-too-large',
    storageClass: 'Archive',
    sizeBytes: 10 * 2 ** 30,
    retryAtMs: MIDNIGHT,
  });
  const tierNotAllowed = old('old/tier', { state: 'DEFERRED', reason: 'tier-not-allowed', storageClass: 'DeepColdArchive', retryAtMs: MIDNIGHT });
  const budget = old('old/budget', { state: 'DEFERRED', reason: 'daily-restore-budget', storageClass: 'Archive', retryAtMs: MIDNIGHT });
  // Releases before structured errors wrote lastError as one text column, our code first (due after MIDNIGHT).
  const LATER = MIDNIGHT + 86_400_000;
  const transient = old('old/transient', {
    state: 'FAILED',
    attempts: 2,
    lastError: 'Transient: HeadObject thaw-test/old/transient: 503 ServiceUnavailable',
    retryAtMs: LATER,
  });
  const denied = old('old/denied', {
    state: 'FAILED',
    attempts: 1,
    lastError: 'AccessDenied: HeadObject thaw-test/old/denied: 403 InvalidAccessKeyId',
    retryAtMs: LATER,
  });
  const foreign = old('old/foreign', { state: 'FAILED', attempts: 1, lastError: 'socket hang up', retryAtMs: LATER });

  beforeAll(async () => {
    opened = await openStore('thaw_old');
    await putOld(frozenAgain, undefined);
    await putOld(tooLarge, MIDNIGHT);
    await putOld(tierNotAllowed, MIDNIGHT);
    await putOld(budget, MIDNIGHT);
    for (const r of [transient, denied, foreign]) await putOld(r, undefined);
  });
  afterAll(async () => {
    await opened?.emulator.close();
  });

  it('reads DEFERRED frozen-again as RESTORED, expired when that status read found it gone', async () => {
    const got = (await opened.store.getMany([frozenAgain.id])).get(frozenAgain.id);
    expect(got).toMatchObject({ state: 'RESTORED', expiresAtMs: T0 + 5_000, version: 4 });
    expect(got?.reason).toBeUndefined();
  });

  it('reads DEFERRED too-large and tier-not-allowed as REFUSED with the same reason, and a budget deferral as deferred when last written', async () => {
    const got = await opened.store.getMany([tooLarge.id, tierNotAllowed.id, budget.id]);
    expect([tooLarge, tierNotAllowed, budget].map((r) => [got.get(r.id)?.state, got.get(r.id)?.reason, got.get(r.id)?.retryAtMs])).toEqual([
      ['REFUSED', 'object-too-large', MIDNIGHT],
      ['REFUSED', 'tier-not-allowed', MIDNIGHT],
      ['DEFERRED', 'daily-restore-budget', MIDNIGHT],
    ]);
    expect(got.get(budget.id)?.deferredAtMs).toBe(T0);
  });

  it('reads a lastError written as "Code: message" as a value: code, message, and retryable for our Transient errors only', async () => {
    const got = await opened.store.getMany([transient.id, denied.id, foreign.id]);
    expect([transient, denied, foreign].map((r) => got.get(r.id)?.lastError)).toEqual([
      { code: 'Transient', message: 'HeadObject thaw-test/old/transient: 503 ServiceUnavailable', retryable: true },
      { code: 'AccessDenied', message: 'HeadObject thaw-test/old/denied: 403 InvalidAccessKeyId', retryable: false },
      { code: 'Error', message: 'socket hang up', retryable: false },
    ]);
  });

  it('writes a lastError as three columns on the next write, and leaves the text column out', async () => {
    const read = (await opened.store.getMany([denied.id])).get(denied.id)!;
    expect(await opened.store.update({ ...read, version: read.version + 1, attempts: 2 })).toMatchObject({ ok: true });
    const row = (await opened.sdk.getRow({ tableName: 'thaw_old', primaryKey: [{ id: denied.id }], maxVersions: 1 })) as {
      row: { attributes: { columnName: string; columnValue: unknown }[] };
    };
    const columns = Object.fromEntries(row.row.attributes.filter((c) => c.columnName.startsWith('lastError')).map((c) => [c.columnName, c.columnValue]));
    expect(columns).toEqual({
      lastErrorCode: 'AccessDenied',
      lastErrorMessage: 'HeadObject thaw-test/old/denied: 403 InvalidAccessKeyId',
      lastErrorRetryable: false,
    });
    expect((await opened.store.getMany([denied.id])).get(denied.id)?.lastError).toEqual(read.lastError);
  });

  it('lists only what is still due, and rewrites the refused rows and the budget deferral once so they leave the due index', async () => {
    // A budget deferral is not the sweeper's to re-drive any more (it lapses at its retry): no row is due.
    expect((await opened.store.listDue(MIDNIGHT, 100)).map((r) => r.key)).toEqual([]);
    const rewritten = await opened.store.getMany([tooLarge.id, tierNotAllowed.id, budget.id]);
    expect([...rewritten.values()].map((r) => [r.state, r.version])).toEqual([
      ['REFUSED', 2],
      ['REFUSED', 2],
      ['DEFERRED', 2],
    ]);
    const index = (await opened.sdk.getRange({
      tableName: 'thaw_old_due',
      direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: [{ dueAtMs: TableStore.INF_MIN }, { id: TableStore.INF_MIN }],
      exclusiveEndPrimaryKey: [{ dueAtMs: TableStore.INF_MAX }, { id: TableStore.INF_MAX }],
      limit: 100,
    })) as { rows: { primaryKey: { name: string; value: unknown }[] }[] };
    const indexed = index.rows.map((r) => r.primaryKey.find((c) => c.name === 'id')?.value);
    expect(indexed.filter((id) => [tooLarge.id, tierNotAllowed.id, budget.id].includes(id as string))).toEqual([]);
  });
});

// A deployment made by an earlier release has the records table with its due index only: the
// next deploy (prepareTables) adds the listing columns and indexes, filled from the rows it holds.
describe('TablestoreStateStore: a table from before the listing indexes', () => {
  let opened: Awaited<ReturnType<typeof openStore>> | undefined;
  afterAll(async () => {
    await opened?.emulator.close();
  });

  it('gains the listing columns and indexes on the next deploy, and lists the rows it already had', async () => {
    const emulator = await startTablestoreEmulator();
    const { endpoint, instance, accessKeyId, accessKeySecret } = emulator.describe() as Record<string, string>;
    const settings = { endpoint: endpoint!, instance: instance!, table: 'thaw_v1', accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret! };
    const store = new TablestoreStateStore(settings);
    const admin = new TablestoreAdmin(settings);
    const sdk = new OtsClient(settings).sdk;
    opened = { store, sdk, emulator };
    // The first release's CreateTable, as it was.
    await admin.createTable({
      tableMeta: {
        tableName: 'thaw_v1',
        primaryKey: [{ name: 'id', type: TableStore.PrimaryKeyType.STRING }],
        definedColumn: [{ name: 'dueAtMs', type: TableStore.DefinedColumnType.DCT_INTEGER }],
      },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
      indexMetas: [{ name: 'thaw_v1_due', primaryKey: ['dueAtMs'], definedColumn: [] }],
    });
    const old = ['v1/a', 'v1/b', 'v1/c'].map((k) =>
      record(k, { state: 'RESTORING', etaAtMs: T0 + 1, retryAtMs: T0 + 1, leaseUntilMs: undefined, leaseOwner: undefined }),
    );
    for (const r of old) {
      await sdk.putRow({
        tableName: 'thaw_v1',
        condition: new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null),
        primaryKey: [{ id: r.id }],
        attributeColumns: columnsOf(r, T0 + 1),
      });
    }
    expect(await tableChanges(admin)).toEqual({
      missingTables: ['thaw_v1_counters'],
      missingColumns: ['state', 'bucket', 'key', 'updatedAtMs', 'etaAtMs', 'expiresAtMs', 'invalidatedAtMs'],
      missingIndexes: ['thaw_v1_by_key', 'thaw_v1_by_updated', 'thaw_v1_by_eta'],
    });

    expect(await prepareTables(admin)).toEqual({
      created: ['thaw_v1_counters'],
      added: [
        'thaw_v1.state',
        'thaw_v1.bucket',
        'thaw_v1.key',
        'thaw_v1.updatedAtMs',
        'thaw_v1.etaAtMs',
        'thaw_v1.expiresAtMs',
        'thaw_v1.invalidatedAtMs',
        'thaw_v1_by_key',
        'thaw_v1_by_updated',
        'thaw_v1_by_eta',
      ],
    });
    expect(await tableChanges(admin)).toEqual({ missingTables: [], missingColumns: [], missingIndexes: [] });
    expect(await prepareTables(admin)).toEqual({ created: [], added: [] });

    const page = await store.list({ states: ['RESTORING'], bucket: 'thaw-test', prefix: 'v1/', order: 'key', limit: 10, nowMs: T0 });
    expect(page.records.map((r) => r.key)).toEqual(['v1/a', 'v1/b', 'v1/c']);
    const byEta = await store.list({ states: ['RESTORING'], order: 'eta', limit: 10, nowMs: T0 });
    expect(byEta.records.map((r) => r.key)).toEqual(['v1/a', 'v1/b', 'v1/c'].sort((x, y) => (recordId(ref(x)) < recordId(ref(y)) ? -1 : 1)));
    // The due index still works for the sweeper.
    expect((await store.listDue(T0 + 1, 10)).map((r) => r.key).sort()).toEqual(['v1/a', 'v1/b', 'v1/c']);
  });
});

describe('TablestoreStateStore: what a listing page reads', () => {
  let opened: Awaited<ReturnType<typeof openStore>>;
  beforeAll(async () => {
    opened = await openStore('thaw_cost');
  });
  afterAll(async () => {
    await opened?.emulator.close();
  });

  it('reads index entries in proportion to the page, not to the table', async () => {
    const { store } = opened;
    const restoring = (bucket: string, key: string) =>
      record(key, { bucket, state: 'RESTORING', etaAtMs: T0 + 1, retryAtMs: T0 + 1, leaseUntilMs: undefined, leaseOwner: undefined });
    // 1,500 records elsewhere in the table: other buckets, other prefixes, other states.
    for (let i = 0; i < 500; i++) {
      await store.create(restoring('other-bucket', `x/${i}`));
      await store.create(restoring('cost-bucket', `elsewhere/${i}`));
      await store.create(record(`claimed/${i}`, { bucket: 'cost-bucket' }));
    }
    for (let i = 0; i < 30; i++) await store.create(restoring('cost-bucket', `mine/${String(i).padStart(2, '0')}`));
    const read = { rangeRows: 0, records: 0 };
    // Counted at the SDK's client class (the store keeps its client to itself); restored after the test.
    const getRange = TableStore.Client.prototype.getRange;
    const batchGetRow = TableStore.Client.prototype.batchGetRow;
    const ranges = vi.spyOn(TableStore.Client.prototype, 'getRange').mockImplementation(async function (this: TableStore.Client, params) {
      const answer = (await getRange.call(this, params)) as { rows: unknown[] };
      read.rangeRows += answer.rows.length;
      return answer;
    });
    const gets = vi.spyOn(TableStore.Client.prototype, 'batchGetRow').mockImplementation(async function (this: TableStore.Client, params) {
      read.records += (params.tables as { primaryKey: unknown[] }[])[0]?.primaryKey.length ?? 0;
      return batchGetRow.call(this, params);
    });
    onTestFinished(() => {
      ranges.mockRestore();
      gets.mockRestore();
    });
    const page = await store.list({ states: ['RESTORING'], bucket: 'cost-bucket', prefix: 'mine/', order: 'key', limit: 10, nowMs: T0 });
    expect(page.records.map((r) => r.key)).toEqual(Array.from({ length: 10 }, (_, i) => `mine/0${i}`));
    expect(page.cursor).toBeDefined();
    // Ten records and the one entry that shows the page is full: nothing of the 1,500 others.
    expect(read).toEqual({ rangeRows: 11, records: 10 });
  });

  it('stops a page after 5,000 entries it had to skip, with a cursor that carries on from there', async () => {
    const { store } = opened;
    const at = (bucket: string, key: string, updatedAtMs: number) =>
      record(key, { bucket, state: 'FAILED', retryAtMs: T0, updatedAtMs, leaseUntilMs: undefined, leaseOwner: undefined });
    // Newest first, another bucket's 5,100 records come before the two of ours.
    const others = Array.from({ length: 5_100 }, (_, i) => at('busy-bucket', `n/${i}`, T0 + 10_000 + i));
    for (let i = 0; i < others.length; i += 200) await Promise.all(others.slice(i, i + 200).map((r) => store.create(r)));
    await store.create(at('quiet-bucket', 'mine/1', T0 + 2));
    await store.create(at('quiet-bucket', 'mine/2', T0 + 1));
    const query = { states: ['FAILED' as const], bucket: 'quiet-bucket', order: 'newest' as const, limit: 10, nowMs: T0 };
    const first = await store.list(query);
    expect(first.records).toEqual([]);
    expect(first.cursor).toBeDefined();
    const second = await store.list({ ...query, cursor: first.cursor });
    expect(second.records.map((r) => r.key)).toEqual(['mine/1', 'mine/2']);
    expect(second.cursor).toBeUndefined();
  }, 60_000);
});
