// The deployable artifacts: each function's zip size (what FC stores and a cold start downloads)
// and the cold-load time of each bundle — `node -e "require(bundle)"` — against bare `node -e 0`,
// as a ratio measured in one run, interleaved so both see the same machine. Goal for the largest:
// ≤ 1.5× bare Node.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { zipFunction } from '../../lib/deploy/code';
import { buildFunctions } from '../../lib/local/build';
import type { Benchmark, Figure } from './harness';
import { round } from './harness';

const run = promisify(execFile);
const RUNS = 15;

async function wallMs(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  await run(process.execPath, args, { env: { ...process.env, NODE_OPTIONS: '' } });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export const bundleBenchmark: Benchmark = {
  name: 'bundle',
  description: `zip size per function; median wall time of node -e "require(bundle)" vs node -e 0 over ${RUNS} interleaved runs`,
  async run() {
    const dir = await mkdtemp(join(tmpdir(), 'thaw-bench-bundle-'));
    try {
      const built = await buildFunctions({ outDir: dir, quiet: true });
      const figures: Figure[] = [];
      const bare: number[] = [];
      const loads = new Map<string, number[]>(built.map((b) => [b.name, []]));
      for (let i = 0; i < RUNS; i++) {
        bare.push(await wallMs(['-e', '0']));
        for (const b of built) loads.get(b.name)!.push(await wallMs(['-e', `require(${JSON.stringify(b.outfile)})`]));
      }
      const bareMs = median(bare);
      figures.push({ name: 'node -e 0', value: round(bareMs), unit: 'ms' });
      let largest = 0;
      for (const b of built) {
        const zip = await zipFunction(b);
        const ms = median(loads.get(b.name)!);
        largest = Math.max(largest, ms / bareMs);
        figures.push({ name: `${b.name}: zip`, value: round(zip.zip.length / 1024), unit: 'KiB' });
        figures.push({ name: `${b.name}: bundle`, value: round(b.bytes / 1024), unit: 'KiB' });
        figures.push({ name: `${b.name}: require()`, value: round(ms), unit: 'ms' });
        figures.push({ name: `${b.name}: cold load / bare node`, value: round(ms / bareMs, 2), unit: '×' });
      }
      figures.push({ name: 'largest cold load / bare node', value: round(largest, 2), unit: '×', target: 'goal ≤ 1.5×' });
      return figures;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
