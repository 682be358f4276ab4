// Every resource thaw deploy makes carries oss-thaw-stack=<stack>, read back through the vendors'
// SDKs: RAM roles and custom policies (@alicloud/ram ListTagResources), FC 2.0 services (@alicloud/fc2
// GetResourceTags), FC 3.0 functions (@alicloud/fc20230330 GetFunction). A stack deployed before tags
// existed gets them on the next deploy, and the run after that changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientsFor } from '../../lib/deploy/clients';
import { STACK_TAG } from '../../lib/deploy/fc3-plan';
import { type DeployTarget, startDeployTarget } from '../support/deploy-target';

const STACK = 'thaw-it';
const TAG = { TagKey: STACK_TAG, TagValue: STACK };

let target: DeployTarget;
beforeEach(async () => {
  target = await startDeployTarget();
});
afterEach(async () => {
  await target?.close();
});

/** The stack's roles (not the account's service-linked one) and the custom policies attached to them. */
async function rolesAndPolicies(): Promise<{ roles: string[]; policies: string[] }> {
  const ram = target.ramClient();
  const roles = target.ram.roleNames().filter((r) => r.startsWith(`${STACK}-`));
  const policies: string[] = [];
  for (const role of roles) {
    const attached = (await ram.request('ListPoliciesForRole', { RoleName: role })).Policies.Policy as { PolicyName: string; PolicyType: string }[];
    policies.push(...attached.filter((p) => p.PolicyType === 'Custom').map((p) => p.PolicyName));
  }
  return { roles, policies };
}

async function stackTags(type: 'role' | 'policy', names: string[]): Promise<Record<string, string | undefined>> {
  const rows = (await target.ramClient().request('ListTagResources', { ResourceType: type, ResourceNames: JSON.stringify(names) })).TagResources as {
    ResourceName: string;
    TagKey: string;
    TagValue: string;
  }[];
  return Object.fromEntries(names.map((n) => [n, rows.find((r) => r.ResourceName === n && r.TagKey === TAG.TagKey)?.TagValue]));
}

const every = (names: string[]) => Object.fromEntries(names.map((n) => [n, STACK]));

async function expectEverythingTagged(platform: 'fc2' | 'fc3'): Promise<void> {
  const { roles, policies } = await rolesAndPolicies();
  expect(roles.length).toBeGreaterThanOrEqual(5);
  expect(policies.length).toBeGreaterThanOrEqual(roles.length - 1);
  expect(await stackTags('role', roles)).toEqual(every(roles));
  expect(await stackTags('policy', policies)).toEqual(every(policies));
  const clients = clientsFor(target.targetWith(target.credentials));
  if (platform === 'fc2') {
    const services = target.model.listServices().map((s) => s.serviceName);
    expect(services).toHaveLength(4);
    for (const s of services) {
      const { tags } = (
        await clients.fc.getResourceTags({ resourceArn: `acs:fc:cn-hangzhou:${target.targetWith(target.credentials).accountId}:services/${s}` })
      ).data;
      expect([s, tags?.[STACK_TAG]]).toEqual([s, STACK]);
    }
  } else {
    const functions = target.fc3.functionNames();
    expect(functions).toHaveLength(4);
    for (const f of functions) {
      const tags = ((await clients.fc3.getFunction(f)).tags ?? []) as { Key?: string; key?: string; Value?: string; value?: string }[];
      const tag = tags.find((t) => (t.Key ?? t.key) === STACK_TAG);
      expect([f, tag?.Value ?? tag?.value]).toEqual([f, STACK]);
    }
  }
}

describe('thaw deploy tags what it makes with oss-thaw-stack=<stack>', () => {
  it.each(['fc2', 'fc3'] as const)('on %s: every role, policy and service or function after a fresh deploy; the next deploy is no change', async (platform) => {
    await target.deploy({ platform });
    await expectEverythingTagged(platform);
    expect((await target.deploy({ platform })).output).toContain('deploy: no change');
  });

  it('a stack deployed before tags existed gets them on the next deploy, and the one after changes nothing', async () => {
    await target.deploy({ platform: 'fc2' });
    // What a release without tags left: the same roles, policies and services, untagged.
    const ram = target.ramClient();
    const { roles, policies } = await rolesAndPolicies();
    await ram.request('UntagResources', { ResourceType: 'role', ResourceNames: JSON.stringify(roles), All: 'true' }, { method: 'POST' });
    await ram.request('UntagResources', { ResourceType: 'policy', ResourceNames: JSON.stringify(policies), All: 'true' }, { method: 'POST' });
    const fc = clientsFor(target.targetWith(target.credentials)).fc;
    const accountId = target.targetWith(target.credentials).accountId;
    for (const s of target.model.listServices()) await fc.untagResource(`acs:fc:cn-hangzhou:${accountId}:services/${s.serviceName}`, [], true);
    expect(await stackTags('role', roles)).toEqual(Object.fromEntries(roles.map((r) => [r, undefined])));

    const mark = target.requests.length;
    const { output } = await target.deploy({ platform: 'fc2' });
    expect(output).toContain(`no ${STACK_TAG}=${STACK} tag`);
    expect(output).toMatch(/policy \S+ has no oss-thaw-stack=thaw-it tag/);
    // Only tags were written to FC: no service, function or trigger changed.
    expect(target.writesSince(mark).map((r) => `${r.method} ${r.path}`)).toEqual(Array(4).fill('POST /2016-08-15/tag'));
    await expectEverythingTagged('fc2');
    expect((await target.deploy({ platform: 'fc2' })).output).toContain('deploy: no change');
  });
});
