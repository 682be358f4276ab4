// Checks and mappings shared by every store adapter, so a record is written and read the same
// way everywhere.
import type { CounterUpdate } from '../restore/ports';
import { CorruptRecordError, type ErrorValue } from '../restore/errors';
import {
  INTEGER_FIELDS,
  isDeferReason,
  isRefusedReason,
  RESTORE_STATES,
  RefusedReason,
  type RestoreRecord,
  recordProblem,
  RestoreState,
} from '../restore/record';

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
  const problem = recordProblem(record);
  if (problem) throw new TypeError(`record ${record.id}: ${problem}`);
}

/** One call may name a counter once (Tablestore refuses a row twice in one batch). */
export function assertDistinctNames(updates: readonly CounterUpdate[]): void {
  const names = new Set(updates.map((u) => u.name));
  if (names.size !== updates.length) throw new TypeError('addToCounters: counter names must be distinct within one call');
}

/**
 * A record as any release wrote it: the first one's DEFERRED also meant "refused" and "the copy
 * expired", and releases before structured errors wrote lastError as text, "Code: message".
 */
export interface StoredRecord extends Omit<RestoreRecord, 'reason' | 'lastError'> {
  readonly reason?: string;
  readonly lastError?: ErrorValue | string;
}

/**
 * Reads a stored record in today's terms. Rows written by the first release keep their meaning:
 *   DEFERRED + reason frozen-again (a status read found the copy gone) → RESTORED, expired when
 *     that read happened (updatedAtMs): it reads as FROZEN, and a miss after it starts a new cycle;
 *   DEFERRED + object-too-large / tier-not-allowed → REFUSED with that reason, looked at again
 *     by a miss after its retryAtMs, as before.
 * A budget or rate deferral written before deferrals lapsed has no deferredAtMs: it was deferred
 * when it was last written (updatedAtMs). So a budget deferral an older release put in the due
 * index at the next midnight is no longer due, and leaves the index on the sweep that meets it.
 * A lastError written as text ("Transient: HeadObject …", our code or the error's name first) is
 * read once into a value; only our Transient errors were retryable then.
 * Everything else is already in today's terms. The row itself changes on its next write.
 */
export function upgradeStoredRecord(stored: StoredRecord): RestoreRecord {
  const current =
    typeof stored.lastError === 'string' ? { ...stored, lastError: errorOfText(stored.lastError) } : (stored as StoredRecord & { lastError?: ErrorValue });
  const record = upgraded(current);
  if (record.reason !== undefined && !isDeferReason(record.reason) && !isRefusedReason(record.reason)) {
    throw new CorruptRecordError(`record ${record.id}: unknown reason "${record.reason}"`);
  }
  return record;
}

/** A lastError as releases before structured errors wrote it: "<code or error name>: <message>". */
export function errorOfText(text: string): ErrorValue {
  const colon = text.indexOf(':');
  const head = colon === -1 ? '' : text.slice(0, colon).trim();
  if (!/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(head)) return { code: 'Error', message: text, retryable: false };
  return { code: head, message: text.slice(colon + 1).trim(), retryable: head === 'Transient' };
}

function upgraded(stored: StoredRecord & { lastError?: ErrorValue }): RestoreRecord {
  if (stored.state !== RestoreState.DEFERRED) return stored as RestoreRecord;
  if (stored.reason === 'frozen-again') {
    return { ...stored, state: RestoreState.RESTORED, reason: undefined, retryAtMs: undefined, expiresAtMs: stored.updatedAtMs };
  }
  if (stored.reason === RefusedReason.OBJECT_TOO_LARGE || stored.reason === RefusedReason.TIER_NOT_ALLOWED) {
    return { ...stored, state: RestoreState.REFUSED, reason: stored.reason };
  }
  if (stored.deferredAtMs === undefined) return { ...stored, deferredAtMs: stored.updatedAtMs } as RestoreRecord;
  return stored as RestoreRecord;
}
