// `thaw destroy`: removes what `thaw deploy` made, in the order FC allows (triggers, then
// functions, then the service, which must be empty), then the roles this stack made. The tables
// and their records stay unless --delete-tables: they are the memory of every restore and budget.
import type FC from '@alicloud/fc2';
import type { Clients } from './clients';
import { unless } from './clients';
import { tablesOf } from './deploy';
import type { Plan, Step } from './plan';
import { planRoleDeletion } from './roles';
import type { StackSpec } from './template';
import type { Credentials } from '../wiring';

export interface DestroyInput {
  readonly stack: StackSpec;
  readonly clients: Clients;
  readonly roleArns: Readonly<Record<string, string>>;
  readonly deleteTables: boolean;
  readonly credentials: Credentials;
  readonly tablestoreEndpoint: string;
}

/** Roles carry this in their Description (template.yml: "oss-thaw stack <name>: …"). */
export function stackMarker(stackName: string): string {
  return `oss-thaw stack ${stackName}`;
}

export async function planDestroy(input: DestroyInput): Promise<Plan> {
  const { stack, clients } = input;
  const fc = clients.fc;
  const service = stack.service.name;
  const steps: Step[] = [];
  const exists = await unless(['ServiceNotFound'], () => fc.getService(service));
  if (exists) {
    const functions = (await fc.listFunctions(service, { limit: 100 })).data.functions ?? [];
    for (const f of functions) {
      const fn = String(f.functionName);
      for (const t of (await fc.listTriggers(service, fn, { limit: 100 })).data.triggers ?? []) {
        const trigger = String(t.triggerName);
        steps.push(deletion(fc, 'trigger', `${service}/${fn}/${trigger}`, () => fc.deleteTrigger(service, fn, trigger), 'TriggerNotFound'));
      }
    }
    for (const f of functions) {
      const fn = String(f.functionName);
      steps.push(deletion(fc, 'function', `${service}/${fn}`, () => fc.deleteFunction(service, fn), 'FunctionNotFound'));
    }
    steps.push(deletion(fc, 'service', service, () => fc.deleteService(service), 'ServiceNotFound'));
  }
  for (const role of stack.roles) {
    const step = await planRoleDeletion(clients.ram, role, stackMarker(stack.stackName), input.roleArns[role.logicalId]);
    if (step) steps.push(step);
  }
  const store = tablesOf(stack, input.credentials, input.tablestoreEndpoint);
  const existing = new Set((await store.sdk.listTable({})).tableNames ?? []);
  for (const table of [store.table, store.countersTable].filter((t) => existing.has(t))) {
    steps.push(
      input.deleteTables
        ? {
            kind: 'tables',
            name: table,
            action: 'delete',
            reasons: ['--delete-tables'],
            run: async () => void (await store.sdk.deleteTable({ tableName: table })),
          }
        : { kind: 'tables', name: table, action: 'keep', reasons: ['records and budgets stay; --delete-tables removes them'] },
    );
  }
  return { steps };
}

function deletion(_fc: FC, kind: Step['kind'], name: string, call: () => Promise<unknown>, notFound: string): Step {
  return { kind, name, action: 'delete', reasons: ['deployed by thaw'], run: async () => void (await unless([notFound], call)) };
}
