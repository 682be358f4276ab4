// What a function checks on its first call: that its tables exist. Functions never create tables
// (their role has no ots:CreateTable; thaw deploy and thaw tables create make them with the
// deployer's credentials), so a missing table is an operator's task, and the error says which.
import { ThawError } from '../restore/errors';
import type { TablestoreStateStore } from './tablestore';

export class TablesMissingError extends ThawError {
  readonly code = 'TablesMissing';
  constructor(
    readonly tables: readonly string[],
    readonly instance: string,
  ) {
    super(
      `${tables.length === 1 ? 'table' : 'tables'} ${tables.join(', ')} ${tables.length === 1 ? 'is' : 'are'} missing in Tablestore instance ${instance}: run thaw deploy (or thaw tables create)`,
    );
  }
}

/** Resolves when both tables exist; ListTable goes through the adapter's retries and error mapping. */
export async function requireTables(store: Pick<TablestoreStateStore, 'missingTables' | 'instance'>): Promise<void> {
  const missing = await store.missingTables();
  if (missing.length > 0) throw new TablesMissingError(missing, store.instance);
}
