// The query language subset the emulator understands: a search statement, optionally followed by
// `| select …`. Parsing only (no index, no logs): search.ts evaluates it. Anything outside the
// subset is refused with ParameterInvalid naming what is not emulated, never answered wrongly.
// Sources: "Search syntax" (help.aliyun.com/document_detail/29060.html: `key: value`, `*` and
// prefix `abc*`, `and`/`or`/`not`, parentheses, numeric comparisons on long/double keys,
// space = and), "Analysis syntax" (document_detail/53608.html: `search | select …`, SQL-92 with
// `from log` optional). The subset is listed in this folder's README ("GetLogs query subset").
import { slsErrors } from './errors';

/** Longest query the emulator parses (the service documents none; unconfirmed). */
export const MAX_QUERY_CHARS = 16 * 1024;

export type SearchNode =
  | { kind: 'all' }
  /** Full-text term: matches any full-text-indexed value. `prefix` for `abc*`. */
  | { kind: 'text'; value: string; prefix: boolean; phrase: boolean }
  /** `key: value`, `key: value*`, `key: "a phrase"`, `key: *` (present). */
  | { kind: 'field'; key: string; value: string; prefix: boolean; phrase: boolean; any: boolean }
  /** `key > 10` etc. on long/double keys. */
  | { kind: 'compare'; key: string; op: CompareOp; value: number }
  | { kind: 'and' | 'or'; left: SearchNode; right: SearchNode }
  | { kind: 'not'; operand: SearchNode };

export type CompareOp = '=' | '>' | '>=' | '<' | '<=';
export type SqlCompareOp = '=' | '!=' | '>' | '>=' | '<' | '<=';

export type SqlLiteral = { kind: 'string'; value: string } | { kind: 'number'; value: number };

export type SqlCondition =
  | { kind: 'compare'; column: string; op: SqlCompareOp; literal: SqlLiteral }
  | { kind: 'and' | 'or'; left: SqlCondition; right: SqlCondition }
  | { kind: 'not'; operand: SqlCondition };

/**
 * A value expression of the analytic part: a column, a literal, arithmetic, or an aggregate
 * ("Aggregate functions": count, count_if, sum, avg, min, max; "Mathematical calculation
 * functions": + - * / %).
 */
export type SqlExpr =
  | { kind: 'column'; name: string }
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'arith'; op: ArithOp; left: SqlExpr; right: SqlExpr }
  | { kind: 'negate'; operand: SqlExpr }
  /** count(*) / count(1) (arg undefined), count(x), sum, avg, min, max. */
  | { kind: 'aggregate'; fn: AggregateFn; arg: SqlExpr | undefined }
  /** count_if(condition): the rows for which the condition holds. */
  | { kind: 'countIf'; condition: SqlCondition };

export type ArithOp = '+' | '-' | '*' | '/' | '%';
export type AggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max';

export interface SelectItem {
  expr: SqlExpr;
  alias: string;
}

export interface SelectStatement {
  items: SelectItem[];
  where: SqlCondition | undefined;
  /** Names in `group by`: a select item's alias or a column. */
  groupBy: string[];
  orderBy: { column: string; descending: boolean } | undefined;
  limit: number | undefined;
}

export interface ParsedQuery {
  search: SearchNode;
  select: SelectStatement | undefined;
  /** Every key the search part names (full-text terms excluded). */
  searchKeys: string[];
  /** Whether the search part has full-text terms. */
  fullText: boolean;
}

function notEmulated(what: string): never {
  throw slsErrors.parameterInvalid(`${what} is not emulated (the emulator's query subset is listed in lib/emulators/sls/README.md)`);
}

function syntaxError(what: string): never {
  throw slsErrors.parameterInvalid(`query syntax error: ${what}`);
}

/** Splits at the first `|` outside quotes. A second `|` (chained SPL/SQL) is not emulated. */
function splitPipe(query: string): [string, string | undefined] {
  let quote: string | undefined;
  const pipes: number[] = [];
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '|') pipes.push(i);
  }
  if (pipes.length === 0) return [query, undefined];
  if (pipes.length > 1) notEmulated('more than one "|" (chained processing)');
  return [query.slice(0, pipes[0]), query.slice(pipes[0]! + 1)];
}

export function parseQuery(query: string): ParsedQuery {
  if (query.length > MAX_QUERY_CHARS) throw slsErrors.parameterInvalid(`query is longer than ${MAX_QUERY_CHARS} characters`);
  const [searchText, selectText] = splitPipe(query);
  const keys = new Set<string>();
  const state = { fullText: false };
  const search = searchText.trim() === '' ? ({ kind: 'all' } as const) : new SearchParser(searchText, keys, state).parse();
  const select = selectText === undefined ? undefined : new SqlParser(selectText).parse();
  return { search, select, searchKeys: [...keys], fullText: state.fullText };
}

// --- search statement ----------------------------------------------------------------------------

type SearchToken = { t: 'word'; v: string } | { t: 'quoted'; v: string } | { t: '(' | ')' | ':' } | { t: 'op'; v: CompareOp } | { t: 'end' };

function lexSearch(text: string): SearchToken[] {
  const out: SearchToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ':') {
      out.push({ t: c });
      i++;
      continue;
    }
    if (c === '>' || c === '<' || c === '=') {
      const two = text.slice(i, i + 2);
      if (two === '>=' || two === '<=') {
        out.push({ t: 'op', v: two });
        i += 2;
      } else {
        out.push({ t: 'op', v: c as CompareOp });
        i++;
      }
      continue;
    }
    if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) syntaxError('unterminated "');
        const d = text[i]!;
        if (d === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (d === '"') {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      out.push({ t: 'quoted', v: value });
      continue;
    }
    if (c === "'" || c === '#' || c === '[' || c === ']' || c === '{' || c === '}' || c === '~' || c === '?') {
      notEmulated(`"${c}" in a search statement`);
    }
    let word = '';
    // `__tag__:name` is one field name: the colon belongs to it.
    if (text.startsWith('__tag__:', i)) {
      word = '__tag__:';
      i += 8;
    }
    while (i < text.length && !/[\s():<>="]/.test(text[i]!)) {
      word += text[i];
      i++;
    }
    out.push({ t: 'word', v: word });
  }
  out.push({ t: 'end' });
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not']);

class SearchParser {
  private readonly tokens: SearchToken[];
  private pos = 0;

  constructor(
    text: string,
    private readonly keys: Set<string>,
    private readonly state: { fullText: boolean },
  ) {
    this.tokens = lexSearch(text);
  }

  parse(): SearchNode {
    const node = this.or();
    if (this.peek().t !== 'end') syntaxError(`unexpected ${describe(this.peek())}`);
    return node;
  }

  private peek(offset = 0): SearchToken {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private next(): SearchToken {
    return this.tokens[this.pos++]!;
  }

  private isKeyword(token: SearchToken, word: string): boolean {
    return token.t === 'word' && token.v.toLowerCase() === word;
  }

  private or(): SearchNode {
    let left = this.and();
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): SearchNode {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      if (this.isKeyword(token, 'and')) {
        this.next();
        left = { kind: 'and', left, right: this.unary() };
      } else if (this.isKeyword(token, 'not')) {
        // `a not b` reads as `a and not b` (Search syntax: "not" is binary there).
        this.next();
        left = { kind: 'and', left, right: { kind: 'not', operand: this.unary() } };
      } else if ((token.t === 'word' && !KEYWORDS.has(token.v.toLowerCase())) || token.t === 'quoted' || token.t === '(') {
        // Terms separated by spaces are joined with `and` (Search syntax).
        left = { kind: 'and', left, right: this.unary() };
      } else return left;
    }
  }

  private unary(): SearchNode {
    if (this.isKeyword(this.peek(), 'not')) {
      this.next();
      return { kind: 'not', operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): SearchNode {
    const token = this.next();
    if (token.t === '(') {
      const inner = this.or();
      if (this.next().t !== ')') syntaxError('missing ")"');
      return inner;
    }
    if (token.t === 'quoted') {
      this.state.fullText = true;
      return { kind: 'text', value: token.v, prefix: false, phrase: true };
    }
    if (token.t !== 'word') syntaxError(`unexpected ${describe(token)}`);
    if (KEYWORDS.has(token.v.toLowerCase())) syntaxError(`"${token.v}" needs a term on each side`);
    const following = this.peek();
    if (following.t === ':') {
      this.next();
      return this.fieldValue(token.v);
    }
    if (following.t === 'op') {
      this.next();
      const number = this.next();
      if (number.t !== 'word' || !/^-?\d+(\.\d+)?$/.test(number.v)) syntaxError(`${token.v} ${following.v} needs a number`);
      this.key(token.v);
      return { kind: 'compare', key: token.v, op: following.v, value: Number(number.v) };
    }
    if (token.v === '*') return { kind: 'all' };
    if (token.v.includes('*') && !/^[^*]+\*$/.test(token.v)) notEmulated(`the wildcard in "${token.v}" (only a trailing * is)`);
    this.state.fullText = true;
    const prefix = token.v.endsWith('*');
    return { kind: 'text', value: prefix ? token.v.slice(0, -1) : token.v, prefix, phrase: false };
  }

  private fieldValue(key: string): SearchNode {
    this.key(key);
    const value = this.next();
    if (value.t === 'quoted') return { kind: 'field', key, value: value.v, prefix: false, phrase: true, any: false };
    if (value.t !== 'word' || KEYWORDS.has(value.v.toLowerCase())) syntaxError(`${key}: needs a value`);
    if (value.v === '*') return { kind: 'field', key, value: '', prefix: false, phrase: false, any: true };
    if (value.v.includes('*') && !/^[^*]+\*$/.test(value.v)) notEmulated(`the wildcard in "${key}: ${value.v}" (only a trailing * is)`);
    const prefix = value.v.endsWith('*');
    return { kind: 'field', key, value: prefix ? value.v.slice(0, -1) : value.v, prefix, phrase: false, any: false };
  }

  private key(name: string): void {
    if (!/^(__tag__:)?[A-Za-z_][\w.@/-]*$/.test(name)) syntaxError(`"${name}" is not a field name`);
    this.keys.add(name);
  }
}

function describe(token: SearchToken): string {
  if (token.t === 'end') return 'end of query';
  if (token.t === 'word' || token.t === 'quoted' || token.t === 'op') return `"${token.v}"`;
  return `"${token.t}"`;
}

// --- analytic statement ---------------------------------------------------------------------------
// SQL-92 as "Analysis syntax" describes it, this far: select items that are expressions (columns,
// numbers, 'strings', + - * / %, parentheses, and the aggregates count, count_if, sum, avg, min, max
// from "Aggregate functions"), `from log`, `where`, `group by` one or more columns or select aliases
// (the documented examples group by an alias: `select __time__ - __time__ % 60 as t, count(1) … group
// by t`), `order by`, `limit n`.

type SqlToken = { t: 'ident'; v: string; quoted: boolean } | { t: 'string'; v: string } | { t: 'number'; v: number } | { t: 'punct'; v: string } | { t: 'end' };

function lexSql(text: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) syntaxError(`unterminated ${c}`);
        if (text[i] === c) {
          // SQL doubles a quote to escape it.
          if (text[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      out.push(c === "'" ? { t: 'string', v: value } : { t: 'ident', v: value, quoted: true });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '!=' || two === '<>' || two === '>=' || two === '<=') {
      out.push({ t: 'punct', v: two === '<>' ? '!=' : two });
      i += 2;
      continue;
    }
    // A minus sign belongs to a number only right after an operator or "(" (`status > -1`, `(-1)`);
    // after a value it subtracts (`__time__ - 60`, `count(*)-1`).
    const previous = out[out.length - 1];
    const signed = previous?.t === 'punct' && previous.v !== ')';
    const number = (signed ? /^-?\d+(\.\d+)?/ : /^\d+(\.\d+)?/).exec(text.slice(i));
    if (number) {
      out.push({ t: 'number', v: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    if ('(),*=<>+-/%'.includes(c)) {
      out.push({ t: 'punct', v: c });
      i++;
      continue;
    }
    const word = /^[A-Za-z_][\w.:]*/.exec(text.slice(i));
    if (!word) notEmulated(`"${c}" in an analytic statement`);
    out.push({ t: 'ident', v: word[0], quoted: false });
    i += word[0].length;
  }
  out.push({ t: 'end' });
  return out;
}

const SQL_RESERVED = new Set(['select', 'from', 'where', 'group', 'by', 'order', 'limit', 'as', 'and', 'or', 'not', 'asc', 'desc']);
const AGGREGATES = new Set<AggregateFn>(['count', 'sum', 'avg', 'min', 'max']);

class SqlParser {
  private readonly tokens: SqlToken[];
  private pos = 0;

  constructor(text: string) {
    this.tokens = lexSql(text);
  }

  parse(): SelectStatement {
    if (!this.keyword('select')) notEmulated('an analytic statement that is not "select …"');
    const items: SelectItem[] = [this.item(0)];
    while (this.punct(',')) items.push(this.item(items.length));
    if (this.keyword('from')) {
      const table = this.next();
      if (table.t !== 'ident' || table.v.toLowerCase() !== 'log') notEmulated('"from" anything but "log"');
    }
    const where = this.keyword('where') ? this.orCondition() : undefined;
    const groupBy: string[] = [];
    if (this.keyword('group')) {
      if (!this.keyword('by')) syntaxError('"group" without "by"');
      groupBy.push(this.column());
      while (this.punct(',')) groupBy.push(this.column());
    }
    let orderBy: SelectStatement['orderBy'];
    if (this.keyword('order')) {
      if (!this.keyword('by')) syntaxError('"order" without "by"');
      const column = this.column();
      const descending = this.keyword('desc');
      if (!descending) this.keyword('asc');
      orderBy = { column, descending };
      if (this.peek().t === 'punct' && (this.peek() as { v: string }).v === ',') notEmulated('"order by" more than one column');
    }
    let limit: number | undefined;
    if (this.keyword('limit')) {
      const n = this.next();
      if (n.t !== 'number' || !Number.isInteger(n.v) || n.v < 0) syntaxError('"limit" needs a whole number');
      limit = n.v;
      if (this.punct(',')) notEmulated('"limit offset, count"');
    }
    const rest: SqlToken = this.peek();
    if (rest.t !== 'end') notEmulated(`"${String(rest.v)}" here in an analytic statement`);
    checkGrouping(items, groupBy);
    return { items, where, groupBy, orderBy, limit };
  }

  private peek(): SqlToken {
    return this.tokens[this.pos]!;
  }

  private next(): SqlToken {
    const token = this.tokens[this.pos]!;
    if (token.t !== 'end') this.pos++;
    return token;
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    if (token.t === 'ident' && !token.quoted && token.v.toLowerCase() === word) {
      this.pos++;
      return true;
    }
    return false;
  }

  private punct(value: string): boolean {
    const token = this.peek();
    if (token.t === 'punct' && token.v === value) {
      this.pos++;
      return true;
    }
    return false;
  }

  private column(): string {
    const token = this.next();
    if (token.t !== 'ident' || (!token.quoted && SQL_RESERVED.has(token.v.toLowerCase()))) syntaxError('a column name is expected');
    return token.v;
  }

  private item(index: number): SelectItem {
    const expr = this.expression();
    let alias = expr.kind === 'column' ? expr.name : `_col${index}`;
    if (this.keyword('as')) alias = this.column();
    return { expr, alias };
  }

  // expression := term (('+' | '-') term)* ; term := unary (('*' | '/' | '%') unary)*
  private expression(): SqlExpr {
    let left = this.term();
    for (;;) {
      const token = this.peek();
      if (token.t === 'punct' && (token.v === '+' || token.v === '-')) {
        this.next();
        left = { kind: 'arith', op: token.v, left, right: this.term() };
      } else return left;
    }
  }

  private term(): SqlExpr {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      if (token.t === 'punct' && (token.v === '*' || token.v === '/' || token.v === '%')) {
        this.next();
        left = { kind: 'arith', op: token.v, left, right: this.unary() };
      } else return left;
    }
  }

  private unary(): SqlExpr {
    if (this.punct('-')) return { kind: 'negate', operand: this.unary() };
    if (this.punct('(')) {
      const inner = this.expression();
      if (!this.punct(')')) syntaxError('missing ")"');
      return inner;
    }
    const token = this.peek();
    if (token.t === 'number') {
      this.next();
      return { kind: 'number', value: token.v };
    }
    if (token.t === 'string') {
      this.next();
      return { kind: 'string', value: token.v };
    }
    if (token.t === 'ident' && !token.quoted && this.tokens[this.pos + 1]?.t === 'punct' && (this.tokens[this.pos + 1] as { v: string }).v === '(') {
      return this.call();
    }
    return { kind: 'column', name: this.column() };
  }

  private call(): SqlExpr {
    const name = (this.next() as { v: string }).v.toLowerCase();
    this.next(); // "("
    let expr: SqlExpr;
    if (name === 'count_if') {
      expr = { kind: 'countIf', condition: this.orCondition() };
    } else if (AGGREGATES.has(name as AggregateFn)) {
      const fn = name as AggregateFn;
      const token = this.peek();
      if (token.t === 'ident' && !token.quoted && token.v.toLowerCase() === 'distinct') notEmulated(`${fn}(distinct …)`);
      if (fn === 'count' && this.punct('*')) expr = { kind: 'aggregate', fn, arg: undefined };
      else if (fn === 'count' && token.t === 'number' && token.v === 1 && (this.tokens[this.pos + 1] as { v?: string }).v === ')') {
        this.next();
        expr = { kind: 'aggregate', fn, arg: undefined };
      } else {
        const arg = this.expression();
        if (containsAggregate(arg)) syntaxError(`an aggregate inside ${fn}() (nested aggregation)`);
        expr = { kind: 'aggregate', fn, arg };
      }
    } else return notEmulated(`the function ${name}()`);
    if (!this.punct(')')) syntaxError(`${name} needs ")"`);
    return expr;
  }

  private orCondition(): SqlCondition {
    let left = this.andCondition();
    while (this.keyword('or')) left = { kind: 'or', left, right: this.andCondition() };
    return left;
  }

  private andCondition(): SqlCondition {
    let left = this.notCondition();
    while (this.keyword('and')) left = { kind: 'and', left, right: this.notCondition() };
    return left;
  }

  private notCondition(): SqlCondition {
    if (this.keyword('not')) return { kind: 'not', operand: this.notCondition() };
    if (this.punct('(')) {
      const inner = this.orCondition();
      if (!this.punct(')')) syntaxError('missing ")"');
      return inner;
    }
    const column = this.column();
    const op = this.next();
    if (op.t === 'ident' && !op.quoted) notEmulated(`"${op.v}" in a where clause (only = != <> < <= > >= are)`);
    if (op.t !== 'punct' || !['=', '!=', '<', '<=', '>', '>='].includes(op.v)) syntaxError(`a comparison is expected after ${column}`);
    const literal = this.next();
    if (literal.t === 'string') return { kind: 'compare', column, op: op.v as SqlCompareOp, literal: { kind: 'string', value: literal.v } };
    if (literal.t === 'number') return { kind: 'compare', column, op: op.v as SqlCompareOp, literal: { kind: 'number', value: literal.v } };
    return notEmulated(`comparing ${column} with anything but a 'string' or a number`);
  }
}

export function containsAggregate(expr: SqlExpr): boolean {
  switch (expr.kind) {
    case 'aggregate':
    case 'countIf':
      return true;
    case 'arith':
      return containsAggregate(expr.left) || containsAggregate(expr.right);
    case 'negate':
      return containsAggregate(expr.operand);
    default:
      return false;
  }
}

/** Columns an expression reads outside any aggregate (what must be grouped). */
function bareColumns(expr: SqlExpr, out: Set<string>): Set<string> {
  if (expr.kind === 'column') out.add(expr.name);
  else if (expr.kind === 'arith') {
    bareColumns(expr.left, out);
    bareColumns(expr.right, out);
  } else if (expr.kind === 'negate') bareColumns(expr.operand, out);
  return out;
}

/**
 * Presto's rule: outside an aggregate, a select item may read only what is grouped — a group-by
 * column, or be itself a grouped alias ("'x' must be an aggregate expression or appear in GROUP BY
 * clause"). A group-by name is an item's alias or a column, never an aggregate item.
 */
function checkGrouping(items: readonly SelectItem[], groupBy: readonly string[]): void {
  const aliases = new Map(items.map((item) => [item.alias, item]));
  for (const name of groupBy) {
    const item = aliases.get(name);
    if (item && containsAggregate(item.expr)) throw slsErrors.parameterInvalid(`GROUP BY clause cannot contain aggregations or window functions: ${name}`);
  }
  const grouped = new Set(groupBy);
  for (const item of items) {
    if (grouped.has(item.alias) && !containsAggregate(item.expr)) continue;
    for (const column of bareColumns(item.expr, new Set())) {
      if (!grouped.has(column)) throw slsErrors.parameterInvalid(`'${column}' must be an aggregate expression or appear in GROUP BY clause`);
    }
  }
}

function conditionColumns(c: SqlCondition | undefined, out: Set<string>): void {
  if (!c) return;
  if (c.kind === 'compare') out.add(c.column);
  else if (c.kind === 'not') conditionColumns(c.operand, out);
  else {
    conditionColumns(c.left, out);
    conditionColumns(c.right, out);
  }
}

function exprColumns(expr: SqlExpr, out: Set<string>): void {
  switch (expr.kind) {
    case 'column':
      out.add(expr.name);
      return;
    case 'arith':
      exprColumns(expr.left, out);
      exprColumns(expr.right, out);
      return;
    case 'negate':
      exprColumns(expr.operand, out);
      return;
    case 'aggregate':
      if (expr.arg) exprColumns(expr.arg, out);
      return;
    case 'countIf':
      conditionColumns(expr.condition, out);
      return;
    default:
      return;
  }
}

/** Every log field the analytic part reads (select items, count_if, where, group by columns). */
export function selectColumns(select: SelectStatement): string[] {
  const out = new Set<string>();
  for (const item of select.items) exprColumns(item.expr, out);
  conditionColumns(select.where, out);
  const aliases = new Set(select.items.map((i) => i.alias));
  for (const name of select.groupBy) if (!aliases.has(name)) out.add(name);
  return [...out];
}
