// ALIYUN::FC3::Function, ::Trigger, ::CustomDomain, ::AsyncInvokeConfig and ::ConcurrencyConfig
// through the FC 3.0 API (2023-03-30) with @alicloud/fc20230330 as the caller, the properties
// written as that API's camelCase inputs (CreateFunctionInput, CreateTriggerInput,
// CreateCustomDomainInput, PutAsyncInvokeConfigInput, PutConcurrencyInput):
//   Function      Code.OssBucketName/OssObjectName (and Checksum) pass through: FC reads the zip from
//                 OSS itself, with the caller's key; Tags {Key, Value} become the input's tags (a
//                 change later goes through TagResources/UntagResources: UpdateFunctionInput has no
//                 tags); attributes ARN (FC's functionArn), FunctionId, FunctionName (aliyun-fc3-function)
//   Trigger       TriggerConfig is a Map in ROS and a JSON string in FC 3.0: sent as the map's JSON
//                 (key names as written: FC's own, unconfirmed whether ROS renames them); attributes
//                 UrlInternet/UrlIntranet from the answer's httpTrigger, '' for other types
//   CustomDomain  routes {path, functionName, qualifier, methods, rewriteConfig}; attribute DomainName
//   AsyncInvokeConfig, ConcurrencyConfig  the Put operations; their physical id is the function's
//                 name; the ROS pages mark no property updatable (ROS replaces them), which for a
//                 configuration kept per function is one more Put
// A deletion answered "not found" (function, trigger, configuration) is done. A function is deleted
// after its triggers only if the template orders them so (ROS deletes dependents first; FC refuses a
// function that still has triggers with FunctionNotEmpty).
import * as fc3Module from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { Json } from '../template/document';
import type { MadeResource } from '../template/plan';
import { type CloudContext, CloudCallFailed, call, type Properties, type ResourceHandler, required } from './handler';

/** The SDK is CommonJS with `exports.default = Client` and its models beside it. */
const sdk = (
  (fc3Module as { default?: unknown }).default && typeof (fc3Module as { default: { default?: unknown } }).default.default === 'function'
    ? (fc3Module as { default: unknown }).default
    : fc3Module
) as typeof fc3Module;
const Client = ((sdk as { default?: unknown }).default ?? sdk) as unknown as typeof fc3Module.default;
type Fc3 = InstanceType<typeof fc3Module.default>;

function client(ctx: CloudContext): Fc3 {
  const url = new URL(required(ctx.endpoints.fc3, 'the FC 3.0 endpoint'));
  return new Client(
    new $OpenApiUtil.Config({
      accessKeyId: ctx.credentials.accessKeyId,
      accessKeySecret: ctx.credentials.accessKeySecret,
      securityToken: ctx.credentials.securityToken,
      endpoint: url.host,
      protocol: url.protocol.replace(':', ''),
      regionId: ctx.region,
      readTimeout: 60_000,
      connectTimeout: 10_000,
    }),
  );
}

type Body = Record<string, unknown>;
const plain = (model: unknown): Body => {
  const m = model as { toMap?: () => Body } | undefined;
  return m?.toMap ? m.toMap() : ((m as Body | undefined) ?? {});
};

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

/** FC environment variables are strings; ROS writes a number or boolean as its text (unconfirmed). Keys stay as written. */
function stringValues(env: Json | undefined): Json | undefined {
  if (env === undefined) return undefined;
  return Object.fromEntries(Object.entries(env as Record<string, Json>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

function codeOf(code: Json | undefined): Json | undefined {
  if (code === undefined) return undefined;
  const c = code as Record<string, Json>;
  if (typeof c.SourceCode === 'string') throw new CloudCallFailed('local ROS', 'NotEmulated', 'Code.SourceCode (inline source) is not emulated');
  return camel(code);
}

/** CreateFunctionInput / UpdateFunctionInput from the properties (without the tags). */
function functionBody(p: Properties): Record<string, Json> {
  return defined({
    functionName: p.FunctionName,
    description: p.Description,
    runtime: p.Runtime,
    handler: p.Handler,
    memorySize: p.MemorySize,
    timeout: p.Timeout,
    cpu: p.Cpu,
    diskSize: p.DiskSize,
    instanceConcurrency: p.InstanceConcurrency,
    instanceIsolationMode: p.InstanceIsolationMode,
    environmentVariables: stringValues(p.EnvironmentVariables),
    role: p.Role,
    internetAccess: p.InternetAccess,
    logConfig: camel(p.LogConfig),
    vpcConfig: camel(p.VpcConfig),
    layers: p.Layers,
    nasConfig: camel(p.NasConfig),
    ossMountConfig: camel(p.OssMountConfig),
    customContainerConfig: camel(p.CustomContainerConfig),
    customRuntimeConfig: camel(p.CustomRuntimeConfig),
    customDNS: camel(p.CustomDns),
    gpuConfig: camel(p.GpuConfig),
    instanceLifecycleConfig: camel(p.InstanceLifecycleConfig),
    tracingConfig: camel(p.TracingConfig),
    disableOndemand: p.DisableOndemand,
    sessionAffinity: p.SessionAffinity,
    sessionAffinityConfig: p.SessionAffinityConfig === undefined ? undefined : JSON.stringify(p.SessionAffinityConfig),
    code: codeOf(p.Code),
  });
}

type Tag = { Key: string; Value?: string };
const tagsOf = (p: Properties): Tag[] => (p.Tags ?? []) as unknown as Tag[];
/** The SDK's Tag model is {key, value}; it writes {Key, Value} on the wire. */
const sdkTags = (tags: Tag[]) => tags.map((t) => ({ key: t.Key, value: t.Value ?? '' }));

function functionMade(data: Body): MadeResource {
  const name = String(data.functionName);
  return {
    physicalId: name,
    attributes: { FunctionName: name, FunctionId: String(data.functionId ?? ''), ARN: String(data.functionArn ?? '') },
  };
}

export const fc3Function: ResourceHandler = {
  async create(p, ctx) {
    const fc = client(ctx);
    const tags = tagsOf(p);
    const body = { ...functionBody(p), ...(tags.length ? { tags: sdkTags(tags) } : {}) };
    const res = await call('FC CreateFunction', () => fc.createFunction(new sdk.CreateFunctionRequest({ body: new sdk.CreateFunctionInput(body) })));
    return functionMade(plain(res!.body));
  },
  async update(current, p, previous, ctx) {
    const fc = client(ctx);
    const name = current.physicalId;
    const { functionName: _name, code, ...body } = functionBody(p);
    // The code is sent again only when it changed (FC would read the zip from OSS again).
    const update = { ...body, ...(JSON.stringify(p.Code) !== JSON.stringify(previous.Code) && code !== undefined ? { code } : {}) };
    const res = await call('FC UpdateFunction', () => fc.updateFunction(name, new sdk.UpdateFunctionRequest({ body: new sdk.UpdateFunctionInput(update) })));
    const made = functionMade(plain(res!.body));
    const arn = String(made.attributes.ARN);
    const wanted = tagsOf(p);
    const removed = tagsOf(previous)
      .map((t) => t.Key)
      .filter((k) => !wanted.some((t) => t.Key === k));
    if (removed.length) {
      await call('FC UntagResources', () => fc.untagResources(new sdk.UntagResourcesRequest({ resourceId: [arn], resourceType: 'function', tagKey: removed })));
    }
    if (wanted.length && JSON.stringify(wanted) !== JSON.stringify(tagsOf(previous))) {
      await call('FC TagResources', () =>
        fc.tagResources(
          new sdk.TagResourcesRequest({ body: new sdk.TagResourcesInput({ resourceId: [arn], resourceType: 'function', tag: sdkTags(wanted) }) }),
        ),
      );
    }
    return made;
  },
  async delete(current, _p, ctx) {
    await call('FC DeleteFunction', () => client(ctx).deleteFunction(current.physicalId), ['FunctionNotFound']);
  },
};

function triggerMade(p: Properties, data: Body): MadeResource {
  const http = (data.httpTrigger ?? {}) as { urlInternet?: unknown; urlIntranet?: unknown };
  return {
    physicalId: String(data.triggerName),
    attributes: {
      TriggerName: String(data.triggerName),
      TriggerId: String(data.triggerId ?? ''),
      FunctionName: s(p.FunctionName),
      UrlInternet: typeof http.urlInternet === 'string' ? http.urlInternet : '',
      UrlIntranet: typeof http.urlIntranet === 'string' ? http.urlIntranet : '',
    },
  };
}

const triggerConfig = (p: Properties): string => JSON.stringify(p.TriggerConfig ?? {});

export const fc3Trigger: ResourceHandler = {
  async create(p, ctx) {
    const body = defined({
      triggerName: p.TriggerName,
      triggerType: p.TriggerType,
      triggerConfig: triggerConfig(p),
      sourceArn: p.SourceArn,
      invocationRole: p.InvocationRole,
      qualifier: p.Qualifier,
      description: p.Description,
    });
    const res = await call('FC CreateTrigger', () =>
      client(ctx).createTrigger(s(p.FunctionName), new sdk.CreateTriggerRequest({ body: new sdk.CreateTriggerInput(body) })),
    );
    return triggerMade(p, plain(res!.body));
  },
  async update(current, p, _previous, ctx) {
    const body = defined({ triggerConfig: triggerConfig(p), invocationRole: p.InvocationRole, qualifier: p.Qualifier, description: p.Description });
    const res = await call('FC UpdateTrigger', () =>
      client(ctx).updateTrigger(s(p.FunctionName), current.physicalId, new sdk.UpdateTriggerRequest({ body: new sdk.UpdateTriggerInput(body) })),
    );
    return triggerMade(p, plain(res!.body));
  },
  async delete(current, p, ctx) {
    await call('FC DeleteTrigger', () => client(ctx).deleteTrigger(s(p.FunctionName), current.physicalId), ['FunctionNotFound', 'TriggerNotFound']);
  },
};

function domainBody(p: Properties): Record<string, Json> {
  return defined({
    protocol: p.Protocol,
    authConfig: camel(p.AuthConfig),
    certConfig: camel(p.CertConfig),
    routeConfig: camel(p.RouteConfig),
    tlsConfig: camel(p.TlsConfig),
    wafConfig: camel(p.WafConfig),
  });
}

export const fc3CustomDomain: ResourceHandler = {
  async create(p, ctx) {
    const body = { domainName: p.DomainName, ...domainBody(p) };
    const res = await call('FC CreateCustomDomain', () =>
      client(ctx).createCustomDomain(new sdk.CreateCustomDomainRequest({ body: new sdk.CreateCustomDomainInput(body) })),
    );
    const name = String(plain(res!.body).domainName ?? p.DomainName);
    return { physicalId: name, attributes: { DomainName: name } };
  },
  async update(current, p, _previous, ctx) {
    await call('FC UpdateCustomDomain', () =>
      client(ctx).updateCustomDomain(current.physicalId, new sdk.UpdateCustomDomainRequest({ body: new sdk.UpdateCustomDomainInput(domainBody(p)) })),
    );
    return current;
  },
  async delete(current, _p, ctx) {
    await call('FC DeleteCustomDomain', () => client(ctx).deleteCustomDomain(current.physicalId), ['DomainNameNotFound']);
  },
};

async function putAsyncConfig(p: Properties, ctx: CloudContext): Promise<MadeResource> {
  const body = defined({
    asyncTask: p.AsyncTask,
    destinationConfig: camel(p.DestinationConfig),
    maxAsyncEventAgeInSeconds: p.MaxAsyncEventAgeInSeconds,
    maxAsyncRetryAttempts: p.MaxAsyncRetryAttempts,
  });
  const fn = s(p.FunctionName);
  await call('FC PutAsyncInvokeConfig', () =>
    client(ctx).putAsyncInvokeConfig(fn, new sdk.PutAsyncInvokeConfigRequest({ body: new sdk.PutAsyncInvokeConfigInput(body) })),
  );
  return { physicalId: fn, attributes: {} };
}

export const fc3AsyncInvokeConfig: ResourceHandler = {
  create: putAsyncConfig,
  update: (_current, p, _previous, ctx) => putAsyncConfig(p, ctx),
  async delete(current, _p, ctx) {
    await call('FC DeleteAsyncInvokeConfig', () => client(ctx).deleteAsyncInvokeConfig(current.physicalId, new sdk.DeleteAsyncInvokeConfigRequest({})), [
      'FunctionNotFound',
      'AsyncConfigNotFound',
      'AsyncConfigNotExists',
    ]);
  },
};

async function putConcurrency(p: Properties, ctx: CloudContext): Promise<MadeResource> {
  const fn = s(p.FunctionName);
  await call('FC PutConcurrencyConfig', () =>
    client(ctx).putConcurrencyConfig(
      fn,
      new sdk.PutConcurrencyConfigRequest({ body: new sdk.PutConcurrencyInput({ reservedConcurrency: Number(p.ReservedConcurrency) }) }),
    ),
  );
  return { physicalId: fn, attributes: {} };
}

export const fc3ConcurrencyConfig: ResourceHandler = {
  create: putConcurrency,
  update: (_current, p, _previous, ctx) => putConcurrency(p, ctx),
  async delete(current, _p, ctx) {
    await call('FC DeleteConcurrencyConfig', () => client(ctx).deleteConcurrencyConfig(current.physicalId), ['FunctionNotFound', 'ConcurrencyConfigNotFound']);
  },
};
