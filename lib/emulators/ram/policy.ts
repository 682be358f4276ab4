// RAM's policy language: documents checked as CreatePolicy checks them, and requests evaluated
// against them as RAM evaluates them. Written from Alibaba Cloud's RAM documentation:
//   "Policy structure and syntax"   help.aliyun.com/document_detail/93739 (Version "1", Statement list,
//                                   Effect, Action|NotAction, Resource|NotResource, Condition)
//   "Policy elements"               document_detail/93738 (Deny takes precedence over Allow; Principal
//                                   only in resource policies such as a role's trust policy)
//   "Conditional operators"         www.alibabacloud.com/help/en/ram/conditional-operator (String*,
//                                   Numeric*, Date*, Bool, IpAddress/NotIpAddress; * and ? in StringLike)
//   "Policy evaluation"             explicit Deny > Allow > implicit deny (also the Tablestore "RAM
//                                   policy" page: "explicit deny takes precedence … implicit deny")
//   "Limits"                        document_detail/28753 (a custom policy's length)
//
// Where the documentation is silent the rule below says "unconfirmed" and what we chose.

/** A request as a service presents it: the RAM action, the resource ARN, the condition keys. */
export interface EvaluationRequest {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

export type Evaluation = 'allow' | 'explicit-deny' | 'implicit-deny';

/** The trusted entities of a role's trust policy (Principal element). */
export interface TrustedPrincipals {
  readonly Service?: readonly string[];
  readonly RAM?: readonly string[];
  readonly Federated?: readonly string[];
}

interface ConditionTest {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  /** Exactly one of actions / notActions. */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  /** Exactly one of resources / notResources in a permission policy; neither in a trust policy. */
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principal?: TrustedPrincipals;
  readonly conditions: readonly ConditionTest[];
}

export interface PolicyDocument {
  readonly statements: readonly Statement[];
}

/**
 * Limits doc (document_detail/28753, current page): a custom policy document holds at most 6,144
 * characters (an older edition said 2,048). The same bound is applied to trust policies (unconfirmed:
 * the limits page gives none for them).
 */
export const MAX_POLICY_DOCUMENT_CHARS = 6144;

/** The error CreatePolicy / CreateRole answer for a document RAM refuses (status 400). */
export class MalformedPolicyError extends Error {
  readonly code = 'MalformedPolicyDocument';
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPolicyError';
  }
}

// ---- condition operators (Conditional operators page) ---------------------------------------------

type Comparator = (actual: string, expected: string) => boolean;

const number = (s: string): number => (/^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s) : Number.NaN);
/** Dates as ISO 8601 (acs:CurrentTime's format) or epoch seconds (unconfirmed: the page shows ISO 8601 only). */
const date = (s: string): number => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));

/** Positive operators; their negations (Not…) match when none of the values does. */
const OPERATORS: Readonly<Record<string, { test: Comparator; negated: boolean }>> = {
  StringEquals: { test: (a, e) => a === e, negated: false },
  StringNotEquals: { test: (a, e) => a === e, negated: true },
  StringEqualsIgnoreCase: { test: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { test: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: true },
  StringLike: { test: (a, e) => wildcardMatch(e, a), negated: false },
  StringNotLike: { test: (a, e) => wildcardMatch(e, a), negated: true },
  NumericEquals: { test: (a, e) => number(a) === number(e), negated: false },
  NumericNotEquals: { test: (a, e) => number(a) === number(e), negated: true },
  NumericLessThan: { test: (a, e) => number(a) < number(e), negated: false },
  NumericLessThanEquals: { test: (a, e) => number(a) <= number(e), negated: false },
  NumericGreaterThan: { test: (a, e) => number(a) > number(e), negated: false },
  NumericGreaterThanEquals: { test: (a, e) => number(a) >= number(e), negated: false },
  DateEquals: { test: (a, e) => date(a) === date(e), negated: false },
  DateNotEquals: { test: (a, e) => date(a) === date(e), negated: true },
  DateLessThan: { test: (a, e) => date(a) < date(e), negated: false },
  DateLessThanEquals: { test: (a, e) => date(a) <= date(e), negated: false },
  DateGreaterThan: { test: (a, e) => date(a) > date(e), negated: false },
  DateGreaterThanEquals: { test: (a, e) => date(a) >= date(e), negated: false },
  Bool: { test: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
  IpAddress: { test: (a, e) => ipInRange(a, e), negated: false },
  NotIpAddress: { test: (a, e) => ipInRange(a, e), negated: true },
};

export const CONDITION_OPERATORS: readonly string[] = Object.keys(OPERATORS);

/** IPv4 address in an IPv4 address or CIDR block; other forms compare as text (IPv6 ranges: not emulated). */
export function ipInRange(address: string, range: string): boolean {
  const ip = ipv4(address);
  const [base, bitsText] = range.split('/');
  const network = ipv4(base ?? '');
  if (ip === undefined || network === undefined) return address === range;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!(Number.isInteger(bits) && bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (ip & mask) >>> 0 === (network & mask) >>> 0;
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => ((n << 8) | Number(p)) >>> 0, 0);
}

// ---- wildcards ----------------------------------------------------------------------------------

/**
 * `*` matches any run of characters (the empty one included), `?` exactly one (Conditional
 * operators: StringLike; Policy elements: Action and Resource accept the same wildcards).
 */
export function wildcardMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  // Iterative matcher with backtracking on the last '*': linear in practice, no regex from input.
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/**
 * Action names are matched without regard to case (unconfirmed: RAM's pages write them in one case
 * and say nothing; AWS IAM, whose grammar RAM's follows, ignores case). Resources are matched with
 * case (ARNs carry object keys and table names, which are case-sensitive).
 */
function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action, true);
}

function resourceMatches(pattern: string, resource: string): boolean {
  return wildcardMatch(pattern, resource);
}

// ---- parsing and validation (what CreatePolicy refuses) -------------------------------------------

const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'Principal']);
const PRINCIPAL_KINDS = new Set(['Service', 'RAM', 'Federated']);

function stringList(value: unknown, where: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string' || v === '')) {
    throw new MalformedPolicyError(`${where} must be a non-empty string or a non-empty list of strings.`);
  }
  return list as string[];
}

function conditionValues(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new MalformedPolicyError(`${where} must name at least one value.`);
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new MalformedPolicyError(`${where} values must be strings, numbers or booleans.`);
  });
}

function parseConditions(value: unknown, where: string): ConditionTest[] {
  if (value === undefined) return [];
  if (!isObject(value)) throw new MalformedPolicyError(`${where}.Condition must be an object of operators.`);
  const tests: ConditionTest[] = [];
  for (const [operator, block] of Object.entries(value)) {
    // An operator RAM does not list is refused here (unconfirmed: whether RAM refuses it at
    // CreatePolicy or lets it never match is not documented; a clear error is the safer reading).
    if (!Object.hasOwn(OPERATORS, operator)) {
      throw new MalformedPolicyError(`${where}.Condition operator "${operator}" is not one of ${CONDITION_OPERATORS.join(', ')}.`);
    }
    if (!isObject(block) || Object.keys(block).length === 0) {
      throw new MalformedPolicyError(`${where}.Condition.${operator} must map condition keys to values.`);
    }
    for (const [key, values] of Object.entries(block)) tests.push({ operator, key, values: conditionValues(values, `${where}.Condition.${operator}.${key}`) });
  }
  return tests;
}

function parsePrincipal(value: unknown, where: string): TrustedPrincipals {
  if (!isObject(value) || Object.keys(value).length === 0) {
    throw new MalformedPolicyError(`${where}.Principal must be an object such as {"Service": ["fc.aliyuncs.com"]} or {"RAM": ["acs:ram::<uid>:root"]}.`);
  }
  const out: Record<string, string[]> = {};
  for (const [kind, list] of Object.entries(value)) {
    if (!PRINCIPAL_KINDS.has(kind)) throw new MalformedPolicyError(`${where}.Principal has "${kind}"; RAM knows Service, RAM and Federated.`);
    out[kind] = stringList(list, `${where}.Principal.${kind}`);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Parses and checks a policy document as RAM does at CreatePolicy (`permission`) or at CreateRole /
 * UpdateRole for the trust policy (`trust`). Throws a MalformedPolicyError naming what is wrong.
 */
export function parsePolicy(text: string, kind: 'permission' | 'trust' = 'permission'): PolicyDocument {
  if (text.length > MAX_POLICY_DOCUMENT_CHARS) {
    throw new MalformedPolicyError(`The policy document has ${text.length} characters; RAM takes at most ${MAX_POLICY_DOCUMENT_CHARS}.`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new MalformedPolicyError('The policy document is not valid JSON.');
  }
  if (!isObject(doc)) throw new MalformedPolicyError('The policy document must be a JSON object with Version and Statement.');
  for (const key of Object.keys(doc)) {
    if (key !== 'Version' && key !== 'Statement') throw new MalformedPolicyError(`The policy document has an unknown element "${key}".`);
  }
  if (doc.Version !== '1') throw new MalformedPolicyError('The policy Version must be the string "1".');
  if (!Array.isArray(doc.Statement) || doc.Statement.length === 0) throw new MalformedPolicyError('The policy Statement must be a non-empty list.');
  const statements = doc.Statement.map((raw, i): Statement => {
    const where = `Statement[${i}]`;
    if (!isObject(raw)) throw new MalformedPolicyError(`${where} must be an object.`);
    for (const key of Object.keys(raw)) {
      if (!STATEMENT_ELEMENTS.has(key)) throw new MalformedPolicyError(`${where} has an unknown element "${key}".`);
    }
    if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') throw new MalformedPolicyError(`${where}.Effect must be "Allow" or "Deny".`);
    if ((raw.Action === undefined) === (raw.NotAction === undefined)) throw new MalformedPolicyError(`${where} needs exactly one of Action and NotAction.`);
    const actions = raw.Action === undefined ? undefined : stringList(raw.Action, `${where}.Action`);
    const notActions = raw.NotAction === undefined ? undefined : stringList(raw.NotAction, `${where}.NotAction`);
    for (const a of [...(actions ?? []), ...(notActions ?? [])]) {
      if (a !== '*' && !/^[A-Za-z0-9*?-]+:[A-Za-z0-9*?_.-]+$/.test(a)) {
        throw new MalformedPolicyError(`${where} action "${a}" is not "*" or "<service>:<Action>".`);
      }
    }
    const base = { effect: raw.Effect, actions, notActions, conditions: parseConditions(raw.Condition, where) } as const;
    if (kind === 'trust') {
      if (raw.Principal === undefined) throw new MalformedPolicyError(`${where} of a trust policy needs a Principal.`);
      return { ...base, principal: parsePrincipal(raw.Principal, where) };
    }
    if (raw.Principal !== undefined) throw new MalformedPolicyError(`${where}: Principal belongs in trust policies, not in a policy attached to an identity.`);
    if ((raw.Resource === undefined) === (raw.NotResource === undefined))
      throw new MalformedPolicyError(`${where} needs exactly one of Resource and NotResource.`);
    return {
      ...base,
      resources: raw.Resource === undefined ? undefined : stringList(raw.Resource, `${where}.Resource`),
      notResources: raw.NotResource === undefined ? undefined : stringList(raw.NotResource, `${where}.NotResource`),
    };
  });
  return { statements };
}

// ---- evaluation ---------------------------------------------------------------------------------

/**
 * A condition block holds when every operator and key in it holds; a key holds when the request's
 * value matches any listed value (or, for a negated operator, none). A key the request does not carry
 * fails a positive operator and satisfies a negated one (unconfirmed for RAM; AWS IAM's documented rule).
 * Condition keys are looked up without regard to case (unconfirmed; AWS's rule).
 */
function conditionsHold(tests: readonly ConditionTest[], context: Readonly<Record<string, string>>): boolean {
  const lower = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  return tests.every(({ operator, key, values }) => {
    const op = OPERATORS[operator]!;
    const actual = lower.get(key.toLowerCase());
    if (actual === undefined) return op.negated;
    const any = values.some((expected) => op.test(actual, expected));
    return op.negated ? !any : any;
  });
}

function statementApplies(s: Statement, request: EvaluationRequest): boolean {
  const actionHit = s.actions ? s.actions.some((p) => actionMatches(p, request.action)) : !s.notActions!.some((p) => actionMatches(p, request.action));
  if (!actionHit) return false;
  if (s.resources && !s.resources.some((p) => resourceMatches(p, request.resource))) return false;
  if (s.notResources?.some((p) => resourceMatches(p, request.resource))) return false;
  return conditionsHold(s.conditions, request.context ?? {});
}

/** RAM's evaluation: a matching Deny anywhere wins; else a matching Allow; else implicitly denied. */
export function evaluate(documents: readonly PolicyDocument[], request: EvaluationRequest): Evaluation {
  let allowed = false;
  for (const doc of documents) {
    for (const s of doc.statements) {
      if (!statementApplies(s, request)) continue;
      if (s.effect === 'Deny') return 'explicit-deny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/** Who asks to assume a role: a cloud service by its name, or a RAM identity by its ARN. */
export type AssumingPrincipal = { readonly service: string } | { readonly ramArn: string; readonly accountId: string };

/**
 * Whether a role's trust policy lets `who` call sts:AssumeRole. RAM principals may be named by ARN
 * (`acs:ram::<uid>:user/<name>`, `…:role/<name>`) or as the whole account (`acs:ram::<uid>:root`, or the
 * bare account id: "RAM role overview" examples use both). A Deny in the trust policy wins.
 */
export function trustAllows(doc: PolicyDocument, who: AssumingPrincipal, context: Readonly<Record<string, string>> = {}): boolean {
  let allowed = false;
  for (const s of doc.statements) {
    const actionHit = s.actions ? s.actions.some((p) => actionMatches(p, 'sts:AssumeRole')) : !s.notActions!.some((p) => actionMatches(p, 'sts:AssumeRole'));
    if (!actionHit || !conditionsHold(s.conditions, context)) continue;
    const named =
      'service' in who
        ? (s.principal?.Service ?? []).some((p) => wildcardMatch(p, who.service, true))
        : (s.principal?.RAM ?? []).some(
            (p) => p === '*' || p === who.accountId || p === `acs:ram::${who.accountId}:root` || wildcardMatch(p, who.ramArn, true),
          );
    if (!named) continue;
    if (s.effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
