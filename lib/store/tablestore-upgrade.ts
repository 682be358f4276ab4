// Deploy-time schema changes: what a table made by an earlier release lacks (the columns and
// indexes tablestore-schema.ts declares), and adding it. Only `thaw deploy` and `thaw tables
// create` run this, with the deployer's credentials; the functions never import it, so their
// role holds no ots:DescribeTable, ots:AddDefinedColumn or ots:CreateIndex.
//
// An index added to a table that has rows is created with include_base_data (CreateIndex): the
// service fills it from the existing rows, then keeps it up to date. Until the fill is done a
// listing can miss older records (the sweeper's due index, which every release had, is unaffected).
import protobuf from 'protobufjs';
import TableStore from 'tablestore';
import type { TablestoreStateStore } from './tablestore';
import { otsCode } from './tablestore-client';
import { DEFINED_COLUMNS, indexesOf } from './tablestore-indexes';
import { definedColumnType, ensureTables, indexMeta } from './tablestore-schema';

export interface TableChanges {
  /** Tables that do not exist (ensureTables makes them, with every column and index). */
  readonly missingTables: readonly string[];
  /** Columns the records table must declare before its new indexes can name them. */
  readonly missingColumns: readonly string[];
  readonly missingIndexes: readonly string[];
}

interface Described {
  tableMeta?: { definedColumn?: { name: string }[] };
  indexMetas?: { name: string }[];
}

/** What the instance lacks; read-only (ListTable, DescribeTable). */
export async function tableChanges(store: TablestoreStateStore): Promise<TableChanges> {
  const existing = new Set((await store.sdk.listTable({})).tableNames ?? []);
  const missingTables = [store.table, store.countersTable].filter((t) => !existing.has(t));
  if (!existing.has(store.table)) return { missingTables, missingColumns: [], missingIndexes: [] };
  const described = (await store.sdk.describeTable({ tableName: store.table })) as Described;
  const columns = new Set((described.tableMeta?.definedColumn ?? []).map((c) => c.name));
  const indexes = new Set((described.indexMetas ?? []).map((i) => i.name));
  return {
    missingTables,
    missingColumns: DEFINED_COLUMNS.filter((c) => !columns.has(c.name)).map((c) => c.name),
    missingIndexes: Object.values(indexesOf(store.table))
      .map((i) => i.name)
      .filter((name) => !indexes.has(name)),
  };
}

/** Makes the tables exist and gives an older records table its new columns and indexes. Idempotent. */
export async function prepareTables(store: TablestoreStateStore): Promise<{ created: string[]; added: string[] }> {
  return applyTableChanges(store, await tableChanges(store));
}

/** Makes exactly what `changes` (read by tableChanges) says is missing; what appeared meanwhile is left. */
export async function applyTableChanges(store: TablestoreStateStore, changes: TableChanges): Promise<{ created: string[]; added: string[] }> {
  const { created } = await ensureTables(store, changes.missingTables);
  const added: string[] = [];
  if (changes.missingColumns.length > 0) {
    await addDefinedColumns(
      store.sdk,
      store.table,
      DEFINED_COLUMNS.filter((c) => changes.missingColumns.includes(c.name)),
    );
    added.push(...changes.missingColumns.map((c) => `${store.table}.${c}`));
  }
  for (const spec of Object.values(indexesOf(store.table)).filter((i) => changes.missingIndexes.includes(i.name))) {
    try {
      await store.sdk.createIndex({ mainTableName: store.table, indexMeta: indexMeta(spec), includeBaseData: true });
      added.push(spec.name);
    } catch (err) {
      // Another deploy made it between our DescribeTable and our CreateIndex.
      if (otsCode(err as Error) !== 'OTSObjectAlreadyExist') throw err;
    }
  }
  return { created, added };
}

// The tablestore SDK (5.6) has no AddDefinedColumn. Its request pipeline (signing, errors) is
// generic over an operation name and a protobuf message, so we give it the one message, written
// from the API reference (AddDefinedColumn: table_name = 1, repeated DefinedColumnSchema columns
// = 2; DefinedColumnSchema: name = 1, type = 2; DefinedColumnType as in the SDK's tablestore.proto).
const ADD_DEFINED_COLUMN_PROTO = `
syntax = "proto2";
package thaw.ots;
enum DefinedColumnType { DCT_INTEGER = 1; DCT_DOUBLE = 2; DCT_BOOLEAN = 3; DCT_STRING = 4; DCT_BLOB = 7; }
message DefinedColumnSchema { required string name = 1; required DefinedColumnType type = 2; }
message AddDefinedColumnRequest { required string table_name = 1; repeated DefinedColumnSchema columns = 2; }
message AddDefinedColumnResponse {}
`;

const OPERATION = 'addDefinedColumn';

interface SdkCodec {
  encoder: { encode(operation: string, params: unknown): unknown };
  decoder: { decode(operation: string, body: Uint8Array): unknown };
}

let installed = false;

function installAddDefinedColumn(): void {
  if (installed) return;
  const root = protobuf.parse(ADD_DEFINED_COLUMN_PROTO, { keepCase: false }).root;
  const request = root.lookupType('thaw.ots.AddDefinedColumnRequest');
  const response = root.lookupType('thaw.ots.AddDefinedColumnResponse');
  const sdk = TableStore as unknown as SdkCodec;
  const encode = sdk.encoder.encode.bind(sdk.encoder);
  const decode = sdk.decoder.decode.bind(sdk.decoder);
  // The SDK encodes with the message's own constructor: reflection types provide one.
  sdk.encoder.encode = (operation, params) => (operation === OPERATION ? request.create(params as Record<string, unknown>) : encode(operation, params));
  sdk.decoder.decode = (operation, body) => (operation === OPERATION ? response.decode(body) : decode(operation, body));
  installed = true;
}

export async function addDefinedColumns(
  client: TableStore.Client,
  table: string,
  columns: readonly { name: string; type: 'INTEGER' | 'STRING' }[],
): Promise<void> {
  installAddDefinedColumn();
  await client.makeRequest(OPERATION, { tableName: table, columns: columns.map((c) => ({ name: c.name, type: definedColumnType(c.type) })) });
}
