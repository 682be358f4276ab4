// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${…} in plain strings.
// The local ROS API through Alibaba's ROS SDK (@alicloud/ros20190910, unmodified): signatures,
// ValidateTemplate, templates ROS refuses, stack states and events (rollback included), updates,
// DeletionPolicy, listing, and resources made in the local cloud — FC 2.0, FC 3.0, RAM, Tablestore, Log Service —
// and removed again.
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlsAdmin } from '../../lib/sls/admin';
import { $ROS, type RosTarget, startRosTarget } from '../support/ros-target';

const REGION = 'cn-hangzhou';
const trust = { Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['fc.aliyuncs.com'] } }] };
const zip = Buffer.from(
  zipSync({ 'index.js': new TextEncoder().encode('exports.handler = async () => 1;\n') }, { mtime: new Date(Date.UTC(2020, 0, 1)) }),
).toString('base64');
const template = (resources: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ROSTemplateFormatVersion: '2015-09-01', ...extra, Resources: resources });
const role = (name: unknown, extra: Record<string, unknown> = {}) => ({
  Type: 'ALIYUN::RAM::Role',
  Properties: { RoleName: name, AssumeRolePolicyDocument: trust, ...extra },
});
const service = (name: string, extra: Record<string, unknown> = {}) => ({ Type: 'ALIYUN::FC::Service', Properties: { ServiceName: name, ...extra } });
const fn = (serviceRef: unknown, name: string) => ({
  Type: 'ALIYUN::FC::Function',
  Properties: { ServiceName: serviceRef, FunctionName: name, Handler: 'index.handler', Runtime: 'nodejs20', Code: { ZipFile: zip } },
});

describe('the local ROS API', () => {
  let t: RosTarget;
  beforeAll(async () => {
    t = await startRosTarget();
  });
  afterAll(async () => {
    await t?.close();
  });

  const events = async (stackId: string) =>
    (await t.client().listStackEvents(new $ROS.ListStackEventsRequest({ regionId: REGION, stackId, pageSize: 50 })))
      .body!.events!.map((e) => `${e.logicalResourceId} ${e.status}`)
      .reverse();
  const deleteStack = async (stackId: string) => {
    await t.client().deleteStack(new $ROS.DeleteStackRequest({ regionId: REGION, stackId }));
    await t.ros.store.idle();
  };

  describe('signatures (ACS3-HMAC-SHA256)', () => {
    it.each([
      ['a wrong secret', { accessKeyId: 'LTAI5tThawLocalDevKey', accessKeySecret: 'not-the-secret' }, 'SignatureDoesNotMatch'],
      ['an unknown key', { accessKeyId: 'LTAI-nobody', accessKeySecret: 'x' }, 'InvalidAccessKeyId.NotFound'],
    ])('refuses %s', async (_label, keys, code) => {
      const client = t.client({ ...keys, accessKeyId: keys.accessKeyId === 'LTAI5tThawLocalDevKey' ? t.cloud.credentials.accessKeyId : keys.accessKeyId });
      await expect(client.listStacks(new $ROS.ListStacksRequest({ regionId: REGION }))).rejects.toMatchObject({ code });
    });
  });

  it("acts with the caller's identity: a RAM user may call ROS, and the stack fails where that user may not create the role", async () => {
    const account = t.cloud.ram.account;
    account.createUser({ UserName: 'ros-only' });
    const key = account.createAccessKey('ros-only');
    account.createPolicy('ros-only', JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'ros:*', Resource: '*' }] }));
    account.attachPolicy('user', 'ros-only', 'Custom', 'ros-only');
    const client = t.client({ accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret });
    const response = await client.createStack(
      new $ROS.CreateStackRequest({ regionId: REGION, stackName: 'as-caller', templateBody: template({ R: role('as-caller-role') }) }),
    );
    const stack = await t.settled(response.body!.stackId!);
    expect(stack.status).toBe('CREATE_ROLLBACK_COMPLETE');
    const failed = await t
      .client()
      .listStackEvents(
        new $ROS.ListStackEventsRequest({ regionId: REGION, stackId: stack.stackId!, logicalResourceId: ['as-caller'], status: ['CREATE_FAILED'] }),
      );
    expect(failed.body!.events![0]!.statusReason).toMatch(/^Resource CREATE failed: R: RAM CreateRole NoPermission/);
    expect(t.cloud.ram.roleNames()).not.toContain('as-caller-role');

    account.createUser({ UserName: 'no-ros' });
    const other = account.createAccessKey('no-ros');
    await expect(
      t.client({ accessKeyId: other.AccessKeyId, accessKeySecret: other.AccessKeySecret }).listStacks(new $ROS.ListStacksRequest({ regionId: REGION })),
    ).rejects.toMatchObject({ code: 'Forbidden.RAM' });
    await deleteStack(response.body!.stackId!);
  });

  it('ValidateTemplate describes a template and refuses a broken one', async () => {
    const body = template({ R: role('r') }, { Description: 'd', Parameters: { Env: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod'] } } });
    const v = (await t.client().validateTemplate(new $ROS.ValidateTemplateRequest({ regionId: REGION, templateBody: body }))).body!;
    expect({ description: v.description, parameters: v.parameters, types: v.resourceTypes?.resources }).toEqual({
      description: 'd',
      parameters: [{ ParameterKey: 'Env', Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod'] }],
      types: ['ALIYUN::RAM::Role'],
    });
    await expect(
      t.client().validateTemplate(new $ROS.ValidateTemplateRequest({ regionId: REGION, templateBody: '{"ROSTemplateFormatVersion": "2010-09-09"}' })),
    ).rejects.toMatchObject({
      code: 'StackValidationFailed',
    });
  });

  it('fails CreateStack on a property ROS does not document, and makes nothing', async () => {
    await expect(t.createStack('undocumented', template({ S: service('svc-undocumented', { MemorySize: 512 }) }))).rejects.toMatchObject({
      code: 'StackValidationFailed',
      message: expect.stringContaining('S (ALIYUN::FC::Service): unknown property MemorySize'),
    });
    const listed = await t.client().listStacks(new $ROS.ListStacksRequest({ regionId: REGION, stackName: ['undocumented'] }));
    expect(listed.body!.totalCount).toBe(0);
    expect(t.cloud.model.listServices('svc-undocumented')).toEqual([]);
  });

  it('refuses a second stack of the same name', async () => {
    const id = await t.createStack('twice', template({ R: role('twice-role') }));
    await expect(t.createStack('twice', template({ R: role('twice-role-2') }))).rejects.toMatchObject({ code: 'StackExists' });
    await t.settled(id);
    await deleteStack(id);
  });

  it('rolls a failed create back: what was made is deleted, newest first, and the events say so', async () => {
    const id = await t.createStack('rollback', template({ R: role('rollback-role'), F: { ...fn('no-such-service', 'f'), DependsOn: 'R' } }));
    const stack = await t.settled(id);
    expect(stack.status).toBe('CREATE_ROLLBACK_COMPLETE');
    expect(await events(id)).toEqual([
      'rollback CREATE_IN_PROGRESS',
      'R CREATE_IN_PROGRESS',
      'R CREATE_COMPLETE',
      'F CREATE_IN_PROGRESS',
      'F CREATE_FAILED',
      'rollback CREATE_FAILED',
      'rollback CREATE_ROLLBACK_IN_PROGRESS',
      'R DELETE_IN_PROGRESS',
      'R DELETE_COMPLETE',
      'rollback CREATE_ROLLBACK_COMPLETE',
    ]);
    const failed = (
      await t.client().listStackEvents(new $ROS.ListStackEventsRequest({ regionId: REGION, stackId: id, logicalResourceId: ['F'], status: ['CREATE_FAILED'] }))
    ).body!.events![0]!;
    expect(failed.statusReason).toMatch(/^FC CreateFunction ServiceNotFound: /);
    expect(t.cloud.ram.roleNames()).not.toContain('rollback-role');
    await deleteStack(id);
  });

  it('keeps what was made when DisableRollback is set; DeleteStack removes it', async () => {
    const id = await t.createStack(
      'no-rollback',
      template({ R: role('kept-role'), F: { ...fn('no-such-service', 'f'), DependsOn: 'R' } }),
      {},
      { disableRollback: true },
    );
    const stack = await t.settled(id);
    expect({ status: stack.status, reason: stack.statusReason }).toEqual({
      status: 'CREATE_FAILED',
      reason: expect.stringMatching(/^Resource CREATE failed: F: FC CreateFunction ServiceNotFound/),
    });
    expect(t.cloud.ram.roleNames()).toContain('kept-role');
    await deleteStack(id);
    expect(t.cloud.ram.roleNames()).not.toContain('kept-role');
  });

  it('makes FC 3.0 resources through the FC 3.0 API, with attributes for Fn::GetAtt; updates them in place and deletes dependents first', async () => {
    const f3 = (description: string, tags: { Key: string; Value: string }[]) => ({
      Type: 'ALIYUN::FC3::Function',
      Properties: {
        FunctionName: { 'Fn::Sub': '${ALIYUN::StackName}-f' },
        Handler: 'index.handler',
        Runtime: 'nodejs20',
        Description: description,
        Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
        Code: { ZipFile: zip },
        Tags: tags,
      },
    });
    // The dead letter of Function's failed asynchronous invocations (FC refuses a function as its own destination).
    const dead = {
      Type: 'ALIYUN::FC3::Function',
      Properties: { FunctionName: { 'Fn::Sub': '${ALIYUN::StackName}-dead' }, Handler: 'index.handler', Runtime: 'nodejs20', Code: { ZipFile: zip } },
    };
    const resources = (description: string, tags: { Key: string; Value: string }[], reserved: number) => ({
      Role: role({ 'Fn::Sub': '${ALIYUN::StackName}-role' }),
      Dead: dead,
      Function: f3(description, tags),
      Web: {
        Type: 'ALIYUN::FC3::Trigger',
        Properties: {
          FunctionName: { 'Fn::GetAtt': ['Function', 'FunctionName'] },
          TriggerName: 'web',
          TriggerType: 'http',
          TriggerConfig: { authType: 'anonymous', methods: ['GET'] },
          Qualifier: 'LATEST',
        },
      },
      Async: {
        Type: 'ALIYUN::FC3::AsyncInvokeConfig',
        Properties: {
          FunctionName: { 'Fn::GetAtt': ['Function', 'FunctionName'] },
          MaxAsyncRetryAttempts: 1,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Dead', 'ARN'] } } },
        },
      },
      Cap: {
        Type: 'ALIYUN::FC3::ConcurrencyConfig',
        Properties: { FunctionName: { 'Fn::GetAtt': ['Function', 'FunctionName'] }, ReservedConcurrency: reserved },
      },
    });
    const outputs = { Outputs: { Url: { Value: { 'Fn::GetAtt': ['Web', 'UrlInternet'] } }, Arn: { Value: { 'Fn::GetAtt': ['Function', 'ARN'] } } } };
    const id = await t.createStack('fc3', template(resources('one', [{ Key: 'team', Value: 'a' }], 5), outputs));
    const stack = await t.settled(id);
    expect([stack.status, stack.statusReason]).toEqual(['CREATE_COMPLETE', 'Stack CREATE completed successfully']);
    const arn = `acs:fc:${REGION}:${t.accountId}:functions/fc3-f`;
    expect(stack.outputs).toEqual([
      { OutputKey: 'Url', OutputValue: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/.+/) },
      { OutputKey: 'Arn', OutputValue: arn },
    ]);
    const fc3 = t.cloud.fc3;
    expect(fc3.getFunction('fc3-f')).toMatchObject({ description: 'one', role: `acs:ram::${t.accountId}:role/fc3-role`, functionArn: arn });
    expect(fc3.tagsOf('fc3-f')).toEqual([{ Key: 'team', Value: 'a' }]);
    expect(fc3.getAsyncConfig('fc3-f', 'LATEST')).toMatchObject({
      maxAsyncRetryAttempts: 1,
      destinationConfig: { onFailure: { destination: `acs:fc:${REGION}:${t.accountId}:functions/fc3-dead` } },
    });
    expect(fc3.reservedConcurrency('fc3-f')).toBe(5);

    // Changed properties are updated in place: UpdateFunction (tags through TagResources), another Put.
    await t
      .client()
      .updateStack(
        new $ROS.UpdateStackRequest({ regionId: REGION, stackId: id, templateBody: template(resources('two', [{ Key: 'team', Value: 'b' }], 6), outputs) }),
      );
    expect((await t.settled(id)).status).toBe('UPDATE_COMPLETE');
    expect(fc3.getFunction('fc3-f').description).toBe('two');
    expect(fc3.tagsOf('fc3-f')).toEqual([{ Key: 'team', Value: 'b' }]);
    expect(fc3.reservedConcurrency('fc3-f')).toBe(6);

    // Deleted newest first: the configurations and the trigger before the function (FC refuses a function with triggers).
    const mark = t.cloud.requests.length;
    await deleteStack(id);
    expect(t.cloud.writesSince(mark).map((r) => `${r.method} ${r.path}`)).toEqual([
      'DELETE /2023-03-30/functions/fc3-f/concurrency',
      'DELETE /2023-03-30/functions/fc3-f/async-invoke-config',
      'DELETE /2023-03-30/functions/fc3-f/triggers/web',
      'DELETE /2023-03-30/functions/fc3-f',
      'DELETE /2023-03-30/functions/fc3-dead',
    ]);
    expect(fc3.functionNames()).not.toContain('fc3-f');
    expect(fc3.functionNames()).not.toContain('fc3-dead');
  });

  it('fails an FC 3.0 property ROS does not document, before anything is made', async () => {
    const cap = { Type: 'ALIYUN::FC3::ConcurrencyConfig', Properties: { FunctionName: 'f', ReservedConcurrency: 301 } };
    await expect(t.createStack('fc3-cap', template({ Cap: cap }))).rejects.toMatchObject({
      code: 'StackValidationFailed',
      message: expect.stringContaining('Cap (ALIYUN::FC3::ConcurrencyConfig).ReservedConcurrency 301 is more than 300'),
    });
  });

  it('keeps a resource whose DeletionPolicy is Retain, when the stack is deleted and when an update removes it; refuses another policy', async () => {
    const ram = t.cloud.ramClient();
    const id = await t.createStack(
      'retain',
      template({
        Kept: { ...role('retain-kept'), DeletionPolicy: 'Retain' },
        Removed: { ...role('retain-removed'), DeletionPolicy: 'Retain' },
        Gone: role('retain-gone'),
      }),
    );
    expect((await t.settled(id)).status).toBe('CREATE_COMPLETE');
    await t.client().updateStack(
      new $ROS.UpdateStackRequest({
        regionId: REGION,
        stackId: id,
        templateBody: template({ Kept: { ...role('retain-kept'), DeletionPolicy: 'Retain' }, Gone: role('retain-gone') }),
      }),
    );
    expect((await t.settled(id)).status).toBe('UPDATE_COMPLETE');
    expect(t.cloud.ram.roleNames()).toContain('retain-removed');
    await deleteStack(id);
    expect(t.cloud.ram.roleNames()).toEqual(expect.arrayContaining(['retain-kept', 'retain-removed']));
    expect(t.cloud.ram.roleNames()).not.toContain('retain-gone');
    for (const name of ['retain-kept', 'retain-removed']) await ram.request('DeleteRole', { RoleName: name }, { method: 'POST' });

    await expect(t.createStack('snapshot', template({ R: { ...role('snapshot-role'), DeletionPolicy: 'Snapshot' } }))).rejects.toMatchObject({
      code: 'StackValidationFailed',
      message: expect.stringContaining('resource R: DeletionPolicy must be Delete or Retain'),
    });
  });

  it('makes a Log Service dashboard through its API, updates it in place, and deletes it', async () => {
    const chart = {
      title: 'lines',
      type: 'linepro',
      search: { logstore: 'functions', query: '* | select count(*) as n', start: '-1h', end: 'now' },
      display: {},
    };
    const board = (displayName: string) => ({
      Type: 'ALIYUN::SLS::Dashboard',
      Properties: { ProjectName: 'thaw-logs', DashboardName: { 'Fn::Sub': '${ALIYUN::StackName}-board' }, DisplayName: displayName, Charts: [chart] },
    });
    const outputs = { Outputs: { Name: { Value: { 'Fn::GetAtt': ['Board', 'DashboardName'] } } } };
    const id = await t.createStack('sls', template({ Board: board('one') }, outputs));
    const stack = await t.settled(id);
    expect([stack.status, stack.outputs]).toEqual(['CREATE_COMPLETE', [{ OutputKey: 'Name', OutputValue: 'sls-board' }]]);
    const logs = new SlsAdmin({ endpoint: t.cloud.sls.endpoint, project: 'thaw-logs', ...t.cloud.credentials, maxAttempts: 1 });
    expect(await logs.getDashboard('sls-board')).toMatchObject({ displayName: 'one', charts: [{ title: 'lines' }] });

    await t.client().updateStack(new $ROS.UpdateStackRequest({ regionId: REGION, stackId: id, templateBody: template({ Board: board('two') }, outputs) }));
    expect((await t.settled(id)).status).toBe('UPDATE_COMPLETE');
    expect((await logs.getDashboard('sls-board')).displayName).toBe('two');

    await deleteStack(id);
    await expect(logs.getDashboard('sls-board')).rejects.toMatchObject({ code: 'DashboardNotExist' });
    logs.close();
  });

  it('makes an FC service, function and timer trigger, with attributes for Fn::GetAtt and outputs', async () => {
    const id = await t.createStack(
      'fc2',
      template(
        {
          Role: role({ 'Fn::Sub': '${ALIYUN::StackName}-role' }),
          Service: service('fc2-svc', { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } }),
          Function: fn({ 'Fn::GetAtt': ['Service', 'ServiceName'] }, 'f'),
          Timer: {
            Type: 'ALIYUN::FC::Trigger',
            Properties: {
              ServiceName: { 'Fn::GetAtt': ['Function', 'ServiceName'] },
              FunctionName: { 'Fn::GetAtt': ['Function', 'FunctionName'] },
              TriggerName: 'every-minute',
              TriggerType: 'timer',
              TriggerConfig: { cronExpression: '@every 1m', enable: true },
            },
          },
        },
        { Outputs: { Arn: { Value: { 'Fn::GetAtt': ['Function', 'ARN'] } } } },
      ),
    );
    const stack = await t.settled(id);
    expect(stack.status).toBe('CREATE_COMPLETE');
    expect(stack.outputs).toEqual([{ OutputKey: 'Arn', OutputValue: `acs:fc:${REGION}:${t.accountId}:services/fc2-svc/functions/f` }]);
    expect(t.cloud.model.getService('fc2-svc').role).toBe(`acs:ram::${t.accountId}:role/fc2-role`);
    expect(t.cloud.model.listTriggers('fc2-svc', 'f').map((tr) => tr.triggerName)).toEqual(['every-minute']);
    const resources = (await t.client().listStackResources(new $ROS.ListStackResourcesRequest({ regionId: REGION, stackId: id }))).body!.resources!;
    expect(resources.map((r) => [r.logicalResourceId, r.physicalResourceId, r.status])).toEqual([
      ['Role', 'fc2-role', 'CREATE_COMPLETE'],
      ['Service', 'fc2-svc', 'CREATE_COMPLETE'],
      ['Function', 'f', 'CREATE_COMPLETE'],
      ['Timer', 'every-minute', 'CREATE_COMPLETE'],
    ]);

    // Deleted newest first: what the FC API was asked to delete, in order, then the role.
    const mark = t.cloud.requests.length;
    await deleteStack(id);
    expect(t.cloud.writesSince(mark).map((r) => `${r.method} ${r.path}`)).toEqual([
      'DELETE /2016-08-15/services/fc2-svc/functions/f/triggers/every-minute',
      'DELETE /2016-08-15/services/fc2-svc/functions/f',
      'DELETE /2016-08-15/services/fc2-svc',
    ]);
    expect(t.cloud.ram.roleNames()).not.toContain('fc2-role');
    expect(t.cloud.model.listServices('fc2-svc')).toEqual([]);
  });

  it('updates a stack: a changed property in place, a new resource made, a removed one deleted', async () => {
    const v1 = template({ Service: service('upd-svc', { Description: 'one' }), Old: role('upd-old') });
    const id = await t.createStack('update', v1);
    expect((await t.settled(id)).status).toBe('CREATE_COMPLETE');
    const v2 = template({ Service: service('upd-svc', { Description: 'two' }), New: role('upd-new') });
    await t.client().updateStack(new $ROS.UpdateStackRequest({ regionId: REGION, stackId: id, templateBody: v2 }));
    const stack = await t.settled(id);
    expect(stack.status).toBe('UPDATE_COMPLETE');
    expect(t.cloud.model.getService('upd-svc').description).toBe('two');
    expect(t.cloud.ram.roleNames()).toContain('upd-new');
    expect(t.cloud.ram.roleNames()).not.toContain('upd-old');
    await deleteStack(id);
  });

  it('makes a Tablestore table with its secondary index, and deletes it with the stack', async () => {
    const ts = t.cloud.tablestore.describe() as { instance: string };
    const table = {
      Type: 'ALIYUN::OTS::Table',
      Properties: {
        InstanceName: ts.instance,
        TableName: 'ros_records',
        PrimaryKey: [{ Name: 'id', Type: 'STRING' }],
        Columns: [{ Name: 'state', Type: 'STRING' }],
        SecondaryIndices: [{ IndexName: 'ros_records_by_state', PrimaryKeys: ['state'], Columns: [], IndexType: 'Global' }],
      },
    };
    const id = await t.createStack('tables', template({ Table: table }, { Outputs: { Name: { Value: { 'Fn::GetAtt': ['Table', 'TableName'] } } } }));
    const stack = await t.settled(id);
    expect([stack.status, stack.statusReason]).toEqual(['CREATE_COMPLETE', 'Stack CREATE completed successfully']);
    expect(stack.outputs).toEqual([{ OutputKey: 'Name', OutputValue: 'ros_records' }]);
    expect(await t.cloud.tables()).toContain('ros_records');
    await deleteStack(id);
    expect(await t.cloud.tables()).not.toContain('ros_records');
  });

  it('lists stacks by name and status, and refuses another region', async () => {
    const id = await t.createStack('listed', template({ R: role('listed-role') }));
    await t.settled(id);
    const byName = await t.client().listStacks(new $ROS.ListStacksRequest({ regionId: REGION, stackName: ['listed'] }));
    expect(byName.body!.stacks!.map((s) => [s.stackName, s.status])).toEqual([['listed', 'CREATE_COMPLETE']]);
    const failedOnly = await t.client().listStacks(new $ROS.ListStacksRequest({ regionId: REGION, stackName: ['listed'], status: ['CREATE_FAILED'] }));
    expect(failedOnly.body!.totalCount).toBe(0);
    await expect(t.client().listStacks(new $ROS.ListStacksRequest({ regionId: 'cn-beijing' }))).rejects.toMatchObject({ code: 'InvalidParameter' });
    await deleteStack(id);
  });
});
