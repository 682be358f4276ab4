// What the deploy itself needs to know about a stack, declared once and read from the template's
// parameters by name (never from a function's environment): where the tables live and what they
// are called, the logstores, the watched bucket, the allow-list. A template that lacks one of these
// parameters cannot be deployed by thaw (test/unit/deploy/settings.test.ts holds template.yml to it).
import type { Value } from './intrinsics';
import { observabilitySettings } from '../observability/notification';
import type { ObservabilitySettings } from '../observability/settings';
import { ParameterError, TemplateError } from './errors';
import type { StackSpec } from './template';

export interface DeploySettings {
  readonly tablestore: {
    /** Lower case, as Tablestore RAM resources name it. */
    readonly instance: string;
    /** Where the functions reach it (may be a VPC endpoint the deployer cannot reach). */
    readonly functionsEndpoint: string;
    readonly table: string;
    /** The records table, its counters table and its indexes: what the roles are granted, by name. */
    readonly tables: readonly string[];
  };
  readonly accessLog: { readonly project: string; readonly logstore: string; readonly triggerLogstore: string };
  readonly functionLogs: { readonly project: string; readonly logstore: string };
  /** Allow-list entries (bucket/ or bucket/prefix), or '*' for every bucket. */
  readonly allow: readonly string[] | '*';
  readonly watchedBucket: string;
  /** The functions' OSS endpoint. */
  readonly ossEndpoint: string;
  readonly customDomain?: string;
}

/** The template parameters each setting comes from. */
export const SETTING_PARAMETERS = {
  tablestoreInstance: 'TablestoreInstance',
  tablestoreEndpoint: 'TablestoreEndpoint',
  table: 'TableName',
  accessLogProject: 'AccessLogProject',
  accessLogLogstore: 'AccessLogLogstore',
  triggerLogstore: 'TriggerLogLogstore',
  functionLogProject: 'FunctionLogProject',
  functionLogstore: 'FunctionLogstore',
  allowList: 'AllowList',
  allowAllBuckets: 'AllowAllBuckets',
  watchedBucket: 'WatchedBucket',
  ossEndpoint: 'OssEndpoint',
  customDomain: 'CustomDomain',
} as const;

/** The suffixes of the tables and indexes next to the records table (lib/store/tablestore-schema.ts). */
export const TABLE_SUFFIXES = ['', '_counters', '_due', '_by_key', '_by_updated', '_by_eta'] as const;

export function deploySettings(stack: Pick<StackSpec, 'parameters'>): DeploySettings {
  const p = stack.parameters;
  const text = (name: string): string => {
    const v = p[name];
    if (v === undefined) throw new TemplateError(`the template has no parameter ${name}, which thaw deploy needs`);
    return Array.isArray(v) ? v.join(',') : String(v);
  };
  const list = (name: string): string[] => {
    const v: Value | undefined = p[name];
    if (v === undefined) throw new TemplateError(`the template has no parameter ${name}, which thaw deploy needs`);
    return Array.isArray(v) ? v.map(String) : String(v).split(',').filter(Boolean);
  };
  const table = text(SETTING_PARAMETERS.table);
  const customDomain = p[SETTING_PARAMETERS.customDomain] === undefined ? '' : text(SETTING_PARAMETERS.customDomain);
  return {
    tablestore: {
      instance: text(SETTING_PARAMETERS.tablestoreInstance).toLowerCase(),
      functionsEndpoint: text(SETTING_PARAMETERS.tablestoreEndpoint),
      table,
      tables: TABLE_SUFFIXES.map((s) => `${table}${s}`),
    },
    accessLog: {
      project: text(SETTING_PARAMETERS.accessLogProject),
      logstore: text(SETTING_PARAMETERS.accessLogLogstore),
      triggerLogstore: text(SETTING_PARAMETERS.triggerLogstore),
    },
    functionLogs: { project: text(SETTING_PARAMETERS.functionLogProject), logstore: text(SETTING_PARAMETERS.functionLogstore) },
    allow: text(SETTING_PARAMETERS.allowAllBuckets) === 'true' ? '*' : list(SETTING_PARAMETERS.allowList),
    watchedBucket: text(SETTING_PARAMETERS.watchedBucket),
    ossEndpoint: text(SETTING_PARAMETERS.ossEndpoint),
    ...(customDomain ? { customDomain } : {}),
  };
}

/** The buckets the stack reads: every allow-listed one and the watched one. */
export function bucketsOf(settings: DeploySettings): string[] {
  const buckets = new Set<string>();
  if (settings.allow !== '*') for (const entry of settings.allow) buckets.add(entry.split('/')[0]!);
  if (settings.watchedBucket) buckets.add(settings.watchedBucket);
  return [...buckets];
}

/** The alerts' and the dashboard's settings from the stack's parameters; a bad Alert* value names itself. */
export function observabilityOf(stack: Pick<StackSpec, 'parameters' | 'stackName'>): ObservabilitySettings {
  const text = Object.fromEntries(Object.entries(stack.parameters).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
  try {
    return observabilitySettings(stack.stackName, text);
  } catch (err) {
    if (err instanceof RangeError) throw new ParameterError(err.message, { cause: err });
    throw err;
  }
}
