// The layout of oss-thaw's indexes, as plain data: the functions' listings read it, the deploy
// (tablestore-schema.ts, tablestore-upgrade.ts) creates what it describes. Kept apart from the
// code that creates tables so a function's bundle holds no table-making call (template-vs-code).
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
