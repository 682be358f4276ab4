// The same CounterStore contract, against the Tablestore adapter and the Tablestore emulator over
// loopback, through the real tablestore SDK; and a counter row an earlier release wrote, counted on.
import TableStore from 'tablestore';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTablestoreEmulator } from '../../lib/emulators/tablestore';
import { TablestoreAdmin } from '../../lib/store/tablestore-admin';
import { OtsClient } from '../../lib/store/tablestore-client';
import { TablestoreCounterStore } from '../../lib/store/tablestore-counters';
import { ensureTables } from '../../lib/store/tablestore-schema';
import { describeCounterStoreContract } from './counter-store.contract';

async function open() {
  const emulator = await startTablestoreEmulator();
  const { endpoint, instance, accessKeyId, accessKeySecret } = emulator.describe() as Record<string, string>;
  const settings = { endpoint: endpoint!, instance: instance!, table: 'thaw_contract', accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret! };
  await ensureTables(new TablestoreAdmin(settings));
  // The SDK past the store, to write a row as an earlier release did.
  return { store: new TablestoreCounterStore(settings), sdk: new OtsClient(settings).sdk, close: () => emulator.close() };
}

describeCounterStoreContract('tablestore', open);

describe('TablestoreCounterStore: a budget row an earlier release wrote', () => {
  it('counts new records on in the column that release wrote them to (records), so an upgrade does not start the day again', async () => {
    const { store, sdk, close } = await open();
    onTestFinished(close);
    const name = 'budget/thaw-test/2026-01-01';
    await sdk.putRow({
      tableName: 'thaw_contract_counters',
      condition: new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null),
      primaryKey: [{ name }],
      attributeColumns: [{ restores: TableStore.Long.fromNumber(2) }, { records: TableStore.Long.fromNumber(19_999) }],
    });
    expect(await store.listCounters(name, 1)).toEqual([{ name, values: { restores: 2, bytes: 0, byteDays: 0, newRecords: 19_999 } }]);
    expect(await store.addToCounters([{ name, deltas: { newRecords: 1 } }])).toEqual([{ restores: 2, bytes: 0, byteDays: 0, newRecords: 20_000 }]);
  });
});
