// What the alerts, the dashboard and their deploy steps need to know about a stack: where its
// function logs and the buckets' access log are, who is told when an alert fires, and the
// thresholds. The deploy reads these from the template's parameters (names in docs/observability.md);
// everything here is plain data, so tests and the ROS form build the same rules.

/** Who is told when an alert fires. */
export type AlertNotification =
  /** Nobody: the alerts exist and show in the console's alert center; the deploy says no one is told. */
  | { readonly kind: 'none' }
  /** An action policy that already exists in the account (its id, e.g. from the console's Alert Center). */
  | { readonly kind: 'action-policy'; readonly actionPolicyId: string }
  /**
   * A chat or HTTP webhook: the deploy makes a webhook integration and an action policy that sends
   * to it (alert resource data, in the region `resourceEndpoint` names; see notification.ts).
   */
  | { readonly kind: 'webhook'; readonly type: WebhookType; readonly url: string; readonly secret?: string };

/** Webhook integration types ("Create a webhook": DingTalk, WeCom, Lark, Slack, universal). */
export const WEBHOOK_TYPES = ['dingtalk', 'wechat', 'lark', 'slack', 'custom'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export interface AlertThresholds {
  /** FAILED outcomes in 15 minutes that page. */
  readonly failedRestores: number;
  /** A bucket's budget use (percent of its tightest daily budget) that warns. */
  readonly budgetUsePct: number;
  /** How far behind the newest access-log record the path may run before it warns (ms). */
  readonly accessLogLagMs: number;
  /** Minutes without a sweep before it pages (the sweeper runs every minute). */
  readonly sweeperSilentMinutes: number;
  /** Share of API answers that are 5xx, in percent, over 5 minutes, once there are `apiMinRequests`. */
  readonly api5xxPct: number;
  /** Share of API answers that are 401, in percent, over 5 minutes, once there are `apiMinRequests`. */
  readonly api401Pct: number;
  readonly apiMinRequests: number;
  /** Error lines (level error) in 15 minutes that page. */
  readonly functionErrors: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  failedRestores: 5,
  budgetUsePct: 80,
  accessLogLagMs: 15 * 60_000,
  sweeperSilentMinutes: 10,
  api5xxPct: 5,
  api401Pct: 20,
  apiMinRequests: 20,
  functionErrors: 5,
};

export interface ObservabilitySettings {
  /** The stack's name: every alert, the dashboard and the action policy are named `<stack>-…` and labelled with it. */
  readonly stack: string;
  /** Where the functions' lines are, and where the alerts and the dashboard are made. */
  readonly functionLogs: { readonly project: string; readonly logstore: string };
  /** The buckets' real-time access log (oss-log-<uid>-<region> / oss-log-store). */
  readonly accessLog: { readonly project: string; readonly logstore: string };
  readonly notification: AlertNotification;
  readonly thresholds?: Partial<AlertThresholds>;
  /** Where docs/observability.md is published, for each alert's runbook link (default: its path in the package). */
  readonly docsUrl?: string;
}

/** The page each alert's runbook annotation points into: the package ships it (docs/). */
export const DEFAULT_DOCS_URL = 'docs/observability.md';

/** Names made from the stack: lower case, as Log Service's alert and dashboard names are. */
export function resourceName(stack: string, suffix: string): string {
  const name = `${stack}-${suffix}`.toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]{1,62}[a-z0-9]$/.test(name)) {
    throw new RangeError(`"${name}" is not a Log Service alert or dashboard name (3 to 64 lower-case letters, digits, - and _): shorten the stack name`);
  }
  return name;
}

/** The label every resource the stack makes carries, so destroy removes only its own. */
export const STACK_LABEL = 'oss-thaw-stack';

/** The template parameters the thresholds are read from, with their defaults (docs/observability.md). */
export const THRESHOLD_PARAMETERS: Readonly<Record<keyof AlertThresholds, string>> = {
  failedRestores: 'AlertFailedRestores',
  budgetUsePct: 'AlertBudgetUsePct',
  accessLogLagMs: 'AlertAccessLogLagMinutes',
  sweeperSilentMinutes: 'AlertSweeperSilentMinutes',
  api5xxPct: 'AlertApi5xxPct',
  api401Pct: 'AlertApi401Pct',
  apiMinRequests: 'AlertApiMinRequests',
  functionErrors: 'AlertFunctionErrors',
};

/** Thresholds from the template's parameter values: whole numbers, a missing or empty one its default. */
export function thresholdsOf(parameters: Readonly<Record<string, string | undefined>>): AlertThresholds {
  const out: Record<string, number> = { ...DEFAULT_THRESHOLDS };
  for (const [field, name] of Object.entries(THRESHOLD_PARAMETERS)) {
    const text = parameters[name]?.trim();
    if (!text) continue;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0 || (field.endsWith('Pct') && n > 100)) {
      throw new RangeError(`${name} must be a whole number${field.endsWith('Pct') ? ' from 0 to 100' : ' of 0 or more'}, got "${text}"`);
    }
    out[field] = field === 'accessLogLagMs' ? n * 60_000 : n;
  }
  return out as unknown as AlertThresholds;
}
