// npm run bench [-- name ...]: runs the benchmarks and prints their figures.
import { accessLogBenchmark } from './access-log.bench';
import { apiBenchmark } from './api.bench';
import { bundleBenchmark } from './bundle.bench';
import { storeOpsBenchmark } from './store-ops.bench';
import { coordinatorBenchmark } from './coordinator.bench';
import { operatorsBenchmark } from './operators.bench';
import type { Benchmark } from './harness';

const ALL: Benchmark[] = [coordinatorBenchmark, storeOpsBenchmark, apiBenchmark, accessLogBenchmark, bundleBenchmark, operatorsBenchmark];

const wanted = process.argv.slice(2);
const chosen = wanted.length ? ALL.filter((b) => wanted.includes(b.name)) : ALL;
if (chosen.length === 0) {
  process.stderr.write(`unknown benchmark; choose from: ${ALL.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}

process.stdout.write(`node ${process.version}, ${process.platform}/${process.arch}\n`);
for (const bench of chosen) {
  process.stdout.write(`\n## ${bench.name}: ${bench.description}\n`);
  const figures = await bench.run();
  for (const f of figures) {
    process.stdout.write(`  ${f.name.padEnd(44)} ${String(f.value).padStart(12)} ${f.unit}${f.target ? `   (${f.target})` : ''}\n`);
  }
  process.stdout.write(`${JSON.stringify({ bench: bench.name, figures })}\n`);
}
