// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ROS ARNs and Fn::Sub placeholders are ${…} in plain strings.
// The packaged templates against a second reading of ROS's rules: `thaw package` uploads the zips to
// the OSS emulator and writes the ROS template for each platform; the local ROS (its own engine,
// written from ROS's documentation) is asked through Alibaba's ROS SDK to CreateStack it into the
// local cloud (RAM stand-in, FC 2.0 and FC 3.0 APIs, OSS, Tablestore). The stack's functions must carry
// the names thaw deploy gives, each trigger's invocation role must reach exactly its function, `thaw
// invoke` must find the function, and DeleteStack must leave nothing behind but the tables. Both
// templates also carry the function logstore's index, the dashboard and the alerts, made in the local
// Log Service.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { crc64 } from '../../lib/build/crc64';
import { ALERT_KINDS } from '../../lib/observability/alerts';
import { SlsAdmin } from '../../lib/sls/admin';
import { FUNCTION_LOG_INDEX } from '../../lib/sls/function-log-index';
import { TablestoreAdmin } from '../../lib/store/tablestore-admin';
import { tableChanges } from '../../lib/store/tablestore-upgrade';
import { childEnv } from '../support/child-env';
import { $ROS, type RosTarget, startRosTarget } from '../support/ros-target';

const run = promisify(execFile);
const REGION = 'cn-hangzhou';
const FUNCTIONS = ['access-log', 'http', 'storage-event', 'sweeper'];

/** The FC 2.0 packaged template with storage-event's FinishRestore trigger as an ALIYUN::FC::Trigger of type eventbridge. */
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

describe('CreateStack of the packaged templates in the local ROS', () => {
  let t: RosTarget;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const packaged: Record<'fc2' | 'fc3', { text: string; stdout: string }> = { fc2: { text: '', stdout: '' }, fc3: { text: '', stdout: '' } };

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
      const { stdout } = await run(
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
      return { text: await readFile(output, 'utf8'), stdout };
    };
    packaged.fc2 = await thawPackage(join(dir, 'packaged-fc2.yml'), '--platform', 'fc2');
    // The default platform, as thaw deploy's for a new stack.
    packaged.fc3 = await thawPackage(join(dir, 'packaged-fc3.yml'));
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The settled stack, which must be CREATE_COMPLETE (the resources' failures are in the message when it is not). */
  const created = async (stackId: string) => {
    const got = await t.settled(stackId);
    const events = await t.client().listStackEvents(new $ROS.ListStackEventsRequest({ regionId: REGION, stackId, pageSize: 50, status: ['CREATE_FAILED'] }));
    const failed = events.body!.events!.map((e) => `${e.logicalResourceId}: ${e.statusReason}`);
    expect({ status: got.status, reason: got.statusReason, failed }).toEqual({
      status: 'CREATE_COMPLETE',
      reason: 'Stack CREATE completed successfully',
      failed: [],
    });
    return got;
  };
  /** The function logstore's project, as the Log Service API answers it. */
  const functionLogs = () => new SlsAdmin({ endpoint: t.cloud.sls.endpoint, project: 'thaw-logs', ...t.cloud.credentials, maxAttempts: 1 });
  const deleteStack = async (stackId: string) => {
    await t.client().deleteStack(new $ROS.DeleteStackRequest({ regionId: REGION, stackId }));
    await t.ros.store.idle();
    await expect(t.client().getStack(new $ROS.GetStackRequest({ regionId: REGION, stackId }))).rejects.toMatchObject({ code: 'StackNotFound' });
  };

  describe('FC 2.0 (--platform fc2)', () => {
    it('would refuse an eventbridge trigger, which is why the package leaves it out: ROS documents no eventbridge TriggerType for ALIYUN::FC::Trigger', async () => {
      await expect(t.createStack('thaw-ros-eb', withEventBridgeTrigger(packaged.fc2.text), t.cloud.parameters)).rejects.toMatchObject({
        code: 'StackValidationFailed',
        message: expect.stringMatching(
          /StorageEventFinishRestoreTrigger \(ALIYUN::FC::Trigger\)\.TriggerType "eventbridge" is not one of oss, log, tablestore, timer, mns_topic, cdn_events, http/,
        ),
      });
    });

    it('creates the stack, names what it made as thaw deploy does, and deletes all of it but the tables', async () => {
      const stack = 'thaw-ros';
      const parameters = { ...t.cloud.parameters, TableName: 'thaw_ros2' };
      const stackId = await t.createStack(stack, packaged.fc2.text, parameters);
      const got = await created(stackId);
      expect(got.description).toContain('Packaged by thaw package for Function Compute 2.0 (ALIYUN::FC::*).');
      // NoEcho parameters are shown masked.
      expect(got.parameters!.find((p) => p.parameterKey === 'ApiTokenSha256')!.parameterValue).toBe('******');

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
      const arn = (f: { service: string; name: string }) => `acs:fc:${REGION}:${t.accountId}:services/${f.service}/functions/${f.name}`;
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
        ['lib/bin/thaw.mjs', 'invoke', 'sweeper', '--stack', stack, '--endpoint', t.fcEndpoint, '--account-id', t.accountId],
        { env },
      );
      expect(stdout.trim()).toBe('null');

      // The resources ROS lists are what it made.
      const listed = (await t.client().listStackResources(new $ROS.ListStackResourcesRequest({ regionId: REGION, stackId }))).body!.resources!;
      expect(listed.every((r) => r.status === 'CREATE_COMPLETE')).toBe(true);
      const ram = t.cloud.ramClient();
      const roleNames = t.cloud.ram.roleNames().sort();
      expect(roleNames).toEqual(['access-log', 'http', 'log-trigger', 'oss-invoke', 'storage-event', 'sweeper'].map((r) => `${stack}-${r}`));
      expect(await t.cloud.tables()).toEqual(expect.arrayContaining(['thaw_ros2', 'thaw_ros2_counters']));
      const logs = functionLogs();
      expect((await logs.getDashboard(`${stack}-overview`)).dashboardName).toBe(`${stack}-overview`);

      await deleteStack(stackId);
      await expect(logs.getDashboard(`${stack}-overview`)).rejects.toMatchObject({ code: 'DashboardNotExist' });
      await expect(logs.getIndex('functions')).rejects.toMatchObject({ code: 'IndexConfigNotExist' });
      logs.close();
      expect(fc.listServices()).toEqual([]);
      expect(t.cloud.ram.roleNames()).toEqual([]);
      for (const name of roleNames) {
        await expect(ram.request('GetPolicy', { PolicyName: name, PolicyType: 'Custom' })).rejects.toMatchObject({ code: 'EntityNotExist.Policy' });
      }
      expect(await t.cloud.tables()).toEqual(expect.arrayContaining(['thaw_ros2', 'thaw_ros2_counters']));
    }, 120_000);
  });

  describe('FC 3.0 (the default)', () => {
    const stack = 'thaw-ros3';
    const fc3Name = (fn: string) => `${stack}-${fn}`;
    const fc3Arn = (fn: string) => `acs:fc:${REGION}:${t.accountId}:functions/${fc3Name(fn)}`;

    it('says which platform it is for, keeps the FinishRestore trigger and says what it needs of the account', () => {
      expect(packaged.fc3.text.split('\n')[0]).toBe('# Written by thaw package from template.yml for FC 3.0; deploy it with ROS as it is.');
      expect(packaged.fc3.stdout).toContain(
        'note: storage-event.Events.finish-restore needs EventBridge activated and its service-linked role AliyunServiceRoleForEventBridgeSendToFC, which ROS does not make',
      );
      expect(packaged.fc3.stdout).not.toContain('is left out');
      // ROS cannot make a webhook: the template does not ask for one (the URL and the secret are NoEcho).
      expect(packaged.fc3.text).not.toMatch(/AlertWebhook/);
      expect(Object.keys((parse(packaged.fc3.text) as { Parameters: object }).Parameters)).toEqual(
        expect.arrayContaining(['AlertActionPolicyId', 'AlertFailedRestores']),
      );
      expect(packaged.fc3.text).toContain('Alerts go through the action policy AlertActionPolicyId names, or to no one when it is empty');
      expect(packaged.fc3.stdout).toContain('packaged template (FC 3.0): ');
    });

    it('creates the stack: functions <stack>-<function>, each invocation role reaching exactly its function, the dead letter the sweeper; DeleteStack keeps the tables', async () => {
      const parameters = {
        ...t.cloud.parameters,
        TableName: 'thaw_ros3',
        CustomDomain: 'thaw-ros3.example.com',
        AlertActionPolicyId: 'ops',
        AlertFailedRestores: '3',
      };
      const stackId = await t.createStack(stack, packaged.fc3.text, parameters);
      const got = await created(stackId);
      expect(got.description).toContain('Packaged by thaw package for Function Compute 3.0 (ALIYUN::FC3::*).');

      // FC 3.0 functions named as thaw deploy names them, nothing on FC 2.0; the code is the zip thaw
      // package uploaded (FC read it from OSS and checked its CRC-64 against Code.Checksum).
      const fc3 = t.cloud.fc3;
      expect(fc3.functionNames().sort()).toEqual(FUNCTIONS.map(fc3Name));
      expect(t.cloud.model.listServices()).toEqual([]);
      for (const fn of FUNCTIONS) {
        const zip = await readFile(join(dir, 'build', `${fn}.zip`));
        expect(fc3.getFunction(fc3Name(fn)).codeChecksum, fn).toBe(crc64(new Uint8Array(zip)));
        expect(fc3.tagsOf(fc3Name(fn)), fn).toEqual([{ Key: 'oss-thaw-stack', Value: stack }]);
        expect(fc3.getFunction(fc3Name(fn)).role, fn).toBe(`acs:ram::${t.accountId}:role/${stack}-${fn}`);
      }
      // Metadata.FC3 over Properties: the http function is an event handler; FC 3.0's standard runtimes
      // take one request per instance, so none asks for more.
      expect(fc3.getFunction(fc3Name('http'))).toMatchObject({ handler: 'index.handler', instanceConcurrency: 1, memorySize: 256 });
      expect(fc3.getFunction(fc3Name('access-log'))).toMatchObject({ memorySize: 256, instanceConcurrency: 1 });
      expect(fc3.getFunction(fc3Name('sweeper')).logConfig).toMatchObject({ project: 'thaw-logs', logstore: 'functions' });
      expect(fc3.reservedConcurrency(fc3Name('http'))).toBe(50);
      expect(fc3.reservedConcurrency(fc3Name('access-log'))).toBe(4);

      // The triggers, with the EventBridge one FC 2.0's package leaves out.
      const triggers = FUNCTIONS.flatMap((fn) => fc3.listTriggers(fc3Name(fn), '', 100, undefined).items.map((tr) => ({ fn, trigger: tr })));
      expect(triggers.map(({ fn, trigger }) => `${fn}/${trigger.triggerName} ${trigger.triggerType}`).sort()).toEqual([
        'access-log/access-log log',
        'http/http http',
        'storage-event/finish-restore eventbridge',
        'storage-event/object-events oss',
        'sweeper/every-minute timer',
      ]);

      // Each invocation role reaches exactly its function (the local RAM's policy engine, asked as the role).
      const account = t.cloud.ram.account;
      const reach = (roleArn: string) => {
        const principal = { kind: 'role', accountId: t.accountId, roleName: roleArn.split('/').pop()!, sessionName: 'check' } as const;
        return FUNCTIONS.filter((fn) => account.authorize(principal, { action: 'fc:InvokeFunction', resource: fc3Arn(fn) }).allowed);
      };
      // (EventBridge invokes through its service-linked role, which FC answers as the trigger's role.)
      const withRoles = triggers.filter(({ trigger }) => trigger.invocationRole && trigger.triggerType !== 'eventbridge');
      expect(withRoles.map(({ trigger }) => [trigger.triggerName, reach(trigger.invocationRole!)])).toEqual([
        ['access-log', ['access-log']],
        ['object-events', ['storage-event']],
      ]);

      // storage-event's failed events go to the sweeper, which its own role may invoke, and nothing else.
      const async = fc3.getAsyncConfig(fc3Name('storage-event'), 'LATEST');
      expect(async).toMatchObject({ maxAsyncRetryAttempts: 3, maxAsyncEventAgeInSeconds: 86400 });
      expect(async.destinationConfig.onFailure?.destination).toBe(fc3.getFunction(fc3Name('sweeper')).functionArn);
      expect(reach(fc3.getFunction(fc3Name('storage-event')).role)).toEqual(['sweeper']);

      // The custom domain routes every path to the http function, anonymously (the function checks tokens).
      expect(fc3.getCustomDomain('thaw-ros3.example.com')).toMatchObject({
        routeConfig: { routes: [{ path: '/*', functionName: fc3Name('http'), qualifier: 'LATEST' }] },
        authConfig: { authType: 'anonymous' },
      });

      // The HTTP trigger's address is the trigger's UrlInternet attribute.
      const resources = (await t.client().listStackResources(new $ROS.ListStackResourcesRequest({ regionId: REGION, stackId }))).body!.resources!;
      expect(resources.every((r) => r.status === 'CREATE_COMPLETE')).toBe(true);
      expect(resources.find((r) => r.logicalResourceId === 'HttpHttpTrigger')!.physicalResourceId).toBe('http');

      // thaw invoke finds the FC 3.0 function by the stack's name.
      const { stdout } = await run(
        process.execPath,
        ['lib/bin/thaw.mjs', 'invoke', 'sweeper', '--stack', stack, '--endpoint', t.fcEndpoint, '--account-id', t.accountId],
        { env },
      );
      expect(stdout.trim()).toBe('null');

      // The tables, with every column and index the store reads (what thaw deploy would still add:
      // nothing), and the counters' TTL of three days.
      const ts = t.cloud.tablestore.describe() as { endpoint: string; instance: string };
      const admin = new TablestoreAdmin({ ...ts, table: 'thaw_ros3', ...t.cloud.credentials });
      expect(await tableChanges(admin)).toEqual({ missingTables: [], missingColumns: [], missingIndexes: [] });
      const counters = await admin.describeTable('thaw_ros3_counters');
      expect(Number(counters.tableOptions?.timeToLive)).toBe(259_200);

      // The Log Service part: the function logstore's index with every key the functions log, the
      // dashboard, and one alert per kind sending through the given action policy. One of them,
      // evaluated by the local Log Service on staged lines: three FAILED outcomes in 15 minutes page,
      // as the stack's AlertFailedRestores says (the default is five).
      const logs = functionLogs();
      expect(Object.keys((await logs.getIndex('functions')).keys ?? {})).toEqual(Object.keys(FUNCTION_LOG_INDEX.keys!));
      expect((await logs.getDashboard(`${stack}-overview`)).charts.length).toBeGreaterThan(0);
      const alerts = await Promise.all(ALERT_KINDS.map((kind) => logs.getAlert(`${stack}-${kind}`)));
      expect(alerts.map((a) => (a.configuration as { policyConfiguration: { actionPolicyId: string } }).policyConfiguration.actionPolicyId)).toEqual(
        ALERT_KINDS.map(() => 'ops'),
      );
      const now = Date.now();
      const failed = Array.from({ length: 3 }, (_, i) => ({
        time: Math.floor(now / 1000) - 60 - i,
        contents: {
          functionName: fc3Name('access-log'),
          message: JSON.stringify({ level: 'info', msg: 'state', function: 'access-log', bucket: 'photos', key: `k${i}`, outcome: 'failed', to: 'FAILED' }),
        },
      }));
      t.cloud.sls.writeLogs('thaw-logs', 'functions', failed, { topic: 'oss-thaw' });
      expect(t.cloud.sls.evaluateAlert('thaw-logs', `${stack}-failed-restores`, now)).toMatchObject({ fired: true, severity: 8 });

      // DeleteStack: functions, triggers, configurations, domain, roles, index, dashboard and alerts go; the tables stay.
      await deleteStack(stackId);
      await expect(logs.getIndex('functions')).rejects.toMatchObject({ code: 'IndexConfigNotExist' });
      await expect(logs.getDashboard(`${stack}-overview`)).rejects.toMatchObject({ code: 'DashboardNotExist' });
      await expect(logs.getAlert(`${stack}-failed-restores`)).rejects.toMatchObject({ code: 'JobNotExist' });
      logs.close();
      expect(fc3.functionNames()).toEqual([]);
      expect(fc3.hasCustomDomain('thaw-ros3.example.com')).toBe(false);
      expect(t.cloud.ram.roleNames().filter((r) => r.startsWith(`${stack}-`))).toEqual([]);
      expect(await t.cloud.tables()).toEqual(expect.arrayContaining(['thaw_ros3', 'thaw_ros3_counters']));
    }, 120_000);

    it('uses tables that already exist when told so (CreateTables=false), and makes none', async () => {
      // thaw_ros3 exists: kept by the stack above.
      const parameters = { ...t.cloud.parameters, TableName: 'thaw_ros3' };
      const failed = await t.createStack(`${stack}-again`, packaged.fc3.text, parameters, { disableRollback: true });
      expect((await t.settled(failed)).statusReason).toMatch(/RecordsTable: Tablestore CreateTable OTSObjectAlreadyExist: Requested table already exists/);
      await deleteStack(failed);
      const stackId = await t.createStack(`${stack}-again`, packaged.fc3.text, { ...parameters, CreateTables: 'false' });
      await created(stackId);
      const resources = (await t.client().listStackResources(new $ROS.ListStackResourcesRequest({ regionId: REGION, stackId }))).body!.resources!;
      expect(resources.filter((r) => r.resourceType === 'ALIYUN::OTS::Table')).toEqual([]);
      await deleteStack(stackId);
    }, 120_000);

    it('on a logstore that has an index: CreateStack fails on it, and CreateFunctionLogIndex=false uses it and leaves it', async () => {
      t.cloud.sls.createIndex('thaw-logs', 'functions', FUNCTION_LOG_INDEX);
      // The tables exist (kept by the stacks above).
      const parameters = { ...t.cloud.parameters, TableName: 'thaw_ros3', CreateTables: 'false' };
      const failed = await t.createStack(`${stack}-indexed`, packaged.fc3.text, parameters, { disableRollback: true });
      expect((await t.settled(failed)).statusReason).toMatch(/FunctionLogIndex: Log Service CreateIndex IndexAlreadyExist/);
      await deleteStack(failed);
      const stackId = await t.createStack(`${stack}-indexed`, packaged.fc3.text, { ...parameters, CreateFunctionLogIndex: 'false' });
      await created(stackId);
      await deleteStack(stackId);
      const logs = functionLogs();
      expect(Object.keys((await logs.getIndex('functions')).keys ?? {})).toEqual(Object.keys(FUNCTION_LOG_INDEX.keys!));
      logs.close();
    }, 120_000);
  });
});
