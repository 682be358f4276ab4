// The FC 2.0 open-API bodies for a StackSpec: CreateService/UpdateService, CreateFunction/
// UpdateFunction and CreateTrigger/UpdateTrigger. The trigger translation follows FC's documented
// config per type (FC 2.0 API data structures HTTPTriggerConfig, LogTriggerConfig, OSSTriggerConfig,
// TimeTriggerConfig, EventBridgeTriggerConfig) and the Aliyun::Serverless event properties they come
// from; the local FC API checks the result against its own copy of those shapes.
import { TemplateError } from './errors';
import type { Value } from './intrinsics';
import type { CustomDomainSpec, FunctionSpec, ServiceSpec, StackSpec, TriggerSpec } from './template';

export interface ServiceBody {
  readonly serviceName: string;
  readonly description: string;
  readonly role: string;
  readonly logConfig?: { project: string; logstore: string };
  readonly vpcConfig?: { vpcId: string; vSwitchIds: string[]; securityGroupId: string };
}

/** FC 2.0 CustomDomain: CreateCustomDomain / UpdateCustomDomain. */
export interface CustomDomainBody {
  readonly domainName: string;
  readonly protocol: string;
  readonly certConfig?: { certName: string; certificate: string; privateKey: string };
  readonly routeConfig: { routes: { path: string; serviceName: string; functionName: string }[] };
}

/** A function's configuration; the code goes separately (it is compared by checksum). */
export interface FunctionBody {
  readonly functionName: string;
  readonly description: string;
  readonly handler: string;
  readonly runtime: string;
  readonly memorySize: number;
  readonly timeout: number;
  readonly environmentVariables: Record<string, string>;
}

export interface TriggerBody {
  readonly triggerName: string;
  readonly triggerType: 'http' | 'log' | 'oss' | 'timer' | 'eventbridge';
  readonly triggerConfig: Record<string, Value>;
  readonly sourceArn?: string;
  readonly invocationRole?: string;
}

export function serviceBody(service: ServiceSpec): ServiceBody {
  return {
    serviceName: service.name,
    description: service.description,
    role: service.role,
    ...(service.logConfig ? { logConfig: service.logConfig } : {}),
    ...(service.vpcConfig ? { vpcConfig: { ...service.vpcConfig, vSwitchIds: [...service.vpcConfig.vSwitchIds] } } : {}),
  };
}

export function customDomainBody(domain: CustomDomainSpec): CustomDomainBody {
  return {
    domainName: domain.domainName,
    protocol: domain.protocol,
    ...(domain.certConfig ? { certConfig: { ...domain.certConfig } } : {}),
    routeConfig: { routes: domain.routes.map((r) => ({ ...r })) },
  };
}

export function functionBody(fn: FunctionSpec): FunctionBody {
  return {
    functionName: fn.name,
    description: fn.description,
    handler: fn.handler,
    runtime: fn.runtime,
    memorySize: fn.memorySize,
    timeout: fn.timeoutSeconds,
    environmentVariables: fn.environment,
  };
}

export function triggerBody(stack: Pick<StackSpec, 'accountId' | 'region'>, fn: FunctionSpec, trigger: TriggerSpec): TriggerBody {
  const p = trigger.properties;
  const where = `${fn.name}.Events.${trigger.name}`;
  const role = p.InvocationRole === undefined ? {} : { invocationRole: text(p.InvocationRole, `${where}.InvocationRole`) };
  switch (trigger.type) {
    case 'HTTP':
      return {
        triggerName: trigger.name,
        triggerType: 'http',
        triggerConfig: { authType: text(p.AuthType, `${where}.AuthType`).toLowerCase(), methods: list(p.Methods, `${where}.Methods`) },
        ...role,
      };
    case 'Log': {
      const source = object(p.SourceConfig, `${where}.SourceConfig`);
      const job = object(p.JobConfig, `${where}.JobConfig`);
      const log = object(p.LogConfig, `${where}.LogConfig`);
      const project = text(log.Project, `${where}.LogConfig.Project`);
      return {
        triggerName: trigger.name,
        triggerType: 'log',
        triggerConfig: {
          sourceConfig: { logstore: text(source.Logstore, `${where}.SourceConfig.Logstore`) },
          jobConfig: { maxRetryTime: Number(job.MaxRetryTime), triggerInterval: Number(job.TriggerInterval) },
          logConfig: { project, logstore: text(log.Logstore, `${where}.LogConfig.Logstore`) },
          functionParameter: (p.FunctionParameter as Record<string, Value> | undefined) ?? {},
          enable: p.Enable !== false,
        },
        // The source logstore's project: acs:log:<region>:<uid>:project/<project>.
        sourceArn: `acs:log:${stack.region}:${stack.accountId}:project/${project}`,
        ...role,
      };
    }
    case 'OSS': {
      const filter = p.Filter === undefined ? undefined : object(object(p.Filter, `${where}.Filter`).Key, `${where}.Filter.Key`);
      return {
        triggerName: trigger.name,
        triggerType: 'oss',
        triggerConfig: {
          events: list(p.Events, `${where}.Events`),
          ...(filter ? { filter: { key: { prefix: String(filter.Prefix ?? ''), suffix: String(filter.Suffix ?? '') } } } : {}),
        },
        sourceArn: `acs:oss:${stack.region}:${stack.accountId}:${text(p.BucketName, `${where}.BucketName`)}`,
        ...role,
      };
    }
    case 'Timer':
      return {
        triggerName: trigger.name,
        triggerType: 'timer',
        triggerConfig: {
          cronExpression: text(p.CronExpression, `${where}.CronExpression`),
          enable: p.Enable !== false,
          ...(p.Payload === undefined ? {} : { payload: String(p.Payload) }),
        },
      };
    case 'EventBridge': {
      const source = p.EventSourceConfig === undefined ? { EventSourceType: 'Default' } : object(p.EventSourceConfig, `${where}.EventSourceConfig`);
      return {
        triggerName: trigger.name,
        triggerType: 'eventbridge',
        triggerConfig: {
          triggerEnable: p.TriggerEnable !== false,
          eventRuleFilterPattern: text(p.EventRuleFilterPattern, `${where}.EventRuleFilterPattern`),
          eventSourceConfig: { eventSourceType: text(source.EventSourceType, `${where}.EventSourceConfig.EventSourceType`) },
          ...(p.AsyncInvocationType === undefined ? {} : { asyncInvocationType: p.AsyncInvocationType === true }),
        },
        ...role,
      };
    }
  }
}

function text(v: Value | undefined, where: string): string {
  if (typeof v !== 'string' || v === '') throw new TemplateError(`${where} must be a non-empty string`);
  return v;
}

function list(v: Value | undefined, where: string): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new TemplateError(`${where} must be a non-empty list`);
  return v.map(String);
}

function object(v: Value | undefined, where: string): Record<string, Value> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TemplateError(`${where} must be an object`);
  return v as Record<string, Value>;
}
