// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${…} in plain strings.
// template.yml as a ROS template of native resources, for `aliyun ros CreateStack`. The
// Aliyun::Serverless transform names every service and function `<stack>-<LogicalId>-<hash>`
// (recorded ROS output in alibaba/funcraft), so grants written against the names thaw deploy gives
// would match nothing; ALIYUN::FC::Service and ALIYUN::FC::Function take ServiceName and FunctionName,
// so the packaged stack gets exactly the names thaw deploy gives (<stack>-<service logical id>, and
// the function's own name) and the invocation roles' grants hold for both.
//
// The translation keeps every intrinsic as written (the stack name, the account and the parameters
// are ROS's to fill in): properties are renamed and moved, never evaluated. ALIYUN::RAM::Role
// resources and the Parameters and Conditions sections are copied as they are.
import { TemplateError } from './errors';
import type { TemplateDocument } from './template';

type Node = unknown;
type Props = Record<string, Node>;

/** A ROS logical id from a template name: "access-log" → "AccessLog". */
export function logicalId(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

const sub = (text: string): Node => ({ 'Fn::Sub': text });
const getAtt = (id: string, attribute: string): Node => ({ 'Fn::GetAtt': [id, attribute] });

/**
 * The FC 2.0 stack of native resources; `codeUris` gives each function's oss:// zip. ROS documents no
 * eventbridge TriggerType for ALIYUN::FC::Trigger (oss, log, tablestore, timer, mns_topic, cdn_events,
 * http: ROS "ALIYUN::FC::Trigger"), so an EventBridge event is left out and `left` names it; restores
 * then complete through the sweeper and status reads, a sweep later.
 */
export function rosTemplateFc2(doc: TemplateDocument, codeUris: Readonly<Record<string, string>>, left: string[] = []): TemplateDocument {
  const resources: Record<string, Props> = {};
  for (const [id, resource] of Object.entries(doc.Resources ?? {})) {
    if (resource.Type === 'ALIYUN::RAM::Role') resources[id] = structuredClone(resource) as Props;
  }
  for (const [serviceId, service] of Object.entries(doc.Resources ?? {})) {
    if (service.Type !== 'Aliyun::Serverless::Service') continue;
    const sp = (service.Properties ?? {}) as Props;
    const svcId = logicalId(serviceId, 'service');
    resources[svcId] = {
      Type: 'ALIYUN::FC::Service',
      ...(service.Condition ? { Condition: service.Condition } : {}),
      Properties: compact({
        ServiceName: sub(`\${ALIYUN::StackName}-${serviceId}`),
        Description: sp.Description,
        Role: sp.Role,
        LogConfig: sp.LogConfig,
        VpcConfig: sp.VpcConfig,
        InternetAccess: sp.InternetAccess,
      }),
    };
    for (const [fnName, fn] of Object.entries(service)) {
      const f = fn as { Type?: string; Properties?: Props; Events?: Record<string, { Type?: string; Properties?: Props }> };
      if (f?.Type !== 'Aliyun::Serverless::Function') continue;
      const uri = codeUris[fnName];
      if (!uri) throw new TemplateError(`no zip was built for function ${fnName} (functions/${fnName}/index.ts)`);
      const [bucket, ...key] = uri.replace(/^oss:\/\//, '').split('/');
      const p = f.Properties ?? {};
      const fnId = logicalId(fnName, 'function');
      resources[fnId] = {
        Type: 'ALIYUN::FC::Function',
        DependsOn: [svcId],
        Properties: compact({
          ServiceName: getAtt(svcId, 'ServiceName'),
          FunctionName: fnName,
          Description: p.Description,
          Handler: p.Handler,
          Runtime: p.Runtime,
          MemorySize: p.MemorySize,
          Timeout: p.Timeout,
          EnvironmentVariables: p.EnvironmentVariables,
          Code: { OssBucketName: bucket, OssObjectName: key.join('/') },
        }),
      };
      for (const [triggerName, event] of Object.entries(f.Events ?? {})) {
        if (event.Type === 'EventBridge') {
          left.push(`${fnName}.Events.${triggerName}`);
          continue;
        }
        resources[logicalId(fnName, triggerName, 'trigger')] = {
          Type: 'ALIYUN::FC::Trigger',
          DependsOn: [fnId],
          Properties: {
            ServiceName: getAtt(svcId, 'ServiceName'),
            FunctionName: getAtt(fnId, 'FunctionName'),
            TriggerName: triggerName,
            ...fc2Trigger(`${fnName}.Events.${triggerName}`, String(event.Type), event.Properties ?? {}),
          },
        };
      }
    }
  }
  for (const [id, domain] of Object.entries(doc.Resources ?? {})) {
    if (domain.Type !== 'Aliyun::Serverless::CustomDomain') continue;
    const p = (domain.Properties ?? {}) as Props;
    const routes = ((p.RouteConfig as Props | undefined)?.Routes ?? {}) as Record<string, Props>;
    resources[logicalId(id, 'domain')] = {
      Type: 'ALIYUN::FC::CustomDomain',
      ...(domain.Condition ? { Condition: domain.Condition } : {}),
      DependsOn: Object.values(routes).map((r) => logicalId(String(r.FunctionName), 'function')),
      Properties: compact({
        DomainName: p.DomainName,
        Protocol: p.Protocol,
        CertConfig: rename(p.CertConfig, { CertificateName: 'CertName' }),
        RouteConfig: {
          Routes: Object.entries(routes).map(([path, r]) => ({
            Path: path,
            ServiceName: sub(`\${ALIYUN::StackName}-${String(r.ServiceName)}`),
            FunctionName: r.FunctionName,
          })),
        },
      }),
    };
  }
  const out: TemplateDocument = {
    ROSTemplateFormatVersion: '2015-09-01',
    Description: doc.Description,
    Parameters: doc.Parameters,
    ...(doc.Conditions ? { Conditions: doc.Conditions } : {}),
    Resources: resources,
  };
  return out;
}

/**
 * An Aliyun::Serverless event as ALIYUN::FC::Trigger properties: TriggerType, TriggerConfig (FC's
 * own camelCase config, as the FC 2.0 API takes it), SourceArn, InvocationRole — the same shapes
 * lib/deploy/fc2-resources.ts sends for thaw deploy, with the intrinsics left in.
 */
function fc2Trigger(where: string, type: string, p: Props): Props {
  const role = p.InvocationRole === undefined ? {} : { InvocationRole: p.InvocationRole };
  switch (type) {
    case 'HTTP':
      if (typeof p.AuthType !== 'string') throw new TemplateError(`${where}.AuthType must be written out (ANONYMOUS or FUNCTION)`);
      return { TriggerType: 'http', TriggerConfig: { authType: p.AuthType.toLowerCase(), methods: p.Methods } };
    case 'Log': {
      const log = (p.LogConfig ?? {}) as Props;
      const job = (p.JobConfig ?? {}) as Props;
      return {
        TriggerType: 'log',
        TriggerConfig: {
          sourceConfig: { logstore: (p.SourceConfig as Props | undefined)?.Logstore },
          jobConfig: { maxRetryTime: job.MaxRetryTime, triggerInterval: job.TriggerInterval },
          logConfig: { project: log.Project, logstore: log.Logstore },
          functionParameter: p.FunctionParameter ?? {},
          enable: p.Enable ?? true,
        },
        SourceArn: { 'Fn::Sub': ['acs:log:${ALIYUN::Region}:${ALIYUN::AccountId}:project/${Project}', { Project: log.Project }] },
        ...role,
      };
    }
    case 'OSS': {
      const key = ((p.Filter as Props | undefined)?.Key ?? undefined) as Props | undefined;
      return {
        TriggerType: 'oss',
        TriggerConfig: { events: p.Events, ...(key ? { filter: { key: { prefix: key.Prefix ?? '', suffix: key.Suffix ?? '' } } } : {}) },
        SourceArn: { 'Fn::Sub': ['acs:oss:${ALIYUN::Region}:${ALIYUN::AccountId}:${Bucket}', { Bucket: p.BucketName }] },
        ...role,
      };
    }
    case 'Timer':
      return {
        TriggerType: 'timer',
        TriggerConfig: compact({ cronExpression: p.CronExpression, enable: p.Enable ?? true, payload: p.Payload }),
      };
    case 'EventBridge': {
      const source = (p.EventSourceConfig ?? { EventSourceType: 'Default' }) as Props;
      if (p.InvocationRole !== undefined) throw new TemplateError(`${where}: EventBridge invokes through its service-linked role; remove InvocationRole`);
      return {
        TriggerType: 'eventbridge',
        TriggerConfig: compact({
          triggerEnable: p.TriggerEnable ?? true,
          eventRuleFilterPattern: p.EventRuleFilterPattern,
          eventSourceConfig: { eventSourceType: source.EventSourceType },
          asyncInvocationType: p.AsyncInvocationType,
        }),
      };
    }
    default:
      throw new TemplateError(`${where}: type ${type} has no ALIYUN::FC::Trigger form`);
  }
}

function compact(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}

function rename(value: Node, names: Record<string, string>): Node {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  // An intrinsic (Fn::If …) is renamed inside each of its branches.
  if (keys.length === 1 && keys[0]!.startsWith('Fn::If')) {
    const [condition, a, b] = (value as Record<string, Node[]>)['Fn::If']!;
    return { 'Fn::If': [condition, rename(a, names), rename(b, names)] };
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [names[k] ?? k, v]));
}
