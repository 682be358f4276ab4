// Function Compute 3.0's API (2023-03-30) through Alibaba's SDK, `@alicloud/fc20230330`, with plain
// objects in and out: the deploy compares plain JSON, the SDK wants its request models. Errors are
// the SDK's (a `code` such as FunctionNotFound, and `statusCode`).
import { Readable } from 'node:stream';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { RuntimeOptions } from '@darabonba/typescript';
import * as fc3Module from '@alicloud/fc20230330';
import type { Credentials } from '../wiring';

type Body = Record<string, unknown>;

/** The SDK is CommonJS with `exports.default = Client` and its models beside it (see credentials.ts). */
const sdk = (
  (fc3Module as { default?: unknown }).default && typeof (fc3Module as { default: { default?: unknown } }).default.default === 'function'
    ? (fc3Module as { default: unknown }).default
    : fc3Module
) as typeof fc3Module;
const Client = ((sdk as { default?: unknown }).default ?? sdk) as unknown as typeof fc3Module.default;

export interface Fc3Target {
  readonly accountId: string;
  readonly region: string;
  /** Default https://<account>.<region>.fc.aliyuncs.com (FC 3.0 endpoints are per account). */
  readonly endpoint?: string;
  readonly credentials: Credentials;
}

const plain = (model: { toMap?: () => Body } | undefined): Body => (model?.toMap ? model.toMap() : ((model as Body | undefined) ?? {}));

export class Fc3Client {
  private readonly client: InstanceType<typeof fc3Module.default>;

  constructor(target: Fc3Target) {
    const url = new URL(target.endpoint ?? `https://${target.accountId}.${target.region}.fc.aliyuncs.com`);
    this.client = new Client(
      new $OpenApiUtil.Config({
        accessKeyId: target.credentials.accessKeyId,
        accessKeySecret: target.credentials.accessKeySecret,
        securityToken: target.credentials.securityToken,
        endpoint: url.host,
        protocol: url.protocol.replace(':', ''),
        regionId: target.region,
        readTimeout: 120_000,
        connectTimeout: 10_000,
      }),
    );
  }

  async getFunction(name: string): Promise<Body> {
    return plain((await this.client.getFunction(name, new sdk.GetFunctionRequest({}))).body);
  }

  async listFunctions(prefix: string): Promise<Body[]> {
    const out: Body[] = [];
    let nextToken: string | undefined;
    do {
      const page = (await this.client.listFunctions(new sdk.ListFunctionsRequest({ prefix, limit: 100, nextToken }))).body;
      out.push(...(page?.functions ?? []).map((f) => plain(f)));
      nextToken = page?.nextToken || undefined;
    } while (nextToken);
    return out;
  }

  async createFunction(body: Body): Promise<void> {
    await this.client.createFunction(new sdk.CreateFunctionRequest({ body: new sdk.CreateFunctionInput(body) }));
  }

  async updateFunction(name: string, body: Body): Promise<void> {
    await this.client.updateFunction(name, new sdk.UpdateFunctionRequest({ body: new sdk.UpdateFunctionInput(body) }));
  }

  async deleteFunction(name: string): Promise<void> {
    await this.client.deleteFunction(name);
  }

  /** The function's asynchronous-invocation configuration (LATEST), or FC's AsyncConfigNotExists. */
  async getAsyncInvokeConfig(fn: string): Promise<Body> {
    return plain((await this.client.getAsyncInvokeConfig(fn, new sdk.GetAsyncInvokeConfigRequest({}))).body);
  }

  async putAsyncInvokeConfig(fn: string, body: Body): Promise<void> {
    await this.client.putAsyncInvokeConfig(fn, new sdk.PutAsyncInvokeConfigRequest({ body: new sdk.PutAsyncInvokeConfigInput(body) }));
  }

  async getConcurrencyConfig(fn: string): Promise<Body> {
    return plain((await this.client.getConcurrencyConfig(fn)).body);
  }

  async putConcurrencyConfig(fn: string, reservedConcurrency: number): Promise<void> {
    await this.client.putConcurrencyConfig(fn, new sdk.PutConcurrencyConfigRequest({ body: new sdk.PutConcurrencyInput({ reservedConcurrency }) }));
  }

  /** TagResources on one function, by its ARN. */
  async tagFunction(arn: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const tag = Object.entries(tags).map(([key, value]) => ({ key, value }));
    await this.client.tagResources(new sdk.TagResourcesRequest({ body: new sdk.TagResourcesInput({ resourceId: [arn], resourceType: 'function', tag }) }));
  }

  async listTriggers(fn: string): Promise<Body[]> {
    const out: Body[] = [];
    let nextToken: string | undefined;
    do {
      const page = (await this.client.listTriggers(fn, new sdk.ListTriggersRequest({ limit: 100, nextToken }))).body;
      out.push(...(page?.triggers ?? []).map((t) => plain(t)));
      nextToken = page?.nextToken || undefined;
    } while (nextToken);
    return out;
  }

  async getTrigger(fn: string, trigger: string): Promise<Body> {
    return plain((await this.client.getTrigger(fn, trigger)).body);
  }

  async createTrigger(fn: string, body: Body): Promise<void> {
    await this.client.createTrigger(fn, new sdk.CreateTriggerRequest({ body: new sdk.CreateTriggerInput(body) }));
  }

  async updateTrigger(fn: string, trigger: string, body: Body): Promise<void> {
    await this.client.updateTrigger(fn, trigger, new sdk.UpdateTriggerRequest({ body: new sdk.UpdateTriggerInput(body) }));
  }

  async deleteTrigger(fn: string, trigger: string): Promise<void> {
    await this.client.deleteTrigger(fn, trigger);
  }

  async getCustomDomain(name: string): Promise<Body> {
    return plain((await this.client.getCustomDomain(name)).body);
  }

  async createCustomDomain(body: Body): Promise<void> {
    await this.client.createCustomDomain(new sdk.CreateCustomDomainRequest({ body: new sdk.CreateCustomDomainInput(body) }));
  }

  async updateCustomDomain(name: string, body: Body): Promise<void> {
    await this.client.updateCustomDomain(name, new sdk.UpdateCustomDomainRequest({ body: new sdk.UpdateCustomDomainInput(body) }));
  }

  async deleteCustomDomain(name: string): Promise<void> {
    await this.client.deleteCustomDomain(name);
  }

  /** InvokeFunction: the function's answer as text, and its error type when it failed (x-fc-error-type). */
  async invoke(name: string, event: string, options: { async?: boolean } = {}): Promise<{ body: string; errorType?: string }> {
    const headers = new sdk.InvokeFunctionHeaders({ xFcInvocationType: options.async ? 'Async' : 'Sync' });
    // The SDK streams the request body: it takes a Readable, not a Buffer.
    const response = await this.client.invokeFunctionWithOptions(
      name,
      new sdk.InvokeFunctionRequest({ body: Readable.from([Buffer.from(event)]) }),
      headers,
      new RuntimeOptions({}),
    );
    const raw = response.body as unknown;
    const body = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : raw ? await readAll(raw as NodeJS.ReadableStream) : '';
    const errorType = response.headers?.['x-fc-error-type'];
    return errorType ? { body, errorType } : { body };
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
