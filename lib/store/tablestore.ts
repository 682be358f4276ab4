// StateStore over Tablestore (the `tablestore` SDK).
//
// Tables (created idempotently by ensureTables, see tablestore-schema.ts):
//   <table>            PK (id STRING): one row per object version; every RestoreRecord field a column.
//                      Global secondary index <table>_due, PK (dueAtMs INTEGER, id STRING): only rows
//                      that carry dueAtMs are in it, so listDue reads due records, not the table.
//   <table>_counters   PK (name STRING): budget and rate counters, INCREMENT-ed; TTL cleans them up.
//
// Writes: create is PutRow EXPECT_NOT_EXIST; update is PutRow EXPECT_EXIST with version == n-1
// (passIfMissing false). PutRow replaces the whole row, so a field the record cleared is gone.
import TableStore from 'tablestore';
import { sleep } from '../clock';
import { AccessDeniedError, CorruptRecordError, MalformedRequestError, TransientError } from '../restore/errors';
import type { CounterUpdate, CounterValues, StateStore, WriteResult } from '../restore/ports';
import { dueAtMs, type RestoreRecord } from '../restore/record';
import { assertDistinctNames, assertWritable } from './record-codec';
import { columnsOf, recordOf, type Cell } from './tablestore-columns';

export interface TablestoreSettings {
  readonly endpoint: string;
  readonly instance: string;
  readonly table: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
  /** Attempts per call for transient faults (5xx, timeouts, network), the first included. */
  readonly maxAttempts?: number;
  /**
   * Attempts when the service says it is busy or throttling. It refused before doing anything,
   * so repeating is always safe; the SDK's own policy allows 20.
   */
  readonly busyAttempts?: number;
  readonly timeoutMs?: number;
  /** Waits between retries; injected so tests of busy faults do not spend real seconds. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1) for the retry jitter. */
  readonly random?: () => number;
}

/** BatchGetRow takes at most 100 rows per request, BatchWriteRow 200. */
const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 200;

interface QueuedWrite {
  readonly record: RestoreRecord;
  readonly condition: unknown;
  resolve(result: WriteResult): void;
  reject(error: unknown): void;
}

/** The fields of a tablestore SDK error we read: `code` is the HTTP status, `message` the raw body. */
interface OtsError extends Error {
  code?: number | string;
}

export class TablestoreStateStore implements StateStore {
  private readonly client: TableStore.Client;
  readonly table: string;
  readonly dueIndex: string;
  readonly countersTable: string;
  private readonly maxAttempts: number;
  private readonly busyAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private writeQueue: QueuedWrite[] = [];
  private flushScheduled = false;

  constructor(settings: TablestoreSettings) {
    this.table = settings.table;
    this.dueIndex = `${settings.table}_due`;
    this.countersTable = `${settings.table}_counters`;
    this.maxAttempts = settings.maxAttempts ?? 4;
    this.busyAttempts = settings.busyAttempts ?? 10;
    this.sleep = settings.sleep ?? sleep;
    this.random = settings.random ?? Math.random;
    this.client = new TableStore.Client({
      endpoint: settings.endpoint,
      instancename: settings.instance,
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.accessKeySecret,
      stsToken: settings.securityToken,
      // The SDK's retry policy is process-global and retries only reads on 5xx; we retry
      // ourselves (below), knowing which calls are safe to repeat.
      maxRetries: 0,
      httpOptions: { timeout: settings.timeoutMs ?? 10_000 },
    });
  }

  async getMany(ids: readonly string[]): Promise<Map<string, RestoreRecord>> {
    const found = new Map<string, RestoreRecord>();
    for (let i = 0; i < ids.length; i += BATCH_GET_LIMIT) {
      const chunk = ids.slice(i, i + BATCH_GET_LIMIT);
      let pending = chunk;
      // BatchGetRow can fail row by row (busy partitions); retry just those rows.
      for (let attempt = 1; pending.length > 0; attempt++) {
        const data = await this.call('BatchGetRow', () =>
          this.client.batchGetRow({
            tables: [{ tableName: this.table, primaryKey: pending.map((id) => [{ id }]), maxVersions: 1 }],
          }),
        );
        const rows = (data as { tables: BatchRow[][] }).tables[0] ?? [];
        const failed: string[] = [];
        rows.forEach((row, index) => {
          if (!row.isOk) {
            failed.push(pending[index]!);
            return;
          }
          if (row.primaryKey && row.attributes) {
            const record = this.decode(row.primaryKey, row.attributes);
            found.set(record.id, record);
          }
        });
        if (failed.length > 0 && attempt >= this.maxAttempts) {
          throw new TransientError(`BatchGetRow ${this.table}: ${failed.length} row(s) still failing after ${attempt} attempts`);
        }
        if (failed.length > 0) await this.sleep(backoff(attempt, this.random));
        pending = failed;
      }
    }
    return found;
  }

  async create(record: RestoreRecord): Promise<WriteResult> {
    assertWritable(record);
    if (record.version !== 1) throw new RangeError(`create needs version 1, got ${record.version}`);
    // Create-if-absent: of all workers racing for a new object, exactly one gets its row in.
    return this.conditionalPut(record, new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null));
  }

  async update(record: RestoreRecord): Promise<WriteResult> {
    assertWritable(record);
    // Update-if-version: only a writer that read version n-1 may write version n (a fencing
    // token); passIfMissing false so a row without a version never passes.
    const condition = new TableStore.Condition(
      TableStore.RowExistenceExpectation.EXPECT_EXIST,
      new TableStore.SingleColumnCondition('version', TableStore.Long.fromNumber(record.version - 1), TableStore.ComparatorType.EQUAL, false, true),
    );
    return this.conditionalPut(record, condition);
  }

  async delete(id: string, expectedVersion: number): Promise<boolean> {
    const condition = new TableStore.Condition(
      TableStore.RowExistenceExpectation.EXPECT_EXIST,
      new TableStore.SingleColumnCondition('version', TableStore.Long.fromNumber(expectedVersion), TableStore.ComparatorType.EQUAL, false, true),
    );
    try {
      await this.call('DeleteRow', () => this.client.deleteRow({ tableName: this.table, primaryKey: [{ id }], condition }), { repeatable: true });
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async listDue(nowMs: number, limit: number): Promise<RestoreRecord[]> {
    const ids: string[] = [];
    let start: unknown[] | null = [{ dueAtMs: TableStore.INF_MIN }, { id: TableStore.INF_MIN }];
    const end = [{ dueAtMs: TableStore.Long.fromNumber(nowMs + 1) }, { id: TableStore.INF_MIN }];
    while (start && ids.length < limit) {
      const from: unknown[] = start;
      const page = (await this.call('GetRange', () =>
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
    const rows = await this.getMany([...new Set(ids)]);
    return [...rows.values()]
      .map((record) => ({ record, due: dueAtMs(record) }))
      .filter((r): r is { record: RestoreRecord; due: number } => r.due !== undefined && r.due <= nowMs)
      .sort((a, b) => a.due - b.due || (a.record.id < b.record.id ? -1 : 1))
      .map((r) => r.record);
  }

  async addToCounters(updates: readonly CounterUpdate[]): Promise<CounterValues[]> {
    assertDistinctNames(updates);
    const results = new Array<CounterValues>(updates.length);
    // INCREMENT is atomic per row and returns the totals after it. One BatchWriteRow carries
    // every counter of the call; rows the service refused as busy were not applied and are sent
    // again. A request that failed in flight is not repeated: a doubled increment would count a
    // restore twice (refusing too much, the safe direction), but we would rather surface it.
    let pending = updates.map((update, index) => ({ update, index }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const data = (await this.call('BatchWriteRow', () =>
        this.client.batchWriteRow({
          tables: [
            {
              tableName: this.countersTable,
              rows: pending.map(({ update }) => ({
                type: 'UPDATE',
                condition: new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null),
                primaryKey: [{ name: update.name }],
                attributeColumns: [
                  { INCREMENT: [{ restores: TableStore.Long.fromNumber(update.deltas.restores) }, { bytes: TableStore.Long.fromNumber(update.deltas.bytes) }] },
                ],
                returnContent: { returnType: TableStore.ReturnType.AfterModify, returnColumns: ['restores', 'bytes'] },
              })),
            },
          ],
        }),
      )) as { tables: BatchRow[] };
      const retry: typeof pending = [];
      data.tables.forEach((row, i) => {
        const item = pending[i]!;
        if (row.isOk) {
          const cells = new Map((row.attributes ?? []).map((c) => [c.columnName, toNumber(c.columnValue)]));
          results[item.index] = { restores: cells.get('restores') ?? 0, bytes: cells.get('bytes') ?? 0 };
        } else if (row.errorCode && TRANSIENT_CODES.has(row.errorCode) && attempt < this.busyAttempts) {
          retry.push(item);
        } else {
          throw rowError(row, this.countersTable);
        }
      });
      if (retry.length > 0) await this.sleep(backoff(attempt, this.random));
      pending = retry;
    }
    return results;
  }

  /** The SDK client, for table administration (tablestore-schema.ts). */
  get sdk(): TableStore.Client {
    return this.client;
  }

  /**
   * Conditional writes made in the same turn of the event loop (a coordinator claims a chunk of
   * objects at once) go out as one BatchWriteRow, each row keeping its own condition. A lone
   * write goes out as a PutRow.
   */
  private conditionalPut(record: RestoreRecord, condition: unknown): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.writeQueue.push({ record, condition, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flushWrites());
  }

  private async flushWrites(): Promise<void> {
    this.flushScheduled = false;
    // One row per id per request, at most BATCH_WRITE_LIMIT; the rest wait for the next flush.
    const batch: QueuedWrite[] = [];
    const later: QueuedWrite[] = [];
    const ids = new Set<string>();
    for (const w of this.writeQueue) {
      if (ids.has(w.record.id) || batch.length >= BATCH_WRITE_LIMIT) later.push(w);
      else {
        ids.add(w.record.id);
        batch.push(w);
      }
    }
    this.writeQueue = later;
    if (later.length > 0) this.scheduleFlush();
    if (batch.length === 1) {
      const [w] = batch;
      this.putOne(w!.record, w!.condition, false).then(w!.resolve, w!.reject);
      return;
    }
    let rows: BatchRow[];
    try {
      rows = (
        (await this.client.batchWriteRow({
          tables: [
            {
              tableName: this.table,
              rows: batch.map((w) => ({
                type: 'PUT',
                condition: w.condition,
                primaryKey: [{ id: w.record.id }],
                attributeColumns: columnsOf(w.record, dueAtMs(w.record)),
                returnContent: { returnType: TableStore.ReturnType.Primarykey },
              })),
            },
          ],
        })) as { tables: BatchRow[] }
      ).tables;
    } catch (err) {
      const mapped = mapError(err as OtsError, 'BatchWriteRow', this.table);
      if (!(mapped instanceof TransientError)) {
        for (const w of batch) w.reject(mapped);
        return;
      }
      // Busy means nothing was applied; any other fault in flight may have applied some rows,
      // so each write goes on alone, told that a condition failure may be its own earlier success.
      const maybeApplied = !isBusy(err as OtsError);
      for (const w of batch) this.putOne(w.record, w.condition, maybeApplied).then(w.resolve, w.reject);
      return;
    }
    rows.forEach((row, i) => {
      const w = batch[i]!;
      if (row.isOk) w.resolve({ ok: true, record: w.record });
      else if (row.errorCode === 'OTSConditionCheckFail') w.resolve({ ok: false });
      else if (row.errorCode && TRANSIENT_CODES.has(row.errorCode)) {
        const maybeApplied = !BUSY_CODES.has(row.errorCode);
        this.putOne(w.record, w.condition, maybeApplied).then(w.resolve, w.reject);
      } else {
        w.reject(rowError(row, this.table));
      }
    });
  }

  /** One conditional PutRow with retries. `maybeApplied`: an earlier attempt may have landed. */
  private async putOne(record: RestoreRecord, condition: unknown, maybeApplied: boolean): Promise<WriteResult> {
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
      await this.call(
        'PutRow',
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
    return recordOf(id, attributes);
  }

  /**
   * Runs an SDK call with bounded retries for transient faults. Writes pass `repeatable` only
   * when a repeat is safe: conditional writes are (see conditionalPut), increments are not.
   */
  private async call<T>(operation: string, fn: () => Promise<T>, options: { repeatable?: boolean } = {}): Promise<T> {
    const repeatable = options.repeatable ?? ['BatchGetRow', 'GetRange', 'GetRow', 'DescribeTable', 'ListTable'].includes(operation);
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const mapped = mapError(err as OtsError, operation, this.table);
        const busy = isBusy(err as OtsError);
        // Busy/throttled is refused before execution, so it is safe to repeat any call.
        const safe = mapped instanceof TransientError && (repeatable || busy);
        if (!safe || attempt >= (busy ? this.busyAttempts : this.maxAttempts)) throw mapped;
        await this.sleep(backoff(attempt, this.random));
      }
    }
  }
}

interface BatchRow {
  isOk: boolean;
  errorCode?: string | null;
  errorMessage?: string | null;
  primaryKey: { name: string; value: unknown }[] | null;
  attributes: Cell[] | null;
}

/** The error of one failed row of a BatchWriteRow, mapped like a whole request's. */
function rowError(row: BatchRow, table: string): Error {
  return mapError(
    { name: 'OTSError', code: row.errorCode ?? 'OTSError', message: `${row.errorCode ?? ''} ${row.errorMessage ?? ''}` } as OtsError,
    'BatchWriteRow',
    table,
  );
}

function backoff(attempt: number, random: () => number): number {
  const ceiling = Math.min(2000, 50 * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function') return (value as { toNumber(): number }).toNumber();
  return Number(value);
}

/** Field-for-field equality of two records (absent and undefined fields alike). */
function sameRecord(a: RestoreRecord, b: RestoreRecord): boolean {
  const canonical = (r: RestoreRecord) =>
    JSON.stringify(
      Object.entries(r)
        .filter(([, v]) => v !== undefined)
        .sort(([x], [y]) => (x < y ? -1 : 1)),
    );
  return canonical(a) === canonical(b);
}

/** The service's message inside an SDK error, without the protobuf framing bytes. */
export function otsMessage(err: OtsError): string {
  return String(err.message ?? '')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/** The OTS error code inside an SDK error (the SDK keeps it in the raw message). */
export function otsCode(err: OtsError): string | undefined {
  const text = String(err.message ?? '');
  return /\b(OTS[A-Za-z]+)\b/.exec(text)?.[1];
}

export function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && otsCode(err as OtsError) === 'OTSConditionCheckFail';
}

/** Refused before execution: repeating is always safe. */
const BUSY_CODES = new Set(['OTSServerBusy', 'OTSNotEnoughCapacityUnit', 'OTSOperationThrottled', 'OTSQuotaExhausted']);

function isBusy(err: OtsError): boolean {
  const code = otsCode(err);
  return code !== undefined && BUSY_CODES.has(code);
}

const TRANSIENT_CODES = new Set([
  'OTSServerBusy',
  'OTSNotEnoughCapacityUnit',
  'OTSOperationThrottled',
  'OTSQuotaExhausted',
  'OTSTimeout',
  'OTSInternalServerError',
  'OTSServerUnavailable',
  'OTSPartitionUnavailable',
  'OTSTableNotReady',
  'OTSRowOperationConflict',
]);

/** Condition failures pass through untouched (callers test them); the rest become our errors. */
export function mapError(err: OtsError, operation: string, table: string): Error {
  if (isConditionFailure(err)) return err;
  const code = otsCode(err);
  const status = typeof err.code === 'number' ? err.code : Number(err.code);
  const what = `${operation} ${table}: ${code ?? err.code ?? err.name}`;
  if ((code && TRANSIENT_CODES.has(code)) || status >= 500 || !Number.isFinite(status) || err.name === 'NetworkingError' || err.code === 'NetworkingError') {
    return new TransientError(what, { cause: err });
  }
  if (code === 'OTSAuthFailed' || status === 401 || status === 403) {
    return new AccessDeniedError(`${what}: check the credentials, the instance name and the RAM policy`, { cause: err });
  }
  // OTSParameterInvalid, OTSObjectNotExist (table missing), size limits: our bug or our setup.
  return new MalformedRequestError(`${operation} ${table}: ${otsMessage(err) || err.code}`, { cause: err });
}
