// The FC 3.0 part of `thaw deploy` (API 2023-03-30, `@alicloud/fc20230330`): functions are
// first-class, each with its own role, log and VPC configuration, named <stack>-<function>; triggers
// hang off a function with their configuration as a JSON string; the custom domain routes to a
// function. The template is the same template.yml: each FC 2.0 service's role, LogConfig and
// VpcConfig become its function's, and `Metadata: {FC3: …}` gives what differs on FC 3.0 (the http
// function's handler, instance concurrency, memory). The teardown takes the stack's FC 3.0
// resources down (destroy).
import type { FunctionCode } from '../build/code';
import { codeOf, unless } from './clients';
import { type Body, differing } from './compare';
import type { Fc3Client } from './fc3-client';
import type { PlatformSteps, Teardown } from './platform';
import { triggerBody } from './fc2-resources';
import type { DeployStep } from './plan';
import { deleteTriggerStep, type TriggerCalls, triggerPlan } from './trigger-step';
import type { FunctionSpec, ServiceSpec, StackSpec } from './template';

export interface Fc3Input {
  readonly stack: StackSpec;
  readonly code: ReadonlyMap<string, FunctionCode>;
  readonly fc3: Fc3Client;
  readonly usesNewRole: (arn: string | undefined) => boolean;
}

/** CreateFunction's configuration of an FC 3.0 function (its code goes separately, compared by checksum). */
export function fc3FunctionBody(fn: FunctionSpec, service: ServiceSpec): Body {
  return {
    functionName: fn.fc3.name,
    description: fn.description,
    runtime: fn.runtime,
    handler: fn.fc3.handler,
    memorySize: fn.fc3.memorySize,
    timeout: fn.timeoutSeconds,
    environmentVariables: fn.environment,
    role: service.role,
    ...(fn.fc3.instanceConcurrency === undefined ? {} : { instanceConcurrency: fn.fc3.instanceConcurrency }),
    ...(service.logConfig ? { logConfig: { project: service.logConfig.project, logstore: service.logConfig.logstore } } : {}),
    ...(service.vpcConfig ? { vpcConfig: { ...service.vpcConfig, vSwitchIds: [...service.vpcConfig.vSwitchIds] } } : {}),
  };
}

/** The FC 3.0 trigger body: FC 2.0's documented config per type, sent as a JSON string (CreateTriggerInput.triggerConfig). */
export function fc3TriggerBody(stack: StackSpec, fn: FunctionSpec, trigger: FunctionSpec['triggers'][number]): Body {
  const body = triggerBody(stack, fn, trigger);
  return {
    triggerName: body.triggerName,
    triggerType: body.triggerType,
    triggerConfig: JSON.stringify(body.triggerConfig),
    ...(body.sourceArn ? { sourceArn: body.sourceArn } : {}),
    ...(body.invocationRole ? { invocationRole: body.invocationRole } : {}),
    qualifier: 'LATEST',
  };
}

/** Whether the stack has anything on FC 3.0. */
export async function hasFc3Stack(fc3: Fc3Client, stack: StackSpec): Promise<boolean> {
  for (const fn of stack.functions) if (await unless(['FunctionNotFound'], () => fc3.getFunction(fn.fc3.name))) return true;
  return false;
}

export async function planFc3(input: Fc3Input): Promise<PlatformSteps> {
  const { stack, fc3, usesNewRole } = input;
  const functions: DeployStep[] = [];
  const triggers: DeployStep[] = [];
  const ossTriggers: DeployStep[] = [];
  const deletions: DeployStep[] = [];
  const configurations: DeployStep[] = [];
  for (const service of stack.services) {
    for (const fn of service.functions) {
      const code = input.code.get(fn.name);
      if (!code) throw new Error(`no code built for function ${fn.name}`);
      const current = await unless(['FunctionNotFound'], () => fc3.getFunction(fn.fc3.name));
      functions.push({ ...functionStep(fc3, stack.stackName, fc3FunctionBody(fn, service), code, current), usesNewRole: usesNewRole(service.role) });
      configurations.push(...(await configurationSteps(fc3, stack, fn, current)));
      const deployed = current ? await fc3.listTriggers(fn.fc3.name) : [];
      const wanted = fn.triggers.map((t) => fc3TriggerBody(stack, fn, t));
      for (const t of deployed) {
        if (!wanted.some((w) => w.triggerName === t.triggerName)) deletions.push(deleteTrigger(fc3, fn.fc3.name, String(t.triggerName), 'not in the template'));
      }
      for (const w of wanted) {
        const existing = deployed.find((t) => t.triggerName === w.triggerName);
        const step = {
          ...triggerPlan(triggerCalls(fc3, fn.fc3.name, w), existing, deletions),
          usesNewRole: usesNewRole(w.invocationRole as string | undefined),
        };
        (w.triggerType === 'oss' ? ossTriggers : triggers).push(step);
      }
    }
  }
  // After every function exists: an on-failure destination names another of them.
  functions.push(...configurations);
  const domains: DeployStep[] = [];
  for (const domain of stack.customDomains) {
    const body: Body = {
      protocol: domain.protocol,
      ...(domain.certConfig ? { certConfig: { ...domain.certConfig } } : {}),
      routeConfig: {
        routes: domain.routes.map((r) => ({
          path: r.path,
          functionName: stack.functions.find((f) => f.name === r.functionName)!.fc3.name,
          qualifier: 'LATEST',
        })),
      },
      authConfig: { authType: 'anonymous' },
    };
    domains.push(await customDomainStep(fc3, domain.domainName, body, stack));
  }
  return { functions, deletions, triggers, ossTriggers, domains, late: [] };
}

/** The tag every function of the stack carries (FC 3.0 tag keys may not start with aliyun or acs:). */
export const STACK_TAG = 'oss-thaw-stack';

export function fc3FunctionArn(stack: Pick<StackSpec, 'region' | 'accountId'>, name: string): string {
  return `acs:fc:${stack.region}:${stack.accountId}:functions/${name}`;
}

/** PutAsyncInvokeConfig's body for a function the template gives one. */
export function asyncInvokeBody(stack: StackSpec, fn: FunctionSpec): Body | undefined {
  const config = fn.fc3.asyncInvokeConfig;
  if (!config) return undefined;
  const target = config.onFailure === undefined ? undefined : stack.functions.find((f) => f.name === config.onFailure)!;
  return {
    ...(config.maxAsyncRetryAttempts === undefined ? {} : { maxAsyncRetryAttempts: config.maxAsyncRetryAttempts }),
    ...(config.maxAsyncEventAgeInSeconds === undefined ? {} : { maxAsyncEventAgeInSeconds: config.maxAsyncEventAgeInSeconds }),
    ...(target ? { destinationConfig: { onFailure: { destination: fc3FunctionArn(stack, target.fc3.name) } } } : {}),
  };
}

/**
 * A function's FC 3.0 configurations beside the function itself: its asynchronous invocations
 * (retries and dead letter), its concurrency cap, and the tag naming the stack. Each is read and
 * compared, so a second run changes nothing. One the template no longer gives is left as deployed
 * (unconfirmed whether FC 3.0 keeps it through an update; DeleteFunction removes it).
 */
async function configurationSteps(fc3: Fc3Client, stack: StackSpec, fn: FunctionSpec, exists: Body | undefined): Promise<DeployStep[]> {
  const name = fn.fc3.name;
  const steps: DeployStep[] = [];
  const asyncBody = asyncInvokeBody(stack, fn);
  if (asyncBody) {
    const current = exists ? await unless(['AsyncConfigNotFound', 'AsyncConfigNotExists'], () => fc3.getAsyncInvokeConfig(name)) : undefined;
    const differences = current ? differing(asyncBody, current) : ['not found'];
    steps.push(
      differences.length === 0
        ? { kind: 'async invocation', name, action: 'unchanged', reasons: ['same as the template'] }
        : {
            kind: 'async invocation',
            name,
            action: current ? 'update' : 'create',
            reasons: differences,
            run: () => fc3.putAsyncInvokeConfig(name, asyncBody),
          },
    );
  }
  const cap = fn.fc3.reservedConcurrency;
  if (cap !== undefined) {
    const current = exists ? await unless(['ConcurrencyConfigNotFound'], () => fc3.getConcurrencyConfig(name)) : undefined;
    const differences = current ? differing({ reservedConcurrency: cap }, current) : ['not found'];
    steps.push(
      differences.length === 0
        ? { kind: 'concurrency', name, action: 'unchanged', reasons: [`at most ${cap} requests at once`] }
        : { kind: 'concurrency', name, action: current ? 'update' : 'create', reasons: differences, run: () => fc3.putConcurrencyConfig(name, cap) },
    );
  }
  // A new function is made with its tag (CreateFunction tags); one made before it had a tag is tagged.
  if (exists) {
    const tags = (exists.tags ?? []) as { Key?: string; key?: string; Value?: string; value?: string }[];
    const tagged = tags.some((t) => (t.Key ?? t.key) === STACK_TAG && (t.Value ?? t.value) === stack.stackName);
    if (!tagged) {
      steps.push({
        kind: 'tags',
        name,
        action: 'update',
        reasons: [`no ${STACK_TAG}=${stack.stackName} tag`],
        run: () => fc3.tagFunction(fc3FunctionArn(stack, name), { [STACK_TAG]: stack.stackName }),
      });
    }
  }
  return steps;
}

/** The stack's FC 3.0 functions and triggers (and its domain when it routes only to them), taken down. */
export async function planFc3Teardown(fc3: Fc3Client, stack: StackSpec, reason: string): Promise<Teardown> {
  const out: Teardown = { domains: [], triggers: [], ossTriggers: [], functions: [], services: [] };
  const ours = new Set(stack.functions.map((f) => f.fc3.name));
  for (const domain of stack.customDomains) {
    const current = await unless(['DomainNameNotFound'], () => fc3.getCustomDomain(domain.domainName));
    if (!current) continue;
    const routes = routedFunctions(current);
    out.domains.push(
      routes.length > 0 && routes.every((r) => ours.has(r))
        ? {
            kind: 'domain',
            name: domain.domainName,
            action: 'delete',
            reasons: [reason],
            run: async () => void (await unless(['DomainNameNotFound'], () => fc3.deleteCustomDomain(domain.domainName))),
          }
        : { kind: 'domain', name: domain.domainName, action: 'keep', reasons: ["routes to functions that are not this stack's FC 3.0 ones"] },
    );
  }
  for (const fn of stack.functions) {
    const name = fn.fc3.name;
    if (!(await unless(['FunctionNotFound'], () => fc3.getFunction(name)))) continue;
    for (const t of await fc3.listTriggers(name)) {
      (t.triggerType === 'oss' ? out.ossTriggers : out.triggers).push(deleteTrigger(fc3, name, String(t.triggerName), reason));
    }
    out.functions.push({
      kind: 'function',
      name,
      action: 'delete',
      reasons: [reason],
      // Its async and concurrency configurations go with it (FC 3.0 DeleteFunction).
      run: async () => void (await unless(['FunctionNotFound'], () => fc3.deleteFunction(name))),
    });
  }
  return out;
}

function functionStep(fc3: Fc3Client, stackName: string, wanted: Body, code: FunctionCode, current: Body | undefined): DeployStep {
  const name = String(wanted.functionName);
  const zipFile = Buffer.from(code.zip).toString('base64');
  if (!current) {
    return {
      kind: 'function',
      name,
      action: 'create',
      reasons: ['not found'],
      run: async () => {
        try {
          await fc3.createFunction({ ...wanted, code: { zipFile }, tags: [{ key: STACK_TAG, value: stackName }] });
        } catch (err) {
          if (codeOf(err) !== 'FunctionAlreadyExists') throw err;
          const { functionName: _n, ...update } = wanted;
          await fc3.updateFunction(name, { ...update, code: { zipFile } });
        }
      },
    };
  }
  const { functionName: _n, environmentVariables, ...wantedRest } = wanted;
  // A VpcConfig taken out of the template is cleared (an empty vpcConfig), as the FC 2.0 plan clears
  // a service's; "wanted ⊆ current" alone would leave the function in the VPC.
  const deployedVpc = (current.vpcConfig as { vpcId?: string } | undefined)?.vpcId;
  const rest: Body = !wantedRest.vpcConfig && deployedVpc ? { ...wantedRest, vpcConfig: {} } : wantedRest;
  const differences = differing(wantedRest, current);
  if (rest !== wantedRest) differences.push(`vpcConfig ${deployedVpc} → none`);
  const deployedEnv = (current.environmentVariables ?? {}) as Record<string, string>;
  const env = environmentVariables as Record<string, string>;
  const envChanges = Object.keys({ ...deployedEnv, ...env }).filter((k) => deployedEnv[k] !== env[k]);
  if (envChanges.length > 0) differences.push(`environment ${envChanges.join(', ')}`);
  const codeChanged = String(current.codeChecksum ?? '') !== code.checksum;
  if (codeChanged) differences.push(`code checksum ${String(current.codeChecksum ?? 'none')} → ${code.checksum}`);
  if (differences.length === 0) return { kind: 'function', name, action: 'unchanged', reasons: [`same configuration; code checksum ${code.checksum}`] };
  const update = { ...rest, environmentVariables, ...(codeChanged ? { code: { zipFile } } : {}) };
  return { kind: 'function', name, action: 'update', reasons: differences, run: async () => void (await fc3.updateFunction(name, update)) };
}

/** FC 3.0's calls for one trigger of `fn`. */
function triggerCalls(fc3: Fc3Client, fn: string, wanted: Body): TriggerCalls {
  const trigger = String(wanted.triggerName);
  const update: Body = {
    triggerConfig: wanted.triggerConfig,
    qualifier: wanted.qualifier,
    ...(wanted.invocationRole ? { invocationRole: wanted.invocationRole } : {}),
  };
  return {
    name: `${fn}/${trigger}`,
    wanted: { triggerType: wanted.triggerType, sourceArn: wanted.sourceArn },
    // triggerConfig is a JSON string both ways: compared by content, so key order does not matter.
    compared: { ...update, triggerConfig: JSON.parse(String(wanted.triggerConfig)) as Body },
    create: () => fc3.createTrigger(fn, wanted),
    update: () => fc3.updateTrigger(fn, trigger, update),
    remove: () => fc3.deleteTrigger(fn, trigger),
  };
}

function deleteTrigger(fc3: Fc3Client, fn: string, trigger: string, reason: string): DeployStep {
  return deleteTriggerStep({ name: `${fn}/${trigger}`, remove: () => fc3.deleteTrigger(fn, trigger) }, reason);
}

function routedFunctions(domain: Body): string[] {
  return ((domain.routeConfig as { routes?: { functionName?: string }[] } | undefined)?.routes ?? []).map((r) => String(r.functionName ?? ''));
}

async function customDomainStep(fc3: Fc3Client, domainName: string, body: Body, stack: StackSpec): Promise<DeployStep> {
  const current = await unless(['DomainNameNotFound'], () => fc3.getCustomDomain(domainName));
  if (!current) {
    return {
      kind: 'domain',
      name: domainName,
      action: 'create',
      reasons: ['not found'],
      run: async () => {
        try {
          await fc3.createCustomDomain({ domainName, ...body });
        } catch (err) {
          if (codeOf(err) !== 'DomainNameAlreadyExists') throw err;
          await fc3.updateCustomDomain(domainName, body);
        }
      },
    };
  }
  // A domain routing to another stack's functions is someone else's.
  const mine = new Set(stack.functions.map((f) => f.fc3.name));
  const foreign = routedFunctions(current).filter((r) => !mine.has(r));
  if (foreign.length > 0) {
    return { kind: 'domain', name: domainName, action: 'blocked', reasons: [`exists and routes to ${foreign.join(', ')}: not this stack's domain`] };
  }
  const comparableBody = {
    ...body,
    ...(body.certConfig ? { certConfig: { certName: (body.certConfig as Body).certName, certificate: (body.certConfig as Body).certificate } } : {}),
  };
  const differences = differing(comparableBody, current);
  if (differences.length === 0) return { kind: 'domain', name: domainName, action: 'unchanged', reasons: ['same as the template'] };
  return { kind: 'domain', name: domainName, action: 'update', reasons: differences, run: async () => void (await fc3.updateCustomDomain(domainName, body)) };
}

/** The address FC 3.0 gave the function's HTTP trigger (GetTrigger httpTrigger.urlInternet). */
export async function fc3HttpAddress(fc3: Fc3Client, stack: StackSpec, fn: FunctionSpec): Promise<string | undefined> {
  const trigger = fn.triggers.find((t) => t.type === 'HTTP');
  if (!trigger) return undefined;
  const name = String(fc3TriggerBody(stack, fn, trigger).triggerName);
  const answer = await unless(['TriggerNotFound', 'FunctionNotFound'], () => fc3.getTrigger(fn.fc3.name, name));
  const url = (answer?.httpTrigger as { urlInternet?: unknown } | undefined)?.urlInternet;
  return typeof url === 'string' && url !== '' ? `${url.replace(/\/+$/, '')}/` : undefined;
}
