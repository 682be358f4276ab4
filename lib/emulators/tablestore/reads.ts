// GetRow, BatchGetRow and GetRange: which versions of which columns a read returns, filters,
// and GetRange's paging (limit, 5000 rows / 4 MB per response, next_start_primary_key).
import { evaluateFilter, parseFilter, type ColumnFilter } from './conditions';
import { OtsError, otsErrors } from './errors';
import type { Instance } from './instance';
import { decodePlainRow, capacity, type Consumed } from './rows';
import { encodeRow, encodeRows, type PlainCell, type PlainRow } from './plainbuffer';
import { DIRECTION, has, int64ToNumber, type PbBatchGetRowRequest, type PbGetRangeRequest, type PbGetRowRequest, type PbReadOptions } from './protocol';
import type { CellVersion, StoredRow, Table } from './table';
import { LIMITS, checkColumnsToGet, checkKeyCells, checkTableName, keyValues, matchKey } from './validation';
import { compareKeys, valueSize, type KeyValue, type Variant } from './values';

export interface ReadQuery {
  readonly columnsToGet: readonly string[];
  readonly maxVersions?: number;
  readonly timeRange?: { readonly start: number; readonly end: number };
  readonly filter?: ColumnFilter;
  readonly startColumn?: string;
  readonly endColumn?: string;
}

export function parseReadQuery(pb: PbReadOptions): ReadQuery {
  checkColumnsToGet(pb.columnsToGet);
  let maxVersions: number | undefined;
  if (has(pb, 'maxVersions')) {
    maxVersions = pb.maxVersions ?? 0;
    if (maxVersions <= 0) throw otsErrors.parameterInvalid(`Invalid max versions: ${maxVersions} . Reason: Max versions must be positive.`);
  }
  let timeRange: ReadQuery['timeRange'];
  if (has(pb, 'timeRange') && pb.timeRange) {
    const tr = pb.timeRange;
    if (has(tr, 'specificTime')) {
      if (has(tr, 'startTime') || has(tr, 'endTime')) {
        throw otsErrors.parameterInvalid('Specific tiemstamp and time range cannot be given at the same time.');
      }
      const at = int64ToNumber(tr.specificTime);
      if (at < 0) throw otsErrors.parameterInvalid('Specific timestamp cannot be less than 0.');
      timeRange = { start: at, end: at + 1 };
    } else if (has(tr, 'startTime') && has(tr, 'endTime')) {
      timeRange = { start: int64ToNumber(tr.startTime), end: int64ToNumber(tr.endTime) };
    } else if (has(tr, 'startTime') || has(tr, 'endTime')) {
      throw otsErrors.parameterInvalid('Start and end time must be given at the same time.');
    }
  }
  if (maxVersions === undefined && timeRange === undefined) {
    throw otsErrors.parameterInvalid('No version condition is specified while querying row.');
  }
  const filter = has(pb, 'filter') && pb.filter && pb.filter.length > 0 ? parseFilter(pb.filter, true) : undefined;
  return {
    columnsToGet: pb.columnsToGet,
    ...(maxVersions !== undefined ? { maxVersions } : {}),
    ...(timeRange !== undefined ? { timeRange } : {}),
    ...(filter !== undefined ? { filter } : {}),
    ...(has(pb, 'startColumn') && pb.startColumn ? { startColumn: pb.startColumn } : {}),
    ...(has(pb, 'endColumn') && pb.endColumn ? { endColumn: pb.endColumn } : {}),
  };
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A key sent to a read: cells of the primary key only, no attributes, no delete marker. */
function readKey(bytes: Uint8Array, allowInfinity = false): readonly PlainCell[] {
  const row = decodePlainRow(bytes);
  if (row.cells.length > 0) throw otsErrors.parameterInvalid('Attribute column cannot be given while reading data.');
  if (row.deleteMarker) throw otsErrors.parameterInvalid('Delete marker cannot be given.');
  checkKeyCells(row.primaryKey, { allowInfinity });
  return row.primaryKey;
}

export function keyCells(table: Table, key: readonly Variant[]): PlainCell[] {
  return table.primaryKey.map((column, i) => ({ name: column.name, value: key[i] as Variant }));
}

/**
 * The row as this read returns it, or undefined when the filter rejects it or none of the asked
 * columns exist. Columns come in name order, versions newest first, each with its timestamp.
 */
export function projectRow(table: Table, row: StoredRow, query: ReadQuery): PlainRow | undefined {
  const wanted = query.columnsToGet.length > 0 ? new Set(query.columnsToGet) : undefined;
  const names = [...row.columns.keys()].sort(byteOrder).filter((name) => {
    if (wanted && !wanted.has(name)) return false;
    if (query.startColumn !== undefined && byteOrder(name, query.startColumn) < 0) return false;
    if (query.endColumn !== undefined && byteOrder(name, query.endColumn) >= 0) return false;
    return true;
  });
  const selected = new Map<string, readonly CellVersion[]>();
  for (const name of names) {
    let versions = row.columns.get(name) ?? [];
    if (query.timeRange) {
      const { start, end } = query.timeRange;
      versions = versions.filter((v) => v.ts >= start && v.ts < end);
    }
    if (query.maxVersions !== undefined) versions = versions.slice(0, query.maxVersions);
    if (versions.length > 0) selected.set(name, versions);
  }
  // A filter sees only what the read returns: its reference columns must be among columns_to_get.
  if (query.filter && !evaluateFilter(query.filter, selected)) return undefined;
  let columns = [...selected.keys()];
  if (query.filter?.kind === 'pagination') columns = columns.slice(query.filter.offset, query.filter.offset + query.filter.limit);
  const cells: PlainCell[] = [];
  for (const name of columns) {
    for (const v of selected.get(name) ?? []) cells.push({ name, value: v.value, timestamp: v.ts });
  }
  const asksForKey = wanted !== undefined && table.primaryKey.some((c) => wanted.has(c.name));
  if (wanted && cells.length === 0 && !asksForKey) return undefined;
  return { primaryKey: keyCells(table, row.key), cells };
}

export function rowBytes(row: StoredRow): number {
  let size = 0;
  for (const v of row.key) size += valueSize(v);
  for (const [name, versions] of row.columns) {
    for (const v of versions) size += Buffer.byteLength(name, 'utf8') + valueSize(v.value);
  }
  return size;
}

function plainRowBytes(row: PlainRow | undefined): number {
  if (!row) return 0;
  let size = 0;
  for (const cell of [...row.primaryKey, ...row.cells]) {
    if (cell.value && cell.value.type !== 'INF_MIN' && cell.value.type !== 'INF_MAX' && cell.value.type !== 'AUTO_INCREMENT') {
      size += valueSize(cell.value);
    }
    size += Buffer.byteLength(cell.name, 'utf8');
  }
  return size;
}

// ---- GetRow -----------------------------------------------------------------------------------

export function getRow(instance: Instance, nowMs: number, pb: PbGetRowRequest): { consumed: Consumed; row: Buffer } {
  checkTableName(pb.tableName);
  const query = parseReadQuery(pb);
  const cells = readKey(pb.primaryKey);
  const table = instance.readableTable(pb.tableName);
  const key = keyValues(matchKey(table, cells));
  const stored = table.visibleRow(key, nowMs);
  const row = stored ? projectRow(table, stored, query) : undefined;
  return { consumed: capacity(plainRowBytes(row), undefined), row: row ? encodeRow(row) : Buffer.alloc(0) };
}

// ---- BatchGetRow ------------------------------------------------------------------------------

export function batchGetRow(instance: Instance, nowMs: number, pb: PbBatchGetRowRequest): object {
  if (pb.tables.length === 0) throw otsErrors.parameterInvalid('No row specified in the request of BatchGetRow.');
  const seen = new Set<string>();
  let total = 0;
  const plans = pb.tables.map((t) => {
    checkTableName(t.tableName);
    if (seen.has(t.tableName)) throw otsErrors.parameterInvalid(`Duplicated table name: '${t.tableName}'.`);
    seen.add(t.tableName);
    total += t.primaryKey.length;
    const query = parseReadQuery(t);
    const keys = t.primaryKey.map((bytes) => readKey(bytes));
    return { tableName: t.tableName, query, keys };
  });
  if (total > LIMITS.batchGetRows) throw otsErrors.rowsCountExceeded(LIMITS.batchGetRows);

  return {
    tables: plans.map((plan) => ({
      tableName: plan.tableName,
      rows: plan.keys.map((cells) => {
        try {
          const table = instance.readableTable(plan.tableName);
          const key = keyValues(matchKey(table, cells));
          const stored = table.visibleRow(key, nowMs);
          const row = stored ? projectRow(table, stored, plan.query) : undefined;
          return { isOk: true, consumed: capacity(plainRowBytes(row), undefined), row: row ? encodeRow(row) : Buffer.alloc(0) };
        } catch (err) {
          if (!(err instanceof OtsError)) throw err;
          return { isOk: false, error: { code: err.code, message: err.message } };
        }
      }),
    })),
  };
}

// ---- GetRange ---------------------------------------------------------------------------------

export function getRange(instance: Instance, nowMs: number, pb: PbGetRangeRequest): object {
  checkTableName(pb.tableName);
  const query = parseReadQuery(pb);
  const direction = pb.direction === DIRECTION.BACKWARD ? 'BACKWARD' : pb.direction === DIRECTION.FORWARD ? 'FORWARD' : undefined;
  if (!direction) throw otsErrors.parameterInvalid(`Invalid direction: ${pb.direction}.`);
  let limit: number = LIMITS.rangeRows;
  if (has(pb, 'limit')) {
    const asked = pb.limit ?? 0;
    if (asked <= 0) throw otsErrors.parameterInvalid('The limit must be greater than 0.');
    limit = Math.min(asked, LIMITS.rangeRows);
  }
  const startCells = readKey(pb.inclusiveStartPrimaryKey, true);
  const endCells = readKey(pb.exclusiveEndPrimaryKey, true);
  const table = instance.readableTable(pb.tableName);
  const start = matchKey(table, startCells, { allowInfinity: true });
  const end = matchKey(table, endCells, { allowInfinity: true });
  const order = compareKeys(start, end);
  if (direction === 'FORWARD' && order >= 0) throw otsErrors.parameterInvalid('Begin key must less than end key in FORWARD');
  if (direction === 'BACKWARD' && order <= 0) throw otsErrors.parameterInvalid('Begin key must more than end key in BACKWARD');

  const rows: PlainRow[] = [];
  let scanned = 0;
  let scannedBytes = 0;
  let next: readonly KeyValue[] | undefined;
  for (const stored of walk(table, start, end, direction)) {
    const row = table.visibleRow(stored.key, nowMs);
    if (!row) continue;
    if (rows.length >= limit || scanned >= LIMITS.rangeRows || scannedBytes >= LIMITS.rangeBytes) {
      next = row.key;
      break;
    }
    scanned += 1;
    scannedBytes += rowBytes(row);
    const projected = projectRow(table, row, query);
    if (projected) rows.push(projected);
  }
  return {
    consumed: capacity(scannedBytes, undefined),
    rows: encodeRows(rows),
    ...(next ? { nextStartPrimaryKey: encodeRow({ primaryKey: keyCells(table, next), cells: [] }) } : {}),
    dataBlockType: 0,
    compressType: 0,
  };
}

function* walk(table: Table, start: readonly Variant[], end: readonly Variant[], direction: 'FORWARD' | 'BACKWARD'): Generator<StoredRow> {
  const store = table.rows;
  if (direction === 'FORWARD') {
    for (let i = store.lowerBound(start); i < store.size; i++) {
      const row = store.at(i) as StoredRow;
      if (compareKeys(row.key, end) >= 0) return;
      yield row;
    }
    return;
  }
  let i = store.lowerBound(start);
  const atStart = store.at(i);
  if (!atStart || compareKeys(atStart.key, start) !== 0) i -= 1;
  for (; i >= 0; i--) {
    const row = store.at(i) as StoredRow;
    if (compareKeys(row.key, end) <= 0) return;
    yield row;
  }
}
