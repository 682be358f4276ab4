// ALIYUN::SLS::Index, ::Dashboard and ::Alert through the Log Service API (the project in the Host,
// LOG signature: the local Log Service's own client, as the local FC's log writer uses it), with the
// caller's key. The vendor's OpenAPI SDK is not the caller here: it puts the project into the host
// name it connects to, which an endpoint on 127.0.0.1 cannot carry.
//   Index      CreateIndex / UpdateIndex / DeleteIndex on ProjectName/LogstoreName. FullTextIndex →
//              `line` {token, caseSensitive, chn}, KeyIndices → `keys` {type, token, caseSensitive,
//              chn, alias, doc_value (EnableAnalytics), json_keys}, LogReduce → log_reduce. A
//              JsonKeyIndices entry has no Delimiter of its own (rostran lists Name, Type, Alias,
//              EnableAnalytics): a text one is sent with its JSON field's (unconfirmed).
//              Delimiter is a string of delimiter characters, one token each (ROS "ALIYUN::SLS::Index":
//              "the delimiter"; how ROS splits it: unconfirmed). Enable false: no `line`.
//              No attributes (aliyun-sls-index).
//   Dashboard  CreateDashboard / UpdateDashboard / DeleteDashboard: Charts are the API's chart maps,
//              sent as written. Attributes DashboardName, DisplayName (aliyun-sls-dashboard).
//   Alert      CreateAlert / UpdateAlert / DeleteAlert: Detail's Configuration and Schedule in the
//              API's camelCase (QueryList → queryList, EvalCondition → evalCondition; ROS's CDK
//              RosAlert ConfigurationProperty names the same fields). Detail.State, Detail.Type and
//              PolicyConfiguration.UseDefault (ROS's compatibility field) are not sent: unconfirmed
//              what ROS does with them. Attribute Name (aliyun-sls-alert).
// A deletion answered "not found" (IndexConfigNotExist, DashboardNotExist, JobNotExist) is done.
import { SlsCallError, SlsClient } from '../../sls/client';
import type { Json } from '../template/document';
import type { MadeResource } from '../template/plan';
import { type CloudContext, CloudCallFailed, type Properties, type ResourceHandler, required } from './handler';

/** One signed Log Service call; resolves on 2xx, throws CloudCallFailed with the service's errorCode otherwise. */
async function slsCall(ctx: CloudContext, operation: string, project: string, method: string, path: string, body?: Json): Promise<void> {
  const client = new SlsClient({ endpoint: required(ctx.endpoints.sls, 'the Log Service endpoint'), project, ...ctx.credentials });
  const payload = body === undefined ? undefined : { bytes: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
  try {
    await client.send(method, path, payload);
  } catch (err) {
    const service = `Log Service ${operation}`;
    if (!(err instanceof SlsCallError)) throw new CloudCallFailed(service, undefined, (err as Error).message);
    throw new CloudCallFailed(service, err.errorCode, String(err.errorMessage ?? `HTTP ${err.status}`).slice(0, 500));
  }
}

async function gone(run: Promise<void>, codes: readonly string[]): Promise<void> {
  try {
    await run;
  } catch (err) {
    if (err instanceof CloudCallFailed && err.code !== undefined && codes.includes(err.code)) return;
    throw err;
  }
}

type Map = Record<string, Json>;
const s = (v: Json | undefined): string => String(v);
const tokens = (delimiter: Json | undefined): string[] | undefined => (typeof delimiter === 'string' ? [...delimiter] : undefined);

function defined(fields: Record<string, Json | undefined>): Map {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Map;
}

function indexKey(k: Map): Json {
  const token = tokens(k.Delimiter);
  return defined({
    type: k.Type,
    token,
    caseSensitive: k.CaseSensitive,
    chn: k.IncludeChinese,
    alias: k.Alias,
    doc_value: k.EnableAnalytics,
    json_keys: Array.isArray(k.JsonKeyIndices)
      ? Object.fromEntries(
          (k.JsonKeyIndices as Map[]).map((j) => [
            s(j.Name),
            defined({ type: j.Type, token: j.Type === 'text' ? token : undefined, alias: j.Alias, doc_value: j.EnableAnalytics }),
          ]),
        )
      : undefined,
  });
}

/** The CreateIndex body: the documented wire names (line, keys, doc_value, json_keys, log_reduce). */
function indexBody(p: Properties): Map {
  const full = (p.FullTextIndex ?? {}) as Map;
  return defined({
    line: full.Enable === false ? undefined : defined({ token: tokens(full.Delimiter) ?? [], caseSensitive: full.CaseSensitive, chn: full.IncludeChinese }),
    keys: Array.isArray(p.KeyIndices) ? Object.fromEntries((p.KeyIndices as Map[]).map((k) => [s(k.Name), indexKey(k)])) : undefined,
    log_reduce: p.LogReduce,
  });
}

const indexPath = (p: Properties) => `/logstores/${s(p.LogstoreName)}/index`;

export const slsIndex: ResourceHandler = {
  async create(p, ctx) {
    await slsCall(ctx, 'CreateIndex', s(p.ProjectName), 'POST', indexPath(p), indexBody(p));
    return { physicalId: `${s(p.ProjectName)}/${s(p.LogstoreName)}`, attributes: {} };
  },
  async update(current, p, _previous, ctx) {
    await slsCall(ctx, 'UpdateIndex', s(p.ProjectName), 'PUT', indexPath(p), indexBody(p));
    return current;
  },
  async delete(_current, p, ctx) {
    await gone(slsCall(ctx, 'DeleteIndex', s(p.ProjectName), 'DELETE', indexPath(p)), ['IndexConfigNotExist', 'LogStoreNotExist', 'ProjectNotExist']);
  },
};

function dashboardBody(p: Properties): Map {
  return defined({ dashboardName: p.DashboardName, displayName: p.DisplayName, description: p.Description, charts: p.Charts });
}

const dashboardMade = (p: Properties): MadeResource => ({
  physicalId: s(p.DashboardName),
  attributes: { DashboardName: s(p.DashboardName), DisplayName: s(p.DisplayName ?? p.DashboardName) },
});

export const slsDashboard: ResourceHandler = {
  async create(p, ctx) {
    await slsCall(ctx, 'CreateDashboard', s(p.ProjectName), 'POST', '/dashboards', dashboardBody(p));
    return dashboardMade(p);
  },
  async update(current, p, _previous, ctx) {
    await slsCall(ctx, 'UpdateDashboard', s(p.ProjectName), 'PUT', `/dashboards/${current.physicalId}`, dashboardBody(p));
    return dashboardMade(p);
  },
  async delete(current, p, ctx) {
    await gone(slsCall(ctx, 'DeleteDashboard', s(p.ProjectName), 'DELETE', `/dashboards/${current.physicalId}`), ['DashboardNotExist', 'ProjectNotExist']);
  },
};

/** PascalCase ROS keys → the API's camelCase, recursively (QueryList → queryList). */
function camel(value: Json | undefined): Json | undefined {
  if (Array.isArray(value)) return value.map((v) => camel(v)!);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0]!.toLowerCase() + k.slice(1), camel(v)!]));
}

function alertBody(p: Properties): Map {
  const d = (p.Detail ?? {}) as Map;
  const configuration = camel(d.Configuration) as Map;
  const policy = configuration.policyConfiguration as Map | undefined;
  if (policy && typeof policy === 'object') delete policy.useDefault;
  return defined({ name: d.Name, displayName: d.DisplayName, description: d.Description, configuration, schedule: camel(d.Schedule) });
}

export const slsAlert: ResourceHandler = {
  async create(p, ctx) {
    const body = alertBody(p);
    await slsCall(ctx, 'CreateAlert', s(p.Project), 'POST', '/alerts', body);
    return { physicalId: s(body.name), attributes: { Name: s(body.name) } };
  },
  async update(current, p, _previous, ctx) {
    await slsCall(ctx, 'UpdateAlert', s(p.Project), 'PUT', `/alerts/${current.physicalId}`, alertBody(p));
    return current;
  },
  async delete(current, p, ctx) {
    await gone(slsCall(ctx, 'DeleteAlert', s(p.Project), 'DELETE', `/alerts/${current.physicalId}`), ['JobNotExist', 'ProjectNotExist']);
  },
};
