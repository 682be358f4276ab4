// The ROS intrinsic functions template.yml uses, evaluated the way ROS documents them, so that
// `thaw deploy` and a ROS stack read one template alike. Anything else is refused by name rather
// than passed through: a value we did not understand must not reach a cloud API.
//   Ref            a parameter or a pseudo parameter (ALIYUN::AccountId, ALIYUN::Region, ALIYUN::StackName)
//   Fn::Sub        "${Name}" placeholders (parameters, pseudo parameters, "${Logical.Attr}"); "${!x}" is a literal "${x}"
//   Fn::Join       [delimiter, [values…]]; a list value inside is joined too
//   Fn::Split      [delimiter, string] → list
//   Fn::GetAtt     [LogicalId, Attribute], answered by the caller (e.g. a role's Arn)
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
}

const FUNCTIONS = new Set(['Ref', 'Fn::Sub', 'Fn::Join', 'Fn::Split', 'Fn::GetAtt']);

/** Evaluates every intrinsic inside `value`; `where` names the place for errors. */
export function evaluate(value: unknown, scope: Scope, where: string): Value {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v, i) => evaluate(v, scope, `${where}[${i}]`));
  if (typeof value !== 'object') throw new TemplateError(`${where}: unsupported value ${String(value)}`);
  const keys = Object.keys(value);
  const intrinsic = keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::')) ? keys[0]! : undefined;
  if (intrinsic === undefined) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, scope, `${where}.${k}`)]));
  }
  if (!FUNCTIONS.has(intrinsic)) throw new TemplateError(`${where}: ${intrinsic} is not one of the intrinsics thaw evaluates (${[...FUNCTIONS].join(', ')})`);
  const arg = (value as Record<string, unknown>)[intrinsic];
  switch (intrinsic) {
    case 'Ref':
      return ref(String(arg), scope, where);
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
