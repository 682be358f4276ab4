// TableOptions through the unmodified tablestore SDK, validated as the TableOptions reference
// documents them: time_to_live -1 or at least 86400 s, max_versions at least 1, allow_update false
// leaves PutRow as the only way to write.
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../../lib/emulators/shared/emulator';
import { startTablestoreEmulator, type RunningTablestoreEmulator } from '../../lib/emulators/tablestore/index';

type SdkCall = (params: Record<string, unknown>) => Promise<any>;
const TableStore = createRequire(import.meta.url)('tablestore') as any;
const INSTANCE = 'thaw-opts';

let emulator: RunningTablestoreEmulator;
let client: Record<'createTable' | 'updateTable' | 'describeTable' | 'putRow' | 'updateRow' | 'batchWriteRow' | 'getRow', SdkCall>;

beforeEach(async () => {
  emulator = await startTablestoreEmulator({ instance: INSTANCE });
  client = new TableStore.Client({
    endpoint: emulator.endpoint,
    instancename: INSTANCE,
    accessKeyId: DEFAULT_ACCESS_KEY_ID,
    secretAccessKey: DEFAULT_ACCESS_KEY_SECRET,
    maxRetries: 0,
  });
});

afterEach(async () => {
  await emulator.close();
});

function table(name: string, tableOptions: Record<string, unknown>) {
  return {
    tableMeta: { tableName: name, primaryKey: [{ name: 'id', type: 'STRING' }] },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions,
  };
}

/** The SDK puts the protobuf error bytes in `message`; the readable part is all a test needs. */
async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    const message = String((err as Error).message);
    return `${(err as { code: number }).code} ${message.includes('OTSParameterInvalid') ? 'OTSParameterInvalid' : message}`;
  }
  throw new Error('expected the call to fail');
}

describe('time_to_live', () => {
  it.each([[-1], [86_400], [259_200]])('accepts %i', async (ttl) => {
    await client.createTable(table('t', { timeToLive: ttl, maxVersions: 1 }));
    expect((await client.describeTable({ tableName: 't' })).tableOptions.timeToLive).toBe(ttl);
  });

  it.each([[0], [-5], [3600], [86_399]])('refuses %i on CreateTable and UpdateTable', async (ttl) => {
    expect(await refusal(client.createTable(table('t', { timeToLive: ttl, maxVersions: 1 })))).toBe('400 OTSParameterInvalid');
    await client.createTable(table('t', { timeToLive: -1, maxVersions: 1 }));
    expect(await refusal(client.updateTable({ tableName: 't', tableOptions: { timeToLive: ttl } }))).toBe('400 OTSParameterInvalid');
    expect((await client.describeTable({ tableName: 't' })).tableOptions.timeToLive).toBe(-1);
  });

  it('names what is wrong', async () => {
    await expect(client.createTable(table('t', { timeToLive: 3600, maxVersions: 1 }))).rejects.toThrow(
      'It must be -1 (never expire) or at least 86400 seconds',
    );
  });
});

describe('max_versions', () => {
  it.each([[0], [-1]])('refuses %i', async (versions) => {
    expect(await refusal(client.createTable(table('t', { timeToLive: -1, maxVersions: versions })))).toBe('400 OTSParameterInvalid');
  });
});

describe('allow_update false', () => {
  const key = [{ id: 'a' }];
  const ignore = () => new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);

  it('refuses UpdateRow, alone and in a batch, and still takes PutRow', async () => {
    await client.createTable(table('append_only', { timeToLive: -1, maxVersions: 1, allowUpdate: false }));
    await client.putRow({ tableName: 'append_only', condition: ignore(), primaryKey: key, attributeColumns: [{ v: 'one' }] });
    const update = { tableName: 'append_only', condition: ignore(), primaryKey: key, updateOfAttributeColumns: [{ PUT: [{ v: 'two' }] }] };
    expect(await refusal(client.updateRow(update))).toBe('400 OTSParameterInvalid');
    const batch = await client.batchWriteRow({
      tables: [{ tableName: 'append_only', rows: [{ type: 'UPDATE', condition: ignore(), primaryKey: key, attributeColumns: [{ PUT: [{ v: 'two' }] }] }] }],
    });
    expect(batch.tables[0].isOk).toBe(false);
    expect(batch.tables[0].errorCode).toBe('OTSParameterInvalid');
    const row = await client.getRow({ tableName: 'append_only', primaryKey: key, maxVersions: 1 });
    expect(row.row.attributes.map((a: { columnValue: string }) => a.columnValue)).toEqual(['one']);
  });
});
