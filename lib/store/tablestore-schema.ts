// oss-thaw's tables and indexes, declared once, and their creation when missing (idempotent: safe
// on every deploy and start). A table made by an earlier release gains what is new here at deploy
// time (tablestore-upgrade.ts), never from a function: the functions' roles cannot change tables.
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
//
// Every call goes through the admin client's retries and error mapping (tablestore-admin.ts).
import TableStore from 'tablestore';
import { definedColumnType, type TablestoreAdmin } from './tablestore-admin';
import { DEFINED_COLUMNS, type IndexSpec, indexesOf } from './tablestore-indexes';

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

/** Counter rows (budgets per day, rate per second) outlive their window briefly, then expire. */
export const COUNTER_TTL_SECONDS = 3 * 86_400;

/** One table as plain data: what ensureTables makes, and what `thaw package` writes as ALIYUN::OTS::Table. */
export interface TableLayout {
  readonly name: string;
  readonly primaryKey: readonly { readonly name: string; readonly type: 'STRING' }[];
  /** Declared (pre-defined) columns: index keys must be declared ones. */
  readonly definedColumns: readonly { readonly name: string; readonly type: 'INTEGER' | 'STRING' }[];
  /** Global secondary indexes, updated asynchronously (indexMeta). */
  readonly indexes: readonly IndexSpec[];
  /** Seconds, or -1 (no TTL). */
  readonly timeToLive: number;
  readonly maxVersions: number;
}

/** The records table and its counters table, for a records table named `table`. */
export function tableLayouts(table: string): { readonly records: TableLayout; readonly counters: TableLayout } {
  return {
    records: {
      name: table,
      primaryKey: [{ name: 'id', type: 'STRING' }],
      definedColumns: DEFINED_COLUMNS,
      indexes: Object.values(indexesOf(table)),
      // A table with a global secondary index keeps one version and no TTL.
      timeToLive: -1,
      maxVersions: 1,
    },
    counters: {
      name: `${table}_counters`,
      primaryKey: [{ name: 'name', type: 'STRING' }],
      definedColumns: [],
      indexes: [],
      timeToLive: COUNTER_TTL_SECONDS,
      maxVersions: 1,
    },
  };
}

export interface EnsureResult {
  readonly created: string[];
}

/** Makes the stack's missing tables; `known` is what a caller already read (no ListTable then). */
export async function ensureTables(admin: TablestoreAdmin, known?: readonly string[]): Promise<EnsureResult> {
  const missing = new Set(known ?? (await admin.missingTables()));
  const created: string[] = [];

  const layouts = tableLayouts(admin.table);
  for (const layout of [layouts.records, layouts.counters]) {
    if (!missing.has(layout.name)) continue;
    // A table made meanwhile (another deploy, or our own create whose answer was lost) is left as it is.
    await admin.createTable({
      tableMeta: {
        tableName: layout.name,
        primaryKey: layout.primaryKey.map((k) => ({ name: k.name, type: TableStore.PrimaryKeyType[k.type] })),
        ...(layout.definedColumns.length ? { definedColumn: layout.definedColumns.map((c) => ({ name: c.name, type: definedColumnType(c.type) })) } : {}),
      },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: layout.timeToLive, maxVersions: layout.maxVersions },
      ...(layout.indexes.length ? { streamSpecification: { enableStream: false }, indexMetas: layout.indexes.map(indexMeta) } : {}),
    });
    created.push(layout.name);
  }
  return { created };
}
