// What `thaw deploy` asks of the cloud: the calls a fresh deploy and a no-change deploy make against
// the local FC, RAM, Tablestore and Log Service APIs, counted by operation (the FC API's request log,
// the RAM API's x-acs-action, the emulators' own stats), and the wall time of each, on the synthetic
// code of the deploy tests (no build), once per platform: FC 3.0 (the default for a new stack) and
// FC 2.0. Before the deploy read the tables once, a deploy sent ListTable up to four times and
// DescribeTable twice.
import type { Platform } from '../../lib/deploy/platform';
import type { Figure } from './harness';
import { type Benchmark, timed } from './harness';
import { startDeployTarget } from '../support/deploy-target';

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

export const deployBenchmark: Benchmark = {
  name: 'deploy',
  description:
    'calls and wall time of a fresh and a no-change thaw deploy, on FC 3.0 and on FC 2.0, against the local FC, RAM, Tablestore and Log Service APIs',
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [];
    for (const platform of ['fc3', 'fc2'] as const) figures.push(...(await onPlatform(platform)));
    return figures;
  },
};

async function onPlatform(platform: Platform): Promise<Figure[]> {
  const target = await startDeployTarget({ platform });
  try {
    const figures: Figure[] = [];
    for (const run of ['fresh', 'noChange'] as const) {
      const before = {
        fc: target.requests.length,
        ram: { ...target.ramCalls },
        ots: { ...target.tablestore.stats().operations },
        sls: { ...target.sls.stats().operations },
      };
      const { ms } = await timed(() => target.deploy());
      const fcCalls: Record<string, number> = {};
      for (const r of target.requests.slice(before.fc)) {
        const what = `${r.method} ${r.path
          .replace(/\/services\/[^/]+/, '/services/S')
          .replace(/\/functions\/[^/]+/, '/functions/F')
          .replace(/\/custom-domains\/[^/]+/, '/custom-domains/D')
          .replace(/\/triggers\/[^/]+/, '/triggers/T')}`;
        fcCalls[what] = (fcCalls[what] ?? 0) + 1;
      }
      const counts = {
        fc: fcCalls,
        ram: diff(target.ramCalls, before.ram),
        tablestore: diff(target.tablestore.stats().operations, before.ots),
        sls: diff(target.sls.stats().operations, before.sls),
      };
      for (const [service, byOperation] of Object.entries(counts)) {
        figures.push({
          name: `${platform} ${run}: ${service} calls`,
          value: total(byOperation),
          unit: 'calls',
          key: `deploy.${platform}.${run}.${service}Calls`,
        });
        process.stderr.write(`  ${platform} ${run} ${service}: ${JSON.stringify(byOperation)}\n`);
      }
      figures.push({
        name: `${platform} ${run}: ListTable`,
        value: counts.tablestore.ListTable ?? 0,
        unit: 'calls',
        target: 'was up to 4',
        key: `deploy.${platform}.${run}.listTable`,
      });
      figures.push({
        name: `${platform} ${run}: DescribeTable`,
        value: counts.tablestore.DescribeTable ?? 0,
        unit: 'calls',
        target: 'was 2',
        key: `deploy.${platform}.${run}.describeTable`,
      });
      figures.push({ name: `${platform} ${run}: wall time`, value: Math.round(ms), unit: 'ms', key: `deploy.${platform}.${run}.wallMs` });
    }
    return figures;
  } finally {
    await target.close();
  }
}
