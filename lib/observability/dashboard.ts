// The stack's Log Service dashboard, as code: misses per minute by source, restores started per
// class and tier, records by the state they moved into, budget use per bucket, the access-log
// path's lag, the API's answers and the functions' errors. The documented dashboard/chart shape
// (CreateDashboard: dashboardName, displayName, description, attribute {"type": "grid"}, charts[]
// of {title, type, search {logstore, topic, query, start, end}, display {xAxis, yAxis, xPos, yPos,
// width, height, displayName}, action}; "Create a dashboard" and the API's `chart` structure, whose
// example query is `… SELECT date_format(__time__ - __time__ % 60, …) as time, count(1) … GROUP BY
// time`). Every chart reads only fields the functions log (test/unit/observability/queries.test.ts).
import type { SlsChart, SlsDashboard } from '../sls/admin';
import { type ObservabilitySettings, resourceName, STACK_LABEL } from './settings';

/** What a chart shows; its query; how it is drawn. Time buckets are `__time__ - __time__ % N` seconds. */
export interface ChartSpec {
  readonly title: string;
  readonly type: 'line' | 'bar' | 'pie' | 'table';
  readonly query: string;
  /** Relative start, seconds: "-3600s" is the last hour. */
  readonly start: string;
  readonly xAxis: readonly string[];
  readonly yAxis: readonly string[];
}

export const CHARTS: readonly ChartSpec[] = [
  {
    title: 'Misses per minute, by source',
    type: 'line',
    query:
      'message.msg: "batch done" and message.intent: request | select __time__ - __time__ % 60 as minute, "message.source" as source, sum("message.seen") as misses group by minute, source order by minute limit 1440',
    start: '-3600s',
    xAxis: ['minute'],
    yAxis: ['misses'],
  },
  {
    title: 'Restores started (24 h), by storage class and tier',
    type: 'bar',
    query:
      'message.outcome: restoreStarted | select "message.storageClass" as storageClass, "message.tier" as tier, count(*) as restores group by storageClass, tier order by restores desc',
    start: '-86400s',
    xAxis: ['storageClass', 'tier'],
    yAxis: ['restores'],
  },
  {
    title: 'Records moved into each state (24 h)',
    type: 'pie',
    query: 'message.msg: state | select "message.to" as state, count(*) as records group by state order by records desc',
    start: '-86400s',
    xAxis: ['state'],
    yAxis: ['records'],
  },
  {
    title: 'Budget use per bucket (highest in 24 h, % of its tightest daily budget; budgets reset 00:00 UTC)',
    type: 'bar',
    query: 'message.budgetUsePct >= 0 | select "message.bucket" as bucket, max("message.budgetUsePct") as used group by bucket order by used desc',
    start: '-86400s',
    xAxis: ['bucket'],
    yAxis: ['used'],
  },
  {
    title: 'Access-log lag (s): now minus the newest record handled',
    type: 'line',
    query:
      'message.function: access-log and message.records > 0 | select __time__ - __time__ % 60 as minute, max("message.accessLogLagMs") / 1000 as lagSeconds group by minute order by minute limit 1440',
    start: '-3600s',
    xAxis: ['minute'],
    yAxis: ['lagSeconds'],
  },
  {
    title: 'API answers per minute, by status',
    type: 'line',
    query:
      'message.function: http and message.msg: http | select __time__ - __time__ % 60 as minute, "message.status" as status, count(*) as answers group by minute, status order by minute limit 1440',
    start: '-3600s',
    xAxis: ['minute'],
    yAxis: ['answers'],
  },
  {
    title: 'Errors and warnings per 5 minutes, by function',
    type: 'bar',
    query:
      'message.level: error or message.level: warn | select __time__ - __time__ % 300 as t, "message.function" as fn, count(*) as lines group by t, fn order by t limit 1440',
    start: '-86400s',
    xAxis: ['t'],
    yAxis: ['lines'],
  },
];

/** Two charts a row, each half the grid (display units as the documented example uses them). */
function chartOf(spec: ChartSpec, i: number, logstore: string): SlsChart {
  return {
    title: spec.title,
    type: spec.type,
    search: { logstore, topic: '', query: spec.query, start: spec.start, end: 'now' },
    display: { displayName: spec.title, xAxis: [...spec.xAxis], yAxis: [...spec.yAxis], xPos: (i % 2) * 6, yPos: Math.floor(i / 2) * 5, width: 6, height: 5 },
    action: {},
  };
}

/** The dashboard as CreateDashboard / UpdateDashboard take it. */
export function dashboard(settings: Pick<ObservabilitySettings, 'stack' | 'functionLogs'>): SlsDashboard {
  return {
    dashboardName: resourceName(settings.stack, 'overview'),
    displayName: `oss-thaw ${settings.stack}`,
    description: `What oss-thaw stack ${settings.stack} is doing: misses, restores, states, budgets, the access-log path, the API and errors (made by thaw deploy).`,
    attribute: { type: 'grid', [STACK_LABEL]: settings.stack },
    charts: CHARTS.map((spec, i) => chartOf(spec, i, settings.functionLogs.logstore)),
  };
}
