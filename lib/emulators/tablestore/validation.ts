// Request checks, split the way the service splits them: `check*` functions run on the whole
// request before anything is read (a failure rejects the request, batch or not), while
// `matchKey` compares a key with a table's schema and, in batch operations, fails only its row.
// Limits: Tablestore "Limits on the Wide Column model" / "General limits".
import { otsErrors } from './errors';
import type { PlainCell } from './plainbuffer';
import type { PrimaryKeyColumn, Table } from './table';
import { isCellValue, isKeyValue, valueSize, variantTypeName, type CellValue, type KeyValue, type Variant } from './values';

export const LIMITS = {
  primaryKeyColumns: 4,
  keyValueBytes: 1024,
  attributeValueBytes: 2 * 1024 * 1024,
  attributeColumnsPerWrite: 1024,
  columnsToGet: 128,
  definedColumns: 32,
  batchGetRows: 100,
  batchWriteRows: 200,
  batchWriteBytes: 4 * 1024 * 1024,
  rowWriteBytes: 4 * 1024 * 1024,
  requestBodyBytes: 5 * 1024 * 1024,
  rangeRows: 5000,
  rangeBytes: 4 * 1024 * 1024,
  tablesPerInstance: 64,
  // Secondary index limits: 5 indexes per data table, 1–4 index columns each.
  indexesPerTable: 5,
  indexColumns: 4,
} as const;

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const INSTANCE_NAME = /^[A-Za-z][A-Za-z0-9-]{1,14}[A-Za-z0-9]$/;

export function checkInstanceName(name: string): void {
  if (!INSTANCE_NAME.test(name)) throw otsErrors.invalidInstanceName(name);
}

export function checkTableName(name: string): void {
  if (!NAME.test(name)) throw otsErrors.invalidTableName(name);
}

export function checkColumnName(name: string): void {
  if (!NAME.test(name)) throw otsErrors.invalidColumnName(name);
}

/** Type names as the service prints them in "… is an invalid type for …". */
function typeWord(v: Variant): string {
  return v.type;
}

function checkDouble(v: CellValue): void {
  if (v.type === 'DOUBLE') {
    if (Number.isNaN(v.value)) throw otsErrors.nanDouble();
    if (!Number.isFinite(v.value)) throw otsErrors.infiniteDouble();
  }
}

export interface KeyCheckOptions {
  /** GetRange bounds may hold INF_MIN / INF_MAX. */
  readonly allowInfinity?: boolean;
  /** PutRow / UpdateRow may ask the service to fill an auto-increment column. */
  readonly allowAutoIncrement?: boolean;
}

/** Request-level checks of a primary key: count, names, value types and sizes. */
export function checkKeyCells(cells: readonly PlainCell[], options: KeyCheckOptions = {}): void {
  if (cells.length < 1 || cells.length > LIMITS.primaryKeyColumns) throw otsErrors.pkCountOutOfRange(LIMITS.primaryKeyColumns);
  const seen = new Set<string>();
  for (const cell of cells) {
    if (cell.name === '') throw otsErrors.parameterInvalid('No name is given for primary key.');
    checkColumnName(cell.name);
    if (seen.has(cell.name)) throw otsErrors.duplicatedPkName(cell.name);
    seen.add(cell.name);
    if (cell.value === undefined) throw otsErrors.parameterInvalid(`No value is given for primary key name:${cell.name}.`);
    if (cell.op !== undefined) throw otsErrors.parameterInvalid(`OpType cannot be given for primary key name :${cell.name}.`);
    if (cell.timestamp !== undefined) throw otsErrors.parameterInvalid(`Timestamp cannot be given for primary key name:${cell.name}.`);
    const v = cell.value;
    const ok =
      isKeyValue(v) || (options.allowInfinity && (v.type === 'INF_MIN' || v.type === 'INF_MAX')) || (options.allowAutoIncrement && v.type === 'AUTO_INCREMENT');
    if (!ok) {
      if (v.type === 'DOUBLE') throw otsErrors.parameterInvalid('double can not be used as primary key.');
      throw otsErrors.invalidPkType(typeWord(v));
    }
    if ((v.type === 'STRING' || v.type === 'BINARY') && valueSize(v) > LIMITS.keyValueBytes) {
      throw otsErrors.pkTooLong(cell.name, LIMITS.keyValueBytes, valueSize(v));
    }
  }
}

/** Request-level checks of attribute cells shared by writes: names, types, sizes, count. */
export function checkAttributeCells(keyCells: readonly PlainCell[], cells: readonly PlainCell[]): void {
  if (cells.length > LIMITS.attributeColumnsPerWrite) {
    throw otsErrors.tooManyColumns(LIMITS.attributeColumnsPerWrite, cells.length);
  }
  const keyNames = new Set(keyCells.map((c) => c.name));
  for (const cell of cells) {
    if (cell.name === '') throw otsErrors.parameterInvalid('invalid name of column: empty name.');
    checkColumnName(cell.name);
    if (keyNames.has(cell.name)) throw otsErrors.duplicatedAttributeWithPk(cell.name);
    const v = cell.value;
    if (v === undefined) continue;
    if (!isCellValue(v)) throw otsErrors.invalidAttributeType(typeWord(v));
    checkDouble(v);
    if ((v.type === 'STRING' || v.type === 'BINARY') && valueSize(v) > LIMITS.attributeValueBytes) {
      throw otsErrors.attributeTooLong(cell.name, LIMITS.attributeValueBytes, valueSize(v));
    }
  }
}

export function checkPutCells(cells: readonly PlainCell[]): void {
  for (const cell of cells) {
    if (cell.op !== undefined) throw otsErrors.parameterInvalid(`OpType cannot be given for column name:${cell.name} in PutRow.`);
    if (cell.value === undefined) throw otsErrors.parameterInvalid('Invalid request of put row: find cells without values.');
  }
}

export function checkUpdateCells(cells: readonly PlainCell[]): void {
  if (cells.length === 0) throw otsErrors.parameterInvalid('Invalid update row request: missing cells in request.');
  const seen = new Map<string, PlainCell['op'] | 'PUT'>();
  for (const cell of cells) {
    const op = cell.op ?? 'PUT';
    switch (op) {
      case 'PUT':
        if (cell.value === undefined) throw otsErrors.parameterInvalid(`Invalid cell: ${cell.name}. Reason: missing value.`);
        break;
      case 'INCREMENT':
        if (cell.value === undefined) throw otsErrors.parameterInvalid(`Invalid cell: ${cell.name}. Reason: missing value.`);
        // Wording unconfirmed: the service documents only "OTSParameterInvalid" for these.
        if (cell.value.type !== 'INTEGER') {
          throw otsErrors.parameterInvalid(`The value of increment column: ${cell.name} must be integer.`);
        }
        break;
      case 'DELETE_ONE_VERSION':
        if (cell.value !== undefined) {
          throw otsErrors.parameterInvalid('Column value cannot be given when type is DELETE_ONE_VERSION,DELETE_ALL_VERSION.');
        }
        if (cell.timestamp === undefined) throw otsErrors.parameterInvalid('Timestamp must be given when type is DELETE_ONE_VERSION.');
        break;
      case 'DELETE_ALL_VERSION':
        if (cell.value !== undefined) {
          throw otsErrors.parameterInvalid('Column value cannot be given when type is DELETE_ONE_VERSION,DELETE_ALL_VERSION.');
        }
        if (cell.timestamp !== undefined) throw otsErrors.parameterInvalid('Timestamp cannot be given when type is DELETE_ALL_VERSION.');
        break;
    }
    const previous = seen.get(cell.name);
    if (previous !== undefined && (previous === 'INCREMENT' || op === 'INCREMENT')) {
      // Documented rule ("you cannot specify a column as an atomic counter and update the column
      // in a single request"); the wording is the emulator's.
      throw otsErrors.parameterInvalid(`Column: ${cell.name} cannot be incremented and modified in one request.`);
    }
    seen.set(cell.name, op);
  }
}

export function checkColumnsToGet(names: readonly string[]): void {
  if (names.length > LIMITS.columnsToGet) throw otsErrors.tooManyColumnsToGet(LIMITS.columnsToGet, names.length);
  for (const name of names) checkColumnName(name);
}

/**
 * Compares a key with the table's schema (names, order, count, types). Throws OTSInvalidPK; in
 * batch operations that error belongs to the row, not the request.
 */
export function matchKey(table: Table, cells: readonly PlainCell[], options: KeyCheckOptions = {}): Variant[] {
  const schema: readonly PrimaryKeyColumn[] = table.primaryKey;
  if (cells.length !== schema.length) throw otsErrors.pkSizeMismatch(cells.length, schema.length);
  return cells.map((cell, i) => {
    const column = schema[i] as PrimaryKeyColumn;
    if (cell.name !== column.name) throw otsErrors.pkNameMismatch(cell.name, column.name);
    const v = cell.value as Variant;
    if (v.type === 'INF_MIN' || v.type === 'INF_MAX') {
      if (!options.allowInfinity) throw otsErrors.invalidPkType(v.type);
      return v;
    }
    if (v.type === 'AUTO_INCREMENT') {
      if (!options.allowAutoIncrement || !column.autoIncrement) {
        throw otsErrors.pkTypeMismatch(variantTypeName(v.type), variantTypeName(column.type));
      }
      return v;
    }
    if (v.type !== column.type) throw otsErrors.pkTypeMismatch(variantTypeName(v.type), variantTypeName(column.type));
    return v;
  });
}

export function keyValues(key: readonly Variant[]): KeyValue[] {
  return key.map((v) => {
    if (!isKeyValue(v)) throw new TypeError(`not a concrete key value: ${v.type}`);
    return v;
  });
}

/** Bytes of a key and its attribute cells, for size limits and capacity units. */
export function cellsSize(cells: readonly PlainCell[]): number {
  let size = 0;
  for (const cell of cells) {
    size += Buffer.byteLength(cell.name, 'utf8');
    if (cell.value && isCellValue(cell.value)) size += valueSize(cell.value);
  }
  return size;
}
