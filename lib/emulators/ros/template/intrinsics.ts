// ROS's built-in functions, from ROS's own reference ("Function index" and one page per function),
// evaluated independently of the product's lib/deploy/intrinsics.ts (the point is a second belief):
//   Ref            a parameter (its value), a pseudo parameter, or a resource (its physical id);
//                  ALIYUN::NoValue removes the property it stands for ("Pseudo parameters")
//   Fn::Sub        "String" or ["String", {Var: value}]; ${Var} resolves as Ref, ${Res.Attr} as
//                  Fn::GetAtt, ${!Literal} is the text ${Literal} ("Fn::Sub")
//   Fn::Join       [delimiter, [values]]: an empty delimiter joins with none ("Fn::Join").
//                  (unconfirmed for ROS, documented for CloudFormation's Fn::Join) the delimiter is a
//                  string, never a function; values are strings (numbers are written as text)
//   Fn::Split      [delimiter, string] → list ("Fn::Split")
//   Fn::Select     [index, list, default?]: 0…N-1 or -N…-1; "start:stop:step" slices a list; a key
//                  selects from a map; the default answers an index out of range ("Fn::Select")
//   Fn::GetAtt     [resource, attribute]: an attribute the resource type documents ("Fn::GetAtt")
//   Fn::If         [condition, then, else], the condition a name from Conditions ("Fn::If")
//   Fn::Equals     [a, b] → true/false; Fn::Not [c]; Fn::And / Fn::Or [c1, c2, …] with at least two
//                  conditions, each a condition name or a condition function ("Conditions")
//   Fn::Str, Fn::Base64Encode (small and total, so kept)
// Any other Fn:: is refused by name: an unevaluated function must never reach a cloud API.
// (unconfirmed) Fn::Equals compares scalars by their text (1 equals "1") and lists/maps by content.
import { TemplateInvalid } from '../errors';
import { isMap, type Json } from './document';
import type { ResolvedParameter } from './parameters';

/** A value not known before the resource it comes from exists (validation runs before any). */
export class Pending {
  constructor(readonly what: string) {}
}

/** Ref ALIYUN::NoValue: the property, list item or map entry it stands for is removed. */
export const NO_VALUE: unique symbol = Symbol('ALIYUN::NoValue');

export type Value = Json | Pending | typeof NO_VALUE | Value[] | { [key: string]: Value };

export const PSEUDO_PARAMETERS = [
  'ALIYUN::StackName',
  'ALIYUN::StackId',
  'ALIYUN::Region',
  'ALIYUN::AccountId',
  'ALIYUN::TenantId',
  'ALIYUN::ResourceGroupId',
] as const;

export interface Scope {
  readonly parameters: ReadonlyMap<string, ResolvedParameter>;
  readonly pseudo: Readonly<Record<string, string>>;
  /** Declared condition names and their truth. */
  condition(name: string): boolean;
  /** Whether a resource is declared (and its Condition holds). */
  hasResource(id: string): boolean;
  /** A resource's physical id, or Pending before it exists. */
  ref(id: string): Json | Pending;
  /** A resource's attribute (checked against its type), or Pending before it exists. */
  attribute(id: string, name: string): Json | Pending;
}

const FUNCTIONS = new Set([
  'Ref',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Split',
  'Fn::Select',
  'Fn::GetAtt',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::Str',
  'Fn::Base64Encode',
]);

/** The one function a node calls, if it is a function call. */
export function functionOf(node: unknown): [string, Json] | undefined {
  if (!isMap(node)) return undefined;
  const keys = Object.keys(node);
  const fn = keys.find((k) => k === 'Ref' || k.startsWith('Fn::'));
  if (fn === undefined) return undefined;
  if (keys.length !== 1) throw new TemplateInvalid(`${fn} must be the only key of its map (found ${keys.join(', ')})`);
  return [fn, node[fn] as Json];
}

/** Evaluates every function in `node`; NO_VALUE is removed from lists and maps, kept at the top. */
export function evaluate(node: Json, scope: Scope, where: string): Value {
  const call = functionOf(node);
  if (call) return apply(call[0], call[1], scope, where);
  if (Array.isArray(node)) {
    return node.map((item, i) => evaluate(item, scope, `${where}[${i}]`)).filter((v) => v !== NO_VALUE);
  }
  if (isMap(node)) {
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(node)) {
      const value = evaluate(v as Json, scope, `${where}.${k}`);
      if (value !== NO_VALUE) out[k] = value;
    }
    return out;
  }
  return node;
}

/** Whether a value still holds a Pending anywhere. */
export function isPending(value: Value): boolean {
  if (value instanceof Pending) return true;
  if (Array.isArray(value)) return value.some(isPending);
  if (value !== null && typeof value === 'object') return Object.values(value).some(isPending);
  return false;
}

function apply(fn: string, args: Json, scope: Scope, where: string): Value {
  const at = `${where}: ${fn}`;
  if (!FUNCTIONS.has(fn)) throw new TemplateInvalid(`${at} is not emulated by the local ROS (${[...FUNCTIONS].join(', ')})`);
  switch (fn) {
    case 'Ref':
      return ref(args, scope, at);
    case 'Fn::Sub':
      return sub(args, scope, at);
    case 'Fn::Join': {
      const [delimiter, list] = pair(args, at, 'a [delimiter, [values]] pair');
      if (typeof delimiter !== 'string') throw new TemplateInvalid(`${at}: the delimiter must be a string, not a function or ${typeof delimiter}`);
      const items = evaluate(list, scope, at);
      if (isPending(items)) return new Pending(at);
      if (!Array.isArray(items)) throw new TemplateInvalid(`${at}: the values must be a list`);
      return items.map((item, i) => scalarText(item, `${at} value ${i}`)).join(delimiter);
    }
    case 'Fn::Split': {
      const [delimiter, source] = pair(args, at, 'a [delimiter, string] pair');
      if (typeof delimiter !== 'string' || delimiter === '') throw new TemplateInvalid(`${at}: the delimiter must be a non-empty string`);
      const text = evaluate(source, scope, at);
      if (isPending(text)) return new Pending(at);
      if (typeof text !== 'string') throw new TemplateInvalid(`${at}: what is split must be a string`);
      return text.split(delimiter);
    }
    case 'Fn::Select':
      return select(args, scope, at);
    case 'Fn::GetAtt': {
      const [id, name] = pair(args, at, 'a [resource, attribute] pair');
      if (typeof id !== 'string' || typeof name !== 'string') throw new TemplateInvalid(`${at}: the resource and the attribute must be strings`);
      if (!scope.hasResource(id)) throw new TemplateInvalid(`${at}: no resource ${id} (or its Condition is false)`);
      return scope.attribute(id, name);
    }
    case 'Fn::If': {
      if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') {
        throw new TemplateInvalid(`${at} takes [condition name, value if true, value if false]`);
      }
      return evaluate(scope.condition(args[0]) ? args[1]! : args[2]!, scope, at);
    }
    case 'Fn::Equals': {
      const [a, b] = pair(args, at, 'two values');
      const x = evaluate(a, scope, at);
      const y = evaluate(b, scope, at);
      if (isPending(x) || isPending(y)) throw new TemplateInvalid(`${at}: a condition cannot depend on a resource`);
      return same(x, y);
    }
    case 'Fn::Not': {
      const list = Array.isArray(args) ? args : [args];
      if (list.length !== 1) throw new TemplateInvalid(`${at} takes one condition`);
      return !truth(list[0]!, scope, at);
    }
    case 'Fn::And':
    case 'Fn::Or': {
      if (!Array.isArray(args) || args.length < 2) throw new TemplateInvalid(`${at} takes a list of at least two conditions`);
      const values = args.map((c) => truth(c, scope, at));
      return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
    }
    case 'Fn::Str': {
      const v = evaluate(args, scope, at);
      if (isPending(v)) return new Pending(at);
      if (typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'string') throw new TemplateInvalid(`${at} takes a number`);
      return String(v);
    }
    default: {
      const v = evaluate(args, scope, at);
      if (isPending(v)) return new Pending(at);
      if (typeof v !== 'string') throw new TemplateInvalid(`${at} takes a string`);
      return Buffer.from(v, 'utf8').toString('base64');
    }
  }
}

function ref(args: Json, scope: Scope, at: string): Value {
  if (typeof args !== 'string') throw new TemplateInvalid(`${at} takes a name`);
  if (args === 'ALIYUN::NoValue') return NO_VALUE;
  const parameter = scope.parameters.get(args);
  if (parameter) return parameter.value;
  if (args in scope.pseudo) return scope.pseudo[args]!;
  if (args.startsWith('ALIYUN::')) throw new TemplateInvalid(`${at}: unknown pseudo parameter ${args} (${PSEUDO_PARAMETERS.join(', ')}, ALIYUN::NoValue)`);
  if (scope.hasResource(args)) return scope.ref(args);
  throw new TemplateInvalid(`${at}: ${args} is neither a parameter nor a resource (whose Condition holds)`);
}

function sub(args: Json, scope: Scope, at: string): Value {
  let text: Json;
  let vars: Record<string, Value> = {};
  if (typeof args === 'string') text = args;
  else if (Array.isArray(args) && args.length === 2 && typeof args[0] === 'string' && isMap(args[1])) {
    text = args[0];
    vars = evaluate(args[1], scope, at) as Record<string, Value>;
  } else throw new TemplateInvalid(`${at} takes a string or [string, {variables}]`);
  let pending = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    let value: Value;
    if (name in vars) value = vars[name]!;
    else if (scope.parameters.has(name) || name in scope.pseudo || scope.hasResource(name)) value = ref(name, scope, at);
    else if (name.includes('.')) {
      const dot = name.indexOf('.');
      const id = name.slice(0, dot);
      if (!scope.hasResource(id)) throw new TemplateInvalid(`${at}: \${${name}} names no parameter, variable or resource`);
      value = scope.attribute(id, name.slice(dot + 1));
    } else throw new TemplateInvalid(`${at}: \${${name}} names no parameter, variable or resource`);
    if (isPending(value)) {
      pending = true;
      return '';
    }
    return scalarText(value, `${at} \${${name}}`);
  });
  return pending ? new Pending(at) : out;
}

function select(args: Json, scope: Scope, at: string): Value {
  if (!Array.isArray(args) || args.length < 2 || args.length > 3) throw new TemplateInvalid(`${at} takes [index, list or map, default?]`);
  const index = evaluate(args[0]!, scope, at);
  const from = evaluate(args[1]!, scope, at);
  const fallback = args.length === 3 ? evaluate(args[2]!, scope, at) : undefined;
  if (isPending(index) || isPending(from)) return new Pending(at);
  const missing = (why: string): Value => {
    if (fallback !== undefined) return fallback;
    throw new TemplateInvalid(`${at}: ${why}`);
  };
  if (isMap(from)) {
    const key = String(index);
    return key in from ? (from as Record<string, Value>)[key]! : missing(`no key ${key}`);
  }
  if (!Array.isArray(from)) throw new TemplateInvalid(`${at}: selects from a list or a map`);
  const text = String(index);
  if (/^-?\d*:-?\d*(:-?\d+)?$/.test(text)) return slice(from, text, at);
  if (!/^-?\d+$/.test(text)) throw new TemplateInvalid(`${at}: index "${text}" is not an integer or start:stop:step`);
  const i = Number(text);
  if (i >= from.length || i < -from.length) return missing(`index ${i} is outside a list of ${from.length}`);
  return from[i < 0 ? from.length + i : i]!;
}

/** Python's slice semantics, which the "start:stop:step" form follows. */
function slice(list: Value[], text: string, at: string): Value[] {
  const [a = '', b = '', c = ''] = text.split(':');
  const step = c === '' ? 1 : Number(c);
  if (step === 0) throw new TemplateInvalid(`${at}: a slice step cannot be 0`);
  const n = list.length;
  const norm = (s: string, dflt: number, lo: number, hi: number) => {
    if (s === '') return dflt;
    const v = Number(s);
    return Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  };
  const out: Value[] = [];
  if (step > 0) for (let i = norm(a, 0, 0, n); i < norm(b, n, 0, n); i += step) out.push(list[i]!);
  else for (let i = norm(a, n - 1, -1, n - 1); i > norm(b, -1, -1, n - 1); i += step) out.push(list[i]!);
  return out;
}

/** A condition operand: a condition's name, or a condition function. */
function truth(node: Json, scope: Scope, at: string): boolean {
  if (typeof node === 'string') return scope.condition(node);
  const call = functionOf(node);
  if (!call || !['Fn::Equals', 'Fn::Not', 'Fn::And', 'Fn::Or'].includes(call[0])) {
    throw new TemplateInvalid(`${at}: a condition is a condition name or Fn::Equals, Fn::Not, Fn::And, Fn::Or`);
  }
  return apply(call[0], call[1], scope, at) as boolean;
}

function pair(args: Json, at: string, what: string): [Json, Json] {
  if (!Array.isArray(args) || args.length !== 2) throw new TemplateInvalid(`${at} takes ${what}`);
  return [args[0]!, args[1]!];
}

function scalarText(value: Value, at: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateInvalid(`${at} is ${Array.isArray(value) ? 'a list' : 'not a string'}; only strings can be joined or substituted`);
}

function same(a: Value, b: Value): boolean {
  const scalar = (v: Value) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  if (scalar(a) && scalar(b)) return String(a) === String(b);
  return JSON.stringify(a) === JSON.stringify(b);
}
