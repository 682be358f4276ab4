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

describe('the RAM API authorizes its callers', () => {
  const owner = { accessKeyId: 'LTAIowner', accessKeySecret: 'owner-secret' };
  let stand: RamStandIn;
  let server: ReturnType<RamStandIn['server']>;
  let endpoint: string;
  beforeAll(async () => {
    stand = new RamStandIn({ accountId: '555', credentials: owner, clock: new ManualClock(Date.UTC(2026, 0, 1)) });
    server = stand.server();
    endpoint = await listen(server);
  });
  afterAll(async () => {
    await close(server);
  });
  const ram = (key: { accessKeyId: string; accessKeySecret: string }) => new Ram({ ...key, endpoint });
  const post = { method: 'POST' } as const;

  it('makes a RAM user with a key; the user may do only what its attached policies allow', async () => {
    await ram(owner).request('CreateUser', { UserName: 'deployer' }, post);
    const created = (await ram(owner).request('CreateAccessKey', { UserName: 'deployer' }, post)).AccessKey as { AccessKeyId: string; AccessKeySecret: string };
    expect(created.AccessKeyId).toMatch(/^LTAI/);
    const deployer = { accessKeyId: created.AccessKeyId, accessKeySecret: created.AccessKeySecret };
    await expect(ram(deployer).request('CreateRole', { RoleName: 'made-by-user', AssumeRolePolicyDocument: trust }, post)).rejects.toMatchObject({
      code: 'NoPermission',
    });
    // A custom policy scoped to roles named thaw-*: other names stay refused.
    const scoped = JSON.stringify({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['ram:CreateRole', 'ram:GetRole'], Resource: 'acs:ram:*:555:role/thaw-*' }],
    });
    await ram(owner).request('CreatePolicy', { PolicyName: 'roles-thaw', PolicyDocument: scoped }, post);
    await ram(owner).request('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: 'roles-thaw', UserName: 'deployer' }, post);
    await ram(deployer).request('CreateRole', { RoleName: 'thaw-service', AssumeRolePolicyDocument: trust }, post);
    await expect(ram(deployer).request('CreateRole', { RoleName: 'other', AssumeRolePolicyDocument: trust }, post)).rejects.toMatchObject({
      code: 'NoPermission',
    });
    const listed = (await ram(owner).request('ListPoliciesForUser', { UserName: 'deployer' })).Policies.Policy as { PolicyName: string; PolicyType: string }[];
    expect(listed).toEqual([expect.objectContaining({ PolicyName: 'roles-thaw', PolicyType: 'Custom' })]);
    await expect(ram(owner).request('DeleteUser', { UserName: 'deployer' }, post)).rejects.toMatchObject({ code: 'DeleteConflict.User.Policy' });
    await ram(owner).request('DetachPolicyFromUser', { PolicyType: 'Custom', PolicyName: 'roles-thaw', UserName: 'deployer' }, post);
    await expect(ram(owner).request('DeleteUser', { UserName: 'deployer' }, post)).rejects.toMatchObject({ code: 'DeleteConflict.User.AccessKey' });
  });

  it('attaches, shows and detaches system policies (PolicyType System), which cannot be created', async () => {
    const got = await ram(owner).request('GetPolicy', { PolicyName: 'AliyunOSSFullAccess', PolicyType: 'System' });
    expect(got.Policy).toMatchObject({ PolicyName: 'AliyunOSSFullAccess', PolicyType: 'System' });
    expect(JSON.parse(got.DefaultPolicyVersion.PolicyDocument as string)).toEqual({
      Version: '1',
      Statement: [{ Action: 'oss:*', Resource: '*', Effect: 'Allow' }],
    });
    await ram(owner).request('CreateRole', { RoleName: 'reader', AssumeRolePolicyDocument: trust }, post);
    await ram(owner).request('AttachPolicyToRole', { PolicyType: 'System', PolicyName: 'AliyunOSSReadOnlyAccess', RoleName: 'reader' }, post);
    const attached = (await ram(owner).request('ListPoliciesForRole', { RoleName: 'reader' })).Policies.Policy as { PolicyType: string }[];
    expect(attached).toEqual([expect.objectContaining({ PolicyName: 'AliyunOSSReadOnlyAccess', PolicyType: 'System' })]);
    expect(
      stand.account.authorize(
        { kind: 'role', accountId: '555', roleName: 'reader', sessionName: 's' },
        { action: 'oss:GetObject', resource: 'acs:oss:r:555:b/k' },
      ),
    ).toEqual({ allowed: true });
    await ram(owner).request('DetachPolicyFromRole', { PolicyType: 'System', PolicyName: 'AliyunOSSReadOnlyAccess', RoleName: 'reader' }, post);
    await expect(ram(owner).request('CreatePolicy', { PolicyName: 'AliyunOSSFullAccess', PolicyDocument: policy }, post)).rejects.toMatchObject({
      code: 'EntityAlreadyExists.Policy',
    });
    await expect(ram(owner).request('GetPolicy', { PolicyName: 'NoSuchSystemPolicy', PolicyType: 'System' })).rejects.toMatchObject({
      code: 'EntityNotExist.Policy',
    });
  });

  it('creates EventBridge’s service-linked role for a caller holding ram:CreateServiceLinkedRole for that ServiceName', async () => {
    await ram(owner).request('CreateUser', { UserName: 'ops' }, post);
    const k = (await ram(owner).request('CreateAccessKey', { UserName: 'ops' }, post)).AccessKey as { AccessKeyId: string; AccessKeySecret: string };
    const ops = { accessKeyId: k.AccessKeyId, accessKeySecret: k.AccessKeySecret };
    await expect(ram(ops).request('CreateServiceLinkedRole', { ServiceName: 'sendevent-fc.eventbridge.aliyuncs.com' }, post)).rejects.toMatchObject({
      code: 'NoPermission',
    });
    const slr = JSON.stringify({
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ram:CreateServiceLinkedRole',
          Resource: '*',
          Condition: { StringEquals: { 'ram:ServiceName': 'sendevent-fc.eventbridge.aliyuncs.com' } },
        },
      ],
    });
    await ram(owner).request('CreatePolicy', { PolicyName: 'slr-eb', PolicyDocument: slr }, post);
    await ram(owner).request('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: 'slr-eb', UserName: 'ops' }, post);
    expect(stand.account.hasServiceLinkedRole('AliyunServiceRoleForEventBridgeSendToFC')).toBe(false);
    const role = (await ram(ops).request('CreateServiceLinkedRole', { ServiceName: 'sendevent-fc.eventbridge.aliyuncs.com' }, post)).Role;
    expect(role).toMatchObject({
      RoleName: 'AliyunServiceRoleForEventBridgeSendToFC',
      IsServiceLinkedRole: true,
      Arn: 'acs:ram::555:role/aliyunserviceroleforeventbridgesendtofc',
    });
    expect(stand.account.hasServiceLinkedRole('AliyunServiceRoleForEventBridgeSendToFC')).toBe(true);
    expect(stand.account.rolePath('AliyunServiceRoleForEventBridgeSendToFC')).toBe('/aliyun-service-role/');
    const policies = (await ram(owner).request('ListPoliciesForRole', { RoleName: 'AliyunServiceRoleForEventBridgeSendToFC' })).Policies.Policy;
    expect(policies).toEqual([expect.objectContaining({ PolicyName: 'AliyunServiceRolePolicyForEventBridgeSendToFC', PolicyType: 'System' })]);
    // EventBridge assumes it; its policy lets it invoke functions.
    const key = stand.account.assumeRoleForService(role.Arn as string, 'sendevent-fc.eventbridge.aliyuncs.com', 'eb', Date.UTC(2026, 0, 1));
    expect(stand.account.authorize(key.principal, { action: 'fc:InvokeFunction', resource: 'acs:fc:cn-hangzhou:555:services/s/functions/f' })).toEqual({
      allowed: true,
    });
    expect(() => stand.account.assumeRoleForService(role.Arn as string, 'fc.aliyuncs.com', 'x', Date.UTC(2026, 0, 1))).toThrow(/trust policy/);
  });

  it('tags roles (TagResources, ListTagResources, UntagResources with ResourceType role)', async () => {
    await ram(owner).request('CreateRole', { RoleName: 'tagged', AssumeRolePolicyDocument: trust }, post);
    await ram(owner).request('TagResources', { ResourceType: 'role', ResourceNames: '["tagged"]', Tag: '[{"Key":"oss-thaw:stack","Value":"prod"}]' }, post);
    const listed = await ram(owner).request('ListTagResources', { ResourceType: 'role', ResourceNames: '["tagged"]' });
    // The list itself, as @alicloud/ram20150501's ListTagResourcesResponseBody reads it.
    expect(listed.TagResources).toEqual([{ ResourceType: 'role', ResourceName: 'tagged', TagKey: 'oss-thaw:stack', TagValue: 'prod' }]);
    await ram(owner).request('UntagResources', { ResourceType: 'role', ResourceNames: '["tagged"]', TagKeys: '["oss-thaw:stack"]' }, post);
    expect((await ram(owner).request('ListTagResources', { ResourceType: 'role', ResourceNames: '["tagged"]' })).TagResources).toEqual([]);
  });

  it('refuses an unknown key and a malformed trust policy', async () => {
    await expect(ram({ accessKeyId: 'LTAInobody', accessKeySecret: 'x' }).request('GetRole', { RoleName: 'x' })).rejects.toMatchObject({
      code: 'InvalidAccessKeyId.NotFound',
    });
    await expect(
      ram(owner).request(
        'CreateRole',
        { RoleName: 'bad-trust', AssumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }) },
        post,
      ),
    ).rejects.toMatchObject({ code: 'MalformedPolicyDocument' });
  });
});
