// Lost acknowledgements: the OSS and Tablestore emulators apply a request and then reset the
// connection or never answer, seeded and per operation, beside the faults that strike before the
// request is applied. Each test shows the write or the restore landed while the client saw a
// network error, which is what retries in the product must be written for.
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../../lib/emulators/shared/emulator';
import { startTablestoreEmulator, type RunningTablestoreEmulator } from '../../lib/emulators/tablestore/index';
import { BUCKET, failure, headerOf, OssHarness, T0 } from './oss-emulator-harness';
import { controlFetch } from '../../lib/emulators/shared/control';

describe('OSS emulator', () => {
  let harness: OssHarness;
  beforeEach(async () => {
    harness = await OssHarness.start();
    await harness.client().putBucket(BUCKET);
  });
  afterEach(async () => {
    await harness.close();
  });

  it('applies a RestoreObject whose answer is reset: the client sees a network error, OSS has a restore running', async () => {
    const oss = harness.client();
    await oss.put('cold.bin', Buffer.from('x'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    harness.emulator.faults.configure({ seed: 7, rules: [{ operation: 'RestoreObject', ackResetRate: 1 }] });
    const lost = await failure(oss.restore('cold.bin', { type: 'ColdArchive', Days: 1, JobParameters: 'Standard' }));
    expect(lost.status).toBe(-1);
    expect(headerOf(await oss.head('cold.bin'), 'x-oss-restore')).toBe('ongoing-request="true"');
    // The retry an application makes finds it already running: one billed restore, not two.
    harness.emulator.faults.clear();
    expect(await failure(oss.restore('cold.bin', { type: 'ColdArchive', Days: 1, JobParameters: 'Standard' }))).toMatchObject({
      status: 409,
      code: 'RestoreAlreadyInProgress',
    });
    expect(harness.emulator.stats().restores).toEqual({ 'thaw-demo/cold.bin': 2 });
    // The lost answer was served, so it is in the access log and its event fired.
    expect(harness.logs.filter((r) => r.operation === 'RestoreObject').map((r) => r.http_status)).toEqual(['202', '409']);
  });

  it('applies a PutObject whose answer never comes: the client times out, the object is there', async () => {
    harness.emulator.faults.configure({ rules: [{ operation: 'PutObject', ackDropRate: 1 }] });
    const oss = harness.client({ timeout: 300 });
    const lost = await failure(oss.put('report.csv', Buffer.from('a,b')));
    expect(lost.name).toBe('ResponseTimeoutError');
    harness.emulator.faults.clear();
    expect(Buffer.from((await oss.get('report.csv')).content as Buffer).toString()).toBe('a,b');
    expect(harness.events.map((e) => e.eventName)).toEqual(['ObjectCreated:PutObject']);
  });

  it('loses answers per operation and repeats the same sequence for the same seed', async () => {
    const oss = harness.client();
    await oss.put('k', Buffer.from('x'));
    const run = async () => {
      const posted = await controlFetch(`${harness.emulator.endpoint}/-/faults`, {
        method: 'POST',
        body: JSON.stringify({ seed: 11, rules: [{ operation: 'PutObject', ackResetRate: 0.5 }] }),
      });
      expect(posted.status).toBe(204);
      const outcomes: string[] = [];
      for (let i = 0; i < 10; i += 1) {
        outcomes.push(
          await oss.put(`k${i}`, Buffer.from('x')).then(
            () => 'ok',
            (e: { status: number }) => String(e.status),
          ),
        );
        // Other operations are untouched by the rule.
        expect((await oss.get('k')).res.status).toBe(200);
      }
      return outcomes;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain('ok');
    expect(first).toContain('-1');
    // Every put landed, answered or not.
    for (let i = 0; i < 10; i += 1) expect((await oss.head(`k${i}`)).status).toBe(200);
    const described = (await (await controlFetch(`${harness.emulator.endpoint}/-/faults`)).json()) as { injected: Record<string, number> };
    expect(described.injected['ack-reset']).toBe(first.filter((o) => o === '-1').length * 2);
  });

  it('refuses a plan whose rates add up to more than 1', async () => {
    const res = await controlFetch(`${harness.emulator.endpoint}/-/faults`, {
      method: 'POST',
      body: JSON.stringify({ rules: [{ operation: '*', errorRate: 0.6, ackResetRate: 0.6 }] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('add up to');
  });

  it('keeps the faults that strike before the request applied nothing', async () => {
    harness.emulator.faults.configure({ rules: [{ operation: 'PutObject', resetRate: 1 }] });
    const oss = harness.client();
    expect((await failure(oss.put('never', Buffer.from('x')))).status).toBe(-1);
    harness.emulator.faults.clear();
    expect(await failure(oss.head('never'))).toMatchObject({ status: 404 });
  });
});

describe('Tablestore emulator', () => {
  const TableStore = createRequire(import.meta.url)('tablestore') as any;
  const INSTANCE = 'thaw-acks';
  let emulator: RunningTablestoreEmulator;
  let client: any;
  const ignore = () => new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);
  const notExist = () => new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null);

  beforeEach(async () => {
    emulator = await startTablestoreEmulator({ instance: INSTANCE, clock: new ManualClock(T0) });
    client = new TableStore.Client({
      endpoint: emulator.endpoint,
      instancename: INSTANCE,
      accessKeyId: DEFAULT_ACCESS_KEY_ID,
      secretAccessKey: DEFAULT_ACCESS_KEY_SECRET,
      maxRetries: 0,
      httpOptions: { timeout: 300 },
    });
    await client.createTable({
      tableMeta: { tableName: 'claims', primaryKey: [{ name: 'id', type: 'STRING' }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
    });
  });
  afterEach(async () => {
    await emulator.close();
  });

  const claim = () => client.putRow({ tableName: 'claims', condition: notExist(), primaryKey: [{ id: 'obj-1' }], attributeColumns: [{ owner: 'worker-a' }] });
  const read = async () =>
    (await client.getRow({ tableName: 'claims', primaryKey: [{ id: 'obj-1' }], maxVersions: 1 })).row.attributes?.map(
      (a: { columnValue: string }) => a.columnValue,
    );

  it.each([
    ['reset', { ackResetRate: 1 }],
    ['never answered', { ackDropRate: 1 }],
  ])('applies a conditional PutRow whose answer is %s; the retry then fails its own condition', async (_label, rate) => {
    emulator.faults.configure({ rules: [{ operation: 'PutRow', ...rate }] });
    await expect(claim()).rejects.toBeDefined();
    emulator.faults.clear();
    expect(await read()).toEqual(['worker-a']);
    // Why the product compares the stored row with its own after an unanswered claim.
    await expect(claim()).rejects.toThrow('OTSConditionCheckFail');
    const kind = 'ackResetRate' in rate ? 'ack-reset' : 'ack-drop';
    expect(emulator.stats().faults).toEqual({ [kind]: 1 });
  });

  it('leaves other operations alone', async () => {
    emulator.faults.configure({ seed: 3, rules: [{ operation: 'UpdateRow', ackResetRate: 1 }] });
    await claim();
    expect(await read()).toEqual(['worker-a']);
    await expect(
      client.updateRow({
        tableName: 'claims',
        condition: ignore(),
        primaryKey: [{ id: 'obj-1' }],
        updateOfAttributeColumns: [{ PUT: [{ owner: 'worker-b' }] }],
      }),
    ).rejects.toBeDefined();
    emulator.faults.clear();
    expect(await read()).toEqual(['worker-b']);
  });
});
