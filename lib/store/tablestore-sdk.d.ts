// The part of the `tablestore` SDK (which ships no types) that oss-thaw uses.
declare module 'tablestore' {
  namespace TableStore {
    interface ClientConfig {
      endpoint: string;
      instancename: string;
      accessKeyId: string;
      secretAccessKey: string;
      stsToken?: string;
      maxRetries?: number;
      httpOptions?: { timeout?: number; maxSockets?: number };
    }
    type Params = Record<string, unknown>;
    type PutRowParams = Params;
    type UpdateRowParams = Params;
    type GetRangeParams = Params;
    /** What the SDK's request listeners receive (lib/request.js); the fields oss-thaw reads or sets. */
    interface SdkRequest {
      operation: string;
      params: Params;
      httpRequest: { body: Uint8Array | string };
    }
    interface SdkResponse {
      request: SdkRequest;
      httpResponse: { body: Uint8Array };
      data: unknown;
    }
    class Client {
      constructor(config: ClientConfig);
      /** The 'build' listener that encodes the request's message (client.js setupRequestListeners). */
      buildContent(request: SdkRequest): void;
      /** The 'extractData' listener that decodes a successful answer. */
      extractData(response: SdkResponse): void;
      createTable(params: Params): Promise<unknown>;
      describeTable(params: Params): Promise<unknown>;
      listTable(params: Params): Promise<{ tableNames: string[] }>;
      deleteTable(params: Params): Promise<unknown>;
      createIndex(params: Params): Promise<unknown>;
      getRow(params: Params): Promise<unknown>;
      putRow(params: Params): Promise<unknown>;
      updateRow(params: Params): Promise<unknown>;
      deleteRow(params: Params): Promise<unknown>;
      batchGetRow(params: Params): Promise<unknown>;
      batchWriteRow(params: Params): Promise<unknown>;
      getRange(params: Params): Promise<unknown>;
      /** The SDK's generic request: signs and sends `operation` with the message its encoder makes. */
      makeRequest(operation: string, params: Params): Promise<unknown>;
    }
    class Condition {
      constructor(rowExistence: string, columnCondition: unknown);
    }
    class SingleColumnCondition {
      constructor(name: string, value: unknown, comparator: number, passIfMissing?: boolean, latestVersionOnly?: boolean);
    }
    class CompositeCondition {
      constructor(combinator: number);
      addSubCondition(condition: unknown): void;
    }
    interface Int64 {
      toNumber(): number;
      toString(radix?: number): string;
    }
    const Long: { fromNumber(n: number): Int64; fromString(s: string): Int64 };
    const RowExistenceExpectation: { IGNORE: string; EXPECT_EXIST: string; EXPECT_NOT_EXIST: string };
    const ComparatorType: { EQUAL: number; NOT_EQUAL: number; GREATER_THAN: number; GREATER_EQUAL: number; LESS_THAN: number; LESS_EQUAL: number };
    const LogicalOperator: { NOT: number; AND: number; OR: number };
    const ReturnType: { NONE: number; Primarykey: number; AfterModify: number };
    const Direction: { FORWARD: string; BACKWARD: string };
    const PrimaryKeyType: { INTEGER: number; STRING: number; BINARY: number };
    const DefinedColumnType: { DCT_INTEGER: number; DCT_DOUBLE: number; DCT_BOOLEAN: number; DCT_STRING: number };
    const IndexUpdateMode: { IUM_ASYNC_INDEX: number; IUM_SYNC_INDEX: number };
    const IndexType: { IT_GLOBAL_INDEX: number; IT_LOCAL_INDEX: number };
    const INF_MIN: object;
    const INF_MAX: object;
  }
  export default TableStore;
}
