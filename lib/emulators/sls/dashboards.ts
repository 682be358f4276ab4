// Dashboards of a project: CreateDashboard / GetDashboard / UpdateDashboard / DeleteDashboard /
// ListDashboard. Shapes from the 2020-12-30 OpenAPI models (@alicloud/sls20201230 `Dashboard`:
// dashboardName, displayName, description, attribute{string: string}, charts[]; `Chart`: title,
// type, search{logstore, topic, query, start, end, …}, display{…}, action{…}); the not-found error
// is the one aliyun-log-java-sdk's DashboardTest expects (`DashboardNotExist`, "specified dashboard
// does not exist"). Chart queries are stored as they are: the service does not run them on save.
import { slsErrors } from './errors';

export interface Chart {
  title: string;
  type: string;
  search: Record<string, unknown>;
  display: Record<string, unknown>;
  action?: Record<string, unknown>;
}

export interface Dashboard {
  dashboardName: string;
  displayName: string;
  description: string;
  attribute: Record<string, string>;
  charts: Chart[];
}

/** Bounds the emulator holds dashboards to (service limits unconfirmed). */
const MAX_CHARTS = 100;
const MAX_TEXT = 1024;
// Names like other resource names: lower case, digits, `-` and `_` (unconfirmed for dashboards).
const DASHBOARD_NAME = /^[a-z0-9][a-z0-9_-]{0,126}[a-z0-9]$/;

function invalid(why: string): never {
  throw slsErrors.parameterInvalid(why);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown, what: string, required: boolean): string {
  if (v === undefined || v === null) {
    if (required) invalid(`${what} is missing`);
    return '';
  }
  if (typeof v !== 'string') invalid(`${what} must be a string`);
  if (v.length > MAX_TEXT) invalid(`${what} is longer than ${MAX_TEXT} characters`);
  return v;
}

function parseChart(raw: unknown, i: number): Chart {
  const where = `charts[${i}]`;
  if (!isObject(raw)) invalid(`${where} must be an object`);
  const search = raw.search;
  if (!isObject(search)) invalid(`${where}.search must be an object`);
  // A chart queries a logstore (or a metric store) with a query over a relative or absolute window.
  for (const field of ['logstore', 'query', 'start', 'end'] as const) {
    if (typeof search[field] !== 'string' || search[field] === '') invalid(`${where}.search.${field} must be a non-empty string`);
  }
  if (search.topic !== undefined && typeof search.topic !== 'string') invalid(`${where}.search.topic must be a string`);
  if (!isObject(raw.display)) invalid(`${where}.display must be an object`);
  if (raw.action !== undefined && !isObject(raw.action)) invalid(`${where}.action must be an object`);
  const chart: Chart = { title: text(raw.title, `${where}.title`, true), type: text(raw.type, `${where}.type`, true), search, display: raw.display };
  if (raw.action !== undefined) chart.action = raw.action as Record<string, unknown>;
  return chart;
}

/** A CreateDashboard/UpdateDashboard body, validated. `name` is the path's name for an update. */
export function parseDashboard(raw: unknown, name?: string): Dashboard {
  if (!isObject(raw)) invalid('the body must be a JSON object');
  const dashboardName = name ?? text(raw.dashboardName, 'dashboardName', true);
  if (raw.dashboardName !== undefined && raw.dashboardName !== dashboardName) invalid('dashboardName in the body differs from the one in the path');
  if (!DASHBOARD_NAME.test(dashboardName)) invalid(`dashboardName ${dashboardName} is invalid`);
  if (!Array.isArray(raw.charts)) invalid('charts must be a list');
  if (raw.charts.length > MAX_CHARTS) invalid(`a dashboard holds at most ${MAX_CHARTS} charts`);
  const attribute: Record<string, string> = {};
  if (raw.attribute !== undefined && raw.attribute !== null) {
    if (!isObject(raw.attribute)) invalid('attribute must be an object of strings');
    for (const [k, v] of Object.entries(raw.attribute)) attribute[k] = text(v, `attribute.${k}`, true);
  }
  return {
    dashboardName,
    displayName: text(raw.displayName, 'displayName', false) || dashboardName,
    description: text(raw.description, 'description', false),
    attribute,
    charts: raw.charts.map(parseChart),
  };
}
