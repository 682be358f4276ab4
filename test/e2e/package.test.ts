// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${…} in plain strings.
// `thaw package` from the command line against the OSS emulator: zips uploaded with ali-oss, a
// packaged template whose every CodeUri is an oss:// object that exists, and zips that load alone
// (unpacked outside the repository, required by plain Node) with no source map inside.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import OSS from 'ali-oss';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTemplate } from '../../lib/deploy/template';
import { type OssEmulator, startOssEmulator } from '../../lib/emulators/oss';
import { childEnv } from '../support/child-env';

const run = promisify(execFile);

describe('thaw package', () => {
  let oss: OssEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let creds: { accessKeyId: string; accessKeySecret: string };
  beforeAll(async () => {
    oss = await startOssEmulator();
    oss.createBucket('thaw-deploy-artifacts');
    dir = await mkdtemp(join(tmpdir(), 'thaw-package-'));
    creds = oss.describe() as { accessKeyId: string; accessKeySecret: string };
    env = childEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: creds.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: creds.accessKeySecret, THAW_OSS_ENDPOINT: oss.endpoint });
  });
  afterAll(async () => {
    await oss?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const thawPackage = () =>
    run(
      process.execPath,
      [
        'lib/bin/thaw.mjs',
        'package',
        '--bucket',
        'thaw-deploy-artifacts',
        '--prefix',
        'releases/',
        '--output',
        join(dir, 'packaged.yml'),
        '--build-dir',
        join(dir, 'build'),
        // The FC 2.0 template (FC 3.0's, the default, is checked in test/integration/ros-package.test.ts).
        '--platform',
        'fc2',
      ],
      { env },
    );

  it('uploads one zip per function and writes a ROS template of native resources, each function from an oss:// zip that exists', async () => {
    const { stdout } = await thawPackage();
    const text = await readFile(join(dir, 'packaged.yml'), 'utf8');
    // Quoted, so that a YAML 1.1 parser does not read a date.
    expect(text).toContain('ROSTemplateFormatVersion: "2015-09-01"');
    const doc = parseTemplate(text);
    expect(doc.Transform).toBeUndefined();
    const resources = Object.values(doc.Resources!) as { Type: string; Properties: Record<string, any> }[];
    const functions = resources.filter((r) => r.Type === 'ALIYUN::FC::Function');
    expect(functions.map((f) => f.Properties.FunctionName).sort()).toEqual(['access-log', 'http', 'storage-event', 'sweeper']);
    const client = new OSS({ endpoint: oss.endpoint, bucket: 'thaw-deploy-artifacts', ...creds });
    for (const f of functions) {
      expect(f.Properties.Code.OssBucketName).toBe('thaw-deploy-artifacts');
      expect(f.Properties.Code.OssObjectName).toMatch(new RegExp(`^releases/${f.Properties.FunctionName}-\\d+\\.zip$`));
      expect((await client.head(f.Properties.Code.OssObjectName)).status).toBe(200);
    }
    // The intrinsics survive in their long form; the FinishRestore trigger is left out, and the output says why.
    expect(JSON.stringify(doc)).toContain('"Fn::GetAtt":["LogTriggerRole","Arn"]');
    expect(
      resources
        .filter((r) => r.Type === 'ALIYUN::FC::Trigger')
        .map((r) => r.Properties.TriggerType)
        .sort(),
    ).toEqual(['http', 'log', 'oss', 'timer']);
    expect(stdout).toContain('note: storage-event.Events.finish-restore is left out: ROS documents no eventbridge type for ALIYUN::FC::Trigger');
    expect(stdout).toContain(`packaged template (FC 2.0): ${join(dir, 'packaged.yml')}`);

    // Unchanged code is not uploaded again.
    expect((await thawPackage()).stdout.match(/already uploaded, same MD5 and size/g)).toHaveLength(4);
  }, 120_000);

  it('names services and functions as thaw deploy does, so the invocation roles grant exactly what ROS creates', async () => {
    await thawPackage();
    const doc = parseTemplate(await readFile(join(dir, 'packaged.yml'), 'utf8'));
    const resources = doc.Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
    const stack = 'my-stack';
    const sub = (v: unknown) =>
      String((v as { 'Fn::Sub': string })['Fn::Sub'])
        .replace('${ALIYUN::StackName}', stack)
        .replace('${ALIYUN::Region}', 'cn-hangzhou')
        .replace('${ALIYUN::AccountId}', '123');
    const serviceOf = (fn: string) => {
      const f = Object.values(resources).find((r) => r.Type === 'ALIYUN::FC::Function' && r.Properties.FunctionName === fn)!;
      return sub(resources[f.Properties.ServiceName['Fn::GetAtt'][0]]!.Properties.ServiceName);
    };
    const grant = (role: string) => sub(resources[role]!.Properties.Policies[0].PolicyDocument.Statement[0].Resource[0]);
    const matches = (pattern: string, arn: string) =>
      new RegExp(
        `^${pattern
          .split('*')
          .map((p) => p.replace(/[.?+^$()[\]{}|\\]/g, '\\$&'))
          .join('.*')}$`,
      ).test(arn);
    expect(serviceOf('storage-event')).toBe('my-stack-storage-event');
    expect(matches(grant('OssInvocationRole'), `acs:fc:cn-hangzhou:123:services/${serviceOf('storage-event')}/functions/storage-event`)).toBe(true);
    expect(matches(grant('LogTriggerRole'), `acs:fc:cn-hangzhou:123:services/${serviceOf('access-log')}/functions/access-log`)).toBe(true);
    expect(matches(grant('OssInvocationRole'), `acs:fc:cn-hangzhou:123:services/${serviceOf('access-log')}/functions/access-log`)).toBe(false);
  }, 120_000);

  it("trusts an artifact by its content, not its name: a different object under the zip's key stops it", async () => {
    await thawPackage();
    const client = new OSS({ endpoint: oss.endpoint, bucket: 'thaw-deploy-artifacts', ...creds });
    const listed = (await client.list({ prefix: 'releases/sweeper-', 'max-keys': 10 }, {})).objects ?? [];
    const key = listed[0]!.name;
    await client.put(key, Buffer.from('not the zip'));
    await expect(thawPackage()).rejects.toMatchObject({
      stderr: expect.stringMatching(new RegExp(`oss://thaw-deploy-artifacts/${key} exists but is not the zip of sweeper .*someone else wrote it`)),
    });
    await client.delete(key);
  }, 120_000);

  it('makes zips that hold the bundle, the SDK files it loads on first use and a CommonJS package.json only, and load alone in plain Node', async () => {
    await thawPackage();
    for (const name of ['access-log', 'http', 'storage-event', 'sweeper']) {
      const files = unzipSync(new Uint8Array(await readFile(join(dir, 'build', `${name}.zip`))));
      expect(Object.keys(files).sort(), name).toEqual(['index.js', 'package.json', 'sdk/ali-oss.js', 'sdk/tablestore.js']);
      expect(JSON.parse(new TextDecoder().decode(files['package.json']))).toEqual({ type: 'commonjs' });
      expect(new TextDecoder().decode(files['index.js']!)).not.toContain('sourceMappingURL');
      const unpacked = join(dir, 'unpacked', name);
      for (const [file, bytes] of Object.entries(files)) {
        await mkdir(dirname(join(unpacked, file)), { recursive: true });
        await writeFile(join(unpacked, file), bytes);
      }
      const { stdout } = await run(
        process.execPath,
        // The SDK files load from the unpacked zip alone, as FC would load them.
        [
          '-e',
          'const m = require(process.argv[1]); require(process.argv[2]); require(process.argv[3]); console.log(Object.keys(m).sort().join(","))',
          join(unpacked, 'index.js'),
          join(unpacked, 'sdk/tablestore.js'),
          join(unpacked, 'sdk/ali-oss.js'),
        ],
        {
          env: childEnv(),
        },
      );
      expect(stdout.trim(), name).toBe(name === 'http' ? 'fc2Handler,handler' : 'handler');
    }
  }, 120_000);

  it('with OSS unreachable, fails in one line naming the endpoint, not with a stack trace', async () => {
    // A port that was just free: nothing listens there, so the connection is refused at once.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const failed = (await run(
      process.execPath,
      ['lib/bin/thaw.mjs', 'package', '--bucket', 'thaw-deploy-artifacts', '--output', join(dir, 'unreached.yml'), '--build-dir', join(dir, 'build')],
      { env: { ...env, THAW_OSS_ENDPOINT: endpoint } },
    ).then(
      () => undefined,
      (err: unknown) => err,
    )) as { code: number; stderr: string };
    expect(failed.code).toBe(1);
    expect(failed.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(
      new RegExp(`^thaw: OSS at ${endpoint.replace(/[.]/g, '\\.')} could not be reached \\(.+\\): check the network or --oss-endpoint\\n$`),
    );
  }, 120_000);

  it('refuses a bucket name OSS would refuse', async () => {
    await expect(run(process.execPath, ['lib/bin/thaw.mjs', 'package', '--bucket', 'Bad_Bucket'], { env })).rejects.toMatchObject({
      stderr: expect.stringContaining('--bucket "Bad_Bucket" is not a valid OSS bucket name'),
    });
  });
});
