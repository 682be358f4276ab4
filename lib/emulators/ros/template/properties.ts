// Resource properties checked against what ROS documents for each type (resource-types.ts): an
// undocumented property fails (ROS validates a template's properties before it creates anything:
// ValidateTemplate/PreviewStack answer StackValidationFailed; an unknown key is refused as in
// OpenStack Heat, ROS's ancestor — the exact message is unconfirmed), required ones must be there,
// and each value must have its documented type, range, length, pattern or allowed values.
// Values are coerced the way ROS's property schema does (unconfirmed in detail: Heat's rules):
// "256" is an Integer, 256 is a String "256", "true" is a Boolean.
import { TemplateInvalid } from '../errors';
import { Pending, type Value } from './intrinsics';

export interface PropertySchema {
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'map' | 'json';
  readonly required?: boolean;
  /** Allowed values (strings compared as given). */
  readonly allowed?: readonly (string | number)[];
  readonly range?: readonly [number | undefined, number | undefined];
  /** String length or list size. */
  readonly length?: readonly [number | undefined, number | undefined];
  readonly pattern?: RegExp;
  /** A map with these keys only (its schema); absent: a free map. */
  readonly props?: Readonly<Record<string, PropertySchema>>;
  /** A list's items. */
  readonly items?: PropertySchema;
}

/** Checks and coerces `value`; Pending values (not known yet) pass unchecked. */
export function checkProperties(schema: Readonly<Record<string, PropertySchema>>, value: Record<string, Value>, where: string): Record<string, Value> {
  return checkMap(schema, value, where);
}

function checkMap(schema: Readonly<Record<string, PropertySchema>>, value: Record<string, Value>, where: string): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const key of Object.keys(value)) {
    if (!(key in schema)) throw new TemplateInvalid(`${where}: unknown property ${key} (documented: ${Object.keys(schema).join(', ')})`);
  }
  for (const [key, s] of Object.entries(schema)) {
    const v = value[key];
    if (v === undefined || v === null) {
      if (s.required) throw new TemplateInvalid(`${where}: property ${key} is required`);
      continue;
    }
    out[key] = check(s, v, `${where}.${key}`);
  }
  return out;
}

function check(s: PropertySchema, v: Value, where: string): Value {
  if (v instanceof Pending) return v;
  switch (s.type) {
    case 'string': {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new TemplateInvalid(`${where} must be a String`);
      const text = String(v);
      if (s.length) bounds(text.length, s.length, `${where} length`);
      if (s.pattern && !s.pattern.test(text)) throw new TemplateInvalid(`${where} "${text}" does not match ${s.pattern.source}`);
      if (s.allowed && !s.allowed.includes(text)) throw new TemplateInvalid(`${where} "${text}" is not one of ${s.allowed.join(', ')}`);
      return text;
    }
    case 'integer':
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      if (!Number.isFinite(n) || (s.type === 'integer' && !Number.isInteger(n)))
        throw new TemplateInvalid(`${where} must be ${s.type === 'integer' ? 'an Integer' : 'a Number'}`);
      if (s.range) bounds(n, s.range, where);
      if (s.allowed && !s.allowed.includes(n)) throw new TemplateInvalid(`${where} ${n} is not one of ${s.allowed.join(', ')}`);
      return n;
    }
    case 'boolean': {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
      throw new TemplateInvalid(`${where} must be a Boolean`);
    }
    case 'list': {
      if (!Array.isArray(v)) throw new TemplateInvalid(`${where} must be a List`);
      if (s.length) bounds(v.length, s.length, `${where} size`);
      return s.items ? v.map((item, i) => check(s.items!, item, `${where}[${i}]`)) : v;
    }
    case 'map': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TemplateInvalid(`${where} must be a Map`);
      return s.props ? checkMap(s.props, v as Record<string, Value>, where) : v;
    }
    default:
      return v;
  }
}

function bounds(n: number, [min, max]: readonly [number | undefined, number | undefined], where: string): void {
  if (min !== undefined && n < min) throw new TemplateInvalid(`${where} ${n} is less than ${min}`);
  if (max !== undefined && n > max) throw new TemplateInvalid(`${where} ${n} is more than ${max}`);
}
