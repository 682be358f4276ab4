// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${…} in plain strings.
// template.yml as a ROS template of native resources, for `aliyun ros CreateStack`, on either
// platform: FC 2.0 here (ALIYUN::FC::*), FC 3.0 in ros-fc3.ts (ALIYUN::FC3::*); the helpers both
// use are here. The Aliyun::Serverless transform names every service and function
// `<stack>-<LogicalId>-<hash>` (recorded ROS output in alibaba/funcraft), so grants written against
// the names thaw deploy gives would match nothing; the native resources take ServiceName and
// FunctionName, so the packaged stack gets exactly the names thaw deploy gives and the invocation
// roles' grants hold.
//
// The translation keeps every intrinsic as written (the stack name, the account and the parameters
// are ROS's to fill in): properties are renamed and moved, never evaluated. ALIYUN::RAM::Role
// resources and the Parameters and Conditions sections are copied as they are. Both platforms get
// the same two ALIYUN::OTS::Table resources (the records table with its indexes, the counters table),
// declared by lib/store/tablestore-schema.ts: the tables do not depend on what runs the functions,
// and the same logical ids on both platforms keep them in place when a stack's template changes
// from one platform to the other. Both get the Log Service part too (ros-observability.ts): the
// function logstore's index, the dashboard and the alerts.
import { type TableLayout, tableLayouts } from '../store/tablestore-schema';
import { TemplateError } from './errors';
import { ALERTS_NOTE, observabilityPart } from './ros-observability';
import { SETTING_PARAMETERS } from './settings';
import type { TemplateDocument } from './template';

type Node = unknown;
export type Props = Record<string, Node>;

/** A ROS logical id from a template name: "access-log" → "AccessLog". */
export function logicalId(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

export const sub = (text: string): Node => ({ 'Fn::Sub': text });
export const getAtt = (id: string, attribute: string): Node => ({ 'Fn::GetAtt': [id, attribute] });

/** An Aliyun::Serverless::Function of the template, with its service, as written (intrinsics unevaluated). */
export interface TemplateFunction {
  readonly name: string;
  readonly serviceId: string;
  /** The service's Condition, if any. */
  readonly condition?: Node;
  readonly service: Props;
  readonly properties: Props;
  readonly metadata: Props;
  readonly events: Record<string, { Type?: string; Properties?: Props }>;
}

export function templateFunctions(doc: TemplateDocument): TemplateFunction[] {
  const out: TemplateFunction[] = [];
  for (const [serviceId, service] of Object.entries(doc.Resources ?? {})) {
    if (service.Type !== 'Aliyun::Serverless::Service') continue;
    for (const [name, fn] of Object.entries(service)) {
      const f = fn as { Type?: string; Properties?: Props; Metadata?: Props; Events?: TemplateFunction['events'] };
      if (f?.Type !== 'Aliyun::Serverless::Function') continue;
      out.push({
        name,
        serviceId,
        ...(service.Condition ? { condition: service.Condition } : {}),
        service: (service.Properties ?? {}) as Props,
        properties: f.Properties ?? {},
        metadata: f.Metadata ?? {},
        events: f.Events ?? {},
      });
    }
  }
  return out;
}

/** Code {OssBucketName, OssObjectName} of a function's oss:// zip. */
export function codeLocation(fnName: string, uri: string | undefined): Props {
  if (!uri) throw new TemplateError(`no zip was built for function ${fnName} (functions/${fnName}/index.ts)`);
  const [bucket, ...key] = uri.replace(/^oss:\/\//, '').split('/');
  return { OssBucketName: bucket, OssObjectName: key.join('/') };
}

/** Adds a resource under an id no other resource of the packaged template has. */
export function put(resources: Record<string, Props>, id: string, resource: Props): void {
  if (id in resources) throw new TemplateError(`two resources of the packaged template would be ${id}: rename one in template.yml`);
  resources[id] = resource;
}

/** The template's ALIYUN::RAM::Role resources, copied as they are. */
export function roleResources(doc: TemplateDocument): Record<string, Props> {
  const resources: Record<string, Props> = {};
  for (const [id, resource] of Object.entries(doc.Resources ?? {})) {
    if (resource.Type === 'ALIYUN::RAM::Role') resources[id] = structuredClone(resource) as Props;
  }
  return resources;
}

/**
 * The FC 2.0 stack of native resources; `codeUris` gives each function's oss:// zip. ROS documents no
 * eventbridge TriggerType for ALIYUN::FC::Trigger (oss, log, tablestore, timer, mns_topic, cdn_events,
 * http: ROS "ALIYUN::FC::Trigger"), so an EventBridge event is left out and `left` names it; restores
 * then complete through the sweeper and status reads, a sweep later.
 */
export function rosTemplateFc2(doc: TemplateDocument, codeUris: Readonly<Record<string, string>>, left: string[] = []): TemplateDocument {
  const resources = roleResources(doc);
  for (const [serviceId, service] of Object.entries(doc.Resources ?? {})) {
    if (service.Type !== 'Aliyun::Serverless::Service') continue;
    const sp = (service.Properties ?? {}) as Props;
    put(resources, logicalId(serviceId, 'service'), {
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
    });
  }
  for (const f of templateFunctions(doc)) {
    const svcId = logicalId(f.serviceId, 'service');
    const p = f.properties;
    const fnId = logicalId(f.name, 'function');
    put(resources, fnId, {
      Type: 'ALIYUN::FC::Function',
      DependsOn: [svcId],
      Properties: compact({
        ServiceName: getAtt(svcId, 'ServiceName'),
        FunctionName: f.name,
        Description: p.Description,
        Handler: p.Handler,
        Runtime: p.Runtime,
        MemorySize: p.MemorySize,
        Timeout: p.Timeout,
        EnvironmentVariables: p.EnvironmentVariables,
        Code: codeLocation(f.name, codeUris[f.name]),
      }),
    });
    for (const [triggerName, event] of Object.entries(f.events)) {
      if (event.Type === 'EventBridge') {
        left.push(`${f.name}.Events.${triggerName}`);
        continue;
      }
      put(resources, logicalId(f.name, triggerName, 'trigger'), {
        Type: 'ALIYUN::FC::Trigger',
        DependsOn: [fnId],
        Properties: {
          ServiceName: getAtt(svcId, 'ServiceName'),
          FunctionName: getAtt(fnId, 'FunctionName'),
          TriggerName: triggerName,
          ...triggerProperties(`${f.name}.Events.${triggerName}`, String(event.Type), event.Properties ?? {}),
        },
      });
    }
  }
  for (const [id, domain] of Object.entries(doc.Resources ?? {})) {
    if (domain.Type !== 'Aliyun::Serverless::CustomDomain') continue;
    const p = (domain.Properties ?? {}) as Props;
    const routes = ((p.RouteConfig as Props | undefined)?.Routes ?? {}) as Record<string, Props>;
    put(resources, logicalId(id, 'domain'), {
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
    });
  }
  return packagedDocument(doc, 'Function Compute 2.0 (ALIYUN::FC::*)', resources);
}

/** The parameter that lets a stack use tables that already exist (made by thaw deploy or thaw tables create, or kept by an earlier stack). */
export const CREATE_TABLES_PARAMETER = 'CreateTables';
const CREATES_TABLES = 'CreatesTables';

/**
 * The packaged document: the template's Parameters and Conditions with the table switch added, its
 * resources as translated, the tables, and the Log Service part. The Description says which
 * platform it is for, and who the alerts reach.
 */
export function packagedDocument(doc: TemplateDocument, platform: string, resources: Record<string, Props>): TemplateDocument {
  const parameters = doc.Parameters ?? {};
  const conditions = (doc.Conditions ?? {}) as Record<string, Node>;
  for (const name of [SETTING_PARAMETERS.tablestoreInstance, SETTING_PARAMETERS.table]) {
    if (!(name in parameters)) throw new TemplateError(`the template has no parameter ${name}, which names the tables`);
  }
  if (CREATE_TABLES_PARAMETER in parameters) throw new TemplateError(`the template's parameter ${CREATE_TABLES_PARAMETER} is thaw package's own: rename it`);
  if (CREATES_TABLES in conditions) throw new TemplateError(`the template's condition ${CREATES_TABLES} is thaw package's own: rename it`);
  const { records, counters } = tableLayouts(`\${${SETTING_PARAMETERS.table}}`);
  put(resources, 'RecordsTable', otsTable(records));
  put(resources, 'CountersTable', otsTable(counters));
  const observability = observabilityPart(doc);
  for (const [id, resource] of Object.entries(observability.resources)) put(resources, id, resource);
  return {
    ROSTemplateFormatVersion: '2015-09-01',
    Description: `${doc.Description ?? 'oss-thaw'} Packaged by thaw package for ${platform}. ${ALERTS_NOTE}`,
    Parameters: {
      ...observability.parameters,
      [CREATE_TABLES_PARAMETER]: {
        Type: 'String',
        Default: 'true',
        AllowedValues: ['true', 'false'],
        Description: `Make the records and counters tables (kept when the stack is deleted). false: they exist already (thaw tables create, thaw deploy, or an earlier stack of ${SETTING_PARAMETERS.table}).`,
      },
    },
    Conditions: { ...conditions, [CREATES_TABLES]: { 'Fn::Equals': [{ Ref: CREATE_TABLES_PARAMETER }, 'true'] }, ...observability.conditions },
    Resources: resources,
  };
}

/**
 * One of the tables as ALIYUN::OTS::Table (ROS "ALIYUN::OTS::Table"). DeletionPolicy Retain: the
 * tables are the memory of every restore and budget, so DeleteStack leaves them as thaw destroy does
 * (ROS "Resources": DeletionPolicy Delete, the default, or Retain).
 */
function otsTable(layout: TableLayout): Props {
  const name = (text: string): Node => (text === `\${${SETTING_PARAMETERS.table}}` ? { Ref: SETTING_PARAMETERS.table } : sub(text));
  return {
    Type: 'ALIYUN::OTS::Table',
    Condition: CREATES_TABLES,
    DeletionPolicy: 'Retain',
    Properties: compact({
      InstanceName: { Ref: SETTING_PARAMETERS.tablestoreInstance },
      TableName: name(layout.name),
      PrimaryKey: layout.primaryKey.map((k) => ({ Name: k.name, Type: k.type })),
      Columns: layout.definedColumns.length ? layout.definedColumns.map((c) => ({ Name: c.name, Type: c.type })) : undefined,
      TimeToLive: layout.timeToLive,
      MaxVersions: layout.maxVersions,
      SecondaryIndices: layout.indexes.length
        ? layout.indexes.map((i) => ({ IndexName: name(i.name), PrimaryKeys: [...i.primaryKey], Columns: [...i.definedColumn], IndexType: 'Global' }))
        : undefined,
    }),
  };
}

/**
 * An Aliyun::Serverless event as trigger properties: TriggerType, TriggerConfig (FC's own camelCase
 * config: FC 2.0 takes it as a map, FC 3.0 as that map's JSON text, which ROS writes), SourceArn,
 * InvocationRole — the shapes lib/deploy/fc2-resources.ts sends for thaw deploy, with the intrinsics
 * left in.
 */
export function triggerProperties(where: string, type: string, p: Props): Props {
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
      throw new TemplateError(`${where}: type ${type} has no ROS trigger form`);
  }
}

export function compact(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}

export function rename(value: Node, names: Record<string, string>): Node {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  // An intrinsic (Fn::If …) is renamed inside each of its branches.
  if (keys.length === 1 && keys[0]!.startsWith('Fn::If')) {
    const [condition, a, b] = (value as Record<string, Node[]>)['Fn::If']!;
    return { 'Fn::If': [condition, rename(a, names), rename(b, names)] };
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [names[k] ?? k, v]));
}
