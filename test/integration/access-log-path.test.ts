// The access-log path in one process: real ali-oss reads against the OSS emulator produce
// access-log records, which go into the SLS emulator; handleAccessLogRange pulls them over the
// wire (signed PullLogs, deflate, protobuf) and coordinates. Replaying a range changes nothing.
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
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
import { controlFetch } from '../../lib/emulators/shared/control';

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
    ((await (await controlFetch(`${oss.endpoint}/-/stats`)).json()) as { operations: Record<string, number> }).operations.RestoreObject ?? 0;
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
        { endpoint: sls.endpoint, project: PROJECT, logstore: LOGSTORE },
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
    expect(results.reduce((n, r) => n + r.summary.restoreStarted, 0)).toBe(5);
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
    expect(replay.reduce((n, r) => n + r.summary.restoreStarted, 0)).toBe(0);
    expect(await restores()).toBe(before);
    expect(store.all().map((r) => r.version)).toEqual(versions);
  });

  it('fails the invocation when the range cannot be read, so FC retries it', async () => {
    await controlFetch(`${sls.endpoint}/-/faults`, { method: 'POST', body: JSON.stringify({ seed: 1, rules: [{ operation: 'PullLogs', errorRate: 1 }] }) });
    try {
      await expect(run(new MemoryStateStore(), ranges[0]!)).rejects.toThrow();
    } finally {
      await controlFetch(`${sls.endpoint}/-/faults`, { method: 'DELETE' });
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
    expect(() => parseLogTriggerEvent(payload, { region: 'cn-hangzhou' })).toThrow(message);
  });
});

// The edges of a restore cycle that reach the coordinator through the access log, with one clock for
// the OSS emulator and the coordinator so restores finish and copies expire when a test says so.
describe('access-log path: what the log says, at the edges of a restore cycle', () => {
  const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);
  const clock = new ManualClock(T0);
  let oss: OssEmulator;
  let sls: SlsEmulator;
  let reader: LogStoreReader;
  let client: OSS;
  let objects: AliOssObjectStore;
  const logged: OssAccessLogRecord[] = [];
  const store = new MemoryStateStore();
  let coordinator: Coordinator;

  const restoresOf = async (key: string) =>
    ((await (await controlFetch(`${oss.endpoint}/-/stats`)).json()) as { restores: Record<string, number> }).restores[`${BUCKET}/${key}`] ?? 0;
  /** Ships `records` to Log Service as one range and runs the access-log function over it. */
  const ship = async (records: readonly { __time__: string }[]) => {
    const written = writeOssAccessLogs(sls, PROJECT, LOGSTORE, records, { shardId: 0 })!;
    const range = {
      source: { endpoint: sls.endpoint, projectName: PROJECT, logstoreName: LOGSTORE, shardId: 0, beginCursor: written.cursor, endCursor: written.nextCursor },
    };
    return { range, result: await handleAccessLogRange(range, { source: reader, coordinator, log: silentLogger }) };
  };
  /** The access-log records of the reads made in `reads`, as OSS wrote them. */
  const readsOf = async (reads: () => Promise<unknown>) => {
    const from = logged.length;
    await reads();
    return logged.slice(from).filter((r) => r.operation !== 'HeadObject' && r.operation !== 'RestoreObject');
  };
  /** A refused request as OSS logs it (lib/emulators/oss/access-log.ts builds the record). */
  const crafted = (fields: Partial<OssAccessLogRecord> & Record<string, string>): OssAccessLogRecord => ({
    ...logged[0]!,
    operation: 'GetObject',
    http_method: 'GET',
    http_status: '403',
    error_code: 'InvalidObjectState',
    ...fields,
  });

  beforeAll(async () => {
    sls = await startSlsEmulator();
    sls.createProject(PROJECT);
    sls.createLogstore(PROJECT, LOGSTORE, { shardCount: 1 });
    oss = await startOssEmulator({ clock, onAccessLog: (r) => logged.push(r) });
    const creds = oss.describe() as { accessKeyId: string; accessKeySecret: string };
    objects = new AliOssObjectStore({ endpoint: oss.endpoint, ...creds });
    coordinator = new Coordinator({ store, objects, clock });
    reader = new LogStoreReader({
      endpoint: sls.endpoint,
      project: PROJECT,
      logstore: LOGSTORE,
      ...sls.credentials[0]!,
      maxAttempts: 2,
      backoffBaseMs: 1,
      backoffMaxMs: 2,
    });
    client = new OSS({ endpoint: oss.endpoint, ...creds, bucket: BUCKET });
    await client.putBucket(BUCKET);
  });
  afterAll(async () => {
    reader?.close();
    await oss?.close();
    await sls?.close();
  });

  // A key's own "?versionId=" is logged as %3F…%3D in request_uri: it is part of the key, not a query.
  it('restores a key containing "?versionId=" once, as the key it is', async () => {
    const key = 'dir/q?versionId=CAEQabc.bin';
    await client.put(key, Buffer.from('q'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const reads = await readsOf(() => client.get(key).catch(() => undefined));
    expect(reads.map((r) => [r.operation, r.http_status, r.request_uri])).toEqual([['GetObject', '403', '/dir/q%3FversionId%3DCAEQabc.bin']]);
    const { result } = await ship(reads);
    expect(result.summary).toMatchObject({ restoreStarted: 1, notFound: 0 });
    expect(store.all().find((r) => r.key === key)).toMatchObject({ versionId: '', state: 'RESTORING', lastOperation: 'GetObject' });
    expect(await restoresOf(key)).toBe(1);
  });

  // A replayed or late range after the copy expired must not buy a second restore.
  it('a replayed old range after the copy expired issues no RestoreObject; a new failed read does', async () => {
    const key = 'late/report.csv';
    await client.put(key, Buffer.from('r'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const reads = await readsOf(() => client.get(key).catch(() => undefined));
    const first = await ship(reads);
    expect(first.result.summary.restoreStarted).toBe(1);

    // The restore finishes (a minute), the copy is readable for a day, then expires.
    clock.advance(60_000);
    oss.tick();
    await coordinator.refresh([{ bucket: BUCKET, key }]);
    expect(store.all().find((r) => r.key === key)).toMatchObject({ state: 'RESTORED' });
    clock.advance(2 * 86_400_000);
    oss.tick();

    // FC retries the old range (or Log Service delivers it late): nothing is restored.
    const replay = await handleAccessLogRange(first.range, { source: reader, coordinator, log: silentLogger });
    expect(replay.summary).toMatchObject({ restoreStarted: 0, frozen: 1 });
    expect(await restoresOf(key)).toBe(1);

    // A read that fails now, after the expiry, starts the next cycle.
    const fresh = await ship(await readsOf(() => client.get(key).catch(() => undefined)));
    expect(fresh.result.summary.restoreStarted).toBe(1);
    expect(await restoresOf(key)).toBe(2);
  });

  // A key with "." or ".." segments (no SDK can address it) is counted as refused, not FAILED for good.
  it('counts a refused read of "a/../b" as refused, and sends OSS nothing for it', async () => {
    const operations = async () => ((await (await controlFetch(`${oss.endpoint}/-/stats`)).json()) as { operations: Record<string, number> }).operations;
    const before = await operations();
    const { result } = await ship([
      crafted({ __time__: String(clock.nowMs() / 1000), object: 'a%2F..%2Fb', request_uri: '/a/../b' }),
      crafted({ __time__: String(clock.nowMs() / 1000), object: '.%2Fx', request_uri: '/./x' }),
    ]);
    expect(result.summary).toMatchObject({ refused: 2, failed: 0, restoreStarted: 0 });
    expect(store.all().find((r) => r.key === 'a/../b')).toMatchObject({ state: 'REFUSED', reason: 'unaddressable-key', lastOperation: 'GetObject' });
    expect(await operations()).toEqual(before);
  });

  // Every operation OSS refuses on an archived object (restore guide) is a miss where the log
  // names the object. (That the OSS emulator refuses and logs them as OSS does is the emulator's
  // side; these records are crafted as its access log writes them.)
  it('restores objects whose image processing, select, async processing or copy was refused', async () => {
    const keys = ['six/img.jpg', 'six/data.csv', 'six/video.mp4', 'six/src.bin', 'six/part-src.bin', 'six/unnamed-src.bin'];
    for (const key of keys) await client.put(key, Buffer.from(key), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    const at = String(Math.floor(clock.nowMs() / 1000));
    const copySource = (key: string) =>
      Buffer.from(JSON.stringify({ truncated: false, headers: { 'x-oss-copy-source': `/${BUCKET}/${encodeURIComponent(key)}` }, querys: {} })).toString(
        'base64',
      );
    const { result } = await ship([
      crafted({ __time__: at, object: 'six%2Fimg.jpg', request_uri: '/six/img.jpg?x-oss-process=image%2Fresize%2Cw_100' }),
      crafted({
        __time__: at,
        operation: 'SelectObject',
        http_method: 'POST',
        object: 'six%2Fdata.csv',
        request_uri: '/six/data.csv?x-oss-process=csv%2Fselect',
      }),
      crafted({
        __time__: at,
        operation: 'PostProcessTask',
        http_method: 'POST',
        object: 'six%2Fvideo.mp4',
        request_uri: '/six/video.mp4?x-oss-async-process',
      }),
      crafted({
        __time__: at,
        operation: 'CopyObject',
        http_method: 'PUT',
        object: 'six%2Fcopy.bin',
        request_uri: '/six/copy.bin',
        user_defined_log_fields: copySource('six/src.bin'),
      }),
      crafted({
        __time__: at,
        operation: 'UploadPartCopy',
        http_method: 'PUT',
        object: 'six%2Fbig.bin',
        request_uri: '/six/big.bin?partNumber=1&uploadId=0004B9894A22E5B1888A1E29F823',
        user_defined_log_fields: copySource('six/part-src.bin'),
      }),
      // A copy whose source the bucket does not log: the record names only the destination.
      crafted({ __time__: at, operation: 'CopyObject', http_method: 'PUT', object: 'six%2Fcopy2.bin', request_uri: '/six/copy2.bin' }),
    ]);
    expect(result).toMatchObject({
      misses: 5,
      operations: { ProcessImage: 1, SelectObject: 1, PostProcessTask: 1, CopyObject: 1, UploadPartCopy: 1 },
      skipped: { 'copy-source-not-logged': 1 },
    });
    expect(result.summary.restoreStarted).toBe(5);
    const byKey = Object.fromEntries(store.all().map((r) => [r.key, r]));
    expect(keys.map((k) => [k, byKey[k]?.state ?? null, byKey[k]?.lastOperation ?? null])).toEqual([
      ['six/img.jpg', 'RESTORING', 'ProcessImage'],
      ['six/data.csv', 'RESTORING', 'SelectObject'],
      ['six/video.mp4', 'RESTORING', 'PostProcessTask'],
      ['six/src.bin', 'RESTORING', 'CopyObject'],
      ['six/part-src.bin', 'RESTORING', 'UploadPartCopy'],
      ['six/unnamed-src.bin', null, null],
    ]);
  });

  // The same, with the OSS emulator refusing and logging the reads as OSS does.
  it('a refused image-processing read, copy and part copy made through ali-oss each start one restore', async () => {
    for (const key of ['real/photo.jpg', 'real/src.bin', 'real/part-src.bin', 'real/hidden-src.bin']) {
      await client.put(key, Buffer.from(key), { headers: { 'x-oss-storage-class': 'Archive' } });
    }
    const { uploadId } = (await client.initMultipartUpload('real/big.bin')) as { uploadId: string };
    const reads = await readsOf(async () => {
      await client.copy('real/copy-unlogged.bin', 'real/hidden-src.bin').catch(() => undefined);
      // The bucket owner logs the copy-source header (PutUserDefinedLogFieldsConfig).
      oss.configureUserDefinedLogFields(BUCKET, { headers: ['x-oss-copy-source'], params: [] });
      await client.get('real/photo.jpg', { process: 'image/resize,w_100' }).catch(() => undefined);
      await client.copy('real/copy.bin', 'real/src.bin').catch(() => undefined);
      await client.uploadPartCopy('real/big.bin', uploadId, 1, '0-2', { sourceKey: 'real/part-src.bin', sourceBucketName: BUCKET }, {}).catch(() => undefined);
      oss.configureUserDefinedLogFields(BUCKET, undefined);
    });
    const refused = reads.filter((r) => r.error_code === 'InvalidObjectState');
    expect(refused.map((r) => r.operation)).toEqual(['CopyObject', 'ProcessImage', 'CopyObject', 'UploadPartCopy']);

    const { result } = await ship(reads);
    expect(result).toMatchObject({ operations: { ProcessImage: 1, CopyObject: 1, UploadPartCopy: 1 }, skipped: { 'copy-source-not-logged': 1 } });
    const byKey = Object.fromEntries(store.all().map((r) => [r.key, r]));
    expect(['real/photo.jpg', 'real/src.bin', 'real/part-src.bin', 'real/hidden-src.bin'].map((k) => byKey[k]?.lastOperation ?? null)).toEqual([
      'ProcessImage',
      'CopyObject',
      'UploadPartCopy',
      null,
    ]);
    expect(await Promise.all(['real/photo.jpg', 'real/src.bin', 'real/part-src.bin', 'real/hidden-src.bin'].map(restoresOf))).toEqual([1, 1, 1, 0]);
  });
});
