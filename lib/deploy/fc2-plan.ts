// The FC 2.0 part of `thaw deploy`: one service per function (FC 2.0 gives a role to a service),
// its function and triggers, the custom domain; and the teardown of a stack's FC 2.0 resources (for
// destroy, and for the move to FC 3.0). Each step is create / update / unchanged / delete with its
// reason; a create that finds its resource already there (its first attempt landed, the answer was
// lost) becomes an update.
import type FC from '@alicloud/fc2';
import type { FunctionCode } from '../build/code';
import { codeOf, unless } from './clients';
import { differing, without } from './compare';
import { type CustomDomainBody, customDomainBody, type FunctionBody, functionBody, serviceBody, type TriggerBody, triggerBody } from './fc2-resources';
import { STACK_TAG } from './fc3-plan';
import type { DeployStep } from './plan';
import type { PlatformSteps, Teardown } from './platform';
import { deleteTriggerStep, type TriggerCalls, triggerPlan } from './trigger-step';
import type { ServiceSpec, StackSpec } from './template';

export interface Fc2Input {
  readonly stack: StackSpec;
  readonly code: ReadonlyMap<string, FunctionCode>;
  readonly fc: FC;
  /** Whether a role ARN names a role this run creates or changes (RAM propagation). */
  readonly usesNewRole: (arn: string | undefined) => boolean;
}

type Body = Record<string, unknown>;

/** The one service of the previous release (all four functions in `<stack>`), replaced by one service per function. */
function legacyServiceName(stack: StackSpec): string {
  return stack.stackName;
}

/** Whether the stack has anything on FC 2.0 (a service of its own, or the previous release's one). */
export async function hasFc2Stack(fc: FC, stack: StackSpec): Promise<boolean> {
  for (const name of [...stack.services.map((s) => s.name), legacyServiceName(stack)]) {
    if (await unless(['ServiceNotFound'], () => fc.getService(name))) return true;
  }
  return false;
}

export async function planFc2(input: Fc2Input): Promise<PlatformSteps> {
  const { stack, fc, usesNewRole } = input;
  const functions: DeployStep[] = [];
  const triggerSteps: DeployStep[] = [];
  const ossTriggers: DeployStep[] = [];
  const deletions: DeployStep[] = [];
  for (const service of stack.services) {
    const current = (await unless(['ServiceNotFound'], () => fc.getService(service.name)))?.data;
    const tagged = current ? await carriesStackTag(fc, stack, service.name) : false;
    functions.push({ ...serviceStep(fc, stack, service, current, tagged), usesNewRole: usesNewRole(service.role) });
    const deployed = current ? ((await fc.listFunctions(service.name, { limit: 100 })).data.functions ?? []) : [];
    const byName = new Map(deployed.map((f) => [String(f.functionName), f]));
    for (const fn of service.functions) {
      const code = input.code.get(fn.name);
      if (!code) throw new Error(`no code built for function ${fn.name}`);
      const existing = byName.get(fn.name);
      functions.push(functionStep(fc, service.name, functionBody(fn), code, existing));
      const deployedTriggers = existing ? ((await fc.listTriggers(service.name, fn.name, { limit: 100 })).data.triggers ?? []) : [];
      const wanted = fn.triggers.map((t) => triggerBody(stack, fn, t));
      for (const t of deployedTriggers) {
        if (!wanted.some((w) => w.triggerName === t.triggerName))
          deletions.push(deleteTrigger(fc, service.name, fn.name, String(t.triggerName), 'not in the template'));
      }
      for (const w of wanted) {
        const current = deployedTriggers.find((t) => t.triggerName === w.triggerName);
        const step = { ...triggerPlan(triggerCalls(fc, service.name, fn.name, w), current, deletions), usesNewRole: usesNewRole(w.invocationRole) };
        (w.triggerType === 'oss' ? ossTriggers : triggerSteps).push(step);
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
  if (!stack.services.some((s) => s.name === legacy)) {
    const teardown = await planFc2Teardown(fc, stack, { services: [legacy], reason: "the previous release's single service; now one service per function" });
    deletions.push(...teardown.triggers, ...teardown.ossTriggers);
    late.push(...teardown.functions, ...teardown.services);
  }
  const domains: DeployStep[] = [];
  for (const domain of stack.customDomains) domains.push(await customDomainStep(fc, customDomainBody(domain), stack));
  return { functions, deletions, triggers: triggerSteps, ossTriggers, domains, late };
}

/**
 * Everything of the stack's on FC 2.0 taken down, in the order FC allows: triggers, functions, then
 * services (which must be empty). A service whose functions are not all the template's is someone
 * else's and stays.
 */
export async function planFc2Teardown(fc: FC, stack: StackSpec, options: { services?: readonly string[]; reason: string }): Promise<Teardown> {
  const out: Teardown = { domains: [], triggers: [], ossTriggers: [], functions: [], services: [] };
  const ours = new Set(stack.services.map((s) => s.name));
  const ourFunctions = new Set(stack.functions.map((f) => f.name));
  for (const service of options.services ?? [...ours, legacyServiceName(stack)]) {
    if (!(await unless(['ServiceNotFound'], () => fc.getService(service)))) continue;
    const names = ((await fc.listFunctions(service, { limit: 100 })).data.functions ?? []).map((f) => String(f.functionName));
    if (!ours.has(service) && names.some((f) => !ourFunctions.has(f))) continue;
    for (const fn of names) {
      for (const t of (await fc.listTriggers(service, fn, { limit: 100 })).data.triggers ?? []) {
        (t.triggerType === 'oss' ? out.ossTriggers : out.triggers).push(deleteTrigger(fc, service, fn, String(t.triggerName), options.reason));
      }
      out.functions.push({
        kind: 'function',
        name: `${service}/${fn}`,
        action: 'delete',
        reasons: [options.reason],
        run: async () => void (await unless(['FunctionNotFound'], () => fc.deleteFunction(service, fn))),
      });
    }
    out.services.push({
      kind: 'service',
      name: service,
      action: 'delete',
      reasons: [options.reason],
      run: async () => void (await unless(['ServiceNotFound'], () => fc.deleteService(service))),
    });
  }
  for (const domain of stack.customDomains) {
    const current = (await unless(['DomainNameNotFound'], () => fc.getCustomDomain(domain.domainName)))?.data;
    if (!current) continue;
    const routes = ((current.routeConfig as { routes?: { serviceName?: string }[] } | undefined)?.routes ?? []).map((r) => String(r.serviceName ?? ''));
    out.domains.push(
      routes.length > 0 && routes.every((r) => ours.has(r))
        ? {
            kind: 'domain',
            name: domain.domainName,
            action: 'delete',
            reasons: [options.reason],
            run: async () => void (await unless(['DomainNameNotFound'], () => fc.deleteCustomDomain(domain.domainName))),
          }
        : { kind: 'domain', name: domain.domainName, action: 'keep', reasons: ["routes to services that are not this stack's FC 2.0 ones"] },
    );
  }
  return out;
}

/** A service's ARN, as FC 2.0's tag API names it (TagResource "resourceArn"). */
export function fc2ServiceArn(stack: Pick<StackSpec, 'region' | 'accountId'>, service: string): string {
  return `acs:fc:${stack.region}:${stack.accountId}:services/${service}`;
}

/** Whether a service carries oss-thaw-stack=<stack> (GetResourceTags answers {resourceArn, tags: {k: v}}). */
async function carriesStackTag(fc: FC, stack: StackSpec, service: string): Promise<boolean> {
  const tags = (await fc.getResourceTags({ resourceArn: fc2ServiceArn(stack, service) })).data.tags ?? {};
  return tags[STACK_TAG] === stack.stackName;
}

/**
 * A service's step. Each service is tagged oss-thaw-stack=<stack> (FC 2.0 tags services only; its
 * functions and triggers inherit them): a new one after CreateService, one made before tags existed
 * on the next run. Which services are the stack's is decided by their names, as before.
 */
function serviceStep(fc: FC, stack: StackSpec, service: ServiceSpec, current: Body | undefined, tagged: boolean): DeployStep {
  const name = service.name;
  const tag = () => fc.tagResource(fc2ServiceArn(stack, name), { [STACK_TAG]: stack.stackName });
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
        await tag();
      },
    };
  }
  const differences = differing(body, current);
  if (!tagged) differences.push(`no ${STACK_TAG}=${stack.stackName} tag`);
  if (differences.length === 0) return { kind: 'service', name, action: 'unchanged', reasons: ['same as the template'] };
  const configChanged = differences.length > (tagged ? 0 : 1);
  return {
    kind: 'service',
    name,
    action: 'update',
    reasons: differences,
    run: async () => {
      if (configChanged) await fc.updateService(name, body);
      if (!tagged) await tag();
    },
  };
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
/** FC 2.0's calls for one trigger of `service/fn`. */
function triggerCalls(fc: FC, service: string, fn: string, wanted: TriggerBody): TriggerCalls {
  const update = {
    triggerConfig: wanted.triggerConfig,
    ...(wanted.invocationRole ? { invocationRole: wanted.invocationRole } : {}),
  };
  return {
    name: `${service}/${fn}/${wanted.triggerName}`,
    wanted,
    compared: update,
    create: () => fc.createTrigger(service, fn, wanted as unknown as Body),
    update: () => fc.updateTrigger(service, fn, wanted.triggerName, update),
    remove: () => fc.deleteTrigger(service, fn, wanted.triggerName),
  };
}

function deleteTrigger(fc: FC, service: string, fn: string, trigger: string, reason: string): DeployStep {
  return deleteTriggerStep({ name: `${service}/${fn}/${trigger}`, remove: () => fc.deleteTrigger(service, fn, trigger) }, reason);
}

async function functionDeletion(fc: FC, service: string, name: string, reason: string): Promise<DeployStep[]> {
  const steps: DeployStep[] = [];
  for (const t of (await fc.listTriggers(service, name, { limit: 100 })).data.triggers ?? []) {
    steps.push(deleteTrigger(fc, service, name, String(t.triggerName), `its function is ${reason}`));
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
