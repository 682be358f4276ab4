// The functions' log lines are what an operator queries, so their field names are declared once
// (lib/log-fields.ts) and held here to three things: what the code really logs (each function's
// paths run with a capturing logger: restores started, deferred, refused, failed, the budget of new
// records, versions, a store that is down, the API's answers, an access-log range to its deadline,
// storage events to theirs, a sweep), the function logstore's index, and docs/observability.md.
import { describe, expect, it } from 'vitest';
import { createApi } from '../../../lib/api/app';
import { ManualClock } from '../../../lib/clock';
import type { AccessLogRecord, AccessLogSource } from '../../../lib/events/access-log';
import { handleAccessLogRange, parseLogTriggerEvent } from '../../../lib/events/log-trigger';
import { deadLetterOf, handleDeadLetter } from '../../../lib/events/dead-letter';
import { handleStorageEventPayload } from '../../../lib/events/storage-event-payload';
import { jsonLogger } from '../../../lib/log';
import { LOG_FIELD_NAMES, LOG_FIELDS } from '../../../lib/log-fields';
import { parseAllowList } from '../../../lib/policy/allow-list';
import { CostPolicy, DEFAULT_LIMITS } from '../../../lib/policy/cost-policy';
import { Coordinator } from '../../../lib/restore/coordinator';
import { MalformedRequestError } from '../../../lib/restore/errors';
import { OBJECT_RESULTS } from '../../../lib/restore/summary';
import { sweep } from '../../../lib/restore/sweep';
import { DEFAULT_TIMING } from '../../../lib/restore/timing';
import { FUNCTION_LOG_INDEX, MESSAGE_KEY } from '../../../lib/sls/function-log-index';
import { SlsDeadlineError } from '../../../lib/sls/errors';
import { MemoryCounterStore, MemoryStateStore } from '../../../lib/store/memory';
import { apiUnderTest, TEST_AUTH } from '../../support/api';
import { docsTable } from '../../support/docs-table';
import { downStore } from '../../support/down-store';
import { FakeObjectStore } from '../../support/fake-object-store';
import { type LogLine as Line, namesOf, offDeclaration } from '../../support/log-lines';
import { record, ref, T0 } from '../../support/records';

function capture(fn: string) {
  const lines: Line[] = [];
  const log = jsonLogger({ level: 'debug', fields: { function: fn }, write: (text) => lines.push(JSON.parse(text) as Line) });
  return { lines, log };
}

async function httpPaths(): Promise<Line[]> {
  const { lines, log } = capture('http');
  // One restore a day and six new records: the second object is deferred, the seventh gets no record.
  const { call, objects } = apiUnderTest({ log, limits: { dailyRestores: 1, dailyNewRecords: 7 } });
  objects.put(ref('cold.bin'), 'ColdArchive', 5000);
  objects.put(ref('second.bin'), 'Archive');
  objects.put(ref('plain.txt'), 'Standard');
  objects.put(ref('broken.bin'), 'Archive');
  objects.put(ref('huge.bin'), 'Archive', 10 * 2 ** 40);
  objects.put(ref('doc.pdf', 'thaw-test', 'v1'), 'Archive');
  expect((await call('POST', '/v1/restores/thaw-test/cold.bin')).status).toBe(202);
  expect((await call('POST', '/v1/restores/thaw-test/second.bin')).status).toBe(429);
  expect((await call('POST', '/v1/restores/thaw-test/plain.txt')).status).toBe(409);
  expect((await call('POST', '/v1/restores/thaw-test/missing.bin')).status).toBe(404);
  expect((await call('POST', '/v1/restores/thaw-test/huge.bin')).status).toBe(403);
  objects.failures.head.push(new MalformedRequestError('HeadObject: 403 AccessDenied'));
  expect((await call('POST', '/v1/restores/thaw-test/broken.bin')).status).toBe(503);
  expect((await call('POST', '/v1/restores/thaw-test/doc.pdf')).status).toBe(429);
  expect((await call('POST', '/v1/restores/thaw-test/one-too-many.bin')).status).toBe(429);
  expect((await call('GET', '/v1/restores/thaw-test/never-asked.bin')).status).toBe(404);
  expect((await call('GET', '/v1/usage', { token: 'wrong' })).status).toBe(401);
  const batch = await call('POST', '/v1/batch/restore', { body: JSON.stringify({ bucket: 'thaw-test', objects: [{ key: 'cold.bin' }] }) });
  expect(batch.status).toBe(200);
  return lines;
}

async function storeDownPaths(): Promise<Line[]> {
  const { lines, log } = capture('http');
  const clock = new ManualClock(T0);
  const counters = new MemoryCounterStore();
  const limits = { ...DEFAULT_LIMITS, allow: parseAllowList('thaw-test') };
  const policy = new CostPolicy(limits, counters);
  const objects = new FakeObjectStore(clock);
  const coordinator = new Coordinator({ store: downStore, objects, policy, clock, random: () => 0.5, sleep: async (ms) => clock.advance(ms) });
  const app = createApi({
    coordinator,
    store: downStore,
    policy,
    auth: TEST_AUTH,
    timing: DEFAULT_TIMING,
    clock,
    log,
    counters,
    limits,
    defaults: { days: 1, tier: 'Standard' },
  });
  const token = 'thaw_testread_3Lk9Jh7Gf5Ds2Aq8Wz1Xe4Rc6Tv0By3Nu5Mi7Ko9Pl2';
  expect((await app(new Request('http://thaw.local/v1/restores?state=FAILED', { headers: { authorization: `Bearer ${token}` } }))).status).toBe(503);
  await coordinator.request([{ bucket: 'thaw-test', key: 'k', source: 'http', seenAtMs: T0 }], { log });
  // A miss that is not one: its index, field and reason are logged.
  await coordinator.request([{ bucket: 'Not_A_Bucket', key: 'k', source: 'access-log', seenAtMs: T0 }], { log });
  return lines;
}

async function accessLogPaths(): Promise<Line[]> {
  const { lines, log } = capture('access-log');
  const clock = new ManualClock(T0 + 95_000);
  const objects = new FakeObjectStore(clock);
  objects.put(ref('a.bin'), 'Archive');
  const refused = (key: string, time: number): AccessLogRecord => ({
    time,
    topic: 'oss_access_log',
    contents: { operation: 'GetObject', http_status: '403', error_code: 'InvalidObjectState', bucket: 'thaw-test', object: key, requester_id: '1234' },
  });
  const source: AccessLogSource = {
    async *pullRange(_shard, _begin, _end, options) {
      options?.onOversized?.({ sizeBytes: 300_000_000, limitBytes: 16_777_216 });
      yield refused('a.bin', T0 / 1000);
      yield { time: T0 / 1000 + 5, topic: 'oss_metering_log', contents: {} };
      throw new SlsDeadlineError('PullLogs');
    },
  };
  const event = parseLogTriggerEvent(
    {
      source: {
        endpoint: 'cn-hangzhou.log.aliyuncs.com',
        projectName: 'oss-log',
        logstoreName: 'oss-log-store',
        shardId: 1,
        beginCursor: 'MQ==',
        endCursor: 'Mg==',
      },
      jobName: 'j',
      taskId: 't',
      cursorTime: T0 / 1000,
    },
    { region: 'cn-hangzhou', project: 'oss-log', logstore: 'oss-log-store' },
  );
  const coordinator = new Coordinator({ store: new MemoryStateStore(), objects, clock });
  await expect(handleAccessLogRange(event, { source, coordinator, log: log.child({ requestId: 'r-1' }), clock })).rejects.toThrow('deadline');
  return lines;
}

async function storageEventPaths(): Promise<Line[]> {
  const { lines, log } = capture('storage-event');
  const clock = new ManualClock(T0 + 60_000);
  const objects = new FakeObjectStore(clock);
  objects.put(ref('done.bin'), 'ColdArchive', 10, { kind: 'restored', expiresAtMs: T0 + 86_400_000 });
  const store = new MemoryStateStore();
  await store.create(record('done.bin', { state: 'RESTORING', storageClass: 'ColdArchive', leaseUntilMs: undefined }));
  await store.create(record('rewritten.bin', { state: 'RESTORED', leaseUntilMs: undefined, updatedAtMs: T0, expiresAtMs: T0 + 86_400_000 }));
  await store.create(record('late.bin', { state: 'RESTORED', leaseUntilMs: undefined, updatedAtMs: T0, expiresAtMs: T0 + 86_400_000 }));
  const coordinator = new Coordinator({ store, objects, clock });
  const oss = (eventName: string, key: string) => ({
    eventName,
    eventSource: 'acs:oss',
    eventTime: new Date(T0 + 30_000).toISOString(),
    region: 'cn-hangzhou',
    oss: { bucket: { name: 'thaw-test' }, object: { key, size: 1 } },
    responseElements: { requestId: 'x' },
  });
  const deps = { coordinator, store, clock, log: log.child({ requestId: 'r-2' }) };
  const payload = {
    events: [
      oss('ObjectRestore:FinishRestore', 'done.bin'),
      oss('ObjectCreated:PutObject', 'rewritten.bin'),
      oss('ObjectCreated:InitiateMultipartUpload', 'big.bin'),
      { eventName: 42 },
    ],
  };
  expect(await handleStorageEventPayload(payload, deps)).toMatchObject({ refreshed: 1, invalidated: 1, invalid: 1 });
  expect(await handleStorageEventPayload('not json at all', deps)).toHaveProperty('malformed');
  // The deadline has come before the invalidations: they are left to FC's redelivery.
  await expect(handleStorageEventPayload({ events: [oss('ObjectRemoved:DeleteObject', 'late.bin')] }, deps, { deadlineAtMs: T0 })).rejects.toThrow('deadline');
  return lines;
}

async function sweeperPaths(): Promise<Line[]> {
  const { lines, log } = capture('sweeper');
  const clock = new ManualClock(T0 + 3_600_000);
  const objects = new FakeObjectStore(clock);
  objects.put(ref('failed.bin'), 'Archive');
  const store = new MemoryStateStore();
  const failed = { state: 'FAILED', leaseUntilMs: undefined, storageClass: 'Archive', retryAtMs: T0, attempts: 1 } as const;
  await store.create(record('failed.bin', failed));
  await store.create(record('elsewhere.bin', { ...failed, bucket: 'thaw-other' }));
  const deferredAtMs = T0 - 86_400_000;
  await store.create(
    record('yesterday.bin', { state: 'DEFERRED', leaseUntilMs: undefined, reason: 'rate-limit', deferredAtMs, retryAtMs: deferredAtMs + 1000 }),
  );
  const coordinator = new Coordinator({ store, objects, clock });
  const result = await sweep(
    { store, coordinator, policy: { inScope: (r) => r.bucket === 'thaw-test' }, clock, log: log.child({ requestId: 'r-3' }) },
    { limit: 10 },
  );
  expect(result).toMatchObject({ due: 3, outOfScope: 1, lapsed: 1 });
  // FC 3.0 hands the sweeper a storage event it gave up on: logged, then applied once more.
  const letter = deadLetterOf({
    requestContext: { requestId: 'r-4', functionArn: 'acs:fc:cn-hangzhou:1:functions/t-storage-event', condition: 'RetryExhausted', approximateInvokeCount: 4 },
    requestPayload: JSON.stringify({
      events: [
        {
          eventName: 'ObjectRemoved:DeleteObject',
          eventTime: new Date(T0 + 7_200_000).toISOString(),
          oss: { bucket: { name: 'thaw-test' }, object: { key: 'failed.bin' } },
        },
      ],
    }),
    responseContext: { statusCode: 200, functionError: 'UnhandledInvocationError' },
    responsePayload: '{"errorMessage":"store down"}',
  })!;
  expect(await handleDeadLetter(letter, { store, coordinator, clock, log: log.child({ requestId: 'r-5' }) })).toMatchObject({ invalidated: 1 });
  return lines;
}

describe('the functions’ log lines', () => {
  const all = (async () => [
    ...(await httpPaths()),
    ...(await storeDownPaths()),
    ...(await accessLogPaths()),
    ...(await storageEventPaths()),
    ...(await sweeperPaths()),
  ])();

  it('use only declared field names, each with its declared type', async () => {
    expect(offDeclaration(await all)).toEqual([]);
  });

  it('use every declared field somewhere: the declaration holds nothing the functions never write', async () => {
    const seen = new Set((await all).flatMap(namesOf));
    expect(LOG_FIELD_NAMES.filter((name) => !seen.has(name))).toEqual([]);
  });

  it('say which function wrote them and, inside an invocation, its request id', async () => {
    const lines = await all;
    expect(lines.every((l) => ['http', 'access-log', 'storage-event', 'sweeper'].includes(String(l.function)))).toBe(true);
    expect(
      lines
        .filter((l) => l.msg === 'state')
        .every((l) => (typeof l.bucket === 'string' && typeof l.key === 'string' && typeof l.outcome === 'string') || l.to === 'CURRENT_VERSION'),
    ).toBe(true);
  });

  it('carry the budget use and the size of a restore started, and the lag of an access-log range', async () => {
    const lines = await all;
    expect(lines.find((l) => l.msg === 'state' && l.outcome === 'restoreStarted' && l.key === 'cold.bin')).toMatchObject({
      function: 'http',
      bucket: 'thaw-test',
      storageClass: 'ColdArchive',
      tier: 'Standard',
      sizeBytes: 5000,
      budgetUsePct: 100,
      from: null,
      to: 'RESTORING',
    });
    // The newest record read was logged at T0; the function ran at T0 + 95 s.
    expect(lines.find((l) => l.msg === 'access-log range done')).toMatchObject({
      function: 'access-log',
      requestId: 'r-1',
      records: 2,
      accessLogLagMs: 90_000,
      unread: true,
    });
  });

  it('name each batch result as the summary does, so a count and an outcome are one word', () => {
    for (const result of OBJECT_RESULTS) expect(LOG_FIELDS[result]).toMatchObject({ type: 'long' });
  });
});

describe('the declaration against the index and the docs', () => {
  it('is what the function logstore indexes under message (maps left out)', () => {
    const jsonKeys = FUNCTION_LOG_INDEX.keys![MESSAGE_KEY]!.json_keys!;
    expect(Object.keys(jsonKeys).sort()).toEqual(LOG_FIELD_NAMES.filter((n) => LOG_FIELDS[n].type !== 'map').sort());
    for (const [name, key] of Object.entries(jsonKeys)) {
      expect(key, name).toMatchObject({ type: LOG_FIELDS[name as keyof typeof LOG_FIELDS].type === 'long' ? 'long' : 'text', doc_value: true });
    }
    // A JSON index holds at most 100 sub-keys (unconfirmed bound; ours stays under it).
    expect(Object.keys(jsonKeys).length).toBeLessThanOrEqual(100);
  });

  it('is the table of docs/observability.md, field for field, type for type', () => {
    const rows = docsTable('observability.md', '## Log fields', 'field');
    expect(rows.map((r) => [r[0]!.replace(/`/g, ''), r[1]])).toEqual(LOG_FIELD_NAMES.map((name) => [name, LOG_FIELDS[name].type]));
  });
});
