// The unmodified `tablestore` SDK against the emulator: every call below goes through the SDK's
// own protobuf/PlainBuffer encoding, signing and error handling, exactly as against the cloud.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../../lib/emulators/shared/emulator';
import { startTablestoreEmulator, type RunningTablestoreEmulator } from '../../lib/emulators/tablestore/index';
import { controlFetch } from '../../lib/emulators/shared/control';

// The SDK ships no types; the test declares the little it touches.
interface Int64 {
  toNumber(): number;
  toString(): string;
}
interface SdkRow {
  primaryKey?: { name: string; value: unknown }[];
  attributes?: { columnName: string; columnValue: unknown; timestamp: Int64 }[];
}
interface SdkError extends Error {
  code: number | string;
}
type SdkCall = (params: Record<string, unknown>) => Promise<any>;
interface SdkClient {
  createTable: SdkCall;
  describeTable: SdkCall;
  listTable: SdkCall;
  deleteTable: SdkCall;
  createIndex: SdkCall;
  dropIndex: SdkCall;
  putRow: SdkCall;
  getRow: SdkCall;
  updateRow: SdkCall;
  deleteRow: SdkCall;
  batchGetRow: SdkCall;
  batchWriteRow: SdkCall;
  getRange: SdkCall;
}
const TableStore = createRequire(import.meta.url)('tablestore') as any;
const Long = TableStore.Long as { fromNumber(n: number): Int64; fromString(s: string): Int64 };

const INSTANCE = 'thaw-it';

function clientFor(endpoint: string, overrides: Record<string, unknown> = {}): SdkClient {
  return new TableStore.Client({
    endpoint,
    instancename: INSTANCE,
    accessKeyId: DEFAULT_ACCESS_KEY_ID,
    secretAccessKey: DEFAULT_ACCESS_KEY_SECRET,
    maxRetries: 0,
    ...overrides,
  }) as SdkClient;
}

function attrs(row: SdkRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of row.attributes ?? []) {
    out[a.columnName] =
      typeof a.columnValue === 'object' && a.columnValue !== null && 'toNumber' in a.columnValue ? `int:${(a.columnValue as Int64).toString()}` : a.columnValue;
  }
  return out;
}

function keyOf(row: SdkRow): unknown[] {
  return (row.primaryKey ?? []).map((c) =>
    typeof c.value === 'object' && c.value !== null && 'toNumber' in c.value ? `int:${(c.value as Int64).toString()}` : c.value,
  );
}

async function failure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail');
}

const ignore = () => new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);
const expectNotExist = () => new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null);
const expectExist = () => new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_EXIST, null);

describe('tablestore emulator with the tablestore SDK', () => {
  let emulator: RunningTablestoreEmulator;
  let client: SdkClient;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));

  beforeAll(async () => {
    emulator = await startTablestoreEmulator({ instance: INSTANCE, clock });
    client = clientFor(emulator.endpoint);
  });
  afterAll(async () => {
    await emulator.close();
  });

  describe('tables', () => {
    it('creates, lists, describes and deletes a table', async () => {
      await client.createTable({
        tableMeta: {
          tableName: 'plain',
          primaryKey: [
            { name: 'pk', type: 'STRING' },
            { name: 'n', type: 'INTEGER' },
          ],
        },
        reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
        tableOptions: { timeToLive: -1, maxVersions: 3 },
      });
      expect((await client.listTable({})).tableNames).toContain('plain');
      const described = await client.describeTable({ tableName: 'plain' });
      expect(described.tableMeta.primaryKey.map((c: { name: string; type: number }) => [c.name, c.type])).toEqual([
        ['pk', 2],
        ['n', 1],
      ]);
      expect(described.tableOptions.maxVersions).toBe(3);
      expect(described.tableOptions.timeToLive).toBe(-1);
      await client.deleteTable({ tableName: 'plain' });
      expect((await client.listTable({})).tableNames).not.toContain('plain');
    });

    it('answers a second create of the same table with OTSObjectAlreadyExist (409)', async () => {
      const params = {
        tableMeta: { tableName: 'twice', primaryKey: [{ name: 'id', type: 'STRING' }] },
        reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
        tableOptions: { timeToLive: -1, maxVersions: 1 },
      };
      await client.createTable(params);
      const err = await failure(client.createTable(params));
      expect(err.code).toBe(409);
      expect(err.message).toContain('OTSObjectAlreadyExist');
      expect(err.message).toContain('Requested table already exists.');
    });

    it('answers an unknown table with OTSObjectNotExist (404)', async () => {
      const err = await failure(client.getRow({ tableName: 'nope', primaryKey: [{ id: 'x' }] }));
      expect(err.code).toBe(404);
      expect(err.message).toContain('OTSObjectNotExist');
      expect(err.message).toContain('requestId:');
    });
  });

  describe('rows', () => {
    /** Puts a row as a test's starting point, unconditionally. */
    const seed = (id: string, columns: Record<string, unknown>[]) =>
      client.putRow({ tableName: 'records', condition: ignore(), primaryKey: [{ id }], attributeColumns: columns });

    // Every test starts from the same table: one claimed row, claim-1 at version 1.
    beforeEach(async () => {
      if ((await client.listTable({})).tableNames.includes('records')) await client.deleteTable({ tableName: 'records' });
      await client.createTable({
        tableMeta: { tableName: 'records', primaryKey: [{ name: 'id', type: 'STRING' }] },
        reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
        tableOptions: { timeToLive: -1, maxVersions: 1 },
      });
      await seed('claim-1', [{ state: 'CLAIMED' }, { version: Long.fromNumber(1) }]);
    });

    it('puts with EXPECT_NOT_EXIST once; the identical second put fails OTSConditionCheckFail (403)', async () => {
      const put = () =>
        client.putRow({
          tableName: 'records',
          condition: expectNotExist(),
          primaryKey: [{ id: 'claim-new' }],
          attributeColumns: [{ state: 'CLAIMED' }, { version: Long.fromNumber(1) }],
        });
      const first = await put();
      expect(first.consumed.capacityUnit.write).toBe(1);
      const err = await failure(put());
      expect(err.code).toBe(403);
      expect(err.message).toContain('OTSConditionCheckFail');
      expect(err.message).toContain('Condition check failed.');
      expect(emulator.stats().conditionFailures).toBeGreaterThanOrEqual(1);
    });

    it('reads a row back with Int64 integers and cell timestamps from the data clock', async () => {
      const got = await client.getRow({ tableName: 'records', primaryKey: [{ id: 'claim-1' }], maxVersions: 1 });
      expect(keyOf(got.row)).toEqual(['claim-1']);
      expect(attrs(got.row)).toEqual({ state: 'CLAIMED', version: 'int:1' });
      expect(got.row.attributes[0].timestamp.toNumber()).toBe(Date.UTC(2026, 0, 1));
    });

    it('returns an empty row for a key that does not exist', async () => {
      const got = await client.getRow({ tableName: 'records', primaryKey: [{ id: 'absent' }], maxVersions: 1 });
      expect(got.row).toEqual({});
    });

    it('updates under a single-column condition only when it holds', async () => {
      const update = (expected: number) =>
        client.updateRow({
          tableName: 'records',
          primaryKey: [{ id: 'claim-1' }],
          condition: new TableStore.Condition(
            TableStore.RowExistenceExpectation.EXPECT_EXIST,
            new TableStore.SingleColumnCondition('version', Long.fromNumber(expected), TableStore.ComparatorType.EQUAL, false),
          ),
          updateOfAttributeColumns: [{ PUT: [{ state: 'RESTORING' }, { version: Long.fromNumber(expected + 1) }] }],
        });
      const lost = await failure(update(7));
      expect(lost.code).toBe(403);
      expect(lost.message).toContain('OTSConditionCheckFail');
      await update(1);
      const got = await client.getRow({ tableName: 'records', primaryKey: [{ id: 'claim-1' }], maxVersions: 1 });
      expect(attrs(got.row)).toEqual({ state: 'RESTORING', version: 'int:2' });
    });

    it('treats a plain JS number as DOUBLE, which never equals an INTEGER column', async () => {
      const err = await failure(
        client.updateRow({
          tableName: 'records',
          primaryKey: [{ id: 'claim-1' }],
          condition: new TableStore.Condition(
            TableStore.RowExistenceExpectation.IGNORE,
            // claim-1's version is the INTEGER 1; the JS number 1 goes out as a DOUBLE.
            new TableStore.SingleColumnCondition('version', 1, TableStore.ComparatorType.EQUAL),
          ),
          updateOfAttributeColumns: [{ PUT: [{ note: 'x' }] }],
        }),
      );
      expect(err.message).toContain('OTSConditionCheckFail');
    });

    it.each([
      { label: 'passIfMissing=true passes on a missing column', passIfMissing: true, succeeds: true },
      { label: 'passIfMissing=false fails on a missing column', passIfMissing: false, succeeds: false },
    ])('$label', async ({ passIfMissing, succeeds }) => {
      const call = client.updateRow({
        tableName: 'records',
        primaryKey: [{ id: 'claim-1' }],
        condition: new TableStore.Condition(
          TableStore.RowExistenceExpectation.IGNORE,
          new TableStore.SingleColumnCondition('leaseUntil', Long.fromNumber(5), TableStore.ComparatorType.LESS_THAN, passIfMissing),
        ),
        updateOfAttributeColumns: [{ PUT: [{ touched: true }] }],
      });
      if (succeeds) await call;
      else expect((await failure(call)).message).toContain('OTSConditionCheckFail');
    });

    it('evaluates composite AND/OR/NOT conditions', async () => {
      await seed('claim-1', [{ state: 'RESTORING' }, { version: Long.fromNumber(2) }]);
      const { SingleColumnCondition, CompositeCondition, ComparatorType, LogicalOperator } = TableStore;
      const and = new CompositeCondition(LogicalOperator.AND);
      and.addSubCondition(new SingleColumnCondition('state', 'RESTORING', ComparatorType.EQUAL, false));
      and.addSubCondition(new SingleColumnCondition('version', Long.fromNumber(2), ComparatorType.GREATER_EQUAL, false));
      const not = new CompositeCondition(LogicalOperator.NOT);
      not.addSubCondition(and);
      const write = (columnCondition: unknown) =>
        client.updateRow({
          tableName: 'records',
          primaryKey: [{ id: 'claim-1' }],
          condition: new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_EXIST, columnCondition),
          updateOfAttributeColumns: [{ PUT: [{ composite: 'ok' }] }],
        });
      await write(and);
      expect((await failure(write(not))).message).toContain('OTSConditionCheckFail');
      const or = new CompositeCondition(LogicalOperator.OR);
      or.addSubCondition(new SingleColumnCondition('state', 'NOPE', ComparatorType.EQUAL, false));
      or.addSubCondition(not);
      expect((await failure(write(or))).message).toContain('OTSConditionCheckFail');
    });

    it('increments an integer column atomically and returns the new value (RT_AFTER_MODIFY)', async () => {
      const bump = (by: number) =>
        client.updateRow({
          tableName: 'records',
          primaryKey: [{ id: 'budget-2026-01-01' }],
          condition: ignore(),
          updateOfAttributeColumns: [{ INCREMENT: [{ restores: Long.fromNumber(by) }] }],
          returnContent: { returnType: TableStore.ReturnType.AfterModify, returnColumns: ['restores'] },
        });
      const first = await bump(1);
      expect(attrs(first.row)).toEqual({ restores: 'int:1' });
      const second = await bump(41);
      expect(keyOf(second.row)).toEqual(['budget-2026-01-01']);
      expect(attrs(second.row)).toEqual({ restores: 'int:42' });
    });

    it('keeps the full 64 bits of an INTEGER', async () => {
      await client.putRow({
        tableName: 'records',
        condition: ignore(),
        primaryKey: [{ id: 'big' }],
        attributeColumns: [{ n: Long.fromString('9007199254740993') }],
      });
      await client.updateRow({
        tableName: 'records',
        primaryKey: [{ id: 'big' }],
        condition: ignore(),
        updateOfAttributeColumns: [{ INCREMENT: [{ n: Long.fromNumber(2) }] }],
      });
      const got = await client.getRow({ tableName: 'records', primaryKey: [{ id: 'big' }], maxVersions: 1 });
      expect(attrs(got.row)).toEqual({ n: 'int:9007199254740995' });
    });

    it('refuses to increment a column that is not an INTEGER', async () => {
      const err = await failure(
        client.updateRow({
          tableName: 'records',
          primaryKey: [{ id: 'claim-1' }],
          condition: ignore(),
          updateOfAttributeColumns: [{ INCREMENT: [{ state: Long.fromNumber(1) }] }],
        }),
      );
      expect(err.code).toBe(400);
      expect(err.message).toContain('OTSParameterInvalid');
    });

    it('deletes columns with DELETE_ALL and returns only the key for RT_PK', async () => {
      await seed('claim-1', [{ state: 'CLAIMED' }, { version: Long.fromNumber(1) }, { touched: true }, { composite: 'ok' }, { note: 'x' }]);
      const out = await client.updateRow({
        tableName: 'records',
        primaryKey: [{ id: 'claim-1' }],
        condition: expectExist(),
        updateOfAttributeColumns: [{ DELETE_ALL: ['touched', 'composite', 'note'] }],
        returnContent: { returnType: TableStore.ReturnType.Primarykey },
      });
      expect(keyOf(out.row)).toEqual(['claim-1']);
      expect(out.row.attributes).toEqual([]);
      const got = await client.getRow({ tableName: 'records', primaryKey: [{ id: 'claim-1' }], maxVersions: 1 });
      expect(Object.keys(attrs(got.row)).sort()).toEqual(['state', 'version']);
    });

    it('reads several rows with batchGetRow, missing ones as empty rows', async () => {
      const out = await client.batchGetRow({
        tables: [{ tableName: 'records', primaryKey: [[{ id: 'claim-1' }], [{ id: 'absent' }]], maxVersions: 1 }],
      });
      const rows = out.tables[0];
      expect(rows).toHaveLength(2);
      expect(rows[0].isOk).toBe(true);
      expect(keyOf(rows[0])).toEqual(['claim-1']);
      expect(rows[1].isOk).toBe(true);
      expect(rows[1].primaryKey).toBeNull();
    });

    it('reports a missing table per row in batchGetRow, as the service does', async () => {
      const out = await client.batchGetRow({ tables: [{ tableName: 'ghost', primaryKey: [[{ id: 'a' }]], maxVersions: 1 }] });
      expect(out.tables[0][0]).toMatchObject({ isOk: false, errorCode: 'OTSObjectNotExist' });
    });

    it('writes several rows with batchWriteRow, failing only the rows whose condition fails', async () => {
      const out = await client.batchWriteRow({
        tables: [
          {
            tableName: 'records',
            rows: [
              { type: 'PUT', condition: expectNotExist(), primaryKey: [{ id: 'b-1' }], attributeColumns: [{ state: 'CLAIMED' }] },
              { type: 'PUT', condition: expectNotExist(), primaryKey: [{ id: 'claim-1' }], attributeColumns: [{ state: 'X' }] },
              {
                type: 'UPDATE',
                condition: ignore(),
                primaryKey: [{ id: 'b-2' }],
                attributeColumns: [{ PUT: [{ state: 'FAILED' }] }],
              },
              { type: 'DELETE', condition: expectExist(), primaryKey: [{ id: 'never' }] },
            ],
          },
        ],
      });
      expect(out.tables.map((r: { isOk: boolean; errorCode: string | null }) => [r.isOk, r.errorCode])).toEqual([
        [true, null],
        [false, 'OTSConditionCheckFail'],
        [true, null],
        [false, 'OTSConditionCheckFail'],
      ]);
      // The failed row left claim-1 as it was.
      const got = await client.getRow({ tableName: 'records', primaryKey: [{ id: 'claim-1' }], maxVersions: 1 });
      expect(attrs(got.row).state).toBe('CLAIMED');
    });

    it('deletes a row, conditionally', async () => {
      await seed('b-1', [{ state: 'CLAIMED' }]);
      await client.deleteRow({ tableName: 'records', condition: expectExist(), primaryKey: [{ id: 'b-1' }] });
      const err = await failure(client.deleteRow({ tableName: 'records', condition: expectExist(), primaryKey: [{ id: 'b-1' }] }));
      expect(err.message).toContain('OTSConditionCheckFail');
      const got = await client.getRow({ tableName: 'records', primaryKey: [{ id: 'b-1' }], maxVersions: 1 });
      expect(got.row).toEqual({});
    });

    it('rejects a primary key string over 1 KB with OTSParameterInvalid', async () => {
      const err = await failure(
        client.putRow({ tableName: 'records', condition: ignore(), primaryKey: [{ id: 'k'.repeat(1025) }], attributeColumns: [{ a: 1 }] }),
      );
      expect(err.code).toBe(400);
      expect(err.message).toContain("The length of primary key column: 'id' exceeded the MaxLength:1024 with CurrentLength:1025.");
    });

    it('rejects a key of the wrong type with OTSInvalidPK', async () => {
      const err = await failure(
        client.putRow({ tableName: 'records', condition: ignore(), primaryKey: [{ id: Long.fromNumber(1) }], attributeColumns: [{ a: 1 }] }),
      );
      expect(err.code).toBe(400);
      expect(err.message).toContain('OTSInvalidPK');
      expect(err.message).toContain('Validate PK type fail. Input: VT_INTEGER, Meta: VT_STRING.');
    });
  });

  describe('ranges and secondary indexes', () => {
    // Every test starts from the same five rows (c has no dueAtMs, so it is not in the index).
    beforeEach(async () => {
      if ((await client.listTable({})).tableNames.includes('restores')) await client.deleteTable({ tableName: 'restores' });
      await client.createTable({
        tableMeta: {
          tableName: 'restores',
          primaryKey: [{ name: 'id', type: 'STRING' }],
          definedColumn: [{ name: 'dueAtMs', type: TableStore.DefinedColumnType.DCT_INTEGER }],
        },
        reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
        tableOptions: { timeToLive: -1, maxVersions: 1 },
        indexMetas: [{ name: 'restores_by_due', primaryKey: ['dueAtMs', 'id'], definedColumn: [] }],
      });
      const rows = [
        { id: 'a', dueAtMs: 300 },
        { id: 'b', dueAtMs: 100 },
        { id: 'c', dueAtMs: undefined },
        { id: 'd', dueAtMs: 200 },
        { id: 'e', dueAtMs: 100 },
      ];
      for (const r of rows) {
        await client.putRow({
          tableName: 'restores',
          condition: ignore(),
          primaryKey: [{ id: r.id }],
          attributeColumns: [{ state: 'RESTORING' }, ...(r.dueAtMs === undefined ? [] : [{ dueAtMs: Long.fromNumber(r.dueAtMs) }])],
        });
      }
    });

    it('describes the index it was created with', async () => {
      const described = await client.describeTable({ tableName: 'restores' });
      expect(described.indexMetas.map((m: { name: string; primaryKey: string[] }) => [m.name, m.primaryKey])).toEqual([['restores_by_due', ['dueAtMs', 'id']]]);
    });

    it('walks the table forward and backward between INF_MIN and INF_MAX', async () => {
      const forward = await client.getRange({
        tableName: 'restores',
        direction: TableStore.Direction.FORWARD,
        inclusiveStartPrimaryKey: [{ id: TableStore.INF_MIN }],
        exclusiveEndPrimaryKey: [{ id: TableStore.INF_MAX }],
        maxVersions: 1,
      });
      expect(forward.rows.map(keyOf)).toEqual([['a'], ['b'], ['c'], ['d'], ['e']]);
      expect(forward.nextStartPrimaryKey).toBeNull();
      const backward = await client.getRange({
        tableName: 'restores',
        direction: TableStore.Direction.BACKWARD,
        inclusiveStartPrimaryKey: [{ id: 'd' }],
        exclusiveEndPrimaryKey: [{ id: 'a' }],
        maxVersions: 1,
      });
      expect(backward.rows.map(keyOf)).toEqual([['d'], ['c'], ['b']]);
    });

    it('pages with limit and next_start_primary_key, and honours columnsToGet', async () => {
      const page1 = await client.getRange({
        tableName: 'restores',
        direction: TableStore.Direction.FORWARD,
        inclusiveStartPrimaryKey: [{ id: TableStore.INF_MIN }],
        exclusiveEndPrimaryKey: [{ id: TableStore.INF_MAX }],
        limit: 2,
        maxVersions: 1,
        columnsToGet: ['dueAtMs'],
      });
      expect(page1.rows.map(keyOf)).toEqual([['a'], ['b']]);
      expect(page1.rows.map(attrs)).toEqual([{ dueAtMs: 'int:300' }, { dueAtMs: 'int:100' }]);
      expect(page1.nextStartPrimaryKey.map((c: { name: string; value: unknown }) => [c.name, c.value])).toEqual([['id', 'c']]);
      const page2 = await client.getRange({
        tableName: 'restores',
        direction: TableStore.Direction.FORWARD,
        inclusiveStartPrimaryKey: page1.nextStartPrimaryKey.map((c: { name: string; value: unknown }) => ({ [c.name]: c.value })),
        exclusiveEndPrimaryKey: [{ id: TableStore.INF_MAX }],
        limit: 2,
        maxVersions: 1,
      });
      expect(page2.rows.map(keyOf)).toEqual([['c'], ['d']]);
    });

    it('reads the index in (dueAtMs, id) order, without rows lacking dueAtMs', async () => {
      const due = await client.getRange({
        tableName: 'restores_by_due',
        direction: TableStore.Direction.FORWARD,
        inclusiveStartPrimaryKey: [{ dueAtMs: TableStore.INF_MIN }, { id: TableStore.INF_MIN }],
        exclusiveEndPrimaryKey: [{ dueAtMs: Long.fromNumber(250) }, { id: TableStore.INF_MIN }],
        maxVersions: 1,
      });
      expect(due.rows.map(keyOf)).toEqual([
        ['int:100', 'b'],
        ['int:100', 'e'],
        ['int:200', 'd'],
      ]);
    });

    it('moves index rows when dueAtMs changes or the row is deleted', async () => {
      await client.updateRow({
        tableName: 'restores',
        primaryKey: [{ id: 'b' }],
        condition: expectExist(),
        updateOfAttributeColumns: [{ PUT: [{ dueAtMs: Long.fromNumber(500) }] }],
      });
      await client.deleteRow({ tableName: 'restores', condition: ignore(), primaryKey: [{ id: 'e' }] });
      await client.updateRow({
        tableName: 'restores',
        primaryKey: [{ id: 'd' }],
        condition: expectExist(),
        updateOfAttributeColumns: [{ DELETE_ALL: ['dueAtMs'] }],
      });
      const all = await client.getRange({
        tableName: 'restores_by_due',
        direction: TableStore.Direction.FORWARD,
        inclusiveStartPrimaryKey: [{ dueAtMs: TableStore.INF_MIN }, { id: TableStore.INF_MIN }],
        exclusiveEndPrimaryKey: [{ dueAtMs: TableStore.INF_MAX }, { id: TableStore.INF_MAX }],
        maxVersions: 1,
      });
      expect(all.rows.map(keyOf)).toEqual([
        ['int:300', 'a'],
        ['int:500', 'b'],
      ]);
    });

    it('refuses writes to the index table', async () => {
      const err = await failure(
        client.putRow({
          tableName: 'restores_by_due',
          condition: ignore(),
          primaryKey: [{ dueAtMs: Long.fromNumber(1) }, { id: 'z' }],
          attributeColumns: [],
        }),
      );
      expect(err.code).toBe(400);
      expect(err.message).toContain("Can't write index table directly.");
    });

    it('creates an index on an existing table with its base data, and drops it', async () => {
      await client.createIndex({
        mainTableName: 'restores',
        indexMeta: { name: 'restores_by_state', primaryKey: ['dueAtMs'], definedColumn: [] },
        includeBaseData: true,
      });
      const rows = await client.getRange({
        tableName: 'restores_by_state',
        direction: TableStore.Direction.BACKWARD,
        inclusiveStartPrimaryKey: [{ dueAtMs: TableStore.INF_MAX }, { id: TableStore.INF_MAX }],
        exclusiveEndPrimaryKey: [{ dueAtMs: TableStore.INF_MIN }, { id: TableStore.INF_MIN }],
        maxVersions: 1,
      });
      expect(rows.rows.map(keyOf)).toEqual([
        ['int:300', 'a'],
        ['int:200', 'd'],
        ['int:100', 'e'],
        ['int:100', 'b'],
      ]);
      await client.dropIndex({ mainTableName: 'restores', indexName: 'restores_by_state' });
      const err = await failure(
        client.getRange({
          tableName: 'restores_by_state',
          direction: TableStore.Direction.FORWARD,
          inclusiveStartPrimaryKey: [{ dueAtMs: TableStore.INF_MIN }, { id: TableStore.INF_MIN }],
          exclusiveEndPrimaryKey: [{ dueAtMs: TableStore.INF_MAX }, { id: TableStore.INF_MAX }],
          maxVersions: 1,
        }),
      );
      expect(err.code).toBe(404);
    });

    it('deletes a table together with its indexes', async () => {
      await client.deleteTable({ tableName: 'restores' });
      const err = await failure(client.describeTable({ tableName: 'restores' }));
      expect(err.message).toContain('OTSObjectNotExist');
      const idx = await failure(client.getRow({ tableName: 'restores_by_due', primaryKey: [{ dueAtMs: Long.fromNumber(300) }, { id: 'a' }] }));
      expect(idx.message).toContain('OTSObjectNotExist');
    });
  });

  describe('authentication', () => {
    it('refuses a client with a wrong secret with OTSAuthFailed (403)', async () => {
      const bad = clientFor(emulator.endpoint, { secretAccessKey: 'not-the-secret' });
      const err = await failure(bad.listTable({}));
      expect(err.code).toBe(403);
      expect(err.message).toContain('OTSAuthFailed');
      expect(err.message).toContain('Signature mismatch.');
    });

    it('refuses an unknown access key id', async () => {
      const bad = clientFor(emulator.endpoint, { accessKeyId: 'LTAIunknown' });
      const err = await failure(bad.listTable({}));
      expect(err.message).toContain('The AccessKeyID does not exist.');
    });

    it('accepts an STS key with its session token and refuses it with another', async () => {
      const sts = await startTablestoreEmulator({
        instance: INSTANCE,
        credentials: [{ accessKeyId: 'STS.test', accessKeySecret: 'sts-secret', securityToken: 'session-1' }],
      });
      try {
        const base = { accessKeyId: 'STS.test', secretAccessKey: 'sts-secret' };
        await clientFor(sts.endpoint, { ...base, stsToken: 'session-1' }).listTable({});
        const err = await failure(clientFor(sts.endpoint, { ...base, stsToken: 'session-2' }).listTable({}));
        expect(err.code).toBe(403);
        expect(err.message).toContain('OTSAuthFailed');
      } finally {
        await sts.close();
      }
    });

    it('refuses another instance name', async () => {
      const bad = clientFor(emulator.endpoint, { instancename: 'other-instance' });
      const err = await failure(bad.listTable({}));
      expect(err.code).toBe(403);
      expect(err.message).toContain('The instance is not found.');
    });
  });

  describe('faults', () => {
    beforeEach(() => {
      emulator.faults.clear();
    });
    afterAll(() => {
      emulator.faults.clear();
    });

    it('answers an injected error with OTSServerBusy (503) without applying the write', async () => {
      if (!(await client.listTable({})).tableNames.includes('records')) {
        await client.createTable({
          tableMeta: { tableName: 'records', primaryKey: [{ name: 'id', type: 'STRING' }] },
          reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
          tableOptions: { timeToLive: -1, maxVersions: 1 },
        });
      }
      emulator.faults.configure({ seed: 7, rules: [{ operation: 'PutRow', errorRate: 1 }] });
      const err = await failure(client.putRow({ tableName: 'records', condition: ignore(), primaryKey: [{ id: 'faulted' }], attributeColumns: [{ a: 'b' }] }));
      expect(err.code).toBe(503);
      expect(err.message).toContain('OTSServerBusy');
      expect(err.message).toContain('Server is busy.');
      emulator.faults.clear();
      const got = await client.getRow({ tableName: 'records', primaryKey: [{ id: 'faulted' }], maxVersions: 1 });
      expect(got.row).toEqual({});
    });

    it('drops the connection for an injected reset, which the SDK reports as NetworkingError', async () => {
      emulator.resetStats();
      emulator.faults.configure({ seed: 3, rules: [{ operation: 'ListTable', resetRate: 1 }] });
      const err = await failure(client.listTable({}));
      expect(err.code).toBe('NetworkingError');
      expect(emulator.stats().faults).toEqual({ reset: 1 });
    });

    it('delays answers by the injected latency', async () => {
      emulator.faults.configure({ rules: [{ operation: 'ListTable', latencyMs: 120 }] });
      const started = Date.now();
      await client.listTable({});
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    });

    it('injects the same sequence of faults for the same seed', async () => {
      const outcomes = async (): Promise<string[]> => {
        const plan = { seed: 42, rules: [{ operation: 'ListTable', errorRate: 0.5 }] };
        const res = await controlFetch(`${emulator.endpoint}/-/faults`, { method: 'POST', body: JSON.stringify(plan) });
        expect(res.status).toBe(204);
        const out: string[] = [];
        for (let i = 0; i < 12; i++) {
          try {
            await client.listTable({});
            out.push('ok');
          } catch (err) {
            out.push(String((err as SdkError).code));
          }
        }
        return out;
      };
      const first = await outcomes();
      expect(first).toContain('503');
      expect(first).toContain('ok');
      expect(await outcomes()).toEqual(first);
    });
  });

  describe('control plane', () => {
    it('counts operations in /-/stats and resets them', async () => {
      await controlFetch(`${emulator.endpoint}/-/stats/reset`, { method: 'POST' });
      await client.listTable({});
      await client.listTable({});
      const stats = (await (await controlFetch(`${emulator.endpoint}/-/stats`)).json()) as { operations: Record<string, number> };
      expect(stats.operations).toEqual({ ListTable: 2 });
    });

    it('rejects a malformed fault plan with 400', async () => {
      const res = await controlFetch(`${emulator.endpoint}/-/faults`, { method: 'POST', body: '{"rules":[{"operation":""}]}' });
      expect(res.status).toBe(400);
    });
  });
});
