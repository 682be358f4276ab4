// thaw deploy / destroy against the local FC API, the RAM stand-in and the emulators, through the
// real clients (@alicloud/fc2, @alicloud/ram, ali-oss, tablestore, the SLS reader): from nothing,
// again, after a code change, after a fault mid-deploy, dry runs, destroy, and the checks that
// come before anything is created.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changes } from '../../lib/deploy/plan';
import { fcErrors } from '../../lib/emulators/fc/errors';
import { type DeployTarget, FUNCTIONS, startDeployTarget, syntheticCode } from '../support/deploy-target';

const TRIGGERS = ['access-log/access-log', 'http/http', 'storage-event/finish-restore', 'storage-event/object-events', 'sweeper/every-minute'];
const ROLES = ['thaw-it-eventbridge-invoke', 'thaw-it-log-invoke', 'thaw-it-oss-invoke', 'thaw-it-service'];

let target: DeployTarget;
beforeEach(async () => {
  target = await startDeployTarget();
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

function deployed(): { functions: string[]; triggers: string[] } {
  const services = target.model.listServices();
  if (services.length === 0) return { functions: [], triggers: [] };
  const functions = target.model.listFunctions('thaw-it').map((f) => f.functionName);
  return {
    functions: functions.sort(),
    triggers: functions.flatMap((f) => target.model.listTriggers('thaw-it', f).map((t) => `${f}/${t.triggerName}`)).sort(),
  };
}

describe('thaw deploy', () => {
  it('deploys from nothing: roles, tables, the service, every function and trigger', async () => {
    const { plan, output } = await target.deploy();
    expect(plan.steps.filter((s) => s.action !== 'create')).toEqual([]);
    expect(deployed()).toEqual({ functions: FUNCTIONS, triggers: TRIGGERS });
    expect(target.ram.roleNames().sort()).toEqual(ROLES);
    expect(await target.tables()).toEqual(['thaw_deploy', 'thaw_deploy_counters']);
    const service = target.model.getService('thaw-it');
    expect(service).toMatchObject({ role: 'acs:ram::1000000000000001:role/thaw-it-service', logConfig: { project: 'thaw-logs', logstore: 'functions' } });
    const log = target.model.getTrigger('thaw-it', 'access-log', 'access-log');
    expect(log).toMatchObject({
      triggerType: 'log',
      sourceArn: 'acs:log:cn-hangzhou:1000000000000001:project/oss-log-1000000000000001-cn-hangzhou',
      invocationRole: 'acs:ram::1000000000000001:role/thaw-it-log-invoke',
    });
    expect(output).toContain('deploy: done (15 to create)');
  });

  it('deploys again: no change, nothing written, nothing duplicated', async () => {
    await target.deploy();
    const mark = target.requests.length;
    const { plan, output } = await target.deploy();
    expect(changes(plan)).toEqual([]);
    expect(output).toContain('deploy: no change');
    expect(target.writesSince(mark)).toEqual([]);
    expect(deployed()).toEqual({ functions: FUNCTIONS, triggers: TRIGGERS });
    expect(target.ram.roleNames()).toHaveLength(4);
  });

  it('after a code change updates that one function and uploads only its code', async () => {
    await target.deploy();
    const before = target.model.getFunction('thaw-it', 'sweeper').codeChecksum;
    const mark = target.requests.length;
    const { plan } = await target.deploy({ code: syntheticCode({ sweeper: 'v2' }) });
    expect(changes(plan).map((s) => `${s.action} ${s.kind} ${s.name}`)).toEqual(['update function thaw-it/sweeper']);
    expect(changes(plan)[0]!.reasons.join()).toMatch(/^code checksum \d+ → \d+$/);
    expect(target.writesSince(mark)).toEqual([{ method: 'PUT', path: '/2016-08-15/services/thaw-it/functions/sweeper' }]);
    expect(target.model.getFunction('thaw-it', 'sweeper').codeChecksum).not.toBe(before);
  });

  it('updates a function whose configuration changed without uploading its unchanged code', async () => {
    await target.deploy();
    const { plan } = await target.deploy({ parameterLayers: [{ ...target.parameters, SweepLimit: '50' }] });
    expect(
      changes(plan)
        .map((s) => s.name)
        .sort(),
    ).toEqual(FUNCTIONS.map((f) => `thaw-it/${f}`));
    expect(changes(plan)[0]!.reasons).toEqual(['environment THAW_SWEEP_LIMIT']);
    expect(target.model.getFunction('thaw-it', 'http').environmentVariables.THAW_SWEEP_LIMIT).toBe('50');
  });

  it('retries a call that answers 500 once, and finishes', async () => {
    target.failNext((r) => r.method === 'POST' && r.path.endsWith('/functions/storage-event/triggers'), fcErrors.internal(), 'before');
    const mark = target.requests.length;
    await target.deploy();
    expect(deployed()).toEqual({ functions: FUNCTIONS, triggers: TRIGGERS });
    expect(target.writesSince(mark).filter((r) => r.path.endsWith('/functions/storage-event/triggers'))).toHaveLength(3);
  });

  it('stops when a createTrigger keeps answering 500, and a rerun converges', async () => {
    for (let i = 0; i < 3; i++)
      target.failNext((r) => r.method === 'POST' && r.path.endsWith('/functions/storage-event/triggers'), fcErrors.internal(), 'before');
    await expect(target.deploy()).rejects.toMatchObject({
      code: 'StepFailed',
      message: expect.stringMatching(/create trigger thaw-it\/storage-event\/.+ failed: InternalServerError.*run the same command again/),
    });
    expect(deployed().triggers.length).toBeLessThan(TRIGGERS.length);

    const { plan } = await target.deploy();
    expect(changes(plan).every((s) => s.kind === 'trigger' && s.action === 'create')).toBe(true);
    expect(deployed()).toEqual({ functions: FUNCTIONS, triggers: TRIGGERS });
    const third = await target.deploy();
    expect(changes(third.plan)).toEqual([]);
  });

  it('finishes when a createTrigger landed but its answer was lost: the retry finds it and updates it', async () => {
    target.failNext((r) => r.method === 'POST' && r.path.endsWith('/functions/storage-event/triggers'), fcErrors.internal(), 'after');
    const mark = target.requests.length;
    await target.deploy();
    expect(deployed()).toEqual({ functions: FUNCTIONS, triggers: TRIGGERS });
    const writes = target.writesSince(mark).filter((r) => r.path.includes('/functions/storage-event/triggers'));
    expect(writes.map((r) => r.method)).toEqual(['POST', 'POST', 'PUT', 'POST']);
    expect(changes((await target.deploy()).plan)).toEqual([]);
  });

  it('--dry-run names every function and trigger, and writes nothing', async () => {
    const mark = target.requests.length;
    const { plan, output, ran } = await target.deploy({ dryRun: true });
    expect(ran).toBe(0);
    for (const f of FUNCTIONS) expect(output).toContain(`function thaw-it/${f}`);
    for (const t of TRIGGERS) expect(output).toContain(`trigger  thaw-it/${t}`);
    expect(output).toContain('deploy --dry-run: 15 to create; nothing was changed');
    expect(plan.steps.every((s) => s.reasons.length > 0)).toBe(true);
    expect(target.writesSince(mark)).toEqual([]);
    expect(target.model.listServices()).toEqual([]);
    expect(target.ram.roleNames()).toEqual([]);
    expect(await target.tables()).toEqual([]);
  });

  it('uses a role given by --role and leaves it alone', async () => {
    const arn = 'acs:ram::1000000000000001:role/team-managed-runtime';
    const { plan } = await target.deploy({ roleArns: { ServiceRole: arn } });
    expect(plan.steps.find((s) => s.kind === 'role' && s.name === 'thaw-it-service')).toMatchObject({ action: 'keep' });
    expect(target.model.getService('thaw-it').role).toBe(arn);
    expect(target.ram.roleNames()).not.toContain('thaw-it-service');
  });

  it('reports every missing prerequisite at once, before creating anything', async () => {
    const mark = target.requests.length;
    const wrong = { ...target.parameters, WatchedBucket: 'no-such-bucket', AccessLogProject: 'no-such-project', FunctionLogstore: 'no-such-logstore' };
    const error = await failure(target.deploy({ parameterLayers: [wrong] }));
    expect(error).toMatchObject({ code: 'PrerequisiteMissing' });
    expect(error.message).toMatch(/^nothing was created; fix these first:/);
    expect(error.message).toContain('OSS bucket no-such-bucket does not exist');
    expect(error.message).toContain(
      'Log Service no-such-project/oss-log-store (the OSS access logs the Log trigger reads) does not exist: turn on real-time log query',
    );
    expect(error.message).toContain('Log Service thaw-logs/no-such-logstore');
    expect(target.writesSince(mark)).toEqual([]);
    expect(target.ram.roleNames()).toEqual([]);
  });

  it('refuses credentials FC does not know, naming what to set, before anything is created', async () => {
    const mark = target.requests.length;
    const error = await failure(target.deploy({ target: target.targetWith({ accessKeyId: 'LTAIunknown', accessKeySecret: 'x' }) }));
    expect(error).toMatchObject({ code: 'PermissionMissing' });
    expect(error.message).toContain('Function Compute refused the credentials (InvalidAccessKeyID): set ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET');
    expect(target.writesSince(mark)).toEqual([]);
    expect(target.ram.roleNames()).toEqual([]);
  });
});

describe('thaw deploy: the roles', () => {
  it('checks it may use RAM before creating anything, unless every role is given by --role', async () => {
    const mark = target.requests.length;
    const noRam = { ...target.targetWith(target.credentials), ramEndpoint: 'http://127.0.0.1:9' };
    const error = await failure(target.deploy({ target: noRam }));
    expect(error).toMatchObject({ code: 'PermissionMissing' });
    expect(error.message).toMatch(/RAM refused GetRole .*ram:CreateRole.*or pass every role by --role LogicalId=acs:ram::<uid>:role\/<name>/);
    expect(target.writesSince(mark)).toEqual([]);

    const roles = Object.fromEntries(
      ['ServiceRole', 'OssInvocationRole', 'LogInvocationRole', 'EventBridgeInvocationRole'].map((id) => [
        id,
        `acs:ram::1000000000000001:role/team-${id.toLowerCase()}`,
      ]),
    );
    const { plan } = await target.deploy({ target: noRam, roleArns: roles });
    expect(plan.steps.filter((s) => s.kind === 'role').map((s) => s.action)).toEqual(['keep', 'keep', 'keep', 'keep']);
    expect(target.model.getTrigger('thaw-it', 'storage-event', 'object-events').invocationRole).toBe('acs:ram::1000000000000001:role/team-ossinvocationrole');
  });

  it('updates a role whose policy the template changed, as a new default version', async () => {
    await target.deploy();
    const { plan } = await target.deploy({ parameterLayers: [{ ...target.parameters, AllowList: 'archive-a/,archive-a/more/' }] });
    const role = changes(plan).find((s) => s.kind === 'role')!;
    expect(role).toMatchObject({ name: 'thaw-it-service', action: 'update', reasons: ['policy thaw-it-service differs from the template'] });
    const policy = await target.ramClient().request('GetPolicy', { PolicyName: 'thaw-it-service', PolicyType: 'Custom' });
    expect(policy.DefaultPolicyVersion.VersionId).toBe('v2');
    expect(policy.DefaultPolicyVersion.PolicyDocument).toContain('acs:oss:*:*:archive-a/more/*');
  });
});

describe('thaw destroy', () => {
  it('removes the triggers, functions, service and roles it made, and keeps the tables', async () => {
    await target.deploy();
    const dry = await target.destroy({ dryRun: true });
    expect(dry.output).toContain('destroy --dry-run: 14 to delete; nothing was changed');
    expect(deployed().triggers).toEqual(TRIGGERS);

    const { output } = await target.destroy();
    expect(output).toContain('destroy: done (14 to delete)');
    expect(target.model.listServices()).toEqual([]);
    expect(target.ram.roleNames()).toEqual([]);
    expect(await target.tables()).toEqual(['thaw_deploy', 'thaw_deploy_counters']);
    expect((await target.destroy()).output).toContain('destroy: no change');
  });

  it('deletes the tables too with --delete-tables', async () => {
    await target.deploy();
    await target.destroy({ deleteTables: true });
    expect(await target.tables()).toEqual([]);
  });

  it('keeps a role of the same name that this stack did not make', async () => {
    await target.deploy({ roleArns: { ServiceRole: 'acs:ram::1000000000000001:role/team-managed-runtime' } });
    // Someone else's role that happens to have the name the template gives the runtime role.
    await target.ramClient().request(
      'CreateRole',
      {
        RoleName: 'thaw-it-service',
        Description: 'the platform team',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '1',
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['fc.aliyuncs.com'] } }],
        }),
      },
      { method: 'POST' },
    );
    const { plan } = await target.destroy();
    expect(
      plan.steps
        .filter((s) => s.kind === 'role' && s.action === 'delete')
        .map((s) => s.name)
        .sort(),
    ).toEqual(ROLES.filter((r) => r !== 'thaw-it-service'));
    expect(plan.steps.find((s) => s.name === 'thaw-it-service')).toMatchObject({
      action: 'keep',
      reasons: ['its description does not say "oss-thaw stack thaw-it": not made by this stack'],
    });
    expect(target.ram.roleNames()).toEqual(['thaw-it-service']);
  });
});
