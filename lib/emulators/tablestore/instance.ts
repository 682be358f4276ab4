// One Tablestore instance: its data tables and index tables, which share one namespace (an index
// name cannot repeat a table name) and one table quota.
import { otsErrors } from './errors';
import type { Table } from './table';

/** The network types an instance's ACL names (Tablestore 2020-12-09 API: NetworkTypeACL). */
export const NETWORK_TYPES = ['VPC', 'CLASSIC', 'INTERNET'] as const;
export type NetworkType = (typeof NETWORK_TYPES)[number];

/**
 * What a new instance allows: VPC and classic network, not the Internet (Tablestore "Network ACL";
 * terraform-provider-alicloud docs for alicloud_ots_instance: network_type_acl defaults to
 * ["VPC", "CLASSIC"]).
 */
export const DEFAULT_NETWORK_TYPE_ACL: readonly NetworkType[] = ['VPC', 'CLASSIC'];

export class Instance {
  /** Data tables and index tables by name. */
  readonly tables = new Map<string, Table>();
  /** Networks requests may come from; checked on every data-plane request. */
  networkTypeAcl: ReadonlySet<NetworkType> = new Set(DEFAULT_NETWORK_TYPE_ACL);

  constructor(readonly name: string) {}

  /** A data table to write to: index tables are read-only to clients. */
  writableTable(name: string): Table {
    const table = this.tables.get(name);
    if (!table) throw otsErrors.objectNotExist();
    if (table.isIndex) throw otsErrors.cannotWriteIndex();
    return table;
  }

  /** A data table or an index table to read from. */
  readableTable(name: string): Table {
    const table = this.tables.get(name);
    if (!table) throw otsErrors.objectNotExist();
    return table;
  }

  /** A data table for table-level operations (describe, delete, update, index management). */
  dataTable(name: string): Table {
    const table = this.tables.get(name);
    if (!table || table.isIndex) throw otsErrors.objectNotExist();
    return table;
  }

  indexTablesOf(main: Table): Table[] {
    return main.indexes.map((def) => this.tables.get(def.name)).filter((t): t is Table => t !== undefined);
  }

  dataTableNames(): string[] {
    return [...this.tables.values()]
      .filter((t) => !t.isIndex)
      .map((t) => t.name)
      .sort();
  }
}
