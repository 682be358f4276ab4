// `thaw logs` end to end against the Log Service emulator: the CLI as a user runs it (filters, --json,
// a hostile message that must not reach the terminal raw, a logstore without an index), and
// --follow through the command's own loop with an injected clock, printing no line twice.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { type SlsEmulator, startSlsEmulator } from '../../lib/emulators/sls/index';
import { logsCommand } from '../../lib/operator/logs-command';
import { FUNCTION_LOG_INDEX, SlsAdmin } from '../../lib/sls/index';
import { childEnv } from '../support/child-env';

const PROJECT = 'oss-thaw-functions';
const LOGSTORE = 'function-logs';

let sls: SlsEmulator;
let nowS: number;

function line(fn: string, fields: Record<string, unknown>, timeS = nowS): { time: number; contents: Record<string, string> } {
  return { time: timeS, contents: { serviceName: 'oss-thaw', functionName: fn, qualifier: 'LATEST', versionId: '', message: JSON.stringify(fields) } };
}

function admin(): SlsAdmin {
  const key = sls.credentials[0]!;
  return new SlsAdmin({ endpoint: sls.endpoint, project: PROJECT, accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret });
}

beforeAll(async () => {
  sls = await startSlsEmulator();
  sls.createProject(PROJECT);
  sls.createLogstore(PROJECT, LOGSTORE);
  sls.createLogstore(PROJECT, 'no-index');
  const client = admin();
  await client.createIndex(LOGSTORE, FUNCTION_LOG_INDEX);
  client.close();
  // The functions' lines as FC writes them (until the local FC does): lib/log.ts JSON in `message`.
  nowS = Math.floor(Date.now() / 1000);
  sls.writeLogs(
    PROJECT,
    LOGSTORE,
    [
      line(
        'http',
        { time: new Date(nowS * 1000).toISOString(), level: 'info', msg: 'restore requested', requestId: 'req-1', bucket: 'photos', key: 'cats/1.jpg' },
        nowS - 3,
      ),
    ],
    { topic: 'oss-thaw' },
  );
  sls.writeLogs(
    PROJECT,
    LOGSTORE,
    [line('sweeper', { level: 'warn', msg: 'restore deferred', requestId: 'req-2', bucket: 'docs', key: 'a.pdf', reason: 'budget' }, nowS - 2)],
    { topic: 'oss-thaw' },
  );
  sls.writeLogs(
    PROJECT,
    LOGSTORE,
    [
      line(
        'http',
        { level: 'error', msg: '\u001b[2J\u001b]0;owned\u0007cleared \u202eevil', requestId: 'req-3', bucket: 'photos', key: '\u001b[31mred' },
        nowS - 1,
      ),
    ],
    { topic: 'oss-thaw' },
  );
  sls.writeLogs(PROJECT, LOGSTORE, [{ time: nowS - 1, contents: { serviceName: 'oss-thaw', functionName: 'http', message: 'FC: plain text line' } }], {
    topic: 'oss-thaw',
  });
  sls.writeLogs(PROJECT, LOGSTORE, [line('http', { level: 'info', msg: 'long ago', requestId: 'req-0' }, nowS - 3600)], { topic: 'oss-thaw' });
  // On FC 3.0 the function is named <stack>-sweeper; the line still names itself sweeper.
  sls.writeLogs(PROJECT, LOGSTORE, [line('oss-thaw-sweeper', { function: 'sweeper', level: 'info', msg: 'sweep done', requestId: 'req-4' }, nowS - 4)]);
});

afterAll(async () => {
  await sls.close();
});

function thaw(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const key = sls.credentials[0]!;
  const env = childEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret });
  return new Promise((resolve) => {
    execFile(process.execPath, ['lib/bin/thaw.mjs', 'logs', '--endpoint', sls.endpoint, '--project', PROJECT, ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('thaw logs', () => {
  it('prints the last 10 minutes, one readable line each, oldest first', async () => {
    const { code, stdout } = await thaw('--logstore', LOGSTORE);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\S+Z {2}INFO {3}sweeper {2}req-4 {2}sweep done$/);
    expect(lines[1]).toMatch(/^\S+Z {2}INFO {3}http {2}req-1 {2}restore requested {2}bucket=photos {2}key=cats\/1\.jpg$/);
    expect(lines[2]).toContain('WARN   sweeper  req-2  restore deferred  bucket=docs  key=a.pdf  reason=budget');
    expect(lines[4]).toContain('-      http  -  FC: plain text line');
  });

  it('never lets a line drive the terminal: control and bidi characters are shown escaped', async () => {
    const { stdout } = await thaw('--logstore', LOGSTORE, '--request-id', 'req-3');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw control characters.
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(stdout).toContain('\\x1b[2J\\x1b]0;owned\\x07cleared \\u202eevil');
    expect(stdout).toContain('key=\\x1b[31mred');
  });

  it.each([
    ['--function (ours, whatever FC named it)', ['--function', 'sweeper'], ['req-4', 'req-2']],
    ['--request-id', ['--request-id', 'req-1'], ['req-1']],
    ['--bucket', ['--bucket', 'photos'], ['req-1', 'req-3']],
    ['--key', ['--key', 'a.pdf'], ['req-2']],
    ['--level (and above)', ['--level', 'warn'], ['req-2', 'req-3']],
    ['--since', ['--since', '2h'], ['req-0', 'req-4', 'req-1', 'req-2', 'req-3', null]],
    ['--from', ['--from', new Date((Math.floor(Date.now() / 1000) - 7200) * 1000).toISOString(), '--function', 'sweeper'], ['req-4', 'req-2']],
  ])('filters with %s', async (_label, args, requestIds) => {
    const { code, stdout } = await thaw('--logstore', LOGSTORE, '--json', ...(args as string[]));
    expect(code).toBe(0);
    const objects = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { requestId: string | null });
    expect(objects.map((o) => o.requestId)).toEqual(requestIds);
  });

  it('--json prints one object per line with the fields of the line', async () => {
    const { stdout } = await thaw('--logstore', LOGSTORE, '--json', '--request-id', 'req-2');
    expect(JSON.parse(stdout)).toEqual({
      time: new Date((nowS - 2) * 1000).toISOString(),
      level: 'warn',
      service: 'oss-thaw',
      function: 'sweeper',
      requestId: 'req-2',
      message: 'restore deferred',
      fields: { bucket: 'docs', key: 'a.pdf', reason: 'budget' },
    });
  });

  it('says what to do when the logstore has no index, with exit status 1', async () => {
    const { code, stderr } = await thaw('--logstore', 'no-index');
    expect(code).toBe(1);
    expect(stderr).toContain('has no index, and GetLogs needs one (IndexConfigNotExist)');
  });

  it('refuses a bad flag as a usage error', async () => {
    const { code, stderr } = await thaw('--logstore', LOGSTORE, '--since', 'yesterday');
    expect(code).toBe(2);
    expect(stderr).toContain('--since takes a duration');
  });
});

describe('thaw logs --follow', () => {
  it('prints new lines as they arrive, late ones included, and never a line twice', async () => {
    const project = 'follow-project';
    sls.createProject(project);
    sls.createLogstore(project, LOGSTORE);
    const key = sls.credentials[0]!;
    const setup = new SlsAdmin({ endpoint: sls.endpoint, project, accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret });
    await setup.createIndex(LOGSTORE, FUNCTION_LOG_INDEX);
    setup.close();

    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;
    const clock = new ManualClock(t0 * 1000);
    const write = (timeS: number, requestId: string) =>
      sls.writeLogs(project, LOGSTORE, [line('http', { level: 'info', msg: 'tick', requestId }, timeS)], { topic: 'oss-thaw' });
    write(t0 - 5, 'a');
    // Each poll's wait advances the clock and brings new lines: one on time, one 20 s late, and an
    // identical twin of an earlier line (same second, same content) that must print too.
    const arrivals: (() => void)[] = [
      () => write(t0 + 1, 'b'),
      () => {
        write(t0 + 4, 'c');
        write(t0 - 15, 'late');
      },
      () => write(t0 + 4, 'c'),
      () => {},
    ];
    const stop = new AbortController();
    const out: string[] = [];
    let polls = 0;
    await logsCommand(
      { project, logstore: LOGSTORE, endpoint: sls.endpoint, follow: true, json: true, interval: '2', since: '1m' },
      [],
      { ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret },
      {
        clock,
        terminal: { out: (text) => out.push(text) },
        signal: stop.signal,
        sleep: async (ms) => {
          clock.advance(ms);
          const next = arrivals[polls++];
          if (next) next();
          else stop.abort();
        },
      },
    );
    const ids = out
      .join('')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { requestId: string }).requestId);
    // Within a poll lines print in time order: the late line (t0 - 15) before c (t0 + 4).
    expect(ids).toEqual(['a', 'b', 'late', 'c', 'c']);
  });
});
