// StateStore.list and countStates over Tablestore's listing indexes (tablestore-schema.ts):
//   order key    → <table>_by_key     (state, bucket, key, id), forwards; a bucket and prefix are a range
//   order newest → <table>_by_updated (state, updatedAtMs, id), backwards
//   order eta    → <table>_by_eta     (state, etaAtMs, id), forwards
// A page reads index entries from the cursor on (GetRange), skips on the index row's own columns
// what the query does not want (another bucket, outside the prefix, expired or not, invalidated),
// then reads the records it keeps (BatchGetRow) and checks them again: the indexes are eventually
// consistent, so an entry can be a moment behind its record. Its cost is the entries it examines
// (at most SCAN_BUDGET) plus the records it returns, never the table.
import TableStore from 'tablestore';
import type { ListOrder, RecordPage, RecordQuery, StateCounts } from '../restore/ports';
import { FROZEN, type ObjectState, RestoreState, type RestoreRecord } from '../restore/record';
import {
  COUNTED_STORED_STATES,
  decodeCursor,
  encodeCursor,
  isBackward,
  keeps,
  SCAN_BUDGET,
  type Scan,
  type SortKey,
  StateTally,
  scansOf,
  statesReadFrom,
} from './listing';
import { type OtsClient, toNumber } from './tablestore-client';
import type { Cell } from './tablestore-columns';
import { indexesOf } from './tablestore-indexes';

/** GetRange answers at most 5,000 rows (or 4 MB) per call. */
const RANGE_ROWS = 5000;

interface IndexRow {
  primaryKey: { name: string; value: unknown }[];
  attributes: Cell[];
}

interface RangePage {
  rows: IndexRow[];
  nextStartPrimaryKey: { name: string; value: unknown }[] | null;
}

/** One index entry, read as the fields a listing filters and sorts on. */
interface Entry {
  readonly id: string;
  readonly position: SortKey;
  readonly bucket?: string;
  readonly key?: string;
  readonly expiresAtMs?: number;
  readonly invalidated: boolean;
}

export class TablestoreListing {
  private readonly indexes: Record<ListOrder, string>;

  constructor(
    private readonly ots: OtsClient,
    private readonly client: TableStore.Client,
    table: string,
    private readonly readRecords: (ids: readonly string[]) => Promise<Map<string, RestoreRecord>>,
  ) {
    const names = indexesOf(table);
    this.indexes = { key: names.byKey.name, newest: names.byUpdated.name, eta: names.byEta.name };
  }

  async list(query: RecordQuery): Promise<RecordPage> {
    const scans = scansOf(query.states);
    const start = decodeCursor(query);
    const chosen: { id: string; scan: Scan }[] = [];
    let budget = SCAN_BUDGET;
    let cursor: string | undefined;
    for (let s = start.scan; s < scans.length; s++) {
      const scan = scans[s]!;
      const walked = await this.walk(query, scan, s === start.scan ? start.after : undefined, query.limit - chosen.length, budget);
      chosen.push(...walked.kept.map((id) => ({ id, scan })));
      budget -= walked.examined;
      if (walked.stopped) {
        cursor = encodeCursor(query, { scan: s, ...(walked.at ? { after: walked.at } : {}) });
        break;
      }
      // This state is done; the next one starts on a later page if this one is full or spent.
      if ((chosen.length >= query.limit || budget <= 0) && s + 1 < scans.length) {
        cursor = encodeCursor(query, { scan: s + 1 });
        break;
      }
    }
    const records = await this.readRecords([...new Set(chosen.map((c) => c.id))]);
    return {
      records: chosen.map((c) => records.get(c.id)).filter((r, i): r is RestoreRecord => r !== undefined && keeps(query, chosen[i]!.scan, r)),
      ...(cursor ? { cursor } : {}),
    };
  }

  /**
   * Walks one stored state's entries after `after`, keeping at most `wanted` ids and examining at
   * most `budget` entries. `stopped`: it ended before the end of the state, after the entry at `at`.
   */
  private async walk(
    query: RecordQuery,
    scan: Scan,
    after: SortKey | undefined,
    wanted: number,
    budget: number,
  ): Promise<{ kept: string[]; examined: number; stopped: boolean; at?: SortKey }> {
    const kept: string[] = [];
    let examined = 0;
    let last = after;
    // In the key order a bucket and prefix are the range itself; elsewhere they skip entries.
    const filtering = (query.order !== 'key' && (query.bucket !== undefined || query.prefix !== undefined)) || scan.stored === RestoreState.RESTORED;
    let from: unknown[] | null = this.startKey(query, scan.stored, after);
    const end = this.endKey(query, scan.stored);
    while (from) {
      const ask = Math.min(RANGE_ROWS, budget - examined, filtering ? Math.max(100, (wanted - kept.length) * 4) : wanted - kept.length + 1);
      const page = await this.range(this.indexes[query.order], from, end, ask, query.order);
      for (const row of page.rows) {
        const entry = entryOf(query.order, row);
        // A range starts at the cursor's own entry (GetRange's start is inclusive).
        if (after && samePosition(entry.position, after)) continue;
        if (kept.length >= wanted || examined >= budget) return { kept, examined, stopped: true, at: last };
        examined += 1;
        // Keys under a prefix are contiguous in the key order: the first one past it ends the walk.
        if (query.order === 'key' && query.prefix !== undefined && !entry.key!.startsWith(query.prefix)) return { kept, examined, stopped: false };
        last = entry.position;
        if (this.wants(query, scan, entry)) kept.push(entry.id);
      }
      from = page.nextStartPrimaryKey ? page.nextStartPrimaryKey.map((c) => ({ [c.name]: c.value })) : null;
      if (from && (kept.length >= wanted || examined >= budget)) return { kept, examined, stopped: true, at: last };
    }
    return { kept, examined, stopped: false };
  }

  /** What the index row itself can rule out, before the record is read. */
  private wants(query: RecordQuery, scan: Scan, entry: Entry): boolean {
    if (entry.invalidated) return false;
    if (query.bucket !== undefined && entry.bucket !== query.bucket) return false;
    if (query.prefix !== undefined && !entry.key!.startsWith(query.prefix)) return false;
    if (scan.stored !== RestoreState.RESTORED) return true;
    const expired = entry.expiresAtMs !== undefined && query.nowMs >= entry.expiresAtMs;
    return scan.wanted.has(expired ? FROZEN : RestoreState.RESTORED);
  }

  private startKey(query: RecordQuery, stored: RestoreState, after: SortKey | undefined): unknown[] {
    const { INF_MIN, INF_MAX } = TableStore;
    switch (query.order) {
      case 'key':
        if (after) return pk(['state', stored], ['bucket', after[0]], ['key', after[1]], ['id', after[2]]);
        if (query.bucket === undefined) return pk(['state', stored], ['bucket', INF_MIN], ['key', INF_MIN], ['id', INF_MIN]);
        return pk(['state', stored], ['bucket', query.bucket], ['key', query.prefix ?? INF_MIN], ['id', INF_MIN]);
      case 'newest':
        return after
          ? pk(['state', stored], ['updatedAtMs', long(after[0])], ['id', after[1]])
          : pk(['state', stored], ['updatedAtMs', INF_MAX], ['id', INF_MAX]);
      case 'eta':
        return after ? pk(['state', stored], ['etaAtMs', long(after[0])], ['id', after[1]]) : pk(['state', stored], ['etaAtMs', INF_MIN], ['id', INF_MIN]);
    }
  }

  private endKey(query: RecordQuery, stored: RestoreState): unknown[] {
    const { INF_MIN, INF_MAX } = TableStore;
    switch (query.order) {
      case 'key':
        return pk(['state', stored], ['bucket', query.bucket ?? INF_MAX], ['key', INF_MAX], ['id', INF_MAX]);
      case 'newest':
        return pk(['state', stored], ['updatedAtMs', INF_MIN], ['id', INF_MIN]);
      case 'eta':
        return pk(['state', stored], ['etaAtMs', INF_MAX], ['id', INF_MAX]);
    }
  }

  private async range(index: string, from: unknown[], end: unknown[], limit: number, order: ListOrder): Promise<RangePage> {
    return (await this.ots.call('GetRange', index, () =>
      this.client.getRange({
        tableName: index,
        direction: isBackward(order) ? TableStore.Direction.BACKWARD : TableStore.Direction.FORWARD,
        inclusiveStartPrimaryKey: from,
        exclusiveEndPrimaryKey: end,
        limit,
        maxVersions: 1,
        // A key column among them: a row without any of the attributes is still returned.
        columnsToGet: order === 'key' ? ['id', 'expiresAtMs', 'invalidatedAtMs'] : ['id', 'bucket', 'key', 'expiresAtMs', 'invalidatedAtMs'],
      } as unknown as TableStore.GetRangeParams),
    )) as RangePage;
  }

  /** Walks the key index of every counted state, reading index rows only, at most `cap` per state. */
  async countStates(nowMs: number, cap: number): Promise<StateCounts> {
    const tally = new StateTally();
    const capped: ObjectState[] = [];
    const { INF_MIN, INF_MAX } = TableStore;
    for (const stored of COUNTED_STORED_STATES) {
      let from: unknown[] | null = pk(['state', stored], ['bucket', INF_MIN], ['key', INF_MIN], ['id', INF_MIN]);
      const end = pk(['state', stored], ['bucket', INF_MAX], ['key', INF_MAX], ['id', INF_MAX]);
      let read = 0;
      while (from && read < cap) {
        const page = await this.range(this.indexes.key, from, end, Math.min(RANGE_ROWS, cap - read + 1), 'key');
        for (const row of page.rows) {
          if (read === cap) {
            capped.push(...statesReadFrom(stored));
            break;
          }
          read += 1;
          const entry = entryOf('key', row);
          if (entry.invalidated) continue;
          const expired = entry.expiresAtMs !== undefined && nowMs >= entry.expiresAtMs;
          tally.add(entry.bucket!, stored === RestoreState.RESTORED && expired ? FROZEN : stored);
        }
        from = page.nextStartPrimaryKey && read < cap ? page.nextStartPrimaryKey.map((c) => ({ [c.name]: c.value })) : null;
      }
    }
    return { byBucket: tally.byBucket, capped };
  }
}

function pk(...columns: [string, unknown][]): unknown[] {
  return columns.map(([name, value]) => ({ [name]: value }));
}

function long(value: string | number | undefined): TableStore.Int64 {
  return TableStore.Long.fromNumber(Number(value));
}

function samePosition(a: SortKey, b: SortKey): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function entryOf(order: ListOrder, row: IndexRow): Entry {
  const keyColumn = (name: string) => row.primaryKey.find((c) => c.name === name)?.value;
  const attribute = (name: string) => row.attributes?.find((c) => c.columnName === name)?.columnValue;
  const id = String(keyColumn('id'));
  const bucket = order === 'key' ? String(keyColumn('bucket')) : (attribute('bucket') as string | undefined);
  const key = order === 'key' ? String(keyColumn('key')) : (attribute('key') as string | undefined);
  const expires = attribute('expiresAtMs');
  const position: SortKey =
    order === 'key' ? [bucket!, key!, id] : order === 'newest' ? [toNumber(keyColumn('updatedAtMs')), id] : [toNumber(keyColumn('etaAtMs')), id];
  return {
    id,
    position,
    bucket,
    key,
    expiresAtMs: expires === undefined ? undefined : toNumber(expires),
    invalidated: attribute('invalidatedAtMs') !== undefined,
  };
}
