// thaw deploy onto an account whose records table an earlier release made (its due index only):
// the plan says what the tables lack, the deploy adds the listing columns and indexes, and the
// next deploy finds nothing to do.
import TableStore from 'tablestore';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TablestoreAdmin } from '../../lib/store/tablestore-admin';
import { type DeployTarget, startDeployTarget } from '../support/deploy-target';

let target: DeployTarget;
beforeEach(async () => {
  target = await startDeployTarget();
});
afterEach(async () => {
  await target?.close();
});

it('adds the listing indexes to a table from before them, then reports the tables unchanged', async () => {
  const admin = new TablestoreAdmin({
    ...(target.tablestore.describe() as { endpoint: string; instance: string }),
    table: 'thaw_deploy',
    ...target.credentials,
  });
  await admin.createTable({
    tableMeta: {
      tableName: 'thaw_deploy',
      primaryKey: [{ name: 'id', type: TableStore.PrimaryKeyType.STRING }],
      definedColumn: [{ name: 'dueAtMs', type: TableStore.DefinedColumnType.DCT_INTEGER }],
    },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1 },
    indexMetas: [{ name: 'thaw_deploy_due', primaryKey: ['dueAtMs'], definedColumn: [] }],
  });
  await admin.createTable({
    tableMeta: { tableName: 'thaw_deploy_counters', primaryKey: [{ name: 'name', type: TableStore.PrimaryKeyType.STRING }] },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: 3 * 86_400, maxVersions: 1 },
  });

  const dry = await target.deploy({ dryRun: true });
  const planned = dry.plan.steps.find((s) => s.kind === 'tables')!;
  expect(planned.action).toBe('update');
  expect(planned.reasons.join('; ')).toContain('indexes thaw_deploy_by_key, thaw_deploy_by_updated, thaw_deploy_by_eta not found');

  await target.deploy();
  const described = await admin.describeTable('thaw_deploy');
  expect(described.indexMetas?.map((i) => i.name)).toEqual(['thaw_deploy_due', 'thaw_deploy_by_key', 'thaw_deploy_by_updated', 'thaw_deploy_by_eta']);

  const again = await target.deploy({ dryRun: true });
  expect(again.plan.steps.find((s) => s.kind === 'tables')).toMatchObject({ action: 'unchanged', reasons: ['both exist with every index'] });
});
