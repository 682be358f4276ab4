// The stack's alert rules, as code: what pages an operator, each in the "new alert" (2020-12-30,
// configuration version 2.0) shape CreateAlert takes — queryList, joinConfigurations,
// severityConfigurations with their evaluate expressions, policyConfiguration, labels,
// annotations, schedule (API models `Alert`, `AlertConfiguration`; ROS ALIYUN::SLS::Alert's
// Detail.Configuration names the same fields). Every query reads only fields the functions log
// (lib/log-fields.ts, indexed by lib/sls/function-log-index.ts) or, for the access log, the fields OSS
// writes; test/unit/observability/queries.test.ts holds them to that, and
// test/integration/observability-alerts.test.ts has the Log Service emulator evaluate each on staged
// lines. Each names its runbook step: docs/observability.md#runbook-<kind>.
import type { SlsAlert } from '../sls/admin';
import { type AlertThresholds, DEFAULT_DOCS_URL, DEFAULT_THRESHOLDS, type ObservabilitySettings, resourceName, STACK_LABEL } from './settings';

export const ALERT_KINDS = [
  'failed-restores',
  'budget-high',
  'budget-exhausted',
  'access-log-lagging',
  'access-log-silent',
  'sweeper-silent',
  'api-5xx',
  'api-401',
  'function-errors',
  'function-timeouts',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Alert severities (AlertConfiguration.Severity: Report 2, Low 4, Medium 6, High 8, Critical 10). */
export type Severity = 2 | 4 | 6 | 8 | 10;

/** One query of a rule: over the function logstore, or the buckets' access log. */
export interface AlertQuery {
  readonly store: 'function-logs' | 'access-log';
  readonly query: string;
  /** Relative window: "-15m" … "now". */
  readonly start: string;
  readonly end: string;
}

export interface AlertSpec {
  readonly kind: AlertKind;
  /** The rule's display name: 1 to 64 characters (ROS ALIYUN::SLS::Alert Detail.DisplayName). */
  readonly title: string;
  /** What it means and what to look at first (the runbook step has the rest). */
  readonly description: string;
  readonly severity: Severity;
  readonly queries: readonly AlertQuery[];
  /** The set operation between two queries ("Set operations": cross_join is the Cartesian product). */
  readonly join?: { readonly type: 'cross_join' | 'inner_join'; readonly condition: string };
  /** The evaluate expression: fields are the queries' column aliases ($1.x for the second query). */
  readonly condition: string;
  /** Evaluate each group of this column on its own (one alert per bucket). */
  readonly groupBy?: string;
  /** How often Log Service evaluates it. */
  readonly interval: string;
}

/** The runbook step of an alert kind: a stable anchor in docs/observability.md. */
export function runbookAnchor(kind: AlertKind): string {
  return `runbook-${kind}`;
}

/** The rules, as data: what each queries and when it fires. */
export function alertSpecs(given: Partial<AlertThresholds> = {}): AlertSpec[] {
  const t = { ...DEFAULT_THRESHOLDS, ...given };
  const fn = (query: string, start = '-15m'): AlertQuery => ({ store: 'function-logs', query, start, end: 'now' });
  const api = (status: string) =>
    fn(`message.function: http and message.msg: http | select count(*) as requests, count_if("message.status" ${status}) as matching`, '-5m');
  return [
    {
      kind: 'failed-restores',
      title: 'oss-thaw: restores are failing',
      description: `At least ${t.failedRestores} objects ended FAILED in 15 minutes: OSS or Tablestore keeps refusing or timing out. Readers get 503 until the sweeper's retry succeeds.`,
      severity: 8,
      queries: [fn('message.outcome: failed | select count(*) as failed')],
      condition: `failed >= ${t.failedRestores}`,
      interval: '1m',
    },
    {
      kind: 'budget-high',
      title: "oss-thaw: a bucket's daily restore budget is nearly spent",
      description: `A restore left a bucket's tightest daily budget (restores, bytes or byte-days) at ${t.budgetUsePct}% or more. Past 100% every new restore of that bucket is DEFERRED (429) until 00:00 UTC.`,
      severity: 6,
      queries: [
        fn(`message.budgetUsePct >= ${t.budgetUsePct} | select "message.bucket" as bucket, max("message.budgetUsePct") as used group by bucket`, '-1h'),
      ],
      condition: `used >= ${t.budgetUsePct}`,
      groupBy: 'bucket',
      interval: '5m',
    },
    {
      kind: 'budget-exhausted',
      title: "oss-thaw: a bucket's daily budget is spent; readers get 429",
      description: 'Objects of a bucket were DEFERRED by a daily budget (or refused a record by the daily budget of new records) in the last 15 minutes.',
      severity: 8,
      queries: [fn('message.reason: daily* or message.outcome: dailyRecordBudget | select "message.bucket" as bucket, count(*) as deferred group by bucket')],
      condition: 'deferred > 0',
      groupBy: 'bucket',
      interval: '1m',
    },
    {
      kind: 'access-log-lagging',
      title: 'oss-thaw: the access-log path is running behind',
      description: `The newest access-log record the Log trigger handed over was more than ${Math.round(t.accessLogLagMs / 60_000)} minutes old: misses are seen late (OSS delivers its log within about 3 minutes; the trigger runs every minute).`,
      severity: 6,
      // Grouped, so that no range answers no row (a max over no rows is null, and "null" > n holds as text).
      queries: [fn('message.function: access-log and message.records > 0 | select max("message.accessLogLagMs") as lag group by "message.function"')],
      condition: `lag > ${t.accessLogLagMs}`,
      interval: '5m',
    },
    {
      kind: 'access-log-silent',
      title: 'oss-thaw: reads are refused but the access-log path is silent',
      description:
        'OSS logged reads refused with InvalidObjectState in the last hour, but the access-log function handled no range: the Log trigger is not invoking it (its role, a deleted or renamed logstore, the trigger disabled). No miss is seen; only readers who call the API are served.',
      severity: 8,
      queries: [
        {
          store: 'access-log',
          query: 'error_code: InvalidObjectState and http_status: 403 | select bucket, count(*) as refused group by bucket',
          start: '-70m',
          end: '-10m',
        },
        fn('message.function: access-log and message.msg: "access-log range done" | select count(*) as ranges', '-60m'),
      ],
      join: { type: 'cross_join', condition: '' },
      condition: '$0.refused > 0 && $1.ranges == 0',
      interval: '5m',
    },
    {
      kind: 'sweeper-silent',
      title: 'oss-thaw: the sweeper has not run',
      description: `No sweep finished in ${t.sweeperSilentMinutes} minutes (it runs every minute): restores past their ETA are not checked, FAILED records not retried, lapsed claims not taken over.`,
      severity: 8,
      queries: [fn('message.function: sweeper and message.msg: "sweep done" | select count(*) as sweeps', `-${t.sweeperSilentMinutes}m`)],
      condition: 'sweeps == 0',
      interval: '5m',
    },
    {
      kind: 'api-5xx',
      title: 'oss-thaw: the API answers 5xx',
      description: `${t.api5xxPct}% or more of the API's answers in 5 minutes were 5xx (at least ${t.apiMinRequests} requests): the state store or OSS is unavailable, or the function cannot start.`,
      severity: 8,
      queries: [api('>= 500')],
      condition: `requests >= ${t.apiMinRequests} && matching * 100 >= requests * ${t.api5xxPct}`,
      interval: '1m',
    },
    {
      kind: 'api-401',
      title: 'oss-thaw: a flood of 401s at the API',
      description: `${t.api401Pct}% or more of the API's answers in 5 minutes were 401 (at least ${t.apiMinRequests} requests): a caller with a revoked or wrong token, or someone guessing.`,
      severity: 6,
      queries: [api('= 401')],
      condition: `requests >= ${t.apiMinRequests} && matching * 100 >= requests * ${t.api401Pct}`,
      interval: '1m',
    },
    {
      kind: 'function-errors',
      title: 'oss-thaw: the functions log errors',
      description: `At least ${t.functionErrors} error lines in 15 minutes: configuration or permission failures ("needs a human"), the state store down, malformed events.`,
      severity: 8,
      queries: [fn('message.level: error | select count(*) as errors')],
      condition: `errors >= ${t.functionErrors}`,
      interval: '1m',
    },
    {
      kind: 'function-timeouts',
      title: 'oss-thaw: invocations run out of time',
      description:
        'A function reached its deadline with work left (objects unstarted, an access-log range unread: FC retries them), or FC ended an invocation that timed out.',
      severity: 6,
      queries: [fn('"timed out" or message.unstarted > 0 or message.unread: true | select count(*) as timeouts')],
      condition: 'timeouts > 0',
      interval: '5m',
    },
  ];
}

/** The action policy the rules send to: none ('' : nobody is told), the given one, or the one the deploy makes for a webhook. */
export function actionPolicyIdOf(settings: Pick<ObservabilitySettings, 'stack' | 'notification'>): string {
  const n = settings.notification;
  if (n.kind === 'action-policy') return n.actionPolicyId;
  if (n.kind === 'webhook') return resourceName(settings.stack, 'alerts');
  return '';
}

/** An alert spec as CreateAlert / UpdateAlert take it (2020-12-30, configuration version 2.0). */
export function alertRule(spec: AlertSpec, settings: ObservabilitySettings): SlsAlert {
  const docs = settings.docsUrl ?? DEFAULT_DOCS_URL;
  const query = (q: AlertQuery) => {
    const where = q.store === 'access-log' ? settings.accessLog : settings.functionLogs;
    return {
      storeType: 'log',
      project: where.project,
      store: where.logstore,
      query: q.query,
      timeSpanType: 'Relative',
      start: q.start,
      end: q.end,
      powerSqlMode: 'auto',
    };
  };
  const evalCondition = { condition: spec.condition, countCondition: '' };
  return {
    name: resourceName(settings.stack, spec.kind),
    displayName: spec.title,
    description: spec.description,
    configuration: {
      version: '2.0',
      type: 'default',
      // The console's analysis dashboard for alerts (the documented examples name it).
      dashboard: 'internal-alert-analysis',
      queryList: spec.queries.map(query),
      ...(spec.join ? { joinConfigurations: [spec.join] } : {}),
      groupConfiguration: spec.groupBy ? { type: 'custom', fields: [spec.groupBy] } : { type: 'no_group', fields: [] },
      conditionConfiguration: evalCondition,
      severityConfigurations: [{ severity: spec.severity, evalCondition }],
      labels: [
        { key: STACK_LABEL, value: settings.stack },
        { key: 'alert', value: spec.kind },
      ],
      annotations: [
        { key: 'title', value: spec.title },
        { key: 'desc', value: spec.description },
        { key: 'runbook', value: `${docs}#${runbookAnchor(spec.kind)}` },
      ],
      autoAnnotation: true,
      sendResolved: true,
      threshold: 1,
      noDataFire: false,
      // The built-in dynamic alert policy sends with the action policy the rule names ("Dynamic
      // action policy mechanism"); an empty one sends to nobody.
      policyConfiguration: { alertPolicyId: 'sls.builtin.dynamic', actionPolicyId: actionPolicyIdOf(settings), repeatInterval: '1h' },
    },
    schedule: { type: 'FixedRate', interval: spec.interval, runImmediately: false },
  };
}

/** Every rule of the stack. */
export function alertRules(settings: ObservabilitySettings): SlsAlert[] {
  return alertSpecs(settings.thresholds).map((spec) => alertRule(spec, settings));
}
