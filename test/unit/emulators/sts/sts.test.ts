// STS over its wire, through Alibaba's own clients: @alicloud/sts20150401 (V3 signatures) and the
// @alicloud/credentials RAM role ARN provider (V1 signatures, https only). The account behind it is
// the RAM account every emulator authorizes against.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import Sts, { AssumeRoleRequest } from '@alicloud/sts20150401';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../lib/clock';
import { RamAccount } from '../../../../lib/emulators/ram/account';
import { LOCALHOST_CERT } from '../../../../lib/emulators/shared/localhost-tls';
import { type StsEmulator, startStsEmulator } from '../../../../lib/emulators/sts/server';

const run = promisify(execFile);
const OWNER = { accessKeyId: 'LTAIowner', accessKeySecret: 'owner-secret' };
const trustRoot = (uid: string) =>
  JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${uid}:root`] } }] });
const trustFc = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['fc.aliyuncs.com'] } }] });

describe('the STS stand-in', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const account = new RamAccount({ accountId: '1234567890', ownerKey: OWNER, clock });
  let sts: StsEmulator;
  let user: { accessKeyId: string; accessKeySecret: string };

  beforeAll(async () => {
    sts = await startStsEmulator({ account, clock, tls: true });
    account.createUser({ UserName: 'deployer' });
    const key = account.createAccessKey('deployer');
    user = { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret };
    account.createRole({ RoleName: 'reader', AssumeRolePolicyDocument: trustRoot('1234567890'), MaxSessionDuration: 7200 });
    account.createRole({ RoleName: 'fc-only', AssumeRolePolicyDocument: trustFc });
  });
  afterAll(async () => {
    await sts?.close();
  });

  const client = (key: { accessKeyId: string; accessKeySecret: string; securityToken?: string }) =>
    new Sts(new $OpenApiUtil.Config({ ...key, endpoint: sts.endpoint.replace('http://', ''), protocol: 'http', regionId: 'cn-hangzhou' }));
  const assume = (key: { accessKeyId: string; accessKeySecret: string }, roleArn: string, durationSeconds?: number) =>
    client(key).assumeRole(new AssumeRoleRequest({ roleArn, roleSessionName: 'test-session', ...(durationSeconds ? { durationSeconds } : {}) }));

  it('answers GetCallerIdentity for the owner and for a RAM user', async () => {
    expect((await client(OWNER).getCallerIdentity()).body).toMatchObject({ accountId: '1234567890', arn: 'acs:ram::1234567890:root', identityType: 'Account' });
    expect((await client(user).getCallerIdentity()).body).toMatchObject({ arn: 'acs:ram::1234567890:user/deployer', identityType: 'RAMUser' });
  });

  it('refuses AssumeRole to the owner, and to a user without sts:AssumeRole, with NoPermission', async () => {
    await expect(assume(OWNER, 'acs:ram::1234567890:role/reader')).rejects.toMatchObject({
      code: 'NoPermission',
      message: expect.stringContaining('Roles may not be assumed by root accounts'),
    });
    await expect(assume(user, 'acs:ram::1234567890:role/reader')).rejects.toMatchObject({
      code: 'NoPermission',
      message: expect.stringContaining('You are not authorized to do this action. You should be authorized by RAM.'),
    });
  });

  it('issues STS. credentials once the user holds sts:AssumeRole and the trust policy names its account; not for a role trusting only FC', async () => {
    account.attachPolicy('user', 'deployer', 'System', 'AliyunSTSAssumeRoleAccess');
    await expect(assume(user, 'acs:ram::1234567890:role/fc-only')).rejects.toMatchObject({ code: 'NoPermission' });
    const answer = (await assume(user, 'acs:ram::1234567890:role/reader')).body!;
    expect(answer.credentials?.accessKeyId).toMatch(/^STS\./);
    expect(answer.credentials?.securityToken).toBeTruthy();
    expect(answer.credentials?.expiration).toBe('2026-01-01T01:00:00Z');
    expect(answer.assumedRoleUser?.arn).toBe('acs:ram::1234567890:assumed-role/reader/test-session');
    const session = {
      accessKeyId: answer.credentials!.accessKeyId!,
      accessKeySecret: answer.credentials!.accessKeySecret!,
      securityToken: answer.credentials!.securityToken!,
    };
    expect((await client(session).getCallerIdentity()).body).toMatchObject({
      identityType: 'AssumedRoleUser',
      arn: 'acs:ram::1234567890:assumed-role/reader/test-session',
    });
  });

  it('bounds DurationSeconds by the role MaxSessionDuration, and refuses an expired session after the clock moves', async () => {
    await expect(assume(user, 'acs:ram::1234567890:role/reader', 7201)).rejects.toMatchObject({ code: 'InvalidParameter.DurationSeconds' });
    const answer = (await assume(user, 'acs:ram::1234567890:role/reader', 900)).body!;
    const session = {
      accessKeyId: answer.credentials!.accessKeyId!,
      accessKeySecret: answer.credentials!.accessKeySecret!,
      securityToken: answer.credentials!.securityToken!,
    };
    await expect(client(session).getCallerIdentity()).resolves.toBeTruthy();
    clock.advance(900_000);
    await expect(client(session).getCallerIdentity()).rejects.toMatchObject({ code: 'SecurityToken.Expired' });
  });

  it('refuses a request signed with another secret', async () => {
    await expect(client({ ...user, accessKeySecret: 'wrong' }).getCallerIdentity()).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(client({ accessKeyId: 'LTAIunknown', accessKeySecret: 'x' }).getCallerIdentity()).rejects.toMatchObject({
      code: 'InvalidAccessKeyId.NotFound',
    });
  });

  it('serves the @alicloud/credentials RAM role ARN provider over https, trusted through NODE_EXTRA_CA_CERTS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'thaw-sts-'));
    try {
      const ca = join(dir, 'localhost.pem');
      await writeFile(ca, LOCALHOST_CERT);
      const { stdout } = await run(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./credentials-provider.fixture.ts', import.meta.url))], {
        // Extends the parent's environment (faketime's LD_PRELOAD included).
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: ca,
          FIXTURE_ACCESS_KEY_ID: user.accessKeyId,
          FIXTURE_ACCESS_KEY_SECRET: user.accessKeySecret,
          FIXTURE_ROLE_ARN: 'acs:ram::1234567890:role/reader',
          FIXTURE_STS_ENDPOINT: sts.tlsEndpoint!.replace('https://', ''),
        },
      });
      const got = JSON.parse(stdout) as { accessKeyId: string; securityToken: string };
      expect(got.accessKeyId).toMatch(/^STS\./);
      expect(account.key(got.accessKeyId, clock.nowMs())).toMatchObject({
        securityToken: got.securityToken,
        principal: { kind: 'role', roleName: 'reader', sessionName: 'credentials-provider' },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
