// Runs `thaw dev --json` as a separate process, exactly as a user (or CI) would, and reads its
// one line of JSON.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { childEnv } from './child-env';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface DevInfo {
  api: string;
  apiToken: string;
  oss: { endpoint: string; region: string; accessKeyId: string; accessKeySecret: string };
  tablestore: { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
  sls?: { endpoint: string; project: string; logstore: string; accessKeyId: string; accessKeySecret: string };
}

export interface RunningDev {
  info: DevInfo;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<number | null>;
}

export async function spawnDev(args: string[] = [], env: Record<string, string> = {}): Promise<RunningDev> {
  const child = spawn(process.execPath, ['lib/bin/thaw.mjs', 'dev', '--json', ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`thaw dev exited with ${code} before printing its JSON line:\n${stderr}`)));
  });
  const extra: string[] = [];
  lines.on('line', (line) => extra.push(line));
  return {
    info: JSON.parse(first) as DevInfo,
    child,
    stderr: () => stderr,
    async stop() {
      let code = child.exitCode;
      if (code === null) {
        const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
        child.kill('SIGTERM');
        code = await exited;
      }
      if (extra.length) throw new Error(`thaw dev --json printed more than one line on stdout: ${extra[0]}`);
      return code;
    },
  };
}
