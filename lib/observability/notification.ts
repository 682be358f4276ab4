// Who is told when an alert fires. An alert rule names an action policy (policyConfiguration
// .actionPolicyId under the built-in dynamic alert policy `sls.builtin.dynamic`); an action policy
// says which channels to send to. To send to a chat or HTTP webhook, Log Service needs two records
// of alert resource data ("Data structure of alert resource data"; "Create a webhook"):
//   - a webhook integration, `sls.alert.action_webhook` {id, name, type: dingtalk|wechat|lark|slack|
//     custom, url, method, headers, secret (DingTalk and Lark signing)},
//   - an action policy, `sls.alert.action_policy` {action_policy_id, action_policy_name, labels {},
//     is_default false, primary_policy_script, secondary_policy_script, escalation_* switches}.
// Both are account-wide (no project) and live in one region (terraform's
// alicloud_log_resource_record: "a main region: cn-heyuan"). ROS has no resource type for them
// (aliyun/alibabacloud-ros-tool-transformer lists none), so a ROS stack takes an action policy id.
import type { SlsResourceRecord } from '../sls/admin';
import { actionPolicyIdOf } from './alerts';
import { type AlertNotification, type ObservabilitySettings, resourceName, thresholdsOf, type WebhookType } from './settings';

export const WEBHOOK_RESOURCE = 'sls.alert.action_webhook';
export const ACTION_POLICY_RESOURCE = 'sls.alert.action_policy';

/**
 * The channel a webhook integration is sent through in an action policy's `fire(...)`. The channel
 * names are the content templates' (dingtalk, wechat, lark, slack, webhook); the argument that names
 * the integration (`webhook_id`) is *unconfirmed*: the documented examples fire email to user groups.
 */
const CHANNEL: Readonly<Record<WebhookType, string>> = { dingtalk: 'dingtalk', wechat: 'wechat', lark: 'lark', slack: 'slack', custom: 'webhook' };

/** The built-in content template in English (`sls.builtin.cn` is the Chinese one). */
const TEMPLATE = 'sls.builtin.en';

export function webhookRecord(stack: string, n: Extract<AlertNotification, { kind: 'webhook' }>): SlsResourceRecord {
  const id = resourceName(stack, 'alerts-webhook');
  const value = {
    id,
    name: `oss-thaw ${stack} alerts`,
    type: n.type,
    url: n.url,
    // Chat webhooks are POSTed with no headers of ours ("Create a webhook": only a universal webhook chooses).
    method: 'POST',
    headers: n.type === 'custom' ? [{ key: 'Content-Type', value: 'application/json' }] : [],
    ...(n.secret ? { secret: n.secret } : {}),
  };
  return { id, tag: value.name, value: JSON.stringify(value) };
}

export function actionPolicyRecord(stack: string, n: Extract<AlertNotification, { kind: 'webhook' }>): SlsResourceRecord {
  const id = resourceName(stack, 'alerts');
  const fire = `fire(type="${CHANNEL[n.type]}", webhook_id="${resourceName(stack, 'alerts-webhook')}", template_id="${TEMPLATE}", period="any")`;
  const value = {
    action_policy_id: id,
    action_policy_name: `oss-thaw ${stack}`,
    labels: {},
    is_default: false,
    primary_policy_script: fire,
    // An empty secondary script is refused (ActionPolicyEmpty): the same action, escalation off.
    secondary_policy_script: fire,
    escalation_start_enabled: false,
    escalation_start_timeout: '10m',
    escalation_inprogress_enabled: false,
    escalation_inprogress_timeout: '30m',
    escalation_enabled: false,
    escalation_timeout: '1h',
  };
  return { id, tag: value.action_policy_name, value: JSON.stringify(value) };
}

/** The line the deploy prints about notifications: who is told, or that no one is. */
export function whoIsTold(settings: Pick<ObservabilitySettings, 'stack' | 'notification'>): string {
  const n = settings.notification;
  switch (n.kind) {
    case 'none':
      return 'alerts: no one will be told — the rules exist and fire in the Log Service console (Alert Center), but no action policy sends them anywhere; set AlertActionPolicyId or AlertWebhookUrl';
    case 'action-policy':
      return `alerts: sent through action policy ${n.actionPolicyId}`;
    case 'webhook':
      return `alerts: sent to a ${n.type} webhook (${new URL(n.url).host}) through action policy ${actionPolicyIdOf(settings)}`;
  }
}

/** Reads the notification from the template's parameter values (names in docs/observability.md), naming what is wrong. */
export function notificationOf(parameters: Readonly<Record<string, string | undefined>>): AlertNotification {
  const policy = parameters.AlertActionPolicyId?.trim();
  const url = parameters.AlertWebhookUrl?.trim();
  if (policy && url) throw new RangeError('AlertActionPolicyId and AlertWebhookUrl are alternatives: give one');
  if (policy) return { kind: 'action-policy', actionPolicyId: policy };
  if (!url) return { kind: 'none' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError('AlertWebhookUrl is not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new RangeError('AlertWebhookUrl must be an http(s) URL');
  const type = (parameters.AlertWebhookType?.trim() || 'custom') as WebhookType;
  if (!['dingtalk', 'wechat', 'lark', 'slack', 'custom'].includes(type))
    throw new RangeError('AlertWebhookType must be dingtalk, wechat, lark, slack or custom');
  const secret = parameters.AlertWebhookSecret?.trim();
  return { kind: 'webhook', type, url, ...(secret ? { secret } : {}) };
}

/**
 * Everything the alerts and the dashboard need, from the stack's name and its template's parameter
 * values (FunctionLogProject, FunctionLogstore, AccessLogProject, AccessLogLogstore, the Alert*
 * parameters): what the deploy passes to observabilitySteps and observabilityDeletions.
 */
export function observabilitySettings(stack: string, parameters: Readonly<Record<string, string | undefined>>): ObservabilitySettings {
  const need = (name: string): string => {
    const v = parameters[name]?.trim();
    if (!v) throw new RangeError(`the template has no value for ${name}, which the alerts and the dashboard need`);
    return v;
  };
  return {
    stack,
    functionLogs: { project: need('FunctionLogProject'), logstore: need('FunctionLogstore') },
    accessLog: { project: need('AccessLogProject'), logstore: need('AccessLogLogstore') },
    notification: notificationOf(parameters),
    thresholds: thresholdsOf(parameters),
  };
}
