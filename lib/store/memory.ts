// In-memory stores with the same conditional-write semantics as the Tablestore adapters, for unit
// tests and single-process tools. Records are copied in and out so callers cannot mutate stored
// state behind the store's back.
import {
  COUNTER_FIELDS,
  type CounterStore,
  type CounterUpdate,
  type CounterValues,
  counterValues,
  type NamedCounter,
  type RecordPage,
  type RecordQuery,
  type StateCounts,
  type StateStore,
  type WriteResult,
} from '../restore/ports';
import { dueAtMs, effectiveState, isInvalidated, type ObjectState, type RestoreRecord } from '../restore/record';
import {
  COUNTED_STORED_STATES,
  compareSortKeys,
  decodeCursor,
  encodeCursor,
  isBackward,
  keeps,
  type SortKey,
  StateTally,
  scansOf,
  sortKeyOf,
  statesReadFrom,
} from './listing';
import { assertDistinctNames, assertWritable, type StoredRecord, upgradeStoredRecord } from './record-codec';

export class MemoryStateStore implements StateStore {
  private readonly rows = new Map<string, StoredRecord>();

  async getMany(ids: readonly string[]): Promise<Map<string, RestoreRecord>> {
    const found = new Map<string, RestoreRecord>();
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row) found.set(id, upgradeStoredRecord({ ...row }));
    }
    return found;
  }

  async create(record: RestoreRecord): Promise<WriteResult> {
    assertWritable(record);
    if (record.version !== 1) throw new RangeError(`create needs version 1, got ${record.version}`);
    if (this.rows.has(record.id)) return { ok: false };
    this.rows.set(record.id, { ...record });
    return { ok: true, record: { ...record } };
  }

  async update(record: RestoreRecord): Promise<WriteResult> {
    assertWritable(record);
    const stored = this.rows.get(record.id);
    if (!stored || stored.version !== record.version - 1) return { ok: false };
    this.rows.set(record.id, { ...record });
    return { ok: true, record: { ...record } };
  }

  async listDue(nowMs: number, limit: number): Promise<RestoreRecord[]> {
    return this.all()
      .map((record) => ({ record, due: dueAtMs(record) }))
      .filter((r): r is { record: RestoreRecord; due: number } => r.due !== undefined && r.due <= nowMs)
      .sort((a, b) => a.due - b.due || (a.record.id < b.record.id ? -1 : 1))
      .slice(0, limit)
      .map((r) => r.record);
  }

  async list(query: RecordQuery): Promise<RecordPage> {
    const scans = scansOf(query.states);
    const start = decodeCursor(query);
    const all = this.all();
    const direction = isBackward(query.order) ? -1 : 1;
    const records: RestoreRecord[] = [];
    let last: { scan: number; key: SortKey } | undefined;
    for (let s = start.scan; s < scans.length; s++) {
      const scan = scans[s]!;
      const after = s === start.scan ? start.after : undefined;
      const walk = all
        .map((record) => ({ record, key: sortKeyOf(query.order, record) }))
        .filter((e): e is { record: RestoreRecord; key: SortKey } => e.key !== undefined && e.record.state === scan.stored)
        .filter((e) => after === undefined || direction * compareSortKeys(e.key, after) > 0)
        .filter((e) => keeps(query, scan, e.record))
        .sort((a, b) => direction * compareSortKeys(a.key, b.key));
      for (const { record, key } of walk) {
        if (records.length === query.limit) {
          // Another record follows: the next page starts after the last one returned.
          const position = last!.scan === s ? { scan: s, after: last!.key } : { scan: s };
          return { records, cursor: encodeCursor(query, position) };
        }
        records.push(record);
        last = { scan: s, key };
      }
    }
    return { records };
  }

  async countStates(nowMs: number, cap: number): Promise<StateCounts> {
    const tally = new StateTally();
    const capped: ObjectState[] = [];
    for (const stored of COUNTED_STORED_STATES) {
      const rows = this.all().filter((r) => r.state === stored && !isInvalidated(r));
      if (rows.length > cap) capped.push(...statesReadFrom(stored));
      for (const r of rows.slice(0, cap)) tally.add(r.bucket, effectiveState(r, nowMs));
    }
    return { byBucket: tally.byBucket, capped };
  }

  /** Every record, for tests and the local stack's inspection. */
  all(): RestoreRecord[] {
    return [...this.rows.values()].map((r) => upgradeStoredRecord({ ...r }));
  }

  /** Writes a row as an older release would have, unchecked: for tests of reading old rows. */
  putStored(row: StoredRecord): void {
    this.rows.set(row.id, { ...row });
  }
}

export class MemoryCounterStore implements CounterStore {
  private readonly counters = new Map<string, CounterValues>();

  async listCounters(prefix: string, limit: number): Promise<NamedCounter[]> {
    return [...this.counters]
      .filter(([name]) => name.startsWith(prefix))
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
      .slice(0, limit)
      .map(([name, values]) => ({ name, values: { ...values } }));
  }

  async addToCounters(updates: readonly CounterUpdate[]): Promise<CounterValues[]> {
    assertDistinctNames(updates);
    return updates.map(({ name, deltas }) => {
      const current = this.counters.get(name) ?? counterValues();
      const next = counterValues(Object.fromEntries(COUNTER_FIELDS.map((f) => [f, current[f] + (deltas[f] ?? 0)])));
      this.counters.set(name, next);
      return { ...next };
    });
  }
}
