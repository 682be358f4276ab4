// The ROS intrinsic functions template.yml uses, evaluated the way ROS documents them, so that
// `thaw deploy` and a ROS stack read one template alike. Anything else is refused by name rather
// than passed through: a value we did not understand must not reach a cloud API.
//   Ref            a parameter or a pseudo parameter (ALIYUN::AccountId, ALIYUN::Region, ALIYUN::StackName)
//   Fn::Sub        "${Name}" placeholders (parameters, pseudo parameters, "${Logical.Attr}"); "${!x}" is a literal "${x}"
//   Fn::Join       [delimiter, [values…]]; a list value inside is joined too
//   Fn::Split      [delimiter, string] → list
//   Fn::GetAtt     [LogicalId, Attribute], answered by the caller (e.g. a role's Arn)
//   Fn::If         [Condition, whenTrue, whenFalse], a condition of the template's Conditions section
//   Fn::Equals     [a, b]; Fn::Not [c]; Fn::And / Fn::Or [c, …] (2–10 conditions) — in Conditions
//   Ref ALIYUN::NoValue   the property (or list item) it stands for is left out
// (ROS "Functions" and "Conditions"; a resource with `Condition: Name` exists only when it holds.)
import { TemplateError } from './errors';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export interface Scope {
  /** Parameter values, already typed (CommaDelimitedList → string[], Number → number). */
  readonly parameters: Readonly<Record<string, Value>>;
  readonly accountId: string;
  readonly region: string;
  readonly stackName: string;
  /** Fn::GetAtt; throws when the attribute is unknown. */
  readonly attribute: (logicalId: string, attribute: string) => string;
  /** The template's Conditions, evaluated (see evaluateConditions); absent when it has none. */
  readonly conditions?: Readonly<Record<string, boolean>>;
}

const FUNCTIONS = new Set(['Ref', 'Fn::Sub', 'Fn::Join', 'Fn::Split', 'Fn::GetAtt', 'Fn::If', 'Fn::Equals', 'Fn::Not', 'Fn::And', 'Fn::Or']);

/** What `Ref: ALIYUN::NoValue` evaluates to: the enclosing property or list item is dropped. */
const NO_VALUE: unique symbol = Symbol('ALIYUN::NoValue');
type Evaluated = Value | typeof NO_VALUE;

/** Evaluates every intrinsic inside `value`; `where` names the place for errors. */
export function evaluate(value: unknown, scope: Scope, where: string): Value {
  const result = evaluateOrDrop(value, scope, where);
  if (result === NO_VALUE) throw new TemplateError(`${where}: Ref ALIYUN::NoValue stands for nothing here`);
  return result;
}

function evaluateOrDrop(value: unknown, scope: Scope, where: string): Evaluated {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    return value.map((v, i) => evaluateOrDrop(v, scope, `${where}[${i}]`)).filter((v): v is Value => v !== NO_VALUE);
  }
  if (typeof value !== 'object') throw new TemplateError(`${where}: unsupported value ${String(value)}`);
  const keys = Object.keys(value);
  const intrinsic = keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::')) ? keys[0]! : undefined;
  if (intrinsic === undefined) {
    const entries = Object.entries(value).map(([k, v]) => [k, evaluateOrDrop(v, scope, `${where}.${k}`)] as const);
    return Object.fromEntries(entries.filter((e): e is readonly [string, Value] => e[1] !== NO_VALUE));
  }
  if (!FUNCTIONS.has(intrinsic)) throw new TemplateError(`${where}: ${intrinsic} is not one of the intrinsics thaw evaluates (${[...FUNCTIONS].join(', ')})`);
  const arg = (value as Record<string, unknown>)[intrinsic];
  switch (intrinsic) {
    case 'Ref':
      return String(arg) === 'ALIYUN::NoValue' ? NO_VALUE : ref(String(arg), scope, where);
    case 'Fn::If': {
      if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string')
        throw new TemplateError(`${where}: Fn::If takes [Condition, whenTrue, whenFalse]`);
      return condition(arg[0], scope, where) ? evaluateOrDrop(arg[1], scope, `${where}.Fn::If[1]`) : evaluateOrDrop(arg[2], scope, `${where}.Fn::If[2]`);
    }
    case 'Fn::Equals':
    case 'Fn::Not':
    case 'Fn::And':
    case 'Fn::Or':
      return truth(value as Record<string, unknown>, scope, where);
    case 'Fn::Sub':
      return sub(arg, scope, where);
    case 'Fn::Join': {
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') throw new TemplateError(`${where}: Fn::Join takes [delimiter, [values]]`);
      const list = evaluate(arg[1], scope, `${where}.Fn::Join`);
      if (!Array.isArray(list)) throw new TemplateError(`${where}: Fn::Join needs a list of values`);
      return list.map((item) => (Array.isArray(item) ? item.map(scalar).join(arg[0]) : scalar(item))).join(arg[0]);
    }
    case 'Fn::Split': {
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') throw new TemplateError(`${where}: Fn::Split takes [delimiter, string]`);
      const text = evaluate(arg[1], scope, `${where}.Fn::Split`);
      if (typeof text !== 'string') throw new TemplateError(`${where}: Fn::Split needs a string`);
      return text.split(arg[0]);
    }
    default: {
      const [logicalId, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
      if (typeof logicalId !== 'string' || typeof attribute !== 'string') throw new TemplateError(`${where}: Fn::GetAtt takes [LogicalId, Attribute]`);
      return scope.attribute(logicalId, attribute);
    }
  }
}

function ref(name: string, scope: Scope, where: string): Value {
  switch (name) {
    case 'ALIYUN::AccountId':
      return scope.accountId;
    case 'ALIYUN::Region':
      return scope.region;
    case 'ALIYUN::StackName':
      return scope.stackName;
  }
  if (!(name in scope.parameters)) throw new TemplateError(`${where}: Ref ${name} names no parameter`);
  return scope.parameters[name]!;
}

function sub(arg: unknown, scope: Scope, where: string): string {
  const [text, variables] = Array.isArray(arg) ? arg : [arg, {}];
  if (typeof text !== 'string') throw new TemplateError(`${where}: Fn::Sub takes a string or [string, {variables}]`);
  const locals = evaluate(variables ?? {}, scope, `${where}.Fn::Sub`) as Record<string, Value>;
  return text.replace(/\$\{(!?)([^}]+)\}/g, (_all, literal: string, name: string) => {
    if (literal) return `\${${name}}`;
    if (name in locals) return scalar(locals[name]!);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('ALIYUN::')) return scope.attribute(name.slice(0, dot), name.slice(dot + 1));
    return scalar(ref(name, scope, where));
  });
}

function scalar(value: Value): string {
  if (Array.isArray(value)) return value.map(scalar).join(',');
  if (value !== null && typeof value === 'object') throw new TemplateError(`an object cannot be placed inside a string (${JSON.stringify(value)})`);
  return String(value);
}

/**
 * The template's Conditions section, each evaluated to a boolean. A condition may name another
 * (`{Condition: Name}` inside Fn::And/Or/Not); a cycle is refused.
 */
export function evaluateConditions(section: Record<string, unknown> | undefined, base: Omit<Scope, 'conditions'>): Record<string, boolean> {
  const done: Record<string, boolean> = {};
  const visiting = new Set<string>();
  // Conditions may name each other, so each is resolved when first asked for.
  const conditions = new Proxy({} as Record<string, boolean>, { get: (_t, name) => (typeof name === 'string' ? resolve(name) : undefined) });
  const scope: Scope = { ...base, conditions };
  const resolve = (name: string): boolean => {
    if (name in done) return done[name]!;
    if (!section || !(name in section)) throw new TemplateError(`Conditions: no condition named ${name}`);
    if (visiting.has(name)) throw new TemplateError(`Conditions: ${name} refers to itself`);
    visiting.add(name);
    done[name] = truth(section[name], scope, `Conditions.${name}`);
    visiting.delete(name);
    return done[name];
  };
  for (const name of Object.keys(section ?? {})) resolve(name);
  return { ...done };
}

function condition(name: string, scope: Scope, where: string): boolean {
  const value = scope.conditions?.[name];
  if (typeof value !== 'boolean') throw new TemplateError(`${where}: no condition named ${name} in the template's Conditions`);
  return value;
}

/** A condition expression: Fn::Equals / Not / And / Or, or {Condition: Name}. */
function truth(expression: unknown, scope: Scope, where: string): boolean {
  if (expression && typeof expression === 'object' && !Array.isArray(expression)) {
    const [key, ...rest] = Object.keys(expression);
    const arg = (expression as Record<string, unknown>)[key ?? ''];
    if (rest.length === 0) {
      if (key === 'Condition' && typeof arg === 'string') return condition(arg, scope, where);
      if (key === 'Fn::Equals') {
        if (!Array.isArray(arg) || arg.length !== 2) throw new TemplateError(`${where}: Fn::Equals takes [a, b]`);
        return JSON.stringify(evaluate(arg[0], scope, where)) === JSON.stringify(evaluate(arg[1], scope, where));
      }
      if (key === 'Fn::Not') {
        if (!Array.isArray(arg) || arg.length !== 1) throw new TemplateError(`${where}: Fn::Not takes [condition]`);
        return !truth(arg[0], scope, `${where}.Fn::Not`);
      }
      if (key === 'Fn::And' || key === 'Fn::Or') {
        if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10) throw new TemplateError(`${where}: ${key} takes 2 to 10 conditions`);
        const values = arg.map((c, i) => truth(c, scope, `${where}.${key}[${i}]`));
        return key === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
    }
  }
  throw new TemplateError(`${where}: a condition must be Fn::Equals, Fn::Not, Fn::And, Fn::Or or {Condition: Name}`);
}
