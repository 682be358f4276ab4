// `thaw deploy --print-deployer-policy`: the RAM policy a deployer needs for this stack's names —
// what deploy, destroy and the preflight call, on this stack's services, roles, policies, tables,
// logstores and buckets only, on FC 2.0 and FC 3.0 — instead of AliyunFCFullAccess + AliyunRAMFullAccess. Each statement
// says which step needs it. test/integration/deployer-policy.test.ts deploys and destroys with a RAM
// user that holds exactly this policy in the local cloud, which enforces it.
import { ACTION_POLICY_RESOURCE, WEBHOOK_RESOURCE } from '../observability/notification';
import { SERVICE_LINKED_ROLES } from './service-linked-roles';
import { bucketsOf, type DeploySettings, observabilityOf } from './settings';
import type { StackSpec } from './template';

/** A function and its triggers, on either platform (the same RAM action names); InvokeFunction for thaw invoke sweeper, the 3 a.m. re-drive. */
const FUNCTION_ACTIONS = [
  'fc:GetFunction',
  'fc:CreateFunction',
  'fc:UpdateFunction',
  'fc:DeleteFunction',
  'fc:ListTriggers',
  'fc:GetTrigger',
  'fc:CreateTrigger',
  'fc:UpdateTrigger',
  'fc:DeleteTrigger',
  'fc:InvokeFunction',
] as const;

interface Statement {
  readonly Effect: 'Allow';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  readonly Version: '1';
  readonly Statement: Statement[];
}

export function deployerPolicy(stack: StackSpec, settings: DeploySettings, options: { givenRoles?: readonly string[] } = {}): PolicyDocument {
  const { accountId: uid, region, stackName } = stack;
  const fc = `acs:fc:${region}:${uid}`;
  // thaw deploy's services are <stack>-<logical id>; the previous release's one service was <stack>.
  const services = [`${fc}:services/${stackName}-*`, `${fc}:services/${stackName}`];
  const functions = services.map((s) => `${s}/functions/*`);
  const roles = stack.roles.map((r) => `acs:ram:*:${uid}:role/${r.roleName.toLowerCase()}`);
  const policies = stack.roles.flatMap((r) => r.policies.map((p) => `acs:ram:*:${uid}:policy/${p.policyName}`));
  const passed = [...roles, ...(options.givenRoles ?? []).map((arn) => `acs:ram:*:${uid}:role/${arn.split('/').pop()!.toLowerCase()}`)];
  const ots = `acs:ots:${region}:${uid}:instance/${settings.tablestore.instance}`;
  const log = (project: string, logstore: string) => `acs:log:${region}:${uid}:project/${project}/logstore/${logstore}`;
  const statements: Statement[] = [
    // Preflight: may the deployer use FC at all (ListServices on the region).
    { Effect: 'Allow', Action: ['fc:ListServices'], Resource: [`${fc}:services/*`] },
    {
      Effect: 'Allow',
      // CreateService/UpdateService ask for EnableServiceSLSLogging with a LogConfig (FC CreateService "授权信息").
      Action: ['fc:GetService', 'fc:CreateService', 'fc:UpdateService', 'fc:DeleteService', 'fc:EnableServiceSLSLogging'],
      Resource: services,
    },
    { Effect: 'Allow', Action: ['fc:ListFunctions'], Resource: functions },
    {
      Effect: 'Allow',
      Action: [...FUNCTION_ACTIONS],
      Resource: [...functions, ...functions.map((f) => `${f}/triggers/*`)],
    },
    // FC 3.0: the stack's functions are <stack>-<function> (the deploy reads both platforms to find
    // where the stack runs). The async-invoke actions are named fc:*FunctionAsyncInvokeConfig in FC
    // 3.0's RAM table.
    {
      Effect: 'Allow',
      Action: [
        ...FUNCTION_ACTIONS,
        'fc:GetFunctionAsyncInvokeConfig',
        'fc:PutFunctionAsyncInvokeConfig',
        'fc:DeleteFunctionAsyncInvokeConfig',
        'fc:GetConcurrencyConfig',
        'fc:PutConcurrencyConfig',
        'fc:DeleteConcurrencyConfig',
        'fc:TagResources',
        'fc:ListTagResources',
      ],
      Resource: [`${fc}:functions/${stackName}-*`, `${fc}:functions/${stackName}-*/triggers/*`],
    },
    {
      Effect: 'Allow',
      Action: [
        'ram:GetRole',
        'ram:CreateRole',
        'ram:UpdateRole',
        'ram:DeleteRole',
        'ram:ListPoliciesForRole',
        'ram:AttachPolicyToRole',
        'ram:DetachPolicyFromRole',
      ],
      Resource: roles,
    },
    {
      Effect: 'Allow',
      Action: [
        'ram:GetPolicy',
        'ram:CreatePolicy',
        'ram:CreatePolicyVersion',
        'ram:ListPolicyVersions',
        'ram:DeletePolicyVersion',
        'ram:DeletePolicy',
        'ram:UpdatePolicyDescription',
        'ram:AttachPolicyToRole',
        'ram:DetachPolicyFromRole',
      ],
      Resource: policies,
    },
    // The oss-thaw-stack tag on the stack's roles and policies: RAM grants TagResources and
    // ListTagResources on "All Resources" only (RAM API reference, "RAM authorization"), so "*".
    { Effect: 'Allow', Action: ['ram:TagResources', 'ram:ListTagResources'], Resource: ['*'] },
    // The same tag on the stack's FC 2.0 services: FC 2.0 names one resource for its tag API,
    // acs:fc:<region>:<uid>:tag ("Policies and sample policies", custom-policy table).
    { Effect: 'Allow', Action: ['fc:TagResource', 'fc:GetResourceTags'], Resource: [`${fc}:tag`] },
    // FC checks that whoever gives a service or trigger a role may pass it.
    { Effect: 'Allow', Action: ['ram:PassRole'], Resource: passed },
    {
      Effect: 'Allow',
      Action: ['ots:ListTable', 'ots:DescribeTable', 'ots:CreateTable', 'ots:CreateIndex', 'ots:AddDefinedColumn', 'ots:DeleteTable'],
      Resource: [`${ots}/table/*`],
    },
    {
      Effect: 'Allow',
      Action: ['log:ListShards'],
      Resource: [
        log(settings.accessLog.project, settings.accessLog.logstore),
        log(settings.accessLog.project, settings.accessLog.triggerLogstore),
        log(settings.functionLogs.project, settings.functionLogs.logstore),
      ],
    },
    // The preflight counts each allow-listed bucket's access-log records of the last day.
    { Effect: 'Allow', Action: ['log:GetLogStoreLogs'], Resource: [log(settings.accessLog.project, settings.accessLog.logstore)] },
    // The function logstore's index, which the deploy makes and destroy removes.
    {
      Effect: 'Allow',
      Action: ['log:GetIndex', 'log:CreateIndex', 'log:UpdateIndex', 'log:DeleteIndex'],
      Resource: [log(settings.functionLogs.project, settings.functionLogs.logstore)],
    },
  ];
  // The alerts and the dashboard, by the stack's names in the function logs' project (Log Service
  // names them in lower case). A create names the new resource in its body, not its path, so RAM
  // sees `dashboard/*` and `job/*` (Alibaba's own policies grant CreateDashboard and CreateJob so:
  // "Authorize a RAM user to use Cost Manager"); reads, updates and deletes are held to the stack's
  // prefix. The alert action names are unconfirmed (the RAM reference lists jobs).
  const project = `acs:log:${region}:${uid}:project/${settings.functionLogs.project}`;
  const prefix = stackName.toLowerCase();
  statements.push({
    Effect: 'Allow',
    Action: ['log:CreateDashboard', 'log:CreateAlert'],
    Resource: [`${project}/dashboard/*`, `${project}/job/*`],
  });
  statements.push({
    Effect: 'Allow',
    Action: ['log:GetDashboard', 'log:UpdateDashboard', 'log:DeleteDashboard'],
    Resource: [`${project}/dashboard/${prefix}-*`],
  });
  statements.push({
    Effect: 'Allow',
    Action: ['log:GetAlert', 'log:UpdateAlert', 'log:DeleteAlert', 'log:EnableAlert', 'log:DisableAlert'],
    Resource: [`${project}/job/${prefix}-*`],
  });
  // Alert resource data (a webhook integration and its action policy) is the account's, kept in one
  // region (names partly unconfirmed). Destroy looks for this stack's records whatever the settings
  // are now, so reading and updating them is always granted, by the stack's record ids. A create
  // names the record in its body and a delete in its query, so RAM sees `record/*`: those two are
  // granted, on the two kinds of record the deploy makes, only when alerts go to a webhook.
  const records = `acs:log:*:${uid}:resource`;
  statements.push({
    Effect: 'Allow',
    Action: ['log:GetResourceRecord', 'log:UpdateResourceRecord'],
    Resource: [`${records}/*/record/${prefix}-*`],
  });
  if (observabilityOf(stack).notification.kind === 'webhook') {
    statements.push({
      Effect: 'Allow',
      Action: ['log:CreateResourceRecord', 'log:DeleteResourceRecord'],
      Resource: [WEBHOOK_RESOURCE, ACTION_POLICY_RESOURCE].map((r) => `${records}/${r}/record/*`),
    });
  }
  const buckets = bucketsOf(settings);
  if (buckets.length > 0) statements.push({ Effect: 'Allow', Action: ['oss:GetBucketInfo'], Resource: buckets.map((b) => `acs:oss:*:*:${b}`) });
  if (stack.customDomains.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['fc:GetCustomDomain', 'fc:CreateCustomDomain', 'fc:UpdateCustomDomain', 'fc:DeleteCustomDomain'],
      Resource: stack.customDomains.map((d) => `${fc}:custom-domains/${d.domainName}`),
    });
  }
  if (stack.functions.some((f) => f.triggers.some((t) => t.type === 'EventBridge'))) {
    const slr = SERVICE_LINKED_ROLES['eventbridge-fc'];
    statements.push({ Effect: 'Allow', Action: ['ram:GetRole'], Resource: [`acs:ram:*:${uid}:role/${slr.roleName.toLowerCase()}`] });
    statements.push({
      Effect: 'Allow',
      Action: ['ram:CreateServiceLinkedRole'],
      Resource: ['*'],
      Condition: { StringEquals: { 'ram:ServiceName': [slr.serviceName] } },
    });
  }
  return { Version: '1', Statement: statements };
}
