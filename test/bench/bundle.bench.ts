// The deployable artifacts: each function's zip size (what FC stores and a cold start downloads)
// and the cold-load time of each bundle — `node -e "require(bundle)"` — against bare `node -e 0`,
// as a ratio measured in one run, interleaved so both see the same machine. Goal for the largest:
// ≤ 1.5× bare Node. The SDKs load on first use (lib/build/bundle.ts), so two more figures say what
// the first invocation adds: the bundle with every SDK file it can load, and the same with a V8
// code cache of those files (measured here, not shipped: see docs/performance.md).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { zipFunction } from '../../lib/build/code';
import { buildFunctions } from '../../lib/build/bundle';
import type { Benchmark, Figure } from './harness';
import { median, round } from './harness';

const run = promisify(execFile);
const RUNS = 15;

async function wallMs(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  await run(process.execPath, args, { env: { ...process.env, NODE_OPTIONS: '' } });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Loads files as CommonJS through vm.Script, with a code cache beside each when `cache` says so. */
const LOAD_WITH_CACHE = `
const vm = require('vm'), fs = require('fs'), path = require('path'), Module = require('module');
const [mode, ...files] = process.argv.slice(1);
for (const file of files) {
  const cacheFile = file + '.cache';
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData: mode === 'use' ? fs.readFileSync(cacheFile) : undefined });
  if (mode === 'use' && script.cachedDataRejected) throw new Error('code cache rejected for ' + file);
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  script.runInThisContext().call(m.exports, m.exports, (id) => m.require(id), m, file, path.dirname(file));
  // Made after running, so the functions the module's set-up compiled lazily are in the cache too.
  if (mode === 'make') fs.writeFileSync(cacheFile, script.createCachedData());
}
`;

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
      let largest = built[0]!;
      for (const b of built) {
        const zip = await zipFunction(b);
        const ms = median(loads.get(b.name)!);
        if (ms > median(loads.get(largest.name)!)) largest = b;
        figures.push({ name: `${b.name}: zip`, value: round(zip.zip.length / 1024), unit: 'KiB' });
        figures.push({ name: `${b.name}: index.js`, value: round(b.bytes / 1024), unit: 'KiB' });
        figures.push({ name: `${b.name}: require()`, value: round(ms), unit: 'ms' });
        figures.push({ name: `${b.name}: cold load / bare node`, value: round(ms / bareMs, 2), unit: '×' });
      }
      figures.push({
        name: `largest cold load / bare node (${largest.name})`,
        value: round(median(loads.get(largest.name)!) / bareMs, 2),
        unit: '×',
        target: 'goal ≤ 1.5',
        key: 'bundleLoadRatio',
      });

      // What the first invocation that needs both SDKs adds, without and with a V8 code cache.
      const files = [largest.outfile, ...largest.sdkFiles];
      await run(process.execPath, ['-e', LOAD_WITH_CACHE, 'make', ...files]);
      const withSdks: number[] = [];
      const cached: number[] = [];
      const bareAgain: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        bareAgain.push(await wallMs(['-e', '0']));
        withSdks.push(await wallMs(['-e', LOAD_WITH_CACHE, 'plain', ...files]));
        cached.push(await wallMs(['-e', LOAD_WITH_CACHE, 'use', ...files]));
      }
      const bare2 = median(bareAgain);
      figures.push({
        name: `${largest.name} + every SDK it loads / bare node`,
        value: round(median(withSdks) / bare2, 2),
        unit: '×',
        key: 'bundleWithSdksLoadRatio',
      });
      figures.push({ name: `  the same with a V8 code cache (not shipped)`, value: round(median(cached) / bare2, 2), unit: '×' });
      return figures;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
