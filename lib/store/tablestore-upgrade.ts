// Deploy-time schema changes: what a table made by an earlier release lacks (the columns and
// indexes tablestore-schema.ts declares), and adding it. Only `thaw deploy` and `thaw tables
// create` run this, with the deployer's credentials; the functions never import it, so their
// role holds no ots:DescribeTable, ots:AddDefinedColumn or ots:CreateIndex.
//
// An index added to a table that has rows is created with include_base_data (CreateIndex): the
// service fills it from the existing rows, then keeps it up to date. Until the fill is done a
// listing can miss older records (the sweeper's due index, which every release had, is unaffected).
import type { TablestoreAdmin } from './tablestore-admin';
import { DEFINED_COLUMNS, indexesOf } from './tablestore-indexes';
import { ensureTables, indexMeta } from './tablestore-schema';

export interface TableChanges {
  /** Tables that do not exist (ensureTables makes them, with every column and index). */
  readonly missingTables: readonly string[];
  /** Columns the records table must declare before its new indexes can name them. */
  readonly missingColumns: readonly string[];
  readonly missingIndexes: readonly string[];
}

/** What the instance lacks; read-only (ListTable, DescribeTable). */
export async function tableChanges(admin: TablestoreAdmin): Promise<TableChanges> {
  const missingTables = await admin.missingTables();
  if (missingTables.includes(admin.table)) return { missingTables, missingColumns: [], missingIndexes: [] };
  const described = await admin.describeTable(admin.table);
  const columns = new Set((described.tableMeta?.definedColumn ?? []).map((c) => c.name));
  const indexes = new Set((described.indexMetas ?? []).map((i) => i.name));
  return {
    missingTables,
    missingColumns: DEFINED_COLUMNS.filter((c) => !columns.has(c.name)).map((c) => c.name),
    missingIndexes: Object.values(indexesOf(admin.table))
      .map((i) => i.name)
      .filter((name) => !indexes.has(name)),
  };
}

/** Makes the tables exist and gives an older records table its new columns and indexes. Idempotent. */
export async function prepareTables(admin: TablestoreAdmin): Promise<{ created: string[]; added: string[] }> {
  return applyTableChanges(admin, await tableChanges(admin));
}

/** Makes exactly what `changes` (read by tableChanges) says is missing; what appeared meanwhile is left. */
export async function applyTableChanges(admin: TablestoreAdmin, changes: TableChanges): Promise<{ created: string[]; added: string[] }> {
  const { created } = await ensureTables(admin, changes.missingTables);
  const added: string[] = [];
  if (changes.missingColumns.length > 0) {
    await admin.addDefinedColumns(
      admin.table,
      DEFINED_COLUMNS.filter((c) => changes.missingColumns.includes(c.name)),
    );
    added.push(...changes.missingColumns.map((c) => `${admin.table}.${c}`));
  }
  for (const spec of Object.values(indexesOf(admin.table)).filter((i) => changes.missingIndexes.includes(i.name))) {
    // An index another deploy made between our DescribeTable and our CreateIndex is left as it is.
    if (await admin.createIndex(admin.table, indexMeta(spec), true)) added.push(spec.name);
  }
  return { created, added };
}
