// `thaw emulator tablestore` as a user runs it: one JSON line on stdout, serving until SIGTERM.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../../lib/emulators/shared/emulator';

const TableStore = createRequire(import.meta.url)('tablestore') as any;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Started {
  child: ChildProcessWithoutNullStreams;
  line: string;
}

function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, ['lib/bin/thaw.mjs', 'emulator', 'tablestore', ...args], { cwd: repoRoot });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve({ child, line }));
    child.once('exit', (code) => reject(new Error(`thaw exited with ${code} before printing: ${stderr}`)));
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

function clientFor(describe: { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string }): any {
  return new TableStore.Client({
    endpoint: describe.endpoint,
    instancename: describe.instance,
    accessKeyId: describe.accessKeyId,
    secretAccessKey: describe.accessKeySecret,
    maxRetries: 0,
  });
}

describe('thaw emulator tablestore', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'thaw-tablestore-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints one JSON line with endpoint, instance and credentials, serves, and exits on SIGTERM', async () => {
    const { child, line } = await startCli(['--port', '0', '--instance', 'test1']);
    try {
      const described = JSON.parse(line) as Record<string, string>;
      expect(Object.keys(described)).toEqual(['service', 'endpoint', 'instance', 'accessKeyId', 'accessKeySecret']);
      expect(described).toMatchObject({
        service: 'tablestore',
        instance: 'test1',
        accessKeyId: DEFAULT_ACCESS_KEY_ID,
        accessKeySecret: DEFAULT_ACCESS_KEY_SECRET,
      });
      expect(described.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const tables = await clientFor(described as never).listTable({});
      expect(tables.tableNames).toEqual([]);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('keeps state in --data-dir across runs', async () => {
    const args = ['--port', '0', '--instance', 'test2', '--data-dir', dataDir, '--seed', '9'];
    const first = await startCli(args);
    try {
      await clientFor(JSON.parse(first.line)).createTable({
        tableMeta: { tableName: 'kept', primaryKey: [{ name: 'id', type: 'STRING' }] },
        reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
        tableOptions: { timeToLive: -1, maxVersions: 1 },
      });
    } finally {
      expect(await stop(first.child)).toBe(0);
    }
    const second = await startCli(args);
    try {
      expect((await clientFor(JSON.parse(second.line)).listTable({})).tableNames).toEqual(['kept']);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  });
});
