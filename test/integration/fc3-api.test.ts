// The local FC 3.0 management API through @alicloud/fc20230330 unmodified: every operation's happy
// path, FC 3.0's answer shapes (functionArn, codeChecksum, state, triggerConfig as a string, an HTTP
// trigger's own addresses), the documented bounds and errors, the V3 signature and RAM authorization
// per operation, ram:PassRole for a role handed over, and the FC 2.0 API on the same endpoint.
import FC2 from '@alicloud/fc2';
import * as $FC3 from '@alicloud/fc20230330';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OWNER_ID } from '../../lib/emulators/oss';
import { type LocalFc3, OWNER, REGION, startLocalFc3, zipOf } from '../support/local-fc3';

const SOURCE = 'exports.handler = async (event) => JSON.parse(event.toString() || "null");';
const ARN = (name: string) => `acs:fc:${REGION}:${DEFAULT_OWNER_ID}:functions/${name}`;

let fc: LocalFc3;
beforeAll(async () => {
  fc = await startLocalFc3();
});
afterAll(async () => {
  await fc?.close();
});

function create(name: string, extra: Record<string, unknown> = {}) {
  return fc.client().createFunction(
    new $FC3.CreateFunctionRequest({
      body: new $FC3.CreateFunctionInput({
        functionName: name,
        handler: 'index.handler',
        runtime: 'nodejs20',
        code: new $FC3.InputCodeLocation({ zipFile: zipOf(SOURCE) }),
        ...extra,
      }),
    }),
  );
}

async function refusal(call: Promise<unknown>): Promise<{ code: string; statusCode: number; message: string }> {
  try {
    await call;
  } catch (err) {
    return err as { code: string; statusCode: number; message: string };
  }
  throw new Error('the call was not refused');
}

describe('functions', () => {
  it('are created with FC 3.0 defaults and read back with their ARN, checksum and state', async () => {
    const created = await create('api-fn', { description: 'd', tags: [new $FC3.Tag({ key: 'team', value: 'thaw' })] });
    expect(created.statusCode).toBe(200);
    const got = (await fc.client().getFunction('api-fn', new $FC3.GetFunctionRequest({}))).body!;
    expect(got).toMatchObject({
      functionName: 'api-fn',
      functionArn: ARN('api-fn'),
      description: 'd',
      timeout: 3,
      memorySize: 512,
      cpu: 0.15,
      diskSize: 512,
      instanceConcurrency: 1,
      internetAccess: true,
      state: 'Active',
      lastUpdateStatus: 'Successful',
      tags: [{ key: 'team', value: 'thaw' }],
    });
    expect(got.codeChecksum).toMatch(/^\d+$/);
    expect(got.codeSize).toBeGreaterThan(0);
    expect(got.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('are updated, listed by prefix with a page token, and give their code back at a URL', async () => {
    const updated = await fc
      .client()
      .updateFunction('api-fn', new $FC3.UpdateFunctionRequest({ body: new $FC3.UpdateFunctionInput({ memorySize: 1024, timeout: 60 }) }));
    expect(updated.body).toMatchObject({ memorySize: 1024, timeout: 60, cpu: 0.25 });
    await create('api-fn-2');
    await create('other');
    const first = (await fc.client().listFunctions(new $FC3.ListFunctionsRequest({ prefix: 'api-', limit: 1 }))).body!;
    expect(first.functions!.map((f) => f.functionName)).toEqual(['api-fn']);
    const second = (await fc.client().listFunctions(new $FC3.ListFunctionsRequest({ prefix: 'api-', limit: 1, nextToken: first.nextToken }))).body!;
    expect(second.functions!.map((f) => f.functionName)).toEqual(['api-fn-2']);
    expect(second.nextToken).toBeUndefined();
    const code = (await fc.client().getFunctionCode('api-fn', new $FC3.GetFunctionCodeRequest({}))).body!;
    const zip = Buffer.from(await (await fetch(code.url!)).arrayBuffer());
    expect(zip.toString('base64')).toBe(zipOf(SOURCE));
    expect((await fetch(`${code.url!.split('?')[0]}?Expires=9999999999&Signature=forged`)).status).toBe(403);
  });

  it.each([
    ['a name starting with a digit', { functionName: '1fn' }, /functionName "1fn"/],
    ['memory not a multiple of 64', { memorySize: 200 }, /multiple of 64/],
    ['memory over 32 GB', { memorySize: 32832 }, /memorySize must be an integer from 128 to 32768/],
    ['a cpu to memory ratio over 1:4', { memorySize: 4096, cpu: 0.5 }, /from 1:1 to 1:4/],
    ['a disk size FC does not offer', { diskSize: 1024 }, /diskSize must be 512 or 10240/],
    ['a timeout over a day', { timeout: 86401 }, /timeout must be an integer from 1 to 86400/],
    ['concurrency over 200', { instanceConcurrency: 201 }, /instanceConcurrency/],
    ['instance concurrency on a standard runtime', { instanceConcurrency: 2 }, /standard runtime nodejs20 serves one request per instance/],
    ['a reserved variable', { environmentVariables: { FC_X: '1' } }, /reserved by Function Compute/],
    ['a tag key starting acs:', { tags: [{ key: 'acs:x', value: 'y' }] }, /tags\[0\]\.key/],
    ['a VPC without vSwitches', { vpcConfig: { vpcId: 'vpc-1', vSwitchIds: [], securityGroupId: 'sg-1' } }, /vSwitchIds/],
  ])('refuse %s with InvalidArgument', async (_label, extra, message) => {
    const err = await refusal(create(String((extra as { functionName?: string }).functionName ?? 'bad'), extra));
    expect(err).toMatchObject({ code: 'InvalidArgument', statusCode: 400 });
    expect(err.message).toMatch(message);
  });

  it('answer FunctionAlreadyExists, FunctionNotFound, and FunctionNotEmpty while triggers remain', async () => {
    expect(await refusal(create('api-fn'))).toMatchObject({ code: 'FunctionAlreadyExists', statusCode: 409 });
    expect(await refusal(fc.client().getFunction('nope', new $FC3.GetFunctionRequest({})))).toMatchObject({ code: 'FunctionNotFound', statusCode: 404 });
    await fc.client().createTrigger(
      'api-fn-2',
      new $FC3.CreateTriggerRequest({
        body: new $FC3.CreateTriggerInput({
          triggerName: 't',
          triggerType: 'timer',
          triggerConfig: JSON.stringify({ cronExpression: '@every 60m', enable: false }),
        }),
      }),
    );
    expect(await refusal(fc.client().deleteFunction('api-fn-2'))).toMatchObject({ code: 'FunctionNotEmpty' });
    await fc.client().deleteTrigger('api-fn-2', 't');
    expect((await fc.client().deleteFunction('api-fn-2')).statusCode).toBe(204);
  });

  it('read code in OSS with the caller key, and refuse it when that key may not read the object', async () => {
    fc.oss.createBucket('code-bucket');
    await new OSS({ endpoint: fc.oss.endpoint, ...OWNER, bucket: 'code-bucket' }).put('fn.zip', Buffer.from(zipOf(SOURCE), 'base64'));
    const ossCode = new $FC3.InputCodeLocation({ ossBucketName: 'code-bucket', ossObjectName: 'fn.zip' });
    const made = await fc.client().createFunction(
      new $FC3.CreateFunctionRequest({
        body: new $FC3.CreateFunctionInput({ functionName: 'from-oss', handler: 'index.handler', runtime: 'nodejs20', code: ossCode }),
      }),
    );
    expect(made.body!.codeSize).toBe(Buffer.from(zipOf(SOURCE), 'base64').length);
    const deployer = fc.account.addUser('deployer', [{ action: 'fc:*', resource: '*' }]);
    const err = await refusal(
      fc.client(deployer).createFunction(
        new $FC3.CreateFunctionRequest({
          body: new $FC3.CreateFunctionInput({ functionName: 'from-oss-2', handler: 'index.handler', runtime: 'nodejs20', code: ossCode }),
        }),
      ),
    );
    expect(err.message).toMatch(/unable to access object fn\.zip in bucket code-bucket: AccessDenied/);
    fc.account.grantUser(deployer.accessKeyId, { action: 'oss:GetObject', resource: 'acs:oss:*:*:code-bucket/*' });
    await fc.client(deployer).createFunction(
      new $FC3.CreateFunctionRequest({
        body: new $FC3.CreateFunctionInput({ functionName: 'from-oss-2', handler: 'index.handler', runtime: 'nodejs20', code: ossCode }),
      }),
    );
  });
});

describe('triggers', () => {
  it('take triggerConfig as a JSON string and answer it as one, with status, targetArn and an HTTP trigger’s addresses', async () => {
    const t = (
      await fc.client().createTrigger(
        'api-fn',
        new $FC3.CreateTriggerRequest({
          body: new $FC3.CreateTriggerInput({
            triggerName: 'web',
            triggerType: 'http',
            triggerConfig: JSON.stringify({ authType: 'anonymous', methods: ['GET'] }),
          }),
        }),
      )
    ).body!;
    expect(t).toMatchObject({ triggerName: 'web', triggerType: 'http', qualifier: 'LATEST', status: 'OK', targetArn: ARN('api-fn') });
    expect(JSON.parse(t.triggerConfig!)).toEqual({ authType: 'anonymous', methods: ['GET'] });
    expect(t.httpTrigger!.urlInternet).toMatch(new RegExp(`^${fc.endpoint}/fcapp\\.run/api-fn-[a-z0-9]{10}$`));
    const listed = (await fc.client().listTriggers('api-fn', new $FC3.ListTriggersRequest({}))).body!;
    expect(listed.triggers!.map((x) => x.triggerName)).toEqual(['web']);
    const updated = (
      await fc.client().updateTrigger(
        'api-fn',
        'web',
        new $FC3.UpdateTriggerRequest({
          body: new $FC3.UpdateTriggerInput({ triggerConfig: JSON.stringify({ authType: 'anonymous', methods: ['GET', 'POST'] }) }),
        }),
      )
    ).body!;
    expect(JSON.parse(updated.triggerConfig!).methods).toEqual(['GET', 'POST']);
    expect(updated.httpTrigger!.urlInternet).toBe(t.httpTrigger!.urlInternet);
  });

  it.each([
    ['a config that is an object, not a string', { triggerType: 'timer', triggerConfig: { cronExpression: '@every 1m' } }, /JSON string/],
    ['a second HTTP trigger', { triggerType: 'http', triggerConfig: '{"authType":"anonymous","methods":["GET"]}' }, /already has an HTTP trigger/],
    [
      'an OSS trigger without a role',
      { triggerType: 'oss', sourceArn: `acs:oss:${REGION}:${DEFAULT_OWNER_ID}:b`, triggerConfig: '{"events":["oss:ObjectCreated:*"]}' },
      /invocationRole is required/,
    ],
    [
      'a Log trigger interval under 3 s',
      {
        triggerType: 'log',
        invocationRole: `acs:ram::${DEFAULT_OWNER_ID}:role/r`,
        sourceArn: `acs:log:${REGION}:${DEFAULT_OWNER_ID}:project/p1`,
        triggerConfig: JSON.stringify({
          sourceConfig: { logstore: 'l' },
          jobConfig: { maxRetryTime: 3, triggerInterval: 1 },
          logConfig: { project: 'p1', logstore: 'l' },
          enable: true,
        }),
      },
      /triggerInterval/,
    ],
  ])('refuse %s', async (_label, body, message) => {
    const err = await refusal(
      fc.client().createTrigger('api-fn', new $FC3.CreateTriggerRequest({ body: new $FC3.CreateTriggerInput({ triggerName: 'x', ...(body as object) }) })),
    );
    expect(err.code).toBe('InvalidArgument');
    expect(err.message).toMatch(message);
  });

  it('answer TriggerNotFound and TriggerAlreadyExists', async () => {
    expect(await refusal(fc.client().getTrigger('api-fn', 'nope'))).toMatchObject({ code: 'TriggerNotFound', statusCode: 404 });
    const again = new $FC3.CreateTriggerInput({ triggerName: 'web', triggerType: 'http', triggerConfig: '{}' });
    expect(await refusal(fc.client().createTrigger('api-fn', new $FC3.CreateTriggerRequest({ body: again })))).toMatchObject({ code: 'TriggerAlreadyExists' });
  });
});

describe('async invoke, concurrency and tags', () => {
  it('put, get and delete the async-invoke configuration with FC defaults and bounds', async () => {
    const put = await fc.client().putAsyncInvokeConfig(
      'api-fn',
      new $FC3.PutAsyncInvokeConfigRequest({
        body: new $FC3.PutAsyncInvokeConfigInput({
          maxAsyncRetryAttempts: 1,
          destinationConfig: new $FC3.DestinationConfig({
            onFailure: new $FC3.Destination({ destination: `acs:mns:${REGION}:${DEFAULT_OWNER_ID}:/queues/dlq/messages` }),
          }),
        }),
      }),
    );
    expect(put.body).toMatchObject({ functionArn: ARN('api-fn'), maxAsyncRetryAttempts: 1, maxAsyncEventAgeInSeconds: 86400, asyncTask: false });
    expect(
      (await fc.client().getAsyncInvokeConfig('api-fn', new $FC3.GetAsyncInvokeConfigRequest({}))).body!.destinationConfig!.onFailure!.destination,
    ).toContain('/queues/dlq');
    const bad = (input: Record<string, unknown>) =>
      refusal(fc.client().putAsyncInvokeConfig('api-fn', new $FC3.PutAsyncInvokeConfigRequest({ body: new $FC3.PutAsyncInvokeConfigInput(input) })));
    expect((await bad({ maxAsyncRetryAttempts: 9 })).message).toMatch(/from 0 to 8/);
    expect((await bad({ maxAsyncEventAgeInSeconds: 604801 })).message).toMatch(/from 1 to 604800/);
    expect((await bad({ destinationConfig: { onFailure: { destination: 'acs:oss:x' } } })).message).toMatch(/is not an FC function, MNS queue/);
    expect((await fc.client().deleteAsyncInvokeConfig('api-fn', new $FC3.DeleteAsyncInvokeConfigRequest({}))).statusCode).toBe(204);
    expect(await refusal(fc.client().getAsyncInvokeConfig('api-fn', new $FC3.GetAsyncInvokeConfigRequest({})))).toMatchObject({ statusCode: 404 });
  });

  it('put, get and delete the reserved concurrency', async () => {
    const put = await fc
      .client()
      .putConcurrencyConfig('api-fn', new $FC3.PutConcurrencyConfigRequest({ body: new $FC3.PutConcurrencyInput({ reservedConcurrency: 5 }) }));
    expect(put.body).toEqual(expect.objectContaining({ functionArn: ARN('api-fn'), reservedConcurrency: 5 }));
    expect((await fc.client().getConcurrencyConfig('api-fn')).body!.reservedConcurrency).toBe(5);
    await fc.client().deleteConcurrencyConfig('api-fn');
    expect(await refusal(fc.client().getConcurrencyConfig('api-fn'))).toMatchObject({ statusCode: 404 });
  });

  it('tag, list and untag functions by ARN', async () => {
    await fc.client().tagResources(
      new $FC3.TagResourcesRequest({
        body: new $FC3.TagResourcesInput({ resourceId: [ARN('api-fn')], resourceType: 'FUNCTION', tag: [new $FC3.Tag({ key: 'env', value: 'dev' })] }),
      }),
    );
    const listed = (await fc.client().listTagResources(new $FC3.ListTagResourcesRequest({ resourceType: 'function', resourceId: [ARN('api-fn')] }))).body!;
    expect(listed.tagResources!.map((t) => [t.tagKey, t.tagValue])).toEqual([
      ['team', 'thaw'],
      ['env', 'dev'],
    ]);
    await fc.client().untagResources(new $FC3.UntagResourcesRequest({ resourceType: 'function', resourceId: [ARN('api-fn')], tagKey: ['team'] }));
    expect((await fc.client().getFunction('api-fn', new $FC3.GetFunctionRequest({}))).body!.tags).toEqual([{ key: 'env', value: 'dev' }]);
  });
});

describe('custom domains', () => {
  it('route to functions, answer FC 3.0’s shape, and refuse what FC 3.0 does', async () => {
    const made = (
      await fc.client().createCustomDomain(
        new $FC3.CreateCustomDomainRequest({
          body: new $FC3.CreateCustomDomainInput({
            domainName: 'api.example.com',
            protocol: 'HTTP',
            routeConfig: new $FC3.RouteConfig({ routes: [new $FC3.PathConfig({ path: '/*', functionName: 'api-fn', methods: ['GET'] })] }),
          }),
        }),
      )
    ).body!;
    expect(made).toMatchObject({ domainName: 'api.example.com', apiVersion: '2023-03-30', protocol: 'HTTP', authConfig: { authType: 'anonymous' } });
    expect(made.routeConfig!.routes![0]).toMatchObject({ path: '/*', functionName: 'api-fn', qualifier: 'LATEST' });
    const listed = (await fc.client().listCustomDomains(new $FC3.ListCustomDomainsRequest({}))).body!;
    expect(listed.customDomains!.map((d) => d.domainName)).toEqual(['api.example.com']);
    await fc
      .client()
      .updateCustomDomain(
        'api.example.com',
        new $FC3.UpdateCustomDomainRequest({ body: new $FC3.UpdateCustomDomainInput({ authConfig: new $FC3.AuthConfig({ authType: 'function' }) }) }),
      );
    expect((await fc.client().getCustomDomain('api.example.com')).body!.authConfig!.authType).toBe('function');
    const https = new $FC3.CreateCustomDomainInput({ domainName: 'secure.example.com', protocol: 'HTTPS' });
    expect((await refusal(fc.client().createCustomDomain(new $FC3.CreateCustomDomainRequest({ body: https })))).message).toMatch(/needs certConfig/);
    const again = new $FC3.CreateCustomDomainInput({ domainName: 'api.example.com' });
    expect(await refusal(fc.client().createCustomDomain(new $FC3.CreateCustomDomainRequest({ body: again })))).toMatchObject({
      code: 'DomainNameAlreadyExists',
    });
    await fc.client().deleteCustomDomain('api.example.com');
    expect(await refusal(fc.client().getCustomDomain('api.example.com'))).toMatchObject({ code: 'DomainNameNotFound', statusCode: 404 });
  });
});

describe('signature and authorization', () => {
  it('refuse an unknown key, a wrong secret, and a RAM user without the action, naming action and resource', async () => {
    expect(await refusal(fc.client({ accessKeyId: 'LTAInobody', accessKeySecret: 'x' }).getFunction('api-fn', new $FC3.GetFunctionRequest({})))).toMatchObject({
      code: 'InvalidAccessKeyID',
      statusCode: 403,
    });
    expect(await refusal(fc.client({ ...OWNER, accessKeySecret: 'wrong' }).getFunction('api-fn', new $FC3.GetFunctionRequest({})))).toMatchObject({
      code: 'SignatureNotMatch',
    });
    const reader = fc.account.addUser('reader', [{ action: 'fc:GetFunction', resource: ARN('api-fn') }]);
    expect((await fc.client(reader).getFunction('api-fn', new $FC3.GetFunctionRequest({}))).body!.functionName).toBe('api-fn');
    const denied = await refusal(fc.client(reader).deleteFunction('other'));
    expect(denied).toMatchObject({ code: 'AccessDenied', statusCode: 403 });
    expect(denied.message).toContain(`the caller is not authorized to perform 'fc:DeleteFunction' on resource '${ARN('other')}'`);
    const asyncDenied = await refusal(
      fc.client(reader).putAsyncInvokeConfig('api-fn', new $FC3.PutAsyncInvokeConfigRequest({ body: new $FC3.PutAsyncInvokeConfigInput({}) })),
    );
    expect(asyncDenied.message).toContain("'fc:PutFunctionAsyncInvokeConfig'");
  });

  it('ask ram:PassRole for a role handed over, and check that a logConfig role may write there', async () => {
    const deployer = fc.account.addUser('passer', [{ action: 'fc:*', resource: '*' }]);
    const role = fc.account.addRole('fn-role', ['fc.aliyuncs.com']);
    const withRole = (name: string, extra: Record<string, unknown> = {}) =>
      fc.client(deployer).createFunction(
        new $FC3.CreateFunctionRequest({
          body: new $FC3.CreateFunctionInput({
            functionName: name,
            handler: 'index.handler',
            runtime: 'nodejs20',
            code: new $FC3.InputCodeLocation({ zipFile: zipOf(SOURCE) }),
            role,
            ...extra,
          }),
        }),
      );
    expect((await refusal(withRole('roled'))).message).toContain("'ram:PassRole'");
    fc.account.grantUser(deployer.accessKeyId, { action: 'ram:PassRole', resource: '*' });
    await withRole('roled');
    const logged = await refusal(withRole('logged', { logConfig: new $FC3.LogConfig({ project: 'p1', logstore: 'l1' }) }));
    expect(logged).toMatchObject({ code: 'AccessDenied' });
    expect(logged.message).toContain("No permission to access the logstore 'l1' in project 'p1'.");
    fc.account.grant('fn-role', { action: 'log:PostLogStoreLogs', resource: 'acs:log:*:*:project/p1/logstore/l1' });
    await withRole('logged', { logConfig: new $FC3.LogConfig({ project: 'p1', logstore: 'l1' }) });
  });
});

describe('the FC 2.0 API on the same endpoint', () => {
  it('still serves @alicloud/fc2', async () => {
    const fc2 = new FC2(DEFAULT_OWNER_ID, { accessKeyID: OWNER.accessKeyId, accessKeySecret: OWNER.accessKeySecret, region: REGION, endpoint: fc.endpoint });
    await fc2.createService('svc', {});
    expect(((await fc2.listServices()).data as { services: { serviceName: string }[] }).services.map((s) => s.serviceName)).toEqual(['svc']);
  });
});
