// `thaw deploy`: reads what exists (roles, the service-linked role EventBridge needs, the tables,
// the function logstore's index, and the stack's functions on FC 2.0 or FC 3.0), plans create /
// update / unchanged / delete for each resource with the reason, and runs the plan. A second run
// against an unchanged template and code plans nothing.
//
// The platform part comes from fc2-plan.ts or fc3-plan.ts. A move between platforms is one plan in
// an order that misses no failed read: the new functions and their non-OSS triggers (the Log trigger
// reading the access log, the timer, the HTTP trigger) come up first, so for a while both
// deployments see the same misses (safe: the coordinator claims each object once, whoever asks);
// then the old OSS triggers go and the new ones come (OSS refuses two overlapping triggers on one
// bucket: storage events in that gap are caught by the sweeper's re-checks); then the custom domain
// moves; then the old functions go. Stopped anywhere, the same command carries on from there.
import type { SlsAdmin } from '../sls/admin';
import type { FunctionCode } from '../build/code';
import type { Clients } from './clients';
import { hasFc2Stack, planFc2, planFc2Teardown } from './fc2-plan';
import { hasFc3Stack, planFc3, planFc3Teardown } from './fc3-plan';
import { logIndexStep } from './log-index';
import type { DeployPlan, DeployStep } from './plan';
import { choosePlatform, type Platform, PLATFORM_NAMES, type PlatformChoice, type PlatformSteps, type Teardown } from './platform';
import { planRole, type RoleOwnership, stackMarker } from './roles';
import { serviceLinkedRoleStep } from './service-linked-roles';
import { observabilitySteps } from '../observability/deploy-steps';
import { deploySettings, observabilityOf } from './settings';
import { type TablesAdmin, tablesStep } from './tables-step';
import type { StackSpec } from './template';

export interface DeployInput {
  readonly stack: StackSpec;
  /** The zip of every function, by name. */
  readonly code: ReadonlyMap<string, FunctionCode>;
  readonly clients: Clients;
  /** Role ARNs given by flag, by logical id. */
  readonly roleArns: Readonly<Record<string, string>>;
  /** --adopt: take over same-named roles and policies this stack did not make. */
  readonly adopt: boolean;
  /** The tables, through the deployer's endpoint. */
  readonly tables: TablesAdmin;
  /** Log Service in the function logs' project, through the deployer's endpoint. */
  readonly functionLogs: SlsAdmin;
  /** Where alert resource data (a webhook integration, its action policy) is kept; default functionLogs. */
  readonly alertRecords?: SlsAdmin;
  /** --platform; otherwise where the stack runs, or FC 3.0 for a new one. */
  readonly platform?: Platform;
}

export interface Deployment extends DeployPlan {
  /** Where the stack goes; undefined when the plan is blocked before choosing (a move half-done, no --platform). */
  readonly platform?: PlatformChoice;
}

/** Which platforms the stack has resources on now. */
export async function platformsInUse(stack: StackSpec, clients: Clients): Promise<Record<Platform, boolean>> {
  const [fc2, fc3] = await Promise.all([hasFc2Stack(clients.fc, stack), hasFc3Stack(clients.fc3, stack)]);
  return { fc2, fc3 };
}

export async function planDeploy(input: DeployInput): Promise<Deployment> {
  const { stack, clients } = input;
  const choice = choosePlatform(input.platform, await platformsInUse(stack, clients));
  if (!choice) {
    return {
      steps: [
        {
          kind: 'function',
          name: stack.stackName,
          action: 'blocked',
          reasons: [
            'the stack has functions on both FC 2.0 and FC 3.0 (a move that stopped half-way): run again with --platform fc3 to finish it, or --platform fc2 to go back',
          ],
        },
      ],
    };
  }

  const ownership: RoleOwnership = { marker: stackMarker(stack.stackName), adopt: input.adopt };
  const steps: DeployStep[] = [];
  const roleSteps: DeployStep[] = [];
  for (const role of stack.roles) roleSteps.push(await planRole(clients.ram, role, input.roleArns[role.logicalId], ownership));
  steps.push(...roleSteps);
  // A function or trigger naming a role created or changed in this run may meet RAM's propagation delay.
  const changedRoles = new Set(roleSteps.filter((s) => s.action === 'create' || s.action === 'update').map((s) => s.name.toLowerCase()));
  const usesNewRole = (arn: string | undefined) => arn !== undefined && changedRoles.has(arn.split('/').pop()!.toLowerCase());

  if (stack.functions.some((f) => f.triggers.some((t) => t.type === 'EventBridge'))) steps.push(await serviceLinkedRoleStep(clients.ram, 'eventbridge-fc'));
  // Tables before functions: the first invocation may come as soon as a trigger exists.
  const settings = deploySettings(stack);
  steps.push(await tablesStep(input.tables, settings));
  steps.push(await logIndexStep(input.functionLogs, settings.functionLogs.logstore));
  // The alerts and the dashboard read the function logs through that index.
  steps.push(...(await observabilitySteps({ logs: input.functionLogs, records: input.alertRecords }, observabilityOf(stack))));

  const platformInput = { stack, code: input.code, usesNewRole };
  const target: PlatformSteps =
    choice.platform === 'fc3' ? await planFc3({ ...platformInput, fc3: clients.fc3 }) : await planFc2({ ...platformInput, fc: clients.fc });
  const reason = `moving to ${PLATFORM_NAMES[choice.platform]}`;
  const source: Teardown | undefined =
    choice.from === 'fc2'
      ? await planFc2Teardown(clients.fc, stack, { reason })
      : choice.from === 'fc3'
        ? await planFc3Teardown(clients.fc3, stack, reason)
        : undefined;
  steps.push(...target.functions, ...target.deletions, ...target.triggers);
  if (source) steps.push(...source.ossTriggers);
  steps.push(...target.ossTriggers);
  // One name, one domain in the account: the old platform's goes before the new one's is made.
  if (source) steps.push(...source.domains);
  steps.push(...target.domains, ...target.late);
  if (source) steps.push(...source.triggers, ...source.functions, ...source.services);
  return { steps, platform: choice };
}
