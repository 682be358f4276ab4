// The one client for Tablestore table administration: listing, describing, creating and deleting
// the stack's tables, and giving a table new columns and indexes. `thaw deploy`, `thaw tables
// create`, the local stack and the tests use it with the deployer's credentials; the functions
// never import it (their role holds no ots:CreateTable, DescribeTable, CreateIndex,
// AddDefinedColumn or DeleteTable), they only check that their tables exist (tables.ts).
//
// Every call goes through OtsClient: the same bounded retries and error mapping as the records
// store (a mapped error keeps the SDK's as its cause).
import protobuf from 'protobufjs';
import TableStore from 'tablestore';
import { otsCode, OtsClient, type OtsError, type TablestoreSettings } from './tablestore-client';

/** The parts of a DescribeTable answer oss-thaw reads. */
export interface TableDescription {
  readonly tableMeta?: { readonly definedColumn?: readonly { readonly name: string; readonly type?: number }[] };
  readonly indexMetas?: readonly { readonly name: string }[];
  readonly tableOptions?: { readonly timeToLive?: number; readonly maxVersions?: number };
}

export interface DefinedColumn {
  readonly name: string;
  readonly type: 'INTEGER' | 'STRING';
}

export class TablestoreAdmin {
  readonly instance: string;
  /** The records table; the counters table is `<table>_counters`. */
  readonly table: string;
  readonly countersTable: string;
  private readonly ots: OtsClient;

  constructor(settings: TablestoreSettings) {
    this.instance = settings.instance;
    this.table = settings.table;
    this.countersTable = `${settings.table}_counters`;
    this.ots = new OtsClient(settings, AdminSdkClient);
  }

  /** Every table of the instance (ListTable). */
  async listTables(): Promise<string[]> {
    const { tableNames } = await this.ots.call('ListTable', this.table, () => this.ots.sdk.listTable({}));
    return tableNames ?? [];
  }

  /** Which of the stack's two tables the instance lacks, from one ListTable. */
  async missingTables(): Promise<string[]> {
    const existing = new Set(await this.listTables());
    return [this.table, this.countersTable].filter((name) => !existing.has(name));
  }

  async describeTable(table: string): Promise<TableDescription> {
    return (await this.ots.call('DescribeTable', table, () => this.ots.sdk.describeTable({ tableName: table }))) as TableDescription;
  }

  /**
   * CreateTable with the SDK's parameters. A table that already exists is left as it is: another
   * deploy created it between our list and our create, or our own create landed and its answer was
   * lost before a retry (which is why a repeat is safe).
   */
  async createTable(params: Record<string, unknown>): Promise<void> {
    const table = String((params.tableMeta as { tableName?: unknown } | undefined)?.tableName ?? this.table);
    await ignoringExists(this.ots.call('CreateTable', table, () => this.ots.sdk.createTable(params), { repeatable: true }));
  }

  /** CreateIndex; an index that already exists (another deploy, or our own lost answer) is left: false then. */
  async createIndex(table: string, indexMeta: Record<string, unknown>, includeBaseData: boolean): Promise<boolean> {
    return ignoringExists(
      this.ots.call('CreateIndex', table, () => this.ots.sdk.createIndex({ mainTableName: table, indexMeta, includeBaseData }), { repeatable: true }),
    );
  }

  /**
   * AddDefinedColumn. Not repeated after a fault that may have applied it (a repeat would be
   * refused for naming columns the table now has); busy answers, refused before any work, are.
   */
  async addDefinedColumns(table: string, columns: readonly DefinedColumn[]): Promise<void> {
    const message = { tableName: table, columns: columns.map((c) => ({ name: c.name, type: definedColumnType(c.type) })) };
    await this.ots.call('AddDefinedColumn', table, () => this.ots.sdk.makeRequest(ADD_DEFINED_COLUMN, message));
  }

  /** DeleteTable; like AddDefinedColumn, repeated only when the service was busy. */
  async deleteTable(table: string): Promise<void> {
    await this.ots.call('DeleteTable', table, () => this.ots.sdk.deleteTable({ tableName: table }));
  }
}

export function definedColumnType(type: 'INTEGER' | 'STRING'): number {
  return type === 'INTEGER' ? TableStore.DefinedColumnType.DCT_INTEGER : TableStore.DefinedColumnType.DCT_STRING;
}

/** Whether `call` made the object: false when it already existed. */
async function ignoringExists(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (err) {
    // The mapped error keeps the SDK's as its cause.
    if (otsCode(((err as Error).cause ?? err) as OtsError) !== 'OTSObjectAlreadyExist') throw err;
    return false;
  }
}

// The tablestore SDK (5.6.5, its newest release) has no AddDefinedColumn: its encoder and decoder
// know only the operations of its own tablestore.proto. Its Client builds each request with
// per-client listener methods (`buildContent` encodes the message, `extractData` decodes the
// answer; node_modules/tablestore/lib/client.js `setupRequestListeners`), and signing, sending and
// error handling are generic over the operation name. So this client's own class encodes the one
// message the SDK lacks and leaves every other operation, and every other client, to the SDK.
// The message is written from the API reference
// (https://help.aliyun.com/zh/tablestore/developer-reference/adddefinedcolumn): AddDefinedColumnRequest
// table_name = 1, repeated DefinedColumnSchema columns = 2; DefinedColumnSchema and
// DefinedColumnType as in the SDK's tablestore.proto.
const ADD_DEFINED_COLUMN_PROTO = `
syntax = "proto2";
package thaw.ots;
enum DefinedColumnType { DCT_INTEGER = 1; DCT_DOUBLE = 2; DCT_BOOLEAN = 3; DCT_STRING = 4; DCT_BLOB = 7; }
message DefinedColumnSchema { required string name = 1; required DefinedColumnType type = 2; }
message AddDefinedColumnRequest { required string table_name = 1; repeated DefinedColumnSchema columns = 2; }
message AddDefinedColumnResponse {}
`;

/** The SDK's operation name; its path is `/AddDefinedColumn` (the SDK upper-cases the first letter). */
const ADD_DEFINED_COLUMN = 'addDefinedColumn';

let parsed: { request: protobuf.Type; response: protobuf.Type } | undefined;

/** Parsed on the first AddDefinedColumn, not when a module that reads the table layouts loads. */
function messages(): { request: protobuf.Type; response: protobuf.Type } {
  if (!parsed) {
    const root = protobuf.parse(ADD_DEFINED_COLUMN_PROTO, { keepCase: false }).root;
    parsed = { request: root.lookupType('thaw.ots.AddDefinedColumnRequest'), response: root.lookupType('thaw.ots.AddDefinedColumnResponse') };
  }
  return parsed;
}

class AdminSdkClient extends TableStore.Client {
  override buildContent(request: TableStore.SdkRequest): void {
    if (request.operation !== ADD_DEFINED_COLUMN) {
      super.buildContent(request);
      return;
    }
    const { request: message } = messages();
    request.httpRequest.body = message.encode(message.fromObject(request.params)).finish();
  }

  override extractData(response: TableStore.SdkResponse): void {
    if (response.request.operation !== ADD_DEFINED_COLUMN) {
      super.extractData(response);
      return;
    }
    const { response: message } = messages();
    response.data = message.toObject(message.decode(response.httpResponse.body));
  }
}
