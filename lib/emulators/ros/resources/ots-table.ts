// ALIYUN::OTS::Table through the Tablestore API (the `tablestore` SDK): CreateTable with its primary
// key, predefined columns, options and secondary indexes (SecondaryIndices → indexMetas), and
// DeleteTable. The instance's endpoint comes from the emulator's configuration (instance → endpoint).
// Attribute (aliyun-ots-table): TableName.
import TableStore from 'tablestore';
import type { Json } from '../template/document';
import { type CloudContext, CloudCallFailed, type ResourceHandler } from './handler';

const PK_TYPES: Record<string, number> = {
  INTEGER: TableStore.PrimaryKeyType.INTEGER,
  STRING: TableStore.PrimaryKeyType.STRING,
  BINARY: TableStore.PrimaryKeyType.BINARY,
};
const COLUMN_TYPES: Record<string, number> = {
  INTEGER: TableStore.DefinedColumnType.DCT_INTEGER,
  STRING: TableStore.DefinedColumnType.DCT_STRING,
  DOUBLE: TableStore.DefinedColumnType.DCT_DOUBLE,
  BOOLEAN: TableStore.DefinedColumnType.DCT_BOOLEAN,
};

function client(instance: string, ctx: CloudContext): TableStore.Client {
  const endpoint = ctx.endpoints.tablestore?.[instance];
  if (!endpoint) throw new CloudCallFailed('local ROS', 'InstanceNotFound', `no Tablestore instance ${instance} in the local cloud`);
  return new TableStore.Client({
    endpoint,
    instancename: instance,
    accessKeyId: ctx.credentials.accessKeyId,
    secretAccessKey: ctx.credentials.accessKeySecret,
    ...(ctx.credentials.securityToken ? { stsToken: ctx.credentials.securityToken } : {}),
    maxRetries: 0,
  });
}

type Named = { Name: string; Type: string };

export const otsTable: ResourceHandler = {
  async create(p, ctx) {
    const instance = String(p.InstanceName);
    const table = String(p.TableName);
    const columns = (p.Columns ?? []) as unknown as Named[];
    const throughput = (p.ReservedThroughput ?? { Read: 0, Write: 0 }) as { Read: number; Write: number };
    const indexes = (p.SecondaryIndices ?? []) as unknown as { IndexName: string; PrimaryKeys: string[]; Columns: string[]; IndexType?: string }[];
    const params = {
      tableMeta: {
        tableName: table,
        primaryKey: ((p.PrimaryKey ?? []) as unknown as Named[]).map((k) => ({ name: k.Name, type: PK_TYPES[k.Type] })),
        ...(columns.length ? { definedColumn: columns.map((c) => ({ name: c.Name, type: COLUMN_TYPES[c.Type] })) } : {}),
      },
      reservedThroughput: { capacityUnit: { read: throughput.Read, write: throughput.Write } },
      tableOptions: { timeToLive: (p.TimeToLive as number | undefined) ?? -1, maxVersions: (p.MaxVersions as number | undefined) ?? 1 },
      ...(indexes.length
        ? {
            indexMetas: indexes.map((i) => ({
              name: i.IndexName,
              primaryKey: i.PrimaryKeys,
              definedColumn: i.Columns,
              indexUpdateMode: i.IndexType === 'Local' ? TableStore.IndexUpdateMode.IUM_SYNC_INDEX : TableStore.IndexUpdateMode.IUM_ASYNC_INDEX,
              indexType: i.IndexType === 'Local' ? TableStore.IndexType.IT_LOCAL_INDEX : TableStore.IndexType.IT_GLOBAL_INDEX,
            })),
          }
        : {}),
    };
    try {
      await client(instance, ctx).createTable(params);
    } catch (err) {
      throw otsFailure('Tablestore CreateTable', err);
    }
    return { physicalId: table, attributes: { TableName: table } satisfies Record<string, Json> };
  },
  async delete(current, p, ctx) {
    const instance = String(p.InstanceName);
    try {
      await client(instance, ctx).deleteTable({ tableName: current.physicalId });
    } catch (err) {
      // The SDK puts the raw error bytes in message; a missing table is already deleted.
      const failure = otsFailure('Tablestore DeleteTable', err);
      if (failure.code === 'OTSObjectNotExist') return;
      throw failure;
    }
  },
};

/**
 * The SDK puts Tablestore's protobuf Error {1: code, 2: message} bytes in err.message (its err.code is
 * the HTTP status): both read out of them, for the stack's StatusReason.
 */
function otsFailure(operation: string, err: unknown): CloudCallFailed {
  const raw = Buffer.from(String((err as Error)?.message ?? err), 'latin1');
  const field = (tag: number, at: number): { text: string; end: number } | undefined => {
    if (raw[at] !== tag) return undefined;
    let length = 0;
    let i = at + 1;
    for (let shift = 0; i < raw.length && shift < 28; shift += 7) {
      const b = raw[i++]!;
      length |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    return { text: raw.subarray(i, i + length).toString('utf8'), end: i + length };
  };
  const start = raw.indexOf(0x0a);
  const code = start === -1 ? undefined : field(0x0a, start);
  const message = code ? field(0x12, code.end) : undefined;
  if (!code || !/^OTS[A-Za-z]+$/.test(code.text)) return new CloudCallFailed(operation, undefined, raw.toString('utf8').slice(0, 300));
  return new CloudCallFailed(operation, code.text, (message?.text ?? '').slice(0, 300));
}
