// ALIYUN::OTS::Table through the Tablestore API (the `tablestore` SDK): CreateTable with its primary
// key, predefined columns, options and secondary indexes (SecondaryIndices → indexMetas), and
// DeleteTable. The instance's endpoint comes from the emulator's configuration (instance → endpoint).
// Attribute (aliyun-ots-table): TableName.
import TableStore from 'tablestore';
import type { Json } from '../template/document';
import { type CloudContext, CloudCallFailed, call, type ResourceHandler } from './handler';

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
    await call('Tablestore CreateTable', () => client(instance, ctx).createTable(params));
    return { physicalId: table, attributes: { TableName: table } satisfies Record<string, Json> };
  },
  async delete(current, p, ctx) {
    const instance = String(p.InstanceName);
    try {
      await client(instance, ctx).deleteTable({ tableName: current.physicalId });
    } catch (err) {
      // The SDK puts the raw error bytes in message; a missing table is already deleted.
      if (String((err as Error).message).includes('OTSObjectNotExist')) return;
      throw new CloudCallFailed('Tablestore DeleteTable', undefined, String((err as Error).message).slice(0, 300));
    }
  },
};
