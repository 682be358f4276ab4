// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ROS ARNs and Fn::Sub placeholders are ${…} in plain strings.
// The packaged template against a second reading of ROS's rules: `thaw package` uploads the zips to
// the OSS emulator and writes the ROS template; the local ROS (its own engine, written from ROS's
// documentation) is asked through Alibaba's ROS SDK to CreateStack it into the local cloud (RAM
// stand-in, FC 2.0 API, OSS). The stack's services and functions must carry the names thaw deploy
// gives, each trigger's invocation role must reach exactly its function, `thaw invoke` must find the
// function, and DeleteStack must leave nothing behind.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { childEnv } from '../support/child-env';
import { $ROS, type RosTarget, startRosTarget } from '../support/ros-target';

const run = promisify(execFile);

/** The packaged template with storage-event's FinishRestore trigger as an ALIYUN::FC::Trigger of type eventbridge. */
function withEventBridgeTrigger(template: string): string {
  const doc = parse(template) as { Resources: Record<string, unknown> };
  doc.Resources.StorageEventFinishRestoreTrigger = {
    Type: 'ALIYUN::FC::Trigger',
    DependsOn: ['StorageEventFunction'],
    Properties: {
      ServiceName: { 'Fn::GetAtt': ['StorageEventService', 'ServiceName'] },
      FunctionName: { 'Fn::GetAtt': ['StorageEventFunction', 'FunctionName'] },
      TriggerName: 'finish-restore',
      TriggerType: 'eventbridge',
      TriggerConfig: { triggerEnable: true, eventRuleFilterPattern: '{"source":["acs.oss"]}', eventSourceConfig: { eventSourceType: 'Default' } },
    },
  };
  return stringify(doc);
}
const STACK = 'thaw-ros';

describe('CreateStack of the packaged template in the local ROS', () => {
  let t: RosTarget;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let packaged: string;
  let packagedWithEventBridge: string;

  beforeAll(async () => {
    t = await startRosTarget();
    const { accessKeyId, accessKeySecret } = t.cloud.credentials;
    await new OSS({ endpoint: t.cloud.parameters.OssEndpoint!, accessKeyId, accessKeySecret }).putBucket('thaw-deploy-artifacts');
    dir = await mkdtemp(join(tmpdir(), 'thaw-ros-'));
    env = childEnv({
      ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret,
      THAW_OSS_ENDPOINT: t.cloud.parameters.OssEndpoint,
    });
    const thawPackage = async (output: string, ...flags: string[]) => {
      await run(
        process.execPath,
        [
          'lib/bin/thaw.mjs',
          'package',
          '--bucket',
          'thaw-deploy-artifacts',
          '--prefix',
          'releases/',
          '--output',
          output,
          '--build-dir',
          join(dir, 'build'),
          ...flags,
        ],
        { env },
      );
      return readFile(output, 'utf8');
    };
    packaged = await thawPackage(join(dir, 'packaged.yml'));
    // What the package left out: the same template with the EventBridge trigger put back as a ROS
    // user might, to show why it is left out.
    packagedWithEventBridge = withEventBridgeTrigger(packaged);
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('would refuse an eventbridge trigger, which is why the package leaves it out: ROS documents no eventbridge TriggerType for ALIYUN::FC::Trigger', async () => {
    await expect(t.createStack(`${STACK}-eb`, packagedWithEventBridge, t.cloud.parameters)).rejects.toMatchObject({
      code: 'StackValidationFailed',
      message: expect.stringMatching(
        /StorageEventFinishRestoreTrigger \(ALIYUN::FC::Trigger\)\.TriggerType "eventbridge" is not one of oss, log, tablestore, timer, mns_topic, cdn_events, http/,
      ),
    });
  });

  it('creates the stack, names what it made as thaw deploy does, and deletes all of it', async () => {
    const stackId = await t.createStack(STACK, packaged, t.cloud.parameters);
    const stack = await t.settled(stackId);
    expect({ status: stack.status, reason: stack.statusReason }).toEqual({ status: 'CREATE_COMPLETE', reason: 'Stack CREATE completed successfully' });
    // NoEcho parameters are shown masked.
    expect(stack.parameters!.find((p) => p.parameterKey === 'ApiTokenSha256')!.parameterValue).toBe('******');

    // Services <stack>-<service logical id>, functions by their own names.
    const fc = t.cloud.model;
    const services = fc.listServices().map((s) => s.serviceName);
    expect(services.sort()).toEqual(['thaw-ros-access-log', 'thaw-ros-api', 'thaw-ros-storage-event', 'thaw-ros-sweeper']);
    const functions = services.flatMap((s) => fc.listFunctions(s).map((f) => ({ service: s, name: f.functionName })));
    expect(functions.map((f) => `${f.service}/${f.name}`).sort()).toEqual([
      'thaw-ros-access-log/access-log',
      'thaw-ros-api/http',
      'thaw-ros-storage-event/storage-event',
      'thaw-ros-sweeper/sweeper',
    ]);

    // Every trigger with an invocation role: the local RAM's policy engine, asked as that role, lets
    // it invoke its own function and no other function of the stack.
    const arn = (f: { service: string; name: string }) => `acs:fc:cn-hangzhou:${t.accountId}:services/${f.service}/functions/${f.name}`;
    const account = t.cloud.ram.account;
    const checked: string[] = [];
    for (const f of functions) {
      for (const trigger of fc.listTriggers(f.service, f.name)) {
        if (!trigger.invocationRole) continue;
        const roleName = trigger.invocationRole.split('/').pop()!;
        const principal = { kind: 'role', accountId: t.accountId, roleName, sessionName: 'trigger' } as const;
        const reached = functions.filter((other) => account.authorize(principal, { action: 'fc:InvokeFunction', resource: arn(other) }).allowed);
        expect(reached, `${trigger.triggerName} with ${roleName}`).toEqual([f]);
        checked.push(trigger.triggerName);
      }
    }
    expect(checked.sort()).toEqual(['access-log', 'object-events']);

    // thaw invoke finds the function by the stack's name.
    const { stdout } = await run(
      process.execPath,
      ['lib/bin/thaw.mjs', 'invoke', 'sweeper', '--stack', STACK, '--endpoint', t.fcEndpoint, '--account-id', t.accountId],
      { env },
    );
    expect(stdout.trim()).toBe('null');

    // The resources ROS lists are what it made.
    const listed = (await t.client().listStackResources(new $ROS.ListStackResourcesRequest({ regionId: 'cn-hangzhou', stackId }))).body!.resources!;
    expect(listed.every((r) => r.status === 'CREATE_COMPLETE')).toBe(true);
    const ram = t.cloud.ramClient();
    const roleNames = t.cloud.ram.roleNames().sort();
    expect(roleNames).toEqual(['access-log', 'http', 'log-trigger', 'oss-invoke', 'storage-event', 'sweeper'].map((r) => `${STACK}-${r}`));

    await t.client().deleteStack(new $ROS.DeleteStackRequest({ regionId: 'cn-hangzhou', stackId }));
    await t.ros.store.idle();
    await expect(t.client().getStack(new $ROS.GetStackRequest({ regionId: 'cn-hangzhou', stackId }))).rejects.toMatchObject({ code: 'StackNotFound' });
    expect(fc.listServices()).toEqual([]);
    expect(t.cloud.ram.roleNames()).toEqual([]);
    for (const name of roleNames) {
      await expect(ram.request('GetPolicy', { PolicyName: name, PolicyType: 'Custom' })).rejects.toMatchObject({ code: 'EntityNotExist.Policy' });
    }
  }, 120_000);
});
