// ALIYUN::FC::Service, ::Function, ::Trigger and ::CustomDomain through the FC 2.0 API
// (@alicloud/fc2, 2016-08-15), the properties written as that API's camelCase fields.
// Code.OssBucketName/OssObjectName: the zip is read from OSS with ali-oss as the caller and sent as
// {zipFile} (the local FC takes code that way only); ZipFile is sent as it is (base64 of a zip).
// Attributes as the ROS reference lists them; ARN is the function's
// acs:fc:<region>:<account>:services/<service>/functions/<function>.
// TriggerConfig is passed to FC as written (whether ROS renames its keys is unconfirmed).
import FC from '@alicloud/fc2';
import OSS from 'ali-oss';
import type { Json } from '../template/document';
import type { MadeResource } from '../template/plan';
import { type CloudContext, CloudCallFailed, call, type Properties, type ResourceHandler, required } from './handler';

/** The largest code zip read from OSS (FC 2.0's limit for code uploaded through the API; unconfirmed for OSS code). */
const MAX_CODE_BYTES = 100 * 1024 * 1024;

function client(ctx: CloudContext): FC {
  const { accessKeyId, accessKeySecret, securityToken } = ctx.credentials;
  return new FC(ctx.accountId, {
    accessKeyID: accessKeyId,
    accessKeySecret,
    ...(securityToken ? { securityToken } : {}),
    region: ctx.region,
    endpoint: required(ctx.endpoints.fc, 'the FC endpoint'),
    timeout: 60_000,
  });
}

/** PascalCase ROS keys → camelCase FC keys, recursively through maps and lists (VSwitchIds → vSwitchIds). */
function camel(value: Json | undefined): Json | undefined {
  if (Array.isArray(value)) return value.map((v) => camel(v)!);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0]!.toLowerCase() + k.slice(1), camel(v)!]));
}

function defined(fields: Record<string, Json | undefined>): Record<string, Json> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, Json>;
}

const s = (v: Json | undefined): string => String(v);

function serviceBody(p: Properties): Record<string, Json> {
  return defined({
    description: p.Description,
    role: p.Role,
    internetAccess: p.InternetAccess,
    logConfig: camel(p.LogConfig),
    vpcConfig: camel(p.VpcConfig),
    nasConfig: camel(p.NasConfig),
    tracingConfig: camel(p.TracingConfig),
  });
}

export const fcService: ResourceHandler = {
  async create(p, ctx) {
    const fc = client(ctx);
    const res = await call('FC CreateService', () => fc.createService(s(p.ServiceName), serviceBody(p)));
    return serviceMade(res!.data);
  },
  async update(_current, p, _previous, ctx) {
    const fc = client(ctx);
    const res = await call('FC UpdateService', () => fc.updateService(s(p.ServiceName), serviceBody(p)));
    return serviceMade(res!.data);
  },
  async delete(current, _p, ctx) {
    await call('FC DeleteService', () => client(ctx).deleteService(current.physicalId), ['ServiceNotFound']);
  },
};

function serviceMade(data: Record<string, unknown>): MadeResource {
  const log = (data.logConfig ?? {}) as { project?: string; logstore?: string };
  const vpc = (data.vpcConfig ?? {}) as { vpcId?: string };
  return {
    physicalId: String(data.serviceName),
    attributes: {
      ServiceName: String(data.serviceName),
      ServiceId: String(data.serviceId),
      Role: String(data.role ?? ''),
      InternetAccess: data.internetAccess === true,
      LogProject: log.project ?? '',
      Logstore: log.logstore ?? '',
      VpcId: vpc.vpcId ?? '',
      Tags: [],
    },
  };
}

async function codeOf(p: Properties, ctx: CloudContext): Promise<Json | undefined> {
  const code = p.Code as Record<string, Json> | undefined;
  if (!code) return undefined;
  if (typeof code.ZipFile === 'string') return { zipFile: code.ZipFile };
  if (typeof code.OssBucketName === 'string' && typeof code.OssObjectName === 'string') {
    const oss = new OSS({
      endpoint: required(ctx.endpoints.oss, 'the OSS endpoint'),
      accessKeyId: ctx.credentials.accessKeyId,
      accessKeySecret: ctx.credentials.accessKeySecret,
      ...(ctx.credentials.securityToken ? { stsToken: ctx.credentials.securityToken } : {}),
      bucket: code.OssBucketName,
      timeout: 60_000,
    } as OSS.Options);
    const where = `oss://${code.OssBucketName}/${code.OssObjectName}`;
    const head = await call(`OSS HeadObject ${where}`, () => oss.head(code.OssObjectName as string));
    const size = Number((head!.res.headers as Record<string, string>)['content-length']);
    if (!(size <= MAX_CODE_BYTES)) throw new CloudCallFailed('local ROS', 'CodeTooLarge', `${where} is ${size} bytes, over ${MAX_CODE_BYTES}`);
    const got = await call(`OSS GetObject ${where}`, () => oss.get(code.OssObjectName as string));
    return { zipFile: Buffer.from(got!.content as Buffer).toString('base64') };
  }
  if (typeof code.SourceCode === 'string') throw new CloudCallFailed('local ROS', 'NotEmulated', 'Code.SourceCode (inline source) is not emulated');
  throw new CloudCallFailed('local ROS', 'InvalidCode', 'Code needs ZipFile, or OssBucketName with OssObjectName');
}

async function functionBody(p: Properties, ctx: CloudContext): Promise<Record<string, Json>> {
  return defined({
    functionName: p.FunctionName,
    description: p.Description,
    handler: p.Handler,
    runtime: p.Runtime,
    memorySize: p.MemorySize,
    timeout: p.Timeout,
    initializer: p.Initializer,
    initializationTimeout: p.InitializationTimeout,
    instanceConcurrency: p.InstanceConcurrency,
    instanceType: p.InstanceType,
    environmentVariables: p.EnvironmentVariables === undefined ? undefined : stringValues(p.EnvironmentVariables),
    code: await codeOf(p, ctx),
  });
}

/** FC environment variables are strings; ROS writes a number or boolean as its text (unconfirmed). */
function stringValues(env: Json): Json {
  return Object.fromEntries(Object.entries(env as Record<string, Json>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

function functionMade(service: string, data: Record<string, unknown>, ctx: CloudContext): MadeResource {
  const name = String(data.functionName);
  return {
    physicalId: name,
    attributes: {
      FunctionName: name,
      FunctionId: String(data.functionId),
      ServiceName: service,
      ServiceId: '',
      ARN: `acs:fc:${ctx.region}:${ctx.accountId}:services/${service}/functions/${name}`,
    },
  };
}

export const fcFunction: ResourceHandler = {
  async create(p, ctx) {
    const fc = client(ctx);
    const body = await functionBody(p, ctx);
    const service = s(p.ServiceName);
    const res = await call('FC CreateFunction', () => fc.createFunction(service, body));
    const made = functionMade(service, res!.data, ctx);
    const svc = await call('FC GetService', () => fc.getService(service));
    return { ...made, attributes: { ...made.attributes, ServiceId: String(svc!.data.serviceId) } };
  },
  async update(current, p, _previous, ctx) {
    const fc = client(ctx);
    const { functionName: _name, ...body } = await functionBody(p, ctx);
    const service = s(p.ServiceName);
    const res = await call('FC UpdateFunction', () => fc.updateFunction(service, s(p.FunctionName), body));
    return {
      ...functionMade(service, res!.data, ctx),
      attributes: { ...functionMade(service, res!.data, ctx).attributes, ServiceId: current.attributes.ServiceId ?? '' },
    };
  },
  async delete(current, p, ctx) {
    await call('FC DeleteFunction', () => client(ctx).deleteFunction(s(p.ServiceName), current.physicalId), ['ServiceNotFound', 'FunctionNotFound']);
  },
};

function triggerBody(p: Properties): Record<string, Json> {
  return defined({
    triggerName: p.TriggerName,
    triggerType: p.TriggerType,
    triggerConfig: p.TriggerConfig,
    sourceArn: p.SourceArn,
    invocationRole: p.InvocationRole,
    qualifier: p.Qualifier,
  });
}

function triggerMade(p: Properties, data: Record<string, unknown>): MadeResource {
  return {
    physicalId: String(data.triggerName),
    attributes: {
      TriggerName: String(data.triggerName),
      TriggerId: String(data.triggerId),
      FunctionName: s(p.FunctionName),
      ServiceName: s(p.ServiceName),
      UrlInternet: String((data.urlInternet as string | undefined) ?? ''),
      UrlIntranet: String((data.urlIntranet as string | undefined) ?? ''),
    },
  };
}

export const fcTrigger: ResourceHandler = {
  async create(p, ctx) {
    const res = await call('FC CreateTrigger', () => client(ctx).createTrigger(s(p.ServiceName), s(p.FunctionName), triggerBody(p)));
    return triggerMade(p, res!.data);
  },
  async update(_current, p, _previous, ctx) {
    const { triggerConfig, invocationRole, qualifier } = triggerBody(p);
    const res = await call('FC UpdateTrigger', () =>
      client(ctx).updateTrigger(s(p.ServiceName), s(p.FunctionName), s(p.TriggerName), defined({ triggerConfig, invocationRole, qualifier })),
    );
    return triggerMade(p, res!.data);
  },
  async delete(current, p, ctx) {
    await call('FC DeleteTrigger', () => client(ctx).deleteTrigger(s(p.ServiceName), s(p.FunctionName), current.physicalId), [
      'ServiceNotFound',
      'FunctionNotFound',
      'TriggerNotFound',
    ]);
  },
};

function domainBody(p: Properties): Record<string, Json> {
  return defined({ protocol: p.Protocol, apiVersion: p.ApiVersion, certConfig: camel(p.CertConfig), routeConfig: camel(p.RouteConfig) });
}

export const fcCustomDomain: ResourceHandler = {
  async create(p, ctx) {
    const res = await call('FC CreateCustomDomain', () => client(ctx).createCustomDomain(s(p.DomainName), domainBody(p)));
    const name = String(res!.data.domainName ?? p.DomainName);
    return { physicalId: name, attributes: { DomainName: name, Domain: name } };
  },
  async update(_current, p, _previous, ctx) {
    await call('FC UpdateCustomDomain', () => client(ctx).updateCustomDomain(s(p.DomainName), domainBody(p)));
    return { physicalId: s(p.DomainName), attributes: { DomainName: s(p.DomainName), Domain: s(p.DomainName) } };
  },
  async delete(current, _p, ctx) {
    await call('FC DeleteCustomDomain', () => client(ctx).deleteCustomDomain(current.physicalId), ['DomainNameNotFound']);
  },
};
