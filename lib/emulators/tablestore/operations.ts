// The operations the emulator serves, by the name in the request path (POST /<Operation>): the
// protobuf request and response types of each and the handler that turns one into the other.
import { isConditionFailure } from './conditions';
import { OtsError, otsErrors } from './errors';
import type { Instance } from './instance';
import { encodeRow } from './plainbuffer';
import {
  DEFINED_COLUMN_TYPE,
  has,
  INDEX_SYNC_PHASE_INCR,
  int64ToNumber,
  OPERATION_TYPE,
  PK_OPTION_AUTO_INCREMENT,
  PK_TYPE,
  TABLE_STATUS_ACTIVE,
  decodeMessage,
  type PbBatchGetRowRequest,
  type PbBatchWriteRowRequest,
  type PbAddDefinedColumnRequest,
  type PbCreateIndexRequest,
  type PbCreateTableRequest,
  type PbDeleteRowRequest,
  type PbDropIndexRequest,
  type PbGetRangeRequest,
  type PbGetRowRequest,
  type PbIndexMeta,
  type PbPutRowRequest,
  type PbTableNameRequest,
  type PbTableOptions,
  type PbUpdateRowRequest,
  type PbUpdateTableRequest,
} from './protocol';
import { batchGetRow, getRange, getRow } from './reads';
import { indexKeySchema, indexRowFor } from './secondary-index';
import { Table, type DefinedColumn, type IndexDefinition, type PrimaryKeyColumn, type TableOptions } from './table';
import { LIMITS, checkColumnName, checkTableName } from './validation';
import { executeRowWrite, parseRowWrite, type RowWrite, type WriteKind } from './writes';
import type { CellType, KeyType } from './values';

export interface OperationContext {
  readonly instance: Instance;
  readonly nowMs: number;
  /** Called for every OTSConditionCheckFail, single-row or inside a batch (for /-/stats). */
  readonly onConditionFailure: () => void;
}

export interface OperationSpec {
  readonly request: string;
  readonly response: string;
  /** Whether a successful call can change state (persistence saves after those). */
  readonly mutates: boolean;
  handle(ctx: OperationContext, body: Uint8Array): object;
}

function keyTypeOf(n: number): KeyType {
  switch (n) {
    case PK_TYPE.INTEGER:
      return 'INTEGER';
    case PK_TYPE.STRING:
      return 'STRING';
    case PK_TYPE.BINARY:
      return 'BINARY';
    default:
      throw otsErrors.parameterInvalid(`Invalid column type: ${n}.`);
  }
}

function keyTypeNumber(t: KeyType): number {
  return PK_TYPE[t];
}

function definedTypeOf(n: number): CellType {
  switch (n) {
    case DEFINED_COLUMN_TYPE.DCT_INTEGER:
      return 'INTEGER';
    case DEFINED_COLUMN_TYPE.DCT_DOUBLE:
      return 'DOUBLE';
    case DEFINED_COLUMN_TYPE.DCT_BOOLEAN:
      return 'BOOLEAN';
    case DEFINED_COLUMN_TYPE.DCT_STRING:
      return 'STRING';
    case DEFINED_COLUMN_TYPE.DCT_BLOB:
      return 'BINARY';
    default:
      throw otsErrors.parameterInvalid(`Invalid column type: ${n}.`);
  }
}

function definedTypeNumber(t: CellType): number {
  const map: Record<CellType, number> = {
    INTEGER: DEFINED_COLUMN_TYPE.DCT_INTEGER,
    DOUBLE: DEFINED_COLUMN_TYPE.DCT_DOUBLE,
    BOOLEAN: DEFINED_COLUMN_TYPE.DCT_BOOLEAN,
    STRING: DEFINED_COLUMN_TYPE.DCT_STRING,
    BINARY: DEFINED_COLUMN_TYPE.DCT_BLOB,
  };
  return map[t];
}

// ---- table operations -------------------------------------------------------------------------

/**
 * TableOptions as the TableOptions reference documents them (help.aliyun.com/en/tablestore/
 * developer-reference/tableoptions): time_to_live at least 86400 s (one day) or -1 (never
 * expires); max_versions at least 1; deviation_cell_version_in_sec not negative; allow_update
 * true unless given. CreateTable must name time_to_live and max_versions. The messages are the
 * emulator's (the service's wording for these is unconfirmed).
 */
export const TABLE_OPTION_RULES = {
  minTimeToLiveSec: 86_400,
  foreverTimeToLive: -1,
  minMaxVersions: 1,
  defaultDeviationSec: 86_400,
  /** INT64_MAX / 1000000: the deviation is kept in microseconds. */
  maxDeviationSec: 9_223_372_036_854,
} as const;

function parseTableOptions(pb: PbTableOptions | null | undefined, base: TableOptions | undefined): TableOptions {
  const present = (field: string) => has(pb, field);
  if (!base) {
    if (!present('timeToLive')) throw otsErrors.parameterInvalid('Time-to-live is missing while creating table.');
    if (!present('maxVersions')) throw otsErrors.parameterInvalid('MaxVersions is missing while creating table.');
  }
  const timeToLive = present('timeToLive') ? (pb?.timeToLive ?? 0) : (base?.timeToLive ?? -1);
  const maxVersions = present('maxVersions') ? (pb?.maxVersions ?? 0) : (base?.maxVersions ?? 1);
  const deviation = present('deviationCellVersionInSec')
    ? int64ToNumber(pb?.deviationCellVersionInSec)
    : (base?.deviationCellVersionInSec ?? TABLE_OPTION_RULES.defaultDeviationSec);
  const allowUpdate = present('allowUpdate') ? Boolean(pb?.allowUpdate) : (base?.allowUpdate ?? true);
  if (timeToLive !== TABLE_OPTION_RULES.foreverTimeToLive && timeToLive < TABLE_OPTION_RULES.minTimeToLiveSec) {
    throw otsErrors.parameterInvalid(
      `Invalid TimeToLive: ${timeToLive}. It must be -1 (never expire) or at least ${TABLE_OPTION_RULES.minTimeToLiveSec} seconds.`,
    );
  }
  if (maxVersions < TABLE_OPTION_RULES.minMaxVersions) throw otsErrors.parameterInvalid('The maximum versions cannot be less than or equal to 0.');
  if (deviation < 0 || deviation > TABLE_OPTION_RULES.maxDeviationSec) {
    throw otsErrors.parameterInvalid('The maximum deviation must be in range [0, INT64_MAX/1000000].');
  }
  return { timeToLive, maxVersions, deviationCellVersionInSec: deviation, allowUpdate };
}

function parseCapacity(cu: { read?: number; write?: number } | undefined): { read: number; write: number } {
  const read = cu?.read ?? 0;
  const write = cu?.write ?? 0;
  for (const v of [read, write]) {
    if (v < 0) throw otsErrors.parameterInvalid(`Invalid Capacity Unit:${v} . Capacity Unit must be nonnegative.`);
  }
  return { read, write };
}

function parseIndexMeta(pb: PbIndexMeta): IndexDefinition {
  checkTableName(pb.name);
  for (const name of [...pb.primaryKey, ...pb.definedColumn]) checkColumnName(name);
  return {
    name: pb.name,
    primaryKey: [...pb.primaryKey],
    definedColumn: [...pb.definedColumn],
    updateMode: pb.indexUpdateMode,
    indexType: pb.indexType,
  };
}

function newIndexTable(main: Table, def: IndexDefinition, nowMs: number): Table {
  const schema = indexKeySchema(main, def);
  const defined = def.definedColumn.map((name) => main.definedColumn(name) as DefinedColumn);
  return new Table(def.name, schema, defined, { ...main.options }, { read: 0, write: 0 }, nowMs, [], {
    mainTable: main.name,
    definition: def,
  });
}

function createTable(ctx: OperationContext, pb: PbCreateTableRequest): object {
  const meta = pb.tableMeta;
  checkTableName(meta.tableName);
  if (meta.primaryKey.length < 1 || meta.primaryKey.length > LIMITS.primaryKeyColumns) {
    throw otsErrors.pkCountOutOfRange(LIMITS.primaryKeyColumns);
  }
  const primaryKey: PrimaryKeyColumn[] = [];
  for (const [i, pk] of meta.primaryKey.entries()) {
    checkColumnName(pk.name);
    if (primaryKey.some((c) => c.name === pk.name)) throw otsErrors.duplicatedPkName(pk.name);
    const type = keyTypeOf(pk.type);
    const autoIncrement = has(pk, 'option') && pk.option === PK_OPTION_AUTO_INCREMENT;
    if (autoIncrement) {
      if (type !== 'INTEGER') throw otsErrors.parameterInvalid('AUTO_INCREMENT primary key must be integer.');
      if (i === 0) throw otsErrors.parameterInvalid(`First primary key can't be auto increment, table: ${meta.tableName}.`);
      if (primaryKey.some((c) => c.autoIncrement)) throw otsErrors.parameterInvalid('AUTO_INCREMENT primary key count must <= 1.');
    }
    primaryKey.push({ name: pk.name, type, autoIncrement });
  }
  if (meta.definedColumn.length > LIMITS.definedColumns) {
    throw otsErrors.parameterInvalid(`The number of defined columns must be in range: [0, ${LIMITS.definedColumns}].`);
  }
  const definedColumns: DefinedColumn[] = [];
  for (const col of meta.definedColumn) {
    checkColumnName(col.name);
    if (primaryKey.some((c) => c.name === col.name)) throw otsErrors.duplicatedAttributeWithPk(col.name);
    if (definedColumns.some((c) => c.name === col.name)) {
      throw otsErrors.parameterInvalid(`Duplicated attribute column name: '${col.name}'.`);
    }
    definedColumns.push({ name: col.name, type: definedTypeOf(col.type) });
  }
  const options = parseTableOptions(pb.tableOptions, undefined);
  const reserved = parseCapacity(pb.reservedThroughput?.capacityUnit);
  const table = new Table(meta.tableName, primaryKey, definedColumns, options, reserved, ctx.nowMs);
  const indexTables: Table[] = [];
  for (const indexPb of pb.indexMetas) {
    const def = parseIndexMeta(indexPb);
    if (def.name === table.name || indexTables.some((t) => t.name === def.name)) throw otsErrors.objectAlreadyExist();
    table.indexes.push(def);
    indexTables.push(newIndexTable(table, def, ctx.nowMs));
  }
  const { instance } = ctx;
  for (const t of [table, ...indexTables]) if (instance.tables.has(t.name)) throw otsErrors.objectAlreadyExist();
  if (instance.tables.size + 1 + indexTables.length > LIMITS.tablesPerInstance) throw otsErrors.tableQuotaExhausted();
  for (const t of [table, ...indexTables]) instance.tables.set(t.name, t);
  return {};
}

function describeIndex(def: IndexDefinition): object {
  return {
    name: def.name,
    primaryKey: def.primaryKey,
    definedColumn: def.definedColumn,
    indexUpdateMode: def.updateMode,
    indexType: def.indexType,
    indexSyncPhase: INDEX_SYNC_PHASE_INCR,
  };
}

function describeOptions(o: TableOptions): object {
  return {
    timeToLive: o.timeToLive,
    maxVersions: o.maxVersions,
    deviationCellVersionInSec: o.deviationCellVersionInSec,
    allowUpdate: o.allowUpdate,
  };
}

function reservedDetails(table: Table): object {
  return {
    capacityUnit: { read: table.reservedThroughput.read, write: table.reservedThroughput.write },
    lastIncreaseTime: Math.floor(table.createdAtMs / 1000),
  };
}

function describeTable(ctx: OperationContext, pb: PbTableNameRequest): object {
  checkTableName(pb.tableName);
  const table = ctx.instance.dataTable(pb.tableName);
  return {
    tableMeta: {
      tableName: table.name,
      primaryKey: table.primaryKey.map((c) => ({
        name: c.name,
        type: keyTypeNumber(c.type),
        ...(c.autoIncrement ? { option: PK_OPTION_AUTO_INCREMENT } : {}),
      })),
      definedColumn: table.definedColumns.map((c) => ({ name: c.name, type: definedTypeNumber(c.type) })),
    },
    reservedThroughputDetails: reservedDetails(table),
    tableOptions: describeOptions(table.options),
    tableStatus: TABLE_STATUS_ACTIVE,
    indexMetas: table.indexes.map(describeIndex),
  };
}

function deleteTable(ctx: OperationContext, pb: PbTableNameRequest): object {
  checkTableName(pb.tableName);
  const table = ctx.instance.dataTable(pb.tableName);
  // Deleting a data table deletes its secondary indexes with it.
  for (const def of table.indexes) ctx.instance.tables.delete(def.name);
  ctx.instance.tables.delete(table.name);
  return {};
}

function updateTable(ctx: OperationContext, pb: PbUpdateTableRequest): object {
  checkTableName(pb.tableName);
  const table = ctx.instance.dataTable(pb.tableName);
  const optionsGiven = ['timeToLive', 'maxVersions', 'deviationCellVersionInSec', 'allowUpdate'].some((f) => has(pb.tableOptions, f));
  if (has(pb, 'tableOptions') && !optionsGiven && !has(pb, 'reservedThroughput')) {
    throw otsErrors.parameterInvalid('No parameter is specified in table options.');
  }
  const options = optionsGiven ? parseTableOptions(pb.tableOptions, table.options) : table.options;
  const reserved = has(pb, 'reservedThroughput') ? parseCapacity(pb.reservedThroughput?.capacityUnit) : table.reservedThroughput;
  if (table.indexes.length > 0) {
    const probe = new Table(table.name, table.primaryKey, table.definedColumns, options, reserved, table.createdAtMs, table.indexes);
    for (const def of table.indexes) indexKeySchema(probe, def);
  }
  table.options = options;
  table.reservedThroughput = reserved;
  for (const index of ctx.instance.indexTablesOf(table)) index.options = { ...options };
  return { reservedThroughputDetails: reservedDetails(table), tableOptions: describeOptions(options) };
}

/**
 * AddDefinedColumn (doc): declares more pre-defined columns on a data table, at most 32 in all;
 * rows already written keep their cells. Error wordings are the emulator's.
 */
function addDefinedColumn(ctx: OperationContext, pb: PbAddDefinedColumnRequest): object {
  checkTableName(pb.tableName);
  const table = ctx.instance.dataTable(pb.tableName);
  if (pb.columns.length === 0) throw otsErrors.parameterInvalid('No defined column is specified.');
  const added: DefinedColumn[] = [];
  for (const col of pb.columns) {
    checkColumnName(col.name);
    if (table.primaryKey.some((c) => c.name === col.name)) throw otsErrors.duplicatedAttributeWithPk(col.name);
    if (table.definedColumn(col.name) || added.some((c) => c.name === col.name)) {
      throw otsErrors.parameterInvalid(`Duplicated attribute column name: '${col.name}'.`);
    }
    added.push({ name: col.name, type: definedTypeOf(col.type) });
  }
  if (table.definedColumns.length + added.length > LIMITS.definedColumns) {
    throw otsErrors.parameterInvalid(`The number of defined columns must be in range: [0, ${LIMITS.definedColumns}].`);
  }
  table.definedColumns = [...table.definedColumns, ...added];
  return {};
}

function createIndex(ctx: OperationContext, pb: PbCreateIndexRequest): object {
  checkTableName(pb.mainTableName);
  const main = ctx.instance.dataTable(pb.mainTableName);
  const def = parseIndexMeta(pb.indexMeta);
  if (ctx.instance.tables.has(def.name)) throw otsErrors.objectAlreadyExist();
  if (ctx.instance.tables.size + 1 > LIMITS.tablesPerInstance) throw otsErrors.tableQuotaExhausted();
  const index = newIndexTable(main, def, ctx.nowMs);
  if (pb.includeBaseData) {
    for (const stored of main.rows.all()) {
      const row = main.visibleRow(stored.key, ctx.nowMs);
      const indexRow = indexRowFor(main, index, row);
      if (indexRow) index.rows.set(indexRow);
    }
  }
  main.indexes.push(def);
  ctx.instance.tables.set(def.name, index);
  return {};
}

function dropIndex(ctx: OperationContext, pb: PbDropIndexRequest): object {
  checkTableName(pb.mainTableName);
  checkTableName(pb.indexName);
  const main = ctx.instance.dataTable(pb.mainTableName);
  if (!main.indexes.some((d) => d.name === pb.indexName)) throw otsErrors.objectNotExist();
  main.indexes = main.indexes.filter((d) => d.name !== pb.indexName);
  ctx.instance.tables.delete(pb.indexName);
  return {};
}

// ---- row operations -----------------------------------------------------------------------------

function singleWrite(ctx: OperationContext, w: RowWrite): object {
  try {
    const outcome = executeRowWrite(ctx.instance, ctx.nowMs, w);
    return { consumed: outcome.consumed, ...(outcome.row ? { row: encodeRow(outcome.row) } : {}) };
  } catch (err) {
    if (isConditionFailure(err)) ctx.onConditionFailure();
    throw err;
  }
}

const WRITE_KIND: Record<number, WriteKind> = {
  [OPERATION_TYPE.PUT]: 'PUT',
  [OPERATION_TYPE.UPDATE]: 'UPDATE',
  [OPERATION_TYPE.DELETE]: 'DELETE',
};

/** Identity of a write's key within one request; auto-increment keys are always distinct. */
function keyIdentity(w: RowWrite, position: number): string {
  return w.primaryKey
    .map((c) => {
      const v = c.value;
      if (!v) return c.name;
      if (v.type === 'AUTO_INCREMENT') return `${c.name}=#${position}`;
      if (v.type === 'BINARY') return `${c.name}=B:${v.value.toString('base64')}`;
      return 'value' in v ? `${c.name}=${v.type}:${String(v.value)}` : `${c.name}=${v.type}`;
    })
    .join('\u0000');
}

function batchWriteRow(ctx: OperationContext, pb: PbBatchWriteRowRequest): object {
  if (pb.tables.length === 0) throw otsErrors.parameterInvalid('No row is specified in BatchWriteRow.');
  const seenTables = new Set<string>();
  let total = 0;
  let bytes = 0;
  const plans = pb.tables.map((t) => {
    checkTableName(t.tableName);
    if (seenTables.has(t.tableName)) throw otsErrors.parameterInvalid(`Duplicated table name: '${t.tableName}'.`);
    seenTables.add(t.tableName);
    if (t.rows.length === 0) throw otsErrors.parameterInvalid(`No operation is specified for table: '${t.tableName}'.`);
    total += t.rows.length;
    const writes = t.rows.map((row) => {
      const kind = WRITE_KIND[row.type];
      if (!kind) throw otsErrors.parameterInvalid('The type of row in batch write operation is invalid.');
      const w = parseRowWrite(kind, t.tableName, row.rowChange, row.condition, row.returnContent);
      bytes += w.size;
      return w;
    });
    // Rows repeated within one request cannot carry conditions or counters: their order of
    // evaluation would be ambiguous.
    const byKey = new Map<string, RowWrite[]>();
    for (const [i, w] of writes.entries()) {
      const id = keyIdentity(w, i);
      byKey.set(id, [...(byKey.get(id) ?? []), w]);
    }
    for (const group of byKey.values()) {
      if (group.length < 2) continue;
      if (group.some((w) => w.condition.rowExistence !== 'IGNORE')) {
        throw otsErrors.parameterInvalid('Repeated rows do not support row exist expectation check in BatchModify.');
      }
      if (group.some((w) => w.condition.columnCondition)) {
        throw otsErrors.parameterInvalid('Repeated rows do not support row condition check in BatchModify.');
      }
      if (group.some((w) => w.cells.some((c) => c.op === 'INCREMENT'))) {
        // Documented restriction; wording is the emulator's.
        throw otsErrors.parameterInvalid('Repeated rows do not support increment in BatchModify.');
      }
    }
    return { tableName: t.tableName, writes };
  });
  if (total > LIMITS.batchWriteRows) throw otsErrors.rowsCountExceeded(LIMITS.batchWriteRows);
  if (bytes > LIMITS.batchWriteBytes) throw otsErrors.batchWriteTooLarge(LIMITS.batchWriteBytes, bytes);

  // Each row succeeds or fails on its own; a failed row leaves the others committed.
  return {
    tables: plans.map((plan) => ({
      tableName: plan.tableName,
      rows: plan.writes.map((w) => {
        try {
          const outcome = executeRowWrite(ctx.instance, ctx.nowMs, w);
          return { isOk: true, consumed: outcome.consumed, ...(outcome.row ? { row: encodeRow(outcome.row) } : {}) };
        } catch (err) {
          if (!(err instanceof OtsError)) throw err;
          if (isConditionFailure(err)) ctx.onConditionFailure();
          return { isOk: false, error: { code: err.code, message: err.message } };
        }
      }),
    })),
  };
}

// ---- registry -----------------------------------------------------------------------------------

function spec<Req>(request: string, response: string, mutates: boolean, handler: (ctx: OperationContext, req: Req) => object): OperationSpec {
  return {
    request: `main.proto.${request}`,
    response: `main.proto.${response}`,
    mutates,
    handle: (ctx, body) => handler(ctx, decodeMessage<Req>(`main.proto.${request}`, body)),
  };
}

export const OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  CreateTable: spec<PbCreateTableRequest>('CreateTableRequest', 'CreateTableResponse', true, createTable),
  ListTable: spec<object>('ListTableRequest', 'ListTableResponse', false, (ctx) => ({ tableNames: ctx.instance.dataTableNames() })),
  DescribeTable: spec<PbTableNameRequest>('DescribeTableRequest', 'DescribeTableResponse', false, describeTable),
  UpdateTable: spec<PbUpdateTableRequest>('UpdateTableRequest', 'UpdateTableResponse', true, updateTable),
  DeleteTable: spec<PbTableNameRequest>('DeleteTableRequest', 'DeleteTableResponse', true, deleteTable),
  AddDefinedColumn: spec<PbAddDefinedColumnRequest>('AddDefinedColumnRequest', 'AddDefinedColumnResponse', true, addDefinedColumn),
  CreateIndex: spec<PbCreateIndexRequest>('CreateIndexRequest', 'CreateIndexResponse', true, createIndex),
  DropIndex: spec<PbDropIndexRequest>('DropIndexRequest', 'DropIndexResponse', true, dropIndex),
  GetRow: spec<PbGetRowRequest>('GetRowRequest', 'GetRowResponse', false, (ctx, req) => getRow(ctx.instance, ctx.nowMs, req)),
  PutRow: spec<PbPutRowRequest>('PutRowRequest', 'PutRowResponse', true, (ctx, req) =>
    singleWrite(ctx, parseRowWrite('PUT', req.tableName, req.row, req.condition, req.returnContent)),
  ),
  UpdateRow: spec<PbUpdateRowRequest>('UpdateRowRequest', 'UpdateRowResponse', true, (ctx, req) =>
    singleWrite(ctx, parseRowWrite('UPDATE', req.tableName, req.rowChange, req.condition, req.returnContent)),
  ),
  DeleteRow: spec<PbDeleteRowRequest>('DeleteRowRequest', 'DeleteRowResponse', true, (ctx, req) =>
    singleWrite(ctx, parseRowWrite('DELETE', req.tableName, req.primaryKey, req.condition, req.returnContent)),
  ),
  BatchGetRow: spec<PbBatchGetRowRequest>('BatchGetRowRequest', 'BatchGetRowResponse', false, (ctx, req) => batchGetRow(ctx.instance, ctx.nowMs, req)),
  BatchWriteRow: spec<PbBatchWriteRowRequest>('BatchWriteRowRequest', 'BatchWriteRowResponse', true, batchWriteRow),
  GetRange: spec<PbGetRangeRequest>('GetRangeRequest', 'GetRangeResponse', false, (ctx, req) => getRange(ctx.instance, ctx.nowMs, req)),
};

export function isOperationName(name: string): boolean {
  return Object.hasOwn(OPERATIONS, name);
}
