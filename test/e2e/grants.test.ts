// Each grant a function or trigger needs, taken away in the local cloud (whose every service asks the
// RAM account, as a real account's do): the loop fails where the cloud would fail it, visibly, with
// no restore billed; `thaw deploy` then finds the policy differs from the template, puts the grant
// back, and the loop works again. What "visibly" means per grant: the record says AccessDenied, the
// trigger's refusals are counted, the function's invocations fail.
import FC from '@alicloud/fc2';
import Ram from '@alicloud/ram';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCode, type FunctionCode } from '../../lib/build/code';
import { controlFetch } from '../../lib/emulators/shared/control';
import { type Stack, startStack } from '../../lib/local/stack';

/** Waits for `probe` to hold (a bound on a hang, not a speed target). */
async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let code: ReadonlyMap<string, FunctionCode>;
let stack: Stack;
let ram: Ram;
let oss: OSS;

beforeAll(async () => {
  code = await buildCode({ quiet: true });
  stack = await startStack({ timeScale: 60, code, logLevel: 'error', triggerIntervalMs: 250 });
  const info = stack.describe();
  ram = new Ram({ accessKeyId: info.fc.accessKeyId, accessKeySecret: info.fc.accessKeySecret, endpoint: info.ram.endpoint });
  oss = new OSS({ endpoint: info.oss.endpoint, accessKeyId: info.oss.accessKeyId, accessKeySecret: info.oss.accessKeySecret, bucket: 'thaw-demo' });
}, 180_000);
afterAll(async () => {
  await stack?.close();
});

/** Takes `action` out of the role's one policy, as a template lacking it would deploy it. */
async function withoutGrant(policy: string, action: string): Promise<void> {
  const current = await ram.request('GetPolicy', { PolicyName: policy, PolicyType: 'Custom' });
  const doc = JSON.parse(decodeURIComponent(current.DefaultPolicyVersion.PolicyDocument)) as { Statement: { Action: string[] }[] };
  const before = doc.Statement.flatMap((s) => s.Action).length;
  doc.Statement = doc.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => a !== action) })).filter((s) => s.Action.length > 0);
  expect(doc.Statement.flatMap((s) => s.Action).length, `${policy} grants ${action}`).toBe(before - 1);
  // RAM wants at least one statement: a policy whose only grant went keeps a harmless read.
  if (doc.Statement.length === 0) doc.Statement = [{ Effect: 'Allow', Action: ['fc:GetFunction'], Resource: ['*'] } as never];
  const versions = (await ram.request('ListPolicyVersions', { PolicyName: policy, PolicyType: 'Custom' })).PolicyVersions.PolicyVersion as {
    VersionId: string;
    IsDefaultVersion: boolean;
  }[];
  for (const v of versions.filter((x) => !x.IsDefaultVersion))
    await ram.request('DeletePolicyVersion', { PolicyName: policy, VersionId: v.VersionId }, { method: 'POST' });
  await ram.request('CreatePolicyVersion', { PolicyName: policy, PolicyDocument: JSON.stringify(doc), SetAsDefault: 'true' }, { method: 'POST' });
}

/** thaw deploy of template.yml: it must say the role's policy differs, and put the grant back. */
async function redeployHeals(role: string): Promise<void> {
  const { plan } = await stack.redeploy();
  const changed = plan.steps.filter((s) => s.action !== 'unchanged' && s.action !== 'keep');
  expect(changed.map((s) => `${s.action} ${s.kind} ${s.name}`)).toEqual([`update role ${role}`]);
  expect(changed[0]!.reasons).toEqual([`policy ${role} differs from the template`]);
}

const api = (path: string, init: RequestInit = {}) => {
  const info = stack.describe();
  return fetch(`${info.api}${path}`, { ...init, headers: { authorization: `Bearer ${info.apiToken}`, ...(init.headers ?? {}) } });
};
/** Whether OSS holds a restore of the object (started or done): what would be billed. */
const restored = async (key: string) => (await oss.head(key)).res.headers['x-oss-restore' as never] !== undefined;
const restoresOf = async (key: string) => {
  const info = stack.describe();
  const stats = (await (await controlFetch(`${info.oss.endpoint}/-/stats`, {}, info.oss)).json()) as { restores: Record<string, number> };
  return stats.restores[`thaw-demo/${key}`] ?? 0;
};
const triggerCounts = async (trigger: string) => {
  const info = stack.describe();
  const headers: Record<string, string> = { date: new Date().toUTCString(), 'content-type': 'application/json' };
  headers.authorization = FC.getSignature(info.fc.accessKeyId, info.fc.accessKeySecret, 'GET', '/2016-08-15/-/stats', headers);
  const stats = (await (await fetch(`${info.fc.endpoint}/-/stats`, { headers })).json()) as {
    triggers: Record<string, { refused: number; failed: number; invocations: number }>;
  };
  return stats.triggers[trigger] ?? { refused: 0, failed: 0, invocations: 0 };
};
const put = (key: string, storageClass: string) =>
  oss.put(key, Buffer.from(`${key}\n`), { headers: { 'x-oss-storage-class': storageClass } } as OSS.PutObjectOptions);

describe('a grant taken away fails the loop as the cloud would, and thaw deploy puts it back', () => {
  it('http without oss:RestoreObject: the record says AccessDenied, OSS bills nothing; healed, a restore starts', async () => {
    await put('grants/a.csv', 'Archive');
    await put('grants/b.csv', 'Archive');
    await withoutGrant('oss-thaw-http', 'oss:RestoreObject');
    const refused = await api('/v1/restores/thaw-demo/grants/a.csv', { method: 'POST' });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { state: string }).state).toBe('FAILED');
    const failed = (await (await api('/v1/restores?state=FAILED&bucket=thaw-demo&prefix=grants/')).json()) as {
      records: { key: string; lastError: { code: string; retryable: boolean } | null }[];
    };
    expect(failed.records.find((r) => r.key === 'grants/a.csv')?.lastError).toEqual({ code: 'AccessDenied', retryable: false });
    // OSS refused the call (it counts it), and holds no restore of the object: nothing billed.
    expect(await restored('grants/a.csv')).toBe(false);

    await redeployHeals('oss-thaw-http');
    const started = await api('/v1/restores/thaw-demo/grants/b.csv', { method: 'POST' });
    expect(started.status).toBe(202);
    expect(await restored('grants/b.csv')).toBe(true);
  }, 120_000);

  it('the Log trigger role without log:GetCursorOrData: its reads are refused and counted, no miss arrives; healed, the miss restores', async () => {
    await put('grants/c.csv', 'Archive');
    await withoutGrant('oss-thaw-log-trigger', 'log:GetCursorOrData');
    const trigger = 'fc3/oss-thaw-access-log/access-log';
    const before = (await triggerCounts(trigger)).refused;
    await expect(oss.get('grants/c.csv')).rejects.toMatchObject({ status: 403, code: 'InvalidObjectState' });
    await until(async () => (await triggerCounts(trigger)).refused > before, 'a refused read');
    expect((await api('/v1/restores/thaw-demo/grants/c.csv')).status).toBe(404);
    expect(await restoresOf('grants/c.csv')).toBe(0);

    await redeployHeals('oss-thaw-log-trigger');
    // The range the trigger could not read is read once it may: the miss was not lost.
    await until(async () => (await restoresOf('grants/c.csv')) === 1, 'the restore of grants/c.csv');
  }, 120_000);

  it('access-log without log:GetCursorOrData: its invocations fail and are retried; healed, the miss restores', async () => {
    await put('grants/d.csv', 'Archive');
    await withoutGrant('oss-thaw-access-log', 'log:GetCursorOrData');
    const trigger = 'fc3/oss-thaw-access-log/access-log';
    const before = (await triggerCounts(trigger)).failed;
    await expect(oss.get('grants/d.csv')).rejects.toMatchObject({ status: 403 });
    await until(async () => (await triggerCounts(trigger)).failed > before, 'a failed invocation');
    expect(await restoresOf('grants/d.csv')).toBe(0);

    await redeployHeals('oss-thaw-access-log');
    await until(async () => (await restoresOf('grants/d.csv')) === 1, 'the restore of grants/d.csv');
  }, 120_000);

  it('the OSS trigger role without fc:InvokeFunction: object events are refused and counted; healed, they invalidate records again', async () => {
    await withoutGrant('oss-thaw-oss-invoke', 'fc:InvokeFunction');
    const trigger = 'fc3/oss-thaw-storage-event/object-events';
    const before = await triggerCounts(trigger);
    await put('grants/e.txt', 'Standard');
    await until(async () => (await triggerCounts(trigger)).refused > before.refused, 'a refused event');
    expect((await triggerCounts(trigger)).invocations).toBe(before.invocations);

    await redeployHeals('oss-thaw-oss-invoke');
    await put('grants/f.txt', 'Standard');
    await until(async () => (await triggerCounts(trigger)).invocations > before.invocations, 'a delivered event');
  }, 120_000);
});
