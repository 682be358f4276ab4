// PutRow, UpdateRow, DeleteRow and the rows of BatchWriteRow. Each row write is atomic: the
// condition is checked against the row as it stands and the new image is committed (with its
// index rows) in the same synchronous step, so no other request can interleave.
import { checkCondition, parseCondition, type WriteCondition } from './conditions';
import { otsErrors } from './errors';
import type { Instance } from './instance';
import type { PlainCell, PlainRow } from './plainbuffer';
import { has, RETURN_TYPE, type PbCondition, type PbReturnContent } from './protocol';
import { keyCells } from './reads';
import { capacity, capacityUnits, decodePlainRow, type Consumed } from './rows';
import { indexedColumns, maintainIndexes } from './secondary-index';
import { trimVersions, type CellVersion, type StoredRow, type Table } from './table';
import { LIMITS, cellsSize, checkAttributeCells, checkKeyCells, checkPutCells, checkTableName, checkUpdateCells, matchKey } from './validation';
import { INT64_MAX, INT64_MIN, isCellValue, type CellValue, type KeyValue, type Variant } from './values';

export type WriteKind = 'PUT' | 'UPDATE' | 'DELETE';

export interface RowWrite {
  readonly kind: WriteKind;
  readonly tableName: string;
  readonly primaryKey: readonly PlainCell[];
  readonly cells: readonly PlainCell[];
  readonly condition: WriteCondition;
  readonly returnType: number;
  readonly returnColumns: readonly string[];
  /** Bytes of key and cells, for request limits and capacity units. */
  readonly size: number;
}

export interface WriteOutcome {
  readonly consumed: Consumed;
  readonly row?: PlainRow;
}

/** Request-level parsing and checks of one row write; throws before anything is touched. */
export function parseRowWrite(
  kind: WriteKind,
  tableName: string,
  bytes: Uint8Array,
  pbCondition: PbCondition,
  pbReturn: PbReturnContent | null | undefined,
): RowWrite {
  checkTableName(tableName);
  const row = decodePlainRow(bytes);
  checkKeyCells(row.primaryKey, { allowAutoIncrement: kind !== 'DELETE' });
  if (kind === 'DELETE') {
    if (!row.deleteMarker) throw otsErrors.parameterInvalid('Invalid request of delete row: missing RowDeleteMarker in request.');
    if (row.cells.length > 0) throw otsErrors.parameterInvalid('Invalid delete row request: unexpected cells in request.');
  } else if (row.deleteMarker) {
    throw otsErrors.parameterInvalid('Invalid request of put/update row: unexpected RowDeleteMarker in request.');
  }
  checkAttributeCells(row.primaryKey, row.cells);
  if (kind === 'PUT') checkPutCells(row.cells);
  if (kind === 'UPDATE') checkUpdateCells(row.cells);
  const condition = parseCondition(pbCondition);
  const returnType = pbReturn && has(pbReturn, 'returnType') ? (pbReturn.returnType ?? 0) : RETURN_TYPE.RT_NONE;
  if (returnType !== RETURN_TYPE.RT_NONE && returnType !== RETURN_TYPE.RT_PK && returnType !== RETURN_TYPE.RT_AFTER_MODIFY) {
    throw otsErrors.parameterInvalid(`Invalid return type: ${returnType}.`);
  }
  const size = cellsSize(row.primaryKey) + cellsSize(row.cells);
  if (kind === 'PUT' && size > LIMITS.rowWriteBytes) throw otsErrors.putRowTooLarge(LIMITS.rowWriteBytes, size);
  if (kind === 'UPDATE' && size > LIMITS.rowWriteBytes) throw otsErrors.updateRowTooLarge(LIMITS.rowWriteBytes, size);
  return {
    kind,
    tableName,
    primaryKey: row.primaryKey,
    cells: row.cells,
    condition,
    returnType,
    returnColumns: pbReturn?.returnColumnNames ?? [],
    size,
  };
}

/** Versions written without a timestamp get the server's time; explicit ones must be near it. */
function checkTimestamp(table: Table, cell: PlainCell, nowMs: number): void {
  if (cell.timestamp === undefined) return;
  const deviationMs = table.options.deviationCellVersionInSec * 1000;
  let lower = nowMs - deviationMs;
  if (table.options.timeToLive >= 0) lower = Math.max(lower, nowMs - table.options.timeToLive * 1000);
  if (cell.timestamp < lower || cell.timestamp >= nowMs + deviationMs) {
    throw otsErrors.parameterInvalid(`Invalid timestamp. Cell:${cell.name}.`);
  }
}

function addVersion(columns: Map<string, CellVersion[]>, name: string, version: CellVersion, maxVersions: number): void {
  const versions = (columns.get(name) ?? []).filter((v) => v.ts !== version.ts);
  versions.push(version);
  columns.set(name, trimVersions(versions, maxVersions));
}

function resolveKey(table: Table, w: RowWrite, nowMs: number): KeyValue[] {
  const key = matchKey(table, w.primaryKey, { allowAutoIncrement: w.kind !== 'DELETE' });
  if (!key.some((v) => v.type === 'AUTO_INCREMENT')) return key as KeyValue[];
  if (w.condition.rowExistence !== 'IGNORE') {
    throw otsErrors.parameterInvalid(`Invalid expect: ${w.condition.rowExistence} when modify row with pk auto increment.`);
  }
  if (w.condition.columnCondition) throw otsErrors.parameterInvalid("Can't set condition when modify row with pk auto increment.");
  return key.map((v: Variant): KeyValue => {
    if (v.type !== 'AUTO_INCREMENT') return v as KeyValue;
    // Values are unique and increasing within a partition, as the service promises (they start
    // near the current time in microseconds, like the service's).
    const floor = BigInt(nowMs) * 1000n;
    table.autoIncrementLast = table.autoIncrementLast + 1n > floor ? table.autoIncrementLast + 1n : floor;
    return { type: 'INTEGER', value: table.autoIncrementLast };
  });
}

function checkIndexedTypes(table: Table, cells: readonly PlainCell[]): void {
  if (table.indexes.length === 0) return;
  const indexed = indexedColumns(table);
  for (const cell of cells) {
    const declared = indexed.get(cell.name);
    const value = cell.value;
    if (declared && value && isCellValue(value) && value.type !== declared) {
      // The service rejects such writes with OTSParameterInvalid; this wording is the emulator's.
      throw otsErrors.parameterInvalid(`The type of column: ${cell.name} does not match its predefined type: ${declared}, actual: ${value.type}.`);
    }
  }
}

function increment(current: readonly CellVersion[] | undefined, cell: PlainCell): CellValue {
  const latest = current?.[0]?.value;
  if (latest && latest.type !== 'INTEGER') {
    throw otsErrors.parameterInvalid(`The type of column: ${cell.name} is not integer, it cannot be incremented.`);
  }
  const base = latest?.type === 'INTEGER' ? latest.value : 0n;
  const delta = (cell.value as Extract<CellValue, { type: 'INTEGER' }>).value;
  const sum = base + delta;
  if (sum > INT64_MAX || sum < INT64_MIN) throw otsErrors.parameterInvalid(`The value of column: ${cell.name} overflows after increment.`);
  return { type: 'INTEGER', value: sum };
}

/** The row's image after the write, or undefined when the row does not exist afterwards. */
function afterImage(table: Table, w: RowWrite, key: readonly KeyValue[], current: StoredRow | undefined, nowMs: number): StoredRow | undefined {
  const maxVersions = table.options.maxVersions;
  if (w.kind === 'DELETE') return undefined;
  if (w.kind === 'PUT') {
    // PutRow replaces the whole row: every column and version it had is gone.
    const columns = new Map<string, CellVersion[]>();
    for (const cell of w.cells) {
      checkTimestamp(table, cell, nowMs);
      addVersion(columns, cell.name, { ts: cell.timestamp ?? nowMs, value: cell.value as CellValue }, maxVersions);
    }
    return { key, columns };
  }
  const columns = new Map<string, CellVersion[]>();
  for (const [name, versions] of current?.columns ?? []) columns.set(name, [...versions]);
  let adds = false;
  for (const cell of w.cells) {
    switch (cell.op) {
      case undefined:
        checkTimestamp(table, cell, nowMs);
        addVersion(columns, cell.name, { ts: cell.timestamp ?? nowMs, value: cell.value as CellValue }, maxVersions);
        adds = true;
        break;
      case 'INCREMENT':
        checkTimestamp(table, cell, nowMs);
        addVersion(columns, cell.name, { ts: cell.timestamp ?? nowMs, value: increment(columns.get(cell.name), cell) }, maxVersions);
        adds = true;
        break;
      case 'DELETE_ONE_VERSION': {
        const left = (columns.get(cell.name) ?? []).filter((v) => v.ts !== cell.timestamp);
        if (left.length > 0) columns.set(cell.name, left);
        else columns.delete(cell.name);
        break;
      }
      case 'DELETE_ALL_VERSION':
        columns.delete(cell.name);
        break;
    }
  }
  // UpdateRow creates a missing row only when it writes something; deleting columns of a row
  // that does not exist leaves it absent. An existing row stays, even with no columns left.
  if (!current && !adds) return undefined;
  return { key, columns };
}

function returnedRow(table: Table, w: RowWrite, key: readonly KeyValue[], after: StoredRow | undefined): PlainRow | undefined {
  if (w.returnType === RETURN_TYPE.RT_NONE) return undefined;
  const primaryKey = keyCells(table, key);
  if (w.returnType === RETURN_TYPE.RT_PK || !after) return { primaryKey, cells: [] };
  const names = w.returnColumns.length > 0 ? [...w.returnColumns] : [...new Set(w.cells.map((c) => c.name))];
  const cells: PlainCell[] = [];
  for (const name of names) {
    const latest = after.columns.get(name)?.[0];
    if (latest) cells.push({ name, value: latest.value, timestamp: latest.ts });
  }
  return { primaryKey, cells };
}

/** Row-level execution: table lookup, key against schema, condition, commit. Throws OtsError. */
export function executeRowWrite(instance: Instance, nowMs: number, w: RowWrite): WriteOutcome {
  const table = instance.writableTable(w.tableName);
  // TableOptions reference: allow_update false means data is written by PutRow only.
  if (w.kind === 'UPDATE' && !table.options.allowUpdate) {
    throw otsErrors.parameterInvalid(`UpdateRow is not allowed on table ${table.name}: its allow_update option is false.`);
  }
  const key = resolveKey(table, w, nowMs);
  const current = table.visibleRow(key, nowMs);
  checkCondition(w.condition, current);
  checkIndexedTypes(table, w.cells);
  const after = afterImage(table, w, key, current, nowMs);
  if (after) table.rows.set(after);
  else table.rows.delete(key);
  maintainIndexes(table, instance.indexTablesOf(table), current, after);

  const reads = w.condition.rowExistence !== 'IGNORE' || w.condition.columnCondition !== undefined || w.cells.some((c) => c.op === 'INCREMENT');
  const consumed: Consumed = {
    capacityUnit: { read: reads ? capacity(0, undefined).capacityUnit.read : 0, write: capacityUnits(w.size) },
  };
  const row = returnedRow(table, w, key, after);
  return row ? { consumed, row } : { consumed };
}
