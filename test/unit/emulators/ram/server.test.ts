// The RAM stand-in through Alibaba's RAM SDK: signatures checked, RAM's error codes.
import Ram from '@alicloud/ram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../lib/clock';
import { close, listen } from '../../../../lib/emulators/shared/http';
import { RamStandIn } from '../../../../lib/emulators/ram/server';

const credentials = { accessKeyId: 'LTAItest', accessKeySecret: 'secret' };
const trust = JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['fc.aliyuncs.com'] } }] });
const policy = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['fc:InvokeFunction'], Resource: ['*'] }] });

describe('the RAM stand-in', () => {
  let server: ReturnType<RamStandIn['server']>;
  let endpoint: string;
  beforeAll(async () => {
    server = new RamStandIn({ accountId: '123', credentials, clock: new ManualClock(Date.UTC(2026, 0, 1)) }).server();
    endpoint = await listen(server);
  });
  afterAll(async () => {
    await close(server);
  });
  const ram = (secret = credentials.accessKeySecret) => new Ram({ accessKeyId: credentials.accessKeyId, accessKeySecret: secret, endpoint });

  it('makes a role, its policy and their attachment, and refuses to delete what is still attached', async () => {
    const name = `role-${Math.floor(Math.random() * 1e9)}`;
    const created = await ram().request('CreateRole', { RoleName: name, AssumeRolePolicyDocument: trust, Description: 'd' }, { method: 'POST' });
    expect(created.Role).toMatchObject({ RoleName: name, Arn: `acs:ram::123:role/${name}`, CreateDate: '2026-01-01T00:00:00Z' });
    await expect(ram().request('CreateRole', { RoleName: name, AssumeRolePolicyDocument: trust }, { method: 'POST' })).rejects.toMatchObject({
      code: 'EntityAlreadyExists.Role',
    });
    await ram().request('CreatePolicy', { PolicyName: name, PolicyDocument: policy }, { method: 'POST' });
    await ram().request('AttachPolicyToRole', { PolicyType: 'Custom', PolicyName: name, RoleName: name }, { method: 'POST' });
    await expect(ram().request('DeleteRole', { RoleName: name }, { method: 'POST' })).rejects.toMatchObject({ code: 'DeleteConflict.Role.Policy' });
    await expect(ram().request('DeletePolicy', { PolicyName: name }, { method: 'POST' })).rejects.toMatchObject({ code: 'DeleteConflict.Policy.Role' });
    await ram().request('DetachPolicyFromRole', { PolicyType: 'Custom', PolicyName: name, RoleName: name }, { method: 'POST' });
    await ram().request('DeletePolicy', { PolicyName: name }, { method: 'POST' });
    await ram().request('DeleteRole', { RoleName: name });
    await expect(ram().request('GetRole', { RoleName: name })).rejects.toMatchObject({ code: 'EntityNotExist.Role' });
  });

  it('refuses a request signed with another secret, and a malformed policy', async () => {
    await expect(ram('wrong').request('GetRole', { RoleName: 'x' })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(ram().request('CreatePolicy', { PolicyName: 'p', PolicyDocument: '{"Version":"1"}' }, { method: 'POST' })).rejects.toMatchObject({
      code: 'MalformedPolicyDocument',
    });
  });
});
