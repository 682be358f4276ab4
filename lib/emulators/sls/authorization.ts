// Which RAM action and resource authorize each Log Service operation the emulator serves, in one
// table. Sources: Log Service "RAM authorization" / "Authorization rules" (actions log:<API>, resources
// acs:log:{region}:{uid}:project/{project}[/logstore/{logstore}]); PullLogs and GetCursor are
// authorized by log:GetCursorOrData (there is no log:PullLogs), PutLogs by log:PostLogStoreLogs,
// ListShards by log:ListShards. The live service names action and resource in its refusal
// ("denied by sts or ram, action: log:…, resource: acs:log:…": aliyun-log-go-sdk issue 38,
// log-pilot issue 85), which is where the project and logstore resource forms were checked.
import type { AccessRequest } from '../shared/access';

type Scope = 'projects' | 'project' | 'logstores' | 'logstore' | 'dashboard' | 'job' | 'resource';

const SLS_ACTIONS: Readonly<Record<string, { readonly action: string; readonly scope: Scope }>> = {
  ListProject: { action: 'log:ListProject', scope: 'projects' },
  GetProject: { action: 'log:GetProject', scope: 'project' },
  CreateProject: { action: 'log:CreateProject', scope: 'project' },
  ListLogStores: { action: 'log:ListLogStores', scope: 'logstores' },
  CreateLogStore: { action: 'log:CreateLogStore', scope: 'logstore' },
  GetLogStore: { action: 'log:GetLogStore', scope: 'logstore' },
  GetLogs: { action: 'log:GetLogStoreLogs', scope: 'logstore' },
  ListShards: { action: 'log:ListShards', scope: 'logstore' },
  GetCursor: { action: 'log:GetCursorOrData', scope: 'logstore' },
  PullLogs: { action: 'log:GetCursorOrData', scope: 'logstore' },
  /** unconfirmed: GetCursorTime is listed with the cursor operations. */
  GetCursorTime: { action: 'log:GetCursorOrData', scope: 'logstore' },
  PutLogs: { action: 'log:PostLogStoreLogs', scope: 'logstore' },
  DeleteLogStore: { action: 'log:DeleteLogStore', scope: 'logstore' },
  DeleteProject: { action: 'log:DeleteProject', scope: 'project' },
  GetLogsV2: { action: 'log:GetLogStoreLogs', scope: 'logstore' },
  GetHistograms: { action: 'log:GetLogStoreHistogram', scope: 'logstore' },
  // Indexes belong to their logstore (the action list: "Creates indexes", …).
  CreateIndex: { action: 'log:CreateIndex', scope: 'logstore' },
  GetIndex: { action: 'log:GetIndex', scope: 'logstore' },
  UpdateIndex: { action: 'log:UpdateIndex', scope: 'logstore' },
  DeleteIndex: { action: 'log:DeleteIndex', scope: 'logstore' },
  // Dashboards: acs:log:…:project/{p}/dashboard/{name} (resource list).
  CreateDashboard: { action: 'log:CreateDashboard', scope: 'dashboard' },
  GetDashboard: { action: 'log:GetDashboard', scope: 'dashboard' },
  UpdateDashboard: { action: 'log:UpdateDashboard', scope: 'dashboard' },
  DeleteDashboard: { action: 'log:DeleteDashboard', scope: 'dashboard' },
  ListDashboard: { action: 'log:ListDashboard', scope: 'dashboard' },
  // Alerts are jobs: acs:log:…:project/{p}/job/{name}; the action names are unconfirmed.
  CreateAlert: { action: 'log:CreateAlert', scope: 'job' },
  GetAlert: { action: 'log:GetAlert', scope: 'job' },
  UpdateAlert: { action: 'log:UpdateAlert', scope: 'job' },
  DeleteAlert: { action: 'log:DeleteAlert', scope: 'job' },
  EnableAlert: { action: 'log:EnableAlert', scope: 'job' },
  DisableAlert: { action: 'log:DisableAlert', scope: 'job' },
  ListAlerts: { action: 'log:ListAlerts', scope: 'job' },
  // Alert resource data: acs:log:…:resource/{name}/record/{id}. log:GetResourceRecord,
  // ListResourceRecords and UpdateResourceRecord on acs:log:*:*:resource/* are what the system
  // policy AliyunServiceRolePolicyForSLSAlert grants; the create and delete names and the record
  // part of the resource are unconfirmed.
  CreateResourceRecord: { action: 'log:CreateResourceRecord', scope: 'resource' },
  GetResourceRecord: { action: 'log:GetResourceRecord', scope: 'resource' },
  UpdateResourceRecord: { action: 'log:UpdateResourceRecord', scope: 'resource' },
  DeleteResourceRecord: { action: 'log:DeleteResourceRecord', scope: 'resource' },
  ListResourceRecords: { action: 'log:ListResourceRecords', scope: 'resource' },
};

/** The access request for an operation, or undefined for one the emulator does not serve. */
export function slsAccessRequest(
  operation: string,
  target: {
    region: string;
    ownerId: string;
    project: string | undefined;
    logstore: string | undefined;
    name?: string | undefined;
    record?: string | undefined;
  },
  context: Readonly<Record<string, string>>,
): AccessRequest | undefined {
  const grant = SLS_ACTIONS[operation];
  if (!grant) return undefined;
  if (grant.scope === 'resource') {
    return {
      action: grant.action,
      resource: `acs:log:${target.region}:${target.ownerId}:resource/${target.name ?? '*'}/record/${target.record ?? '*'}`,
      context,
    };
  }
  const base = `acs:log:${target.region}:${target.ownerId}:project/`;
  const project = target.project ?? '*';
  const resource =
    grant.scope === 'projects'
      ? `${base}*`
      : grant.scope === 'project'
        ? `${base}${project}`
        : grant.scope === 'logstores'
          ? `${base}${project}/logstore/*`
          : grant.scope === 'dashboard' || grant.scope === 'job'
            ? `${base}${project}/${grant.scope}/${target.name ?? '*'}`
            : `${base}${project}/logstore/${target.logstore ?? '*'}`;
  return { action: grant.action, resource, context };
}
