// The npm package as a platform team gets it: `npm run build:package`, `npm pack`, and the tarball
// installed into an empty folder (offline: it has no dependencies to fetch). There, with no
// TypeScript loader, no esbuild and none of the sources, `npx thaw --help`, `npx thaw dev` and
// `npx thaw deploy --dry-run` against that dev stack work, `import('oss-thaw/client')` works in plain
// Node and its declarations type-check a consumer, and nothing is written inside node_modules.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv } from '../support/child-env';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FUNCTIONS = ['access-log', 'http', 'storage-event', 'sweeper'];

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}

/**
 * A user's shell: the parent's environment without what npm sets for the script running this test
 * (npm_config_ignore_scripts and the like would change what the install does).
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = childEnv(extra);
  for (const name of Object.keys(env)) if (/^npm_/i.test(name)) delete env[name];
  return env;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('the npm package, installed from its tarball into an empty folder', () => {
  let packDir: string;
  let folder: string;
  let tarball: PackResult;
  let installedFiles: string[];
  let dev: ChildProcess | undefined;

  beforeAll(async () => {
    // The documented release path: the repository's .npmrc skips lifecycle scripts, prepack included.
    await run('npm', ['run', '--silent', 'build:package'], { cwd: ROOT, env: userEnv() });
    packDir = await mkdtemp(join(tmpdir(), 'thaw-pack-'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: ROOT, env: userEnv() });
    tarball = (JSON.parse(packed.stdout) as PackResult[])[0]!;
    folder = await mkdtemp(join(tmpdir(), 'thaw-installed-'));
    await writeFile(join(folder, 'package.json'), `${JSON.stringify({ name: 'platform-team', private: true, type: 'module' })}\n`);
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(packDir, tarball.filename)], { cwd: folder, env: userEnv() });
    installedFiles = await listFiles(join(folder, 'node_modules', 'oss-thaw'));
  }, 120_000);

  afterAll(async () => {
    if (dev?.pid && dev.exitCode === null) process.kill(-dev.pid, 'SIGKILL');
    if (folder) await rm(folder, { recursive: true, force: true });
    if (packDir) await rm(packDir, { recursive: true, force: true });
  });

  it('packs the compiled command, the client with its declarations, the prebuilt functions and the template; no test, source or source map', () => {
    const paths = tarball.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/thaw.js',
        'dist/client.js',
        'dist/client.d.ts',
        'dist/vendor.cjs',
        'dist/THIRD-PARTY-NOTICES.txt',
        'dist/functions/manifest.json',
        ...FUNCTIONS.map((f) => `dist/functions/${f}/index.js`),
        'template.yml',
        'lib/emulators/fc/function-worker.mjs',
        'package.json',
        'README.md',
      ]),
    );
    const unwanted = paths.filter((p) => /^(test|functions|docs)\/|\.test\.|\.map$|(?<!\.d)\.ts$|\.png$/.test(p));
    expect(unwanted).toEqual([]);
  });

  it('installs one package with no dependencies: no tsx, esbuild or typescript, and no install script to run', async () => {
    const modules = (await readdir(join(folder, 'node_modules'))).filter((n) => !n.startsWith('.'));
    expect(modules).toEqual(['oss-thaw']);
    const manifest = JSON.parse(await readFile(join(folder, 'node_modules', 'oss-thaw', 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect({ dependencies: manifest.dependencies, optional: manifest.optionalDependencies, peers: manifest.peerDependencies }).toEqual({});
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(s))).toEqual([]);
  });

  it('runs `npx thaw --help` with plain Node', async () => {
    const { stdout } = await run('npx', ['--no', '--', 'thaw', '--help'], { cwd: folder, env: userEnv() });
    expect(stdout).toMatch(/^usage: thaw <command>/);
    expect(stdout).toContain('deploy');
  });

  it('runs `npx thaw dev` (one line of JSON, its functions answering, stopped by SIGTERM) and `npx thaw deploy --dry-run` against its FC API, which finds the code it would deploy already there', async () => {
    // Its own process group: npx does not pass SIGTERM on to the command it runs, a terminal's
    // or a supervisor's signal to the group reaches both.
    dev = spawn('npx', ['--no', '--', 'thaw', 'dev', '--json'], { cwd: folder, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    dev.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const lines: string[] = [];
    const reader = createInterface({ input: dev.stdout! });
    const first = new Promise<string>((resolve, reject) => {
      reader.once('line', resolve);
      dev!.once('exit', (code) => reject(new Error(`thaw dev exited (${code}) before printing its line:\n${stderr}`)));
    });
    const info = JSON.parse(await first) as { api: string; apiToken: string; fc: { endpoint: string; accessKeyId: string; accessKeySecret: string } };
    reader.on('line', (line) => lines.push(line));
    // The http function, deployed from the package's prebuilt zip, runs in the local FC runtime.
    const restore = await fetch(`${info.api}/v1/restores/thaw-demo/${encodeURIComponent('archive/report-2023.csv')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${info.apiToken}` },
    });
    expect([restore.status, ((await restore.json()) as { state: string }).state]).toEqual([202, 'RESTORING']);

    const planned = await run('npx', ['--no', '--', 'thaw', 'deploy', '--dry-run', '--endpoint', info.fc.endpoint], {
      cwd: folder,
      env: userEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: info.fc.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: info.fc.accessKeySecret }),
    });
    // The dev stack deployed the package's prebuilt bundles; the dry run copied the same ones.
    for (const f of FUNCTIONS) expect(planned.stdout).toMatch(new RegExp(`= unchanged function\\s+oss-thaw-${f}\\s`));
    expect(planned.stdout).toContain('deploy: no change');
    // The build went to .build/ of the folder the command ran in.
    for (const f of FUNCTIONS) expect((await stat(join(folder, '.build', f, 'index.js'))).isFile()).toBe(true);

    // Every process of the group holds the pipes: their closing means thaw dev itself has exited.
    const closed = new Promise<void>((resolve) => dev!.stdout!.once('close', () => resolve()));
    process.kill(-dev.pid!, 'SIGTERM');
    await closed;
    expect(lines).toEqual([]);
    // A crash prints a stack; the JSON log lines never hold one on a line of its own.
    expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    await expect(fetch(`${info.api}/v1/health`)).rejects.toThrow();
  });

  it('imports oss-thaw/client in plain Node', async () => {
    const { stdout } = await run(process.execPath, ['-e', "import('oss-thaw/client').then((m) => console.log(Object.keys(m).sort().join(',')))"], {
      cwd: folder,
      env: userEnv(),
    });
    expect(stdout.trim()).toBe('RestoreTimeoutError,RestoreUnavailableError,ThawClient');
  });

  it("types a consumer through the package's declarations (module nodenext, with the repository's tsc: none is installed there)", async () => {
    await writeFile(
      join(folder, 'consumer.ts'),
      `import OSS from 'ali-oss';
import { type RestoreStatus, ThawClient } from 'oss-thaw/client';
declare const oss: OSS;
const client = new ThawClient({ oss, apiUrl: 'http://127.0.0.1:1', token: 't' });
export const read: Promise<OSS.GetObjectResult> = client.getWithRestore('k', { tier: 'Bulk' });
export const status: RestoreStatus = { state: 'RESTORING', etaAt: null, expiresAt: null, retryAfterSeconds: 5, reason: null };
// @ts-expect-error a tier OSS does not have
client.getWithRestore('k', { tier: 'Fast' });
`,
    );
    const types = join(ROOT, 'node_modules', '@types');
    await writeFile(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [types],
          // The consumer's own ali-oss types; the client takes their ali-oss client.
          paths: { 'ali-oss': [join(types, 'ali-oss')] },
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await expect(run(process.execPath, [tsc, '-p', join(folder, 'tsconfig.json')], { cwd: folder, env: userEnv() })).resolves.toBeDefined();
  });

  it('wrote nothing inside node_modules/oss-thaw', async () => {
    expect(await listFiles(join(folder, 'node_modules', 'oss-thaw'))).toEqual(installedFiles);
  });
});
