// The rules every StateStore adapter lists records by, so a page means the same thing in memory
// and in Tablestore: which stored state a caller's state is read from, what each order sorts on,
// which records a query keeps, and the cursor that carries a query from one page to the next.
//
// A cursor names the stored state being walked and the sort position of the last entry examined
// (not the last returned: filters may skip entries, and a page stops after a bounded scan), so the
// next page starts exactly after it. It also carries a fingerprint of the query, so a cursor
// handed to another query is refused rather than silently misread.
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../restore/errors';
import { LISTED_STATES, type ListOrder, type RecordQuery } from '../restore/ports';
import { effectiveState, FROZEN, isInvalidated, type ObjectState, RestoreState, type RestoreRecord } from '../restore/record';

/**
 * Index entries one page may examine beyond those it returns (filters on bucket, prefix, expiry
 * and invalidation skip some): a page never reads without a bound; a short page carries a cursor.
 */
export const SCAN_BUDGET = 5000;

/** One walk over the records of one stored state, keeping those whose state as seen now is wanted. */
export interface Scan {
  readonly stored: RestoreState;
  readonly wanted: ReadonlySet<ObjectState>;
}

/** FROZEN is a RESTORED record past its expiry: both are read from the RESTORED records. */
export function storedStateOf(state: ObjectState): RestoreState {
  return state === FROZEN ? RestoreState.RESTORED : state;
}

/** The walks a query needs, each stored state once, in the order the query names them. */
export function scansOf(states: readonly ObjectState[]): Scan[] {
  const scans: { stored: RestoreState; wanted: Set<ObjectState> }[] = [];
  for (const state of states) {
    const stored = storedStateOf(state);
    const scan = scans.find((s) => s.stored === stored);
    if (scan) scan.wanted.add(state);
    else scans.push({ stored, wanted: new Set([state]) });
  }
  return scans;
}

/** A sort position: strings compare as UTF-8 bytes (as Tablestore orders keys), numbers as numbers. */
export type SortKey = readonly (string | number)[];

/** The position of a record in an order, or undefined when the order does not hold it (no ETA). */
export function sortKeyOf(order: ListOrder, record: RestoreRecord): SortKey | undefined {
  switch (order) {
    case 'key':
      return [record.bucket, record.key, record.id];
    case 'newest':
      return [record.updatedAtMs, record.id];
    case 'eta':
      return record.etaAtMs === undefined ? undefined : [record.etaAtMs, record.id];
  }
}

/** Newest first walks the time backwards; the others walk forwards. */
export function isBackward(order: ListOrder): boolean {
  return order === 'newest';
}

export function compareSortKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : Buffer.compare(Buffer.from(String(x), 'utf8'), Buffer.from(String(y), 'utf8'));
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

/** Whether a record belongs on a page of this query and scan (the full check, on the record itself). */
export function keeps(query: RecordQuery, scan: Scan, record: RestoreRecord): boolean {
  if (isInvalidated(record) || record.state !== scan.stored) return false;
  if (query.bucket !== undefined && record.bucket !== query.bucket) return false;
  if (query.prefix !== undefined && !record.key.startsWith(query.prefix)) return false;
  return scan.wanted.has(effectiveState(record, query.nowMs));
}

export interface CursorPosition {
  /** Index into scansOf(query.states). */
  readonly scan: number;
  /** The last entry examined in that scan; undefined: from its start. */
  readonly after?: SortKey;
}

function fingerprint(query: RecordQuery): string {
  return createHash('sha256')
    .update(JSON.stringify([query.states, query.bucket ?? null, query.prefix ?? null, query.order]))
    .digest('base64url')
    .slice(0, 12);
}

export function encodeCursor(query: RecordQuery, position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ q: fingerprint(query), s: position.scan, a: position.after ?? null }), 'utf8').toString('base64url');
}

/** The position a cursor names, or the start when there is none. Refuses a cursor of another query. */
export function decodeCursor(query: RecordQuery): CursorPosition {
  if (query.cursor === undefined) return { scan: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidInputError('cursor', 'is not a cursor this API returned');
  }
  const c = parsed as { q?: unknown; s?: unknown; a?: unknown };
  const scans = scansOf(query.states).length;
  const validAfter = c.a === null || (Array.isArray(c.a) && c.a.length <= 3 && c.a.every((v) => typeof v === 'string' || Number.isSafeInteger(v)));
  if (!c || typeof c !== 'object' || typeof c.q !== 'string' || !Number.isInteger(c.s) || (c.s as number) < 0 || (c.s as number) >= scans || !validAfter) {
    throw new InvalidInputError('cursor', 'is not a cursor this API returned');
  }
  if (c.q !== fingerprint(query)) {
    throw new InvalidInputError('cursor', 'belongs to another query: pass the same state, bucket, prefix and order as the page it came from');
  }
  return { scan: c.s as number, ...(c.a === null ? {} : { after: c.a as SortKey }) };
}

/** Per bucket, per state as seen now: the shape countStates returns, built one record at a time. */
export class StateTally {
  readonly byBucket = new Map<string, Partial<Record<ObjectState, number>>>();

  add(bucket: string, state: ObjectState): void {
    const counts = this.byBucket.get(bucket) ?? {};
    counts[state] = (counts[state] ?? 0) + 1;
    this.byBucket.set(bucket, counts);
  }
}

/** The states a caller may see a record of this stored state in. */
export function statesReadFrom(stored: RestoreState): ObjectState[] {
  return stored === RestoreState.RESTORED ? [RestoreState.RESTORED, FROZEN] : [stored];
}

/** The stored states countStates walks: every state but the CURRENT_VERSION pointers. */
export const COUNTED_STORED_STATES: readonly RestoreState[] = [...new Set(LISTED_STATES.map(storedStateOf))];
