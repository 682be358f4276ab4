// `thaw package` from the command line against the OSS emulator: zips uploaded with ali-oss, a
// packaged template whose every CodeUri is an oss:// object that exists, and zips that load alone
// (unpacked outside the repository, required by plain Node) with no source map inside.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
      ],
      { env },
    );

  it('uploads one zip per function and writes a template whose every CodeUri is an oss:// object that exists', async () => {
    const { stdout } = await thawPackage();
    const text = await readFile(join(dir, 'packaged.yml'), 'utf8');
    // Quoted, so that a YAML 1.1 parser does not read a date.
    expect(text).toContain('ROSTemplateFormatVersion: "2015-09-01"');
    const doc = parseTemplate(text);
    const service = Object.values(doc.Resources!).find((r) => r.Type === 'Aliyun::Serverless::Service')!;
    const uris = Object.entries(service)
      .filter(([, f]) => (f as { Type?: string }).Type === 'Aliyun::Serverless::Function')
      .map(([name, f]) => [name, String((f as { Properties: { CodeUri: string } }).Properties.CodeUri)] as const);
    expect(uris.map(([name]) => name).sort()).toEqual(['access-log', 'http', 'storage-event', 'sweeper']);
    const client = new OSS({ endpoint: oss.endpoint, bucket: 'thaw-deploy-artifacts', ...creds });
    for (const [name, uri] of uris) {
      expect(uri).toMatch(new RegExp(`^oss://thaw-deploy-artifacts/releases/${name}-\\d+\\.zip$`));
      const head = await client.head(uri.replace('oss://thaw-deploy-artifacts/', ''));
      expect(head.status).toBe(200);
    }
    // The intrinsics survive in their long form, the FinishRestore trigger is still there.
    expect(JSON.stringify(doc)).toContain('"Fn::GetAtt":["EventBridgeInvocationRole","Arn"]');
    expect(stdout).toContain(`packaged template: ${join(dir, 'packaged.yml')}`);

    // Unchanged code is not uploaded again.
    expect((await thawPackage()).stdout.match(/already uploaded/g)).toHaveLength(4);
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

  it('refuses a bucket name OSS would refuse', async () => {
    await expect(run(process.execPath, ['lib/bin/thaw.mjs', 'package', '--bucket', 'Bad_Bucket'], { env })).rejects.toMatchObject({
      stderr: expect.stringContaining('--bucket "Bad_Bucket" is not a valid OSS bucket name'),
    });
  });
});
