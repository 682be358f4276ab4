// thaw deploy --platform fc2 / destroy against the local FC API, the RAM stand-in and the emulators, through the
// real clients (@alicloud/fc2, @alicloud/ram, ali-oss, tablestore, the SLS reader): from nothing,
// again, after a code change, after a fault mid-deploy, dry runs, destroy, ownership of roles and
// policies, the previous release's layout, and the checks that come before anything is created.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changes } from '../../lib/deploy/plan';
import { SlsAdmin } from '../../lib/sls/admin';
import { FcApiError, fcErrors } from '../../lib/emulators/fc/errors';
import { type DeployTarget, FUNCTIONS, startDeployTarget, syntheticCode } from '../support/deploy-target';

const SERVICES = ['thaw-it-access-log', 'thaw-it-api', 'thaw-it-storage-event', 'thaw-it-sweeper'];
const QUALIFIED = ['thaw-it-access-log/access-log', 'thaw-it-api/http', 'thaw-it-storage-event/storage-event', 'thaw-it-sweeper/sweeper'];
const TRIGGERS = [
  'thaw-it-access-log/access-log/access-log',
  'thaw-it-api/http/http',
  'thaw-it-storage-event/storage-event/finish-restore',
  'thaw-it-storage-event/storage-event/object-events',
  'thaw-it-sweeper/sweeper/every-minute',
];
const ROLES = ['thaw-it-access-log', 'thaw-it-http', 'thaw-it-log-trigger', 'thaw-it-oss-invoke', 'thaw-it-storage-event', 'thaw-it-sweeper'];
const SLR = 'AliyunServiceRoleForEventBridgeSendToFC';
const TRUST_FC = JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['fc.aliyuncs.com'] } }] });

let target: DeployTarget;
beforeEach(async () => {
  target = await startDeployTarget({ platform: 'fc2' });
});
afterEach(async () => {
  await target?.close();
});

async function failure(attempt: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await attempt;
  } catch (err) {
    return err as Error & { code: string };
  }
  throw new Error('expected the deploy to fail');
}

function deployed(): { services: string[]; functions: string[]; triggers: string[] } {
  const services = target.model
    .listServices()
    .map((s) => s.serviceName)
    .sort();
  const functions = services.flatMap((s) => target.model.listFunctions(s).map((f) => `${s}/${f.functionName}`)).sort();
  const triggers = functions
    .flatMap((q) => {
      const [s, f] = q.split('/') as [string, string];
      return target.model.listTriggers(s, f).map((t) => `${q}/${t.triggerName}`);
    })
    .sort();
  return { services, functions, triggers };
}

const stackRoles = () =>
  target.ram
    .roleNames()
    .filter((r) => r !== SLR)
    .sort();

describe('thaw deploy', () => {
  it('deploys from nothing: roles, the service-linked role, tables, one service per function, every function and trigger', async () => {
    const { plan, output } = await target.deploy();
    expect(plan.steps.filter((s) => s.action !== 'create')).toEqual([]);
    expect(deployed()).toEqual({ services: SERVICES, functions: QUALIFIED, triggers: TRIGGERS });
    expect(stackRoles()).toEqual(ROLES);
    expect(target.ram.roleNames()).toContain(SLR);
    expect(await target.tables()).toEqual(['thaw_deploy', 'thaw_deploy_counters']);
    expect(target.model.getService('thaw-it-api')).toMatchObject({
      role: 'acs:ram::1000000000000001:role/thaw-it-http',
      logConfig: { project: 'thaw-logs', logstore: 'functions' },
    });
    expect(target.model.getService('thaw-it-access-log').role).toBe('acs:ram::1000000000000001:role/thaw-it-access-log');
    expect(target.model.getTrigger('thaw-it-access-log', 'access-log', 'access-log')).toMatchObject({
      triggerType: 'log',
      sourceArn: 'acs:log:cn-hangzhou:1000000000000001:project/oss-log-1000000000000001-cn-hangzhou',
      invocationRole: 'acs:ram::1000000000000001:role/thaw-it-log-trigger',
    });
    const eventbridge = target.model.getTrigger('thaw-it-storage-event', 'storage-event', 'finish-restore');
    expect(eventbridge.invocationRole).toBeUndefined();
    expect(output).toContain('deploy: done (33 to create)');
  });

  it('deploys again: no change, nothing written, nothing duplicated', async () => {
    await target.deploy();
    const mark = target.requests.length;
    const { plan, output } = await target.deploy();
    expect(changes(plan)).toEqual([]);
    expect(output).toContain('deploy: no change');
    expect(target.writesSince(mark)).toEqual([]);
    expect(deployed().triggers).toEqual(TRIGGERS);
    expect(stackRoles()).toHaveLength(6);
  });

  it('after a code change updates that one function and uploads only its code', async () => {
    await target.deploy();
    const before = target.model.getFunction('thaw-it-sweeper', 'sweeper').codeChecksum;
    const mark = target.requests.length;
    const { plan } = await target.deploy({ code: syntheticCode({ sweeper: 'v2' }) });
    expect(changes(plan).map((s) => `${s.action} ${s.kind} ${s.name}`)).toEqual(['update function thaw-it-sweeper/sweeper']);
    expect(changes(plan)[0]!.reasons.join()).toMatch(/^code checksum \d+ → \d+$/);
    expect(target.writesSince(mark)).toEqual([{ method: 'PUT', path: '/2016-08-15/services/thaw-it-sweeper/functions/sweeper' }]);
    expect(target.model.getFunction('thaw-it-sweeper', 'sweeper').codeChecksum).not.toBe(before);
  });

  it('updates a function whose configuration changed without uploading its unchanged code', async () => {
    await target.deploy();
    const { plan } = await target.deploy({ parameterLayers: [{ ...target.parameters, SweepLimit: '50' }] });
    expect(
      changes(plan)
        .map((s) => s.name)
        .sort(),
    ).toEqual(QUALIFIED);
    expect(changes(plan)[0]!.reasons).toEqual(['environment THAW_SWEEP_LIMIT']);
    expect(target.model.getFunction('thaw-it-api', 'http').environmentVariables.THAW_SWEEP_LIMIT).toBe('50');
  });

  it('retries a call that answers 500 once, and finishes', async () => {
    target.failNext((r) => r.method === 'POST' && r.path.endsWith('/functions/storage-event/triggers'), fcErrors.internal(), 'before');
    const mark = target.requests.length;
    await target.deploy();
    expect(deployed().triggers).toEqual(TRIGGERS);
    expect(target.writesSince(mark).filter((r) => r.path.endsWith('/functions/storage-event/triggers'))).toHaveLength(3);
  });

  it('stops when a createTrigger keeps answering 500, and a rerun converges', async () => {
    // The HTTP trigger uses no role, so it gets the 3 attempts of any step (one naming a role made in
    // this run is retried longer, for RAM's propagation).
    for (let i = 0; i < 3; i++) target.failNext((r) => r.method === 'POST' && r.path.endsWith('/functions/http/triggers'), fcErrors.internal(), 'before');
    await expect(target.deploy()).rejects.toMatchObject({
      code: 'StepFailed',
      message: expect.stringMatching(/create trigger thaw-it-api\/http\/http failed: InternalServerError.*run the same command again/),
    });
    expect(deployed().triggers.length).toBeLessThan(TRIGGERS.length);

    const { plan } = await target.deploy();
    expect(changes(plan).every((s) => s.kind === 'trigger' && s.action === 'create')).toBe(true);
    expect(deployed().triggers).toEqual(TRIGGERS);
    const third = await target.deploy();
    expect(changes(third.plan)).toEqual([]);
  });

  it('waits for RAM: a trigger whose role this run made is retried while FC says the role is not there yet', async () => {
    // RAM is eventually consistent; the role the deploy just created may not be visible to FC yet.
    const notYet = () => new FcApiError(400, 'InvalidArgument', "invocationRole 'acs:ram::1000000000000001:role/thaw-it-log-trigger' cannot be assumed");
    for (let i = 0; i < 4; i++) target.failNext((r) => r.method === 'POST' && r.path.endsWith('/functions/access-log/triggers'), notYet(), 'before');
    await target.deploy();
    expect(deployed().triggers).toEqual(TRIGGERS);
    // A step that names no new role does not wait for RAM: the same answer stops it at once.
    target.failNext((r) => r.method === 'PUT' && r.path.endsWith('/functions/access-log/triggers/access-log'), notYet(), 'before');
    await expect(target.deploy({ roleArns: { LogTriggerRole: 'acs:ram::1000000000000001:role/team-log' } })).rejects.toMatchObject({
      code: 'StepFailed',
      message: expect.stringMatching(/^update trigger thaw-it-access-log\/access-log\/access-log failed: .*cannot be assumed/),
    });
  });

  it('finishes when a createTrigger landed but its answer was lost: the retry finds it and updates it', async () => {
    target.failNext((r) => r.method === 'POST' && r.path.endsWith('/functions/storage-event/triggers'), fcErrors.internal(), 'after');
    const mark = target.requests.length;
    await target.deploy();
    expect(deployed().triggers).toEqual(TRIGGERS);
    const writes = target.writesSince(mark).filter((r) => r.path.includes('/functions/storage-event/triggers'));
    expect(writes.map((r) => r.method)).toEqual(['POST', 'POST', 'PUT', 'POST']);
    expect(changes((await target.deploy()).plan)).toEqual([]);
  });

  it('--dry-run names every function and trigger, and writes nothing', async () => {
    const mark = target.requests.length;
    const { plan, output, ran } = await target.deploy({ dryRun: true });
    expect(ran).toBe(0);
    for (const f of QUALIFIED) expect(output).toMatch(new RegExp(`\\+ create\\s+function\\s+${f} `));
    for (const t of TRIGGERS) expect(output).toMatch(new RegExp(`\\+ create\\s+trigger\\s+${t} `));
    expect(output).toContain('deploy --dry-run: 33 to create; nothing was changed');
    expect(plan.steps.every((s) => s.reasons.length > 0)).toBe(true);
    expect(target.writesSince(mark)).toEqual([]);
    expect(target.model.listServices()).toEqual([]);
    expect(target.ram.roleNames()).toEqual([]);
    expect(await target.tables()).toEqual([]);
  });

  it('uses a role given by --role and leaves it alone', async () => {
    const arn = 'acs:ram::1000000000000001:role/team-managed-runtime';
    const { plan } = await target.deploy({ roleArns: { SweeperRole: arn } });
    expect(plan.steps.find((s) => s.kind === 'role' && s.name === 'thaw-it-sweeper')).toMatchObject({ action: 'keep' });
    expect(target.model.getService('thaw-it-sweeper').role).toBe(arn);
    expect(target.ram.roleNames()).not.toContain('thaw-it-sweeper');
  });

  it('writes a bare bucket of the allow-list as the whole bucket, and refuses "*" unless asked for by name', async () => {
    const { output } = await target.deploy({ parameterLayers: [{ ...target.parameters, AllowList: 'archive-a' }], dryRun: true });
    expect(output).toContain('note: AllowList: a bare bucket is the whole bucket: archive-a/');
    await expect(target.deploy({ parameterLayers: [{ ...target.parameters, AllowList: '*' }] })).rejects.toMatchObject({
      code: 'ParameterInvalid',
      message: expect.stringContaining('pass --allow-all-buckets'),
    });
    await target.deploy({ parameterLayers: [{ ...target.parameters, AllowList: '*' }], allowAllBuckets: true });
    expect(target.model.getFunction('thaw-it-api', 'http').environmentVariables.THAW_ALLOW).toBe('*');
  });

  it('gives the function logstore the index the FC console queries by, adding to an index the user made without dropping its keys', async () => {
    const admin = new SlsAdmin({ endpoint: target.sls.endpoint, project: 'thaw-logs', ...target.credentials });
    await admin.createIndex('functions', { line: { token: [' '] }, keys: { mine: { type: 'long' } } });
    const { plan } = await target.deploy();
    expect(plan.steps.find((s) => s.kind === 'log index')).toMatchObject({
      action: 'update',
      reasons: ['keys serviceName, functionName, qualifier, message added (the keys it has stay)'],
    });
    expect(Object.keys((await admin.getIndex('functions')).keys ?? {}).sort()).toEqual(['functionName', 'message', 'mine', 'qualifier', 'serviceName']);
    // Not exactly the deploy's: destroy leaves it.
    const { plan: destroyed } = await target.destroy();
    expect(destroyed.steps.find((s) => s.kind === 'log index')).toMatchObject({ action: 'keep' });
    admin.close();
  });

  it('warns when an allow-listed bucket sent no access-log record in a day: real-time log query is per bucket', async () => {
    const { output } = await target.deploy({ dryRun: true });
    expect(output).toMatch(/warning: access log of bucket archive-a: (no record in the last 24 h|oss-log-store has no index)/);
    expect(output).toContain('Real-time Log Query → enable, for each allow-listed bucket');
  });

  it('reports every missing prerequisite at once, before creating anything', async () => {
    const mark = target.requests.length;
    const wrong = { ...target.parameters, WatchedBucket: 'no-such-bucket', AccessLogProject: 'no-such-project', FunctionLogstore: 'no-such-logstore' };
    const error = await failure(target.deploy({ parameterLayers: [wrong] }));
    expect(error).toMatchObject({ code: 'PrerequisiteMissing' });
    expect(error.message).toMatch(/^nothing was created; fix these first:/);
    expect(error.message).toContain('bucket no-such-bucket: does not exist');
    expect(error.message).toContain('logstore no-such-project/oss-log-store: does not exist');
    expect(error.message).toContain('turn on real-time log query');
    expect(error.message).toContain('logstore thaw-logs/no-such-logstore: does not exist');
    expect(target.writesSince(mark)).toEqual([]);
    expect(target.ram.roleNames()).toEqual([]);
  });

  it('refuses credentials FC does not know, blaming the credentials, before anything is created', async () => {
    const mark = target.requests.length;
    const error = await failure(target.deploy({ target: target.targetWith({ accessKeyId: 'LTAIunknown', accessKeySecret: 'x' }) }));
    expect(error).toMatchObject({ code: 'PermissionMissing' });
    expect(error.message).toContain("Function Compute: refused the deployer's credentials (ListServices in cn-hangzhou)");
    expect(target.writesSince(mark)).toEqual([]);
    expect(target.ram.roleNames()).toEqual([]);
  });

  it('says the RAM endpoint cannot be reached, without blaming permissions', async () => {
    const noRam = { ...target.targetWith(target.credentials), ramEndpoint: 'http://127.0.0.1:9' };
    const error = await failure(target.deploy({ target: noRam }));
    expect(error).toMatchObject({ code: 'NetworkUnreachable' });
    expect(error.message).toMatch(/RAM: could not be reached \(GetRole\): a network problem, not a permission/);
    expect(error.message).not.toMatch(/refused|ram:CreateRole/);
  });

  it('says a Tablestore instance that refuses the Internet is its network ACL, not a permission, and how to fix it', async () => {
    // A new instance allows its VPC and the classic network only (Tablestore "Network ACL").
    target.tablestore.setNetworkTypeAcl(['VPC', 'CLASSIC']);
    const error = await failure(target.deploy());
    expect(error).toMatchObject({ code: 'PrerequisiteMissing' });
    expect(error.message).toMatch(
      /Tablestore instance thaw \(from here\): refused by its network ACL \(ListTable at http:\/\/127\.0\.0\.1:\d+\): .*Request denied by instance ACL policies/,
    );
    expect(error.message).toContain('Allow it in the Tablestore console → instance → Network Management, or run thaw deploy from inside');
    expect(error.message).not.toMatch(/grant the deployer/);
  });

  it('stops at a runtime the region does not offer, before anything is created', async () => {
    const error = await failure(target.deploy({ target: { ...target.targetWith(target.credentials), region: 'cn-wulanchabu' } }));
    expect(error).toMatchObject({ code: 'PrerequisiteMissing' });
    expect(error.message).toContain('FC 2.0 offers nodejs20 as a public preview in 16 regions, not cn-wulanchabu');
  });
});

describe('thaw deploy: the roles', () => {
  it('deploys with every role given by --role, needing no RAM', async () => {
    const noRam = { ...target.targetWith(target.credentials), ramEndpoint: 'http://127.0.0.1:9' };
    const roles = Object.fromEntries(
      ['HttpRole', 'AccessLogRole', 'StorageEventRole', 'SweeperRole', 'OssInvocationRole', 'LogTriggerRole'].map((id) => [
        id,
        `acs:ram::1000000000000001:role/team-${id.toLowerCase()}`,
      ]),
    );
    // The service-linked role is the account's: made once by someone who may.
    await target.ramClient().request('CreateServiceLinkedRole', { ServiceName: 'sendevent-fc.eventbridge.aliyuncs.com' }, { method: 'POST' });
    const { plan } = await target.deploy({ target: { ...noRam, ramEndpoint: target.ramEndpoint }, roleArns: roles });
    expect(plan.steps.filter((s) => s.kind === 'role').map((s) => s.action)).toEqual(['keep', 'keep', 'keep', 'keep', 'keep', 'keep']);
    expect(target.model.getTrigger('thaw-it-storage-event', 'storage-event', 'object-events').invocationRole).toBe(
      'acs:ram::1000000000000001:role/team-ossinvocationrole',
    );
  });

  it('updates a role whose policy the template changed, as a new default version', async () => {
    await target.deploy();
    const { plan } = await target.deploy({ parameterLayers: [{ ...target.parameters, AllowList: 'archive-a/,archive-a/more/' }] });
    const roles = changes(plan).filter((s) => s.kind === 'role');
    expect(roles.map((r) => r.name).sort()).toEqual(['thaw-it-access-log', 'thaw-it-http', 'thaw-it-storage-event', 'thaw-it-sweeper']);
    expect(roles[0]).toMatchObject({ action: 'update', reasons: [expect.stringMatching(/^policy thaw-it-.+ differs from the template$/)] });
    const policy = await target.ramClient().request('GetPolicy', { PolicyName: 'thaw-it-http', PolicyType: 'Custom' });
    expect(policy.DefaultPolicyVersion.VersionId).toBe('v2');
    expect(policy.DefaultPolicyVersion.PolicyDocument).toContain('acs:oss:*:*:archive-a/more/*');
  });

  it('never changes or deletes a same-named role someone else made: the plan says why, and nothing is changed', async () => {
    const ram = target.ramClient();
    await ram.request('CreateRole', { RoleName: 'thaw-it-http', Description: 'the platform team', AssumeRolePolicyDocument: TRUST_FC }, { method: 'POST' });
    await ram.request(
      'CreatePolicy',
      { PolicyName: 'team-admin', PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) },
      { method: 'POST' },
    );
    await ram.request('AttachPolicyToRole', { PolicyType: 'Custom', PolicyName: 'team-admin', RoleName: 'thaw-it-http' }, { method: 'POST' });
    const mark = target.requests.length;

    const error = await failure(target.deploy());
    expect(error).toMatchObject({ code: 'NotOwned' });
    expect(error.message).toMatch(
      /^nothing was changed: role thaw-it-http exists, not made by this stack .*pass --role HttpRole=<its ARN> to use it as it is, or --adopt/,
    );
    expect(target.writesSince(mark)).toEqual([]);
    const role = (await ram.request('GetRole', { RoleName: 'thaw-it-http' })).Role;
    expect(role.Description).toBe('the platform team');
    expect(stackRoles()).toEqual(['thaw-it-http']);

    const { plan } = await target.destroy();
    expect(plan.steps.find((s) => s.name === 'thaw-it-http')).toMatchObject({ action: 'keep', reasons: [expect.stringContaining('not made by this stack')] });
    expect(stackRoles()).toEqual(['thaw-it-http']);
    expect((await ram.request('ListPoliciesForRole', { RoleName: 'thaw-it-http' })).Policies.Policy.map((p: { PolicyName: string }) => p.PolicyName)).toEqual([
      'team-admin',
    ]);
  });

  it('never writes over a same-named policy someone else made', async () => {
    const ram = target.ramClient();
    const theirs = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'oss:*', Resource: '*' }] });
    await ram.request('CreatePolicy', { PolicyName: 'thaw-it-sweeper', PolicyDocument: theirs, Description: 'another team' }, { method: 'POST' });
    const error = await failure(target.deploy());
    expect(error).toMatchObject({ code: 'NotOwned', message: expect.stringContaining('its policy thaw-it-sweeper exists, not made by this stack') });
    const policy = await ram.request('GetPolicy', { PolicyName: 'thaw-it-sweeper', PolicyType: 'Custom' });
    expect(policy.DefaultPolicyVersion).toMatchObject({ VersionId: 'v1', PolicyDocument: theirs });
  });

  it('takes a same-named role over with --adopt, and detaches the policies the template does not declare', async () => {
    const ram = target.ramClient();
    await ram.request('CreateRole', { RoleName: 'thaw-it-http', Description: 'left over', AssumeRolePolicyDocument: TRUST_FC }, { method: 'POST' });
    await ram.request(
      'CreatePolicy',
      { PolicyName: 'too-wide', PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) },
      { method: 'POST' },
    );
    await ram.request('AttachPolicyToRole', { PolicyType: 'Custom', PolicyName: 'too-wide', RoleName: 'thaw-it-http' }, { method: 'POST' });
    const { plan } = await target.deploy({ adopt: true });
    const step = plan.steps.find((s) => s.name === 'thaw-it-http')!;
    expect(step.action).toBe('update');
    expect(step.reasons).toContain("adopted (--adopt): its description and trust policy become the template's");
    expect(step.reasons).toContain('Custom policy too-wide attached outside the template: detached (the function would run with it)');
    const attached = (await ram.request('ListPoliciesForRole', { RoleName: 'thaw-it-http' })).Policies.Policy.map((p: { PolicyName: string }) => p.PolicyName);
    expect(attached).toEqual(['thaw-it-http']);
    expect((await ram.request('GetRole', { RoleName: 'thaw-it-http' })).Role.Description).toMatch(/^oss-thaw stack thaw-it:/);
    expect(changes((await target.deploy()).plan)).toEqual([]);
  });
});

describe('thaw deploy: the previous release', () => {
  it('moves a stack from one service to one service per function, deleting the old triggers before making the new ones', async () => {
    // What the previous release made: every function in the service <stack>, one runtime role.
    const m = target.model;
    m.createService({ serviceName: 'thaw-it', role: 'acs:ram::1000000000000001:role/thaw-it-service' });
    for (const f of FUNCTIONS) {
      const code = syntheticCode().get(f)!;
      m.createFunction('thaw-it', {
        functionName: f,
        runtime: 'nodejs20',
        handler: 'index.handler',
        code: { zipFile: Buffer.from(code.zip).toString('base64') },
      });
    }
    m.createTrigger('thaw-it', 'storage-event', {
      triggerName: 'object-events',
      triggerType: 'oss',
      sourceArn: 'acs:oss:cn-hangzhou:1000000000000001:archive-a',
      invocationRole: 'acs:ram::1000000000000001:role/thaw-it-oss-invoke',
      triggerConfig: { events: ['oss:ObjectCreated:*'], filter: { key: { prefix: '', suffix: '' } } },
    });
    const { plan } = await target.deploy();
    const order = plan.steps.map((s) => `${s.action} ${s.kind} ${s.name}`);
    expect(order.indexOf('delete trigger thaw-it/storage-event/object-events')).toBeLessThan(
      order.indexOf('create trigger thaw-it-storage-event/storage-event/object-events'),
    );
    expect(order.slice(-5)).toEqual([...FUNCTIONS.map((f) => `delete function thaw-it/${f}`), 'delete service thaw-it']);
    expect(deployed()).toEqual({ services: SERVICES, functions: QUALIFIED, triggers: TRIGGERS });
  });
});

describe('thaw destroy', () => {
  it('removes the triggers, functions, services and roles it made, and keeps the tables and the service-linked role', async () => {
    await target.deploy();
    const dry = await target.destroy({ dryRun: true });
    expect(dry.output).toContain('destroy --dry-run: 31 to delete; nothing was changed');
    expect(deployed().triggers).toEqual(TRIGGERS);

    const { output } = await target.destroy();
    expect(output).toContain('destroy: done (31 to delete)');
    expect(target.model.listServices()).toEqual([]);
    expect(target.ram.roleNames()).toEqual([SLR]);
    expect(await target.tables()).toEqual(['thaw_deploy', 'thaw_deploy_counters']);
    expect((await target.destroy()).output).toContain('destroy: no change');
  });

  it('deletes the tables too with --delete-tables', async () => {
    await target.deploy();
    await target.destroy({ deleteTables: true });
    expect(await target.tables()).toEqual([]);
  });
});
