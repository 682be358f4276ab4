// Template parameters as ROS resolves them ("Parameters" in the ROS template reference):
//   name        letters and digits only, unique
//   Type        String | Number | CommaDelimitedList | Json | Boolean (| ALIYUN::OOS::Parameter::Value,
//               ALIYUN::OOS::SecretParameter::Value: values kept in OOS, not emulated here)
//   Default     used when CreateStack gives no value; it must meet the parameter's own constraints
//               ("Reasons for template verification failure": "the default value must also conform")
//   AllowedValues, AllowedPattern (String), MinLength/MaxLength (String), MinValue/MaxValue (Number),
//   NoEcho (the value is shown masked), Description, ConstraintDescription, Label, and the console's
//   presentation keys (AssociationProperty, AssociationPropertyMetadata, TextArea, Confirm, Placeholder).
// No function may appear in a parameter definition (same source).
// (unconfirmed) AllowedPattern is matched against the whole value (JavaScript RegExp, unanchored as
// written) and, for a CommaDelimitedList, against the text as given; CommaDelimitedList items are
// split on "," without trimming; an empty text is one empty item, as CloudFormation does.
import { TemplateInvalid } from '../errors';
import { isMap, type Json } from './document';

const TYPES = new Set(['String', 'Number', 'CommaDelimitedList', 'Json', 'Boolean']);
const OOS_TYPES = new Set(['ALIYUN::OOS::Parameter::Value', 'ALIYUN::OOS::SecretParameter::Value']);
const KEYS = new Set([
  'Type',
  'Default',
  'AllowedValues',
  'AllowedPattern',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'NoEcho',
  'Description',
  'ConstraintDescription',
  'Label',
  'AssociationProperty',
  'AssociationPropertyMetadata',
  'TextArea',
  'Confirm',
  'Placeholder',
  'Required',
]);
/** CreateStack: "Maximum value of N: 200". */
export const MAX_PARAMETERS = 200;
/** What GetStack shows for a NoEcho parameter (ROS: "displayed as asterisks"; the count is unconfirmed). */
export const MASKED = '******';

export interface ResolvedParameter {
  readonly name: string;
  readonly type: string;
  /** The text given or defaulted, as GetStack lists it. */
  readonly text: string;
  /** What Ref answers: a string, a number, a list of strings, a JSON value or a boolean. */
  readonly value: Json;
  readonly noEcho: boolean;
}

/** Checks every definition, then resolves each parameter from `given` or its Default. */
export function resolveParameters(definitions: Record<string, Record<string, Json>>, given: ReadonlyMap<string, string>): Map<string, ResolvedParameter> {
  for (const name of given.keys()) {
    if (!(name in definitions)) throw new TemplateInvalid(`parameter ${name} is not declared in the template`);
  }
  const resolved = new Map<string, ResolvedParameter>();
  for (const [name, def] of Object.entries(definitions)) {
    checkDefinition(name, def);
    const text = given.get(name) ?? defaultText(name, def);
    if (text === undefined) throw new TemplateInvalid(`parameter ${name} has no value and no Default`);
    resolved.set(name, { name, type: String(def.Type), text, value: typedValue(name, def, text), noEcho: isTrue(def.NoEcho) });
  }
  return resolved;
}

function checkDefinition(name: string, def: Record<string, Json>): void {
  if (!/^[A-Za-z0-9]+$/.test(name)) throw new TemplateInvalid(`parameter name "${name}" may hold letters and digits only`);
  for (const key of Object.keys(def)) if (!KEYS.has(key)) throw new TemplateInvalid(`parameter ${name}: unknown property "${key}"`);
  const type = def.Type;
  if (typeof type !== 'string') throw new TemplateInvalid(`parameter ${name} needs a Type`);
  if (OOS_TYPES.has(type)) throw new TemplateInvalid(`parameter ${name}: type ${type} (a value kept in OOS) is not emulated by the local ROS`);
  if (!TYPES.has(type)) throw new TemplateInvalid(`parameter ${name}: unknown type "${type}" (${[...TYPES].join(', ')})`);
  for (const [key, value] of Object.entries(def)) {
    if (key !== 'Default' && key !== 'AllowedValues' && key !== 'AssociationPropertyMetadata' && isMap(value)) {
      throw new TemplateInvalid(`parameter ${name}: ${key} must not be a function or a map`);
    }
  }
  if (def.AllowedValues !== undefined && !Array.isArray(def.AllowedValues)) throw new TemplateInvalid(`parameter ${name}: AllowedValues must be a list`);
  if (def.AllowedPattern !== undefined) {
    if (typeof def.AllowedPattern !== 'string') throw new TemplateInvalid(`parameter ${name}: AllowedPattern must be a string`);
    try {
      new RegExp(def.AllowedPattern);
    } catch {
      throw new TemplateInvalid(`parameter ${name}: AllowedPattern is not a regular expression`);
    }
  }
  for (const key of ['MinLength', 'MaxLength', 'MinValue', 'MaxValue']) {
    if (def[key] !== undefined && !Number.isFinite(Number(def[key]))) throw new TemplateInvalid(`parameter ${name}: ${key} must be a number`);
  }
}

function defaultText(name: string, def: Record<string, Json>): string | undefined {
  const d = def.Default;
  if (d === undefined || d === null) return undefined;
  if (def.Type === 'Json') return typeof d === 'string' ? d : JSON.stringify(d);
  if (def.Type === 'CommaDelimitedList' && Array.isArray(d)) return d.map(String).join(',');
  if (isMap(d) || Array.isArray(d)) throw new TemplateInvalid(`parameter ${name}: Default must be a ${String(def.Type)}`);
  return String(d);
}

function typedValue(name: string, def: Record<string, Json>, text: string): Json {
  const fail = (why: string): never => {
    const hint = typeof def.ConstraintDescription === 'string' ? ` (${def.ConstraintDescription})` : '';
    throw new TemplateInvalid(`parameter ${name}: ${why}${hint}`);
  };
  const allowed = def.AllowedValues as Json[] | undefined;
  switch (def.Type) {
    case 'Number': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) fail(`"${text}" is not a number`);
      if (def.MinValue !== undefined && n < Number(def.MinValue)) fail(`${n} is less than MinValue ${String(def.MinValue)}`);
      if (def.MaxValue !== undefined && n > Number(def.MaxValue)) fail(`${n} is more than MaxValue ${String(def.MaxValue)}`);
      if (allowed && !allowed.some((a) => Number(a) === n)) fail(`${n} is not one of the AllowedValues`);
      return n;
    }
    case 'Boolean': {
      const b = text.toLowerCase();
      if (b !== 'true' && b !== 'false') fail(`"${text}" is not true or false`);
      if (allowed && !allowed.some((a) => String(a).toLowerCase() === b)) fail(`${b} is not one of the AllowedValues`);
      return b === 'true';
    }
    case 'Json': {
      try {
        return JSON.parse(text) as Json;
      } catch {
        return fail('the value is not JSON');
      }
    }
    case 'CommaDelimitedList': {
      const items = text.split(',');
      checkText(text, def, fail, false);
      if (allowed) for (const item of items) if (!allowed.some((a) => String(a) === item)) fail(`"${item}" is not one of the AllowedValues`);
      return items;
    }
    default:
      checkText(text, def, fail, true);
      if (allowed && !allowed.some((a) => String(a) === text)) fail(`"${text}" is not one of the AllowedValues`);
      return text;
  }
}

function checkText(text: string, def: Record<string, Json>, fail: (why: string) => never, lengths: boolean): void {
  if (lengths && def.MinLength !== undefined && text.length < Number(def.MinLength)) fail(`the value is shorter than MinLength ${String(def.MinLength)}`);
  if (lengths && def.MaxLength !== undefined && text.length > Number(def.MaxLength)) fail(`the value is longer than MaxLength ${String(def.MaxLength)}`);
  if (typeof def.AllowedPattern === 'string' && !new RegExp(def.AllowedPattern).test(text))
    fail(`"${text}" does not match AllowedPattern ${def.AllowedPattern}`);
}

function isTrue(v: Json | undefined): boolean {
  return v === true || String(v).toLowerCase() === 'true';
}
