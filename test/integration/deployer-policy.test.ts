// The least-privilege deployer: a RAM user holding exactly what `thaw deploy --print-deployer-policy`
// prints deploys and destroys the stack in a local cloud whose every service asks the RAM account
// (FC, RAM, OSS, Tablestore, Log Service), and one statement less stops it naming what is missing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployerPolicy, type PolicyDocument } from '../../lib/deploy/deployer-policy';
import { loadStack } from '../../lib/deploy/run';
import { deploySettings } from '../../lib/deploy/settings';
import { type DeployTarget, startDeployTarget } from '../support/deploy-target';

let target: DeployTarget;
beforeEach(async () => {
  target = await startDeployTarget({ strict: true });
});
afterEach(async () => {
  await target?.close();
});

async function printedPolicy(extra: Record<string, string> = {}): Promise<PolicyDocument> {
  const stack = await loadStack({
    templatePath: 'template.yml',
    stackName: 'thaw-it',
    target: target.targetWith(target.credentials),
    parameterLayers: [target.parameters, extra],
    roleArns: {},
    dryRun: true,
    out: () => undefined,
  });
  return deployerPolicy(stack, deploySettings(stack));
}

/** A RAM user holding `policy` only, and its key. */
async function deployerWith(policy: PolicyDocument): Promise<{ accessKeyId: string; accessKeySecret: string }> {
  const ram = target.ramClient();
  await ram.request('CreateUser', { UserName: 'deployer' }, { method: 'POST' });
  await ram.request('CreatePolicy', { PolicyName: 'thaw-deployer', PolicyDocument: JSON.stringify(policy) }, { method: 'POST' });
  await ram.request('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: 'thaw-deployer', UserName: 'deployer' }, { method: 'POST' });
  const { AccessKey } = await ram.request('CreateAccessKey', { UserName: 'deployer' }, { method: 'POST' });
  return { accessKeyId: AccessKey.AccessKeyId, accessKeySecret: AccessKey.AccessKeySecret };
}

describe('thaw deploy --print-deployer-policy', () => {
  it.each([
    ['fc3', 32, 27],
    ['fc2', 33, 31],
  ] as const)('is enough to deploy on %s, deploy again and destroy, in an account that enforces it', async (platform, created, deleted) => {
    const key = await deployerWith(await printedPolicy());
    const as = { target: target.targetWith(key), platform };
    const { output } = await target.deploy(as);
    expect(output).toContain(`deploy: done (${created} to create)`);
    expect((await target.deploy(as)).output).toContain('deploy: no change');
    expect((await target.destroy(as)).output).toContain(`destroy: done (${deleted} to delete)`);
    expect(target.model.listServices()).toEqual([]);
    expect(target.fc3.functionNames()).toEqual([]);
  });

  it('with alerts sent to a webhook, is enough to make its integration and action policy, and to remove them', async () => {
    const webhook = { AlertWebhookUrl: 'https://hooks.slack.example/services/T0/B0/x', AlertWebhookType: 'slack' };
    const key = await deployerWith(await printedPolicy(webhook));
    const as = { target: target.targetWith(key), parameterLayers: [target.parameters, webhook] };
    const { output } = await target.deploy(as);
    expect(output).toMatch(/create +webhook +.*thaw-it-alerts-webhook/);
    expect(output).toMatch(/create +action policy +.*thaw-it-alerts/);
    expect(output).toContain('alerts: sent to a slack webhook (hooks.slack.example) through action policy thaw-it-alerts');
    expect((await target.deploy(as)).output).toContain('deploy: no change');
    const destroyed = (await target.destroy(as)).output;
    expect(destroyed).toMatch(/delete +webhook +.*thaw-it-alerts-webhook/);
    expect(destroyed).toMatch(/delete +action policy +.*thaw-it-alerts/);
  });

  it('is enough to move a stack from FC 2.0 to FC 3.0', async () => {
    const key = await deployerWith(await printedPolicy());
    await target.deploy({ target: target.targetWith(key), platform: 'fc2' });
    const { output } = await target.deploy({ target: target.targetWith(key), platform: 'fc3' });
    expect(output).toContain('deploy: done');
    expect(target.model.listServices()).toEqual([]);
    expect(target.fc3.functionNames()).toHaveLength(4);
  });

  it.each([
    ['ram:PassRole', /ram:PassRole/],
    ['ram:CreateRole', /ram:CreateRole|NoPermission/],
    ['ots:CreateTable', /OTSNoPermissionAccess|ots:CreateTable/],
    ['ram:TagResources', /NoPermission/],
  ])('without %s, stops the deploy and names the refusal', async (action, message) => {
    const policy = await printedPolicy();
    const less: PolicyDocument = {
      ...policy,
      Statement: policy.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => a !== action) })).filter((s) => s.Action.length > 0),
    };
    const key = await deployerWith(less);
    await expect(target.deploy({ target: target.targetWith(key) })).rejects.toMatchObject({ message: expect.stringMatching(message) });
  });

  it('grants nothing outside the stack: no wildcard service, role or table', async () => {
    const policy = await printedPolicy();
    const resources = policy.Statement.flatMap((s) => s.Resource);
    // "*" goes to two statements only: ram:CreateServiceLinkedRole, for EventBridge's role by its
    // condition; and RAM's tag actions, which RAM grants on "All Resources" alone (the stack's tag).
    const wildcard = policy.Statement.filter((x) => x.Resource.includes('*'));
    expect(wildcard.map((s) => s.Action)).toEqual([['ram:TagResources', 'ram:ListTagResources'], ['ram:CreateServiceLinkedRole']]);
    for (const s of wildcard) expect(s.Resource).toEqual(['*']);
    expect(wildcard[1]!.Condition).toEqual({ StringEquals: { 'ram:ServiceName': ['sendevent-fc.eventbridge.aliyuncs.com'] } });
    // FC 2.0's tag API has one resource per region and account; only tagging and reading tags are granted on it.
    const fcTag = policy.Statement.filter((x) => x.Resource.some((r) => r.endsWith(':tag')));
    expect(fcTag.map((s) => [s.Action, s.Resource])).toEqual([[['fc:TagResource', 'fc:GetResourceTags'], [expect.stringMatching(/^acs:fc:[^:]+:\d+:tag$/)]]]);
    for (const r of resources.filter((x) => x.startsWith('acs:ram:'))) expect(r).toMatch(/:role\/thaw-it-|:policy\/thaw-it-|aliyunservicerolefor/);
  });
});
