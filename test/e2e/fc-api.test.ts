// The real Function Compute clients invoking the local stack's functions through its FC API:
// @alicloud/fc2 on a stack deployed with --platform fc2, @alicloud/fc20230330 on the default FC 3.0
// one; and `thaw invoke` doing the same from the command line on each.
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import FC from '@alicloud/fc2';
import FC3 from '@alicloud/fc20230330';
import * as $FC3 from '@alicloud/fc20230330';
import { Fc3Client } from '../../lib/deploy/fc3-client';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../../lib/emulators/shared/emulator';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDev, spawnDev } from '../support/dev-stack';

const run = promisify(execFile);

interface FcInfo {
  endpoint: string;
  accountId: string;
  region: string;
  stack: string;
  services: Record<string, string>;
  accessKeyId: string;
  accessKeySecret: string;
}

describe('the local FC API, FC 2.0 (thaw dev --platform fc2)', () => {
  let dev: RunningDev;
  let fc: FcInfo;
  const client = (secret = fc.accessKeySecret) =>
    new FC(fc.accountId, { accessKeyID: fc.accessKeyId, accessKeySecret: secret, region: fc.region, endpoint: fc.endpoint });

  beforeAll(async () => {
    dev = await spawnDev(['--platform', 'fc2']);
    fc = (dev.info as unknown as { fc: FcInfo }).fc;
  });
  afterAll(async () => {
    expect(await dev?.stop()).toBe(0);
  });

  it('invokes the sweeper and returns its result', async () => {
    const response = await client().invokeFunction(fc.services.sweeper!, 'sweeper', '{}');
    expect(response.headers['x-fc-error-type']).toBeUndefined();
    expect(response.data).toMatchObject({ due: 0, outOfScope: 0, summary: { seen: 0 } });
  });

  it('passes the event through: a malformed storage event is reported, not thrown', async () => {
    const response = await client().invokeFunction(fc.services['storage-event']!, 'storage-event', JSON.stringify({ nothing: 'here' }));
    expect(response.data).toHaveProperty('malformed');
  });

  it.each([
    ['an unknown function', () => client().invokeFunction(fc.services.sweeper!, 'no-such-function', '{}'), 'FunctionNotFound'],
    ['an unknown service', () => client().invokeFunction('other-service', 'sweeper', '{}'), 'ServiceNotFound'],
    ['a wrong secret', () => client('wrong-secret').invokeFunction(fc.services.sweeper!, 'sweeper', '{}'), 'SignatureNotMatch'],
    // The fixed demo key of a standalone emulator opens nothing here: the stack's owner key is made per run.
    [
      'the fixed demo key',
      () =>
        new FC(fc.accountId, {
          accessKeyID: DEFAULT_ACCESS_KEY_ID,
          accessKeySecret: DEFAULT_ACCESS_KEY_SECRET,
          region: fc.region,
          endpoint: fc.endpoint,
        }).createService('planted', {}),
      'InvalidAccessKeyID',
    ],
  ])('refuses %s with %s', async (_label, call, code) => {
    await expect(call()).rejects.toMatchObject({ code });
  });

  it.each([
    ['a body that is not the one signed', '{"events":[]}', new Date().toUTCString(), 400, 'InvalidArgument'],
    ['a replayed request dated 2001', '{}', new Date(Date.UTC(2001, 0, 1)).toUTCString(), 403, 'RequestTimeTooSkewed'],
  ])('refuses %s', async (_label, sentBody, date, status, code) => {
    const path = `/2016-08-15/services/${fc.services.sweeper}/functions/sweeper/invocations`;
    const signedBody = '{}';
    const headers: Record<string, string> = {
      date,
      'content-type': 'application/octet-stream',
      'content-md5': Buffer.from(createHash('md5').update(signedBody).digest('hex')).toString('base64'),
      'x-fc-account-id': fc.accountId,
    };
    headers.authorization = FC.getSignature(fc.accessKeyId, fc.accessKeySecret, 'POST', path, headers);
    const res = await fetch(`${fc.endpoint}${path}`, { method: 'POST', headers, body: sentBody });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { ErrorCode: string }).ErrorCode).toBe(code);
  });

  it('serves the FC 2.0 management API with its documented errors, to the real client', async () => {
    const c = client();
    const service = `scratch-${randomUUID().slice(0, 8)}`;
    const code = { zipFile: Buffer.from(zipSync({ 'index.js': new TextEncoder().encode('exports.handler = async () => 1;') })).toString('base64') };
    await expect(c.getService(service)).rejects.toMatchObject({ code: 'ServiceNotFound' });
    await c.createService(service, { description: 'scratch' });
    await expect(c.createService(service, {})).rejects.toMatchObject({ code: 'ServiceAlreadyExists' });
    await expect(c.getFunction(service, 'f')).rejects.toMatchObject({ code: 'FunctionNotFound' });
    const fn = (await c.createFunction(service, { functionName: 'f', handler: 'index.handler', runtime: 'nodejs20', code })).data;
    expect(fn).toMatchObject({ functionName: 'f', codeSize: expect.any(Number), codeChecksum: expect.stringMatching(/^\d+$/) });
    await expect(c.createFunction(service, { functionName: 'f', handler: 'index.handler', runtime: 'nodejs20', code })).rejects.toMatchObject({
      code: 'FunctionAlreadyExists',
    });
    await expect(c.getTrigger(service, 'f', 't')).rejects.toMatchObject({ code: 'TriggerNotFound' });
    const timer = { triggerName: 't', triggerType: 'timer', triggerConfig: { cronExpression: '@every 5m', enable: true } };
    await c.createTrigger(service, 'f', timer);
    await expect(c.createTrigger(service, 'f', timer)).rejects.toMatchObject({ code: 'TriggerAlreadyExists' });
    await expect(
      c.createTrigger(service, 'f', { ...timer, triggerName: 'u', triggerConfig: { cronExpression: '@every 5m', Enable: true } }),
    ).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    await expect(c.deleteFunction(service, 'f')).rejects.toMatchObject({ code: 'FunctionNotEmpty' });
    await expect(c.deleteService(service)).rejects.toMatchObject({ code: 'ServiceNotEmpty' });
    expect((await c.invokeFunction(service, 'f', '{}')).data).toBe(1);
    await c.deleteTrigger(service, 'f', 't');
    await c.deleteFunction(service, 'f');
    await c.deleteService(service);
    await expect(c.getService(service)).rejects.toMatchObject({ code: 'ServiceNotFound' });
  });

  it('is what `thaw invoke` talks to', async () => {
    const { stdout } = await run(
      process.execPath,
      ['lib/bin/thaw.mjs', 'invoke', 'sweeper', '--endpoint', fc.endpoint, '--account-id', fc.accountId, '--region', fc.region, '--stack', fc.stack],
      { env: { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: fc.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: fc.accessKeySecret } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ due: 0 });
  });
});

describe('the local FC API, FC 3.0 (thaw dev)', () => {
  let dev: RunningDev;
  let fc: FcInfo & { platform: string; functions: Record<string, string> };
  const client = (secret = fc.accessKeySecret) =>
    new Fc3Client({ accountId: fc.accountId, region: fc.region, endpoint: fc.endpoint, credentials: { accessKeyId: fc.accessKeyId, accessKeySecret: secret } });

  beforeAll(async () => {
    dev = await spawnDev();
    fc = (dev.info as unknown as { fc: typeof fc }).fc;
  });
  afterAll(async () => {
    expect(await dev?.stop()).toBe(0);
  });

  it('deploys the stack as FC 3.0 functions named <stack>-<function>, no FC 2.0 service', () => {
    expect(fc.platform).toBe('fc3');
    expect(fc.functions).toEqual({
      'access-log': 'oss-thaw-access-log',
      http: 'oss-thaw-http',
      'storage-event': 'oss-thaw-storage-event',
      sweeper: 'oss-thaw-sweeper',
    });
    expect(fc.services).toEqual({});
  });

  it('invokes the sweeper through @alicloud/fc20230330 and returns its result', async () => {
    const answer = await client().invoke(fc.functions.sweeper!, '{}');
    expect(answer.errorType).toBeUndefined();
    expect(JSON.parse(answer.body)).toMatchObject({ due: 0, outOfScope: 0, summary: { seen: 0 } });
  });

  it('passes the event through: a malformed storage event is reported, not thrown', async () => {
    const answer = await client().invoke(fc.functions['storage-event']!, JSON.stringify({ nothing: 'here' }));
    expect(JSON.parse(answer.body)).toHaveProperty('malformed');
  });

  it.each([
    ['an unknown function', () => client().invoke('oss-thaw-no-such-function', '{}'), 'FunctionNotFound'],
    ['a wrong secret', () => client('wrong-secret').invoke('oss-thaw-sweeper', '{}'), 'SignatureDoesNotMatch|SignatureNotMatch|InvalidSignature'],
  ])('refuses %s', async (_label, call, code) => {
    await expect(call()).rejects.toMatchObject({ code: expect.stringMatching(new RegExp(`^(${code})$`)) });
  });

  it('refuses the fixed demo key with InvalidAccessKeyID (403), and creates nothing', async () => {
    // The standalone emulators' demo key opens nothing here either: the stack's owner key is made per
    // run. FC's error table: 403 InvalidAccessKeyID "invalid access key ID '%s'"
    // (alibabacloud.com/help/en/functioncompute/error-codes), as lib/emulators/fc/fc3-errors.ts answers.
    const endpoint = new URL(fc.endpoint);
    const demo = new FC3({
      accessKeyId: DEFAULT_ACCESS_KEY_ID,
      accessKeySecret: DEFAULT_ACCESS_KEY_SECRET,
      endpoint: endpoint.host,
      protocol: endpoint.protocol.replace(':', ''),
      regionId: fc.region,
    } as never);
    const code = Buffer.from(zipSync({ 'index.js': new TextEncoder().encode('exports.handler = async () => 1;') })).toString('base64');
    const planted = demo.createFunction(
      new $FC3.CreateFunctionRequest({
        body: new $FC3.CreateFunctionInput({
          functionName: 'planted',
          handler: 'index.handler',
          runtime: 'nodejs20',
          code: new $FC3.InputCodeLocation({ zipFile: code }),
        }),
      }),
    );
    await expect(planted).rejects.toMatchObject({ code: 'InvalidAccessKeyID', statusCode: 403 });
    await expect(client().getFunction('planted')).rejects.toMatchObject({ code: 'FunctionNotFound' });
  });

  it('is what `thaw invoke` talks to', async () => {
    const { stdout } = await run(
      process.execPath,
      ['lib/bin/thaw.mjs', 'invoke', 'sweeper', '--endpoint', fc.endpoint, '--account-id', fc.accountId, '--region', fc.region, '--stack', fc.stack],
      { env: { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: fc.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: fc.accessKeySecret } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ due: 0 });
  });
});
