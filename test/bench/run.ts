// npm run bench [-- name ...] [-- --json]: runs the benchmarks and prints their figures as one
// table; with --json, also the keyed figures as one JSON object on the last line of stdout.
// A benchmark is a module exporting a Benchmark (harness.ts); add it to ALL to run it.
import { cpus, loadavg, totalmem } from 'node:os';
import { abuseBenchmark } from './abuse.bench';
import { accessLogBenchmark } from './access-log.bench';
import { apiBenchmark } from './api.bench';
import { bundleBenchmark } from './bundle.bench';
import { coordinatorBenchmark } from './coordinator.bench';
import { deployBenchmark } from './deploy.bench';
import type { Benchmark, Figure } from './harness';
import { operatorsBenchmark } from './operators.bench';
import { storeOpsBenchmark } from './store-ops.bench';

const ALL: Benchmark[] = [
  coordinatorBenchmark,
  storeOpsBenchmark,
  accessLogBenchmark,
  apiBenchmark,
  bundleBenchmark,
  operatorsBenchmark,
  abuseBenchmark,
  deployBenchmark,
];

const args = process.argv.slice(2);
const json = args.includes('--json');
const unknownFlags = args.filter((a) => a.startsWith('--') && a !== '--json');
const wanted = args.filter((a) => !a.startsWith('--'));
const unknownNames = wanted.filter((name) => !ALL.some((b) => b.name === name));
const chosen = wanted.length ? ALL.filter((b) => wanted.includes(b.name)) : ALL;
if (unknownFlags.length || unknownNames.length) {
  process.stderr.write(`usage: npm run bench [-- name ...] [-- --json]; names: ${ALL.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}

const machine = {
  node: process.version,
  platform: `${process.platform}/${process.arch}`,
  cpus: cpus().length,
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
};
process.stdout.write(`node ${machine.node}, ${machine.platform}, ${machine.cpus} × ${machine.cpu}, load ${machine.loadAverage1m}\n`);

const rows: { bench: string; figure: Figure }[] = [];
for (const bench of chosen) {
  process.stderr.write(`running ${bench.name}: ${bench.description}\n`);
  for (const figure of await bench.run()) rows.push({ bench: bench.name, figure });
}

const cells = rows.map(({ bench, figure }) => [bench, figure.name, String(figure.value), figure.unit, figure.target ?? '', figure.key ?? '']);
const header = ['benchmark', 'figure', 'value', 'unit', 'target', 'key'];
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
const line = (c: string[]) => `| ${c.map((v, i) => (i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')} |`;
process.stdout.write(`\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${cells.map(line).join('\n')}\n`);

if (json) {
  const summary: Record<string, unknown> = {};
  for (const { figure } of rows) {
    if (!figure.key) continue;
    const path = figure.key.split('.');
    let at = summary;
    for (const part of path.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[path.at(-1)!] = figure.value;
  }
  summary.machine = machine;
  summary.figures = rows.map(({ bench, figure }) => ({ bench, ...figure }));
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
