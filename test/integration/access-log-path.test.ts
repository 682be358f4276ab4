// The access-log path in one process: real ali-oss reads against the OSS emulator produce
// access-log records, which go into the SLS emulator; handleAccessLogRange pulls them over the
// wire (signed PullLogs, deflate, protobuf) and coordinates. Replaying a range changes nothing.
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OssAccessLogRecord, type OssEmulator, startOssEmulator } from '../../lib/emulators/oss';
import { type SlsEmulator, startSlsEmulator, writeOssAccessLogs } from '../../lib/emulators/sls';
import { handleAccessLogRange, type LogTriggerEvent, parseLogTriggerEvent, RangeIncompleteError } from '../../lib/events/log-trigger';
import { silentLogger } from '../../lib/log';
import { AliOssObjectStore } from '../../lib/oss/object-store';
import { Coordinator } from '../../lib/restore/coordinator';
import type { StateStore } from '../../lib/restore/ports';
import { LogStoreReader } from '../../lib/sls';
import { MemoryStateStore } from '../../lib/store/memory';
import { downStore } from '../support/down-store';

const BUCKET = 'thaw-logs';
const PROJECT = 'oss-log-1000000000000001-cn-hangzhou';
const LOGSTORE = 'oss-log-store';

describe('access-log path: OSS reads → Log Service → coordinator', () => {
  let oss: OssEmulator;
  let sls: SlsEmulator;
  let reader: LogStoreReader;
  let objects: AliOssObjectStore;
  const logged: OssAccessLogRecord[] = [];
  let ranges: LogTriggerEvent[];
  // The coordinator's own HEAD/RestoreObject calls are logged too; only these went to Log Service.
  let shipped = 0;

  const restores = async () =>
    ((await (await fetch(`${oss.endpoint}/-/stats`)).json()) as { operations: Record<string, number> }).operations.RestoreObject ?? 0;
  const run = (store: StateStore, range: LogTriggerEvent) =>
    handleAccessLogRange(range, { source: reader, coordinator: new Coordinator({ store, objects }), log: silentLogger });

  beforeAll(async () => {
    sls = await startSlsEmulator();
    sls.createProject(PROJECT);
    sls.createLogstore(PROJECT, LOGSTORE, { shardCount: 2 });
    oss = await startOssEmulator({ onAccessLog: (r) => logged.push(r) });
    const creds = oss.describe() as { accessKeyId: string; accessKeySecret: string };
    objects = new AliOssObjectStore({ endpoint: oss.endpoint, ...creds });
    reader = new LogStoreReader({
      endpoint: sls.endpoint,
      project: PROJECT,
      logstore: LOGSTORE,
      ...sls.credentials[0]!,
      maxAttempts: 2,
      backoffBaseMs: 1,
      backoffMaxMs: 2,
    });

    const client = new OSS({ endpoint: oss.endpoint, ...creds, bucket: BUCKET });
    await client.putBucket(BUCKET);
    for (let i = 0; i < 5; i++) await client.put(`frozen/${i} ü.csv`, Buffer.from('x'), { headers: { 'x-oss-storage-class': 'Archive' } });
    await client.put('plain.txt', Buffer.from('y'));
    // Each archived object read 3 times (all refused), plus reads that are not misses.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) await client.get(`frozen/${i} ü.csv`).catch(() => undefined);
    }
    await client.get('plain.txt');
    await client.head('frozen/0 ü.csv');
    await client.get('missing.txt').catch(() => undefined);

    // Half the records to each shard, in two LogGroups, as Log Service would hold them.
    const begin = await Promise.all([0, 1].map((shard) => reader.getCursor(shard, 'begin')));
    writeOssAccessLogs(sls, PROJECT, LOGSTORE, logged.slice(0, 10), { shardId: 0 });
    shipped = logged.length;
    writeOssAccessLogs(sls, PROJECT, LOGSTORE, logged.slice(10, shipped), { shardId: 1 });
    const end = await Promise.all([0, 1].map((shard) => reader.getCursor(shard, 'end')));
    ranges = [0, 1].map((shard) =>
      parseLogTriggerEvent(
        Buffer.from(
          JSON.stringify({
            source: { endpoint: sls.endpoint, projectName: PROJECT, logstoreName: LOGSTORE, shardId: shard, beginCursor: begin[shard], endCursor: end[shard] },
            jobName: 'j',
            taskId: 't',
            cursorTime: 0,
          }),
        ),
      ),
    );
  });
  afterAll(async () => {
    reader?.close();
    await oss?.close();
    await sls?.close();
  });

  it('turns 15 refused GETs into 5 restores and skips the other records, counted by reason', async () => {
    const store = new MemoryStateStore();
    const results = [await run(store, ranges[0]!), await run(store, ranges[1]!)];
    expect(results.reduce((n, r) => n + r.records, 0)).toBe(shipped);
    expect(results.reduce((n, r) => n + r.misses, 0)).toBe(15);
    expect(results.reduce((n, r) => n + r.summary.restoresIssued, 0)).toBe(5);
    // PutBucket + 6 PutObject + 1 HeadObject are other operations; the 200 and the 404 GETs other statuses.
    const skipped: Record<string, number> = {};
    for (const r of results) for (const [reason, n] of Object.entries(r.skipped)) skipped[reason] = (skipped[reason] ?? 0) + (n ?? 0);
    expect(skipped).toEqual({ 'other-operation': 8, 'other-status': 2 });
    expect(store.all().map((r) => r.state)).toEqual(Array(5).fill('RESTORING'));
    expect(
      store
        .all()
        .map((r) => r.key)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4].map((i) => `frozen/${i} ü.csv`));

    // Replay: FC retried the ranges. No OSS call, no write.
    const before = await restores();
    const versions = store.all().map((r) => r.version);
    const replay = [await run(store, ranges[0]!), await run(store, ranges[1]!)];
    expect(replay.reduce((n, r) => n + r.summary.restoresIssued, 0)).toBe(0);
    expect(await restores()).toBe(before);
    expect(store.all().map((r) => r.version)).toEqual(versions);
  });

  it('fails the invocation when the range cannot be read, so FC retries it', async () => {
    await fetch(`${sls.endpoint}/-/faults`, { method: 'POST', body: JSON.stringify({ seed: 1, rules: [{ operation: 'PullLogs', errorRate: 1 }] }) });
    try {
      await expect(run(new MemoryStateStore(), ranges[0]!)).rejects.toThrow();
    } finally {
      await fetch(`${sls.endpoint}/-/faults`, { method: 'DELETE' });
    }
  });

  it('fails the invocation when the misses cannot be recorded, so no work is lost', async () => {
    await expect(run(downStore, ranges[0]!)).rejects.toBeInstanceOf(RangeIncompleteError);
  });

  it.each([
    ['not JSON', Buffer.from('{not json'), 'is not JSON'],
    ['no source', { jobName: 'j' }, 'no "source" object'],
    ['no beginCursor', { source: { endpoint: 'e', projectName: 'p', logstoreName: 'l', shardId: 0, endCursor: 'x' } }, 'source.beginCursor'],
    ['no endCursor', { source: { endpoint: 'e', projectName: 'p', logstoreName: 'l', shardId: 0, beginCursor: 'x' } }, 'source.endCursor'],
    ['a negative shard', { source: { endpoint: 'e', projectName: 'p', logstoreName: 'l', shardId: -1, beginCursor: 'x', endCursor: 'y' } }, 'shardId'],
  ])('rejects a trigger event with %s, naming what is missing', (_label, payload, message) => {
    expect(() => parseLogTriggerEvent(payload)).toThrow(message);
  });
});
