// A table's schema and rows. Rows are kept sorted by primary key (the order GetRange walks);
// every attribute column holds versions, newest first, each stamped with a millisecond timestamp
// the way the service stamps cells. Visibility under time_to_live is computed at read time from
// the injected clock, never stored.
import { compareKeys, type CellType, type CellValue, type KeyType, type KeyValue, type Variant } from './values';

export interface PrimaryKeyColumn {
  readonly name: string;
  readonly type: KeyType;
  readonly autoIncrement: boolean;
}

export interface DefinedColumn {
  readonly name: string;
  readonly type: CellType;
}

export interface TableOptions {
  /** Seconds; -1 keeps data forever. */
  readonly timeToLive: number;
  readonly maxVersions: number;
  /** Seconds a written timestamp may deviate from the server's time. */
  readonly deviationCellVersionInSec: number;
  readonly allowUpdate: boolean;
}

export interface IndexDefinition {
  readonly name: string;
  readonly primaryKey: readonly string[];
  readonly definedColumn: readonly string[];
  readonly updateMode: number;
  readonly indexType: number;
}

export interface CellVersion {
  readonly ts: number;
  readonly value: CellValue;
}

export interface StoredRow {
  readonly key: readonly KeyValue[];
  /** Column name → versions, newest first. Never holds an empty list. */
  readonly columns: ReadonlyMap<string, readonly CellVersion[]>;
}

/** Rows sorted by primary key; binary search for lookups and range starts. */
export class RowStore {
  private rows: StoredRow[] = [];

  get size(): number {
    return this.rows.length;
  }

  /** Index of the first row whose key is >= `key` (keys may contain INF_MIN / INF_MAX). */
  lowerBound(key: readonly Variant[]): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys((this.rows[mid] as StoredRow).key, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: readonly KeyValue[]): StoredRow | undefined {
    const i = this.lowerBound(key);
    const row = this.rows[i];
    return row && compareKeys(row.key, key) === 0 ? row : undefined;
  }

  set(row: StoredRow): void {
    const i = this.lowerBound(row.key);
    const existing = this.rows[i];
    if (existing && compareKeys(existing.key, row.key) === 0) this.rows[i] = row;
    else this.rows.splice(i, 0, row);
  }

  delete(key: readonly KeyValue[]): void {
    const i = this.lowerBound(key);
    const existing = this.rows[i];
    if (existing && compareKeys(existing.key, key) === 0) this.rows.splice(i, 1);
  }

  at(i: number): StoredRow | undefined {
    return this.rows[i];
  }

  all(): readonly StoredRow[] {
    return this.rows;
  }
}

/** A data table, or the index table of a secondary index (then `index` names its definition). */
export class Table {
  readonly rows = new RowStore();
  /** Last value handed out per auto-increment column. */
  autoIncrementLast = 0n;

  constructor(
    readonly name: string,
    readonly primaryKey: readonly PrimaryKeyColumn[],
    public definedColumns: readonly DefinedColumn[],
    public options: TableOptions,
    public reservedThroughput: { read: number; write: number },
    readonly createdAtMs: number,
    public indexes: IndexDefinition[] = [],
    readonly index?: { readonly mainTable: string; readonly definition: IndexDefinition },
  ) {}

  get isIndex(): boolean {
    return this.index !== undefined;
  }

  definedColumn(name: string): DefinedColumn | undefined {
    return this.definedColumns.find((c) => c.name === name);
  }

  /** Versions still alive under time_to_live at `nowMs`. */
  visibleVersions(versions: readonly CellVersion[], nowMs: number): readonly CellVersion[] {
    if (this.options.timeToLive < 0) return versions;
    const cutoff = nowMs - this.options.timeToLive * 1000;
    // Data older than time_to_live is gone; data exactly that old is still readable.
    return versions.filter((v) => v.ts >= cutoff);
  }

  /**
   * The row as a reader sees it at `nowMs`: expired versions dropped. A row whose every cell has
   * expired no longer exists; a row written with no attribute columns exists until deleted.
   */
  visibleRow(key: readonly KeyValue[], nowMs: number): StoredRow | undefined {
    const row = this.rows.get(key);
    if (!row) return undefined;
    if (this.options.timeToLive < 0 || row.columns.size === 0) return row;
    const columns = new Map<string, readonly CellVersion[]>();
    for (const [name, versions] of row.columns) {
      const alive = this.visibleVersions(versions, nowMs);
      if (alive.length > 0) columns.set(name, alive);
    }
    return columns.size === 0 ? undefined : { key: row.key, columns };
  }
}

/** Keeps at most `maxVersions` versions per column, newest first. */
export function trimVersions(versions: CellVersion[], maxVersions: number): CellVersion[] {
  versions.sort((a, b) => b.ts - a.ts);
  return versions.length > maxVersions ? versions.slice(0, maxVersions) : versions;
}
