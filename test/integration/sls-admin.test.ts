// lib/sls/admin.ts against the Log Service emulator: each call's happy path, and the service's code
// kept on the error (SlsServiceError) for the deploy and thaw logs to act on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlsEmulator, startSlsEmulator } from '../../lib/emulators/sls/index';
import { FUNCTION_LOG_INDEX, isNotFound, SlsAdmin, type SlsAlert, SlsServiceError } from '../../lib/sls/index';

const PROJECT = 'admin-project';
const LOGSTORE = 'function-logs';
let sls: SlsEmulator;
let admin: SlsAdmin;

beforeAll(async () => {
  sls = await startSlsEmulator();
  sls.createProject(PROJECT);
  sls.createLogstore(PROJECT, LOGSTORE);
  const key = sls.credentials[0]!;
  admin = new SlsAdmin({ endpoint: sls.endpoint, project: PROJECT, accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret, maxAttempts: 1 });
});

afterAll(async () => {
  admin.close();
  await sls.close();
});

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(SlsServiceError);
    return (err as SlsServiceError).code;
  }
  throw new Error('no error');
}

const ALERT: SlsAlert = {
  name: 'restore-failures',
  displayName: 'restore failures',
  configuration: {
    version: '2.0',
    type: 'default',
    queryList: [
      { storeType: 'log', store: LOGSTORE, query: 'functionName: http | select count(*) as cnt', start: '-300s', end: 'now', timeSpanType: 'Relative' },
    ],
    severityConfigurations: [{ severity: 8, evalCondition: { condition: 'cnt > 0', countCondition: '' } }],
    policyConfiguration: { alertPolicyId: 'sls.builtin.dynamic', actionPolicyId: 'oss-thaw', repeatInterval: '5m' },
  },
  schedule: { type: 'FixedRate', interval: '1m' },
};

describe('SlsAdmin', () => {
  it('manages the index with the documented names (doc_value) and reads it back', async () => {
    expect(await codeOf(admin.getIndex(LOGSTORE))).toBe('IndexConfigNotExist');
    await admin.createIndex(LOGSTORE, FUNCTION_LOG_INDEX);
    const index = await admin.getIndex(LOGSTORE);
    expect(index.keys?.functionName).toMatchObject({ type: 'text', doc_value: true });
    expect(index.ttl).toBe(30);
    // What GetIndex adds is left out of an update built from it.
    await admin.updateIndex(LOGSTORE, { ...index, keys: { ...index.keys, level: { type: 'text', token: [' '] } } });
    expect(Object.keys((await admin.getIndex(LOGSTORE)).keys ?? {})).toContain('level');
  });

  it('queries with GetLogs', async () => {
    const now = Math.floor(Date.now() / 1000);
    sls.writeLogs(PROJECT, LOGSTORE, [{ time: now, contents: { functionName: 'http', message: '{"msg":"x"}' } }]);
    const result = await admin.getLogs(LOGSTORE, { from: now - 60, to: now + 1, query: '* | select count(*) as n' });
    expect(result).toEqual({ rows: [{ n: '1' }], complete: true, processedRows: 1, hasSql: true });
  });

  it('creates, reads, updates and deletes dashboards and alerts', async () => {
    const chart = {
      title: 'restores',
      type: 'line',
      search: { logstore: LOGSTORE, query: '* | select count(*) as n', start: '-3600s', end: 'now' },
      display: {},
    };
    await admin.createDashboard({ dashboardName: 'oss-thaw', charts: [chart] });
    await admin.updateDashboard({ dashboardName: 'oss-thaw', displayName: 'oss-thaw', charts: [chart, chart] });
    expect((await admin.getDashboard('oss-thaw')).charts).toHaveLength(2);
    await admin.deleteDashboard('oss-thaw');
    expect(await codeOf(admin.getDashboard('oss-thaw'))).toBe('DashboardNotExist');

    await admin.createAlert(ALERT);
    await admin.updateAlert({ ...ALERT, displayName: 'changed' });
    expect(await admin.getAlert(ALERT.name)).toMatchObject({ name: ALERT.name, displayName: 'changed', status: 'ENABLED' });
    await admin.deleteAlert(ALERT.name);
    const missing = admin.deleteAlert(ALERT.name);
    expect(await codeOf(missing)).toBe('JobNotExist');
    await missing.catch((err) => expect(isNotFound(err, 'JobNotExist')).toBe(true));
  });

  it('reads logstores and keeps the service code of every refusal', async () => {
    expect(await admin.listLogStores()).toEqual([LOGSTORE]);
    expect(await admin.getLogStore(LOGSTORE)).toMatchObject({ logstoreName: LOGSTORE });
    expect(await codeOf(admin.getLogStore('nope'))).toBe('LogStoreNotExist');
    const other = new SlsAdmin({
      endpoint: sls.endpoint,
      project: 'no-such-project',
      accessKeyId: sls.credentials[0]!.accessKeyId,
      accessKeySecret: sls.credentials[0]!.accessKeySecret,
    });
    expect(await codeOf(other.getIndex(LOGSTORE))).toBe('ProjectNotExist');
    other.close();
    const stranger = new SlsAdmin({ endpoint: sls.endpoint, project: PROJECT, accessKeyId: 'nobody', accessKeySecret: 'x' });
    expect(await codeOf(stranger.getIndex(LOGSTORE))).toBe('Unauthorized');
    stranger.close();
    expect(await codeOf(admin.createAlert({ ...ALERT, name: 'broken', schedule: { type: 'FixedRate' } }))).toBe('ParameterInvalid');
  });
});
