// The protobuf side of the wire: message types loaded at run time from the .proto files the
// tablestore SDK ships (so the emulator and the client can never disagree on field numbers), and
// the shapes of the decoded requests the operations read. Field names are protobufjs camelCase.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import { otsErrors } from './errors';

let cachedRoot: protobuf.Root | undefined;

function root(): protobuf.Root {
  if (!cachedRoot) {
    const sdkDir = dirname(createRequire(import.meta.url).resolve('tablestore/package.json'));
    const protoDir = join(sdkDir, 'lib', 'protocol');
    cachedRoot = protobuf.loadSync([join(protoDir, 'tablestore.proto'), join(protoDir, 'tablestore_filter.proto')]);
    protobuf.parse(MESSAGES_THE_SDK_LACKS, cachedRoot);
  }
  return cachedRoot;
}

// Operations of the service whose messages the SDK's .proto files do not carry, written from the
// API reference (doc: AddDefinedColumn request and response syntax).
const MESSAGES_THE_SDK_LACKS = `
syntax = "proto2";
package main.proto;
message AddDefinedColumnRequest { required string table_name = 1; repeated DefinedColumnSchema columns = 2; }
message AddDefinedColumnResponse {}
`;

function type(name: string): protobuf.Type {
  return root().lookupType(name);
}

/** Decodes a request; malformed bytes or a missing required field become OTSParameterInvalid. */
export function decodeMessage<T>(typeName: string, body: Uint8Array): T {
  try {
    return type(typeName).decode(body) as unknown as T;
  } catch {
    throw otsErrors.cannotParseMessage();
  }
}

export function encodeMessage(typeName: string, value: object): Buffer {
  const t = type(typeName);
  return Buffer.from(t.encode(t.fromObject(value as Record<string, unknown>)).finish());
}

export function encodeErrorBody(code: string, message: string): Buffer {
  return encodeMessage('main.proto.Error', { code, message });
}

/**
 * Whether an optional field was present on the wire: protobufjs keeps defaults on the prototype
 * (and an absent message field reads as null), so presence is an own property.
 */
export function has(message: object | null | undefined, field: string): boolean {
  return message !== null && message !== undefined && Object.hasOwn(message, field);
}

/** int64 fields decode to Long; the values the service uses (ms, seconds) fit a JS number. */
export function int64ToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === undefined || v === null) return 0;
  return Number(String(v));
}

// ---- request shapes (only the fields the emulator reads) -------------------------------------

export interface PbCapacityUnit {
  read?: number;
  write?: number;
}
export interface PbPrimaryKeySchema {
  name: string;
  type: number;
  option?: number;
}
export interface PbDefinedColumnSchema {
  name: string;
  type: number;
}
export interface PbTableOptions {
  timeToLive?: number;
  maxVersions?: number;
  deviationCellVersionInSec?: unknown;
  allowUpdate?: boolean;
}
export interface PbIndexMeta {
  name: string;
  primaryKey: string[];
  definedColumn: string[];
  indexUpdateMode: number;
  indexType: number;
}
export interface PbCreateTableRequest {
  tableMeta: { tableName: string; primaryKey: PbPrimaryKeySchema[]; definedColumn: PbDefinedColumnSchema[] };
  reservedThroughput: { capacityUnit: PbCapacityUnit };
  tableOptions?: PbTableOptions | null;
  indexMetas: PbIndexMeta[];
}
export interface PbUpdateTableRequest {
  tableName: string;
  reservedThroughput?: { capacityUnit: PbCapacityUnit } | null;
  tableOptions?: PbTableOptions | null;
}
export interface PbTableNameRequest {
  tableName: string;
}
export interface PbAddDefinedColumnRequest {
  tableName: string;
  columns: PbDefinedColumnSchema[];
}
export interface PbCreateIndexRequest {
  mainTableName: string;
  indexMeta: PbIndexMeta;
  includeBaseData?: boolean;
}
export interface PbDropIndexRequest {
  mainTableName: string;
  indexName: string;
}
export interface PbTimeRange {
  startTime?: unknown;
  endTime?: unknown;
  specificTime?: unknown;
}
export interface PbCondition {
  rowExistence: number;
  columnCondition?: Uint8Array;
}
export interface PbReturnContent {
  returnType?: number;
  returnColumnNames: string[];
}
export interface PbReadOptions {
  columnsToGet: string[];
  timeRange?: PbTimeRange | null;
  maxVersions?: number;
  filter?: Uint8Array;
  startColumn?: string;
  endColumn?: string;
}
export interface PbGetRowRequest extends PbReadOptions {
  tableName: string;
  primaryKey: Uint8Array;
}
export interface PbPutRowRequest {
  tableName: string;
  row: Uint8Array;
  condition: PbCondition;
  returnContent?: PbReturnContent | null;
}
export interface PbUpdateRowRequest {
  tableName: string;
  rowChange: Uint8Array;
  condition: PbCondition;
  returnContent?: PbReturnContent | null;
}
export interface PbDeleteRowRequest {
  tableName: string;
  primaryKey: Uint8Array;
  condition: PbCondition;
  returnContent?: PbReturnContent | null;
}
export interface PbTableInBatchGetRowRequest extends PbReadOptions {
  tableName: string;
  primaryKey: Uint8Array[];
}
export interface PbBatchGetRowRequest {
  tables: PbTableInBatchGetRowRequest[];
}
export interface PbRowInBatchWriteRowRequest {
  type: number;
  rowChange: Uint8Array;
  condition: PbCondition;
  returnContent?: PbReturnContent | null;
}
export interface PbBatchWriteRowRequest {
  tables: { tableName: string; rows: PbRowInBatchWriteRowRequest[] }[];
}
export interface PbGetRangeRequest extends PbReadOptions {
  tableName: string;
  direction: number;
  limit?: number;
  inclusiveStartPrimaryKey: Uint8Array;
  exclusiveEndPrimaryKey: Uint8Array;
}

// ---- enums (tablestore.proto, tablestore_filter.proto) ---------------------------------------

export const PK_TYPE = { INTEGER: 1, STRING: 2, BINARY: 3 } as const;
export const DEFINED_COLUMN_TYPE = { DCT_INTEGER: 1, DCT_DOUBLE: 2, DCT_BOOLEAN: 3, DCT_STRING: 4, DCT_BLOB: 7 } as const;
export const PK_OPTION_AUTO_INCREMENT = 1;
export const ROW_EXISTENCE = { IGNORE: 0, EXPECT_EXIST: 1, EXPECT_NOT_EXIST: 2 } as const;
export const RETURN_TYPE = { RT_NONE: 0, RT_PK: 1, RT_AFTER_MODIFY: 2 } as const;
export const OPERATION_TYPE = { PUT: 1, UPDATE: 2, DELETE: 3 } as const;
export const DIRECTION = { FORWARD: 0, BACKWARD: 1 } as const;
export const TABLE_STATUS_ACTIVE = 1;
export const INDEX_SYNC_PHASE_INCR = 2;
export const INDEX_TYPE = { GLOBAL: 0, LOCAL: 1 } as const;
