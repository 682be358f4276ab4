// FC 3.0 functions run as FC 3.0 runs them, driven through @alicloud/fc20230330: the event handler
// with FC 3.0's context (the function's own role's keys, no service name), the HTTP trigger handing
// the product's real http bundle FC 3.0's HTTP event at the trigger's own address (forced download
// there, not on a custom domain), asynchronous invocations retried and then delivered to their
// onFailure destination with the function's role, and each trigger type invoking with its role,
// refused without the grant and healed once granted.
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as $FC3 from '@alicloud/fc20230330';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCode } from '../../lib/build/code';
import { DEFAULT_OWNER_ID } from '../../lib/emulators/oss';
import { eventually, type LocalFc3, OWNER, REGION, startLocalFc3, zipOf } from '../support/local-fc3';

const CONTEXT = `exports.handler = async (event, context) => ({ event: event.toString(), context, env: { name: process.env.FC_FUNCTION_NAME, service: process.env.FC_SERVICE_NAME ?? null, key: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID } });`;
const FAIL = `exports.handler = async () => { throw new Error('always fails'); };`;
const SINK = `const seen = []; exports.handler = async (event) => { seen.push(JSON.parse(event.toString())); return seen; };`;

let fc: LocalFc3;
let buildDir: string;
let httpZip: string;
beforeAll(async () => {
  fc = await startLocalFc3({ logIntervalMs: 100 });
  buildDir = await mkdtemp(join(tmpdir(), 'fc3-build-'));
  httpZip = Buffer.from((await buildCode({ outDir: buildDir })).get('http')!.zip).toString('base64');
}, 120_000);
afterAll(async () => {
  await fc?.close();
  if (buildDir) await rm(buildDir, { recursive: true, force: true });
});

function create(name: string, zipFile: string, extra: Record<string, unknown> = {}) {
  return fc.client().createFunction(
    new $FC3.CreateFunctionRequest({
      body: new $FC3.CreateFunctionInput({
        functionName: name,
        handler: 'index.handler',
        runtime: 'nodejs20',
        code: new $FC3.InputCodeLocation({ zipFile }),
        ...extra,
      }),
    }),
  );
}

async function invoke(name: string, payload: unknown, type?: 'Async'): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const request = new $FC3.InvokeFunctionRequest({ body: Readable.from([Buffer.from(JSON.stringify(payload))]) });
  const headers = new $FC3.InvokeFunctionHeaders(type ? { xFcInvocationType: type } : {});
  const res = await fc.client().invokeFunctionWithOptions(name, request, headers, {} as never);
  const chunks: Buffer[] = [];
  for await (const c of res.body as Readable) chunks.push(Buffer.from(c));
  return { status: res.statusCode!, headers: res.headers!, body: Buffer.concat(chunks).toString('utf8') };
}

function trigger(fn: string, body: Record<string, unknown>) {
  return fc.client().createTrigger(fn, new $FC3.CreateTriggerRequest({ body: new $FC3.CreateTriggerInput(body) }));
}

/** A GET with a Host of our choosing (fetch does not let a caller set Host). */
function rawGet(url: string, host: string): Promise<{ status: number; disposition: unknown; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode ?? 0, disposition: r.headers['content-disposition'], body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

const counts = (key: string) => fc.wiring.stats()[key] ?? { invocations: 0, failed: 0, refused: 0 };

describe('an FC 3.0 event function', () => {
  it('gets the payload as a Buffer and FC 3.0’s context, with its own role’s keys and no service', async () => {
    const role = fc.account.addRole('ctx-role', ['fc.aliyuncs.com']);
    await create('ctx', zipOf(CONTEXT), { role, memorySize: 256, timeout: 9 });
    const res = await invoke('ctx', { hello: 'fc3' });
    expect(res.status).toBe(200);
    const answer = JSON.parse(res.body);
    expect(JSON.parse(answer.event)).toEqual({ hello: 'fc3' });
    expect(answer.context).toMatchObject({
      function: { name: 'ctx', handler: 'index.handler', memory: 256, timeout: 9 },
      service: { logProject: '', logStore: '', qualifier: 'LATEST' },
      region: REGION,
      accountId: DEFAULT_OWNER_ID,
    });
    expect(answer.context.service).not.toHaveProperty('name');
    expect(answer.context.credentials.accessKeyId).toMatch(/^STS\./);
    expect(answer.env).toEqual({ name: 'ctx', service: null, key: answer.context.credentials.accessKeyId });
    expect(fc.account.assumptions).toContainEqual({ role: 'ctx-role', service: 'fc.aliyuncs.com' });
  });

  it('answers a thrown error with x-fc-error-type, and a reserved concurrency of 0 with 429', async () => {
    await create('fails', zipOf(FAIL));
    const res = await invoke('fails', {});
    expect(res.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(JSON.parse(res.body)).toMatchObject({ errorMessage: 'always fails' });
    await fc.client().putConcurrencyConfig('fails', new $FC3.PutConcurrencyConfigRequest({ body: new $FC3.PutConcurrencyInput({ reservedConcurrency: 0 }) }));
    await expect(invoke('fails', {})).rejects.toMatchObject({ code: 'ResourceExhausted', statusCode: 429 });
    await fc.client().deleteConcurrencyConfig('fails');
  });
});

describe('asynchronous invocation', () => {
  it('retries a failing run, then delivers the record to the onFailure function with the function’s role', async () => {
    await create('dead-letters', zipOf(SINK));
    const role = fc.account.addRole('async-role', ['fc.aliyuncs.com']);
    await create('flaky', zipOf(FAIL), { role });
    const dlq = `acs:fc:${REGION}:${DEFAULT_OWNER_ID}:functions/dead-letters`;
    await fc.client().putAsyncInvokeConfig(
      'flaky',
      new $FC3.PutAsyncInvokeConfigRequest({
        body: new $FC3.PutAsyncInvokeConfigInput({
          maxAsyncRetryAttempts: 2,
          destinationConfig: new $FC3.DestinationConfig({ onFailure: new $FC3.Destination({ destination: dlq }) }),
        }),
      }),
    );
    // Without fc:InvokeFunction on the destination the record is dropped, and said so.
    expect((await invoke('flaky', { n: 1 }, 'Async')).status).toBe(202);
    await eventually(() => (fc.api.async.stats().refused === 1 ? true : undefined), 'a refused delivery');
    expect(fc.api.async.stats()).toMatchObject({ failed: 1, retried: 2 });
    expect(fc.warnings.find((w) => w.message.includes('not delivered'))?.fields?.reason).toContain(`is not allowed fc:InvokeFunction on ${dlq}`);

    fc.account.grant('async-role', { action: 'fc:InvokeFunction', resource: dlq });
    await invoke('flaky', { n: 2 }, 'Async');
    await eventually(() => (fc.api.async.stats().delivered === 1 ? true : undefined), 'a delivered record');
    const seen = JSON.parse((await invoke('dead-letters', { probe: true })).body) as Record<string, unknown>[];
    expect(seen[0]).toMatchObject({
      requestContext: { functionArn: `acs:fc:${REGION}:${DEFAULT_OWNER_ID}:functions/flaky`, condition: 'Error', approximateInvokeCount: 3 },
      requestPayload: JSON.stringify({ n: 2 }),
      responseContext: { functionError: 'UnhandledInvocationError' },
    });
    expect(JSON.parse(String(seen[0]!.responsePayload))).toMatchObject({ errorMessage: 'always fails' });
  });

  it('keeps records for an MNS queue destination in the outbox', async () => {
    const queue = `acs:mns:${REGION}:${DEFAULT_OWNER_ID}:/queues/dlq/messages`;
    fc.account.grant('async-role', { action: 'mns:SendMessage', resource: queue });
    await fc.client().putAsyncInvokeConfig(
      'flaky',
      new $FC3.PutAsyncInvokeConfigRequest({
        body: new $FC3.PutAsyncInvokeConfigInput({
          maxAsyncRetryAttempts: 0,
          destinationConfig: new $FC3.DestinationConfig({ onFailure: new $FC3.Destination({ destination: queue }) }),
        }),
      }),
    );
    await invoke('flaky', { n: 3 }, 'Async');
    const delivered = await eventually(() => fc.api.async.deliveries().find((d) => d.destination === queue), 'the MNS record');
    expect(delivered).toMatchObject({ kind: 'mns-queue', record: { requestPayload: JSON.stringify({ n: 3 }), requestContext: { approximateInvokeCount: 1 } } });
  });
});

describe('the HTTP trigger', () => {
  it('hands the product’s http handler FC 3.0’s HTTP event at the trigger’s own address and maps its answer back', async () => {
    await create('api', httpZip, { environmentVariables: { THAW_LOG_LEVEL: 'error' } });
    const t = (
      await trigger('api', { triggerName: 'http', triggerType: 'http', triggerConfig: JSON.stringify({ authType: 'anonymous', methods: ['GET', 'POST'] }) })
    ).body!;
    const url = t.httpTrigger!.urlInternet!;
    // Without its configuration the API cannot start: the handler still answers through FC 3.0's
    // response struct, 503 with Retry-After and the API's JSON error.
    const res = await fetch(`${url}/v1/restores/bucket/a%2Fb?versionId=v1`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.headers.get('content-disposition')).toBe('attachment');
    expect(await res.json()).toMatchObject({ error: { code: expect.any(String) } });
    // By Host, as fcapp.run routes.
    const prefix = url.split('/').pop()!;
    const byHost = await rawGet(`${fc.endpoint}/v1/health`, `${prefix}.${REGION}.fcapp.run`);
    expect(byHost.status).toBe(503);
    expect((await fetch(`${url}/x`, { method: 'PUT' })).status).toBe(405);
  });

  it('gives a function FC 3.0’s event fields and the function’s struct decides the answer; custom domains do not force downloads', async () => {
    const echo = `exports.handler = async (event) => { const e = JSON.parse(event); return { statusCode: 201, headers: { 'content-type': 'application/json', 'x-fc-spoof': '1' }, body: JSON.stringify(e), isBase64Encoded: false }; };`;
    await create('echo', zipOf(echo));
    const t = (
      await trigger('echo', { triggerName: 'http', triggerType: 'http', triggerConfig: JSON.stringify({ authType: 'anonymous', methods: ['GET', 'POST'] }) })
    ).body!;
    const res = await fetch(`${t.httpTrigger!.urlInternet}/a%20b?x=1&x=2`, {
      method: 'POST',
      body: Buffer.from([0, 1, 2]),
      headers: { 'x-fc-hidden': 'y', 'x-app': 'kept' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-fc-spoof')).toBeNull();
    const event = (await res.json()) as { headers: Record<string, string> };
    expect(event).toMatchObject({
      version: 'v1',
      rawPath: '/a%20b',
      queryParameters: { x: '1,2' },
      isBase64Encoded: true,
      body: Buffer.from([0, 1, 2]).toString('base64'),
      requestContext: {
        accountId: DEFAULT_OWNER_ID,
        http: { method: 'POST', path: '/a b' },
        domainName: expect.stringMatching(new RegExp(`\\.${REGION}\\.fcapp\\.run$`)),
      },
    });
    expect(event.headers['x-app']).toBe('kept');
    expect(event.headers).not.toHaveProperty('x-fc-hidden');
    await fc.client().createCustomDomain(
      new $FC3.CreateCustomDomainRequest({
        body: new $FC3.CreateCustomDomainInput({
          domainName: 'echo.example.com',
          routeConfig: new $FC3.RouteConfig({ routes: [new $FC3.PathConfig({ path: '/*', functionName: 'echo' })] }),
        }),
      }),
    );
    const viaDomain = await rawGet(`${fc.domainEndpoint}/p?q=1`, 'echo.example.com');
    expect(viaDomain.status).toBe(201);
    expect(viaDomain.disposition).toBeUndefined();
    expect(JSON.parse(viaDomain.body)).toMatchObject({ rawPath: '/p', requestContext: { domainName: 'echo.example.com' } });
  });
});

describe('triggers of FC 3.0 functions', () => {
  it('OSS invokes with its role only when that role may fc:InvokeFunction the functions/{name} ARN, healing once granted', async () => {
    await create('on-put', zipOf(SINK));
    const role = fc.account.addRole('oss3', ['oss.aliyuncs.com']);
    fc.oss.createBucket('watched3');
    await trigger('on-put', {
      triggerName: 'oss',
      triggerType: 'oss',
      sourceArn: `acs:oss:${REGION}:${DEFAULT_OWNER_ID}:watched3`,
      invocationRole: role,
      triggerConfig: JSON.stringify({ events: ['oss:ObjectCreated:*'], filter: { key: { prefix: '', suffix: '' } } }),
    });
    const put = (key: string) => new OSS({ endpoint: fc.oss.endpoint, ...OWNER, bucket: 'watched3' }).put(key, Buffer.from('x'));
    await eventually(async () => {
      await put('a.txt');
      return counts('fc3/on-put/oss').refused > 0 ? true : undefined;
    }, 'a refused OSS event');
    expect(fc.warnings.find((w) => w.fields?.trigger === 'fc3/on-put/oss')?.fields?.reason).toContain(`acs:fc:${REGION}:${DEFAULT_OWNER_ID}:functions/on-put`);
    fc.account.grant('oss3', { action: 'fc:InvokeFunction', resource: `acs:fc:*:*:functions/on-put` });
    await put('b.txt');
    await eventually(() => (counts('fc3/on-put/oss').invocations > 0 ? true : undefined), 'the OSS event once granted');
  });

  it('Log Service reads with the trigger role and invokes only with fc:InvokeFunction', async () => {
    fc.sls.createProject('fc3-src');
    fc.sls.createLogstore('fc3-src', 'records', { shardCount: 1 });
    await create('on-log', zipOf(SINK));
    const role = fc.account.addRole('log3', ['log.aliyuncs.com'], [{ action: 'log:*', resource: 'acs:log:*:*:project/fc3-src/*' }]);
    await trigger('on-log', {
      triggerName: 'log',
      triggerType: 'log',
      sourceArn: `acs:log:${REGION}:${DEFAULT_OWNER_ID}:project/fc3-src`,
      invocationRole: role,
      triggerConfig: JSON.stringify({
        sourceConfig: { logstore: 'records' },
        jobConfig: { maxRetryTime: 3, triggerInterval: 3 },
        logConfig: { project: 'fc3-src', logstore: 'records' },
        enable: true,
      }),
    });
    fc.sls.writeLogs('fc3-src', 'records', [{ time: Math.floor(Date.now() / 1000), contents: { n: '1' } }]);
    await eventually(() => (counts('fc3/on-log/log').refused > 0 ? true : undefined), 'a refused range');
    fc.account.grant('log3', { action: 'fc:InvokeFunction', resource: 'acs:fc:*:*:functions/on-log' });
    await eventually(() => (counts('fc3/on-log/log').invocations > 0 ? true : undefined), 'the range once granted');
  });

  it('EventBridge delivers through its service-linked role and is answered as FC 3.0 answers it', async () => {
    await create('on-eb', zipOf(SINK));
    const t = (
      await trigger('on-eb', {
        triggerName: 'eb',
        triggerType: 'eventbridge',
        triggerConfig: JSON.stringify({
          eventRuleFilterPattern: JSON.stringify({
            source: ['acs.oss'],
            type: ['oss:ObjectCreated:PutObject'],
            subject: [{ prefix: `acs:oss:${REGION}:${DEFAULT_OWNER_ID}:eb3/` }],
          }),
          eventSourceConfig: { eventSourceType: 'Default' },
        }),
      })
    ).body!;
    expect(t).toMatchObject({ sourceArn: `acs:eventbridge:${REGION}:${DEFAULT_OWNER_ID}:eventbus/default/rule/on-eb-eb`, status: 'OK' });
    expect(JSON.parse(t.triggerConfig!)).toMatchObject({ triggerEnable: true, asyncInvocationType: false });
    fc.oss.createBucket('eb3');
    fc.account.serviceLinkedRoles.delete('AliyunServiceRoleForEventBridgeSendToFC');
    const put = (key: string) => new OSS({ endpoint: fc.oss.endpoint, ...OWNER, bucket: 'eb3' }).put(key, Buffer.from('x'));
    await eventually(async () => {
      await put('a');
      return counts('fc3/on-eb/eb').refused > 0 ? true : undefined;
    }, 'a dropped event');
    fc.account.serviceLinkedRoles.add('AliyunServiceRoleForEventBridgeSendToFC');
    await put('b');
    await eventually(() => (counts('fc3/on-eb/eb').invocations > 0 ? true : undefined), 'the event once the role exists');
  });

  it('a timer needs no role', async () => {
    await create('on-timer', zipOf(SINK));
    await trigger('on-timer', {
      triggerName: 'tick',
      triggerType: 'timer',
      triggerConfig: JSON.stringify({ cronExpression: '@every 1m', payload: 'p', enable: true }),
    });
    expect(fc.wiring.stats()['fc3/on-timer/tick']).toBeUndefined();
    await fc.client().deleteTrigger('on-timer', 'tick');
  });
});
