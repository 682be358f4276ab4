// `thaw deploy` on FC 2.0: reads what exists (roles, the service-linked role EventBridge needs, the
// services, their functions and triggers, the custom domains, the tables), plans create / update /
// unchanged for each resource of the template with the reason, and runs the plan. A second run
// against an unchanged template and code plans nothing. A create that finds its resource already
// there (its first attempt landed, the answer was lost) becomes an update.
import type FC from '@alicloud/fc2';
import type { SlsAdmin } from '../sls/admin';
import type { FunctionCode } from '../build/code';
import { type Clients, codeOf, unless } from './clients';
import { type CustomDomainBody, customDomainBody, type FunctionBody, functionBody, serviceBody, type TriggerBody, triggerBody } from './fc-resources';
import type { DeployPlan, DeployStep } from './plan';
import { planRole, type RoleOwnership, stackMarker } from './roles';
import { logIndexStep } from './log-index';
import { serviceLinkedRoleStep } from './service-linked-roles';
import { deploySettings } from './settings';
import { type TablesAdmin, tablesStep } from './tables-step';
import type { ServiceSpec, StackSpec } from './template';

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
}

type Body = Record<string, unknown>;

/** The one service of the previous release (all four functions in `<stack>`), replaced by one service per function. */
function legacyServiceName(stack: StackSpec): string {
  return stack.stackName;
}

export async function planDeploy(input: DeployInput): Promise<DeployPlan> {
  const { stack, clients } = input;
  const ownership: RoleOwnership = { marker: stackMarker(stack.stackName), adopt: input.adopt };
  const steps: DeployStep[] = [];
  const roleSteps: DeployStep[] = [];
  for (const role of stack.roles) roleSteps.push(await planRole(clients.ram, role, input.roleArns[role.logicalId], ownership));
  steps.push(...roleSteps);
  // A service or trigger naming a role created or changed in this run may meet RAM's propagation delay.
  const changedRoles = new Set(roleSteps.filter((s) => s.action === 'create' || s.action === 'update').map((s) => s.name.toLowerCase()));
  const usesNewRole = (arn: string | undefined) => arn !== undefined && changedRoles.has(arn.split('/').pop()!.toLowerCase());

  if (stack.functions.some((f) => f.triggers.some((t) => t.type === 'EventBridge'))) steps.push(await serviceLinkedRoleStep(clients.ram, 'eventbridge-fc'));
  // Tables before functions: the first invocation may come as soon as a trigger exists.
  const settings = deploySettings(stack);
  steps.push(await tablesStep(input.tables, settings));
  steps.push(await logIndexStep(input.functionLogs, settings.functionLogs.logstore));

  const fc = clients.fc;
  const triggerSteps: DeployStep[] = [];
  const deletions: DeployStep[] = [];
  for (const service of stack.services) {
    const current = (await unless(['ServiceNotFound'], () => fc.getService(service.name)))?.data;
    steps.push({ ...serviceStep(fc, service, current), usesNewRole: usesNewRole(service.role) });
    const deployed = current ? ((await fc.listFunctions(service.name, { limit: 100 })).data.functions ?? []) : [];
    const byName = new Map(deployed.map((f) => [String(f.functionName), f]));
    for (const fn of service.functions) {
      const code = input.code.get(fn.name);
      if (!code) throw new Error(`no code built for function ${fn.name}`);
      const existing = byName.get(fn.name);
      steps.push(functionStep(fc, service.name, functionBody(fn), code, existing));
      const deployedTriggers = existing ? ((await fc.listTriggers(service.name, fn.name, { limit: 100 })).data.triggers ?? []) : [];
      const wanted = fn.triggers.map((t) => triggerBody(stack, fn, t));
      for (const t of deployedTriggers) {
        if (!wanted.some((w) => w.triggerName === t.triggerName))
          deletions.push(deleteTriggerStep(fc, service.name, fn.name, String(t.triggerName), 'not in the template'));
      }
      for (const w of wanted) {
        const current = deployedTriggers.find((t) => t.triggerName === w.triggerName);
        const step = { ...triggerPlan(fc, service.name, fn.name, w, current, deletions), usesNewRole: usesNewRole(w.invocationRole) };
        triggerSteps.push(step);
      }
    }
    for (const [name] of byName) {
      if (service.functions.some((f) => f.name === name)) continue;
      deletions.push(...(await functionDeletion(fc, service.name, name, 'not in the template')));
    }
  }

  // The previous release put every function in one service named after the stack. Its triggers go
  // before the new ones are made (an OSS trigger on the same bucket and events would conflict), its
  // functions and the service after.
  const legacy = legacyServiceName(stack);
  const late: DeployStep[] = [];
  if (!stack.services.some((s) => s.name === legacy) && (await unless(['ServiceNotFound'], () => fc.getService(legacy)))) {
    const functions = (await fc.listFunctions(legacy, { limit: 100 })).data.functions ?? [];
    const ourNames = new Set(stack.functions.map((f) => f.name));
    const foreign = functions.filter((f) => !ourNames.has(String(f.functionName)));
    if (foreign.length === 0) {
      for (const f of functions) {
        for (const t of (await fc.listTriggers(legacy, String(f.functionName), { limit: 100 })).data.triggers ?? []) {
          deletions.push(
            deleteTriggerStep(fc, legacy, String(f.functionName), String(t.triggerName), "the previous release's single service; now one service per function"),
          );
        }
        late.push({
          kind: 'function',
          name: `${legacy}/${String(f.functionName)}`,
          action: 'delete',
          reasons: ["the previous release's single service; now one service per function"],
          run: async () => void (await unless(['FunctionNotFound'], () => fc.deleteFunction(legacy, String(f.functionName)))),
        });
      }
      late.push({
        kind: 'service',
        name: legacy,
        action: 'delete',
        reasons: ["the previous release's single service; now one service per function"],
        run: async () => void (await unless(['ServiceNotFound'], () => fc.deleteService(legacy))),
      });
    }
  }

  // Deletions before creations: an old trigger may conflict with its replacement (same bucket, overlapping events).
  steps.push(...deletions, ...triggerSteps);
  for (const domain of stack.customDomains) steps.push(await customDomainStep(fc, customDomainBody(domain), stack));
  steps.push(...late);
  return { steps };
}

function serviceStep(fc: FC, service: ServiceSpec, current: Body | undefined): DeployStep {
  const name = service.name;
  const wanted = serviceBody(service) as unknown as Body;
  const { serviceName: _name, ...body } = wanted;
  // A VPC configuration removed from the template must be cleared, not left as deployed.
  const currentVpc = (current?.vpcConfig as { vpcId?: string } | undefined)?.vpcId;
  if (!service.vpcConfig && currentVpc) body.vpcConfig = { vpcId: '', vSwitchIds: [], securityGroupId: '' };
  if (!current) {
    return {
      kind: 'service',
      name,
      action: 'create',
      reasons: ['not found'],
      run: async () => {
        try {
          await fc.createService(name, body);
        } catch (err) {
          if (codeOf(err) !== 'ServiceAlreadyExists') throw err;
          await fc.updateService(name, body);
        }
      },
    };
  }
  const differences = differing(body, current);
  if (differences.length === 0) return { kind: 'service', name, action: 'unchanged', reasons: ['same as the template'] };
  return { kind: 'service', name, action: 'update', reasons: differences, run: async () => void (await fc.updateService(name, body)) };
}

function functionStep(fc: FC, service: string, wanted: FunctionBody, code: FunctionCode, current: Body | undefined): DeployStep {
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

/**
 * What FC answers for a trigger, as comparable with what we send. An eventbridge trigger comes back
 * with a sourceArn FC made and without the invocationRole (EventBridge invokes through its
 * service-linked role): devsapp/fc3 strips invocationRole, sourceArn and status before comparing
 * (src/resources/fc/index.ts), and so do we, or every run would replace it.
 */
export function comparableTrigger(current: Body): Body {
  if (current.triggerType !== 'eventbridge') return current;
  const { sourceArn: _s, invocationRole: _i, status: _st, ...rest } = current;
  return rest;
}

function triggerPlan(fc: FC, service: string, fn: string, wanted: TriggerBody, deployed: Body | undefined, deletions: DeployStep[]): DeployStep {
  const current = deployed ? comparableTrigger(deployed) : undefined;
  // Type and source cannot be updated in place: the trigger is made again.
  const sourceChanged = current && wanted.triggerType !== 'eventbridge' && (current.sourceArn ?? undefined) !== wanted.sourceArn;
  if (current && (current.triggerType !== wanted.triggerType || sourceChanged)) {
    deletions.push(
      deleteTriggerStep(fc, service, fn, wanted.triggerName, `its type or source changed (${String(current.triggerType)} ${String(current.sourceArn ?? '')})`),
    );
    return triggerStep(fc, service, fn, wanted, undefined);
  }
  return triggerStep(fc, service, fn, wanted, current);
}

function triggerStep(fc: FC, service: string, fn: string, wanted: TriggerBody, current: Body | undefined): DeployStep {
  const name = `${service}/${fn}/${wanted.triggerName}`;
  const update = {
    triggerConfig: wanted.triggerConfig,
    ...(wanted.invocationRole ? { invocationRole: wanted.invocationRole } : {}),
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

function deleteTriggerStep(fc: FC, service: string, fn: string, trigger: string, reason: string): DeployStep {
  return {
    kind: 'trigger',
    name: `${service}/${fn}/${trigger}`,
    action: 'delete',
    reasons: [reason],
    run: async () => void (await unless(['TriggerNotFound'], () => fc.deleteTrigger(service, fn, trigger))),
  };
}

async function functionDeletion(fc: FC, service: string, name: string, reason: string): Promise<DeployStep[]> {
  const steps: DeployStep[] = [];
  for (const t of (await fc.listTriggers(service, name, { limit: 100 })).data.triggers ?? []) {
    steps.push(deleteTriggerStep(fc, service, name, String(t.triggerName), `its function is ${reason}`));
  }
  steps.push({
    kind: 'function',
    name: `${service}/${name}`,
    action: 'delete',
    reasons: [reason],
    run: async () => void (await unless(['FunctionNotFound'], () => fc.deleteFunction(service, name))),
  });
  return steps;
}

async function customDomainStep(fc: FC, wanted: CustomDomainBody, stack: StackSpec): Promise<DeployStep> {
  const name = wanted.domainName;
  const current = (await unless(['DomainNameNotFound'], () => fc.getCustomDomain(name)))?.data as Body | undefined;
  const { domainName: _d, ...body } = wanted as unknown as Body;
  if (!current) {
    return {
      kind: 'domain',
      name,
      action: 'create',
      reasons: ['not found'],
      run: async () => {
        try {
          await fc.createCustomDomain(name, body);
        } catch (err) {
          if (codeOf(err) !== 'DomainNameAlreadyExists') throw err;
          await fc.updateCustomDomain(name, body);
        }
      },
    };
  }
  // A domain whose routes go to another stack's services is someone else's.
  const routes = ((current.routeConfig as { routes?: { serviceName?: string }[] } | undefined)?.routes ?? []).map((r) => String(r.serviceName ?? ''));
  const mine = new Set(stack.services.map((s) => s.name));
  if (routes.some((r) => !mine.has(r))) {
    return {
      kind: 'domain',
      name,
      action: 'blocked',
      reasons: [`exists and routes to ${routes.filter((r) => !mine.has(r)).join(', ')}: not this stack's domain`],
    };
  }
  // The private key is never answered back; the certificate and its name are compared.
  const comparable = {
    ...body,
    ...(wanted.certConfig ? { certConfig: { certName: wanted.certConfig.certName, certificate: wanted.certConfig.certificate } } : {}),
  };
  const differences = differing(comparable, current);
  if (differences.length === 0) return { kind: 'domain', name, action: 'unchanged', reasons: ['same as the template'] };
  return { kind: 'domain', name, action: 'update', reasons: differences, run: async () => void (await fc.updateCustomDomain(name, body)) };
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
