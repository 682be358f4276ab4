// AddDefinedColumn and the secondary-index limits, through the tablestore SDK (AddDefinedColumn,
// which it lacks, through the admin client's own SDK client class, lib/store/tablestore-admin.ts)
// against the emulator.
import TableStore from 'tablestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTablestoreEmulator, type RunningTablestoreEmulator } from '../../lib/emulators/tablestore/index';
import { type DefinedColumn, TablestoreAdmin } from '../../lib/store/tablestore-admin';

let emulator: RunningTablestoreEmulator;
let client: TableStore.Client;
let admin: TablestoreAdmin;
const addDefinedColumns = (table: string, columns: readonly DefinedColumn[]) => admin.addDefinedColumns(table, columns);

beforeAll(async () => {
  emulator = await startTablestoreEmulator();
  const { endpoint, instance, accessKeyId, accessKeySecret } = emulator.describe() as Record<string, string>;
  client = new TableStore.Client({ endpoint: endpoint!, instancename: instance!, accessKeyId: accessKeyId!, secretAccessKey: accessKeySecret!, maxRetries: 0 });
  admin = new TablestoreAdmin({
    endpoint: endpoint!,
    instance: instance!,
    table: 'dc',
    accessKeyId: accessKeyId!,
    accessKeySecret: accessKeySecret!,
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await emulator?.close();
});

const createTable = (name: string, definedColumn: { name: string; type: number }[] = []) =>
  client.createTable({
    tableMeta: { tableName: name, primaryKey: [{ name: 'id', type: TableStore.PrimaryKeyType.STRING }], definedColumn },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1 },
  });
const described = async (name: string) =>
  (await client.describeTable({ tableName: name })) as { tableMeta: { definedColumn: { name: string; type: string }[] }; indexMetas: { name: string }[] };
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return /\b(OTS[A-Za-z]+)\b/.exec(String((err as Error).message))?.[1] ?? String(err);
  }
};

describe('AddDefinedColumn', () => {
  it('declares more columns on an existing table, which an index can then name', async () => {
    await createTable('dc_grow', [{ name: 'a', type: TableStore.DefinedColumnType.DCT_INTEGER }]);
    await addDefinedColumns('dc_grow', [
      { name: 'b', type: 'STRING' },
      { name: 'c', type: 'INTEGER' },
    ]);
    expect((await described('dc_grow')).tableMeta.definedColumn.map((c) => [c.name, String(c.type)])).toEqual([
      ['a', String(TableStore.DefinedColumnType.DCT_INTEGER)],
      ['b', String(TableStore.DefinedColumnType.DCT_STRING)],
      ['c', String(TableStore.DefinedColumnType.DCT_INTEGER)],
    ]);
    await client.createIndex({ mainTableName: 'dc_grow', indexMeta: { name: 'dc_grow_b', primaryKey: ['b'], definedColumn: ['c'] }, includeBaseData: true });
    expect((await described('dc_grow')).indexMetas.map((i) => i.name)).toEqual(['dc_grow_b']);
  });

  it.each([
    ['a table that does not exist', 'dc_missing', [{ name: 'x', type: 'STRING' as const }], 'OTSObjectNotExist'],
    ['a column the table already declares', 'dc_dupe', [{ name: 'a', type: 'STRING' as const }], 'OTSParameterInvalid'],
    ['the primary key column', 'dc_dupe', [{ name: 'id', type: 'STRING' as const }], 'OTSParameterInvalid'],
  ])('refuses %s', async (_label, table, columns, code) => {
    if (table === 'dc_dupe') await createTable('dc_dupe', [{ name: 'a', type: TableStore.DefinedColumnType.DCT_INTEGER }]).catch(() => undefined);
    expect(await codeOf(addDefinedColumns(table, columns))).toBe(code);
  });

  it('refuses more than 32 defined columns in all', async () => {
    await createTable(
      'dc_full',
      Array.from({ length: 30 }, (_, i) => ({ name: `c${i}`, type: TableStore.DefinedColumnType.DCT_STRING })),
    );
    const three = ['x', 'y', 'z'].map((name) => ({ name, type: 'STRING' as const }));
    expect(await codeOf(addDefinedColumns('dc_full', three))).toBe('OTSParameterInvalid');
    expect(await codeOf(addDefinedColumns('dc_full', three.slice(0, 2)))).toBe('ok');
  });
});

describe('the SDK itself', () => {
  it('is left as it was: its shared encoder and decoder are the same functions, and a plain client still cannot send AddDefinedColumn', async () => {
    const sdk = TableStore as unknown as { encoder: { encode: unknown }; decoder: { decode: unknown } };
    const { encode } = sdk.encoder;
    const { decode } = sdk.decoder;
    await createTable('dc_plain');
    await addDefinedColumns('dc_plain', [{ name: 'p', type: 'STRING' }]);
    expect(sdk.encoder.encode).toBe(encode);
    expect(sdk.decoder.decode).toBe(decode);
    // The SDK's encoder knows no such operation: the request fails before it is sent.
    await expect(client.makeRequest('addDefinedColumn', { tableName: 'dc_plain', columns: [{ name: 'q', type: 4 }] })).rejects.toThrow();
    expect((await described('dc_plain')).tableMeta.definedColumn.map((c) => c.name)).toEqual(['p']);
  });
});

describe('secondary index limits (5 per table, 4 index columns)', () => {
  it('refuses a sixth index and an index of five columns', async () => {
    const columns = ['a', 'b', 'c', 'd', 'e'];
    await createTable(
      'ix_limits',
      columns.map((name) => ({ name, type: TableStore.DefinedColumnType.DCT_STRING })),
    );
    for (const name of columns) {
      await client.createIndex({ mainTableName: 'ix_limits', indexMeta: { name: `ix_limits_${name}`, primaryKey: [name], definedColumn: [] } });
    }
    expect(
      await codeOf(client.createIndex({ mainTableName: 'ix_limits', indexMeta: { name: 'ix_limits_6', primaryKey: ['a', 'b'], definedColumn: [] } })),
    ).toBe('OTSParameterInvalid');
    await createTable(
      'ix_wide',
      columns.map((name) => ({ name, type: TableStore.DefinedColumnType.DCT_STRING })),
    );
    expect(await codeOf(client.createIndex({ mainTableName: 'ix_wide', indexMeta: { name: 'ix_wide_5', primaryKey: columns, definedColumn: [] } }))).toBe(
      'OTSParameterInvalid',
    );
  });
});
