// `thaw emulator sls` as a user runs it: one JSON line on stdout, then it serves until SIGTERM.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LogStoreReader } from '../../lib/sls/index';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('thaw emulator sls', () => {
  it('prints its endpoint and credentials, serves the pre-created logstore, and exits on SIGTERM', async () => {
    const child = spawn(process.execPath, ['lib/bin/thaw.mjs', 'emulator', 'sls', '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let buffered = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const newline = buffered.indexOf('\n');
          if (newline !== -1) resolve(buffered.slice(0, newline));
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code} before printing: ${stderr}`)));
      });
      const described = JSON.parse(line) as Record<string, string>;
      expect(described).toEqual({
        service: 'sls',
        endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        accessKeyId: 'LTAI5tThawLocalDevKey',
        accessKeySecret: 'thaw-local-dev-secret-not-for-production',
        project: 'oss-log-local-cn-hangzhou',
        logstore: 'oss-log-store',
      });
      const reader = new LogStoreReader({
        endpoint: described.endpoint!,
        project: described.project!,
        logstore: described.logstore!,
        accessKeyId: described.accessKeyId!,
        accessKeySecret: described.accessKeySecret!,
      });
      try {
        expect((await reader.listShards()).map((s) => s.shardID)).toEqual([0, 1]);
      } finally {
        reader.close();
      }
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
