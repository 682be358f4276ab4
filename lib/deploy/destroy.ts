// `thaw destroy`: removes what `thaw deploy` made, on FC 3.0 and FC 2.0 alike, in the order FC
// allows (the custom domain, then triggers, then functions, then FC 2.0's services, which must be
// empty), then the roles and policies this stack made (never one of the same name someone else made). The tables and their records
// stay unless --delete-tables: they are the memory of every restore and budget. The service-linked
// role EventBridge uses belongs to the account and stays.
import type { Clients } from './clients';
import { planFc2Teardown } from './fc2-plan';
import { planFc3Teardown } from './fc3-plan';
import type { SlsAdmin } from '../sls/admin';
import { observabilityDeletions } from '../observability/deploy-steps';
import { logIndexDeletion } from './log-index';
import { observabilityOf } from './settings';
import type { DeployPlan, DeployStep } from './plan';
import { planRoleDeletion, stackMarker } from './roles';
import type { TablesAdmin } from './tables-step';
import type { StackSpec } from './template';

export interface DestroyInput {
  readonly stack: StackSpec;
  readonly clients: Clients;
  readonly roleArns: Readonly<Record<string, string>>;
  readonly deleteTables: boolean;
  readonly tables: TablesAdmin;
  readonly functionLogs: SlsAdmin;
  readonly functionLogstore: string;
  /** Where alert resource data is kept; default functionLogs. */
  readonly alertRecords?: SlsAdmin;
}

export async function planDestroy(input: DestroyInput): Promise<DeployPlan> {
  const { stack, clients } = input;
  const steps: DeployStep[] = [];
  // Both platforms: a stack may be on either, or on both when a move stopped half-way.
  const reason = 'deployed by thaw';
  const fc3 = await planFc3Teardown(clients.fc3, stack, reason);
  const fc2 = await planFc2Teardown(clients.fc, stack, { reason });
  // Domains and triggers first (nothing routes to or fires a function being deleted), then
  // functions, then FC 2.0's services, which must be empty.
  for (const part of [fc3, fc2]) steps.push(...part.domains, ...part.ossTriggers, ...part.triggers);
  for (const part of [fc3, fc2]) steps.push(...part.functions, ...part.services);
  for (const role of stack.roles) {
    const step = await planRoleDeletion(clients.ram, role, stackMarker(stack.stackName), input.roleArns[role.logicalId]);
    if (step) steps.push(step);
  }
  // The alerts and the dashboard this stack made (named <stack>-… and labelled with it), then the index they query.
  steps.push(...(await observabilityDeletions({ logs: input.functionLogs, records: input.alertRecords }, observabilityOf(stack))));
  const index = await logIndexDeletion(input.functionLogs, input.functionLogstore);
  if (index) steps.push(index);
  for (const table of await input.tables.existing()) {
    steps.push(
      input.deleteTables
        ? { kind: 'tables', name: table, action: 'delete', reasons: ['--delete-tables'], run: () => input.tables.delete(table) }
        : { kind: 'tables', name: table, action: 'keep', reasons: ['records and budgets stay; --delete-tables removes them'] },
    );
  }
  return { steps };
}
