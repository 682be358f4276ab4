// The ROS form of the function logstore's index, the dashboard and the alerts, for the packaged
// template (`thaw package`): ALIYUN::SLS::Index, ALIYUN::SLS::Dashboard, ALIYUN::SLS::Alert, with
// the same content the deploy makes through the API. Property names from the ROS resource
// reference pages (aliyun-sls-index, -dashboard, -alert) and aliyun/alibabacloud-ros-tool-transformer
// rostran/rules/ros/resource/aliyun_sls_*.yml: an Index's FullTextIndex/KeyIndices with
// JsonKeyIndices, a Dashboard's Charts as the API's chart maps, an Alert's Detail with its
// Configuration in PascalCase (QueryList, SeverityConfigurations, PolicyConfiguration, …).
// Names come from the stack's (`${ALIYUN::StackName}-…`), the projects and logstores from the
// template's parameters. ROS has no resource for alert resource data, so a ROS stack sends alerts
// through an existing action policy (AlertActionPolicyId) or to no one.
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
}

/**
 * The resources to add to the packaged template: the function logstore's index, the dashboard and
 * one alert per kind. `withIndex: false` leaves the index out (a logstore that already has one:
 * ROS would fail to make a second).
 */
export function rosResources(options: { thresholds?: Partial<AlertThresholds>; withIndex?: boolean } = {}): Record<string, RosResource> {
  const ref = (name: string) => `\${${name}}`;
  const settings = {
    stack: STACK,
    functionLogs: { project: ref(ROS_PARAMETERS.functionLogProject), logstore: ref(ROS_PARAMETERS.functionLogstore) },
    accessLog: { project: ref(ROS_PARAMETERS.accessLogProject), logstore: ref(ROS_PARAMETERS.accessLogLogstore) },
    notification: { kind: 'action-policy' as const, actionPolicyId: ref(ROS_PARAMETERS.alertActionPolicyId) },
    thresholds: options.thresholds,
  };
  const resources: Record<string, RosResource> = {};
  const projectName = { Ref: ROS_PARAMETERS.functionLogProject };
  if (options.withIndex !== false) {
    const line = FUNCTION_LOG_INDEX.line!;
    resources.FunctionLogIndex = {
      Type: 'ALIYUN::SLS::Index',
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
    ...(resources.FunctionLogIndex ? { DependsOn: ['FunctionLogIndex'] } : {}),
  };
  alertRules(settings).forEach((rule, i) => {
    const configuration = pascalKeys(rule.configuration) as { [key: string]: Json };
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
