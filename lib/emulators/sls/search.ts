// Runs a parsed query (query.ts) over a logstore's logs under its index (index-config.ts): what
// GetLogs answers. Only indexed fields can be searched and only fields with analytics
// (`doc_value`) can be selected, as the service requires ("Create indexes"; "Analysis syntax").
import { slsErrors } from './errors';
import { type IndexConfig, type IndexKey, indexedKey } from './index-config';
import type { ParsedQuery, SearchNode, SelectStatement, SqlCondition, SqlExpr, SqlLiteral } from './query';
import { selectColumns } from './query';

/** One stored log as the query engine sees it. */
export interface QueryLog {
  time: number;
  timeNs?: number;
  topic: string;
  source: string;
  tags: Record<string, string>;
  contents: Record<string, string>;
}

/** Analytic statements answer at most 100 rows unless they say `limit` ("Analysis syntax"). */
export const DEFAULT_SQL_ROWS = 100;
/** Most rows one analytic statement may ask for (the service's limit is 1,000,000; the emulator keeps answers small). */
export const MAX_SQL_ROWS = 10_000;

/**
 * Reserved fields searchable once the logstore has any index. "Create indexes" says the service indexes
 * `__topic__`, `__source__` and the `__tag__` fields automatically (unconfirmed for every tag).
 */
function isReserved(name: string): boolean {
  return name === '__topic__' || name === '__source__' || name.startsWith('__tag__:');
}

/** The refusal for a field without an index, in the words users report from the service (unconfirmed in the reference). */
function notIndexed(key: string): never {
  throw slsErrors.parameterInvalid(`key (${key}) is not config as key value config,if symbol : is in your log,please wrap : with quotation mark "`);
}

function reservedValue(log: QueryLog, name: string): string | undefined {
  if (name === '__topic__') return log.topic;
  if (name === '__source__') return log.source;
  if (name === '__time__') return String(log.time);
  if (name.startsWith('__tag__:')) return log.tags[name.slice(8)];
  return undefined;
}

function jsonValue(text: string | undefined, path: string): string | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  if (value === undefined || value === null) return undefined;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Checks the query against the index before any log is read; throws the service's refusal. */
export function checkQuery(query: ParsedQuery, index: IndexConfig): void {
  for (const key of query.searchKeys) {
    if (!isReserved(key) && !indexedKey(index, key)) notIndexed(key);
  }
  const checkCompare = (node: SearchNode): void => {
    if (node.kind === 'compare' && !isReserved(node.key)) {
      const type = indexedKey(index, node.key)!.key.type;
      if (type !== 'long' && type !== 'double') {
        throw slsErrors.parameterInvalid(`key (${node.key}) is of type ${type}: a range comparison needs a long or double index`);
      }
    }
    if (node.kind === 'and' || node.kind === 'or') {
      checkCompare(node.left);
      checkCompare(node.right);
    } else if (node.kind === 'not') checkCompare(node.operand);
  };
  checkCompare(query.search);
  if (query.fullText && !index.line) {
    throw slsErrors.parameterInvalid('full-text search needs a full-text index (line); this logstore indexes only fields (message unconfirmed)');
  }
  if (query.select) {
    const aliases = new Set(query.select.items.map((i) => i.alias));
    for (const column of selectColumns(query.select)) {
      if (column === '__time__' || column === '__topic__' || column === '__source__') continue;
      const resolved = indexedKey(index, column);
      if (!resolved?.key.doc_value) {
        throw slsErrors.parameterInvalid(`line 1:1: Column '${column}' cannot be resolved; analytics (doc_value) must be on for it in the index`);
      }
    }
    const order = query.select.orderBy?.column;
    if (order && !aliases.has(order) && !query.select.groupBy.includes(order)) {
      throw slsErrors.parameterInvalid(`line 1:1: Column '${order}' cannot be resolved`);
    }
  }
}

function tokenize(value: string, delimiters: readonly string[] | undefined, caseSensitive: boolean | undefined): string[] {
  const text = caseSensitive ? value : value.toLowerCase();
  if (!delimiters || delimiters.length === 0) return [text];
  const out: string[] = [];
  let current = '';
  for (const c of text) {
    if (delimiters.includes(c)) {
      if (current) out.push(current);
      current = '';
    } else current += c;
  }
  if (current) out.push(current);
  return out;
}

/** Whether `term` (tokenized the same way) occurs in `value`: a run of tokens, the last one a prefix when asked. */
function termMatches(value: string, term: string, prefix: boolean, delimiters: readonly string[] | undefined, caseSensitive: boolean | undefined): boolean {
  const haystack = tokenize(value, delimiters, caseSensitive);
  const needle = tokenize(term, delimiters, caseSensitive);
  if (needle.length === 0) return false;
  for (let start = 0; start + needle.length <= haystack.length; start++) {
    let ok = true;
    for (let i = 0; i < needle.length && ok; i++) {
      const last = i === needle.length - 1;
      ok = last && prefix ? haystack[start + i]!.startsWith(needle[i]!) : haystack[start + i] === needle[i];
    }
    if (ok) return true;
  }
  return false;
}

class Matcher {
  constructor(private readonly index: IndexConfig) {}

  value(log: QueryLog, name: string): { value: string | undefined; key: IndexKey | undefined } {
    if (isReserved(name) || name === '__time__') return { value: reservedValue(log, name), key: undefined };
    const resolved = indexedKey(this.index, name);
    if (!resolved) return { value: undefined, key: undefined };
    const raw = log.contents[resolved.field];
    return { value: resolved.jsonPath ? jsonValue(raw, resolved.jsonPath) : raw, key: resolved.key };
  }

  matches(log: QueryLog, node: SearchNode): boolean {
    switch (node.kind) {
      case 'all':
        return true;
      case 'and':
        return this.matches(log, node.left) && this.matches(log, node.right);
      case 'or':
        return this.matches(log, node.left) || this.matches(log, node.right);
      case 'not':
        return !this.matches(log, node.operand);
      case 'text':
        return this.fullText(log, node.value, node.prefix);
      case 'compare': {
        const { value } = this.value(log, node.key);
        const n = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
        if (Number.isNaN(n)) return false;
        if (node.op === '=') return n === node.value;
        if (node.op === '>') return n > node.value;
        if (node.op === '>=') return n >= node.value;
        if (node.op === '<') return n < node.value;
        return n <= node.value;
      }
      case 'field': {
        const { value, key } = this.value(log, node.key);
        if (value === undefined) return false;
        if (node.any) return true;
        if (key && (key.type === 'long' || key.type === 'double')) {
          if (node.prefix) return false;
          return value.trim() !== '' && Number(value) === Number(node.value);
        }
        // Reserved fields are matched whole, case-insensitively (unconfirmed).
        const delimiters = key ? key.token : undefined;
        const caseSensitive = key ? key.caseSensitive : false;
        return termMatches(value, node.value, node.prefix, delimiters, caseSensitive);
      }
    }
  }

  private fullText(log: QueryLog, term: string, prefix: boolean): boolean {
    const line = this.index.line!;
    for (const [name, value] of Object.entries(log.contents)) {
      if (line.include_keys?.length && !line.include_keys.includes(name)) continue;
      if (line.exclude_keys?.includes(name)) continue;
      if (termMatches(value, term, prefix, line.token, line.caseSensitive)) return true;
    }
    return false;
  }
}

export interface SearchResult {
  /** Rows as GetLogs answers them: every value a string. */
  rows: Record<string, string>[];
  /** Logs the search part matched (x-log-processed-rows). */
  processedRows: number;
  hasSql: boolean;
}

/** One log as GetLogs answers it: `__time__`, `__source__`, `__topic__`, the contents and `__tag__:…`. */
export function rowOfLog(log: QueryLog): Record<string, string> {
  const row: Record<string, string> = { __source__: log.source, __time__: String(log.time), __topic__: log.topic };
  if (log.timeNs !== undefined) row.__time_ns_part__ = String(log.timeNs);
  for (const [k, v] of Object.entries(log.contents)) row[k] = v;
  for (const [k, v] of Object.entries(log.tags)) row[`__tag__:${k}`] = v;
  return row;
}

export interface RawPaging {
  line: number;
  offset: number;
  reverse: boolean;
}

/**
 * Matches `logs` (already limited to the time range and topic) with `query` and answers raw rows
 * (ordered by time, `reverse` for newest first, then paged) or the analytic statement's rows.
 */
export function runQuery(query: ParsedQuery, index: IndexConfig, logs: readonly QueryLog[], paging: RawPaging): SearchResult {
  checkQuery(query, index);
  const matcher = new Matcher(index);
  const matched = logs.filter((log) => matcher.matches(log, query.search));
  if (!query.select) {
    const ordered = matched.map((log, i) => ({ log, i })).sort((a, b) => a.log.time - b.log.time || (a.log.timeNs ?? 0) - (b.log.timeNs ?? 0) || a.i - b.i);
    if (paging.reverse) ordered.reverse();
    const page = ordered.slice(paging.offset, paging.offset + paging.line);
    return { rows: page.map((e) => rowOfLog(e.log)), processedRows: matched.length, hasSql: false };
  }
  return { rows: runSelect(query.select, matcher, matched), processedRows: matched.length, hasSql: true };
}

type SqlValue = string | number | null;

function sqlValue(matcher: Matcher, log: QueryLog, column: string): SqlValue {
  const { value, key } = matcher.value(log, column);
  if (value === undefined) return null;
  const numeric = column === '__time__' || key?.type === 'long' || key?.type === 'double';
  if (!numeric) return value;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  return Number.isNaN(n) ? null : n;
}

function compareLiteral(value: SqlValue, op: string, literal: SqlLiteral, column: string): boolean {
  if (value === null) return false;
  if (typeof value === 'number' && literal.kind === 'string') {
    throw slsErrors.parameterInvalid(`line 1:1: Cannot apply operator: bigint ${op} varchar (column ${column} is numeric; compare it with a number)`);
  }
  if (typeof value === 'string' && literal.kind === 'number') {
    throw slsErrors.parameterInvalid(`line 1:1: Cannot apply operator: varchar ${op} integer (column ${column} is text; compare it with a 'string')`);
  }
  const a = value;
  const b = literal.value;
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

function where(matcher: Matcher, log: QueryLog, c: SqlCondition): boolean {
  switch (c.kind) {
    case 'and':
      return where(matcher, log, c.left) && where(matcher, log, c.right);
    case 'or':
      return where(matcher, log, c.left) || where(matcher, log, c.right);
    case 'not':
      return !where(matcher, log, c.operand);
    case 'compare':
      return compareLiteral(sqlValue(matcher, log, c.column), c.op, c.literal, c.column);
  }
}

/** A column's value, or the value of a select item a group-by names by its alias. */
function groupValue(matcher: Matcher, log: QueryLog, name: string, select: SelectStatement): SqlValue {
  const item = select.items.find((i) => i.alias === name);
  return item ? scalar(matcher, log, item.expr) : sqlValue(matcher, log, name);
}

function describeType(v: SqlValue): string {
  return typeof v === 'number' ? (Number.isInteger(v) ? 'bigint' : 'double') : 'varchar';
}

/** + - * / % as Presto applies them: numbers only; bigint / bigint truncates; a null operand gives null. */
function arithmetic(op: string, a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  if (typeof a !== 'number' || typeof b !== 'number') {
    throw slsErrors.parameterInvalid(`line 1:1: Cannot apply operator: ${describeType(a)} ${op} ${describeType(b)}`);
  }
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    default: {
      // Presto answers integer division by zero with an error ("Division by zero").
      if (b === 0 && Number.isInteger(a)) throw slsErrors.parameterInvalid('Division by zero');
      if (op === '%') return a % b;
      return Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b;
    }
  }
}

/** An expression on one log (no aggregate inside: the parser saw to that where it matters). */
function scalar(matcher: Matcher, log: QueryLog, expr: SqlExpr): SqlValue {
  switch (expr.kind) {
    case 'column':
      return sqlValue(matcher, log, expr.name);
    case 'number':
    case 'string':
      return expr.value;
    case 'negate': {
      const v = scalar(matcher, log, expr.operand);
      return v === null ? null : arithmetic('-', 0, v);
    }
    case 'arith':
      return arithmetic(expr.op, scalar(matcher, log, expr.left), scalar(matcher, log, expr.right));
    default:
      throw slsErrors.parameterInvalid('line 1:1: an aggregate function is not allowed here');
  }
}

/** An expression over a group of logs: aggregates over the group, anything else from its first log (a grouped value). */
function aggregate(matcher: Matcher, logs: readonly QueryLog[], expr: SqlExpr): SqlValue {
  switch (expr.kind) {
    case 'countIf':
      return logs.filter((log) => where(matcher, log, expr.condition)).length;
    case 'aggregate': {
      if (!expr.arg) return logs.length;
      const values = logs.map((log) => scalar(matcher, log, expr.arg!)).filter((v): v is string | number => v !== null);
      if (expr.fn === 'count') return values.length;
      if ((expr.fn === 'sum' || expr.fn === 'avg') && values.some((v) => typeof v !== 'number')) {
        throw slsErrors.parameterInvalid(`line 1:1: Unexpected parameters (varchar) for function ${expr.fn}`);
      }
      // Aggregates over no rows are null (SQL), count is 0.
      if (values.length === 0) return null;
      if (expr.fn === 'sum') return (values as number[]).reduce((a, b) => a + b, 0);
      if (expr.fn === 'avg') return (values as number[]).reduce((a, b) => a + b, 0) / values.length;
      return values.reduce((a, b) => ((expr.fn === 'min' ? b < a : b > a) ? b : a));
    }
    case 'arith':
      return arithmetic(expr.op, aggregate(matcher, logs, expr.left), aggregate(matcher, logs, expr.right));
    case 'negate': {
      const v = aggregate(matcher, logs, expr.operand);
      return v === null ? null : arithmetic('-', 0, v);
    }
    default:
      return logs[0] ? scalar(matcher, logs[0], expr) : expr.kind === 'number' || expr.kind === 'string' ? expr.value : null;
  }
}

function compareValues(x: SqlValue, y: SqlValue): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return x < y ? -1 : 1;
}

function runSelect(select: SelectStatement, matcher: Matcher, logs: readonly QueryLog[]): Record<string, string>[] {
  const kept = select.where ? logs.filter((log) => where(matcher, log, select.where!)) : logs;
  const groups = new Map<string, { key: SqlValue[]; logs: QueryLog[] }>();
  if (select.groupBy.length > 0) {
    for (const log of kept) {
      const key = select.groupBy.map((name) => groupValue(matcher, log, name, select));
      const id = key.map((v) => (v === null ? '\u0000null' : `${typeof v}:${v}`)).join('\u0001');
      const group = groups.get(id) ?? { key, logs: [] };
      groups.set(id, group);
      group.logs.push(log);
    }
    // Without group by, the aggregates run over every kept row: one row, even for none (SQL).
  } else groups.set('', { key: [], logs: [...kept] });
  const rows = [...groups.values()].map((group) => {
    const row: Record<string, SqlValue> = {};
    for (const item of select.items) row[item.alias] = aggregate(matcher, group.logs, item.expr);
    return { row, key: group.key };
  });
  // Without `order by` the service's row order is unspecified; the emulator sorts by the group key.
  const order = select.orderBy;
  rows.sort((a, b) => {
    if (order) {
      const at = order.column in a.row ? a.row[order.column]! : (a.key[select.groupBy.indexOf(order.column)] ?? null);
      const bt = order.column in b.row ? b.row[order.column]! : (b.key[select.groupBy.indexOf(order.column)] ?? null);
      const cmp = compareValues(at, bt);
      if (cmp !== 0) return order.descending ? -cmp : cmp;
    }
    for (let i = 0; i < a.key.length; i++) {
      const cmp = compareValues(a.key[i]!, b.key[i]!);
      if (cmp !== 0) return cmp;
    }
    return 0;
  });
  const limit = Math.min(select.limit ?? DEFAULT_SQL_ROWS, MAX_SQL_ROWS);
  return rows.slice(0, limit).map(({ row }) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? 'null' : String(v)])));
}
