// The vendor's OpenAPI SDK (@alicloud/sls20201230, unmodified) against the Log Service emulator over
// loopback: index, GetLogs/GetLogsV2, dashboards, alerts and logstores, each happy path and its
// documented errors.
import * as $Sls from '@alicloud/sls20201230';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { type SlsEmulator, startSlsEmulator } from '../../lib/emulators/sls/index';
import { resolveProjectHostsToLoopback, sdkClient, sdkError } from './sls-sdk-harness';

const PROJECT = 'thaw-functions';
const LOGSTORE = 'function-logs';
const NOW_MS = Date.UTC(2026, 5, 1, 12, 0, 0);
const NOW_S = NOW_MS / 1000;

let sls: SlsEmulator;
let client: ReturnType<typeof sdkClient>;
let undo: () => void;
const clock = new ManualClock(NOW_MS);

beforeAll(async () => {
  undo = resolveProjectHostsToLoopback();
  sls = await startSlsEmulator({ clock });
  client = sdkClient(sls);
});

afterAll(async () => {
  await sls.close();
  undo();
});

let n = 0;
let project: string;
beforeEach(() => {
  // A project per test: no test sees another's index, dashboards or alerts.
  project = `${PROJECT}-${++n}`;
  sls.createProject(project);
  sls.createLogstore(project, LOGSTORE, { shardCount: 2 });
});

const TOKENS = [' ', ',', '"', ':', '{', '}'];

function indexRequest(extra: Record<string, $Sls.IndexKey> = {}): $Sls.CreateIndexRequest {
  return new $Sls.CreateIndexRequest({
    body: new $Sls.Index({
      line: new $Sls.IndexLine({ token: TOKENS, caseSensitive: false }),
      keys: { functionName: new $Sls.IndexKey({ type: 'text', token: TOKENS, docValue: true }), ...extra },
    }),
  });
}

describe('index', () => {
  it('creates, reads, updates and deletes an index', async () => {
    await client.createIndex(project, LOGSTORE, indexRequest());
    const got = await client.getIndex(project, LOGSTORE);
    expect(got.statusCode).toBe(200);
    expect(got.body?.line?.token).toEqual(TOKENS);
    expect(got.body?.ttl).toBe(30);
    expect(got.body?.keys?.functionName?.type).toBe('text');

    await client.updateIndex(project, LOGSTORE, new $Sls.UpdateIndexRequest({ body: indexRequest({ status: new $Sls.IndexKey({ type: 'long' }) }).body }));
    expect(Object.keys((await client.getIndex(project, LOGSTORE)).body?.keys ?? {}).sort()).toEqual(['functionName', 'status']);

    await client.deleteIndex(project, LOGSTORE);
    expect(await sdkError(client.getIndex(project, LOGSTORE))).toMatchObject({ code: 'IndexConfigNotExist', status: 400 });
  });

  it.each([
    ['GetIndex without an index', () => client.getIndex(project, LOGSTORE), 'IndexConfigNotExist', 400],
    [
      'UpdateIndex without an index',
      () => client.updateIndex(project, LOGSTORE, new $Sls.UpdateIndexRequest({ body: indexRequest().body })),
      'IndexConfigNotExist',
      400,
    ],
    ['DeleteIndex without an index', () => client.deleteIndex(project, LOGSTORE), 'IndexConfigNotExist', 400],
    ['an index on a missing logstore', () => client.createIndex(project, 'nope', indexRequest()), 'LogStoreNotExist', 404],
    ['an index in a missing project', () => client.getIndex('no-such-project', LOGSTORE), 'ProjectNotExist', 404],
    [
      'a key type that does not exist',
      () => client.createIndex(project, LOGSTORE, new $Sls.CreateIndexRequest({ body: new $Sls.Index({ keys: { a: new $Sls.IndexKey({ type: 'date' }) } }) })),
      'ParameterInvalid',
      400,
    ],
  ])('%s answers %s', async (_label, call, code, status) => {
    expect(await sdkError(call())).toMatchObject({ code, status });
  });

  it('refuses a second CreateIndex', async () => {
    await client.createIndex(project, LOGSTORE, indexRequest());
    expect(await sdkError(client.createIndex(project, LOGSTORE, indexRequest()))).toMatchObject({ code: 'IndexAlreadyExist', status: 400 });
  });
});

describe('GetLogs', () => {
  beforeEach(async () => {
    await client.createIndex(project, LOGSTORE, indexRequest());
  });

  function write(time: number, functionName: string, message: string, topic = 'svc') {
    sls.writeLogs(project, LOGSTORE, [{ time, contents: { functionName, message } }], { topic });
  }

  it('answers the logs of [from, to) that match, as the SDK reads them', async () => {
    write(NOW_S - 10, 'http', 'too early');
    write(NOW_S, 'http', 'first');
    write(NOW_S + 1, 'sweeper', 'second');
    write(NOW_S + 2, 'http', 'third');
    write(NOW_S + 5, 'http', 'at to: excluded');
    const r = await client.getLogs(project, LOGSTORE, new $Sls.GetLogsRequest({ from: NOW_S, to: NOW_S + 5, query: 'functionName: http' }));
    expect(r.body?.map((row) => row.message)).toEqual(['first', 'third']);
    expect(r.headers?.['x-log-progress']).toBe('Complete');
    expect(r.body?.[0]).toEqual({ __source__: '', __time__: String(NOW_S), __topic__: 'svc', functionName: 'http', message: 'first' });

    const reversed = await client.getLogs(project, LOGSTORE, new $Sls.GetLogsRequest({ from: NOW_S, to: NOW_S + 5, reverse: true }));
    expect(reversed.body?.map((row) => row.message)).toEqual(['third', 'second', 'first']);
  });

  it('filters by topic and answers analytic rows', async () => {
    write(NOW_S, 'http', 'a', 'one');
    write(NOW_S, 'http', 'b', 'two');
    write(NOW_S, 'sweeper', 'c', 'two');
    const topic = await client.getLogs(project, LOGSTORE, new $Sls.GetLogsRequest({ from: NOW_S, to: NOW_S + 1, topic: 'two' }));
    expect(topic.body?.map((row) => row.message)).toEqual(['b', 'c']);
    const counts = await client.getLogs(
      project,
      LOGSTORE,
      new $Sls.GetLogsRequest({ from: NOW_S, to: NOW_S + 1, query: '* | select functionName, count(*) as n group by functionName' }),
    );
    expect(counts.body).toEqual([
      { functionName: 'http', n: '2' },
      { functionName: 'sweeper', n: '1' },
    ]);
    expect(counts.headers?.['x-log-has-sql']).toBe('true');
  });

  it('answers at most 100 lines, more by offset', async () => {
    sls.writeLogs(
      project,
      LOGSTORE,
      Array.from({ length: 150 }, (_, i) => ({ time: NOW_S, contents: { functionName: 'http', message: `line ${i}` } })),
    );
    const first = await client.getLogs(project, LOGSTORE, new $Sls.GetLogsRequest({ from: NOW_S, to: NOW_S + 1, line: 1000 }));
    expect(first.body).toHaveLength(100);
    const rest = await client.getLogs(project, LOGSTORE, new $Sls.GetLogsRequest({ from: NOW_S, to: NOW_S + 1, line: 100, offset: 100 }));
    expect(rest.body?.map((r) => r.message)).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i + 100}`));
  });

  it('GetLogsV2 answers the same rows, lz4-compressed, with meta', async () => {
    write(NOW_S, 'http', 'hello world');
    const r = await client.getLogsV2(project, LOGSTORE, new $Sls.GetLogsV2Request({ from: NOW_S, to: NOW_S + 1, query: 'hello' }));
    expect(r.body?.data?.map((row) => row.message)).toEqual(['hello world']);
    expect(r.body?.meta?.progress).toBe('Complete');
    expect(r.headers?.['x-log-compresstype']).toBe('lz4');
  });

  it.each([
    ['a negative from', { from: -1, to: NOW_S }, 'ParameterInvalid', 'The parameter from must be a positive integer'],
    ['a negative offset', { from: NOW_S, to: NOW_S + 1, offset: -1 }, 'ParameterInvalid', 'limit expression is required'],
    ['from = to', { from: NOW_S, to: NOW_S }, 'ParameterInvalid', 'from must be less than to'],
    ['a field without an index', { from: NOW_S, to: NOW_S + 1, query: 'level: error' }, 'ParameterInvalid', 'key (level) is not config'],
    ['a query outside the subset', { from: NOW_S, to: NOW_S + 1, query: '* | select stddev(x)' }, 'ParameterInvalid', 'not emulated'],
  ])('refuses %s', async (_label, request, code, message) => {
    const error = await sdkError(client.getLogs(project, LOGSTORE, new $Sls.GetLogsRequest(request)));
    expect(error).toMatchObject({ code, status: 400 });
    expect(error.message).toContain(message);
  });

  it('answers IndexConfigNotExist for a logstore without an index', async () => {
    sls.createLogstore(project, 'bare');
    expect(await sdkError(client.getLogs(project, 'bare', new $Sls.GetLogsRequest({ from: NOW_S, to: NOW_S + 1 })))).toMatchObject({
      code: 'IndexConfigNotExist',
      message: 'IndexConfigNotExist: logstore without index config',
    });
  });
});

function chart(query: string): $Sls.Chart {
  return new $Sls.Chart({
    title: 'restores',
    type: 'line',
    search: { logstore: LOGSTORE, topic: '', query, start: '-3600s', end: 'now' },
    display: { xPos: 0, yPos: 0, width: 10, height: 12, displayName: 'restores' },
  });
}

describe('dashboards', () => {
  it('creates, reads, lists, updates and deletes a dashboard', async () => {
    const dashboard = new $Sls.Dashboard({
      dashboardName: 'oss-thaw',
      displayName: 'oss-thaw',
      description: 'd',
      attribute: { type: 'grid' },
      charts: [chart('* | select count(*) as n')],
    });
    await client.createDashboard(project, new $Sls.CreateDashboardRequest({ body: dashboard }));
    const got = await client.getDashboard(project, 'oss-thaw');
    expect(got.body?.charts?.[0]?.search).toMatchObject({ logstore: LOGSTORE, query: '* | select count(*) as n' });
    expect(got.body?.attribute).toEqual({ type: 'grid' });

    await client.updateDashboard(
      project,
      'oss-thaw',
      new $Sls.UpdateDashboardRequest({ dashboardName: 'oss-thaw', displayName: 'renamed', charts: [chart('*'), chart('error')] }),
    );
    expect((await client.getDashboard(project, 'oss-thaw')).body?.charts).toHaveLength(2);

    const list = await client.listDashboard(project, new $Sls.ListDashboardRequest({ offset: 0, size: 100 }));
    expect(list.body?.dashboards).toEqual(['oss-thaw']);
    expect(list.body?.dashboardItems?.[0]).toMatchObject({ dashboardName: 'oss-thaw', displayName: 'renamed' });

    await client.deleteDashboard(project, 'oss-thaw');
    expect(await sdkError(client.getDashboard(project, 'oss-thaw'))).toMatchObject({
      code: 'DashboardNotExist',
      message: 'DashboardNotExist: specified dashboard does not exist',
      status: 404,
    });
  });

  it.each([
    ['a missing dashboard', () => client.deleteDashboard(project, 'nope'), 'DashboardNotExist'],
    [
      'an update of a missing one',
      () => client.updateDashboard(project, 'nope', new $Sls.UpdateDashboardRequest({ dashboardName: 'nope', charts: [] })),
      'DashboardNotExist',
    ],
    [
      'a chart without a query',
      () =>
        client.createDashboard(
          project,
          new $Sls.CreateDashboardRequest({
            body: new $Sls.Dashboard({
              dashboardName: 'bad',
              charts: [new $Sls.Chart({ title: 't', type: 'line', search: { logstore: LOGSTORE }, display: {} })],
            }),
          }),
        ),
      'ParameterInvalid',
    ],
  ])('%s answers %s', async (_label, call, code) => {
    expect(await sdkError(call())).toMatchObject({ code });
  });

  it('refuses a second dashboard of the same name', async () => {
    const body = new $Sls.Dashboard({ dashboardName: 'twice', charts: [] });
    await client.createDashboard(project, new $Sls.CreateDashboardRequest({ body }));
    expect(await sdkError(client.createDashboard(project, new $Sls.CreateDashboardRequest({ body })))).toMatchObject({
      code: 'ParameterInvalid',
      message: 'ParameterInvalid: specified dashboard already exists',
    });
  });
});

function alertRequest(name: string, query = 'functionName: http | select count(*) as cnt', condition = 'cnt > 1'): $Sls.CreateAlertRequest {
  return new $Sls.CreateAlertRequest({
    name,
    displayName: 'failed restores',
    configuration: new $Sls.AlertConfiguration({
      version: '2.0',
      type: 'default',
      queryList: [new $Sls.AlertQuery({ storeType: 'log', store: LOGSTORE, query, start: '-300s', end: 'now', timeSpanType: 'Relative', project })],
      groupConfiguration: new $Sls.GroupConfiguration({ type: 'no_group' }),
      severityConfigurations: [
        new $Sls.SeverityConfiguration({ severity: 8, evalCondition: new $Sls.ConditionConfiguration({ condition, countCondition: '' }) }),
      ],
      policyConfiguration: new $Sls.PolicyConfiguration({ alertPolicyId: 'sls.builtin.dynamic', actionPolicyId: 'oss-thaw', repeatInterval: '5m' }),
      noDataFire: false,
      sendResolved: false,
      threshold: 1,
    }),
    schedule: new $Sls.Schedule({ type: 'FixedRate', interval: '1m' }),
  });
}

describe('alerts', () => {
  beforeEach(async () => {
    await client.createIndex(project, LOGSTORE, indexRequest());
  });

  it('creates, reads, lists, disables, updates and deletes an alert', async () => {
    await client.createAlert(project, alertRequest('restore-failures'));
    const got = await client.getAlert(project, 'restore-failures');
    expect(got.body).toMatchObject({ name: 'restore-failures', displayName: 'failed restores', status: 'ENABLED' });
    expect(got.body?.configuration?.queryList?.[0]?.query).toBe('functionName: http | select count(*) as cnt');
    expect(got.body?.schedule).toMatchObject({ type: 'FixedRate', interval: '1m' });

    await client.disableAlert(project, 'restore-failures');
    expect((await client.getAlert(project, 'restore-failures')).body?.status).toBe('DISABLED');

    const update = alertRequest('restore-failures', '* | select count(*) as cnt', 'cnt > 5');
    await client.updateAlert(
      project,
      'restore-failures',
      new $Sls.UpdateAlertRequest({ displayName: 'changed', configuration: update.configuration, schedule: update.schedule }),
    );
    expect((await client.getAlert(project, 'restore-failures')).body?.displayName).toBe('changed');

    const list = await client.listAlerts(project, new $Sls.ListAlertsRequest({ offset: 0, size: 10 }));
    expect(list.body).toMatchObject({ count: 1, total: 1 });
    expect(list.body?.results?.[0]?.name).toBe('restore-failures');

    await client.deleteAlert(project, 'restore-failures');
    expect(await sdkError(client.getAlert(project, 'restore-failures'))).toMatchObject({ code: 'JobNotExist', status: 404 });
  });

  it.each([
    ['a query outside the subset', alertRequest('rule-a1', '* | select stddev(x) as cnt'), 'not emulated'],
    ['a condition outside the subset', alertRequest('rule-a2', undefined, 'cnt =~ "x"'), 'not emulated'],
    [
      'a severity that does not exist',
      (() => {
        const r = alertRequest('rule-a3');
        r.configuration!.severityConfigurations![0]!.severity = 7;
        return r;
      })(),
      'severity must be one of 2, 4, 6, 8, 10',
    ],
    [
      'a FixedRate schedule without interval',
      (() => {
        const r = alertRequest('rule-a4');
        r.schedule = new $Sls.Schedule({ type: 'FixedRate' });
        return r;
      })(),
      'schedule.interval is missing',
    ],
    [
      'version 1 configuration',
      (() => {
        const r = alertRequest('rule-a5');
        r.configuration!.version = '1.0';
        return r;
      })(),
      'configuration.version must be "2.0"',
    ],
    ['an invalid name', alertRequest('Bad Name'), 'name Bad Name is invalid'],
  ])('refuses %s', async (_label, request, message) => {
    const error = await sdkError(client.createAlert(project, request));
    expect(error).toMatchObject({ code: 'ParameterInvalid', status: 400 });
    expect(error.message).toContain(message);
  });

  it('refuses a second alert of the same name, and answers JobNotExist for a missing one', async () => {
    await client.createAlert(project, alertRequest('twice'));
    expect(await sdkError(client.createAlert(project, alertRequest('twice')))).toMatchObject({ code: 'JobAlreadyExist' });
    expect(await sdkError(client.deleteAlert(project, 'nope'))).toMatchObject({ code: 'JobNotExist' });
  });

  it('evaluates a rule once: its query over its window, then its condition', async () => {
    await client.createAlert(project, alertRequest('busy'));
    const write = (time: number) => sls.writeLogs(project, LOGSTORE, [{ time, contents: { functionName: 'http', message: 'x' } }]);
    write(NOW_S - 1000); // outside the -300s window
    write(NOW_S - 10);
    expect(sls.evaluateAlert(project, 'busy', NOW_MS)).toMatchObject({ fired: false, results: [[{ cnt: '1' }]] });
    write(NOW_S - 5);
    expect(sls.evaluateAlert(project, 'busy', NOW_MS)).toMatchObject({ fired: true, severity: 8, matched: [{ cnt: '2' }] });
  });
});

describe('logstores and signatures', () => {
  it('lists and reads logstores as the SDK models them, and deletes one', async () => {
    const list = await client.listLogStores(project, new $Sls.ListLogStoresRequest({}));
    expect(list.body).toEqual(expect.objectContaining({ logstores: [LOGSTORE], count: 1, total: 1 }));
    const got = await client.getLogStore(project, LOGSTORE);
    expect(got.body).toMatchObject({ logstoreName: LOGSTORE, shardCount: 2, ttl: 30, mode: 'standard' });
    await client.deleteLogStore(project, LOGSTORE);
    expect(await sdkError(client.getLogStore(project, LOGSTORE))).toMatchObject({ code: 'LogStoreNotExist', status: 404 });
  });

  it('refuses a request signed (hmac-sha256) with the wrong secret', async () => {
    const wrong = sdkClient(sls, { accessKeyId: sls.credentials[0]!.accessKeyId, accessKeySecret: 'not-the-secret' });
    expect(await sdkError(wrong.getIndex(project, LOGSTORE))).toMatchObject({ code: 'SignatureNotMatch', status: 401 });
  });
});
