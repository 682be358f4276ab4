// The deploy's steps for what makes a stack observable: the webhook integration and action policy
// (when alerts go to a webhook), the alert rules and the dashboard — each create, update, unchanged
// or blocked with its reasons, like lib/deploy/log-index.ts plans the function logstore's index; and
// their removal for destroy, of only what this stack made (named `<stack>-…` and labelled with the
// stack). The deploy runs them in order (lib/deploy/plan.ts applyPlan); every step is
// create-or-update, so a deploy stopped half-way converges when run again.
import { isNotFound, type SlsAdmin, type SlsAlert, type SlsDashboard, type SlsResourceRecord } from '../sls/admin';
import { alertRules } from './alerts';
import { dashboard } from './dashboard';
import { ACTION_POLICY_RESOURCE, actionPolicyRecord, WEBHOOK_RESOURCE, webhookRecord } from './notification';
import { type ObservabilitySettings, STACK_LABEL } from './settings';

/** A step as lib/deploy/plan.ts's DeployStep has it, with the kinds of resource made here. */
export interface ObservabilityStep {
  readonly kind: 'dashboard' | 'alert' | 'action policy' | 'webhook';
  readonly name: string;
  readonly action: 'create' | 'update' | 'delete' | 'unchanged' | 'keep' | 'blocked';
  readonly reasons: readonly string[];
  readonly run?: () => Promise<void>;
}

export interface ObservabilityAdmins {
  /** Log Service in the function logs' project: the alerts and the dashboard are made there. */
  readonly logs: SlsAdmin;
  /**
   * Where alert resource data (webhook integrations, action policies) is kept: the account's main
   * region for it (terraform: cn-heyuan). Default: `logs`' endpoint. Only used for a webhook.
   */
  readonly records?: SlsAdmin;
}

/** Whether every field `wanted` sets has the same value in `have` (the service adds fields of its own). */
export function covers(have: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(have) && have.length === wanted.length && wanted.every((w, i) => covers(have[i], w));
  if (wanted !== null && typeof wanted === 'object') {
    if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
    return Object.entries(wanted).every(([k, w]) => w === undefined || covers((have as Record<string, unknown>)[k], w));
  }
  return have === wanted;
}

/** The top-level fields of `wanted` whose values `have` does not cover: the reasons of an update. */
function differences(have: Record<string, unknown>, wanted: Record<string, unknown>, describe: (field: string) => string = (f) => f): string[] {
  return Object.keys(wanted)
    .filter((k) => !covers(have[k], wanted[k]))
    .map((k) => `${describe(k)} differs`);
}

async function orMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function labelled(alert: SlsAlert, stack: string): boolean {
  const labels = (alert.configuration as { labels?: { key?: string; value?: string }[] }).labels ?? [];
  return labels.some((l) => l.key === STACK_LABEL && l.value === stack);
}

// --- deploy ------------------------------------------------------------------------------------

export async function dashboardStep(admin: SlsAdmin, settings: ObservabilitySettings): Promise<ObservabilityStep> {
  const wanted = dashboard(settings);
  const name = `${admin.project}/${wanted.dashboardName}`;
  const current = await orMissing(() => admin.getDashboard(wanted.dashboardName));
  if (!current) return { kind: 'dashboard', name, action: 'create', reasons: ['not found'], run: () => admin.createDashboard(wanted) };
  if (current.attribute?.[STACK_LABEL] !== settings.stack) {
    return {
      kind: 'dashboard',
      name,
      action: 'blocked',
      reasons: [`a dashboard of that name exists that stack ${settings.stack} did not make; rename or remove it`],
    };
  }
  const reasons = differences(current as unknown as Record<string, unknown>, wanted as unknown as Record<string, unknown>);
  if (reasons.length === 0) return { kind: 'dashboard', name, action: 'unchanged', reasons: ['same charts as deployed'] };
  return { kind: 'dashboard', name, action: 'update', reasons, run: () => admin.updateDashboard(wanted) };
}

export async function alertSteps(admin: SlsAdmin, settings: ObservabilitySettings): Promise<ObservabilityStep[]> {
  const steps: ObservabilityStep[] = [];
  for (const wanted of alertRules(settings)) {
    const name = `${admin.project}/${wanted.name}`;
    const current = await orMissing(() => admin.getAlert(wanted.name));
    if (!current) {
      steps.push({ kind: 'alert', name, action: 'create', reasons: ['not found'], run: () => admin.createAlert(wanted) });
    } else if (!labelled(current, settings.stack)) {
      steps.push({
        kind: 'alert',
        name,
        action: 'blocked',
        reasons: [`an alert of that name exists that stack ${settings.stack} did not make; rename or remove it`],
      });
    } else {
      const reasons = differences(current as unknown as Record<string, unknown>, wanted as unknown as Record<string, unknown>);
      steps.push(
        reasons.length === 0
          ? { kind: 'alert', name, action: 'unchanged', reasons: ['same rule as deployed'] }
          : { kind: 'alert', name, action: 'update', reasons, run: () => admin.updateAlert(wanted) },
      );
    }
  }
  return steps;
}

/** One record of alert resource data: created, updated when its value differs, else unchanged. Nothing secret goes into a reason. */
async function recordStep(admin: SlsAdmin, kind: 'action policy' | 'webhook', resource: string, wanted: SlsResourceRecord): Promise<ObservabilityStep> {
  const name = `${resource}/${wanted.id}`;
  const current = await orMissing(() => admin.getResourceRecord(resource, wanted.id));
  if (!current) return { kind, name, action: 'create', reasons: ['not found'], run: () => admin.createResourceRecord(resource, wanted) };
  if (current.tag !== wanted.tag) {
    return { kind, name, action: 'blocked', reasons: [`a record of that id exists named "${current.tag}", not made by this stack; rename or remove it`] };
  }
  let have: Record<string, unknown> = {};
  try {
    have = JSON.parse(current.value) as Record<string, unknown>;
  } catch {
    // An unreadable value is replaced.
  }
  const reasons = differences(have, JSON.parse(wanted.value) as Record<string, unknown>, (f) => (f === 'url' || f === 'secret' ? `the webhook's ${f}` : f));
  if (reasons.length === 0) return { kind, name, action: 'unchanged', reasons: ['same as deployed'] };
  return { kind, name, action: 'update', reasons, run: () => admin.updateResourceRecord(resource, wanted) };
}

/** With a webhook: its integration, then the action policy that sends to it. Otherwise nothing to make. */
export async function notificationSteps(admin: SlsAdmin, settings: ObservabilitySettings): Promise<ObservabilityStep[]> {
  const n = settings.notification;
  if (n.kind !== 'webhook') return [];
  return [
    await recordStep(admin, 'webhook', WEBHOOK_RESOURCE, webhookRecord(settings.stack, n)),
    await recordStep(admin, 'action policy', ACTION_POLICY_RESOURCE, actionPolicyRecord(settings.stack, n)),
  ];
}

/** Everything, in the order a deploy runs it: where alerts are sent, the alerts, the dashboard. */
export async function observabilitySteps(admins: ObservabilityAdmins, settings: ObservabilitySettings): Promise<ObservabilityStep[]> {
  if (admins.logs.project !== settings.functionLogs.project) {
    throw new RangeError(`the alerts and the dashboard belong in ${settings.functionLogs.project}, not ${admins.logs.project}`);
  }
  return [
    ...(await notificationSteps(admins.records ?? admins.logs, settings)),
    ...(await alertSteps(admins.logs, settings)),
    await dashboardStep(admins.logs, settings),
  ];
}

// --- destroy -----------------------------------------------------------------------------------

/** The stack's alerts, dashboard, action policy and webhook integration, each deleted only when this stack made it. */
export async function observabilityDeletions(admins: ObservabilityAdmins, settings: ObservabilitySettings): Promise<ObservabilityStep[]> {
  const admin = admins.logs;
  const steps: ObservabilityStep[] = [];
  for (const wanted of alertRules(settings)) {
    const current = await orMissing(() => admin.getAlert(wanted.name));
    if (!current) continue;
    const name = `${admin.project}/${wanted.name}`;
    steps.push(
      labelled(current, settings.stack)
        ? { kind: 'alert', name, action: 'delete', reasons: ['made by the deploy'], run: () => ignoreMissing(() => admin.deleteAlert(wanted.name)) }
        : { kind: 'alert', name, action: 'keep', reasons: [`not labelled ${STACK_LABEL}=${settings.stack}: not made by this stack`] },
    );
  }
  const board: SlsDashboard = dashboard(settings);
  const current = await orMissing(() => admin.getDashboard(board.dashboardName));
  if (current) {
    const name = `${admin.project}/${board.dashboardName}`;
    steps.push(
      current.attribute?.[STACK_LABEL] === settings.stack
        ? {
            kind: 'dashboard',
            name,
            action: 'delete',
            reasons: ['made by the deploy'],
            run: () => ignoreMissing(() => admin.deleteDashboard(board.dashboardName)),
          }
        : { kind: 'dashboard', name, action: 'keep', reasons: ['not made by this stack'] },
    );
  }
  // The records a webhook made: the ids are the stack's, the tags say it made them.
  const records = admins.records ?? admin;
  const n =
    settings.notification.kind === 'webhook' ? settings.notification : { kind: 'webhook' as const, type: 'custom' as const, url: 'https://unused.invalid/' };
  for (const [kind, resource, wanted] of [
    ['action policy', ACTION_POLICY_RESOURCE, actionPolicyRecord(settings.stack, n)],
    ['webhook', WEBHOOK_RESOURCE, webhookRecord(settings.stack, n)],
  ] as const) {
    const record = await orMissing(() => records.getResourceRecord(resource, wanted.id));
    if (!record) continue;
    const name = `${resource}/${wanted.id}`;
    steps.push(
      record.tag === wanted.tag
        ? { kind, name, action: 'delete', reasons: ['made by the deploy'], run: () => ignoreMissing(() => records.deleteResourceRecord(resource, wanted.id)) }
        : { kind, name, action: 'keep', reasons: ['not made by this stack'] },
    );
  }
  return steps;
}

async function ignoreMissing(remove: () => Promise<void>): Promise<void> {
  await orMissing(remove);
}
