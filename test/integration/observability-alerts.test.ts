// The alerts, the dashboard and their deploy steps against the Log Service emulator over loopback:
// the vendor's SDK (@alicloud/sls20201230, unmodified) creates each as the deploy's bodies say;
// the steps create, leave unchanged, update, refuse what another stack made, and delete only what
// this one made; and each alert, evaluated by the emulator on staged function log lines (as FC
// writes them: FC's fields, the line in `message`), fires when it should and not otherwise.
import * as $Sls from '@alicloud/sls20201230';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { OSS_ACCESS_LOG_INDEX, type SlsEmulator, startSlsEmulator } from '../../lib/emulators/sls/index';
import { type AlertKind, alertRules } from '../../lib/observability/alerts';
import { dashboard } from '../../lib/observability/dashboard';
import { type ObservabilityStep, observabilityDeletions, observabilitySteps } from '../../lib/observability/deploy-steps';
import { observabilitySettings, whoIsTold } from '../../lib/observability/notification';
import type { AlertThresholds, ObservabilitySettings } from '../../lib/observability/settings';
import { FUNCTION_LOG_INDEX, SlsAdmin, type SlsAlert } from '../../lib/sls/index';
import { resolveProjectHostsToLoopback, sdkClient } from './sls-sdk-harness';

const NOW_MS = Date.UTC(2026, 5, 1, 12, 0, 0);
const NOW_S = NOW_MS / 1000;
const LOGSTORE = 'function-logs';
const ACCESS_LOGSTORE = 'oss-log-store';

let sls: SlsEmulator;
let undo: () => void;
let n = 0;

beforeAll(async () => {
  undo = resolveProjectHostsToLoopback();
  sls = await startSlsEmulator({ clock: new ManualClock(NOW_MS) });
});

afterAll(async () => {
  await sls?.close();
  undo?.();
});

function admin(project: string): SlsAdmin {
  const key = sls.credentials[0]!;
  return new SlsAdmin({ endpoint: sls.endpoint, project, accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret });
}

/** A fresh function-logs project with the deploy's index, and an access-log project with OSS's. */
async function freshStack(extra: Partial<Record<string, string>> = {}): Promise<ObservabilitySettings> {
  const project = `thaw-obs-${++n}`;
  const accessProject = `oss-log-${n}-cn-hangzhou`;
  sls.createProject(project);
  sls.createLogstore(project, LOGSTORE, { shardCount: 2 });
  sls.createProject(accessProject);
  sls.createLogstore(accessProject, ACCESS_LOGSTORE, { shardCount: 2 });
  sls.createIndex(accessProject, ACCESS_LOGSTORE, OSS_ACCESS_LOG_INDEX);
  const client = admin(project);
  await client.createIndex(LOGSTORE, FUNCTION_LOG_INDEX);
  client.close();
  return observabilitySettings('oss-thaw', {
    FunctionLogProject: project,
    FunctionLogstore: LOGSTORE,
    AccessLogProject: accessProject,
    AccessLogLogstore: ACCESS_LOGSTORE,
    ...extra,
  });
}

async function run(steps: readonly ObservabilityStep[]): Promise<void> {
  for (const step of steps) await step.run?.();
}

const actions = (steps: readonly ObservabilityStep[]) => steps.map((s) => `${s.action} ${s.kind} ${s.name.split('/').pop()}`);

// --- the vendor's SDK -------------------------------------------------------------------------------

/** The deploy's alert body as @alicloud/sls20201230's models carry it. */
function sdkAlert(rule: SlsAlert): $Sls.CreateAlertRequest {
  const c = rule.configuration as Record<string, any>;
  const tags = (list: { key: string; value: string }[]) => list.map((t) => new $Sls.AlertTag(t));
  return new $Sls.CreateAlertRequest({
    name: rule.name,
    displayName: rule.displayName,
    description: rule.description,
    configuration: new $Sls.AlertConfiguration({
      ...c,
      queryList: c.queryList.map((q: Record<string, string>) => new $Sls.AlertQuery(q)),
      joinConfigurations: c.joinConfigurations?.map((j: Record<string, string>) => new $Sls.JoinConfiguration(j)),
      groupConfiguration: new $Sls.GroupConfiguration(c.groupConfiguration),
      conditionConfiguration: new $Sls.ConditionConfiguration(c.conditionConfiguration),
      severityConfigurations: c.severityConfigurations.map(
        (s: { severity: number; evalCondition: Record<string, string> }) =>
          new $Sls.SeverityConfiguration({ severity: s.severity, evalCondition: new $Sls.ConditionConfiguration(s.evalCondition) }),
      ),
      labels: tags(c.labels),
      annotations: tags(c.annotations),
      policyConfiguration: new $Sls.PolicyConfiguration(c.policyConfiguration),
    }),
    schedule: new $Sls.Schedule(rule.schedule as Record<string, unknown>),
  });
}

describe('as the vendor’s SDK sends them', () => {
  it('every alert field the deploy sets is one of the SDK’s models', () => {
    const settings = {
      stack: 'oss-thaw',
      functionLogs: { project: 'p', logstore: 'l' },
      accessLog: { project: 'a', logstore: 'b' },
      notification: { kind: 'none' as const },
    };
    const models: Record<string, Record<string, string>> = {
      configuration: $Sls.AlertConfiguration.names(),
      query: $Sls.AlertQuery.names(),
      schedule: $Sls.Schedule.names(),
      policy: $Sls.PolicyConfiguration.names(),
    };
    for (const rule of alertRules(settings)) {
      const c = rule.configuration as Record<string, any>;
      expect(Object.keys(c).filter((k) => !(k in models.configuration!))).toEqual([]);
      for (const q of c.queryList) expect(Object.keys(q).filter((k) => !(k in models.query!))).toEqual([]);
      expect(Object.keys(rule.schedule).filter((k) => !(k in models.schedule!))).toEqual([]);
      expect(Object.keys(c.policyConfiguration).filter((k) => !(k in models.policy!))).toEqual([]);
    }
  });

  it('the emulator takes the index, every alert and the dashboard as the SDK sends them, and answers them back', async () => {
    const settings = await freshStack();
    const project = settings.functionLogs.project;
    const client = sdkClient(sls);
    for (const rule of alertRules(settings)) await client.createAlert(project, sdkAlert(rule));
    const board = dashboard(settings);
    await client.createDashboard(
      project,
      new $Sls.CreateDashboardRequest({
        body: new $Sls.Dashboard({ ...board, charts: board.charts.map((c) => new $Sls.Chart(c as unknown as Record<string, unknown>)) }),
      }),
    );
    const got = (await client.getAlert(project, 'oss-thaw-api-5xx')).body!;
    expect(got.configuration?.queryList?.[0]?.query).toContain('count_if("message.status" >= 500)');
    expect(got.configuration?.severityConfigurations?.[0]?.evalCondition?.condition).toBe('requests >= 20 && matching * 100 >= requests * 5');
    expect((await client.getDashboard(project, 'oss-thaw-overview')).body?.charts).toHaveLength(board.charts.length);
    // What the SDK made is what the deploy would make: its next plan changes nothing.
    const logs = admin(project);
    expect((await observabilitySteps({ logs }, settings)).map((s) => s.action)).toEqual(Array(11).fill('unchanged'));
    logs.close();
  });
});

// --- the deploy's steps ----------------------------------------------------------------------------

describe('deploy steps', () => {
  it('create everything, then plan nothing, then update what a threshold changed', async () => {
    const settings = await freshStack();
    const logs = admin(settings.functionLogs.project);
    const first = await observabilitySteps({ logs }, settings);
    expect(first.map((s) => s.action)).toEqual(Array(11).fill('create'));
    expect(first.map((s) => s.kind)).toEqual([...Array(10).fill('alert'), 'dashboard']);
    await run(first);
    expect((await observabilitySteps({ logs }, settings)).every((s) => s.action === 'unchanged')).toBe(true);

    const stricter: ObservabilitySettings = { ...settings, thresholds: { ...settings.thresholds, failedRestores: 2 } as AlertThresholds };
    const changed = (await observabilitySteps({ logs }, stricter)).filter((s) => s.action !== 'unchanged');
    expect(changed.map((s) => [s.action, s.name, s.reasons])).toEqual([
      ['update', `${settings.functionLogs.project}/oss-thaw-failed-restores`, ['description differs', 'configuration differs']],
    ]);
    await run(changed);
    expect((await logs.getAlert('oss-thaw-failed-restores')).configuration).toMatchObject({
      severityConfigurations: [{ evalCondition: { condition: 'failed >= 2' } }],
    });
    logs.close();
  });

  it('refuse an alert or a dashboard of the same name that another stack made, and leave them at destroy', async () => {
    const settings = await freshStack();
    const logs = admin(settings.functionLogs.project);
    const theirs = alertRules({ ...settings, stack: 'oss-thaw' }).find((r) => r.name === 'oss-thaw-sweeper-silent')!;
    (theirs.configuration.labels as { key: string; value: string }[])[0]!.value = 'someone-else';
    await logs.createAlert(theirs);
    await logs.createDashboard({ ...dashboard(settings), attribute: { type: 'grid' } });
    const steps = await observabilitySteps({ logs }, settings);
    expect(steps.filter((s) => s.action === 'blocked').map((s) => `${s.kind} ${s.name.split('/')[1]}`)).toEqual([
      'alert oss-thaw-sweeper-silent',
      'dashboard oss-thaw-overview',
    ]);
    await run(steps);
    const removal = await observabilityDeletions({ logs }, settings);
    expect(removal.filter((s) => s.action === 'keep').map((s) => s.name.split('/')[1])).toEqual(['oss-thaw-sweeper-silent', 'oss-thaw-overview']);
    expect(removal.filter((s) => s.action === 'delete')).toHaveLength(9);
    await run(removal);
    await expect(logs.getAlert('oss-thaw-failed-restores')).rejects.toMatchObject({ code: 'JobNotExist' });
    expect((await logs.getAlert('oss-thaw-sweeper-silent')).name).toBe('oss-thaw-sweeper-silent');
    expect((await observabilityDeletions({ logs }, settings)).map((s) => s.action)).toEqual(['keep', 'keep']);
    logs.close();
  });

  it('with a webhook: make its integration and an action policy, name it in every rule, update it without printing the URL, remove both', async () => {
    const url = 'https://oapi.dingtalk.com/robot/send?access_token=secret-token-1';
    const settings = await freshStack({ AlertWebhookUrl: url, AlertWebhookType: 'dingtalk', AlertWebhookSecret: 'SEC1' });
    expect(whoIsTold(settings)).toBe('alerts: sent to a dingtalk webhook (oapi.dingtalk.com) through action policy oss-thaw-alerts');
    const logs = admin(settings.functionLogs.project);
    const steps = await observabilitySteps({ logs }, settings);
    expect(actions(steps).slice(0, 2)).toEqual(['create webhook oss-thaw-alerts-webhook', 'create action policy oss-thaw-alerts']);
    await run(steps);
    const policy = JSON.parse((await logs.getResourceRecord('sls.alert.action_policy', 'oss-thaw-alerts')).value) as Record<string, unknown>;
    expect(policy).toMatchObject({ action_policy_id: 'oss-thaw-alerts', is_default: false, labels: {} });
    expect(policy.primary_policy_script).toBe('fire(type="dingtalk", webhook_id="oss-thaw-alerts-webhook", template_id="sls.builtin.en", period="any")');
    expect((await logs.getAlert('oss-thaw-api-401')).configuration).toMatchObject({ policyConfiguration: { actionPolicyId: 'oss-thaw-alerts' } });

    const moved = { ...settings, notification: { kind: 'webhook' as const, type: 'dingtalk' as const, url: `${url}-rotated`, secret: 'SEC1' } };
    const update = (await observabilitySteps({ logs }, moved)).filter((s) => s.action !== 'unchanged');
    expect(update.map((s) => [s.action, s.kind, s.reasons])).toEqual([['update', 'webhook', ["the webhook's url differs"]]]);
    expect(JSON.stringify(update)).not.toContain('secret-token');
    await run(update);

    await run(await observabilityDeletions({ logs }, moved));
    await expect(logs.getResourceRecord('sls.alert.action_webhook', 'oss-thaw-alerts-webhook')).rejects.toMatchObject({ code: 'ResourceRecordNotExist' });
    await expect(logs.getResourceRecord('sls.alert.action_policy', 'oss-thaw-alerts')).rejects.toMatchObject({ code: 'ResourceRecordNotExist' });
    logs.close();
  });

  it('say so when no one will be told, and take an existing action policy', () => {
    expect(whoIsTold({ stack: 's', notification: { kind: 'none' } })).toContain('no one will be told');
    expect(whoIsTold({ stack: 's', notification: { kind: 'action-policy', actionPolicyId: 'ops' } })).toBe('alerts: sent through action policy ops');
  });
});

// --- each alert on staged lines --------------------------------------------------------------------

/** A function log as FC writes it: FC's fields, the function's JSON line in `message`. */
function line(ageS: number, fields: Record<string, unknown>) {
  const fn = String(fields.function ?? 'http');
  return {
    time: NOW_S - ageS,
    contents: {
      serviceName: `oss-thaw-${fn}`,
      functionName: fn,
      qualifier: 'LATEST',
      versionId: '',
      message: JSON.stringify({ time: new Date((NOW_S - ageS) * 1000).toISOString(), level: 'info', ...fields }),
    },
  };
}

const state = (ageS: number, fields: Record<string, unknown>) =>
  line(ageS, { msg: 'state', function: 'access-log', bucket: 'photos', key: `k-${ageS}`, requestId: 'r', ...fields });
const http = (status: number) => line(60, { msg: 'http', function: 'http', method: 'POST', status, tokenId: 'ops', durationMs: 12 });
const refusedRead = (ageS: number) => ({
  time: NOW_S - ageS,
  contents: { bucket: 'photos', object: 'a.jpg', operation: 'GetObject', http_status: '403', error_code: 'InvalidObjectState' },
});

type Staged = { functions: ReturnType<typeof line>[]; accessLog?: ReturnType<typeof refusedRead>[] };

async function evaluate(kind: AlertKind, staged: Staged) {
  const settings = await freshStack();
  const logs = admin(settings.functionLogs.project);
  const rule = alertRules(settings).find((r) => r.name === `oss-thaw-${kind}`)!;
  await logs.createAlert(rule);
  logs.close();
  if (staged.functions.length) sls.writeLogs(settings.functionLogs.project, LOGSTORE, staged.functions, { topic: 'oss-thaw' });
  if (staged.accessLog?.length) sls.writeLogs(settings.accessLog.project, ACCESS_LOGSTORE, staged.accessLog, { topic: 'oss_access_log' });
  return sls.evaluateAlert(settings.functionLogs.project, rule.name, NOW_MS);
}

const times = <T>(count: number, make: (i: number) => T) => Array.from({ length: count }, (_, i) => make(i));

describe('each alert, evaluated on staged lines', () => {
  it.each<[AlertKind, string, Staged, boolean]>([
    ['failed-restores', '5 FAILED in 15 min', { functions: times(5, (i) => state(60 + i, { outcome: 'failed', to: 'FAILED' })) }, true],
    [
      'failed-restores',
      '4 FAILED, and older ones',
      {
        functions: [
          ...times(4, (i) => state(60 + i, { outcome: 'failed' })),
          ...times(3, (i) => state(3600 + i, { outcome: 'failed' })),
          state(5, { outcome: 'restoreStarted' }),
        ],
      },
      false,
    ],
    ['budget-high', 'a restore left 85% used', { functions: [state(600, { outcome: 'restoreStarted', budgetUsePct: 85 })] }, true],
    ['budget-high', 'at most 79% used', { functions: [state(600, { outcome: 'restoreStarted', budgetUsePct: 79 })] }, false],
    ['budget-exhausted', 'a daily-budget deferral', { functions: [state(60, { outcome: 'deferred', to: 'DEFERRED', reason: 'daily-byte-budget' })] }, true],
    [
      'budget-exhausted',
      'the budget of new records',
      { functions: [line(60, { msg: 'no record', function: 'http', outcome: 'dailyRecordBudget', bucket: 'photos' })] },
      true,
    ],
    ['budget-exhausted', 'only the rate limit', { functions: [state(60, { outcome: 'deferred', reason: 'rate-limit' })] }, false],
    [
      'access-log-lagging',
      '20 min behind',
      { functions: [line(120, { msg: 'access-log range done', function: 'access-log', records: 3, accessLogLagMs: 1_200_000 })] },
      true,
    ],
    [
      'access-log-lagging',
      '3 min behind, and an empty range',
      {
        functions: [
          line(120, { msg: 'access-log range done', function: 'access-log', records: 3, accessLogLagMs: 180_000 }),
          line(60, { msg: 'access-log range done', function: 'access-log', records: 0 }),
        ],
      },
      false,
    ],
    ['access-log-silent', 'refused reads, no range handled', { functions: [http(200)], accessLog: times(3, (i) => refusedRead(1800 + i)) }, true],
    [
      'access-log-silent',
      'refused reads, and ranges handled',
      { functions: [line(1500, { msg: 'access-log range done', function: 'access-log', records: 3 })], accessLog: times(3, (i) => refusedRead(1800 + i)) },
      false,
    ],
    ['access-log-silent', 'no reads refused at all', { functions: [] }, false],
    ['sweeper-silent', 'no sweep in 10 min', { functions: [line(900, { msg: 'sweep done', function: 'sweeper', due: 0 }), http(200)] }, true],
    ['sweeper-silent', 'a sweep 3 min ago', { functions: [line(180, { msg: 'sweep done', function: 'sweeper', due: 0 })] }, false],
    ['api-5xx', '2 of 20 answers 503', { functions: [...times(18, () => http(202)), http(503), http(503)] }, true],
    ['api-5xx', 'none of 20', { functions: times(20, () => http(200)) }, false],
    ['api-5xx', 'half of only 10', { functions: [...times(5, () => http(200)), ...times(5, () => http(500))] }, false],
    ['api-401', '10 of 30 answers 401', { functions: [...times(20, () => http(200)), ...times(10, () => http(401))] }, true],
    ['api-401', '2 of 30', { functions: [...times(28, () => http(200)), ...times(2, () => http(401))] }, false],
    [
      'function-errors',
      '5 error lines',
      { functions: times(5, () => line(60, { msg: 'claim failed: store unavailable', level: 'error', function: 'sweeper' })) },
      true,
    ],
    [
      'function-errors',
      '4 errors and warnings',
      { functions: [...times(4, () => line(60, { msg: 'x', level: 'error' })), ...times(9, () => line(60, { msg: 'y', level: 'warn' }))] },
      false,
    ],
    ['function-timeouts', 'objects left for the deadline', { functions: [line(60, { msg: 'batch done', function: 'sweeper', unstarted: 3 })] }, true],
    [
      'function-timeouts',
      'FC ended an invocation',
      {
        functions: [
          {
            time: NOW_S - 60,
            contents: {
              serviceName: 's',
              functionName: 'sweeper',
              qualifier: 'LATEST',
              versionId: '',
              message: 'FC Invoke End RequestId: 1-abc, Error: Function timed out after 60 seconds',
            },
          },
        ],
      },
      true,
    ],
    [
      'function-timeouts',
      'everything done in time',
      {
        functions: [
          line(60, { msg: 'batch done', function: 'sweeper', unstarted: 0 }),
          line(60, { msg: 'access-log range done', function: 'access-log', unread: false }),
        ],
      },
      false,
    ],
  ])('%s, %s: fires %s', async (kind, _label, staged, fires) => {
    const result = await evaluate(kind, staged);
    expect(result.fired).toBe(fires);
  });

  it('fires budget alerts per bucket, naming it', async () => {
    const result = await evaluate('budget-exhausted', {
      functions: [
        state(60, { bucket: 'photos', reason: 'daily-restore-budget' }),
        state(61, { bucket: 'logs', reason: 'daily-restore-budget' }),
        state(62, { bucket: 'photos', reason: 'daily-restore-budget' }),
      ],
    });
    expect(result).toMatchObject({
      fired: true,
      severity: 8,
      matched: [
        { bucket: 'logs', deferred: '1' },
        { bucket: 'photos', deferred: '2' },
      ],
    });
  });
});
