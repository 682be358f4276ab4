// `thaw deploy`: reads what exists (roles, the service, its functions and triggers, the tables),
// plans create / update / unchanged for each resource of the template with the reason, and runs
// the plan. A second run against an unchanged template and code plans nothing. A create that finds
// its resource already there (its first attempt landed, the answer was lost) becomes an update.
import type FC from '@alicloud/fc2';
import { TablestoreStateStore } from '../store/tablestore';
import { prepareTables, tableChanges } from '../store/tablestore-upgrade';
import type { Credentials } from '../wiring';
import { type Clients, codeOf, unless } from './clients';
import type { FunctionCode } from '../build/code';
import { type FunctionBody, functionBody, serviceBody, type TriggerBody, triggerBody } from './fc-resources';
import type { Plan, Step } from './plan';
import { planRole } from './roles';
import type { StackSpec } from './template';

export interface DeployInput {
  readonly stack: StackSpec;
  /** The zip of every function, by name. */
  readonly code: ReadonlyMap<string, FunctionCode>;
  readonly clients: Clients;
  /** Role ARNs given by flag, by logical id. */
  readonly roleArns: Readonly<Record<string, string>>;
  /** The deployer's credentials, for the tables. */
  readonly credentials: Credentials;
  /** Where the deployer reaches the Tablestore instance (the functions may use an internal endpoint). */
  readonly tablestoreEndpoint: string;
}

type Body = Record<string, unknown>;

export async function planDeploy(input: DeployInput): Promise<Plan> {
  const { stack, clients } = input;
  const steps: Step[] = [];
  for (const role of stack.roles) steps.push(await planRole(clients.ram, role, input.roleArns[role.logicalId]));
  // Tables before functions: the first invocation may come as soon as a trigger exists.
  steps.push(await tablesStep(stack, input.credentials, input.tablestoreEndpoint));

  const fc = clients.fc;
  const serviceName = stack.service.name;
  const wantedService = serviceBody(stack.service);
  const service = (await unless(['ServiceNotFound'], () => fc.getService(serviceName)))?.data;
  steps.push(serviceStep(fc, serviceName, wantedService as unknown as Body, service));

  const deployedFunctions = service ? ((await fc.listFunctions(serviceName, { limit: 100 })).data.functions ?? []) : [];
  const byName = new Map(deployedFunctions.map((f) => [String(f.functionName), f]));

  const triggerSteps: Step[] = [];
  const deletions: Step[] = [];
  for (const fn of stack.functions) {
    const code = input.code.get(fn.name);
    if (!code) throw new Error(`no code built for function ${fn.name}`);
    const current = byName.get(fn.name);
    steps.push(functionStep(fc, serviceName, functionBody(fn), code, current));
    const deployedTriggers = current ? ((await fc.listTriggers(serviceName, fn.name, { limit: 100 })).data.triggers ?? []) : [];
    const wanted = fn.triggers.map((t) => triggerBody(stack, fn, t));
    for (const t of deployedTriggers) {
      if (!wanted.some((w) => w.triggerName === t.triggerName))
        deletions.push(deleteTriggerStep(fc, serviceName, fn.name, String(t.triggerName), 'not in the template'));
    }
    for (const w of wanted) {
      const existing = deployedTriggers.find((t) => t.triggerName === w.triggerName);
      // Type and source cannot be updated in place: the trigger is made again. An eventbridge
      // trigger sent without a sourceArn is answered with the ARN of the rule FC made for it.
      const sourceChanged = (existing?.sourceArn ?? undefined) !== w.sourceArn && !(w.triggerType === 'eventbridge' && w.sourceArn === undefined);
      if (existing && (existing.triggerType !== w.triggerType || sourceChanged)) {
        deletions.push(
          deleteTriggerStep(
            fc,
            serviceName,
            fn.name,
            w.triggerName,
            `its type or source changed (${String(existing.triggerType)} ${String(existing.sourceArn ?? '')})`,
          ),
        );
        triggerSteps.push(triggerStep(fc, serviceName, fn.name, w, undefined));
      } else {
        triggerSteps.push(triggerStep(fc, serviceName, fn.name, w, existing));
      }
    }
  }
  for (const [name] of byName) {
    if (stack.functions.some((f) => f.name === name)) continue;
    for (const t of (await fc.listTriggers(serviceName, name, { limit: 100 })).data.triggers ?? []) {
      deletions.push(deleteTriggerStep(fc, serviceName, name, String(t.triggerName), 'its function is not in the template'));
    }
    deletions.push({
      kind: 'function',
      name: `${serviceName}/${name}`,
      action: 'delete',
      reasons: ['not in the template'],
      run: async () => void (await unless(['FunctionNotFound'], () => fc.deleteFunction(serviceName, name))),
    });
  }
  // Deletions before creations: an old trigger may conflict with its replacement (same bucket, overlapping events).
  steps.push(...deletions, ...triggerSteps);
  return { steps };
}

function serviceStep(fc: FC, name: string, wanted: Body, current: Body | undefined): Step {
  if (!current) {
    return {
      kind: 'service',
      name,
      action: 'create',
      reasons: ['not found'],
      run: async () => {
        try {
          await fc.createService(name, without(wanted, 'serviceName'));
        } catch (err) {
          if (codeOf(err) !== 'ServiceAlreadyExists') throw err;
          await fc.updateService(name, without(wanted, 'serviceName'));
        }
      },
    };
  }
  const differences = differing(without(wanted, 'serviceName'), current);
  if (differences.length === 0) return { kind: 'service', name, action: 'unchanged', reasons: ['same as the template'] };
  return {
    kind: 'service',
    name,
    action: 'update',
    reasons: differences,
    run: async () => void (await fc.updateService(name, without(wanted, 'serviceName'))),
  };
}

function functionStep(fc: FC, service: string, wanted: FunctionBody, code: FunctionCode, current: Body | undefined): Step {
  const name = `${service}/${wanted.functionName}`;
  const withCode = { ...wanted, code: { zipFile: Buffer.from(code.zip).toString('base64') } } as Body;
  if (!current) {
    return {
      kind: 'function',
      name,
      action: 'create',
      reasons: ['not found'],
      run: async () => {
        try {
          await fc.createFunction(service, withCode);
        } catch (err) {
          if (codeOf(err) !== 'FunctionAlreadyExists') throw err;
          await fc.updateFunction(service, wanted.functionName, without(withCode, 'functionName'));
        }
      },
    };
  }
  const { environmentVariables, ...rest } = wanted;
  const differences = differing(without(rest as Body, 'functionName'), current);
  // Environment variables are compared whole: one removed from the template must go.
  const deployedEnv = (current.environmentVariables ?? {}) as Record<string, string>;
  const envChanges = Object.keys({ ...deployedEnv, ...environmentVariables }).filter((k) => deployedEnv[k] !== environmentVariables[k]);
  if (envChanges.length > 0) differences.push(`environment ${envChanges.join(', ')}`);
  const codeChanged = String(current.codeChecksum ?? '') !== code.checksum;
  if (codeChanged) differences.push(`code checksum ${String(current.codeChecksum ?? 'none')} → ${code.checksum}`);
  if (differences.length === 0) return { kind: 'function', name, action: 'unchanged', reasons: [`same configuration; code checksum ${code.checksum}`] };
  // Unchanged code is not uploaded again.
  const body = codeChanged ? without(withCode, 'functionName') : without(wanted as unknown as Body, 'functionName');
  return {
    kind: 'function',
    name,
    action: 'update',
    reasons: differences,
    run: async () => void (await fc.updateFunction(service, wanted.functionName, body)),
  };
}

function triggerStep(fc: FC, service: string, fn: string, wanted: TriggerBody, current: Body | undefined): Step {
  const name = `${service}/${fn}/${wanted.triggerName}`;
  const update = {
    triggerConfig: wanted.triggerConfig,
    // FC answers an eventbridge trigger without the invocationRole it was sent (EventBridge invokes
    // through its service-linked role; devsapp/fc3 drops it before comparing): not a difference.
    ...(wanted.invocationRole && wanted.triggerType !== 'eventbridge' ? { invocationRole: wanted.invocationRole } : {}),
  };
  if (!current) {
    return {
      kind: 'trigger',
      name,
      action: 'create',
      reasons: ['not found'],
      run: async () => {
        try {
          await fc.createTrigger(service, fn, wanted as unknown as Body);
        } catch (err) {
          if (codeOf(err) !== 'TriggerAlreadyExists') throw err;
          await fc.updateTrigger(service, fn, wanted.triggerName, update);
        }
      },
    };
  }
  const differences = differing(update as Body, current);
  if (differences.length === 0) return { kind: 'trigger', name, action: 'unchanged', reasons: ['same as the template'] };
  return {
    kind: 'trigger',
    name,
    action: 'update',
    reasons: differences,
    run: async () => void (await fc.updateTrigger(service, fn, wanted.triggerName, update)),
  };
}

function deleteTriggerStep(fc: FC, service: string, fn: string, trigger: string, reason: string): Step {
  return {
    kind: 'trigger',
    name: `${service}/${fn}/${trigger}`,
    action: 'delete',
    reasons: [reason],
    run: async () => void (await unless(['TriggerNotFound'], () => fc.deleteTrigger(service, fn, trigger))),
  };
}

/** The tables the functions are configured for (their THAW_TABLESTORE_* and THAW_TABLE). */
export function tablesOf(stack: StackSpec, credentials: Credentials, endpoint: string): TablestoreStateStore {
  const env = stack.functions[0]!.environment;
  return new TablestoreStateStore({
    endpoint,
    maxAttempts: 1,
    instance: env.THAW_TABLESTORE_INSTANCE ?? '',
    table: env.THAW_TABLE || 'thaw_restores',
    ...credentials,
  });
}

async function tablesStep(stack: StackSpec, credentials: Credentials, endpoint: string): Promise<Step> {
  const store = tablesOf(stack, credentials, endpoint);
  const { missingTables, missingColumns, missingIndexes } = await tableChanges(store);
  const names = [store.table, store.countersTable];
  const name = `${stack.functions[0]!.environment.THAW_TABLESTORE_INSTANCE}/${names.join(',')}`;
  const run = async () => void (await prepareTables(store));
  if (missingTables.length > 0) {
    return { kind: 'tables', name, action: 'create', reasons: [`${missingTables.join(', ')} not found; made with the deployer's credentials`], run };
  }
  if (missingColumns.length > 0 || missingIndexes.length > 0) {
    // A table an earlier release made: its new indexes are filled from the rows it holds.
    const reasons = [
      ...(missingColumns.length ? [`columns ${missingColumns.join(', ')}`] : []),
      ...(missingIndexes.length ? [`indexes ${missingIndexes.join(', ')}`] : []),
    ];
    return { kind: 'tables', name, action: 'update', reasons: [`${reasons.join('; ')} not found; added with the deployer's credentials`], run };
  }
  return { kind: 'tables', name, action: 'unchanged', reasons: ['both exist with every index'] };
}

/** Fields of `wanted` that `current` does not hold as given ("wanted ⊆ current": FC may add defaults). */
function differing(wanted: Body, current: Body): string[] {
  return Object.keys(wanted)
    .filter((k) => !contains(current[k], wanted[k]))
    .map((k) => `${k} ${short(current[k])} → ${short(wanted[k])}`);
}

export function contains(current: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(current) && current.length === wanted.length && wanted.every((w, i) => contains(current[i], w));
  if (wanted && typeof wanted === 'object') {
    if (typeof current === 'string') {
      // The 2021-04-06 API answers triggerConfig as a JSON string.
      try {
        return contains(JSON.parse(current), wanted);
      } catch {
        return false;
      }
    }
    return !!current && typeof current === 'object' && Object.entries(wanted).every(([k, v]) => contains((current as Body)[k], v));
  }
  return current === wanted;
}

function short(v: unknown): string {
  const text = v === undefined ? 'none' : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function without(body: Body, key: string): Body {
  const { [key]: _omitted, ...rest } = body;
  return rest;
}
