// What a platform engineer sees from outside, against the local stack's FC API (`thaw dev --json`
// prints it): thaw deploy --dry-run names every function and trigger and writes nothing, thaw
// deploy creates them, a second run reports no change and creates nothing, and thaw destroy
// leaves no function or trigger behind. Through the CLI, in its own process, as a user runs it.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OSS from 'ali-oss';
import { Fc3Client } from '../../lib/deploy/fc3-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv } from '../support/child-env';
import { type RunningDev, spawnDev } from '../support/dev-stack';

const run = promisify(execFile);
// npm start and thaw dev deploy to FC 3.0: functions <stack>-<function>, no services.
const FUNCTIONS = ['oss-thaw-access-log', 'oss-thaw-http', 'oss-thaw-storage-event', 'oss-thaw-sweeper'];
const TRIGGERS = [
  'oss-thaw-access-log/access-log',
  'oss-thaw-http/http',
  'oss-thaw-storage-event/finish-restore',
  'oss-thaw-storage-event/object-events',
  'oss-thaw-sweeper/every-minute',
];

interface FcInfo {
  endpoint: string;
  accountId: string;
  region: string;
  stack: string;
  accessKeyId: string;
  accessKeySecret: string;
}

describe('thaw deploy and thaw destroy against the local FC API', () => {
  let dev: RunningDev;
  let fc: FcInfo;
  let buildDir: string;
  beforeAll(async () => {
    dev = await spawnDev();
    fc = (dev.info as unknown as { fc: FcInfo }).fc;
    buildDir = await mkdtemp(join(tmpdir(), 'thaw-deploy-cli-'));
  });
  afterAll(async () => {
    expect(await dev?.stop()).toBe(0);
    if (buildDir) await rm(buildDir, { recursive: true, force: true });
  });

  const thaw = (...args: string[]) =>
    // Only deploy builds code; destroy takes no --build-dir.
    run(process.execPath, ['lib/bin/thaw.mjs', ...args, '--endpoint', fc.endpoint, ...(args[0] === 'deploy' ? ['--build-dir', buildDir] : [])], {
      env: childEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: fc.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: fc.accessKeySecret }),
    });

  /** Every FC 3.0 function and trigger of the stack with its last modification: what "writes nothing" compares. */
  async function deployed(): Promise<string[]> {
    const client = new Fc3Client({ accountId: fc.accountId, region: fc.region, endpoint: fc.endpoint, credentials: fc });
    const out: string[] = [];
    for (const f of await client.listFunctions(`${fc.stack}-`)) {
      const name = String(f.functionName);
      out.push(`${name} ${String(f.lastModifiedTime)}`);
      for (const t of await client.listTriggers(name)) out.push(`${name}/${String(t.triggerName)} ${String(t.lastModifiedTime)}`);
    }
    return out.sort();
  }
  const names = (state: string[]) => state.map((line) => line.split(' ')[0]);

  it('plans, creates, reports no change, and destroys, all from the command line', async () => {
    // npm start already deployed the template into this FC API.
    const started = await deployed();
    expect(names(started)).toEqual([...FUNCTIONS, ...TRIGGERS].sort());

    const again = await thaw('deploy');
    expect(again.stdout).toContain('deploy: no change');
    expect(await deployed()).toEqual(started);

    const destroyDry = await thaw('destroy', '--dry-run');
    expect(destroyDry.stdout).toContain('destroy --dry-run: 27 to delete; nothing was changed');
    expect(await deployed()).toEqual(started);

    const destroyed = await thaw('destroy', '--yes');
    expect(destroyed.stdout).toContain('destroy: done (27 to delete)');
    expect(destroyed.stdout).toMatch(/= keep\s+tables\s+thaw_restores /);
    expect(await deployed()).toEqual([]);

    const dry = await thaw('deploy', '--dry-run');
    for (const f of FUNCTIONS) expect(dry.stdout).toMatch(new RegExp(`\\+ create\\s+function\\s+${f} `));
    for (const t of TRIGGERS) expect(dry.stdout).toMatch(new RegExp(`\\+ create\\s+trigger\\s+${t} `));
    expect(dry.stdout).toContain('nothing was changed');
    expect(await deployed()).toEqual([]);

    const created = await thaw('deploy');
    // The tables stayed and so did the account's service-linked role: roles, the log index, functions,
    // their concurrency and asynchronous-invocation configurations, triggers.
    expect(created.stdout).toContain('deploy: done (30 to create)');
    expect(names(await deployed())).toEqual([...FUNCTIONS, ...TRIGGERS].sort());

    const unchanged = await deployed();
    expect((await thaw('deploy')).stdout).toContain('deploy: no change');
    expect(await deployed()).toEqual(unchanged);

    // The redeployed functions serve the API the stack printed, with its token.
    const health = await fetch(`${dev.info.api}/v1/health`, { headers: { authorization: `Bearer ${dev.info.apiToken}` } });
    expect(health.status).toBe(200);
  }, 180_000);

  it('plans with credentials from a profile file alone (no ALIBABA_CLOUD_* variables)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'thaw-home-'));
    try {
      await mkdir(join(home, '.alibabacloud'), { recursive: true });
      await writeFile(
        join(home, '.alibabacloud', 'credentials'),
        `[default]\ntype = access_key\naccess_key_id = ${fc.accessKeyId}\naccess_key_secret = ${fc.accessKeySecret}\n`,
      );
      const planned = await run(process.execPath, ['lib/bin/thaw.mjs', 'deploy', '--dry-run', '--endpoint', fc.endpoint], {
        env: childEnv({ HOME: home, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' }),
      });
      expect(planned.stdout).toMatch(/deploy: no change|deploy --dry-run/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 60_000);

  it('thaw doctor finds nothing to fix in the local account, and changes nothing', async () => {
    const before = await deployed();
    const { stdout } = await thaw('doctor');
    expect(stdout).toMatch(/^oss-thaw stack oss-thaw in account \d+, cn-hangzhou:/);
    for (const check of ['Function Compute', 'runtime nodejs20', 'RAM', 'EventBridge', 'bucket thaw-demo', 'Tablestore instance thaw (from here)']) {
      expect(stdout, check).toMatch(new RegExp(`ok {4}${check.replace(/[()]/g, '\\$&')}: `));
    }
    expect(stdout).toContain('0 problem(s)');
    expect(await deployed()).toEqual(before);
  }, 60_000);

  it("deploys and destroys a second stack beside the first without touching the first's API", async () => {
    // Its own bucket: an OSS trigger on thaw-demo would overlap the first stack's (FC refuses that).
    const oss = new OSS({ endpoint: dev.info.oss.endpoint, accessKeyId: dev.info.oss.accessKeyId, accessKeySecret: dev.info.oss.accessKeySecret });
    await oss.putBucket('other-archive');
    const other = ['--stack', 'other', '--parameter', 'AllowList=other-archive/', '--parameter', 'WatchedBucket=other-archive'];
    const health = () => fetch(`${dev.info.api}/v1/health`, { headers: { authorization: `Bearer ${dev.info.apiToken}` } });
    expect((await thaw('deploy', ...other)).stdout).toContain('deploy: done');
    expect((await health()).status).toBe(200);
    expect((await thaw('destroy', '--yes', ...other)).stdout).toContain('destroy: done');
    // The address npm start printed still serves the first stack's http function.
    expect((await health()).status).toBe(200);
    const restore = await fetch(`${dev.info.api}/v1/restores/thaw-demo/standard/readme.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.info.apiToken}` },
    });
    // The first stack's function answers: a Standard object needs no restore.
    expect(restore.status).toBe(409);
  }, 180_000);

  it('thaw tables create with a wrong key prints one line and exits 1', async () => {
    const info = dev.info as unknown as { tablestore: { endpoint: string; instance: string } };
    const attempt = run(process.execPath, ['lib/bin/thaw.mjs', 'tables', 'create'], {
      env: childEnv({
        THAW_TABLESTORE_ENDPOINT: info.tablestore.endpoint,
        THAW_TABLESTORE_INSTANCE: info.tablestore.instance,
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIwrongwrongwrongwr',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong',
      }),
    });
    const failed = (await attempt.then(
      () => undefined,
      (err: unknown) => err,
    )) as { code: number; stderr: string };
    expect(failed.code).toBe(1);
    expect(failed.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(/^thaw: Tablestore instance thaw at http:\/\/127\.0\.0\.1:\d+ refused the credentials or the permission/);
  }, 60_000);

  it('answers --help for every command and every group, with exit code 0', async () => {
    // The list is what `thaw --help` prints from the dispatcher's declarations, so a command added
    // there is asked here too; a group is the first word of a two-word command ("tables create").
    const overview = await run(process.execPath, ['lib/bin/thaw.mjs', '--help']);
    const commands = overview.stdout
      .split('\n')
      .slice(overview.stdout.split('\n').indexOf('commands:') + 1)
      .map((line) => /^ {2}(\S+(?: \S+)?) {2,}\S/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    const groups = [...new Set(commands.filter((name) => name.includes(' ')).map((name) => name.split(' ')[0]!))];
    // Guards the parse: an overview read as nothing would ask nothing and pass.
    expect(commands).toEqual(expect.arrayContaining(['deploy', 'logs', 'tables create', 'token new']));
    expect(groups).toEqual(expect.arrayContaining(['tables', 'token']));
    // execFile rejects on a non-zero exit, so each resolving is each exiting 0.
    const asked = [...commands, ...groups];
    const helps = await Promise.all(asked.map((name) => run(process.execPath, ['lib/bin/thaw.mjs', ...name.split(' '), '--help'])));
    helps.forEach(({ stdout }, i) => {
      const name = asked[i]!;
      expect(stdout, name).toMatch(new RegExp(`^usage: thaw ${name}${groups.includes(name) ? ' <subcommand>' : ''}`));
      // A group's help lists each of its subcommands.
      for (const member of commands.filter((c) => c.startsWith(`${name} `))) expect(stdout, name).toContain(`  ${member.slice(name.length + 1)}  `);
    });
  }, 60_000);

  it('answers a group named without a subcommand with its help, as a usage error (exit code 2)', async () => {
    const failed = (await run(process.execPath, ['lib/bin/thaw.mjs', 'tables']).then(
      () => undefined,
      (err: unknown) => err,
    )) as { code: number; stdout: string; stderr: string };
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^thaw: tables needs a subcommand\nusage: thaw tables <subcommand>/);
    expect(failed.stderr).toContain('  create  create or upgrade the Tablestore tables');
    expect(failed.stdout).toBe('');
  }, 60_000);

  it('refuses to destroy without --yes when no one can be asked', async () => {
    await expect(thaw('destroy')).rejects.toMatchObject({ stderr: expect.stringContaining('pass --yes to run it without a terminal') });
    expect(names(await deployed()).length).toBeGreaterThan(0);
  }, 60_000);
});
