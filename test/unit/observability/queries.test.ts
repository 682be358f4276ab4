// Every alert query and dashboard chart reads only fields that exist: over the function logstore,
// the declared log fields (lib/log-fields.ts) under `message`, or FC's own; over the buckets' access
// log, the fields OSS writes that the access-log path reads. Held like the template's grants are:
// each query is parsed with the Log Service emulator's parser and run under the index the deploy
// makes, and each rule's condition may name only the columns its queries answer.
import { describe, expect, it } from 'vitest';
import { parseCondition, validateAlert, type ConditionExpr } from '../../../lib/emulators/sls/alerts';
import { OSS_ACCESS_LOG_INDEX } from '../../../lib/emulators/sls/index';
import { parseIndexConfig } from '../../../lib/emulators/sls/index-config';
import { parseQuery, selectColumns } from '../../../lib/emulators/sls/query';
import { runQuery } from '../../../lib/emulators/sls/search';
import { ACCESS_LOG_FIELDS } from '../../../lib/events/access-log';
import { LOG_FIELDS } from '../../../lib/log-fields';
import { ALERT_KINDS, alertRules, alertSpecs, runbookAnchor } from '../../../lib/observability/alerts';
import { CHARTS, dashboard } from '../../../lib/observability/dashboard';
import { FUNCTION_LOG_INDEX } from '../../../lib/sls/function-log-index';
import { docsPage } from '../../support/docs-table';

/** FC's fields of a function log (FC 2.0 "Configure logging") and the fields every log has. */
const FC_FIELDS = new Set(['serviceName', 'functionName', 'qualifier', 'versionId', '__topic__', '__source__', '__time__']);
const DECLARED = new Set(
  Object.entries(LOG_FIELDS)
    .filter(([, f]) => f.type !== 'map')
    .map(([name]) => `message.${name}`),
);
const ACCESS_LOG = new Set<string>([...ACCESS_LOG_FIELDS, 'bucket', '__topic__', '__time__']);

function fieldsOf(query: string): string[] {
  const parsed = parseQuery(query);
  return [...parsed.searchKeys, ...(parsed.select ? selectColumns(parsed.select) : [])];
}

function conditionFields(expr: ConditionExpr, out: { query: number; name: string }[] = []): { query: number; name: string }[] {
  if (expr.kind === 'field') out.push({ query: expr.query, name: expr.name });
  else if (expr.kind === 'binary') {
    conditionFields(expr.left, out);
    conditionFields(expr.right, out);
  } else if (expr.kind === 'not' || expr.kind === 'negate') conditionFields(expr.operand, out);
  return out;
}

const FUNCTION_INDEX = parseIndexConfig(FUNCTION_LOG_INDEX);
const ACCESS_INDEX = parseIndexConfig(OSS_ACCESS_LOG_INDEX);
const queries = [
  ...alertSpecs().flatMap((spec) => spec.queries.map((q) => ({ label: `alert ${spec.kind}`, ...q }))),
  ...CHARTS.map((chart) => ({ label: `chart "${chart.title}"`, store: 'function-logs' as const, query: chart.query })),
];

describe('alert and chart queries', () => {
  it.each(queries.map((q) => [q.label, q.store, q.query] as const))('%s reads only fields that exist (%s)', (_label, store, query) => {
    const allowed = store === 'access-log' ? ACCESS_LOG : new Set([...DECLARED, ...FC_FIELDS]);
    expect(fieldsOf(query).filter((f) => !allowed.has(f))).toEqual([]);
    // And the index the deploy makes (OSS's, for the access log) serves it: no key without an index,
    // no column without analytics.
    expect(() =>
      runQuery(parseQuery(query), store === 'access-log' ? ACCESS_INDEX : FUNCTION_INDEX, [], { line: 100, offset: 0, reverse: false }),
    ).not.toThrow();
  });

  it('would catch a field the functions do not log', () => {
    expect(fieldsOf('message.outcomes: failed | select count(*) as n').filter((f) => !DECLARED.has(f))).toEqual(['message.outcomes']);
    expect(() => runQuery(parseQuery('message.outcomes: failed'), FUNCTION_INDEX, [], { line: 100, offset: 0, reverse: false })).toThrow(
      'key (message.outcomes) is not config as key value config',
    );
  });
});

describe('alert rules', () => {
  const settings = {
    stack: 'oss-thaw',
    functionLogs: { project: 'thaw-logs', logstore: 'functions' },
    accessLog: { project: 'oss-log-1-cn-hangzhou', logstore: 'oss-log-store' },
    notification: { kind: 'none' as const },
  };

  it.each(alertSpecs().map((s) => [s.kind, s] as const))('%s: its condition names only columns its queries answer', (_kind, spec) => {
    const columns = spec.queries.map((q) => new Set(parseQuery(q.query).select?.items.map((i) => i.alias) ?? []));
    for (const { query, name } of conditionFields(parseCondition(spec.condition))) {
      expect(columns[query]?.has(name), `${spec.condition}: $${query}.${name}`).toBe(true);
    }
  });

  it('are one per kind, each in the 2.0 shape the emulator (after the API models) accepts, named and labelled for the stack', () => {
    const rules = alertRules(settings);
    expect(rules.map((r) => r.name)).toEqual(ALERT_KINDS.map((k) => `oss-thaw-${k}`));
    for (const rule of rules) {
      expect(() => validateAlert(rule as unknown as Record<string, unknown>)).not.toThrow();
      expect(rule.configuration).toMatchObject({
        version: '2.0',
        labels: expect.arrayContaining([{ key: 'oss-thaw-stack', value: 'oss-thaw' }]),
        policyConfiguration: { alertPolicyId: 'sls.builtin.dynamic', actionPolicyId: '' },
      });
    }
  });

  it('each name its runbook step, an anchor docs/observability.md has', () => {
    const page = docsPage('observability.md');
    for (const rule of alertRules(settings)) {
      const kind = rule.name.replace('oss-thaw-', '') as (typeof ALERT_KINDS)[number];
      const runbook = (rule.configuration.annotations as { key: string; value: string }[]).find((a) => a.key === 'runbook')!.value;
      expect(runbook).toBe(`docs/observability.md#${runbookAnchor(kind)}`);
      expect(page).toContain(`<a id="${runbookAnchor(kind)}"></a>`);
      expect(page).toContain(`[\`${kind}\`](#${runbookAnchor(kind)})`);
    }
  });

  it('send through the action policy the notification names', () => {
    const through = (notification: (typeof settings)['notification'] | { kind: 'action-policy'; actionPolicyId: string }) =>
      alertRules({ ...settings, notification })[0]!.configuration.policyConfiguration;
    expect(through({ kind: 'action-policy', actionPolicyId: 'ops-oncall' })).toMatchObject({ actionPolicyId: 'ops-oncall' });
    expect(
      alertRules({ ...settings, notification: { kind: 'webhook', type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=x' } })[0]!
        .configuration.policyConfiguration,
    ).toMatchObject({ actionPolicyId: 'oss-thaw-alerts' });
  });
});

describe('the dashboard', () => {
  it('has its charts over the function logstore, in the documented chart shape, marked as the stack’s', () => {
    const board = dashboard({ stack: 'oss-thaw', functionLogs: { project: 'p', logstore: 'functions' } });
    expect(board).toMatchObject({ dashboardName: 'oss-thaw-overview', attribute: { type: 'grid', 'oss-thaw-stack': 'oss-thaw' } });
    expect(board.charts).toHaveLength(CHARTS.length);
    for (const chart of board.charts) {
      expect(chart).toMatchObject({ search: { logstore: 'functions', end: 'now' }, display: { width: 6, height: 5 } });
      expect(chart.search.start).toMatch(/^-\d+s$/);
    }
  });
});
