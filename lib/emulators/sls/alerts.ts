// Alert rules of a project, the "new alert" API of 2020-12-30: CreateAlert / GetAlert / UpdateAlert /
// DeleteAlert / ListAlerts (and EnableAlert / DisableAlert). Shapes from the OpenAPI models
// (@alicloud/sls20201230 `Alert`, `AlertConfiguration`, `AlertQuery`, `ConditionConfiguration`,
// `SeverityConfiguration`, `PolicyConfiguration`, `GroupConfiguration`, `JoinConfiguration`,
// `Schedule`, `AlertTag`); enumerations from aliyun-log-java-sdk (`AlertConfiguration.Severity`
// Report 2 … Critical 10, `JoinType`, `GroupType`, `StoreType`, `JobScheduleType`, `TimeSpanType`);
// trigger-condition syntax from "Syntax for trigger conditions" (document_detail/207609.html).
//
// The emulator validates the shape and that every query parses under its query subset (query.ts),
// so a rule it accepts is one it can evaluate. It does not run alerts on a schedule:
// `evaluateAlert` runs one rule's queries and conditions once, for tests.
import { slsErrors } from './errors';
import { parseQuery } from './query';

export const SEVERITIES = [2, 4, 6, 8, 10] as const;
const JOIN_TYPES = ['cross_join', 'inner_join', 'left_join', 'right_join', 'full_join', 'left_exclude', 'right_exclude', 'concat', 'no_join'];
/** The set operations evaluateRule applies (the rest are refused at creation: not emulated). */
const EMULATED_JOINS = ['cross_join', 'inner_join', 'left_join', 'left_exclude'];
const GROUP_TYPES = ['no_group', 'labels_auto', 'custom'];
const SCHEDULE_TYPES = ['FixedRate', 'Hourly', 'Daily', 'Weekly', 'Cron', 'DryRun', 'Resident'];
const TIME_SPAN_TYPES = ['Relative', 'Truncated', 'Today', 'Yesterday', 'Custom', 'Fixed'];
const ALERT_NAME = /^[a-z0-9][a-z0-9_-]{1,62}[a-z0-9]$/;
/** Bounds the emulator holds a rule to (service limits unconfirmed). */
const MAX_QUERIES = 3;
const MAX_TAGS = 64;
const MAX_TEXT = 4096;

export interface AlertRule {
  name: string;
  displayName: string;
  description: string;
  configuration: Record<string, unknown>;
  schedule: Record<string, unknown>;
  status: 'ENABLED' | 'DISABLED';
  createTime: number;
  lastModifiedTime: number;
}

function invalid(why: string): never {
  throw slsErrors.parameterInvalid(why);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(o: Record<string, unknown>, name: string, where: string): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') invalid(`${where}.${name} must be a string`);
  if (v.length > MAX_TEXT) invalid(`${where}.${name} is longer than ${MAX_TEXT} characters`);
  return v;
}

function requiredString(o: Record<string, unknown>, name: string, where: string): string {
  const v = optionalString(o, name, where);
  if (v === undefined || v === '') invalid(`${where}.${name} is missing`);
  return v;
}

function optionalBoolean(o: Record<string, unknown>, name: string, where: string): void {
  if (o[name] !== undefined && o[name] !== null && typeof o[name] !== 'boolean') invalid(`${where}.${name} must be true or false`);
}

function oneOf(value: string | undefined, allowed: readonly string[], what: string): void {
  if (value !== undefined && !allowed.includes(value)) invalid(`${what} must be one of ${allowed.join(', ')}, got "${value}"`);
}

/** "60s", "5m", "1h", "1d": the duration form alert schedules and repeat intervals use. */
function duration(value: string | undefined, what: string): void {
  if (value !== undefined && !/^\d{1,6}[smhd]$/.test(value)) invalid(`${what} must be a duration such as 60s, 5m, 1h or 1d, got "${value}"`);
}

function tags(v: unknown, where: string): void {
  if (v === undefined || v === null) return;
  if (!Array.isArray(v) || v.length > MAX_TAGS) invalid(`${where} must be a list of at most ${MAX_TAGS} {key, value}`);
  v.forEach((t, i) => {
    if (!isObject(t)) invalid(`${where}[${i}] must be {key, value}`);
    requiredString(t, 'key', `${where}[${i}]`);
    optionalString(t, 'value', `${where}[${i}]`);
  });
}

function condition(v: unknown, where: string): void {
  if (v === undefined || v === null) return;
  if (!isObject(v)) invalid(`${where} must be {condition, countCondition}`);
  const c = optionalString(v, 'condition', where);
  const count = optionalString(v, 'countCondition', where);
  if (c) parseCondition(c, `${where}.condition`);
  if (count) parseCondition(count, `${where}.countCondition`);
}

/** `start`/`end` of a relative query window: "now", "-60s", "-15m", "-1h", "-1d" (others unconfirmed, refused). */
export function relativeSeconds(value: string, what: string): number {
  if (value === 'now') return 0;
  const m = /^-(\d{1,7})([smhd])$/.exec(value);
  if (!m) return invalid(`${what} "${value}" is not emulated (the emulator takes now, -Ns, -Nm, -Nh, -Nd)`);
  return -Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

function query(raw: unknown, i: number): void {
  const where = `configuration.queryList[${i}]`;
  if (!isObject(raw)) invalid(`${where} must be an object`);
  const storeType = optionalString(raw, 'storeType', where) ?? 'log';
  oneOf(storeType, ['log', 'metric', 'meta'], `${where}.storeType`);
  // Metric stores (PromQL) and meta stores are not emulated: a rule the emulator cannot evaluate is refused.
  if (storeType !== 'log') invalid(`${where}.storeType ${storeType} is not emulated (only log)`);
  requiredString(raw, 'store', where);
  const text = requiredString(raw, 'query', where);
  parseQuery(text);
  const span = optionalString(raw, 'timeSpanType', where);
  oneOf(span, TIME_SPAN_TYPES, `${where}.timeSpanType`);
  relativeSeconds(requiredString(raw, 'start', where), `${where}.start`);
  relativeSeconds(requiredString(raw, 'end', where), `${where}.end`);
  for (const f of ['project', 'region', 'roleArn', 'dashboardId', 'chartTitle', 'powerSqlMode', 'ui']) optionalString(raw, f, where);
  // A query of another project is read with a role (queryList[].roleArn; the console's default is the
  // alert's default role): the emulator reads any project of its own, and the region must be its own.
}

/** Validates a CreateAlert/UpdateAlert body's configuration and schedule. */
export function validateAlert(body: Record<string, unknown>): void {
  // "The display name … must be 1 to 64 characters in length" (ROS ALIYUN::SLS::Alert Detail; the API
  // reference states no bound: unconfirmed that the API holds it too).
  if (requiredString(body, 'displayName', 'alert').length > 64) invalid('alert.displayName is longer than 64 characters');
  optionalString(body, 'description', 'alert');
  const c = body.configuration;
  if (!isObject(c)) invalid('configuration is missing');
  // The 2020-12-30 alert is version 2.0 (aliyun-log-java-sdk createAlertV2); 1.0 rules are the old API's.
  if (c.version !== '2.0') invalid('configuration.version must be "2.0"');
  oneOf(optionalString(c, 'type', 'configuration') ?? 'default', ['default', 'tpl'], 'configuration.type');
  if (c.type === 'tpl') invalid('configuration.type tpl (alert templates) is not emulated');
  if (!Array.isArray(c.queryList) || c.queryList.length === 0) invalid('configuration.queryList needs at least one query');
  if (c.queryList.length > MAX_QUERIES) invalid(`configuration.queryList holds at most ${MAX_QUERIES} queries`);
  c.queryList.forEach(query);
  if (c.joinConfigurations !== undefined && c.joinConfigurations !== null) {
    if (!Array.isArray(c.joinConfigurations)) invalid('configuration.joinConfigurations must be a list');
    // Each join combines query i and i+1, so there is one fewer than there are queries.
    if (c.joinConfigurations.length !== c.queryList.length - 1) invalid('configuration.joinConfigurations needs one entry per pair of adjacent queries');
    c.joinConfigurations.forEach((j, i) => {
      if (!isObject(j)) invalid(`configuration.joinConfigurations[${i}] must be {type, condition}`);
      const type = requiredString(j, 'type', `configuration.joinConfigurations[${i}]`);
      oneOf(type, JOIN_TYPES, `configuration.joinConfigurations[${i}].type`);
      // A rule the emulator accepts is one it can evaluate: only these set operations are emulated.
      if (!EMULATED_JOINS.includes(type)) invalid(`configuration.joinConfigurations[${i}].type ${type} is not emulated (${EMULATED_JOINS.join(', ')} are)`);
      const condition = optionalString(j, 'condition', `configuration.joinConfigurations[${i}]`);
      if (condition) parseCondition(condition, `configuration.joinConfigurations[${i}].condition`);
    });
  } else if (c.queryList.length > 1) invalid('configuration.joinConfigurations is needed with more than one query');
  if (c.groupConfiguration !== undefined && c.groupConfiguration !== null) {
    const g = c.groupConfiguration;
    if (!isObject(g)) invalid('configuration.groupConfiguration must be {type, fields}');
    oneOf(requiredString(g, 'type', 'configuration.groupConfiguration'), GROUP_TYPES, 'configuration.groupConfiguration.type');
    if (g.fields !== undefined && (!Array.isArray(g.fields) || g.fields.some((f) => typeof f !== 'string'))) {
      invalid('configuration.groupConfiguration.fields must be a list of strings');
    }
    if (g.type === 'custom' && !(Array.isArray(g.fields) && g.fields.length > 0)) invalid('configuration.groupConfiguration type custom needs fields');
  }
  condition(c.conditionConfiguration, 'configuration.conditionConfiguration');
  if (!Array.isArray(c.severityConfigurations) || c.severityConfigurations.length === 0)
    invalid('configuration.severityConfigurations needs at least one entry');
  c.severityConfigurations.forEach((s, i) => {
    const where = `configuration.severityConfigurations[${i}]`;
    if (!isObject(s)) invalid(`${where} must be {severity, evalCondition}`);
    if (!SEVERITIES.includes(s.severity as never)) invalid(`${where}.severity must be one of ${SEVERITIES.join(', ')}`);
    condition(s.evalCondition, `${where}.evalCondition`);
  });
  const p = c.policyConfiguration;
  if (!isObject(p)) invalid('configuration.policyConfiguration is missing');
  requiredString(p, 'alertPolicyId', 'configuration.policyConfiguration');
  optionalString(p, 'actionPolicyId', 'configuration.policyConfiguration');
  duration(optionalString(p, 'repeatInterval', 'configuration.policyConfiguration'), 'configuration.policyConfiguration.repeatInterval');
  tags(c.labels, 'configuration.labels');
  tags(c.annotations, 'configuration.annotations');
  for (const f of ['noDataFire', 'sendResolved', 'autoAnnotation']) optionalBoolean(c, f, 'configuration');
  if (c.noDataSeverity !== undefined && !SEVERITIES.includes(c.noDataSeverity as never))
    invalid(`configuration.noDataSeverity must be one of ${SEVERITIES.join(', ')}`);
  if (c.threshold !== undefined && !(Number.isInteger(c.threshold) && (c.threshold as number) >= 1))
    invalid('configuration.threshold must be a positive integer');
  if (c.muteUntil !== undefined && !Number.isInteger(c.muteUntil)) invalid('configuration.muteUntil must be Unix seconds');
  if (c.tags !== undefined && (!Array.isArray(c.tags) || c.tags.some((t) => typeof t !== 'string'))) invalid('configuration.tags must be a list of strings');
  optionalString(c, 'dashboard', 'configuration');

  const s = body.schedule;
  if (!isObject(s)) invalid('schedule is missing');
  const type = requiredString(s, 'type', 'schedule');
  oneOf(type, SCHEDULE_TYPES, 'schedule.type');
  if (type === 'FixedRate') duration(requiredString(s, 'interval', 'schedule'), 'schedule.interval');
  if (type === 'Cron') requiredString(s, 'cronExpression', 'schedule');
  optionalBoolean(s, 'runImmediately', 'schedule');
  optionalString(s, 'timeZone', 'schedule');
  if (s.delay !== undefined && !(Number.isInteger(s.delay) && (s.delay as number) >= 0)) invalid('schedule.delay must be a whole number of seconds');
}

export function validateAlertName(name: unknown): string {
  if (typeof name !== 'string' || name === '') invalid('name is missing');
  if (!ALERT_NAME.test(name)) invalid(`name ${name} is invalid: 3 to 64 lower-case letters, digits, - and _, starting and ending with a letter or digit`);
  return name;
}

// --- trigger conditions ---------------------------------------------------------------------------
// "Specify evaluate expressions" (help.aliyun.com/…/sls/syntax-of-evaluate-expressions): fields of
// the query results (`cnt`, `$0.cnt` for query 0, `__count__` in count conditions), numbers,
// 'strings' or "strings", arithmetic + - * / % (operands converted to 64-bit floats), comparisons
// == != > >= < <= (both sides numbers when both convert, else text), && || !, parentheses. An
// expression is 1 to 128 characters; a variable name holds only letters and digits and starts with a
// letter; an expression fires only when it is true (`100 + 100` is 200, not true). Regular-expression
// matches (=~ !~) and bracketed names ([5xx]) are not emulated.

export type ConditionExpr =
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'field'; query: number; name: string }
  | { kind: 'binary'; op: string; left: ConditionExpr; right: ConditionExpr }
  | { kind: 'not'; operand: ConditionExpr }
  | { kind: 'negate'; operand: ConditionExpr };

/** "A trigger condition must be 1 to 128 characters in length" (Syntax of trigger conditions). */
const MAX_CONDITION_CHARS = 128;
const COMPARISONS = ['==', '!=', '>', '>=', '<', '<='];

export function parseCondition(text: string, what = 'condition'): ConditionExpr {
  if (text.length > MAX_CONDITION_CHARS) invalid(`${what} "${text.slice(0, 40)}…" is longer than ${MAX_CONDITION_CHARS} characters`);
  const tokens: string[] = [];
  const re = /\s*(\$\d+\.[A-Za-z_][\w.]*|[A-Za-z_][\w.]*|\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|==|!=|>=|<=|&&|\|\||[<>()!+\-*/%])\s*/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m)
      invalid(
        `${what} "${text}": "${text.slice(pos).trim().slice(0, 20)}" is not emulated (conditions take fields, numbers, strings, + - * / %, == != > >= < <=, && || ! and parentheses)`,
      );
    tokens.push(m[1]!);
    pos = re.lastIndex;
  }
  let i = 0;
  const fail = (why: string): never => invalid(`${what} "${text}": ${why}`);
  const peek = () => tokens[i];
  const or = (): ConditionExpr => {
    let left = and();
    while (peek() === '||') {
      i++;
      left = { kind: 'binary', op: '||', left, right: and() };
    }
    return left;
  };
  const and = (): ConditionExpr => {
    let left = comparison();
    while (peek() === '&&') {
      i++;
      left = { kind: 'binary', op: '&&', left, right: comparison() };
    }
    return left;
  };
  const comparison = (): ConditionExpr => {
    const left = additive();
    const op = peek();
    if (op && COMPARISONS.includes(op)) {
      i++;
      return { kind: 'binary', op, left, right: additive() };
    }
    return left;
  };
  const additive = (): ConditionExpr => {
    let left = multiplicative();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[i++]!;
      left = { kind: 'binary', op, left, right: multiplicative() };
    }
    return left;
  };
  const multiplicative = (): ConditionExpr => {
    let left = unary();
    while (peek() === '*' || peek() === '/' || peek() === '%') {
      const op = tokens[i++]!;
      left = { kind: 'binary', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): ConditionExpr => {
    const t = tokens[i++];
    if (t === undefined) return fail('it ends too early');
    if (t === '!') return { kind: 'not', operand: unary() };
    // "Negative numbers must be enclosed with parentheses, for example x+(-100)<100."
    if (t === '-') {
      if (tokens[i - 2] !== '(') fail('a negative number must be enclosed in parentheses, e.g. x+(-100)<100');
      return { kind: 'negate', operand: unary() };
    }
    if (t === '(') {
      const inner = or();
      if (tokens[i++] !== ')') fail('missing ")"');
      return inner;
    }
    if (/^\d/.test(t)) return { kind: 'literal', value: Number(t) };
    if (t.startsWith('"') || t.startsWith("'")) return { kind: 'literal', value: t.slice(1, -1).replace(/\\(.)/g, '$1') };
    if (t === 'true' || t === 'false') return { kind: 'literal', value: t === 'true' };
    const ref = /^\$(\d+)\.(.+)$/.exec(t);
    const name = ref ? ref[2]! : t;
    if (name !== '__count__' && !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
      fail(`"${name}" is not a variable name: only letters and digits, starting with a letter (alias the query's column)`);
    }
    if (ref) return { kind: 'field', query: Number(ref[1]), name };
    if (/^[A-Za-z_]/.test(t)) return { kind: 'field', query: 0, name: t };
    return fail(`unexpected "${t}"`);
  };
  if (tokens.length === 0) fail('it is empty');
  const expr = or();
  if (i !== tokens.length) fail(`unexpected "${tokens[i]}"`);
  return expr;
}

type Value = string | number | boolean | undefined;

/** A value as a 64-bit float, or undefined when it is not a number. */
function asNumber(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

/** True only when the expression is true; a number or a string result is not (the docs' 100 + 100). */
export function evaluateCondition(expr: ConditionExpr, row: (query: number, name: string) => Value): boolean {
  const value = (e: ConditionExpr): Value => {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'field':
        return row(e.query, e.name);
      case 'not':
        return value(e.operand) !== true;
      case 'negate': {
        const n = asNumber(value(e.operand));
        return n === undefined ? undefined : -n;
      }
      case 'binary': {
        if (e.op === '&&') return value(e.left) === true && value(e.right) === true;
        if (e.op === '||') return value(e.left) === true || value(e.right) === true;
        const a = value(e.left);
        const b = value(e.right);
        if (a === undefined || b === undefined) return undefined;
        if (['+', '-', '*', '/', '%'].includes(e.op)) {
          const x = asNumber(a);
          const y = asNumber(b);
          if (x === undefined || y === undefined) return undefined;
          const r = e.op === '+' ? x + y : e.op === '-' ? x - y : e.op === '*' ? x * y : e.op === '/' ? x / y : x % y;
          return Number.isFinite(r) ? r : undefined;
        }
        // Both sides numbers when both convert (64-bit floats), else compared as text.
        const x = asNumber(a);
        const y = asNumber(b);
        const [l, r] = x !== undefined && y !== undefined ? [x, y] : [String(a), String(b)];
        switch (e.op) {
          case '==':
            return l === r;
          case '!=':
            return l !== r;
          case '>':
            return l > r;
          case '>=':
            return l >= r;
          case '<':
            return l < r;
          default:
            return l <= r;
        }
      }
    }
  };
  return value(expr) === true;
}

export interface AlertEvaluation {
  fired: boolean;
  /** The severity that fired (the first severity configuration whose condition held), or the no-data severity. */
  severity?: number;
  /** Rows that met the firing condition: for one query its rows, after a join each query's row merged (`$N.name` keys). */
  matched: Record<string, string>[];
  /** Rows each query answered. */
  results: Record<string, string>[][];
  noData: boolean;
}

/** "For each alert rule evaluation, Simple Log Service checks a maximum of 1,000 log entry combinations." */
const MAX_COMBINATIONS = 1000;

type Combination = Record<string, string>[];

/**
 * Joins the accumulated combinations with query `next`'s rows ("Set operations": cross_join is the
 * Cartesian product; inner_join keeps the pairs its condition accepts; left_join keeps a left row
 * without a match, with an empty right; left_exclude keeps only left rows without a match).
 */
function join(left: Combination[], rows: Record<string, string>[], type: string, condition: string | undefined): Combination[] {
  const expr = condition ? parseCondition(condition, 'join condition') : undefined;
  const matches = (combo: Combination, row: Record<string, string>) => {
    const joined = [...combo, row];
    return !expr || evaluateCondition(expr, (q, name) => joined[q]?.[name]);
  };
  const out: Combination[] = [];
  for (const combo of left) {
    const paired = type === 'cross_join' ? rows : rows.filter((row) => matches(combo, row));
    if (type === 'left_exclude') {
      if (paired.length === 0) out.push([...combo, {}]);
    } else if (type === 'left_join' && paired.length === 0) out.push([...combo, {}]);
    else for (const row of paired) out.push([...combo, row]);
    if (out.length >= MAX_COMBINATIONS) return out.slice(0, MAX_COMBINATIONS);
  }
  return out;
}

function flatten(combo: Combination): Record<string, string> {
  if (combo.length === 1) return combo[0]!;
  return Object.fromEntries(combo.flatMap((row, q) => Object.entries(row).map(([k, v]) => [`$${q}.${k}`, v])));
}

/**
 * Runs a rule once: every query over its window (relative to `nowMs`, in its own project when it
 * names one), the set operations between them, then the severity conditions in order.
 */
export function evaluateRule(
  rule: AlertRule,
  nowMs: number,
  run: (project: string | undefined, store: string, query: string, fromSeconds: number, toSeconds: number) => Record<string, string>[],
): AlertEvaluation {
  const c = rule.configuration as {
    queryList: { store: string; query: string; start: string; end: string; project?: string }[];
    joinConfigurations?: { type: string; condition?: string }[];
    severityConfigurations: { severity: number; evalCondition?: { condition?: string; countCondition?: string } }[];
    conditionConfiguration?: { condition?: string; countCondition?: string };
    noDataFire?: boolean;
    noDataSeverity?: number;
  };
  const now = Math.floor(nowMs / 1000);
  const results = c.queryList.map((q) =>
    run(q.project || undefined, q.store, q.query, now + relativeSeconds(q.start, 'start'), now + relativeSeconds(q.end, 'end')),
  );
  let combos: Combination[] = (results[0] ?? []).slice(0, MAX_COMBINATIONS).map((row) => [row]);
  results.slice(1).forEach((rows, i) => {
    const j = c.joinConfigurations![i]!;
    combos = join(combos, rows, j.type, j.condition);
  });
  if (combos.length === 0) {
    return c.noDataFire
      ? { fired: true, severity: c.noDataSeverity ?? 6, matched: [], results, noData: true }
      : { fired: false, matched: [], results, noData: true };
  }
  const configs = c.severityConfigurations.map((s) => ({ severity: s.severity, condition: s.evalCondition ?? c.conditionConfiguration }));
  for (const { severity, condition: cond } of configs) {
    const expr = cond?.condition ? parseCondition(cond.condition) : undefined;
    const matched = expr ? combos.filter((combo) => evaluateCondition(expr, (q, name) => combo[q]?.[name])) : combos;
    const count = cond?.countCondition ? parseCondition(cond.countCondition) : undefined;
    const fires = count ? evaluateCondition(count, (_q, name) => (name === '__count__' ? matched.length : undefined)) : matched.length > 0;
    if (fires) return { fired: true, severity, matched: matched.map(flatten), results, noData: false };
  }
  return { fired: false, matched: [], results, noData: false };
}
