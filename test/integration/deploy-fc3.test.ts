// thaw deploy on FC 3.0 (the default for a new stack) against the local FC 3.0 API, the RAM
// stand-in and the emulators, through the real clients (@alicloud/fc20230330, @alicloud/ram): from
// nothing, again, after a code change, after faults and lost answers, dry runs, the functions'
// FC 3.0 settings, destroy; and the move of a stack from FC 2.0 to FC 3.0 as one resumable plan.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changes } from '../../lib/deploy/plan';
import { fcErrors } from '../../lib/emulators/fc/errors';
import { type DeployTarget, startDeployTarget, syntheticCode } from '../support/deploy-target';

const FUNCTIONS = ['thaw-it-access-log', 'thaw-it-http', 'thaw-it-storage-event', 'thaw-it-sweeper'];
const TRIGGERS = [
  'thaw-it-access-log/access-log',
  'thaw-it-http/http',
  'thaw-it-storage-event/finish-restore',
  'thaw-it-storage-event/object-events',
  'thaw-it-sweeper/every-minute',
];
const ACCOUNT = '1000000000000001';

let target: DeployTarget;
beforeEach(async () => {
  target = await startDeployTarget();
});
afterEach(async () => {
  await target?.close();
});

function deployed(): { functions: string[]; triggers: string[] } {
  const functions = target.fc3.functionNames().sort();
  const triggers = functions.flatMap((f) => target.fc3.listTriggers(f, '', 100, undefined).items.map((t) => `${f}/${t.triggerName}`)).sort();
  return { functions, triggers };
}

function fc2Deployed(): string[] {
  return target.model
    .listServices()
    .map((s) => s.serviceName)
    .sort();
}

describe('thaw deploy on FC 3.0', () => {
  it('deploys a new stack to FC 3.0: a function of its own per template function, with its role, log config, settings and triggers', async () => {
    const { plan, output } = await target.deploy();
    expect(plan.steps.filter((s) => s.action !== 'create')).toEqual([]);
    expect(output).toContain('on FC 3.0 (a new stack goes to FC 3.0)');
    expect(deployed()).toEqual({ functions: FUNCTIONS, triggers: TRIGGERS });
    expect(fc2Deployed()).toEqual([]);
    expect(target.fc3.getFunction('thaw-it-http')).toMatchObject({
      role: `acs:ram::${ACCOUNT}:role/thaw-it-http`,
      logConfig: { project: 'thaw-logs', logstore: 'functions' },
      handler: 'index.handler',
      runtime: 'nodejs20',
      // FC 3.0's standard runtimes serve one request per instance: the template asks for no more.
      instanceConcurrency: 1,
    });
    expect(target.fc3.getFunction('thaw-it-access-log')).toMatchObject({ memorySize: 256, instanceConcurrency: 1 });
    expect(target.fc3.tagsOf('thaw-it-sweeper')).toEqual([{ Key: 'oss-thaw-stack', Value: 'thaw-it' }]);
    // A flood of callers or log lines costs at most this much; a storage event that fails every retry goes to the sweeper.
    expect(target.fc3.reservedConcurrency('thaw-it-http')).toBe(50);
    expect(target.fc3.reservedConcurrency('thaw-it-access-log')).toBe(4);
    expect(target.fc3.getAsyncConfig('thaw-it-storage-event', 'LATEST')).toMatchObject({
      maxAsyncRetryAttempts: 3,
      maxAsyncEventAgeInSeconds: 86400,
      destinationConfig: { onFailure: { destination: `acs:fc:cn-hangzhou:${ACCOUNT}:functions/thaw-it-sweeper` } },
    });
    expect(target.fc3.getTrigger('thaw-it-access-log', 'access-log')).toMatchObject({
      triggerType: 'log',
      sourceArn: `acs:log:cn-hangzhou:${ACCOUNT}:project/oss-log-${ACCOUNT}-cn-hangzhou`,
      invocationRole: `acs:ram::${ACCOUNT}:role/thaw-it-log-trigger`,
    });
    // EventBridge invokes through its service-linked role: the deploy names none, FC answers with that one.
    expect(target.fc3.getTrigger('thaw-it-storage-event', 'finish-restore').invocationRole).toBe(
      `acs:ram::${ACCOUNT}:role/aliyunserviceroleforeventbridgesendtofc`,
    );
    expect(output).toContain('deploy: done (32 to create)');
    expect(output).toMatch(/^API: http:\/\/127\.0\.0\.1:\d+\/fcapp\.run\/thaw-it-http-[a-z0-9]+\/$/m);
  });

  it('deploys again: no change, nothing written', async () => {
    await target.deploy();
    const mark = target.requests.length;
    const { plan, output } = await target.deploy({ platform: 'fc3' });
    expect(changes(plan)).toEqual([]);
    expect(output).toContain('deploy: no change');
    expect(target.writesSince(mark)).toEqual([]);
    expect(deployed().triggers).toEqual(TRIGGERS);
  });

  it('after a code change updates that one function and uploads only its code', async () => {
    await target.deploy();
    const before = target.fc3.getFunction('thaw-it-sweeper').codeChecksum;
    const mark = target.requests.length;
    const { plan } = await target.deploy({ code: syntheticCode({ sweeper: 'v2' }) });
    expect(changes(plan).map((s) => `${s.action} ${s.kind} ${s.name}`)).toEqual(['update function thaw-it-sweeper']);
    expect(target.writesSince(mark)).toEqual([{ method: 'PUT', path: '/2023-03-30/functions/thaw-it-sweeper' }]);
    expect(target.fc3.getFunction('thaw-it-sweeper').codeChecksum).not.toBe(before);
  });

  it('updates the settings the template changed: environment, concurrency cap', async () => {
    await target.deploy();
    const { plan } = await target.deploy({ parameterLayers: [{ ...target.parameters, SweepLimit: '50', HttpReservedConcurrency: '10' }] });
    expect(
      changes(plan)
        .map((s) => `${s.kind} ${s.name}`)
        .sort(),
    ).toEqual(['concurrency thaw-it-http', ...FUNCTIONS.map((f) => `function ${f}`)]);
    expect(target.fc3.getFunction('thaw-it-http').environmentVariables.THAW_SWEEP_LIMIT).toBe('50');
    expect(target.fc3.reservedConcurrency('thaw-it-http')).toBe(10);
  });

  it('puts the functions into a VPC, and takes them out again when the template stops naming one', async () => {
    const vpc = { VpcId: 'vpc-1', VSwitchIds: 'vsw-1,vsw-2', SecurityGroupId: 'sg-1' };
    await target.deploy({ parameterLayers: [{ ...target.parameters, ...vpc }] });
    expect(target.fc3.getFunction('thaw-it-http').vpcConfig).toEqual({ vpcId: 'vpc-1', vSwitchIds: ['vsw-1', 'vsw-2'], securityGroupId: 'sg-1' });
    const { plan } = await target.deploy();
    expect(changes(plan).find((s) => s.name === 'thaw-it-http')?.reasons).toContain('vpcConfig vpc-1 → none');
    for (const fn of FUNCTIONS) expect(target.fc3.getFunction(fn).vpcConfig, fn).toEqual({});
    expect(changes((await target.deploy()).plan)).toEqual([]);
  });

  it('warns, on every deploy, that an anonymous API answers callers without a token', async () => {
    const open = { parameterLayers: [{ ...target.parameters, ApiAnonymous: 'true' }] };
    expect((await target.deploy(open)).output).toMatch(/warning: API access: ApiAnonymous=true: anyone who reaches the API address/);
    expect((await target.deploy(open)).output).toContain('warning: API access:');
    expect((await target.deploy()).output).not.toContain('warning: API access:');
  });

  it('tags a function made before it had its tag', async () => {
    await target.deploy();
    target.fc3.untag('thaw-it-sweeper', 'all');
    const { plan } = await target.deploy();
    expect(changes(plan).map((s) => `${s.action} ${s.kind} ${s.name}`)).toEqual(['update tags thaw-it-sweeper']);
    expect(target.fc3.tagsOf('thaw-it-sweeper')).toEqual([{ Key: 'oss-thaw-stack', Value: 'thaw-it' }]);
  });

  it('retries a call that answers 500 once, and finishes', async () => {
    target.failNext((r) => r.method === 'POST' && r.path === '/2023-03-30/functions/thaw-it-storage-event/triggers', fcErrors.internal(), 'before');
    await target.deploy();
    expect(deployed().triggers).toEqual(TRIGGERS);
  });

  it('stops when a create keeps failing, says so, and a rerun converges', async () => {
    for (let i = 0; i < 3; i++)
      target.failNext((r) => r.method === 'POST' && r.path === '/2023-03-30/functions/thaw-it-http/triggers', fcErrors.internal(), 'before');
    await expect(target.deploy()).rejects.toMatchObject({
      code: 'StepFailed',
      message: expect.stringMatching(/create trigger thaw-it-http\/http failed: .*run the same command again/),
    });
    const { plan } = await target.deploy();
    expect(changes(plan).every((s) => s.kind === 'trigger' && s.action === 'create')).toBe(true);
    expect(deployed().triggers).toEqual(TRIGGERS);
    expect(changes((await target.deploy()).plan)).toEqual([]);
  });

  it('finishes when a create landed but its answer was lost: the retry finds it and updates it', async () => {
    target.failNext((r) => r.method === 'POST' && r.path === '/2023-03-30/functions', fcErrors.internal(), 'after');
    target.failNext((r) => r.method === 'POST' && r.path === '/2023-03-30/functions/thaw-it-storage-event/triggers', fcErrors.internal(), 'after');
    const mark = target.requests.length;
    await target.deploy();
    expect(deployed()).toEqual({ functions: FUNCTIONS, triggers: TRIGGERS });
    const writes = target.writesSince(mark).filter((r) => r.path.startsWith('/2023-03-30/functions/thaw-it-storage-event/triggers'));
    expect(writes.map((r) => r.method)).toEqual(['POST', 'POST', 'PUT', 'POST']);
    expect(changes((await target.deploy()).plan)).toEqual([]);
  });

  it('--dry-run names every function and trigger, and writes nothing', async () => {
    const mark = target.requests.length;
    const { output, ran } = await target.deploy({ dryRun: true });
    expect(ran).toBe(0);
    for (const f of FUNCTIONS) expect(output).toMatch(new RegExp(`\\+ create\\s+function\\s+${f} `));
    for (const t of TRIGGERS) expect(output).toMatch(new RegExp(`\\+ create\\s+trigger\\s+${t} `));
    expect(output).toContain('deploy --dry-run: 32 to create; nothing was changed');
    expect(target.writesSince(mark)).toEqual([]);
    expect(deployed().functions).toEqual([]);
  });

  it('routes a custom domain to the http function, and never takes over one that routes elsewhere', async () => {
    const withDomain = { parameterLayers: [{ ...target.parameters, CustomDomain: 'thaw.example.com' }] };
    await target.deploy(withDomain);
    expect(target.fc3.getCustomDomain('thaw.example.com').routeConfig.routes).toEqual([
      expect.objectContaining({ path: '/*', functionName: 'thaw-it-http', qualifier: 'LATEST' }),
    ]);
    expect(changes((await target.deploy(withDomain)).plan)).toEqual([]);
    target.fc3.updateCustomDomain('thaw.example.com', { routeConfig: { routes: [{ path: '/*', functionName: 'someone-else', qualifier: 'LATEST' }] } });
    await expect(target.deploy(withDomain)).rejects.toMatchObject({
      message: expect.stringMatching(/domain thaw\.example\.com exists and routes to someone-else/),
    });
  });

  it("says a browser downloads from the HTTP trigger's default address unless a custom domain is set, and names the domain when one is", async () => {
    // FC adds Content-Disposition: attachment to answers on the default address, not on a custom
    // domain (lib/emulators/fc/http-trigger.ts names the source), so the dashboard needs the domain.
    const plain = await target.deploy();
    expect(plain.output).toMatch(/^API: http:\/\/127\.0\.0\.1:\d+\/fcapp\.run\/thaw-it-http-[a-z0-9]+\/$/m);
    expect(plain.output).toMatch(/^note: no CustomDomain: FC adds Content-Disposition: attachment on its default address, so a browser downloads/m);
    expect(plain.output).not.toContain('API and dashboard:');

    const withDomain = await target.deploy({ parameterLayers: [{ ...target.parameters, CustomDomain: 'thaw.example.com' }] });
    expect(withDomain.output).toMatch(
      /^API and dashboard: https?:\/\/thaw\.example\.com\/ \(point a CNAME at 1000000000000001\.cn-hangzhou\.fc\.aliyuncs\.com\)$/m,
    );
    expect(withDomain.output).not.toContain('note: no CustomDomain');
  });

  it('destroy leaves no FC 3.0 function or trigger, removes the roles, keeps the tables', async () => {
    await target.deploy({ parameterLayers: [{ ...target.parameters, CustomDomain: 'thaw.example.com' }] });
    const { output } = await target.destroy({ parameterLayers: [{ ...target.parameters, CustomDomain: 'thaw.example.com' }] });
    expect(output).toContain('destroy: done');
    expect(deployed()).toEqual({ functions: [], triggers: [] });
    expect(target.fc3.hasCustomDomain('thaw.example.com')).toBe(false);
    expect(target.ram.roleNames().filter((r) => r.startsWith('thaw-it-'))).toEqual([]);
    expect(await target.tables()).toEqual(['thaw_deploy', 'thaw_deploy_counters']);
  });
});

describe('moving a stack from FC 2.0 to FC 3.0', () => {
  it('keeps a stack on FC 2.0 unless asked', async () => {
    await target.deploy({ platform: 'fc2' });
    const { plan, output } = await target.deploy();
    expect(changes(plan)).toEqual([]);
    expect(output).toContain('on FC 2.0 (the stack runs on FC 2.0 (--platform fc3 moves it))');
    expect(deployed().functions).toEqual([]);
  });

  it('brings the FC 3.0 functions up before the FC 2.0 ones go, swapping the OSS trigger and the domain in between', async () => {
    const withDomain = [{ ...target.parameters, CustomDomain: 'thaw.example.com' }];
    await target.deploy({ platform: 'fc2', parameterLayers: withDomain });
    const { plan } = await target.deploy({ platform: 'fc3', parameterLayers: withDomain });
    const order = changes(plan).map((s) => `${s.action} ${s.kind} ${s.name}`);
    const at = (line: string) => {
      const i = order.indexOf(line);
      expect(i, line).toBeGreaterThanOrEqual(0);
      return i;
    };
    // Every FC 3.0 function and its non-OSS triggers come first: from then on both deployments see every miss.
    const newUp = Math.max(
      ...FUNCTIONS.map((f) => at(`create function ${f}`)),
      at('create trigger thaw-it-access-log/access-log'),
      at('create trigger thaw-it-http/http'),
    );
    expect(newUp).toBeLessThan(at('delete trigger thaw-it-storage-event/storage-event/object-events'));
    // A bucket allows one trigger per event and prefix: the old OSS trigger goes just before the new one.
    expect(at('delete trigger thaw-it-storage-event/storage-event/object-events')).toBeLessThan(at('create trigger thaw-it-storage-event/object-events'));
    // One name, one domain: the FC 2.0 domain goes, the FC 3.0 one comes, before the old functions go.
    expect(at('delete domain thaw.example.com')).toBe(at('create domain thaw.example.com') - 1);
    expect(at('create domain thaw.example.com')).toBeLessThan(at('delete trigger thaw-it-access-log/access-log/access-log'));
    const lastNew = Math.max(...order.map((line, i) => (line.startsWith('create') ? i : -1)));
    expect(lastNew).toBeLessThan(at('delete function thaw-it-access-log/access-log'));
    expect(order.at(-1)).toMatch(/^delete service /);

    expect(fc2Deployed()).toEqual([]);
    expect(deployed()).toEqual({ functions: FUNCTIONS, triggers: TRIGGERS });
    expect(target.fc3.getCustomDomain('thaw.example.com').routeConfig.routes[0]).toMatchObject({ functionName: 'thaw-it-http' });
    // Moved: the next deploy finds the stack on FC 3.0 and changes nothing.
    expect(changes((await target.deploy({ parameterLayers: withDomain })).plan)).toEqual([]);
  });

  it('a move stopped half-way is finished by the same command, and a deploy without --platform asks which way', async () => {
    await target.deploy({ platform: 'fc2' });
    // The old service's OSS trigger cannot be deleted: the move stops after the FC 3.0 functions are up.
    for (let i = 0; i < 3; i++) {
      target.failNext(
        (r) => r.method === 'DELETE' && r.path === '/2016-08-15/services/thaw-it-storage-event/functions/storage-event/triggers/object-events',
        fcErrors.internal(),
        'before',
      );
    }
    await expect(target.deploy({ platform: 'fc3' })).rejects.toMatchObject({ code: 'StepFailed' });
    expect(deployed().functions).toEqual(FUNCTIONS);
    expect(fc2Deployed()).toHaveLength(4);

    await expect(target.deploy()).rejects.toMatchObject({
      message: expect.stringContaining('both FC 2.0 and FC 3.0 (a move that stopped half-way): run again with --platform fc3 to finish it'),
    });
    const { plan } = await target.deploy({ platform: 'fc3' });
    expect(
      changes(plan)
        .filter((s) => s.kind === 'function')
        .every((s) => s.action === 'delete'),
    ).toBe(true);
    expect(fc2Deployed()).toEqual([]);
    expect(deployed()).toEqual({ functions: FUNCTIONS, triggers: TRIGGERS });
  });

  it('destroy removes a stack found on both platforms', async () => {
    await target.deploy({ platform: 'fc2' });
    for (let i = 0; i < 3; i++) {
      target.failNext(
        (r) => r.method === 'DELETE' && r.path === '/2016-08-15/services/thaw-it-storage-event/functions/storage-event/triggers/object-events',
        fcErrors.internal(),
        'before',
      );
    }
    await expect(target.deploy({ platform: 'fc3' })).rejects.toMatchObject({ code: 'StepFailed' });
    await target.destroy();
    expect(fc2Deployed()).toEqual([]);
    expect(deployed().functions).toEqual([]);
  });
});
