// The deploy's view of the Tablestore tables: what the instance lacks is read once (ListTable, and
// DescribeTable when the records table exists), shared by the preflight and the plan, and the plan
// step makes exactly that. Through the deployer's endpoint and credentials; the functions' role
// cannot create or change tables.
import { TablestoreAdmin } from '../store/tablestore-admin';
import { applyTableChanges, type TableChanges, tableChanges } from '../store/tablestore-upgrade';
import type { Credentials } from '../wiring';
import type { DeployStep } from './plan';
import type { DeploySettings } from './settings';

export interface TablesAdmin {
  readonly instance: string;
  readonly names: readonly string[];
  /** What the instance lacks; read once, then remembered. */
  changes(): Promise<TableChanges>;
  /** The tables of this stack that exist (ListTable). */
  existing(): Promise<string[]>;
  apply(changes: TableChanges): Promise<void>;
  delete(table: string): Promise<void>;
}

export function tablesAdmin(settings: DeploySettings, credentials: Credentials, endpoint: string): TablesAdmin {
  const admin = new TablestoreAdmin({
    endpoint,
    maxAttempts: 1,
    instance: settings.tablestore.instance,
    table: settings.tablestore.table,
    ...credentials,
  });
  let read: Promise<TableChanges> | undefined;
  return {
    instance: settings.tablestore.instance,
    names: [admin.table, admin.countersTable],
    changes() {
      read ??= tableChanges(admin).catch((err: unknown) => {
        read = undefined;
        throw err;
      });
      return read;
    },
    async existing() {
      const listed = new Set(await admin.listTables());
      return [admin.table, admin.countersTable].filter((t) => listed.has(t));
    },
    async apply(changes) {
      await applyTableChanges(admin, changes);
    },
    async delete(table) {
      await admin.deleteTable(table);
    },
  };
}

export async function tablesStep(admin: TablesAdmin, settings: DeploySettings): Promise<DeployStep> {
  const changes = await admin.changes();
  const { missingTables, missingColumns, missingIndexes } = changes;
  const name = `${settings.tablestore.instance}/${admin.names.join(',')}`;
  const run = () => admin.apply(changes);
  if (missingTables.length > 0) {
    return { kind: 'tables', name, action: 'create', reasons: [`${missingTables.join(', ')} not found; made with the deployer's credentials`], run };
  }
  if (missingColumns.length > 0 || missingIndexes.length > 0) {
    // A table an earlier release made: its new indexes are filled from the rows it holds.
    const reasons = [
      ...(missingColumns.length ? [`columns ${missingColumns.join(', ')}`] : []),
      ...(missingIndexes.length ? [`indexes ${missingIndexes.join(', ')}`] : []),
    ];
    return { kind: 'tables', name, action: 'update', reasons: [`${reasons.join('; ')} not found; added with the deployer's credentials`], run };
  }
  return { kind: 'tables', name, action: 'unchanged', reasons: ['both exist with every index'] };
}
