// RAM's tag API on the stand-in, through Alibaba's RAM SDK as thaw deploy calls it: roles and custom
// policies carry tags, the documented bounds are refused by name, and only a grant on "*" (RAM's
// "All Resources") lets a RAM user tag or list tags.
import Ram from '@alicloud/ram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../lib/clock';
import { RamStandIn } from '../../../../lib/emulators/ram/server';
import { close, listen } from '../../../../lib/emulators/shared/http';

const owner = { accessKeyId: 'LTAItags', accessKeySecret: 'tags-secret' };
const trust = JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['fc.aliyuncs.com'] } }] });
const document = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['fc:InvokeFunction'], Resource: ['*'] }] });

let stand: RamStandIn;
let server: ReturnType<RamStandIn['server']>;
let endpoint: string;
beforeAll(async () => {
  stand = new RamStandIn({ accountId: '777', credentials: owner, clock: new ManualClock(Date.UTC(2026, 0, 1)) });
  server = stand.server();
  endpoint = await listen(server);
});
afterAll(async () => {
  await close(server);
});

const client = (key = owner) => new Ram({ ...key, endpoint });
const post = { method: 'POST' } as const;
const json = (v: unknown) => JSON.stringify(v);

async function tagsOf(ram: Ram, type: 'role' | 'policy', names: string[]): Promise<unknown[]> {
  return (await ram.request('ListTagResources', { ResourceType: type, ResourceNames: json(names) })).TagResources;
}

describe('RAM TagResources / ListTagResources / UntagResources', () => {
  it('tags a role and a custom policy, replaces a value under the same key, lists and removes them', async () => {
    const ram = client();
    await ram.request('CreateRole', { RoleName: 'tagged-role', AssumeRolePolicyDocument: trust }, post);
    await ram.request('CreatePolicy', { PolicyName: 'tagged-policy', PolicyDocument: document }, post);
    await ram.request('TagResources', { ResourceType: 'role', ResourceNames: json(['tagged-role']), Tag: json([{ Key: 'team', Value: 'a' }]) }, post);
    await ram.request('TagResources', { ResourceType: 'role', ResourceNames: json(['tagged-role']), Tag: json([{ Key: 'team', Value: 'b' }]) }, post);
    await ram.request('TagResources', { ResourceType: 'policy', ResourceNames: json(['tagged-policy']), Tag: json([{ Key: 'team', Value: 'b' }]) }, post);
    expect(await tagsOf(ram, 'role', ['tagged-role'])).toEqual([{ ResourceType: 'role', ResourceName: 'tagged-role', TagKey: 'team', TagValue: 'b' }]);
    expect(await tagsOf(ram, 'policy', ['tagged-policy'])).toEqual([{ ResourceType: 'policy', ResourceName: 'tagged-policy', TagKey: 'team', TagValue: 'b' }]);
    // A filter keeps the resources carrying the tag; without names every tagged resource of the type.
    const filtered = await ram.request('ListTagResources', { ResourceType: 'policy', Tag: json([{ Key: 'team', Value: 'c' }]) });
    expect(filtered.TagResources).toEqual([]);
    await ram.request('UntagResources', { ResourceType: 'role', ResourceNames: json(['tagged-role']), TagKeys: json(['team']) }, post);
    expect(await tagsOf(ram, 'role', ['tagged-role'])).toEqual([]);
    await ram.request('UntagResources', { ResourceType: 'policy', ResourceNames: json(['tagged-policy']), All: 'true' }, post);
    expect(await tagsOf(ram, 'policy', ['tagged-policy'])).toEqual([]);
  });

  it('pages ListTagResources by PageSize and NextToken', async () => {
    const ram = client();
    await ram.request('CreateRole', { RoleName: 'paged-role', AssumeRolePolicyDocument: trust }, post);
    const tags = Array.from({ length: 5 }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));
    await ram.request('TagResources', { ResourceType: 'role', ResourceNames: json(['paged-role']), Tag: json(tags) }, post);
    const first = await ram.request('ListTagResources', { ResourceType: 'role', ResourceNames: json(['paged-role']), PageSize: 3 });
    expect(first.TagResources.map((t: { TagKey: string }) => t.TagKey)).toEqual(['k0', 'k1', 'k2']);
    const second = await ram.request('ListTagResources', {
      ResourceType: 'role',
      ResourceNames: json(['paged-role']),
      PageSize: 3,
      NextToken: first.NextToken,
    });
    expect(second.TagResources.map((t: { TagKey: string }) => t.TagKey)).toEqual(['k3', 'k4']);
    expect(second.NextToken).toBeUndefined();
  });

  it.each([
    [
      'a resource type RAM does not tag',
      { ResourceType: 'user', ResourceNames: json(['x']), Tag: json([{ Key: 'k', Value: 'v' }]) },
      'InvalidParameter.ResourceType',
    ],
    ['no resource type', { ResourceNames: json(['x']), Tag: json([{ Key: 'k', Value: 'v' }]) }, 'MissingParameter'],
    ['no tag', { ResourceType: 'role', ResourceNames: json(['bounds-role']) }, 'MissingParameter'],
    [
      '51 resource names',
      { ResourceType: 'role', ResourceNames: json(Array.from({ length: 51 }, (_, i) => `r${i}`)), Tag: json([{ Key: 'k', Value: 'v' }]) },
      'InvalidParameter.ResourceNames',
    ],
    [
      '21 tags in a call',
      { ResourceType: 'role', ResourceNames: json(['bounds-role']), Tag: json(Array.from({ length: 21 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))) },
      'InvalidParameter.Tag',
    ],
    [
      'a key of 129 characters',
      { ResourceType: 'role', ResourceNames: json(['bounds-role']), Tag: json([{ Key: 'k'.repeat(129), Value: 'v' }]) },
      'InvalidParameter.Tag.Key',
    ],
    [
      'a value of 257 characters',
      { ResourceType: 'role', ResourceNames: json(['bounds-role']), Tag: json([{ Key: 'k', Value: 'v'.repeat(257) }]) },
      'InvalidParameter.Tag.Value',
    ],
    [
      'a key Alibaba keeps',
      { ResourceType: 'role', ResourceNames: json(['bounds-role']), Tag: json([{ Key: 'acs:owner', Value: 'v' }]) },
      'InvalidParameter.Tag.Key',
    ],
    [
      'a role that does not exist',
      { ResourceType: 'role', ResourceNames: json(['bounds-role', 'no-such-role']), Tag: json([{ Key: 'k', Value: 'v' }]) },
      'EntityNotExist.Role',
    ],
    [
      'a policy that does not exist',
      { ResourceType: 'policy', ResourceNames: json(['no-such-policy']), Tag: json([{ Key: 'k', Value: 'v' }]) },
      'EntityNotExist.Policy',
    ],
  ])('refuses %s, tagging nothing', async (_label, params, code) => {
    const ram = client();
    await ram.request('CreateRole', { RoleName: 'bounds-role', AssumeRolePolicyDocument: trust }, post).catch(() => undefined);
    await expect(ram.request('TagResources', params, post)).rejects.toMatchObject({ code });
    expect(await tagsOf(ram, 'role', ['bounds-role'])).toEqual([]);
  });

  it('refuses a 21st tag on one resource as LimitExceeded.Tag, and keeps the 20 it has', async () => {
    const ram = client();
    await ram.request('CreateRole', { RoleName: 'full-role', AssumeRolePolicyDocument: trust }, post);
    const twenty = Array.from({ length: 20 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await ram.request('TagResources', { ResourceType: 'role', ResourceNames: json(['full-role']), Tag: json(twenty) }, post);
    await ram.request('TagResources', { ResourceType: 'role', ResourceNames: json(['full-role']), Tag: json([{ Key: 'k0', Value: 'again' }]) }, post);
    await expect(
      ram.request('TagResources', { ResourceType: 'role', ResourceNames: json(['full-role']), Tag: json([{ Key: 'k20', Value: 'v' }]) }, post),
    ).rejects.toMatchObject({ code: 'LimitExceeded.Tag' });
    expect(await tagsOf(ram, 'role', ['full-role'])).toHaveLength(20);
  });

  it('lets a RAM user tag only with a grant on "*": a grant on the role itself is not enough', async () => {
    const ram = client();
    await ram.request('CreateRole', { RoleName: 'guarded-role', AssumeRolePolicyDocument: trust }, post);
    await ram.request('CreateUser', { UserName: 'tagger' }, post);
    const grant = (resource: string) =>
      json({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['ram:TagResources', 'ram:ListTagResources'], Resource: [resource] }] });
    await ram.request('CreatePolicy', { PolicyName: 'tag-role-only', PolicyDocument: grant('acs:ram:*:777:role/guarded-role') }, post);
    await ram.request('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: 'tag-role-only', UserName: 'tagger' }, post);
    const { AccessKey } = await ram.request('CreateAccessKey', { UserName: 'tagger' }, post);
    const user = client({ accessKeyId: AccessKey.AccessKeyId, accessKeySecret: AccessKey.AccessKeySecret });
    const tag = { ResourceType: 'role', ResourceNames: json(['guarded-role']), Tag: json([{ Key: 'k', Value: 'v' }]) };
    await expect(user.request('TagResources', tag, post)).rejects.toMatchObject({ code: 'NoPermission' });
    await expect(tagsOf(user, 'role', ['guarded-role'])).rejects.toMatchObject({ code: 'NoPermission' });
    await ram.request('CreatePolicy', { PolicyName: 'tag-anything', PolicyDocument: grant('*') }, post);
    await ram.request('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: 'tag-anything', UserName: 'tagger' }, post);
    await user.request('TagResources', tag, post);
    expect(await tagsOf(user, 'role', ['guarded-role'])).toEqual([{ ResourceType: 'role', ResourceName: 'guarded-role', TagKey: 'k', TagValue: 'v' }]);
  });

  it('drops the tags with the role: a new role of the same name starts with none', async () => {
    const ram = client();
    await ram.request('CreateRole', { RoleName: 'reborn-role', AssumeRolePolicyDocument: trust }, post);
    await ram.request('TagResources', { ResourceType: 'role', ResourceNames: json(['reborn-role']), Tag: json([{ Key: 'k', Value: 'v' }]) }, post);
    await ram.request('DeleteRole', { RoleName: 'reborn-role' }, post);
    await ram.request('CreateRole', { RoleName: 'reborn-role', AssumeRolePolicyDocument: trust }, post);
    expect(await tagsOf(ram, 'role', ['reborn-role'])).toEqual([]);
  });
});
