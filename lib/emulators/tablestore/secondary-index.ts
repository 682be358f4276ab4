// Secondary indexes. An index table's primary key is the index's own key columns followed by the
// data table's key columns it does not already name; its attribute columns are the index's
// defined columns. A data row lacking any index key column has no index row (as in Tablestore).
//
// The emulator maintains index rows synchronously, inside the write that changes the data row.
// The real global secondary index is eventually consistent (IUM_ASYNC_INDEX: typically
// milliseconds behind, more under load), so code reading an index must tolerate lag; only local
// indexes (IUM_SYNC_INDEX) are synchronous in the service.
import { otsErrors } from './errors';
import { LIMITS } from './validation';
import { INDEX_TYPE } from './protocol';
import type { Table, CellVersion, IndexDefinition, PrimaryKeyColumn, StoredRow } from './table';
import type { KeyValue } from './values';

/** The index table's key schema, or OTSParameterInvalid when the definition does not fit the table. */
export function indexKeySchema(main: Table, def: IndexDefinition): PrimaryKeyColumn[] {
  // Message wording below is the emulator's; the service answers these with OTSParameterInvalid.
  if (def.primaryKey.length === 0) throw otsErrors.parameterInvalid(`Index: ${def.name} has no primary key.`);
  if (def.primaryKey.length > LIMITS.indexColumns) {
    throw otsErrors.parameterInvalid(`Index: ${def.name} has ${def.primaryKey.length} index columns; at most ${LIMITS.indexColumns} are allowed.`);
  }
  if (main.indexes.filter((d) => d.name !== def.name).length >= LIMITS.indexesPerTable) {
    throw otsErrors.parameterInvalid(`Table: ${main.name} already has ${LIMITS.indexesPerTable} indexes.`);
  }
  const schema: PrimaryKeyColumn[] = [];
  const seen = new Set<string>();
  for (const name of def.primaryKey) {
    if (seen.has(name)) throw otsErrors.duplicatedPkName(name);
    seen.add(name);
    const pk = main.primaryKey.find((c) => c.name === name);
    if (pk) {
      schema.push({ name, type: pk.type, autoIncrement: false });
      continue;
    }
    const defined = main.definedColumn(name);
    if (!defined) throw otsErrors.parameterInvalid(`Column does not exist:${name}.`);
    if (defined.type !== 'INTEGER' && defined.type !== 'STRING' && defined.type !== 'BINARY') {
      throw otsErrors.invalidPkType(defined.type);
    }
    schema.push({ name, type: defined.type, autoIncrement: false });
  }
  for (const pk of main.primaryKey) {
    if (!seen.has(pk.name)) schema.push({ name: pk.name, type: pk.type, autoIncrement: false });
  }
  for (const name of def.definedColumn) {
    if (seen.has(name) || main.primaryKey.some((c) => c.name === name)) throw otsErrors.duplicatedAttributeWithPk(name);
    if (!main.definedColumn(name)) throw otsErrors.parameterInvalid(`Column does not exist:${name}.`);
  }
  if (def.indexType === INDEX_TYPE.LOCAL && def.primaryKey[0] !== main.primaryKey[0]?.name) {
    throw otsErrors.parameterInvalid(`The first primary key of local index: ${def.name} must be the first primary key of the table.`);
  }
  if (main.options.maxVersions !== 1) {
    throw otsErrors.parameterInvalid('The max versions of the table must be 1 when it has a secondary index.');
  }
  if (main.options.timeToLive !== -1 && main.options.allowUpdate) {
    throw otsErrors.parameterInvalid('The time to live of the table must be -1 when it has a secondary index, unless allow_update is false.');
  }
  return schema;
}

/** The index row a data row maps to, or undefined when it lacks an index key column. */
export function indexRowFor(main: Table, index: Table, row: StoredRow | undefined): StoredRow | undefined {
  if (!row || !index.index) return undefined;
  const key: KeyValue[] = [];
  for (const column of index.primaryKey) {
    const mainPosition = main.primaryKey.findIndex((c) => c.name === column.name);
    if (mainPosition >= 0) {
      key.push(row.key[mainPosition] as KeyValue);
      continue;
    }
    const latest = row.columns.get(column.name)?.[0];
    if (!latest || latest.value.type !== column.type) return undefined;
    key.push(latest.value as KeyValue);
  }
  const columns = new Map<string, readonly CellVersion[]>();
  for (const name of index.index.definition.definedColumn) {
    const versions = row.columns.get(name);
    if (versions && versions.length > 0) columns.set(name, versions);
  }
  return { key, columns };
}

/** Moves every index of `main` from the row's old image to its new one. */
export function maintainIndexes(main: Table, indexTables: readonly Table[], before: StoredRow | undefined, after: StoredRow | undefined): void {
  for (const index of indexTables) {
    const old = indexRowFor(main, index, before);
    const next = indexRowFor(main, index, after);
    if (old) index.rows.delete(old.key);
    if (next) index.rows.set(next);
  }
}

/** Names of data-table columns some index reads (key or attribute), with their declared types. */
export function indexedColumns(main: Table): Map<string, string> {
  const out = new Map<string, string>();
  for (const def of main.indexes) {
    for (const name of [...def.primaryKey, ...def.definedColumn]) {
      const defined = main.definedColumn(name);
      if (defined) out.set(name, defined.type);
    }
  }
  return out;
}
