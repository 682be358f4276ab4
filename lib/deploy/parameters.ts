// Template parameters: what the template declares (Type, Default, AllowedValues, NoEcho), and
// the values a deploy uses, from the lowest precedence up: the template's Default, the local
// stack's own values (when deploying into it), a parameters file, then --parameter flags.
import { readFile } from 'node:fs/promises';
import { ParameterError } from './errors';
import type { Value } from './intrinsics';

export type ParameterType = 'String' | 'Number' | 'CommaDelimitedList';

export interface ParameterSpec {
  readonly name: string;
  readonly type: ParameterType;
  readonly default?: string;
  readonly allowedValues?: readonly string[];
  /** ROS AllowedPattern: the whole value must match (a CommaDelimitedList as written, commas included). */
  readonly allowedPattern?: string;
  /** ROS MinValue / MaxValue of a Number. */
  readonly minValue?: number;
  readonly maxValue?: number;
  readonly noEcho: boolean;
  readonly description: string;
}

export function parameterSpecs(section: Record<string, Record<string, unknown>>): ParameterSpec[] {
  return Object.entries(section).map(([name, p]) => {
    const type = String(p.Type ?? 'String') as ParameterType;
    if (!['String', 'Number', 'CommaDelimitedList'].includes(type)) throw new ParameterError(`parameter ${name}: Type ${type} is not supported`);
    return {
      name,
      type,
      default: p.Default === undefined ? undefined : Array.isArray(p.Default) ? p.Default.join(',') : String(p.Default),
      allowedValues: Array.isArray(p.AllowedValues) ? p.AllowedValues.map(String) : undefined,
      allowedPattern: typeof p.AllowedPattern === 'string' ? p.AllowedPattern : undefined,
      ...(p.MinValue === undefined ? {} : { minValue: Number(p.MinValue) }),
      ...(p.MaxValue === undefined ? {} : { maxValue: Number(p.MaxValue) }),
      noEcho: p.NoEcho === true || p.NoEcho === 'true',
      description: typeof p.Description === 'string' ? p.Description.trim() : '',
    };
  });
}

/** Reads a parameters file: `{"Name": "value"}`, or ROS's `[{"ParameterKey": …, "ParameterValue": …}]`. */
export async function readParametersFile(path: string): Promise<Record<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ParameterError(`cannot read the parameters file ${path}: ${(err as Error).message}`);
  }
  if (Array.isArray(parsed)) {
    return Object.fromEntries(
      parsed.map((entry, i) => {
        const e = entry as { ParameterKey?: unknown; ParameterValue?: unknown };
        if (typeof e?.ParameterKey !== 'string') throw new ParameterError(`${path}[${i}] has no ParameterKey`);
        return [e.ParameterKey, scalarText(e.ParameterValue, `${path}: ${e.ParameterKey}`)];
      }),
    );
  }
  if (!parsed || typeof parsed !== 'object') throw new ParameterError(`${path} must hold a JSON object of parameter values`);
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, scalarText(v, `${path}: ${k}`)]));
}

/** "Name=value" flags into a map; the value may itself contain '='. */
export function parameterFlags(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new ParameterError(`--parameter takes Name=value (got "${flag}")`);
    out[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return out;
}

/**
 * The typed value of every parameter, from `layers` (later wins) over the template's defaults.
 * Every problem is reported at once, naming the parameter, so one run shows what to fill in.
 */
export function resolveParameters(specs: readonly ParameterSpec[], ...layers: Readonly<Record<string, string>>[]): Record<string, Value> {
  const known = new Set(specs.map((s) => s.name));
  const problems: string[] = [];
  for (const layer of layers) {
    for (const name of Object.keys(layer)) if (!known.has(name)) problems.push(`${name}: the template has no such parameter`);
  }
  const values: Record<string, Value> = {};
  for (const spec of specs) {
    let raw = spec.default;
    for (const layer of layers) if (layer[spec.name] !== undefined) raw = layer[spec.name];
    if (raw === undefined) {
      problems.push(`${spec.name}: required${spec.description ? ` (${spec.description})` : ''}`);
      continue;
    }
    if (spec.allowedValues && !spec.allowedValues.includes(raw)) {
      problems.push(`${spec.name}: "${raw}" is not one of ${spec.allowedValues.join(', ')}`);
      continue;
    }
    if (spec.allowedPattern !== undefined && !new RegExp(`^(?:${spec.allowedPattern})$`).test(raw)) {
      problems.push(
        `${spec.name}: "${spec.noEcho ? '****' : raw}" does not match its AllowedPattern ${spec.allowedPattern}${spec.description ? ` (${spec.description})` : ''}`,
      );
      continue;
    }
    if (spec.type === 'Number') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) problems.push(`${spec.name}: "${raw}" is not a number`);
      else if ((spec.minValue !== undefined && n < spec.minValue) || (spec.maxValue !== undefined && n > spec.maxValue))
        problems.push(`${spec.name}: ${n} is outside ${spec.minValue ?? '-∞'}..${spec.maxValue ?? '∞'}`);
      else values[spec.name] = n;
    } else if (spec.type === 'CommaDelimitedList') {
      values[spec.name] = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else {
      values[spec.name] = raw;
    }
  }
  if (problems.length > 0) throw new ParameterError(`template parameters:\n  ${problems.join('\n  ')}`);
  return values;
}

/** A parameter value as the plan shows it: NoEcho values are never printed. */
export function shown(spec: ParameterSpec, value: Value): string {
  if (spec.noEcho) return '****';
  return Array.isArray(value) ? value.join(',') : String(value);
}

function scalarText(v: unknown, where: string): string {
  if (Array.isArray(v)) return v.map(String).join(',');
  if (v === null || typeof v === 'object') throw new ParameterError(`${where} must be a string, number or list`);
  return String(v);
}

export interface Normalization {
  /** --allow-all-buckets: AllowList "*" means every bucket of the account. */
  readonly allowAllBuckets: boolean;
}

/**
 * The deploy's own spelling fixes before the template's rules apply: a bare bucket in AllowList is
 * the whole bucket ("bucket" → "bucket/", whose RAM resource is acs:oss:*:<uid>:bucket/*, not
 * bucket* which matches other buckets); "*" only with --allow-all-buckets (then AllowAllBuckets=true);
 * the Tablestore instance in lower case (RAM resources name it so). Each change is reported.
 */
export function normalizeParameters(values: Readonly<Record<string, string>>, options: Normalization): { values: Record<string, string>; notes: string[] } {
  const out: Record<string, string> = { ...values };
  const notes: string[] = [];
  const allow = values.AllowList;
  if (allow !== undefined) {
    const entries = allow
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (entries.includes('*')) {
      if (!options.allowAllBuckets)
        throw new ParameterError(
          'AllowList "*" lets the functions read and restore objects of every bucket of the account: pass --allow-all-buckets to mean it',
        );
      if (entries.length > 1) throw new ParameterError('AllowList "*" stands alone');
      out.AllowList = '';
      out.AllowAllBuckets = 'true';
    } else {
      if (options.allowAllBuckets) throw new ParameterError('--allow-all-buckets needs AllowList "*"');
      const fixed = entries.map((e) => (e.includes('/') ? e : `${e}/`));
      if (fixed.some((e, i) => e !== entries[i])) notes.push(`AllowList: a bare bucket is the whole bucket: ${fixed.join(',')}`);
      out.AllowList = fixed.join(',');
    }
  } else if (options.allowAllBuckets) {
    throw new ParameterError('--allow-all-buckets needs AllowList "*"');
  }
  const instance = values.TablestoreInstance;
  if (instance !== undefined && instance !== instance.toLowerCase()) {
    out.TablestoreInstance = instance.toLowerCase();
    notes.push(`TablestoreInstance: ${instance.toLowerCase()} (instance names are case-insensitive; RAM resources name them in lower case)`);
  }
  return { values: out, notes };
}
