// Checks shared by every StateStore adapter, so a bad record fails the same way everywhere.
import { RESTORE_STATES, type RestoreRecord } from '../restore/record';

/** Rejects records no adapter should store: a programming error, so it throws. */
export function assertWritable(record: RestoreRecord): void {
  if (!/^[0-9a-f]{32}$/.test(record.id)) throw new TypeError(`record id must be 32 hex digits, got "${record.id}"`);
  if (!RESTORE_STATES.includes(record.state)) throw new TypeError(`unknown state "${String(record.state)}"`);
  if (!Number.isSafeInteger(record.version) || record.version < 1) {
    throw new TypeError(`record version must be a positive integer, got ${record.version}`);
  }
}
