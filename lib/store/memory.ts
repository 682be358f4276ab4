// In-memory stores with the same conditional-write semantics as the Tablestore adapters, for unit
// tests and single-process tools. Records are copied in and out so callers cannot mutate stored
// state behind the store's back.
import type { CounterStore, CounterUpdate, CounterValues, StateStore, WriteResult } from '../restore/ports';
import { dueAtMs, type RestoreRecord } from '../restore/record';
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

  async addToCounters(updates: readonly CounterUpdate[]): Promise<CounterValues[]> {
    assertDistinctNames(updates);
    return updates.map(({ name, deltas }) => {
      const current = this.counters.get(name) ?? { restores: 0, bytes: 0 };
      const next = { restores: current.restores + deltas.restores, bytes: current.bytes + deltas.bytes };
      this.counters.set(name, next);
      return { ...next };
    });
  }
}
