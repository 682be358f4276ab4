// StateStore over Tablestore (the `tablestore` SDK).
//
// Tables (created idempotently at deploy time through TablestoreAdmin, see tablestore-schema.ts
// and tablestore-admin.ts; a function only checks that they exist, see tables.ts):
//   <table>            PK (id STRING): one row per object version; every RestoreRecord field a column.
//                      Global secondary index <table>_due, PK (dueAtMs INTEGER, id STRING): only rows
//                      that carry dueAtMs are in it, so listDue reads due records, not the table.
//                      Three listing indexes (by key, by last change, by ETA): tablestore-listing.ts.
//   <table>_counters   PK (name STRING): budget and rate counters (TablestoreCounterStore).
//
// Writes: create is PutRow EXPECT_NOT_EXIST; update is PutRow EXPECT_EXIST with version == n-1
// (passIfMissing false). PutRow replaces the whole row, so a field the record cleared is gone.
// Records are never deleted (see StateStore).
import TableStore from 'tablestore';
import { MicroBatcher, type BatchEntry } from '../micro-batch';
import { CorruptRecordError, TransientError } from '../restore/errors';
import type { RecordPage, RecordQuery, StateCounts, StateStore, WriteResult } from '../restore/ports';
import { dueAtMs, type RestoreRecord } from '../restore/record';
import { assertWritable, upgradeStoredRecord } from './record-codec';
import {
  BATCH_GET_LIMIT,
  BATCH_WRITE_LIMIT,
  type BatchRow,
  BUSY_CODES,
  isBusy,
  isConditionFailure,
  mapError,
  OtsClient,
  type OtsError,
  rowError,
  type TablestoreSettings,
  TRANSIENT_CODES,
} from './tablestore-client';
import { type Cell, columnsOf, recordOf, storedDueAtMs } from './tablestore-columns';
import { TablestoreListing } from './tablestore-listing';

export type { TablestoreSettings } from './tablestore-client';

interface QueuedWrite {
  readonly record: RestoreRecord;
  readonly condition: unknown;
}

export class TablestoreStateStore implements StateStore {
  private readonly ots: OtsClient;
  private readonly client: TableStore.Client;
  readonly instance: string;
  private readonly listing: TablestoreListing;
  readonly table: string;
  readonly dueIndex: string;
  readonly countersTable: string;
  /**
   * Conditional writes made in the same turn of the event loop (a coordinator claims a chunk of
   * objects at once) go out as one BatchWriteRow, each row keeping its own condition; one row per
   * id per request. A lone write goes out as a PutRow.
   */
  private readonly writes = new MicroBatcher<QueuedWrite, WriteResult>((batch) => this.flushWrites(batch), {
    maxItems: BATCH_WRITE_LIMIT,
    keyOf: (w) => w.record.id,
  });

  constructor(settings: TablestoreSettings) {
    this.instance = settings.instance;
    this.table = settings.table;
    this.dueIndex = `${settings.table}_due`;
    this.countersTable = `${settings.table}_counters`;
    this.ots = new OtsClient(settings);
    this.client = this.ots.sdk;
    this.listing = new TablestoreListing(this.ots, this.client, this.table, (ids) => this.getMany(ids));
  }

  /**
   * Which of this store's two tables the instance lacks (ListTable, through the retries): a
   * function's first call checks it (tables.ts). Making and changing tables is TablestoreAdmin's.
   */
  async missingTables(): Promise<string[]> {
    const { tableNames } = await this.ots.call('ListTable', this.table, () => this.client.listTable({}));
    const existing = new Set(tableNames ?? []);
    return [this.table, this.countersTable].filter((name) => !existing.has(name));
  }

  async getMany(ids: readonly string[]): Promise<Map<string, RestoreRecord>> {
    return new Map([...(await this.readRows(ids))].map(([id, row]) => [id, row.record]));
  }

  async create(record: RestoreRecord): Promise<WriteResult> {
    assertWritable(record);
    if (record.version !== 1) throw new RangeError(`create needs version 1, got ${record.version}`);
    // Create-if-absent: of all workers racing for a new object, exactly one gets its row in.
    return this.writes.submit({ record, condition: new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null) });
  }

  async update(record: RestoreRecord): Promise<WriteResult> {
    assertWritable(record);
    // Update-if-version: only a writer that read version n-1 may write version n (a fencing
    // token); passIfMissing false so a row without a version never passes.
    const condition = new TableStore.Condition(
      TableStore.RowExistenceExpectation.EXPECT_EXIST,
      new TableStore.SingleColumnCondition('version', TableStore.Long.fromNumber(record.version - 1), TableStore.ComparatorType.EQUAL, false, true),
    );
    return this.writes.submit({ record, condition });
  }

  async listDue(nowMs: number, limit: number): Promise<RestoreRecord[]> {
    const ids: string[] = [];
    let start: unknown[] | null = [{ dueAtMs: TableStore.INF_MIN }, { id: TableStore.INF_MIN }];
    const end = [{ dueAtMs: TableStore.Long.fromNumber(nowMs + 1) }, { id: TableStore.INF_MIN }];
    while (start && ids.length < limit) {
      const from: unknown[] = start;
      const page = (await this.ots.call('GetRange', this.dueIndex, () =>
        this.client.getRange({
          tableName: this.dueIndex,
          direction: TableStore.Direction.FORWARD,
          inclusiveStartPrimaryKey: from,
          exclusiveEndPrimaryKey: end,
          limit: Math.min(1000, limit - ids.length),
          maxVersions: 1,
        } as unknown as TableStore.GetRangeParams),
      )) as { rows: { primaryKey: { name: string; value: unknown }[] }[]; nextStartPrimaryKey: { name: string; value: unknown }[] | null };
      for (const row of page.rows) {
        const id = row.primaryKey.find((c) => c.name === 'id')?.value;
        if (typeof id === 'string') ids.push(id);
      }
      start = page.nextStartPrimaryKey ? page.nextStartPrimaryKey.map((c) => ({ [c.name]: c.value })) : null;
    }
    // The index is eventually consistent (it can briefly hold an id twice, or a stale due time):
    // read the rows themselves and keep those still due.
    const rows = await this.readRows([...new Set(ids)]);
    const due: { record: RestoreRecord; due: number }[] = [];
    for (const { record, dueColumn } of rows.values()) {
      const dueAt = dueAtMs(record);
      if (dueAt !== undefined && dueAt <= nowMs) due.push({ record, due: dueAt });
      // A row an older release wrote can carry a due column its record no longer means (a DEFERRED
      // "too large" is REFUSED now, and never due): rewrite it once so it leaves the index instead
      // of crowding the front of it. Conditional on its version, like every write.
      else if (dueColumn !== dueAt) await this.update({ ...record, version: record.version + 1 }).catch(() => undefined);
    }
    return due.sort((a, b) => a.due - b.due || (a.record.id < b.record.id ? -1 : 1)).map((r) => r.record);
  }

  list(query: RecordQuery): Promise<RecordPage> {
    return this.listing.list(query);
  }

  countStates(nowMs: number, cap: number): Promise<StateCounts> {
    return this.listing.countStates(nowMs, cap);
  }

  private async readRows(ids: readonly string[]): Promise<Map<string, { record: RestoreRecord; dueColumn: number | undefined }>> {
    const found = new Map<string, { record: RestoreRecord; dueColumn: number | undefined }>();
    for (let i = 0; i < ids.length; i += BATCH_GET_LIMIT) {
      let pending = ids.slice(i, i + BATCH_GET_LIMIT);
      // BatchGetRow can fail row by row (busy partitions); retry just those rows.
      await this.ots.untilRowsSettle(
        'BatchGetRow',
        this.table,
        async () => {
          const data = await this.ots.call('BatchGetRow', this.table, () =>
            this.client.batchGetRow({ tables: [{ tableName: this.table, primaryKey: pending.map((id) => [{ id }]), maxVersions: 1 }] }),
          );
          const rows = (data as { tables: BatchRow[][] }).tables[0] ?? [];
          const failed: string[] = [];
          rows.forEach((row, index) => {
            if (!row.isOk) failed.push(pending[index]!);
            else if (row.primaryKey && row.attributes) {
              const record = this.decode(row.primaryKey, row.attributes);
              found.set(record.id, { record, dueColumn: storedDueAtMs(record.id, row.attributes) });
            }
          });
          pending = failed;
          return failed.length;
        },
        this.ots.maxAttempts,
      );
    }
    return found;
  }

  private async flushWrites(batch: readonly BatchEntry<QueuedWrite, WriteResult>[]): Promise<void> {
    if (batch.length === 1) {
      const [w] = batch;
      this.putOne(w!.item, false).then(w!.resolve, w!.reject);
      return;
    }
    let rows: BatchRow[];
    try {
      const rowsOf = batch.map(({ item }) => ({
        type: 'PUT',
        condition: item.condition,
        primaryKey: [{ id: item.record.id }],
        attributeColumns: columnsOf(item.record, dueAtMs(item.record)),
        returnContent: { returnType: TableStore.ReturnType.Primarykey },
      }));
      rows = ((await this.client.batchWriteRow({ tables: [{ tableName: this.table, rows: rowsOf }] })) as { tables: BatchRow[] }).tables;
    } catch (err) {
      const mapped = mapError(err as OtsError, 'BatchWriteRow', this.table);
      if (!(mapped instanceof TransientError)) {
        for (const w of batch) w.reject(mapped);
        return;
      }
      // Busy means nothing was applied; any other fault in flight may have applied some rows,
      // so each write goes on alone, told that a condition failure may be its own earlier success.
      const maybeApplied = !isBusy(err as OtsError);
      for (const w of batch) this.putOne(w.item, maybeApplied).then(w.resolve, w.reject);
      return;
    }
    rows.forEach((row, i) => {
      const w = batch[i]!;
      if (row.isOk) w.resolve({ ok: true, record: w.item.record });
      else if (row.errorCode === 'OTSConditionCheckFail') w.resolve({ ok: false });
      else if (row.errorCode && TRANSIENT_CODES.has(row.errorCode)) this.putOne(w.item, !BUSY_CODES.has(row.errorCode)).then(w.resolve, w.reject);
      else w.reject(rowError(row, 'BatchWriteRow', this.table));
    });
  }

  /** One conditional PutRow with retries. `maybeApplied`: an earlier attempt may have landed. */
  private async putOne({ record, condition }: QueuedWrite, maybeApplied: boolean): Promise<WriteResult> {
    const params = {
      tableName: this.table,
      condition,
      primaryKey: [{ id: record.id }],
      attributeColumns: columnsOf(record, dueAtMs(record)),
      returnContent: { returnType: TableStore.ReturnType.Primarykey },
    } as unknown as TableStore.PutRowParams;
    // Did an attempt fail in a way that may have applied it? (Busy answers never do.)
    let mayHaveLanded = maybeApplied;
    try {
      await this.ots.call(
        'PutRow',
        this.table,
        async () => {
          try {
            return await this.client.putRow(params);
          } catch (err) {
            if (!isBusy(err as OtsError) && !isConditionFailure(err)) mayHaveLanded = true;
            throw err;
          }
        },
        { repeatable: true },
      );
      return { ok: true, record };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // A repeated write whose earlier attempt landed fails its own condition. Then the row holds
      // exactly our record (each claim carries a unique lease owner): we won.
      if (mayHaveLanded) {
        const stored = (await this.getMany([record.id])).get(record.id);
        if (stored && sameRecord(stored, record)) return { ok: true, record };
      }
      return { ok: false };
    }
  }

  private decode(primaryKey: { name: string; value: unknown }[], attributes: Cell[]): RestoreRecord {
    const id = primaryKey.find((c) => c.name === 'id')?.value;
    if (typeof id !== 'string') throw new CorruptRecordError(`row in ${this.table} has no string id`);
    return upgradeStoredRecord(recordOf(id, attributes));
  }
}

/** Field-for-field equality of two records, lastError's fields too (absent and undefined fields alike). */
function sameRecord(a: RestoreRecord, b: RestoreRecord): boolean {
  const sorted = (_key: string, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : 1)))
      : value;
  return JSON.stringify(a, sorted) === JSON.stringify(b, sorted);
}
