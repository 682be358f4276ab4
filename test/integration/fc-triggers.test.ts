// Triggers invoke as each event source does, through the real clients (@alicloud/fc2, ali-oss, the
// Log Service wire): OSS with the trigger's role, the Log trigger as a job reading with its role,
// EventBridge through its service-linked role. A role lacking one grant (or trust, or the account
// lacking EventBridge's role) makes the trigger fail visibly — a warning and a counter in the
// signed stats route — and granting it heals the trigger.
import FC from '@alicloud/fc2';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OWNER_ID } from '../../lib/emulators/oss';
import { codeOf, eventually, type LocalFc, OWNER, readLogstore, startLocalFc } from '../support/local-fc';

const SINK = `exports.handler = async (event) => ({ got: JSON.parse(event.toString()) });`;

let fc: LocalFc;
beforeAll(async () => {
  fc = await startLocalFc({ logIntervalMs: 100 });
});
afterAll(async () => {
  await fc?.close();
});

async function deploy(service: string, fn: string): Promise<void> {
  await fc.client().createService(service, {});
  await fc.client().createFunction(service, { functionName: fn, handler: 'index.handler', runtime: 'nodejs20', code: codeOf(SINK) });
}

function put(bucket: string, key: string): Promise<unknown> {
  fc.oss.hasBucket(bucket) || fc.oss.createBucket(bucket);
  return new OSS({ endpoint: fc.oss.endpoint, ...OWNER, bucket }).put(key, Buffer.from('x'));
}

const counts = (trigger: string) => fc.wiring.stats()[trigger] ?? { invocations: 0, failed: 0, refused: 0 };

async function signedStats(credentials = OWNER): Promise<Response> {
  const headers: Record<string, string> = { date: new Date().toUTCString() };
  headers.authorization = FC.getSignature(credentials.accessKeyId, credentials.accessKeySecret, 'GET', '/2016-08-15/-/stats', headers);
  return fetch(`${fc.endpoint}/-/stats`, { headers });
}

describe('the OSS trigger', () => {
  it('invokes only when its role may fc:InvokeFunction the function, and says so when it may not', async () => {
    await deploy('oss-events', 'sink');
    const role = fc.account.addRole('oss-invoke', ['oss.aliyuncs.com']);
    fc.oss.createBucket('watched');
    await fc.client().createTrigger('oss-events', 'sink', {
      triggerName: 'on-put',
      triggerType: 'oss',
      sourceArn: `acs:oss:cn-hangzhou:${DEFAULT_OWNER_ID}:watched`,
      invocationRole: role,
      triggerConfig: { events: ['oss:ObjectCreated:*'], filter: { key: { prefix: '', suffix: '' } } },
    });
    const key = 'oss-events/sink/on-put';
    // The trigger is wired once the change lands; the first event after that is refused.
    await eventually(async () => {
      await put('watched', 'a.txt');
      return counts(key).refused > 0 ? true : undefined;
    }, 'a refused OSS event');
    expect(counts(key).invocations).toBe(0);
    expect(fc.warnings).toContainEqual({
      message: 'OSS could not invoke the function of its trigger',
      fields: expect.objectContaining({ trigger: key, reason: expect.stringContaining('is not allowed fc:InvokeFunction on acs:fc:cn-hangzhou') }),
    });
    // The refusal is counted where an operator looks: the FC endpoint's stats, signed by the owner.
    expect(((await (await signedStats()).json()) as { triggers: Record<string, { refused: number }> }).triggers[key]!.refused).toBeGreaterThan(0);
    expect((await fetch(`${fc.endpoint}/-/stats`)).status).toBe(400);

    fc.account.grant('oss-invoke', { action: 'fc:InvokeFunction', resource: `acs:fc:*:*:services/oss-events/functions/*` });
    await put('watched', 'b.txt');
    await eventually(() => (counts(key).invocations === 1 ? true : undefined), 'the invocation once the grant is added');
    expect(fc.account.assumptions).toContainEqual({ role: 'oss-invoke', service: 'oss.aliyuncs.com' });
  });

  it('is refused when its role does not trust OSS', async () => {
    await deploy('oss-untrusted', 'sink');
    const role = fc.account.addRole('log-only', ['log.aliyuncs.com'], [{ action: 'fc:InvokeFunction', resource: '*' }]);
    fc.oss.createBucket('watched-2');
    await fc.client().createTrigger('oss-untrusted', 'sink', {
      triggerName: 't',
      triggerType: 'oss',
      sourceArn: `acs:oss:cn-hangzhou:${DEFAULT_OWNER_ID}:watched-2`,
      invocationRole: role,
      triggerConfig: { events: ['oss:ObjectCreated:PutObject'] },
    });
    await eventually(async () => {
      await put('watched-2', 'a.txt');
      return counts('oss-untrusted/sink/t').refused > 0 ? true : undefined;
    }, 'a refused OSS event');
    expect(fc.warnings.find((w) => w.fields?.trigger === 'oss-untrusted/sink/t')?.fields?.reason).toMatch(/cannot be assumed: NoPermission/);
  });
});

describe('the Log trigger', () => {
  it('reads with its role, invokes only with fc:InvokeFunction, and writes its execution log', async () => {
    fc.sls.createProject('trigger-src');
    fc.sls.createLogstore('trigger-src', 'records', { shardCount: 1 });
    fc.sls.createLogstore('trigger-src', 'trigger-log', { shardCount: 1 });
    await deploy('log-events', 'sink');
    const role = fc.account.addRole('log-invoke', ['log.aliyuncs.com'], [{ action: 'log:*', resource: 'acs:log:*:*:project/trigger-src/*' }]);
    await fc.client().createTrigger('log-events', 'sink', {
      triggerName: 'records',
      triggerType: 'log',
      sourceArn: `acs:log:cn-hangzhou:${DEFAULT_OWNER_ID}:project/trigger-src`,
      invocationRole: role,
      triggerConfig: {
        sourceConfig: { logstore: 'records' },
        jobConfig: { maxRetryTime: 3, triggerInterval: 3 },
        logConfig: { project: 'trigger-src', logstore: 'trigger-log' },
        enable: true,
      },
    });
    fc.sls.writeLogs('trigger-src', 'records', [{ time: Math.floor(Date.now() / 1000), contents: { operation: 'GetObject' } }]);
    const key = 'log-events/sink/records';
    await eventually(() => (counts(key).refused > 0 ? true : undefined), 'a refused range');
    expect(counts(key).invocations).toBe(0);
    expect(fc.warnings.find((w) => w.fields?.trigger === key)).toMatchObject({
      message: 'the Log trigger could not invoke its function; the range is offered again',
    });

    fc.account.grant('log-invoke', { action: 'fc:InvokeFunction', resource: 'acs:fc:*:*:services/log-events/functions/sink' });
    // The range refused before is offered again and now delivered.
    await eventually(() => (counts(key).invocations > 0 ? true : undefined), 'the range once the grant is added');
    expect(fc.account.assumptions).toContainEqual({ role: 'log-invoke', service: 'log.aliyuncs.com' });
    const executions = await eventually(async () => {
      const logs = await readLogstore(fc.sls, 'trigger-src', 'trigger-log');
      return logs.length > 0 ? logs : undefined;
    }, 'the execution log');
    expect(executions[0]!.contents).toMatchObject({ triggerName: 'records', shardId: '0', status: 'Succeeded' });
  });

  it('cannot start while its role does not trust Log Service, and starts once it does', async () => {
    fc.sls.createProject('trigger-src-2');
    fc.sls.createLogstore('trigger-src-2', 'records', { shardCount: 1 });
    await deploy('log-untrusted', 'sink');
    const role = fc.account.addRole(
      'oss-only',
      ['oss.aliyuncs.com'],
      [
        { action: 'fc:InvokeFunction', resource: '*' },
        { action: 'log:*', resource: 'acs:log:*:*:project/trigger-src-2/*' },
      ],
    );
    await fc.client().createTrigger('log-untrusted', 'sink', {
      triggerName: 'records',
      triggerType: 'log',
      sourceArn: `acs:log:cn-hangzhou:${DEFAULT_OWNER_ID}:project/trigger-src-2`,
      invocationRole: role,
      triggerConfig: {
        sourceConfig: { logstore: 'records' },
        jobConfig: { maxRetryTime: 3, triggerInterval: 3 },
        logConfig: { project: 'trigger-src-2', logstore: 'records' },
        enable: true,
      },
    });
    const key = 'log-untrusted/sink/records';
    await eventually(() => (counts(key).refused > 0 ? true : undefined), 'a refused start');
    expect(fc.warnings.find((w) => w.fields?.trigger === key)?.fields?.reason).toMatch(/NoPermission/);
    fc.account.trust('oss-only', 'log.aliyuncs.com');
    fc.sls.writeLogs('trigger-src-2', 'records', [{ time: Math.floor(Date.now() / 1000), contents: { n: '1' } }]);
    await eventually(() => (counts(key).invocations > 0 ? true : undefined), 'an invocation once the role trusts Log Service');
  });
  it("reads under Log Service's own rules: without log:ListShards and log:GetCursorOrData it cannot, and granting them heals it", async () => {
    fc.sls.createProject('trigger-src-3');
    fc.sls.createLogstore('trigger-src-3', 'records', { shardCount: 1 });
    await deploy('log-unread', 'sink');
    const role = fc.account.addRole('invoke-only', ['log.aliyuncs.com'], [{ action: 'fc:InvokeFunction', resource: '*' }]);
    await fc.client().createTrigger('log-unread', 'sink', {
      triggerName: 'records',
      triggerType: 'log',
      sourceArn: `acs:log:cn-hangzhou:${DEFAULT_OWNER_ID}:project/trigger-src-3`,
      invocationRole: role,
      triggerConfig: {
        sourceConfig: { logstore: 'records' },
        jobConfig: { maxRetryTime: 3, triggerInterval: 3 },
        logConfig: { project: 'trigger-src-3', logstore: 'records' },
        enable: true,
      },
    });
    const key = 'log-unread/sink/records';
    await eventually(() => (counts(key).refused > 0 ? true : undefined), 'a refused read');
    expect(fc.warnings.find((w) => w.fields?.trigger === key)).toMatchObject({
      message: 'the Log trigger could not start reading its source logstore with its role',
      fields: { reason: expect.stringMatching(/ListShards/) },
    });
    fc.account.grant('invoke-only', { action: 'log:ListShards', resource: 'acs:log:*:*:project/trigger-src-3/logstore/records' });
    fc.account.grant('invoke-only', { action: 'log:GetCursorOrData', resource: 'acs:log:*:*:project/trigger-src-3/logstore/records' });
    fc.account.grant('invoke-only', { action: 'log:PostLogStoreLogs', resource: 'acs:log:*:*:project/trigger-src-3/logstore/records' });
    fc.sls.writeLogs('trigger-src-3', 'records', [{ time: Math.floor(Date.now() / 1000), contents: { n: '1' } }]);
    await eventually(() => (counts(key).invocations > 0 ? true : undefined), 'an invocation once the role may read');
  });
});

describe('the EventBridge trigger', () => {
  const pattern = JSON.stringify({
    source: ['acs.oss'],
    type: ['oss:ObjectCreated:PutObject'],
    subject: [{ prefix: `acs:oss:cn-hangzhou:${DEFAULT_OWNER_ID}:eb-bucket/` }],
  });
  const body = (name: string) => ({
    triggerName: name,
    triggerType: 'eventbridge',
    invocationRole: `acs:ram::${DEFAULT_OWNER_ID}:role/anything`,
    triggerConfig: { triggerEnable: true, asyncInvocationType: false, eventRuleFilterPattern: pattern, eventSourceConfig: { eventSourceType: 'Default' } },
  });

  it('is answered with the ARN of the rule FC made and without the invocationRole it was sent', async () => {
    await deploy('eb', 'sink');
    const created = (await fc.client().createTrigger('eb', 'sink', body('finish'))).data as Record<string, unknown>;
    const expected = `acs:eventbridge:cn-hangzhou:${DEFAULT_OWNER_ID}:eventbus/default/rule/eb-sink-finish`;
    expect(created).toMatchObject({ triggerName: 'finish', triggerType: 'eventbridge', sourceArn: expected, qualifier: 'LATEST' });
    expect(created).not.toHaveProperty('invocationRole');
    const read = (await fc.client().getTrigger('eb', 'sink', 'finish')).data as Record<string, unknown>;
    expect(read).toMatchObject({ sourceArn: expected });
    expect(read).not.toHaveProperty('invocationRole');
  });

  it('cannot be created while EventBridge is not activated', async () => {
    fc.account.activated.delete('eventbridge');
    try {
      await expect(fc.client().createTrigger('eb', 'sink', body('inactive'))).rejects.toMatchObject({
        code: 'InvalidArgument',
        message: expect.stringContaining('EventBridge is not activated'),
      });
    } finally {
      fc.account.activated.add('eventbridge');
    }
  });

  it('delivers through the service-linked role: dropped, and counted, while it is missing', async () => {
    const key = 'eb/sink/finish';
    fc.account.serviceLinkedRoles.delete('AliyunServiceRoleForEventBridgeSendToFC');
    await eventually(async () => {
      await put('eb-bucket', 'restored.bin');
      return counts(key).refused > 0 ? true : undefined;
    }, 'a dropped event');
    expect(counts(key).invocations).toBe(0);
    expect(fc.warnings.find((w) => w.fields?.trigger === key)?.fields?.reason).toMatch(/AliyunServiceRoleForEventBridgeSendToFC does not exist/);
    fc.account.serviceLinkedRoles.add('AliyunServiceRoleForEventBridgeSendToFC');
    await put('eb-bucket', 'restored-2.bin');
    await eventually(() => (counts(key).invocations === 1 ? true : undefined), 'the event once the role exists');
  });
});
