// `thaw destroy`: removes what `thaw deploy` made, in the order FC allows (the custom domain, then
// triggers, then functions, then each service, which must be empty), then the roles and policies
// this stack made (never one of the same name someone else made). The tables and their records
// stay unless --delete-tables: they are the memory of every restore and budget. The service-linked
// role EventBridge uses belongs to the account and stays.
import type { Clients } from './clients';
import { unless } from './clients';
import type { SlsAdmin } from '../sls/admin';
import { logIndexDeletion } from './log-index';
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
}

export async function planDestroy(input: DestroyInput): Promise<DeployPlan> {
  const { stack, clients } = input;
  const fc = clients.fc;
  const steps: DeployStep[] = [];
  const services = new Set(stack.services.map((s) => s.name));
  for (const domain of stack.customDomains) {
    const current = (await unless(['DomainNameNotFound'], () => fc.getCustomDomain(domain.domainName)))?.data;
    if (!current) continue;
    const routes = ((current.routeConfig as { routes?: { serviceName?: string }[] } | undefined)?.routes ?? []).map((r) => String(r.serviceName ?? ''));
    steps.push(
      routes.every((r) => services.has(r))
        ? deletion('domain', domain.domainName, () => fc.deleteCustomDomain(domain.domainName), 'DomainNameNotFound')
        : { kind: 'domain', name: domain.domainName, action: 'keep', reasons: ["routes to services that are not this stack's"] },
    );
  }
  // The previous release's single service <stack> goes too, when every function in it is one of ours.
  const names = [...services, ...(services.has(stack.stackName) ? [] : [stack.stackName])];
  const ourFunctions = new Set(stack.functions.map((f) => f.name));
  const later: DeployStep[] = [];
  for (const service of names) {
    if (!(await unless(['ServiceNotFound'], () => fc.getService(service)))) continue;
    const functions = ((await fc.listFunctions(service, { limit: 100 })).data.functions ?? []).map((f) => String(f.functionName));
    if (!services.has(service) && functions.some((f) => !ourFunctions.has(f))) continue;
    for (const fn of functions) {
      for (const t of (await fc.listTriggers(service, fn, { limit: 100 })).data.triggers ?? []) {
        const trigger = String(t.triggerName);
        steps.push(deletion('trigger', `${service}/${fn}/${trigger}`, () => fc.deleteTrigger(service, fn, trigger), 'TriggerNotFound'));
      }
      later.push(deletion('function', `${service}/${fn}`, () => fc.deleteFunction(service, fn), 'FunctionNotFound'));
    }
    later.push(deletion('service', service, () => fc.deleteService(service), 'ServiceNotFound'));
  }
  // Triggers first (nothing fires a function being deleted), then functions before their services.
  steps.push(...later.filter((s) => s.kind === 'function'), ...later.filter((s) => s.kind === 'service'));
  for (const role of stack.roles) {
    const step = await planRoleDeletion(clients.ram, role, stackMarker(stack.stackName), input.roleArns[role.logicalId]);
    if (step) steps.push(step);
  }
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

function deletion(kind: DeployStep['kind'], name: string, call: () => Promise<unknown>, notFound: string): DeployStep {
  return { kind, name, action: 'delete', reasons: ['deployed by thaw'], run: async () => void (await unless([notFound], call)) };
}
