// CounterStore over Tablestore: table <table>_counters, PK (name STRING), columns restores and
// bytes (INTEGER), INCREMENT-ed atomically; a TTL cleans old rows up (see tablestore-schema.ts).
import TableStore from 'tablestore';
import type { CounterStore, CounterUpdate, CounterValues } from '../restore/ports';
import { assertDistinctNames } from './record-codec';
import { type BatchRow, OtsClient, rowError, type TablestoreSettings, toNumber, TRANSIENT_CODES } from './tablestore-client';

export class TablestoreCounterStore implements CounterStore {
  private readonly ots: OtsClient;
  private readonly client: TableStore.Client;
  readonly table: string;

  constructor(settings: TablestoreSettings) {
    this.table = `${settings.table}_counters`;
    this.ots = new OtsClient(settings);
    this.client = this.ots.sdk;
  }

  async addToCounters(updates: readonly CounterUpdate[]): Promise<CounterValues[]> {
    assertDistinctNames(updates);
    if (updates.length === 0) return [];
    const results = new Array<CounterValues>(updates.length);
    // INCREMENT is atomic per row and returns the totals after it. One BatchWriteRow carries
    // every counter of the call; rows the service refused as busy were not applied and are sent
    // again. A request that failed in flight is not repeated: a doubled increment would count a
    // restore twice (refusing too much, the safe direction), but we would rather surface it.
    let pending = updates.map((update, index) => ({ update, index }));
    await this.ots.untilRowsSettle(
      'BatchWriteRow',
      this.table,
      async () => {
        const data = (await this.ots.call('BatchWriteRow', this.table, () =>
          this.client.batchWriteRow({ tables: [{ tableName: this.table, rows: pending.map(({ update }) => incrementRow(update)) }] }),
        )) as { tables: BatchRow[] };
        const retry: typeof pending = [];
        data.tables.forEach((row, i) => {
          const item = pending[i]!;
          if (row.isOk) {
            const cells = new Map((row.attributes ?? []).map((c) => [c.columnName, toNumber(c.columnValue)]));
            results[item.index] = { restores: cells.get('restores') ?? 0, bytes: cells.get('bytes') ?? 0 };
          } else if (row.errorCode && TRANSIENT_CODES.has(row.errorCode)) {
            retry.push(item);
          } else {
            throw rowError(row, 'BatchWriteRow', this.table);
          }
        });
        pending = retry;
        return retry.length;
      },
      this.ots.busyAttempts,
    );
    return results;
  }
}

function incrementRow(update: CounterUpdate): Record<string, unknown> {
  return {
    type: 'UPDATE',
    condition: new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null),
    primaryKey: [{ name: update.name }],
    attributeColumns: [
      { INCREMENT: [{ restores: TableStore.Long.fromNumber(update.deltas.restores) }, { bytes: TableStore.Long.fromNumber(update.deltas.bytes) }] },
    ],
    returnContent: { returnType: TableStore.ReturnType.AfterModify, returnColumns: ['restores', 'bytes'] },
  };
}
