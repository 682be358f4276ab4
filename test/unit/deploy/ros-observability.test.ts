// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${…} in plain strings.
// The packaged templates' Log Service part (lib/deploy/ros-observability.ts): the index behind its
// switch, the dashboard and the alerts, the parameters they read, the thresholds ROS fills in from
// the template's Alert* parameters, and the webhook parameters a ROS stack cannot use left out. The
// templates are resolved by the local ROS's own template engine (written from ROS's documentation),
// with the values a stack would be given, and held to the rules thaw deploy makes (alertRules).
import { describe, expect, it } from 'vitest';
import { rosTemplateFc2 } from '../../../lib/deploy/ros';
import { rosTemplateFc3 } from '../../../lib/deploy/ros-fc3';
import type { TemplateDocument } from '../../../lib/deploy/template';
import { parseTemplate } from '../../../lib/emulators/ros/template/document';
import { planScope, planStack, resolveProperties } from '../../../lib/emulators/ros/template/plan';
import { RESOURCE_TYPES } from '../../../lib/emulators/ros/template/resource-types';
import { ALERT_KINDS, alertRules } from '../../../lib/observability/alerts';

const PSEUDO = {
  'ALIYUN::StackName': 'oss-thaw',
  'ALIYUN::StackId': 'id-1',
  'ALIYUN::Region': 'cn-hangzhou',
  'ALIYUN::AccountId': '123',
  'ALIYUN::TenantId': '123',
  'ALIYUN::ResourceGroupId': '',
};

const text = (Default: string) => ({ Type: 'String', Default });
/** A template with the parameters the package needs and no functions: the Log Service part alone. */
function template(parameters: Record<string, Record<string, unknown>> = {}, resources: Record<string, Record<string, unknown>> = {}): TemplateDocument {
  return {
    ROSTemplateFormatVersion: '2015-09-01',
    Description: 'oss-thaw',
    Parameters: {
      TablestoreInstance: text('thaw'),
      TableName: text('thaw_restores'),
      FunctionLogProject: text('thaw-logs'),
      FunctionLogstore: text('functions'),
      AccessLogProject: text('oss-log-123-cn-hangzhou'),
      AccessLogLogstore: text('oss-log-store'),
      ...parameters,
    },
    Resources: resources,
  };
}

type Resolved = Map<string, { type: string; properties: Record<string, any> }>;

/** The packaged template as the local ROS resolves it for CreateStack with `given`. */
function resolved(doc: TemplateDocument, given: Record<string, string> = {}): Resolved {
  const plan = planStack(parseTemplate(JSON.stringify(doc)), new Map(Object.entries(given)), PSEUDO, RESOURCE_TYPES);
  const scope = planScope(plan, RESOURCE_TYPES, () => undefined);
  return new Map(
    [...plan.resources].map(([id, r]) => [id, { type: r.type, properties: resolveProperties(id, r.declaration, RESOURCE_TYPES[r.type]!, scope) }]),
  );
}

const SETTINGS = {
  stack: 'oss-thaw',
  functionLogs: { project: 'thaw-logs', logstore: 'functions' },
  accessLog: { project: 'oss-log-123-cn-hangzhou', logstore: 'oss-log-store' },
};
const alertId = (kind: string) => `Alert${kind.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`;

describe('the packaged templates: the index, the dashboard and the alerts', () => {
  it.each([
    ['FC 3.0', (doc: TemplateDocument) => rosTemplateFc3(doc, {})],
    ['FC 2.0', (doc: TemplateDocument) => rosTemplateFc2(doc, {})],
  ])(
    '%s: the index behind CreateFunctionLogIndex, the dashboard, one alert per kind; alerts go through AlertActionPolicyId or to no one',
    (_platform, pack) => {
      const doc = pack(template());
      expect(doc.Description).toContain('Alerts go through the action policy AlertActionPolicyId names, or to no one when it is empty');
      expect(doc.Parameters!.AlertActionPolicyId).toMatchObject({ Type: 'String', Default: '' });
      expect(doc.Parameters!.CreateFunctionLogIndex).toMatchObject({ Default: 'true', AllowedValues: ['true', 'false'] });

      const made = resolved(doc);
      expect([...made].filter(([, r]) => r.type.startsWith('ALIYUN::SLS::')).map(([id]) => id)).toEqual([
        'FunctionLogIndex',
        'Dashboard',
        ...ALERT_KINDS.map(alertId),
      ]);
      expect(made.get('FunctionLogIndex')!.properties).toMatchObject({ ProjectName: 'thaw-logs', LogstoreName: 'functions' });
      expect(made.get('Dashboard')!.properties.DashboardName).toBe('oss-thaw-overview');
      // No action policy given: the rules name none, as thaw deploy's do with neither parameter.
      const api = alertRules({ ...SETTINGS, notification: { kind: 'none' } });
      for (const [i, kind] of ALERT_KINDS.entries()) {
        const detail = made.get(alertId(kind))!.properties.Detail;
        expect(detail.Name, kind).toBe(api[i]!.name);
        expect(detail.Configuration.PolicyConfiguration.ActionPolicyId, kind).toBe('');
      }
      expect(resolved(doc, { AlertActionPolicyId: 'ops' }).get('AlertFailedRestores')!.properties.Detail.Configuration.PolicyConfiguration.ActionPolicyId).toBe(
        'ops',
      );

      // A logstore with an index: ROS would fail to make a second, so the switch leaves it out, and
      // nothing depends on it.
      const without = resolved(doc, { CreateFunctionLogIndex: 'false' });
      expect(without.has('FunctionLogIndex')).toBe(false);
      expect(without.has('Dashboard')).toBe(true);
    },
  );

  it('keeps the default of an AlertActionPolicyId the template declares', () => {
    const declared = { Type: 'String', Default: 'ops', Description: 'An action policy (not with AlertWebhookUrl).' };
    // Its Description is the ROS stack's: a webhook is no alternative there.
    expect(rosTemplateFc3(template({ AlertActionPolicyId: declared }), {}).Parameters!.AlertActionPolicyId).toEqual({
      Type: 'String',
      Default: 'ops',
      Description: expect.stringMatching(/^An existing Log Service action policy the alerts send through .* Empty: no one is told\.$/),
    });
  });

  it("fills in the thresholds the template declares from the stack's parameters, as thaw deploy's rules have them; the others are the defaults", () => {
    const doc = rosTemplateFc3(
      template({
        AlertFailedRestores: text(''),
        AlertAccessLogLagMinutes: { Type: 'Number', Default: 15 },
        AlertBudgetUsePct: { Type: 'String', Default: '90', AllowedPattern: '^[0-9]{1,3}$' },
      }),
      {},
    );
    // ROS substitutes the text as given (thaw deploy reads an empty value as the default): a default, and digits only.
    expect(doc.Parameters!.AlertFailedRestores).toEqual({ Type: 'String', Default: '5', AllowedPattern: '^[0-9]+$', ConstraintDescription: 'a whole number' });
    expect(doc.Parameters!.AlertAccessLogLagMinutes).toEqual({ Type: 'Number', Default: 15 });
    expect(doc.Parameters!.AlertBudgetUsePct).toEqual({ Type: 'String', Default: '90', AllowedPattern: '^[0-9]{1,3}$' });

    const made = resolved(doc, { AlertFailedRestores: '2', AlertAccessLogLagMinutes: '30' });
    const api = alertRules({ ...SETTINGS, notification: { kind: 'none' }, thresholds: { failedRestores: 2, accessLogLagMs: 30 * 60_000, budgetUsePct: 90 } });
    for (const [i, kind] of ALERT_KINDS.entries()) {
      const detail = made.get(alertId(kind))!.properties.Detail;
      const rule = api[i]!;
      const configuration = rule.configuration as {
        queryList: { query: string; start: string }[];
        severityConfigurations: { evalCondition: { condition: string } }[];
      };
      expect(detail.Description, kind).toBe(rule.description);
      expect(
        detail.Configuration.QueryList.map((q: { Query: string; Start: string }) => [q.Query, q.Start]),
        kind,
      ).toEqual(configuration.queryList.map((q) => [q.query, q.start]));
      const condition = detail.Configuration.SeverityConfigurations[0].EvalCondition.Condition;
      // The lag is in minutes in its parameter and in milliseconds in the rule: the evaluate expression multiplies.
      expect(condition, kind).toBe(kind === 'access-log-lagging' ? 'lag > 30 * 60000' : configuration.severityConfigurations[0]!.evalCondition.condition);
    }
    expect(made.get('AlertFailedRestores')!.properties.Detail.Description).toMatch(/^At least 2 objects ended FAILED/);

    // An empty or non-numeric threshold is refused before anything is made.
    expect(() => resolved(doc, { AlertFailedRestores: '' })).toThrow(/AlertFailedRestores/);
    expect(() => resolved(doc, { AlertFailedRestores: 'five' })).toThrow(/AlertFailedRestores/);
  });

  it('leaves out the webhook parameters a ROS stack cannot use, unless something else reads them', () => {
    const webhook = {
      AlertWebhookUrl: { Type: 'String', Default: '', NoEcho: true },
      AlertWebhookType: text('custom'),
      AlertWebhookSecret: { Type: 'String', Default: '', NoEcho: true },
    };
    const unused = Object.keys(rosTemplateFc3(template(webhook), {}).Parameters!).filter((p) => p.startsWith('AlertWebhook'));
    expect(unused).toEqual([]);
    const reader = {
      Type: 'ALIYUN::RAM::Role',
      Properties: { RoleName: 'r', Description: { 'Fn::Sub': 'hook ${AlertWebhookType}' }, AssumeRolePolicyDocument: {} },
    };
    const kept = Object.keys(rosTemplateFc3(template(webhook, { Reader: reader }), {}).Parameters!).filter((p) => p.startsWith('AlertWebhook'));
    expect(kept).toEqual(['AlertWebhookType']);
  });

  it.each([
    [
      'a template without FunctionLogstore',
      template({ FunctionLogstore: undefined as never }),
      /no parameter FunctionLogstore, which the alerts and the dashboard read/,
    ],
    ['a parameter named as the package’s own', template({ CreateFunctionLogIndex: text('x') }), /CreateFunctionLogIndex is thaw package's own/],
  ])('refuses %s', (_label, doc, message) => {
    if (doc.Parameters!.FunctionLogstore === undefined) delete (doc.Parameters as Record<string, unknown>).FunctionLogstore;
    expect(() => rosTemplateFc3(doc, {})).toThrow(message);
  });
});
