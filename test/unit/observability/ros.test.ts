// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${…} in plain strings.
// The ROS form of the index, the dashboard and the alerts, checked by the local ROS's template
// engine (its property tables for ALIYUN::SLS::Index, ::Dashboard and ::Alert, written from ROS's
// resource reference and its CDK), and held to the API form the deploy makes.
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../lib/emulators/ros/template/document';
import { planScope, planStack, resolveProperties } from '../../../lib/emulators/ros/template/plan';
import { RESOURCE_TYPES } from '../../../lib/emulators/ros/template/resource-types';
import { ALERT_KINDS, alertRules } from '../../../lib/observability/alerts';
import { ROS_PARAMETERS, rosResources } from '../../../lib/observability/ros';
import { FUNCTION_LOG_INDEX } from '../../../lib/sls/function-log-index';

const PSEUDO = {
  'ALIYUN::StackName': 'oss-thaw',
  'ALIYUN::StackId': 'id-1',
  'ALIYUN::Region': 'cn-hangzhou',
  'ALIYUN::AccountId': '123',
  'ALIYUN::TenantId': '123',
  'ALIYUN::ResourceGroupId': '',
};

const PARAMETERS = Object.fromEntries(Object.values(ROS_PARAMETERS).map((name) => [name, { Type: 'String', Default: '' }]));
const GIVEN = {
  FunctionLogProject: 'thaw-logs',
  FunctionLogstore: 'functions',
  AccessLogProject: 'oss-log-1-cn-hangzhou',
  AccessLogLogstore: 'oss-log-store',
  AlertActionPolicyId: 'ops',
};

function resolved() {
  const template = { ROSTemplateFormatVersion: '2015-09-01', Parameters: PARAMETERS, Resources: rosResources() };
  const plan = planStack(parseTemplate(JSON.stringify(template)), new Map(Object.entries(GIVEN)), PSEUDO, RESOURCE_TYPES);
  const scope = planScope(plan, RESOURCE_TYPES, () => undefined);
  return new Map(
    [...plan.resources].map(([id, r]) => [id, { type: r.type, properties: resolveProperties(id, r.declaration, RESOURCE_TYPES[r.type]!, scope) }]),
  );
}

describe('the ROS resources', () => {
  it('pass the local ROS’s property tables: an index, a dashboard and one alert per kind', () => {
    const resources = resolved();
    expect([...resources.values()].map((r) => r.type)).toEqual([
      'ALIYUN::SLS::Index',
      'ALIYUN::SLS::Dashboard',
      ...ALERT_KINDS.map(() => 'ALIYUN::SLS::Alert'),
    ]);
  });

  it('carry what the API form carries, in ROS’s names, with the stack’s and the parameters’ values', () => {
    const resources = resolved();
    const settings = {
      stack: 'oss-thaw',
      functionLogs: { project: 'thaw-logs', logstore: 'functions' },
      accessLog: { project: 'oss-log-1-cn-hangzhou', logstore: 'oss-log-store' },
      notification: { kind: 'action-policy' as const, actionPolicyId: 'ops' },
    };
    const api = alertRules(settings).find((r) => r.name === 'oss-thaw-access-log-silent')!;
    const ros = resources.get('AlertAccessLogSilent')!.properties as {
      Project: string;
      Detail: { Name: string; Configuration: Record<string, any>; Schedule: unknown };
    };
    expect(ros.Project).toBe('thaw-logs');
    expect(ros.Detail.Name).toBe(api.name);
    expect(ros.Detail.Schedule).toEqual({ Type: 'FixedRate', Interval: '5m', RunImmediately: false });
    const c = api.configuration as Record<string, any>;
    expect(ros.Detail.Configuration.QueryList).toEqual(
      c.queryList.map((q: Record<string, string>) => ({
        StoreType: q.storeType,
        Project: q.project,
        Store: q.store,
        Query: q.query,
        TimeSpanType: q.timeSpanType,
        Start: q.start,
        End: q.end,
        PowerSqlMode: q.powerSqlMode,
      })),
    );
    expect(ros.Detail.Configuration.PolicyConfiguration).toEqual({
      AlertPolicyId: 'sls.builtin.dynamic',
      ActionPolicyId: 'ops',
      RepeatInterval: '1h',
      UseDefault: false,
    });
    expect(ros.Detail.Configuration.Labels).toEqual([
      { Key: 'oss-thaw-stack', Value: 'oss-thaw' },
      { Key: 'alert', Value: 'access-log-silent' },
    ]);

    const index = resources.get('FunctionLogIndex')!.properties as { KeyIndices: { Name: string; Type: string; JsonKeyIndices?: { Name: string }[] }[] };
    const message = index.KeyIndices.find((k) => k.Name === 'message')!;
    expect(message.Type).toBe('json');
    expect(message.JsonKeyIndices!.map((k) => k.Name)).toEqual(Object.keys(FUNCTION_LOG_INDEX.keys!.message!.json_keys!));
    expect((resources.get('Dashboard')!.properties as { DashboardName: string }).DashboardName).toBe('oss-thaw-overview');
  });

  it('leave the index out when the logstore already has one', () => {
    expect(Object.keys(rosResources({ withIndex: false }))).not.toContain('FunctionLogIndex');
  });
});
