// RestoreRecord ⇄ Tablestore attribute columns. Integers are written as Int64 (plain JS numbers
// would be stored as DOUBLE) and read back from the SDK's Int64 objects. Every field is a plain
// column (state, bucket, timestamps), so a later listing by state or bucket can read them; the
// structured lastError is three: lastErrorCode, lastErrorMessage (STRING), lastErrorRetryable
// (BOOLEAN). Releases before structured errors wrote one STRING column, lastError ("Code: message"):
// it is still read, and the next write (a whole-row PutRow) leaves it out.
import TableStore from 'tablestore';
import { CorruptRecordError } from '../restore/errors';
import { INTEGER_FIELDS, isMissOperation, RESTORE_STATES, STRING_FIELDS } from '../restore/record';
import { isStorageClass, isTier } from '../restore/storage-class';
import type { StoredRecord } from './record-codec';

export interface Cell {
  columnName: string;
  columnValue: unknown;
  timestamp?: unknown;
}

/** Attribute columns for PutRow; undefined fields are left out, so PutRow removes them. */
export function columnsOf(record: StoredRecord, dueAtMs: number | undefined): Record<string, unknown>[] {
  const columns: Record<string, unknown>[] = [];
  for (const field of STRING_FIELDS) {
    const value = record[field];
    if (value !== undefined) columns.push({ [field]: value });
  }
  for (const field of INTEGER_FIELDS) {
    const value = record[field];
    if (value !== undefined) columns.push({ [field]: TableStore.Long.fromNumber(value) });
  }
  const error = record.lastError;
  if (typeof error === 'string') columns.push({ lastError: error });
  else if (error) columns.push({ lastErrorCode: error.code }, { lastErrorMessage: error.message }, { lastErrorRetryable: error.retryable });
  // Only rows with dueAtMs appear in the due index (its primary key needs the column).
  if (dueAtMs !== undefined) columns.push({ dueAtMs: TableStore.Long.fromNumber(dueAtMs) });
  return columns;
}

/** The dueAtMs column as stored (the index key), which an older release may have written differently. */
export function storedDueAtMs(id: string, cells: readonly Cell[]): number | undefined {
  return integerOf(id, 'dueAtMs', cells.find((c) => c.columnName === 'dueAtMs')?.columnValue);
}

/** The row as stored; upgradeStoredRecord (record-codec.ts) reads it in today's terms. */
export function recordOf(id: string, cells: readonly Cell[]): StoredRecord {
  const values = new Map(cells.map((c) => [c.columnName, c.columnValue]));
  const string = (name: string) => {
    const v = values.get(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new CorruptRecordError(`record ${id}: column ${name} is not a string`);
    return v;
  };
  const integer = (name: string) => integerOf(id, name, values.get(name));
  const required = <T>(name: string, v: T | undefined): T => {
    if (v === undefined) throw new CorruptRecordError(`record ${id}: column ${name} is missing`);
    return v;
  };
  const state = required('state', string('state'));
  if (!(RESTORE_STATES as readonly string[]).includes(state)) throw new CorruptRecordError(`record ${id}: unknown state "${state}"`);
  const checks: Partial<Record<(typeof STRING_FIELDS)[number], (v: string) => boolean>> = {
    storageClass: isStorageClass,
    tier: isTier,
    lastOperation: isMissOperation,
  };
  const record: Record<string, unknown> = {
    id,
    bucket: required('bucket', string('bucket')),
    key: required('key', string('key')),
    versionId: string('versionId') ?? '',
    state,
    version: required('version', integer('version')),
    attempts: integer('attempts') ?? 0,
    firstSeenAtMs: required('firstSeenAtMs', integer('firstSeenAtMs')),
    updatedAtMs: required('updatedAtMs', integer('updatedAtMs')),
  };
  for (const field of STRING_FIELDS.filter((f) => !(f in record))) {
    const v = string(field);
    if (v === undefined) continue;
    if (checks[field] && !checks[field](v)) throw new CorruptRecordError(`record ${id}: unknown ${field} "${v}"`);
    record[field] = v;
  }
  for (const field of INTEGER_FIELDS.filter((f) => !(f in record))) {
    const v = integer(field);
    if (v !== undefined) record[field] = v;
  }
  const errorCode = string('lastErrorCode');
  if (errorCode !== undefined) {
    const retryable = values.get('lastErrorRetryable');
    if (typeof retryable !== 'boolean') throw new CorruptRecordError(`record ${id}: column lastErrorRetryable is not a boolean`);
    record.lastError = { code: errorCode, message: string('lastErrorMessage') ?? '', retryable };
  } else {
    // Written before errors were structured: upgradeStoredRecord reads the text.
    const text = string('lastError');
    if (text !== undefined) record.lastError = text;
  }
  return record as unknown as StoredRecord;
}

function integerOf(id: string, name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof (v as { toNumber?: unknown })?.toNumber === 'function' ? (v as { toNumber(): number }).toNumber() : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new CorruptRecordError(`record ${id}: column ${name} is not an integer`);
  return n;
}
