// Creates oss-thaw's tables if they are missing (idempotent: safe on every deploy). Deploy-time
// only: the functions' role has no ots:CreateTable, they check the tables exist (tables.ts).
// Every call goes through the adapter's retries and error mapping.
import TableStore from 'tablestore';
import type { TablestoreStateStore } from './tablestore';
import { otsCode, type OtsError } from './tablestore-client';

/** Counter rows (budgets per day, rate per second) outlive their window briefly, then expire. */
const COUNTER_TTL_SECONDS = 3 * 86_400;

export interface EnsureResult {
  readonly created: string[];
}

export async function ensureTables(store: TablestoreStateStore): Promise<EnsureResult> {
  const missing = new Set(await store.missingTables());
  const created: string[] = [];

  if (missing.has(store.table)) {
    await createIgnoringExists(store, {
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

  if (missing.has(store.countersTable)) {
    await createIgnoringExists(store, {
      tableMeta: { tableName: store.countersTable, primaryKey: [{ name: 'name', type: TableStore.PrimaryKeyType.STRING }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: COUNTER_TTL_SECONDS, maxVersions: 1 },
    });
    created.push(store.countersTable);
  }
  return { created };
}

async function createIgnoringExists(store: TablestoreStateStore, params: Record<string, unknown>): Promise<void> {
  try {
    await store.admin('CreateTable', (client) => client.createTable(params));
  } catch (err) {
    // Another deploy created it between our list and our create, or our own create landed and its
    // answer was lost before a retry. The mapped error keeps the SDK's as its cause.
    const sdkError = ((err as Error).cause ?? err) as OtsError;
    if (otsCode(sdkError) === 'OTSObjectAlreadyExist') return;
    throw err;
  }
}
