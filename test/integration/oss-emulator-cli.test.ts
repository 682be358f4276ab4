// `thaw emulator oss` as a user runs it: one JSON line on stdout, serves, exits on SIGTERM.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../../lib/emulators/shared/emulator';
import { controlFetch } from '../../lib/emulators/shared/control';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let child: ChildProcessWithoutNullStreams | undefined;

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Resolves with the first line the child writes to stdout. */
function firstLine(proc: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let errors = '';
    proc.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    proc.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline !== -1) resolve(buffered.slice(0, newline));
    });
    proc.once('exit', (code) => reject(new Error(`thaw exited (${code}) before printing: ${errors}`)));
  });
}

describe('thaw emulator oss', () => {
  it('prints exactly one JSON line describing the endpoint and credentials, serves, and exits on SIGTERM', async () => {
    child = spawn(process.execPath, ['lib/bin/thaw.mjs', 'emulator', 'oss', '--port', '0', '--time-scale', '60'], { cwd: ROOT });
    const line = await firstLine(child);
    const described = JSON.parse(line) as Record<string, string>;
    expect(Object.keys(described)).toEqual(['service', 'endpoint', 'region', 'accessKeyId', 'accessKeySecret']);
    expect(described).toEqual({
      service: 'oss',
      endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      region: 'oss-cn-hangzhou',
      accessKeyId: DEFAULT_ACCESS_KEY_ID,
      accessKeySecret: DEFAULT_ACCESS_KEY_SECRET,
    });
    expect(line).toBe(JSON.stringify(described));

    const stats = await controlFetch(`${described.endpoint}/-/stats`);
    expect(await stats.json()).toEqual({ operations: {}, restores: {} });

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
