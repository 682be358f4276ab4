// Checks shared by every StateStore adapter, so a bad record fails the same way everywhere.
import type { CounterUpdate } from '../restore/ports';
import { INTEGER_FIELDS, RESTORE_STATES, type RestoreRecord } from '../restore/record';

/** Rejects records no adapter should store: a programming error, so it throws. */
export function assertWritable(record: RestoreRecord): void {
  if (!/^[0-9a-f]{32}$/.test(record.id)) throw new TypeError(`record id must be 32 hex digits, got "${record.id}"`);
  if (!RESTORE_STATES.includes(record.state)) throw new TypeError(`unknown state "${String(record.state)}"`);
  if (!Number.isSafeInteger(record.version) || record.version < 1) {
    throw new TypeError(`record version must be a positive integer, got ${record.version}`);
  }
  // Stores keep these as integers (Tablestore INTEGER); a fraction would be silently truncated.
  for (const field of INTEGER_FIELDS) {
    const value = record[field];
    if (value !== undefined && !Number.isSafeInteger(value)) throw new TypeError(`record ${field} must be an integer, got ${value}`);
  }
}

/** One call may name a counter once (Tablestore refuses a row twice in one batch). */
export function assertDistinctNames(updates: readonly CounterUpdate[]): void {
  const names = new Set(updates.map((u) => u.name));
  if (names.size !== updates.length) throw new TypeError('addToCounters: counter names must be distinct within one call');
}
