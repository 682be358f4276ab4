// Reads template.yml (ROS 2015-09-01 + Aliyun::Serverless-2018-04-03) into a StackSpec: the roles,
// the services, their functions and triggers, the custom domains, every intrinsic evaluated. Both `thaw deploy`
// and the local stack deploy from this; `thaw package` rewrites the same document for ROS.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { TemplateError } from './errors';
import { evaluate, evaluateConditions, type Scope, type Value } from './intrinsics';
import { type ParameterSpec, parameterSpecs } from './parameters';

/** The YAML short forms (!Ref, !Sub, …) as the long forms ROS reads ({Ref: …}, {'Fn::Sub': …}). */
const TAGS = ['Ref', 'Sub', 'Join', 'Split', 'GetAtt', 'Select', 'If', 'Equals', 'Not', 'FindInMap', 'Base64', 'GetAZs', 'Replace'];

// Each short form may tag a scalar (`!Ref X`), a sequence (`!Join [',', …]`) or a mapping.
const SHORT_FORMS = TAGS.flatMap((name) => {
  const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
  return [
    { tag: `!${name}`, resolve: (value: unknown) => ({ [key]: value }) },
    { tag: `!${name}`, collection: 'seq', resolve: (seq: { toJSON(): unknown }) => ({ [key]: seq.toJSON() }) },
    { tag: `!${name}`, collection: 'map', resolve: (map: { toJSON(): unknown }) => ({ [key]: map.toJSON() }) },
  ];
});

export interface TemplateDocument {
  readonly ROSTemplateFormatVersion?: string;
  readonly Transform?: string;
  readonly Description?: string;
  readonly Parameters?: Record<string, Record<string, unknown>>;
  readonly Resources?: Record<string, Record<string, unknown>>;
  readonly [section: string]: unknown;
}

export function parseTemplate(text: string): TemplateDocument {
  const doc = parse(text, { customTags: SHORT_FORMS as never, maxAliasCount: 100 }) as TemplateDocument;
  if (!doc || typeof doc !== 'object' || !doc.Resources) throw new TemplateError('the template has no Resources');
  return doc;
}

export async function readTemplateFile(path: string): Promise<TemplateDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TemplateError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseTemplate(text);
}

export type TriggerType = 'HTTP' | 'Log' | 'OSS' | 'Timer' | 'EventBridge';
const TRIGGER_TYPES: readonly TriggerType[] = ['HTTP', 'Log', 'OSS', 'Timer', 'EventBridge'];

export interface RoleSpec {
  readonly logicalId: string;
  readonly roleName: string;
  readonly description: string;
  readonly assumeRolePolicyDocument: Record<string, Value>;
  readonly policies: readonly { policyName: string; policyDocument: Record<string, Value> }[];
}

export interface TriggerSpec {
  readonly name: string;
  readonly type: TriggerType;
  /** Evaluated Properties, as written in the template (PascalCase). */
  readonly properties: Record<string, Value>;
}

/**
 * What a function is on FC 3.0, beside what its FC 2.0 service gives it: a function of its own,
 * named <stack>-<function>, with the service's role, log and VPC configuration, and the overrides the
 * template's `Metadata: {FC3: …}` names (FC 3.0 calls an HTTP function as an event handler with its
 * HTTP trigger event, so its Handler differs; instance concurrency and memory are FC 3.0 settings).
 */
export interface Fc3Function {
  readonly name: string;
  readonly handler: string;
  readonly memorySize: number;
  readonly instanceConcurrency?: number;
  /** PutConcurrencyConfig: the most instances the function may run at once (what a flood can cost). */
  readonly reservedConcurrency?: number;
  /** PutAsyncInvokeConfig: FC's retries of a failed asynchronous invocation, and where it goes after them. */
  readonly asyncInvokeConfig?: {
    /** The template's function (by name) that gets the failed event: the dead letter. */
    readonly onFailure?: string;
    readonly maxAsyncRetryAttempts?: number;
    readonly maxAsyncEventAgeInSeconds?: number;
  };
}

/** The FC 3.0 settings `Metadata: {FC3: …}` may give a function (ROS ALIYUN::FC3::* property names). */
const FC3_KEYS = ['Handler', 'MemorySize', 'InstanceConcurrency', 'ReservedConcurrency', 'AsyncInvokeConfig'];
const ASYNC_KEYS = ['OnFailure', 'MaxAsyncRetryAttempts', 'MaxAsyncEventAgeInSeconds'];

export interface FunctionSpec {
  readonly name: string;
  /** The FC service it belongs to (its name, as deployed). */
  readonly service: string;
  readonly fc3: Fc3Function;
  readonly description: string;
  readonly handler: string;
  readonly runtime: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly environment: Record<string, string>;
  readonly codeUri: string;
  readonly triggers: readonly TriggerSpec[];
}

export interface VpcConfig {
  readonly vpcId: string;
  readonly vSwitchIds: readonly string[];
  readonly securityGroupId: string;
}

export interface ServiceSpec {
  readonly logicalId: string;
  /** The FC service name: <stack>-<LogicalId>, the same for thaw deploy and the packaged ROS template. */
  readonly name: string;
  readonly description: string;
  readonly role: string;
  readonly logConfig?: { project: string; logstore: string };
  readonly vpcConfig?: VpcConfig;
  readonly functions: readonly FunctionSpec[];
}

export interface CustomDomainSpec {
  readonly logicalId: string;
  readonly domainName: string;
  /** 'HTTP' or 'HTTP,HTTPS'. */
  readonly protocol: string;
  readonly certConfig?: { certName: string; certificate: string; privateKey: string };
  /** Path patterns to functions, the service by its deployed name. */
  readonly routes: readonly { path: string; serviceName: string; functionName: string }[];
}

export interface StackSpec {
  readonly stackName: string;
  readonly accountId: string;
  readonly region: string;
  readonly parameters: Readonly<Record<string, Value>>;
  readonly roles: readonly RoleSpec[];
  readonly services: readonly ServiceSpec[];
  /** Every function of every service. */
  readonly functions: readonly FunctionSpec[];
  readonly customDomains: readonly CustomDomainSpec[];
}

export interface ResolveOptions {
  readonly stackName: string;
  readonly accountId: string;
  readonly region: string;
  /** Typed parameter values (see resolveParameters). */
  readonly parameters: Readonly<Record<string, Value>>;
  /** Role ARNs given by flag, by logical id: used instead of creating the role. */
  readonly roleArns?: Readonly<Record<string, string>>;
}

/** The FC service name of a service's logical id. */
export function serviceName(stackName: string, logicalId: string): string {
  return `${stackName}-${logicalId}`;
}

/** Evaluates the template into what to deploy. Resources whose Condition is false are left out. */
export function resolveStack(doc: TemplateDocument, options: ResolveOptions): StackSpec {
  const base = { parameters: options.parameters, accountId: options.accountId, region: options.region, stackName: options.stackName };
  const noAttributes = (id: string, attr: string): never => {
    throw new TemplateError(`Fn::GetAtt ${id}.${attr} is not available here`);
  };
  const conditions = evaluateConditions(doc.Conditions as Record<string, unknown> | undefined, { ...base, attribute: noAttributes });
  const resources = Object.entries(doc.Resources ?? {}).filter(([logicalId, r]) => {
    if (r.Condition === undefined) return true;
    if (typeof r.Condition !== 'string' || !(r.Condition in conditions))
      throw new TemplateError(`Resources.${logicalId}.Condition names no condition of the template`);
    return conditions[r.Condition];
  });

  const roles: RoleSpec[] = [];
  for (const [logicalId, resource] of resources) {
    if (resource.Type !== 'ALIYUN::RAM::Role') continue;
    const p = evaluate(resource.Properties ?? {}, { ...base, conditions, attribute: noAttributes }, `Resources.${logicalId}.Properties`) as Record<
      string,
      Value
    >;
    roles.push({
      logicalId,
      roleName: requireString(p.RoleName, `${logicalId}.RoleName`),
      description: typeof p.Description === 'string' ? p.Description : '',
      assumeRolePolicyDocument: requireObject(p.AssumeRolePolicyDocument, `${logicalId}.AssumeRolePolicyDocument`),
      policies: (Array.isArray(p.Policies) ? p.Policies : []).map((policy, i) => {
        const o = requireObject(policy, `${logicalId}.Policies[${i}]`);
        return {
          policyName: requireString(o.PolicyName, `${logicalId}.Policies[${i}].PolicyName`),
          policyDocument: requireObject(o.PolicyDocument, `${logicalId}.Policies[${i}].PolicyDocument`),
        };
      }),
    });
  }
  const scope: Scope = {
    ...base,
    conditions,
    attribute: (id, attr) => {
      const role = roles.find((r) => r.logicalId === id);
      if (!role || attr !== 'Arn') throw new TemplateError(`Fn::GetAtt ${id}.${attr}: only the Arn of an ALIYUN::RAM::Role is supported`);
      return options.roleArns?.[id] ?? roleArn(options.accountId, role.roleName);
    },
  };

  const services: ServiceSpec[] = [];
  for (const [serviceId, service] of resources) {
    if (service.Type !== 'Aliyun::Serverless::Service') continue;
    const name = serviceName(options.stackName, serviceId);
    const sp = evaluate(service.Properties ?? {}, scope, `Resources.${serviceId}.Properties`) as Record<string, Value>;
    const log = sp.LogConfig === undefined ? undefined : requireObject(sp.LogConfig, `${serviceId}.LogConfig`);
    const vpc = sp.VpcConfig === undefined ? undefined : requireObject(sp.VpcConfig, `${serviceId}.VpcConfig`);
    const functions: FunctionSpec[] = [];
    for (const [fnName, resource] of Object.entries(service)) {
      const fn = resource as { Type?: unknown; Properties?: unknown; Events?: Record<string, { Type?: unknown; Properties?: unknown }> };
      if (fn?.Type !== 'Aliyun::Serverless::Function') continue;
      functions.push(resolveFunction(name, serviceId, fnName, fn, scope));
    }
    if (functions.length === 0) throw new TemplateError(`service ${serviceId} declares no functions`);
    services.push({
      logicalId: serviceId,
      name,
      description: typeof sp.Description === 'string' ? sp.Description : '',
      role: requireString(sp.Role, `${serviceId}.Role`),
      logConfig: log
        ? { project: requireString(log.Project, `${serviceId}.LogConfig.Project`), logstore: requireString(log.Logstore, `${serviceId}.LogConfig.Logstore`) }
        : undefined,
      vpcConfig: vpc
        ? {
            vpcId: requireString(vpc.VpcId, `${serviceId}.VpcConfig.VpcId`),
            vSwitchIds: requireList(vpc.VSwitchIds, `${serviceId}.VpcConfig.VSwitchIds`),
            securityGroupId: requireString(vpc.SecurityGroupId, `${serviceId}.VpcConfig.SecurityGroupId`),
          }
        : undefined,
      functions,
    });
  }
  if (services.length === 0) throw new TemplateError('the template declares no Aliyun::Serverless::Service');
  const functions = services.flatMap((s) => s.functions);
  const seen = new Set<string>();
  for (const f of functions) {
    if (seen.has(f.name)) throw new TemplateError(`two functions are named ${f.name}: function names are unique across the template`);
    seen.add(f.name);
  }
  for (const f of functions) {
    const to = f.fc3.asyncInvokeConfig?.onFailure;
    if (to !== undefined && !functions.some((g) => g.name === to && g !== f))
      throw new TemplateError(`${f.name}: Metadata.FC3.AsyncInvokeConfig.OnFailure names ${to}, which is not another function of the template`);
  }

  const customDomains: CustomDomainSpec[] = [];
  for (const [logicalId, resource] of resources) {
    if (resource.Type !== 'Aliyun::Serverless::CustomDomain') continue;
    const p = evaluate(resource.Properties ?? {}, scope, `Resources.${logicalId}.Properties`) as Record<string, Value>;
    const cert = p.CertConfig === undefined ? undefined : requireObject(p.CertConfig, `${logicalId}.CertConfig`);
    const routes = requireObject(requireObject(p.RouteConfig ?? null, `${logicalId}.RouteConfig`).Routes ?? null, `${logicalId}.RouteConfig.Routes`);
    customDomains.push({
      logicalId,
      domainName: requireString(p.DomainName, `${logicalId}.DomainName`).toLowerCase(),
      protocol: requireString(p.Protocol, `${logicalId}.Protocol`),
      certConfig: cert
        ? {
            certName: requireString(cert.CertificateName, `${logicalId}.CertConfig.CertificateName`),
            certificate: requireString(cert.Certificate, `${logicalId}.CertConfig.Certificate`),
            privateKey: requireString(cert.PrivateKey, `${logicalId}.CertConfig.PrivateKey`),
          }
        : undefined,
      routes: Object.entries(routes).map(([path, target]) => {
        const t = requireObject(target, `${logicalId}.RouteConfig.Routes.${path}`);
        const service = services.find((s) => s.logicalId === t.ServiceName);
        if (!service) throw new TemplateError(`${logicalId}.RouteConfig.Routes.${path}.ServiceName names no service of the template`);
        const fn = requireString(t.FunctionName, `${logicalId}.RouteConfig.Routes.${path}.FunctionName`);
        if (!service.functions.some((f) => f.name === fn))
          throw new TemplateError(`${logicalId}.RouteConfig.Routes.${path}: service ${service.logicalId} has no function ${fn}`);
        return { path, serviceName: service.name, functionName: fn };
      }),
    });
  }
  return {
    stackName: options.stackName,
    accountId: options.accountId,
    region: options.region,
    parameters: options.parameters,
    roles,
    services,
    functions,
    customDomains,
  };
}

function resolveFunction(
  service: string,
  serviceId: string,
  name: string,
  fn: { Properties?: unknown; Metadata?: unknown; Events?: Record<string, { Type?: unknown; Properties?: unknown }> },
  scope: Scope,
): FunctionSpec {
  const where = `Resources.${serviceId}.${name}`;
  const p = evaluate(fn.Properties ?? {}, scope, `${where}.Properties`) as Record<string, Value>;
  const metadata = fn.Metadata === undefined ? {} : requireObject(evaluate(fn.Metadata, scope, `${where}.Metadata`), `${where}.Metadata`);
  const fc3 = metadata.FC3 === undefined ? {} : requireObject(metadata.FC3, `${where}.Metadata.FC3`);
  for (const key of Object.keys(fc3)) {
    if (!FC3_KEYS.includes(key)) throw new TemplateError(`${where}.Metadata.FC3.${key}: the FC 3.0 settings are ${FC3_KEYS.join(', ')}`);
  }
  const asyncConfig = fc3.AsyncInvokeConfig === undefined ? undefined : requireObject(fc3.AsyncInvokeConfig, `${where}.Metadata.FC3.AsyncInvokeConfig`);
  for (const key of Object.keys(asyncConfig ?? {})) {
    if (!ASYNC_KEYS.includes(key)) throw new TemplateError(`${where}.Metadata.FC3.AsyncInvokeConfig.${key}: the settings are ${ASYNC_KEYS.join(', ')}`);
  }
  const environment = Object.fromEntries(
    Object.entries(requireObject(p.EnvironmentVariables ?? {}, `${where}.EnvironmentVariables`)).map(([k, v]) => {
      if (v !== null && typeof v === 'object') throw new TemplateError(`${where}.EnvironmentVariables.${k} must be a scalar`);
      // FC environment variables are strings.
      return [k, v === null ? '' : String(v)];
    }),
  );
  const triggers = Object.entries(fn.Events ?? {}).map(([triggerName, event]) => {
    const type = event?.Type as TriggerType;
    if (!TRIGGER_TYPES.includes(type))
      throw new TemplateError(`${where}.Events.${triggerName}: type ${String(event?.Type)} is not one of ${TRIGGER_TYPES.join(', ')}`);
    return {
      name: triggerName,
      type,
      properties: evaluate(event.Properties ?? {}, scope, `${where}.Events.${triggerName}.Properties`) as Record<string, Value>,
    };
  });
  const memorySize = Number(p.MemorySize ?? 128);
  return {
    name,
    service,
    fc3: {
      name: `${scope.stackName}-${name}`,
      handler: fc3.Handler === undefined ? requireString(p.Handler, `${where}.Handler`) : requireString(fc3.Handler, `${where}.Metadata.FC3.Handler`),
      memorySize: fc3.MemorySize === undefined ? memorySize : Number(fc3.MemorySize),
      ...(fc3.InstanceConcurrency === undefined ? {} : { instanceConcurrency: Number(fc3.InstanceConcurrency) }),
      ...(fc3.ReservedConcurrency === undefined ? {} : { reservedConcurrency: Number(fc3.ReservedConcurrency) }),
      ...(asyncConfig
        ? {
            asyncInvokeConfig: {
              ...(asyncConfig.OnFailure === undefined
                ? {}
                : { onFailure: requireString(asyncConfig.OnFailure, `${where}.Metadata.FC3.AsyncInvokeConfig.OnFailure`) }),
              ...(asyncConfig.MaxAsyncRetryAttempts === undefined ? {} : { maxAsyncRetryAttempts: Number(asyncConfig.MaxAsyncRetryAttempts) }),
              ...(asyncConfig.MaxAsyncEventAgeInSeconds === undefined ? {} : { maxAsyncEventAgeInSeconds: Number(asyncConfig.MaxAsyncEventAgeInSeconds) }),
            },
          }
        : {}),
    },
    description: typeof p.Description === 'string' ? p.Description : '',
    handler: requireString(p.Handler, `${where}.Handler`),
    runtime: requireString(p.Runtime, `${where}.Runtime`),
    memorySize,
    timeoutSeconds: Number(p.Timeout ?? 3),
    environment,
    codeUri: requireString(p.CodeUri, `${where}.CodeUri`),
    triggers,
  };
}

/** The service a function belongs to. */
export function serviceOf(stack: Pick<StackSpec, 'services'>, fn: FunctionSpec): ServiceSpec {
  return stack.services.find((s) => s.name === fn.service)!;
}

export function roleArn(accountId: string, roleName: string): string {
  // RAM role ARNs carry no region: acs:ram::<uid>:role/<name> (role names are case-insensitive; RAM shows them lower-case).
  return `acs:ram::${accountId}:role/${roleName.toLowerCase()}`;
}

export function templateParameters(doc: TemplateDocument): ParameterSpec[] {
  return parameterSpecs(doc.Parameters ?? {});
}

function requireString(v: Value | undefined, where: string): string {
  if (typeof v !== 'string' || v === '') throw new TemplateError(`${where} must be a non-empty string`);
  return v;
}

function requireList(v: Value | undefined, where: string): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new TemplateError(`${where} must be a non-empty list`);
  return v.map(String);
}

function requireObject(v: Value | undefined, where: string): Record<string, Value> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TemplateError(`${where} must be an object`);
  return v as Record<string, Value>;
}

/**
 * Which template parameter each function environment variable carries, where the variable is
 * exactly one parameter (`!Ref P`, `!Sub '${P}'`, `!Join [',', !Ref P]`). The local stack uses it so
 * a shell's `THAW_DAILY_RESTORES=1 npm start` reaches the functions it deploys, as the parameter would.
 */
export function environmentParameters(doc: TemplateDocument): Map<string, string> {
  const found = new Map<string, string>();
  const parameterOf = (value: unknown): string | undefined => {
    if (!value || typeof value !== 'object') return undefined;
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const sub = v['Fn::Sub'];
    if (typeof sub === 'string') return /^\$\{([A-Za-z0-9]+)\}$/.exec(sub)?.[1];
    const join = v['Fn::Join'];
    if (Array.isArray(join) && join.length === 2) return parameterOf(join[1]);
    return undefined;
  };
  for (const resource of Object.values(doc.Resources ?? {})) {
    for (const fn of Object.values(resource)) {
      const env = (fn as { Properties?: { EnvironmentVariables?: Record<string, unknown> } } | null)?.Properties?.EnvironmentVariables;
      for (const [name, value] of Object.entries(env ?? {})) {
        const parameter = parameterOf(value);
        if (parameter) found.set(name, parameter);
      }
    }
  }
  return found;
}
