// CounterStore over Tablestore: table <table>_counters, PK (name STRING), one INTEGER column per
// value (restores, bytes, byteDays, and newRecords in the column `records`), INCREMENT-ed
// atomically; a TTL cleans old rows up (see tablestore-schema.ts). A row written before a value
// existed reads it as zero.
import TableStore from 'tablestore';
import { COUNTER_FIELDS, type CounterStore, type CounterUpdate, type CounterValues, counterValues, type NamedCounter } from '../restore/ports';
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
            results[item.index] = valuesOf(cells);
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

  async listCounters(prefix: string, limit: number): Promise<NamedCounter[]> {
    const found: NamedCounter[] = [];
    // Names sort as bytes: every name with the prefix lies at or after it, contiguously.
    let from: unknown[] | null = [{ name: prefix }];
    while (from && found.length < limit) {
      const start: unknown[] = from;
      const page = (await this.ots.call('GetRange', this.table, () =>
        this.client.getRange({
          tableName: this.table,
          direction: TableStore.Direction.FORWARD,
          inclusiveStartPrimaryKey: start,
          exclusiveEndPrimaryKey: [{ name: TableStore.INF_MAX }],
          limit: Math.min(RANGE_ROWS, limit - found.length),
          maxVersions: 1,
        } as unknown as TableStore.GetRangeParams),
      )) as {
        rows: { primaryKey: { name: string; value: unknown }[]; attributes: { columnName: string; columnValue: unknown }[] }[];
        nextStartPrimaryKey: { name: string; value: unknown }[] | null;
      };
      for (const row of page.rows) {
        const name = String(row.primaryKey[0]?.value);
        if (!name.startsWith(prefix)) return found;
        const cells = new Map((row.attributes ?? []).map((c) => [c.columnName, toNumber(c.columnValue)]));
        found.push({ name, values: valuesOf(cells) });
      }
      from = page.nextStartPrimaryKey ? page.nextStartPrimaryKey.map((c) => ({ [c.name]: c.value })) : null;
    }
    return found;
  }
}

/** GetRange answers at most 5,000 rows per call. */
const RANGE_ROWS = 5000;

/**
 * The column each value is stored in: its own name, but newRecords keeps the column the release
 * that introduced it wrote (`records`), so today's counts carry on across an upgrade rather than
 * start again at zero (which would let a bucket create up to twice its new-record budget that day).
 */
const COLUMN: Readonly<Record<keyof CounterValues, string>> = { restores: 'restores', bytes: 'bytes', byteDays: 'byteDays', newRecords: 'records' };
const COLUMNS = COUNTER_FIELDS.map((field) => COLUMN[field]);

function incrementRow(update: CounterUpdate): Record<string, unknown> {
  return {
    type: 'UPDATE',
    condition: new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null),
    primaryKey: [{ name: update.name }],
    attributeColumns: [{ INCREMENT: COUNTER_FIELDS.map((field) => ({ [COLUMN[field]]: TableStore.Long.fromNumber(update.deltas[field] ?? 0) })) }],
    returnContent: { returnType: TableStore.ReturnType.AfterModify, returnColumns: COLUMNS },
  };
}

function valuesOf(cells: ReadonlyMap<string, number>): CounterValues {
  return counterValues(Object.fromEntries(COUNTER_FIELDS.map((field) => [field, cells.get(COLUMN[field]) ?? 0])));
}
