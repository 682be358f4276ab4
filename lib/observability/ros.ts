// The ROS form of the function logstore's index, the dashboard and the alerts, for the packaged
// template (`thaw package`): ALIYUN::SLS::Index, ALIYUN::SLS::Dashboard, ALIYUN::SLS::Alert, with
// the same content the deploy makes through the API. Property names from the ROS resource
// reference pages (aliyun-sls-index, -dashboard, -alert) and aliyun/alibabacloud-ros-tool-transformer
// rostran/rules/ros/resource/aliyun_sls_*.yml: an Index's FullTextIndex/KeyIndices with
// JsonKeyIndices, a Dashboard's Charts as the API's chart maps, an Alert's Detail with its
// Configuration in PascalCase (QueryList, SeverityConfigurations, PolicyConfiguration, …).
// Names come from the stack's (`${ALIYUN::StackName}-…`), the projects and logstores from the
// template's parameters. ROS has no resource for alert resource data, so a ROS stack sends alerts
// through an existing action policy (AlertActionPolicyId) or to no one. A threshold may be left to
// ROS too (`thresholdParameters`): the rule then says `${AlertFailedRestores}` where the number was.
// An Alert's Configuration carries only what ROS's CDK lists for it (@alicloud/ros-cdk-sls 1.11.0
// RosAlert ConfigurationProperty): no ConditionConfiguration, whose condition each severity's
// EvalCondition already carries.
import { FUNCTION_LOG_INDEX } from '../sls/function-log-index';
import type { SlsIndexKey } from '../sls/admin';
import { ALERT_KINDS, alertRules } from './alerts';
import { dashboard } from './dashboard';
import type { AlertThresholds } from './settings';

/** The template parameters these resources read (the lead adds AlertActionPolicyId to template.yml). */
export const ROS_PARAMETERS = {
  functionLogProject: 'FunctionLogProject',
  functionLogstore: 'FunctionLogstore',
  accessLogProject: 'AccessLogProject',
  accessLogLogstore: 'AccessLogLogstore',
  alertActionPolicyId: 'AlertActionPolicyId',
} as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The template parameters a ROS stack cannot use: a webhook needs alert resource data, which ROS cannot make. */
export const ROS_UNUSED_PARAMETERS = ['AlertWebhookUrl', 'AlertWebhookType', 'AlertWebhookSecret'] as const;

/** A stand-in stack name: its generated names become `${ALIYUN::StackName}-…` below. */
const STACK = 'rosstackname';

/** "a-b_c" → "ABC"-style keys: camelCase wire names to ROS's PascalCase properties. */
function pascal(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

function pascalKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(pascalKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [pascal(k), pascalKeys(v)]),
    );
  }
  return value as Json;
}

/** Strings naming the stack or a parameter become Fn::Sub; the rest stay as they are. */
function substituted(value: Json): Json {
  if (Array.isArray(value)) return value.map(substituted);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituted(v)]));
  if (typeof value === 'string' && (value.includes(STACK) || value.includes('${'))) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Fn::Sub placeholder, not a template literal.
    return { 'Fn::Sub': value.split(STACK).join('${ALIYUN::StackName}') };
  }
  return value;
}

function logicalId(kind: string): string {
  return `Alert${kind
    .split('-')
    .map((part) => part.replace(/^\w/, (c) => c.toUpperCase()))
    .join('')
    .replace(/[^A-Za-z0-9]/g, '')}`;
}

function indexKey(name: string, key: SlsIndexKey): Json {
  const base: { [k: string]: Json } = { Name: name, Type: key.type, EnableAnalytics: key.doc_value === true };
  if (key.token) base.Delimiter = key.token.join('');
  if (key.caseSensitive !== undefined) base.CaseSensitive = key.caseSensitive;
  if (key.json_keys) {
    base.JsonKeyIndices = Object.entries(key.json_keys).map(([sub, k]) => ({ Name: sub, Type: k.type, EnableAnalytics: k.doc_value === true }));
  }
  return base;
}

export interface RosResource {
  readonly Type: string;
  readonly Properties: { [key: string]: Json };
  readonly DependsOn?: readonly string[];
  readonly Condition?: string;
}

export interface RosResourceOptions {
  /** Fixed thresholds (default: DEFAULT_THRESHOLDS). */
  readonly thresholds?: Partial<AlertThresholds>;
  /** Thresholds ROS fills in from these parameters (whole numbers; the lag in minutes, as its parameter). */
  readonly thresholdParameters?: Partial<Record<keyof AlertThresholds, string>>;
  /** false: no index (a logstore that already has one: ROS would fail to make a second). */
  readonly withIndex?: boolean;
  /** The index is made only when this condition holds (the dashboard then does not depend on it). */
  readonly indexCondition?: string;
  /** The alert rules to write (default: alertRules); a test stages a rule that computes with a threshold. */
  readonly rules?: typeof alertRules;
}

/**
 * The resources to add to the packaged template: the function logstore's index, the dashboard and
 * one alert per kind.
 */
export function rosResources(options: RosResourceOptions = {}): Record<string, RosResource> {
  const given = Object.entries(options.thresholdParameters ?? {}) as [keyof AlertThresholds, string][];
  if (given.length === 0) return build(options, options.thresholds);
  // The rules are written twice, with two sets of stand-in numbers, and each stand-in's text is
  // replaced by its parameter; the two must come out the same, or a threshold is used in a way text
  // replacement cannot follow (a sum, a ratio), and the rules would be wrong.
  const [a, b] = [0, 1].map((set) => {
    const standIns = given.map(([field, parameter], i) => ({ field, parameter, minutes: 918_273_000 + set * 500 + i * 7 }));
    const thresholds = {
      ...options.thresholds,
      ...Object.fromEntries(standIns.map((s) => [s.field, s.field === 'accessLogLagMs' ? s.minutes * 60_000 : s.minutes])),
    };
    return withParameters(build(options, thresholds) as unknown as Json, standIns) as unknown as Record<string, RosResource>;
  });
  if (JSON.stringify(a) !== JSON.stringify(b))
    throw new Error(`a threshold of ${given.map(([, p]) => p).join(', ')} is not used as a whole number in the rules`);
  return a!;
}

/** Each stand-in's text → `${Parameter}`; the lag, in milliseconds in a rule, → `${Parameter} * 60000` (evaluate expressions compute: "Specify evaluate expressions"). */
function withParameters(value: Json, standIns: { field: keyof AlertThresholds; parameter: string; minutes: number }[]): Json {
  const text = (s: string): string =>
    standIns.reduce((out, { field, parameter, minutes }) => {
      const number = (n: number) => new RegExp(`(?<![0-9.])${n}(?![0-9])`, 'g');
      const ms = field === 'accessLogLagMs' ? out.replace(number(minutes * 60_000), `\${${parameter}} * 60000`) : out;
      return ms.replace(number(minutes), `\${${parameter}}`);
    }, s);
  if (typeof value === 'string') {
    const replaced = text(value);
    return replaced === value ? value : { 'Fn::Sub': replaced };
  }
  if (Array.isArray(value)) return value.map((v) => withParameters(v, standIns));
  if (value !== null && typeof value === 'object') {
    const sub = value['Fn::Sub'];
    if (typeof sub === 'string' && Object.keys(value).length === 1) return { 'Fn::Sub': text(sub) };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withParameters(v, standIns)]));
  }
  return value;
}

function build(options: RosResourceOptions, thresholds: Partial<AlertThresholds> | undefined): Record<string, RosResource> {
  const ref = (name: string) => `\${${name}}`;
  const settings = {
    stack: STACK,
    functionLogs: { project: ref(ROS_PARAMETERS.functionLogProject), logstore: ref(ROS_PARAMETERS.functionLogstore) },
    accessLog: { project: ref(ROS_PARAMETERS.accessLogProject), logstore: ref(ROS_PARAMETERS.accessLogLogstore) },
    notification: { kind: 'action-policy' as const, actionPolicyId: ref(ROS_PARAMETERS.alertActionPolicyId) },
    thresholds,
  };
  const resources: Record<string, RosResource> = {};
  const projectName = { Ref: ROS_PARAMETERS.functionLogProject };
  if (options.withIndex !== false) {
    const line = FUNCTION_LOG_INDEX.line!;
    resources.FunctionLogIndex = {
      Type: 'ALIYUN::SLS::Index',
      ...(options.indexCondition ? { Condition: options.indexCondition } : {}),
      Properties: {
        ProjectName: projectName,
        LogstoreName: { Ref: ROS_PARAMETERS.functionLogstore },
        FullTextIndex: { Enable: true, CaseSensitive: line.caseSensitive === true, Delimiter: line.token.join(''), IncludeChinese: line.chn === true },
        KeyIndices: Object.entries(FUNCTION_LOG_INDEX.keys ?? {}).map(([name, key]) => indexKey(name, key)),
      },
    };
  }
  const board = dashboard(settings);
  resources.Dashboard = {
    Type: 'ALIYUN::SLS::Dashboard',
    Properties: {
      ProjectName: projectName,
      DashboardName: substituted(board.dashboardName),
      DisplayName: substituted(board.displayName ?? board.dashboardName),
      Description: substituted(board.description ?? ''),
      Charts: substituted(board.charts as unknown as Json),
    },
    // Not on an index with a Condition: DependsOn on a resource left out is refused (CloudFormation's
    // rule; the local ROS keeps it; unconfirmed for ROS). A dashboard needs no index to be made.
    ...(resources.FunctionLogIndex && !options.indexCondition ? { DependsOn: ['FunctionLogIndex'] } : {}),
  };
  (options.rules ?? alertRules)(settings).forEach((rule, i) => {
    const { conditionConfiguration: _carriedBySeverities, ...documented } = rule.configuration as Record<string, unknown>;
    const configuration = pascalKeys(documented) as { [key: string]: Json };
    // ROS's PolicyConfiguration carries UseDefault ("the compatibility field: set it to false").
    (configuration.PolicyConfiguration as { [key: string]: Json }).UseDefault = false;
    resources[logicalId(ALERT_KINDS[i]!)] = {
      Type: 'ALIYUN::SLS::Alert',
      Properties: {
        Project: projectName,
        Detail: substituted({
          Name: rule.name,
          DisplayName: rule.displayName,
          Description: rule.description ?? '',
          Configuration: configuration,
          Schedule: pascalKeys(rule.schedule),
        }),
      },
    };
  });
  return resources;
}
