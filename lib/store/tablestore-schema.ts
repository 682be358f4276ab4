// oss-thaw's tables and indexes, declared once, and their creation when missing (idempotent: safe
// on every deploy and start). A table made by an earlier release gains what is new here at deploy
// time (tablestore-upgrade.ts), never from a function: the runtime role cannot change tables.
//
//   <table>             PK (id): one row per object version
//     <table>_due       (dueAtMs, id)            the sweeper's due records
//     <table>_by_key    (state, bucket, key, id) listing by state under a bucket/prefix; counts
//     <table>_by_updated (state, updatedAtMs, id) listing newest first
//     <table>_by_eta    (state, etaAtMs, id)     listing by ETA (rows with an ETA only)
//   <table>_counters    PK (name): budget and rate counters, with a TTL
//
// Each index key reads plain columns every record already has, so an index added to an existing
// table is filled from its rows (CreateIndex with base data). Tablestore allows 5 indexes per
// table and 4 index columns per index (secondary index limits).
import TableStore from 'tablestore';
import type { TablestoreStateStore } from './tablestore';
import { otsCode } from './tablestore-client';

/** The columns the indexes read: Tablestore needs them declared (pre-defined) on the table. */
export const DEFINED_COLUMNS: readonly { readonly name: string; readonly type: 'INTEGER' | 'STRING' }[] = [
  { name: 'dueAtMs', type: 'INTEGER' },
  { name: 'state', type: 'STRING' },
  { name: 'bucket', type: 'STRING' },
  { name: 'key', type: 'STRING' },
  { name: 'updatedAtMs', type: 'INTEGER' },
  { name: 'etaAtMs', type: 'INTEGER' },
  { name: 'expiresAtMs', type: 'INTEGER' },
  { name: 'invalidatedAtMs', type: 'INTEGER' },
];

export interface IndexSpec {
  readonly name: string;
  /** Tablestore appends the table's primary key (id). */
  readonly primaryKey: readonly string[];
  /** Copied into the index rows, so a listing filters without reading the records it skips. */
  readonly definedColumn: readonly string[];
}

/** Index attribute columns a listing filters on before it reads a record. */
const LISTING_FILTER_COLUMNS = ['expiresAtMs', 'invalidatedAtMs'];

export function indexesOf(table: string): { due: IndexSpec; byKey: IndexSpec; byUpdated: IndexSpec; byEta: IndexSpec } {
  return {
    due: { name: `${table}_due`, primaryKey: ['dueAtMs'], definedColumn: [] },
    byKey: { name: `${table}_by_key`, primaryKey: ['state', 'bucket', 'key'], definedColumn: LISTING_FILTER_COLUMNS },
    byUpdated: { name: `${table}_by_updated`, primaryKey: ['state', 'updatedAtMs'], definedColumn: ['bucket', 'key', ...LISTING_FILTER_COLUMNS] },
    byEta: { name: `${table}_by_eta`, primaryKey: ['state', 'etaAtMs'], definedColumn: ['bucket', 'key', ...LISTING_FILTER_COLUMNS] },
  };
}

/** The SDK's form of an index (CreateTable's indexMetas, CreateIndex's indexMeta). */
export function indexMeta(spec: IndexSpec): Record<string, unknown> {
  return {
    name: spec.name,
    primaryKey: [...spec.primaryKey],
    definedColumn: [...spec.definedColumn],
    indexUpdateMode: TableStore.IndexUpdateMode.IUM_ASYNC_INDEX,
    indexType: TableStore.IndexType.IT_GLOBAL_INDEX,
  };
}

export function definedColumnType(type: 'INTEGER' | 'STRING'): number {
  return type === 'INTEGER' ? TableStore.DefinedColumnType.DCT_INTEGER : TableStore.DefinedColumnType.DCT_STRING;
}

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
        definedColumn: DEFINED_COLUMNS.map((c) => ({ name: c.name, type: definedColumnType(c.type) })),
      },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      // A table with a global secondary index keeps one version and no TTL.
      tableOptions: { timeToLive: -1, maxVersions: 1 },
      streamSpecification: { enableStream: false },
      indexMetas: Object.values(indexesOf(store.table)).map(indexMeta),
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
