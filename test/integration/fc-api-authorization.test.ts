// The local FC 2.0 API authorizes its caller as FC does, through @alicloud/fc2: each operation is
// asked of RAM as its action on its resource; handing FC a role needs ram:PassRole on it; STS keys
// carry their token; the owner's key may do everything; /-/stack and /-/stats answer only the
// owner's signed request, and the code URL GetFunctionCode hands out is presigned.
import FC from '@alicloud/fc2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OWNER_ID } from '../../lib/emulators/oss';
import { codeOf, type LocalFc, OWNER, startLocalFc } from '../support/local-fc';

let fc: LocalFc;
beforeAll(async () => {
  fc = await startLocalFc();
});
afterAll(async () => {
  await fc?.close();
});

const arn = (resource: string) => `acs:fc:cn-hangzhou:${DEFAULT_OWNER_ID}:${resource}`;

describe('the FC API', () => {
  it('refuses a RAM user each operation its policy does not allow, naming the action and resource, and allows it once granted', async () => {
    const user = fc.account.addUser('deployer');
    const client = fc.client(user);
    await expect(client.createService('by-user', {})).rejects.toMatchObject({
      code: 'AccessDenied',
      message: expect.stringContaining(`the caller is not authorized to perform 'fc:CreateService' on resource '${arn('services/by-user')}'.`),
    });
    fc.account.grantUser(user.accessKeyId, { action: 'fc:CreateService', resource: arn('services/by-user') });
    await client.createService('by-user', {});
    await expect(client.listServices()).rejects.toMatchObject({ message: expect.stringContaining(`'fc:ListServices' on resource '${arn('services/*')}'`) });
    await expect(
      client.createFunction('by-user', { functionName: 'f', handler: 'index.handler', runtime: 'nodejs20', code: codeOf('exports.handler = async () => 1;') }),
    ).rejects.toMatchObject({ message: expect.stringContaining(`'fc:CreateFunction' on resource '${arn('services/by-user/functions/f')}'`) });
    fc.account.grantUser(user.accessKeyId, { action: 'fc:*Function', resource: arn('services/by-user/functions/*') });
    await client.createFunction('by-user', {
      functionName: 'f',
      handler: 'index.handler',
      runtime: 'nodejs20',
      code: codeOf('exports.handler = async () => ({ ok: 1 });'),
    });
    expect((await client.invokeFunction('by-user', 'f', '{}')).data).toEqual({ ok: 1 });
    await expect(client.listTriggers('by-user', 'f')).rejects.toMatchObject({
      message: expect.stringContaining(`'fc:ListTriggers' on resource '${arn('services/by-user/functions/f/triggers/*')}'`),
    });
    await expect(client.getCustomDomain('a.example.com')).rejects.toMatchObject({
      message: expect.stringContaining(`'fc:GetCustomDomain' on resource '${arn('custom-domains/a.example.com')}'`),
    });
  });

  it('asks ram:PassRole for a service role or a trigger invocationRole the caller hands FC', async () => {
    const user = fc.account.addUser('role-passer', [
      { action: 'fc:*', resource: arn('services/passing*') },
      { action: 'fc:CreateTrigger', resource: '*' },
    ]);
    const role = fc.account.addRole('passed-runtime', ['fc.aliyuncs.com']);
    const client = fc.client(user);
    await expect(client.createService('passing', { role })).rejects.toMatchObject({
      code: 'AccessDenied',
      message: expect.stringContaining(`'ram:PassRole' on resource 'acs:ram:*:${DEFAULT_OWNER_ID}:role/passed-runtime'`),
    });
    fc.account.grantUser(user.accessKeyId, { action: 'ram:PassRole', resource: `acs:ram:*:${DEFAULT_OWNER_ID}:role/passed-*` });
    await client.createService('passing', { role });
    await client.createFunction('passing', {
      functionName: 'f',
      handler: 'index.handler',
      runtime: 'nodejs20',
      code: codeOf('exports.handler = async () => 1;'),
    });
    const invoker = fc.account.addRole('other-invoke', ['oss.aliyuncs.com']);
    fc.oss.createBucket('passing-bucket');
    await expect(
      client.createTrigger('passing', 'f', {
        triggerName: 'o',
        triggerType: 'oss',
        sourceArn: `acs:oss:cn-hangzhou:${DEFAULT_OWNER_ID}:passing-bucket`,
        invocationRole: invoker,
        triggerConfig: { events: ['oss:ObjectCreated:*'] },
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining(`'ram:PassRole' on resource 'acs:ram:*:${DEFAULT_OWNER_ID}:role/other-invoke'`) });
  });

  it('takes STS keys with their own token only, and refuses them once expired', async () => {
    const role = fc.account.addRole('operator', ['fc.aliyuncs.com'], [{ action: 'fc:ListServices', resource: '*' }]);
    const key = fc.account.assumeRoleForService(role, 'fc.aliyuncs.com', 'test', fc.clock.nowMs());
    await fc.client(key).listServices();
    await expect(fc.client({ ...key, securityToken: 'someone-elses' }).listServices()).rejects.toMatchObject({ code: 'InvalidSecurityToken' });
    fc.account.expire(key.accessKeyId);
    await expect(fc.client(key).listServices()).rejects.toMatchObject({ code: 'InvalidSecurityToken', message: expect.stringContaining('expired') });
  });

  it('answers /-/stats only to the owner signed request', async () => {
    const signed = (credentials: { accessKeyId: string; accessKeySecret: string }) => {
      const headers: Record<string, string> = { date: new Date().toUTCString() };
      headers.authorization = FC.getSignature(credentials.accessKeyId, credentials.accessKeySecret, 'GET', '/2016-08-15/-/stats', headers);
      return fetch(`${fc.endpoint}/-/stats`, { headers });
    };
    expect((await signed(OWNER)).status).toBe(200);
    expect((await fetch(`${fc.endpoint}/-/stats`)).status).toBe(400);
    expect(((await (await signed(fc.account.addUser('curious'))).json()) as { ErrorCode: string }).ErrorCode).toBe('AccessDenied');
  });

  it('hands out a presigned code URL that works as given and not when altered', async () => {
    await fc.client().createService('code', {});
    await fc
      .client()
      .createFunction('code', { functionName: 'f', handler: 'index.handler', runtime: 'nodejs20', code: codeOf('exports.handler = async () => 1;') });
    const { url } = (await fc.client().getFunctionCode('code', 'f')).data as { url: string };
    expect(url).toMatch(/\/-\/code\/code\/f\?Expires=\d+&Signature=/);
    const zip = await fetch(url);
    expect(zip.status).toBe(200);
    expect(
      Buffer.from(await zip.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect((await fetch(url.replace('/code/f?', '/code/g?'))).status).toBe(403);
    expect((await fetch(url.split('?')[0]!)).status).toBe(403);
  });
});
