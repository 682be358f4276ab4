// The local FC runtime as FC runs a function, through @alicloud/fc2: instances are processes of
// their own whose environment holds only what FC gives a function; the service role's STS keys
// reach the function (context and ALIBABA_CLOUD_*), reused until shortly before they expire; a
// role FC cannot assume fails the invocation visibly and heals once it can; the function's lines
// land in the service's logstore; timeouts, and new code replacing an instance once it is idle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OWNER_ID } from '../../lib/emulators/oss';
import { codeOf, eventually, type LocalFc, readLogstore, startLocalFc } from '../support/local-fc';

const ENV_PROBE = `
exports.handler = async (event, context) => ({
  env: process.env,
  pid: process.pid,
  isMainThread: require('node:worker_threads').isMainThread,
  credentials: context.credentials,
});`;

let fc: LocalFc;
beforeAll(async () => {
  fc = await startLocalFc();
});
afterAll(async () => {
  await fc?.close();
});

async function deploy(service: string, fn: string, source: string, serviceBody: Record<string, unknown> = {}, fnBody: Record<string, unknown> = {}) {
  const client = fc.client();
  await client.createService(service, serviceBody);
  await client.createFunction(service, { functionName: fn, handler: 'index.handler', runtime: 'nodejs20', code: codeOf(source), ...fnBody });
}

async function invoke(service: string, fn: string, event = '{}'): Promise<{ data: any; headers: Record<string, string | undefined> }> {
  return (await fc.client().invokeFunction(service, fn, event)) as { data: any; headers: Record<string, string | undefined> };
}

describe('function instances', () => {
  it('are processes of their own whose environment is only what FC gives a function', async () => {
    const role = fc.account.addRole('env-runtime', ['fc.aliyuncs.com']);
    await deploy('env', 'probe', ENV_PROBE, { role }, { environmentVariables: { GREETING: 'hello' } });
    // What a deployer's shell holds must not reach code someone deployed.
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = 'LTAI-deployer-key';
    process.env.THAW_DEPLOYER_SECRET = 'not-for-functions';
    try {
      const { data } = await invoke('env', 'probe');
      const names = Object.keys(data.env).filter((n) => !n.startsWith('FAKETIME') && n !== 'LD_PRELOAD');
      expect(names.sort()).toEqual(
        [
          'ALIBABA_CLOUD_ACCESS_KEY_ID',
          'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
          'ALIBABA_CLOUD_SECURITY_TOKEN',
          'FC_ACCOUNT_ID',
          'FC_FUNCTION_HANDLER',
          'FC_FUNCTION_MEMORY_SIZE',
          'FC_FUNCTION_NAME',
          'FC_FUNC_CODE_PATH',
          'FC_INSTANCE_ID',
          'FC_QUALIFIER',
          'FC_REGION',
          'FC_SERVICE_NAME',
          'GREETING',
        ].sort(),
      );
      expect(data.env).toMatchObject({ GREETING: 'hello', FC_FUNCTION_NAME: 'probe', FC_SERVICE_NAME: 'env', FC_ACCOUNT_ID: DEFAULT_OWNER_ID });
      expect(data.env.ALIBABA_CLOUD_ACCESS_KEY_ID).toMatch(/^STS\./);
      expect(data.env.ALIBABA_CLOUD_ACCESS_KEY_ID).toBe(data.credentials.accessKeyId);
      expect(data.env.ALIBABA_CLOUD_SECURITY_TOKEN).toBe(data.credentials.securityToken);
      // A process, not a thread of the stack's.
      expect(data.pid).not.toBe(process.pid);
      expect(data.isMainThread).toBe(true);
      // FC assumed the service role as fc.aliyuncs.com.
      expect(fc.account.assumptions).toContainEqual({ role: 'env-runtime', service: 'fc.aliyuncs.com' });
    } finally {
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
      delete process.env.THAW_DEPLOYER_SECRET;
    }
  });

  it('give a service without a role no credentials at all', async () => {
    await deploy('no-role', 'probe', ENV_PROBE);
    const { data } = await invoke('no-role', 'probe');
    expect(Object.keys(data.env).filter((n) => n.startsWith('ALIBABA_CLOUD_'))).toEqual([]);
    expect(data.credentials).toEqual({ accessKeyId: '', accessKeySecret: '', securityToken: '' });
  });

  it('reuse the role keys until shortly before they expire, then start with fresh ones', async () => {
    const role = fc.account.addRole('aging', ['fc.aliyuncs.com']);
    await deploy('aging', 'probe', ENV_PROBE, { role });
    const first = (await invoke('aging', 'probe')).data;
    fc.clock.offsetMs += 50 * 60_000;
    const second = (await invoke('aging', 'probe')).data;
    expect(second.credentials.accessKeyId).toBe(first.credentials.accessKeyId);
    expect(second.pid).toBe(first.pid);
    // Five minutes before the hour the keys are renewed, and the instance holding the old ones in its environment goes.
    fc.clock.offsetMs += 6 * 60_000;
    const third = (await invoke('aging', 'probe')).data;
    expect(third.credentials.accessKeyId).not.toBe(first.credentials.accessKeyId);
    expect(third.env.ALIBABA_CLOUD_ACCESS_KEY_ID).toBe(third.credentials.accessKeyId);
    expect(third.pid).not.toBe(first.pid);
  });

  it('fail visibly when FC cannot assume the service role, and run once it can', async () => {
    // The role trusts another service only.
    const role = fc.account.addRole('not-for-fc', ['oss.aliyuncs.com']);
    await deploy('untrusted', 'probe', ENV_PROBE, { role });
    await expect(invoke('untrusted', 'probe')).rejects.toMatchObject({ code: 'AccessDenied', message: expect.stringContaining('NoPermission') });
    fc.account.trust('not-for-fc', 'fc.aliyuncs.com');
    expect((await invoke('untrusted', 'probe')).data.credentials.accessKeyId).toMatch(/^STS\./);
  });

  it('echo what they print to stderr, console lines with the request id as FC prints them', async () => {
    await deploy(
      'echo',
      'talk',
      `exports.handler = async (event, context) => { process.stdout.write('raw line\\n'); console.log('hello %s', 'fc'); return { requestId: context.requestId }; };`,
    );
    const { requestId } = (await invoke('echo', 'talk')).data;
    await eventually(() => (fc.lines.some((l) => l.endsWith('hello fc')) ? true : undefined), 'the console line');
    expect(fc.lines).toContain('raw line');
    expect(fc.lines.find((l) => l.endsWith('hello fc'))).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${requestId} \\[silly\\] hello fc$`));
  });

  it('end an invocation past the timeout', async () => {
    await deploy('slow', 'sleeper', `exports.handler = () => new Promise((resolve) => setTimeout(() => resolve('late'), 5000));`, {}, { timeout: 1 });
    const { data, headers } = await invoke('slow', 'sleeper');
    expect(headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(data).toMatchObject({ errorType: 'FunctionTimeout' });
  });

  it('take new code only once the instance running the old one is done', async () => {
    await deploy('swap', 'f', `exports.handler = (event) => new Promise((r) => setTimeout(() => r({ v: 1 }), Number(event.toString()) || 0));`);
    const slow = invoke('swap', 'f', '400');
    await fc.client().updateFunction('swap', 'f', { code: codeOf(`exports.handler = async () => ({ v: 2 });`) });
    expect((await slow).data).toEqual({ v: 1 });
    expect((await invoke('swap', 'f')).data).toEqual({ v: 2 });
  });
});

describe('function logs', () => {
  const logConfig = { project: 'fn-logs', logstore: 'lines' };
  const resource = 'acs:log:cn-hangzhou:*:project/fn-logs/logstore/lines';

  it('refuse a logConfig whose role may not write there, and accept it once the role may', async () => {
    fc.sls.createProject('fn-logs');
    fc.sls.createLogstore('fn-logs', 'lines', { shardCount: 1 });
    const role = fc.account.addRole('logging-runtime', ['fc.aliyuncs.com']);
    await expect(fc.client().createService('logged', { role, logConfig })).rejects.toMatchObject({
      code: 'AccessDenied',
      message: expect.stringContaining("No permission to access the logstore 'lines' in project 'fn-logs'."),
    });
    await expect(fc.client().createService('logged', { logConfig })).rejects.toMatchObject({
      code: 'InvalidArgument',
      message: expect.stringContaining('Role is required for turning on logging.'),
    });
    fc.account.grant('logging-runtime', { action: 'log:PostLogStoreLogs', resource });
    await fc.client().createService('logged', { role, logConfig });
  });

  it('land in the service logstore with the fields FC adds, written with the service role', async () => {
    await fc.client().createFunction('logged', {
      functionName: 'chatty',
      handler: 'index.handler',
      runtime: 'nodejs20',
      code: codeOf(`exports.handler = async () => { process.stderr.write('{"msg":"restored"}\\n'); return 1; };`),
    });
    await invoke('logged', 'chatty');
    const logs = await eventually(async () => {
      const found = await readLogstore(fc.sls, 'fn-logs', 'lines');
      return found.some((l) => l.contents.message === '{"msg":"restored"}') ? found : undefined;
    }, 'the line in the logstore');
    expect(logs.find((l) => l.contents.message === '{"msg":"restored"}')).toMatchObject({
      topic: 'logged',
      contents: { serviceName: 'logged', functionName: 'chatty', qualifier: 'LATEST', versionId: '', message: '{"msg":"restored"}' },
    });
    expect(fc.account.assumptions).toContainEqual({ role: 'logging-runtime', service: 'fc.aliyuncs.com' });
  });

  it('are refused by Log Service once the role loses log:PostLogStoreLogs: a warning, not a crash, and the lines still reach stderr', async () => {
    fc.account.revoke('logging-runtime', 'log:PostLogStoreLogs');
    const before = fc.functionLogs.stats().refused;
    await fc
      .client()
      .updateFunction('logged', 'chatty', { code: codeOf(`exports.handler = async () => { process.stderr.write('refused line\\n'); return 2; };`) });
    expect((await invoke('logged', 'chatty')).data).toBe(2);
    await eventually(() => (fc.functionLogs.stats().refused > before ? true : undefined), 'a refused PutLogs');
    expect(fc.lines).toContain('refused line');
    expect(fc.warnings).toContainEqual({
      message: 'function logs were not written to the service logstore',
      fields: expect.objectContaining({ service: 'logged', project: 'fn-logs', logstore: 'lines', error: expect.stringMatching(/401|403|Unauthorized/) }),
    });
    fc.account.grant('logging-runtime', { action: 'log:PostLogStoreLogs', resource });
    await invoke('logged', 'chatty');
    await eventually(
      async () => ((await readLogstore(fc.sls, 'fn-logs', 'lines')).some((l) => l.contents.message === 'refused line') ? true : undefined),
      'the next line written',
    );
  });
});
