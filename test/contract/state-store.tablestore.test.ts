// The same StateStore contract, against the Tablestore adapter and the Tablestore emulator over
// loopback, through the real tablestore SDK; and rows the first release wrote, read back.
import TableStore from 'tablestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTablestoreEmulator } from '../../lib/emulators/tablestore';
import type { StoredRecord } from '../../lib/store/record-codec';
import { TablestoreStateStore } from '../../lib/store/tablestore';
import { columnsOf } from '../../lib/store/tablestore-columns';
import { ensureTables } from '../../lib/store/tablestore-schema';
import { record, T0 } from '../support/records';
import { describeStateStoreContract } from './state-store.contract';

async function openStore(table: string) {
  const emulator = await startTablestoreEmulator();
  const { endpoint, instance, accessKeyId, accessKeySecret } = emulator.describe() as Record<string, string>;
  const store = new TablestoreStateStore({ endpoint: endpoint!, instance: instance!, table, accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret! });
  await ensureTables(store);
  return { store, emulator };
}

describeStateStoreContract('tablestore', async () => {
  const { store, emulator } = await openStore('thaw_contract');
  return { store, close: () => emulator.close() };
});

// Records written by the current release must read correctly: DEFERRED meant four things then.
describe('TablestoreStateStore: rows the first release wrote', () => {
  let opened: Awaited<ReturnType<typeof openStore>>;
  const MIDNIGHT = T0 + 86_400_000;
  const old = (key: string, fields: Partial<StoredRecord>): StoredRecord =>
    ({ ...record(key, { leaseUntilMs: undefined, leaseOwner: undefined }), ...fields }) as StoredRecord;
  /** PutRow with the columns the first release wrote, due column included. */
  const putOld = async (row: StoredRecord, dueAtMs: number | undefined) =>
    opened.store.sdk.putRow({
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

  beforeAll(async () => {
    opened = await openStore('thaw_old');
    await putOld(frozenAgain, undefined);
    await putOld(tooLarge, MIDNIGHT);
    await putOld(tierNotAllowed, MIDNIGHT);
    await putOld(budget, MIDNIGHT);
  });
  afterAll(async () => {
    await opened?.emulator.close();
  });

  it('reads DEFERRED frozen-again as RESTORED, expired when that status read found it gone', async () => {
    const got = (await opened.store.getMany([frozenAgain.id])).get(frozenAgain.id);
    expect(got).toMatchObject({ state: 'RESTORED', expiresAtMs: T0 + 5_000, version: 4 });
    expect(got?.reason).toBeUndefined();
  });

  it('reads DEFERRED too-large and tier-not-allowed as REFUSED with the same reason, and a budget deferral as it was', async () => {
    const got = await opened.store.getMany([tooLarge.id, tierNotAllowed.id, budget.id]);
    expect([tooLarge, tierNotAllowed, budget].map((r) => [got.get(r.id)?.state, got.get(r.id)?.reason, got.get(r.id)?.retryAtMs])).toEqual([
      ['REFUSED', 'object-too-large', MIDNIGHT],
      ['REFUSED', 'tier-not-allowed', MIDNIGHT],
      ['DEFERRED', 'daily-restore-budget', MIDNIGHT],
    ]);
  });

  it('lists only what is still due, and rewrites the refused rows once so they leave the due index', async () => {
    expect((await opened.store.listDue(MIDNIGHT, 100)).map((r) => r.key)).toEqual(['old/budget']);
    const rewritten = await opened.store.getMany([tooLarge.id, tierNotAllowed.id]);
    expect([...rewritten.values()].map((r) => [r.state, r.version])).toEqual([
      ['REFUSED', 2],
      ['REFUSED', 2],
    ]);
    const index = (await opened.store.sdk.getRange({
      tableName: 'thaw_old_due',
      direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: [{ dueAtMs: TableStore.INF_MIN }, { id: TableStore.INF_MIN }],
      exclusiveEndPrimaryKey: [{ dueAtMs: TableStore.INF_MAX }, { id: TableStore.INF_MAX }],
      limit: 100,
    })) as { rows: { primaryKey: { name: string; value: unknown }[] }[] };
    expect(index.rows.map((r) => r.primaryKey.find((c) => c.name === 'id')?.value)).toEqual([budget.id]);
  });
});
