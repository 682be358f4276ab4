// Creates oss-thaw's tables if they are missing (idempotent: safe on every deploy and start).
import TableStore from 'tablestore';
import type { TablestoreStateStore } from './tablestore';
import { otsCode } from './tablestore-client';

/** Counter rows (budgets per day, rate per second) outlive their window briefly, then expire. */
const COUNTER_TTL_SECONDS = 3 * 86_400;

export interface EnsureResult {
  readonly created: string[];
}

export async function ensureTables(store: TablestoreStateStore): Promise<EnsureResult> {
  const client = store.sdk;
  const existing = new Set((await client.listTable({})).tableNames ?? []);
  const created: string[] = [];

  if (!existing.has(store.table)) {
    await createIgnoringExists(client, {
      tableMeta: {
        tableName: store.table,
        primaryKey: [{ name: 'id', type: TableStore.PrimaryKeyType.STRING }],
        // Index key columns must be declared (pre-defined) columns.
        definedColumn: [{ name: 'dueAtMs', type: TableStore.DefinedColumnType.DCT_INTEGER }],
      },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      // A table with a global secondary index keeps one version and no TTL.
      tableOptions: { timeToLive: -1, maxVersions: 1 },
      streamSpecification: { enableStream: false },
      indexMetas: [
        {
          name: store.dueIndex,
          // Tablestore appends the table's primary key (id), so the index key is (dueAtMs, id).
          primaryKey: ['dueAtMs'],
          definedColumn: [],
          indexUpdateMode: TableStore.IndexUpdateMode.IUM_ASYNC_INDEX,
          indexType: TableStore.IndexType.IT_GLOBAL_INDEX,
        },
      ],
    });
    created.push(store.table);
  }

  if (!existing.has(store.countersTable)) {
    await createIgnoringExists(client, {
      tableMeta: { tableName: store.countersTable, primaryKey: [{ name: 'name', type: TableStore.PrimaryKeyType.STRING }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: COUNTER_TTL_SECONDS, maxVersions: 1 },
    });
    created.push(store.countersTable);
  }
  return { created };
}

async function createIgnoringExists(client: TableStore.Client, params: Record<string, unknown>): Promise<void> {
  try {
    await client.createTable(params);
  } catch (err) {
    // Another deploy or instance created it between our list and our create.
    if (otsCode(err as Error) === 'OTSObjectAlreadyExist') return;
    throw err;
  }
}
