// The management and query routes of the 2020-12-30 API, as @alicloud/sls20201230 sends them
// (paths and methods from its client: `/logstores/{ls}/index` POST|GET|PUT|DELETE,
// `/logstores/{ls}?type=log` GET (GetLogs), `/logstores/{ls}/logs` POST (GetLogsV2), `/dashboards`,
// `/alerts`, `/logstores/{ls}` DELETE, `/` DELETE). service.ts asks these routes first; everything
// here runs after the request is authenticated, like every other operation.
import { type AlertRule, evaluateRule, type AlertEvaluation, validateAlert, validateAlertName } from './alerts';
import { json, type Route, type SlsAnswer } from './answers';
import { parseDashboard } from './dashboards';
import { slsErrors } from './errors';
import { describeIndex, parseIndexConfig } from './index-config';
import { chooseCompression, compress, decodeLogGroup } from './protocol';
import { parseQuery } from './query';
import { ResourceRecords } from './resource-records';
import type { SlsRequest, SlsTarget } from './request';
import { type QueryLog, runQuery } from './search';
import type { Logstore, Project, SlsState, StoredGroup } from './store';

/** GetLogs `line`: default 100, and more is answered as 100 (aliyun-log-java-sdk AbnormalOperationTest "line too big"). */
const MAX_LINES = 100;
/** ListDashboard / ListAlerts `size` (default and most: 500, unconfirmed). */
const MAX_PAGE = 500;
const MAX_ALERTS = 100;
const MAX_DASHBOARDS = 100;

function parseJsonBody(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw slsErrors.parameterInvalid('request body is not a JSON object');
}

/** Decoded logs of a stored LogGroup, decoded once. */
const decoded = new WeakMap<StoredGroup, QueryLog[]>();

function logsOf(group: StoredGroup): QueryLog[] {
  let logs = decoded.get(group);
  if (!logs) {
    const message = decodeLogGroup(group.bytes);
    const tags = Object.fromEntries(message.LogTags.map((t) => [t.Key, t.Value]));
    logs = message.Logs.map((log) => {
      const entry: QueryLog = {
        time: log.Time,
        topic: message.Topic ?? '',
        source: message.Source ?? '',
        tags,
        contents: Object.fromEntries(log.Contents.map((c) => [c.Key, c.Value])),
      };
      // protobufjs puts proto2 defaults on the prototype: only a TimeNs the writer sent is an own field.
      if (Object.hasOwn(log, 'TimeNs')) entry.timeNs = log.TimeNs!;
      return entry;
    });
    decoded.set(group, logs);
  }
  return logs;
}

/** Logs whose own time (`__time__`, not the receive time) is in [from, to), optionally of one topic. */
export function logsInRange(logstore: Logstore, fromSeconds: number, toSeconds: number, topic: string | undefined): QueryLog[] {
  // In arrival order, so that logs of one second keep the order they were written in.
  const groups = logstore.shards.flatMap((shard) => shard.groups).sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
  const out: QueryLog[] = [];
  for (const group of groups) {
    for (const log of logsOf(group)) {
      if (log.time >= fromSeconds && log.time < toSeconds && (topic === undefined || log.topic === topic)) out.push(log);
    }
  }
  return out;
}

interface QueryParams {
  from: number;
  to: number;
  line: number;
  offset: number;
  reverse: boolean;
  query: string;
  topic: string | undefined;
}

/**
 * GetLogs / GetLogsV2 parameters. `from`/`to` are Unix seconds, [from, to) (GetLogsV2 reference: "a
 * left-closed, right-open interval … the same value for from and to is invalid"); the messages for a
 * negative from and offset are the ones aliyun-log-java-sdk's AbnormalOperationTest expects.
 */
function queryParams(get: (name: string) => unknown): QueryParams {
  const integer = (name: string, value: unknown): number | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : /^-?\d{1,15}$/.test(String(value)) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw slsErrors.parameterInvalid(`The parameter ${name} must be an integer`);
    return n;
  };
  const from = integer('from', get('from'));
  const to = integer('to', get('to'));
  if (from === undefined || from < 0) throw slsErrors.parameterInvalid('The parameter from must be a positive integer');
  if (to === undefined || to < 0) throw slsErrors.parameterInvalid('The parameter to must be a positive integer');
  if (from >= to) throw slsErrors.parameterInvalid('The parameter from must be less than to (message unconfirmed)');
  const line = integer('line', get('line')) ?? MAX_LINES;
  if (line < 0) throw slsErrors.parameterInvalid('The parameter line must not be negative (message unconfirmed)');
  const offset = integer('offset', get('offset')) ?? 0;
  if (offset < 0) throw slsErrors.parameterInvalid('limit expression is required');
  const reverse = get('reverse');
  if (reverse !== undefined && reverse !== true && reverse !== false && reverse !== 'true' && reverse !== 'false') {
    throw slsErrors.parameterInvalid('The parameter reverse must be true or false');
  }
  const query = get('query') ?? '';
  if (typeof query !== 'string') throw slsErrors.parameterInvalid('The parameter query must be a string');
  const topic = get('topic');
  if (topic !== undefined && typeof topic !== 'string') throw slsErrors.parameterInvalid('The parameter topic must be a string');
  return { from, to, line: Math.min(line, MAX_LINES), offset, reverse: reverse === true || reverse === 'true', query, topic: topic || undefined };
}

function pageParams(req: SlsRequest): { offset: number; size: number } {
  const offset = Number(req.query.get('offset') || 0);
  const size = Number(req.query.get('size') || MAX_PAGE);
  if (!(Number.isInteger(offset) && offset >= 0 && Number.isInteger(size) && size >= 0 && size <= MAX_PAGE)) {
    throw slsErrors.parameterInvalid(`offset or size is invalid (size is at most ${MAX_PAGE})`);
  }
  return { offset, size };
}

export class ManagementRoutes {
  /** Alert resource data (resource-records.ts): account-wide, no project. */
  readonly records: ResourceRecords;

  constructor(
    private readonly state: SlsState,
    private readonly nowMs: () => number,
  ) {
    this.records = new ResourceRecords(nowMs);
  }

  /** The operation for a request this module serves, or undefined to let service.ts route it. */
  route(target: SlsTarget): Route<SlsRequest> | undefined {
    const { method, segments, query } = target;
    const [first, name, third, ...rest] = segments;
    if (first === undefined) return method === 'DELETE' ? { operation: 'DeleteProject', run: (r) => this.deleteProject(r) } : undefined;
    if (first === 'logstores' && name !== undefined) {
      if (third === undefined) {
        if (method === 'DELETE') return { operation: 'DeleteLogStore', run: (r) => this.deleteLogStore(r, name) };
        if (method === 'GET' && query.get('type') === 'log') return { operation: 'GetLogs', run: (r) => this.getLogs(r, name) };
        if (method === 'GET' && query.get('type') === 'histogram') {
          return {
            operation: 'GetHistograms',
            run: (r) => {
              this.indexedLogstore(r, name);
              throw slsErrors.parameterInvalid('GetHistograms is not emulated');
            },
          };
        }
        return undefined;
      }
      if (rest.length > 0) return undefined;
      if (third === 'logs' && method === 'POST') return { operation: 'GetLogsV2', run: (r) => this.getLogsV2(r, name) };
      if (third !== 'index') return undefined;
      if (method === 'POST') return { operation: 'CreateIndex', run: (r) => this.putIndex(r, name, 'create') };
      if (method === 'PUT') return { operation: 'UpdateIndex', run: (r) => this.putIndex(r, name, 'update') };
      if (method === 'GET') return { operation: 'GetIndex', run: (r) => this.getIndex(r, name) };
      if (method === 'DELETE') return { operation: 'DeleteIndex', run: (r) => this.deleteIndex(r, name) };
      return undefined;
    }
    if (first === 'dashboards' && third === undefined) {
      if (name === undefined) {
        if (method === 'POST') return { operation: 'CreateDashboard', run: (r) => this.createDashboard(r) };
        if (method === 'GET') return { operation: 'ListDashboard', run: (r) => this.listDashboards(r) };
        return undefined;
      }
      if (method === 'GET') return { operation: 'GetDashboard', run: (r) => json(200, this.dashboard(r, name)) };
      if (method === 'PUT') return { operation: 'UpdateDashboard', run: (r) => this.updateDashboard(r, name) };
      if (method === 'DELETE') return { operation: 'DeleteDashboard', run: (r) => this.deleteDashboard(r, name) };
      return undefined;
    }
    if (first === 'resources' && name !== undefined && third === 'records' && rest.length <= 1) {
      const id = rest[0];
      if (id === undefined) {
        if (method === 'POST') return { operation: 'CreateResourceRecord', run: (r) => this.ok(() => this.records.create(name, parseJsonBody(r.body))) };
        if (method === 'GET') {
          return {
            operation: 'ListResourceRecords',
            run: (r) => {
              const { offset, size } = pageParams(r);
              return json(200, this.records.list(name, offset, size));
            },
          };
        }
        if (method === 'DELETE') {
          const ids = (query.get('ids') ?? '').split(',').filter(Boolean);
          return { operation: 'DeleteResourceRecord', run: () => this.ok(() => this.records.delete(name, ids)) };
        }
        return undefined;
      }
      if (method === 'GET') return { operation: 'GetResourceRecord', run: () => json(200, this.records.get(name, id)) };
      if (method === 'PUT') return { operation: 'UpdateResourceRecord', run: (r) => this.ok(() => this.records.update(name, id, parseJsonBody(r.body))) };
      return undefined;
    }
    if (first === 'alerts' && third === undefined) {
      if (name === undefined) {
        if (method === 'POST') return { operation: 'CreateAlert', run: (r) => this.createAlert(r) };
        if (method === 'GET') return { operation: 'ListAlerts', run: (r) => this.listAlerts(r) };
        return undefined;
      }
      if (method === 'GET') return { operation: 'GetAlert', run: (r) => json(200, this.alert(r, name)) };
      if (method === 'PUT' && query.get('action') === 'enable') return { operation: 'EnableAlert', run: (r) => this.setAlertStatus(r, name, 'ENABLED') };
      if (method === 'PUT' && query.get('action') === 'disable') return { operation: 'DisableAlert', run: (r) => this.setAlertStatus(r, name, 'DISABLED') };
      if (method === 'PUT') return { operation: 'UpdateAlert', run: (r) => this.updateAlert(r, name) };
      if (method === 'DELETE') return { operation: 'DeleteAlert', run: (r) => this.deleteAlert(r, name) };
      return undefined;
    }
    return undefined;
  }

  /** Runs an alert rule's queries and conditions once (no schedule is emulated). */
  evaluateAlert(projectName: string, name: string, nowMs: number): AlertEvaluation {
    const project = this.state.project(projectName);
    const rule = project.alerts.get(name);
    if (!rule) throw slsErrors.jobNotExist(name);
    return evaluateRule(rule, nowMs, (other, store, query, from, to) => {
      // A query may name another project of the account (queryList[].project).
      const logstore = (other ? this.state.project(other) : project).logstore(store);
      if (!logstore.index) throw slsErrors.indexConfigNotExist();
      return runQuery(parseQuery(query), logstore.index.config, logsInRange(logstore, from, to, undefined), { line: MAX_LINES, offset: 0, reverse: false })
        .rows;
    });
  }

  // --- helpers ----------------------------------------------------------------------------------

  private ok(apply: () => void): SlsAnswer {
    apply();
    return { status: 200 };
  }

  private project(req: SlsRequest): Project {
    if (!req.project) {
      throw slsErrors.parameterInvalid(`Host "${req.headers.host ?? ''}" names no project; send Host: <project>.<endpoint>, e.g. Host: my-project.127.0.0.1`);
    }
    return this.state.project(req.project);
  }

  private indexedLogstore(req: SlsRequest, name: string): Logstore & { index: NonNullable<Logstore['index']> } {
    const logstore = this.project(req).logstore(name);
    // A logstore without an index answers GetLogs so (aliyun-log-java-sdk AbnormalOperationTest).
    if (!logstore.index) throw slsErrors.indexConfigNotExist();
    return logstore as Logstore & { index: NonNullable<Logstore['index']> };
  }

  // --- projects and logstores ---------------------------------------------------------------------

  private deleteProject(req: SlsRequest): SlsAnswer {
    const project = this.project(req);
    this.state.projects.delete(project.name);
    return { status: 200 };
  }

  private deleteLogStore(req: SlsRequest, name: string): SlsAnswer {
    const project = this.project(req);
    project.logstore(name);
    project.logstores.delete(name);
    return { status: 200 };
  }

  // --- index ------------------------------------------------------------------------------------

  private putIndex(req: SlsRequest, name: string, mode: 'create' | 'update'): SlsAnswer {
    const logstore = this.project(req).logstore(name);
    const config = parseIndexConfig(parseJsonBody(req.body));
    if (mode === 'create' && logstore.index) throw slsErrors.indexAlreadyExist();
    if (mode === 'update' && !logstore.index) throw slsErrors.indexConfigNotExist();
    logstore.index = { config, modifiedAtMs: this.nowMs() };
    return { status: 200 };
  }

  private getIndex(req: SlsRequest, name: string): SlsAnswer {
    const logstore = this.indexedLogstore(req, name);
    return json(200, describeIndex(logstore.index.config, logstore.ttl, logstore.index.modifiedAtMs));
  }

  private deleteIndex(req: SlsRequest, name: string): SlsAnswer {
    const logstore: Logstore = this.indexedLogstore(req, name);
    logstore.index = undefined;
    return { status: 200 };
  }

  // --- queries ----------------------------------------------------------------------------------

  private search(logstore: Logstore & { index: NonNullable<Logstore['index']> }, params: QueryParams) {
    const parsed = parseQuery(params.query);
    return runQuery(parsed, logstore.index.config, logsInRange(logstore, params.from, params.to, params.topic), params);
  }

  /** GetLogs: a JSON array of rows; progress and counts in x-log-* headers (GetLogs reference). */
  private getLogs(req: SlsRequest, name: string): SlsAnswer {
    const logstore = this.indexedLogstore(req, name);
    const params = queryParams((n) => req.query.get(n));
    const result = this.search(logstore, params);
    const answer = json(200, result.rows);
    answer.headers = {
      ...answer.headers,
      'x-log-progress': 'Complete',
      'x-log-count': String(result.rows.length),
      'x-log-processed-rows': String(result.processedRows),
      'x-log-elapsed-millisecond': '0',
      'x-log-has-sql': String(result.hasSql),
    };
    return answer;
  }

  /** GetLogsV2: `{meta, data}`, compressed as Accept-Encoding asks (lz4 or gzip, GetLogsV2 reference). */
  private async getLogsV2(req: SlsRequest, name: string): Promise<SlsAnswer> {
    const logstore = this.indexedLogstore(req, name);
    const body = parseJsonBody(req.body);
    const params = queryParams((n) => body[n]);
    const result = this.search(logstore, params);
    const raw = Buffer.from(
      JSON.stringify({
        meta: {
          progress: 'Complete',
          count: result.rows.length,
          processedRows: result.processedRows,
          elapsedMillisecond: 0,
          hasSQL: result.hasSql,
          isAccurate: true,
          keys: result.rows[0] ? Object.keys(result.rows[0]) : [],
        },
        data: result.rows,
      }),
    );
    const compression = chooseCompression(req.headers['accept-encoding']);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-log-bodyrawsize': String(raw.length) };
    if (compression !== 'none') headers['x-log-compresstype'] = compression;
    return { status: 200, headers, body: await compress(raw, compression) };
  }

  // --- dashboards -------------------------------------------------------------------------------

  private dashboard(req: SlsRequest, name: string) {
    const dashboard = this.project(req).dashboards.get(name);
    if (!dashboard) throw slsErrors.dashboardNotExist();
    return dashboard;
  }

  private createDashboard(req: SlsRequest): SlsAnswer {
    const project = this.project(req);
    const dashboard = parseDashboard(parseJsonBody(req.body));
    if (project.dashboards.has(dashboard.dashboardName)) throw slsErrors.dashboardAlreadyExist();
    if (project.dashboards.size >= MAX_DASHBOARDS) throw slsErrors.parameterInvalid(`the emulator holds at most ${MAX_DASHBOARDS} dashboards per project`);
    project.dashboards.set(dashboard.dashboardName, dashboard);
    return { status: 200 };
  }

  private updateDashboard(req: SlsRequest, name: string): SlsAnswer {
    this.dashboard(req, name);
    const dashboard = parseDashboard(parseJsonBody(req.body), name);
    this.project(req).dashboards.set(name, dashboard);
    return { status: 200 };
  }

  private deleteDashboard(req: SlsRequest, name: string): SlsAnswer {
    this.dashboard(req, name);
    this.project(req).dashboards.delete(name);
    return { status: 200 };
  }

  /** ListDashboard: names and `{dashboardName, displayName, description}` items, filtered by name/display name. */
  private listDashboards(req: SlsRequest): SlsAnswer {
    const { offset, size } = pageParams(req);
    const byName = req.query.get('dashboardName') ?? '';
    const byDisplay = req.query.get('displayName') ?? '';
    const all = [...this.project(req).dashboards.values()]
      .filter((d) => d.dashboardName.includes(byName) && d.displayName.includes(byDisplay))
      .sort((a, b) => (a.dashboardName < b.dashboardName ? -1 : 1));
    const page = all.slice(offset, offset + size);
    return json(200, {
      count: page.length,
      total: all.length,
      dashboards: page.map((d) => d.dashboardName),
      dashboardItems: page.map((d) => ({ dashboardName: d.dashboardName, displayName: d.displayName, description: d.description })),
    });
  }

  // --- alerts -----------------------------------------------------------------------------------

  private alert(req: SlsRequest, name: string): AlertRule {
    const rule = this.project(req).alerts.get(name);
    if (!rule) throw slsErrors.jobNotExist(name);
    return rule;
  }

  private createAlert(req: SlsRequest): SlsAnswer {
    const project = this.project(req);
    const body = parseJsonBody(req.body);
    const name = validateAlertName(body.name);
    validateAlert(body);
    if (project.alerts.has(name)) throw slsErrors.jobAlreadyExist(name);
    if (project.alerts.size >= MAX_ALERTS) throw slsErrors.parameterInvalid(`the emulator holds at most ${MAX_ALERTS} alerts per project`);
    const now = Math.floor(this.nowMs() / 1000);
    project.alerts.set(name, {
      name,
      displayName: body.displayName as string,
      description: (body.description as string | undefined) ?? '',
      configuration: body.configuration as Record<string, unknown>,
      schedule: body.schedule as Record<string, unknown>,
      status: 'ENABLED',
      createTime: now,
      lastModifiedTime: now,
    });
    return { status: 200 };
  }

  private updateAlert(req: SlsRequest, name: string): SlsAnswer {
    const existing = this.alert(req, name);
    const body = parseJsonBody(req.body);
    if (body.name !== undefined && body.name !== name) throw slsErrors.parameterInvalid('name in the body differs from the one in the path');
    validateAlert(body);
    this.project(req).alerts.set(name, {
      ...existing,
      displayName: body.displayName as string,
      description: (body.description as string | undefined) ?? '',
      configuration: body.configuration as Record<string, unknown>,
      schedule: body.schedule as Record<string, unknown>,
      lastModifiedTime: Math.floor(this.nowMs() / 1000),
    });
    return { status: 200 };
  }

  private setAlertStatus(req: SlsRequest, name: string, status: AlertRule['status']): SlsAnswer {
    const rule = this.alert(req, name);
    this.project(req).alerts.set(name, { ...rule, status, lastModifiedTime: Math.floor(this.nowMs() / 1000) });
    return { status: 200 };
  }

  private deleteAlert(req: SlsRequest, name: string): SlsAnswer {
    this.alert(req, name);
    this.project(req).alerts.delete(name);
    return { status: 200 };
  }

  /** ListAlerts: `{count, total, results: Alert[]}`, optionally only the rules that query `logstore`. */
  private listAlerts(req: SlsRequest): SlsAnswer {
    const { offset, size } = pageParams(req);
    const logstore = req.query.get('logstore');
    const all = [...this.project(req).alerts.values()]
      .filter((a) => !logstore || ((a.configuration.queryList as { store?: string }[]) ?? []).some((q) => q.store === logstore))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const page = all.slice(offset, offset + size);
    return json(200, { count: page.length, total: all.length, results: page });
  }
}
