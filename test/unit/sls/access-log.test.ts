import { describe, expect, it } from 'vitest';
import {
  AccessLogMissCollector,
  classifyAccessLogRecord,
  collectAccessLogMisses,
  extractAccessLogMisses,
  type AccessLogRecord,
} from '../../../lib/sls/access-log';

// 2026-01-01T00:00:00Z
const T = 1767225600;

/** A GET refused as archived, as the oss_access_log topic records it. */
function record(overrides: Record<string, string | undefined> = {}, time = T, timeNs?: number): AccessLogRecord {
  const contents: Record<string, string | undefined> = {
    __topic__: 'oss_access_log',
    operation: 'GetObject',
    http_method: 'GET',
    http_status: '403',
    error_code: 'InvalidObjectState',
    bucket: 'archive-bucket',
    object: 'photos%2F2020%2Fcat.jpg',
    request_uri: '/photos%2F2020%2Fcat.jpg',
    request_id: '5F1A2B3C4D5E6F7A8B9C0D1E',
    client_ip: '203.0.113.7',
    bucket_storage_type: 'archive',
    time: '01/Jan/2026:00:00:00',
    ...overrides,
  };
  for (const [k, v] of Object.entries(contents)) if (v === undefined) delete contents[k];
  return timeNs === undefined ? { time, contents } : { time, timeNs, contents };
}

describe('classifyAccessLogRecord', () => {
  it.each([
    ['a plain archived GET', {}, { bucket: 'archive-bucket', key: 'photos/2020/cat.jpg' }],
    ['a key with an encoded space', { object: 'my%20file.txt' }, { bucket: 'archive-bucket', key: 'my file.txt' }],
    ['a literal plus sign stays a plus', { object: 'a+b.txt' }, { bucket: 'archive-bucket', key: 'a+b.txt' }],
    ['an encoded plus sign', { object: 'a%2Bb.txt' }, { bucket: 'archive-bucket', key: 'a+b.txt' }],
    ['an encoded percent sign', { object: '100%25.txt' }, { bucket: 'archive-bucket', key: '100%.txt' }],
    ['a non-ASCII key', { object: '%E6%97%A5%E5%BF%97%2F%E5%AD%98%E5%82%A8.txt' }, { bucket: 'archive-bucket', key: '日志/存储.txt' }],
    [
      'a versionId in request_uri',
      { request_uri: '/doc.pdf?versionId=CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFmZjhkNjg2****', object: 'doc.pdf' },
      { bucket: 'archive-bucket', key: 'doc.pdf', versionId: 'CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFmZjhkNjg2****' },
    ],
    [
      'an encoded versionId among other parameters',
      { request_uri: '/doc.pdf?response-content-type=text%2Fplain&versionId=v%2B1%3D&x=1', object: 'doc.pdf' },
      { bucket: 'archive-bucket', key: 'doc.pdf', versionId: 'v+1=' },
    ],
    [
      'a request_uri encoded as a whole',
      { request_uri: '%2Fdoc.pdf%3FversionId%3Dabc123', object: 'doc.pdf' },
      { bucket: 'archive-bucket', key: 'doc.pdf', versionId: 'abc123' },
    ],
    [
      'a request line with method and protocol',
      { request_uri: 'GET /doc.pdf?versionId=v7 HTTP/1.1', object: 'doc.pdf' },
      { bucket: 'archive-bucket', key: 'doc.pdf', versionId: 'v7' },
    ],
    ['an empty versionId means none', { request_uri: '/doc.pdf?versionId=', object: 'doc.pdf' }, { bucket: 'archive-bucket', key: 'doc.pdf' }],
    ['no request_uri at all', { request_uri: undefined }, { bucket: 'archive-bucket', key: 'photos/2020/cat.jpg' }],
    ['padded values', { operation: ' GetObject ', http_status: '403 ', bucket: ' archive-bucket' }, { bucket: 'archive-bucket', key: 'photos/2020/cat.jpg' }],
  ])('keeps %s', (_label, overrides, expected) => {
    expect(classifyAccessLogRecord(record(overrides))).toEqual({
      miss: { ...expected, source: 'access-log', seenAtMs: 1767225600000 },
    });
  });

  it.each([
    ['a HeadObject', { operation: 'HeadObject' }, 'other-operation'],
    ['a RestoreObject', { operation: 'RestoreObject', http_status: '202', error_code: '-' }, 'other-operation'],
    ['a successful GET', { http_status: '200', error_code: '-' }, 'other-status'],
    ['a 404 GET', { http_status: '404', error_code: 'NoSuchKey' }, 'other-status'],
    ['a 403 that is not about the storage state', { error_code: 'AccessDenied' }, 'other-error-code'],
    ['no operation', { operation: undefined }, 'missing-field:operation'],
    ['a placeholder operation', { operation: '-' }, 'missing-field:operation'],
    ['no http_status', { http_status: undefined }, 'missing-field:http_status'],
    ['an empty error_code', { error_code: '' }, 'missing-field:error_code'],
    ['no bucket', { bucket: undefined }, 'missing-field:bucket'],
    ['a placeholder object', { object: '-' }, 'missing-field:object'],
    ['a malformed escape', { object: 'bad%ZZkey' }, 'undecodable-key'],
    ['a truncated UTF-8 escape', { object: '%E6%97' }, 'undecodable-key'],
    ['a lone percent sign', { object: '50%' }, 'undecodable-key'],
    ['a malformed versionId', { request_uri: '/k?versionId=%E6%97' }, 'undecodable-version-id'],
  ])('skips %s', (_label, overrides, reason) => {
    expect(classifyAccessLogRecord(record(overrides))).toEqual({ skip: reason });
  });

  it('adds the nanosecond part of the log time', () => {
    expect(classifyAccessLogRecord(record({}, T, 987_654_321))).toMatchObject({ miss: { seenAtMs: 1767225600987 } });
  });

  it('skips a record without a usable time', () => {
    expect(classifyAccessLogRecord(record({}, 0))).toEqual({ skip: 'missing-field:__time__' });
  });

  it('skips values that are not records at all', () => {
    expect(classifyAccessLogRecord(null as unknown as AccessLogRecord)).toEqual({ skip: 'not-a-record' });
    expect(classifyAccessLogRecord({ time: T } as unknown as AccessLogRecord)).toEqual({ skip: 'not-a-record' });
  });
});

describe('extractAccessLogMisses', () => {
  it('keeps the good records of a batch that also holds bad ones', () => {
    const batch = [
      record({ object: 'one.txt' }),
      record({ object: 'bad%ZZ' }),
      null as unknown as AccessLogRecord,
      record({ operation: 'HeadObject' }),
      record({ object: 'two%20words.txt', request_uri: '/two%20words.txt?versionId=v2' }, T + 5),
      record({ http_status: '200', error_code: '-' }),
      record({ bucket: undefined }),
    ];
    expect(extractAccessLogMisses(batch)).toEqual({
      misses: [
        { bucket: 'archive-bucket', key: 'one.txt', source: 'access-log', seenAtMs: 1767225600000 },
        { bucket: 'archive-bucket', key: 'two words.txt', versionId: 'v2', source: 'access-log', seenAtMs: 1767225605000 },
      ],
      skipped: {
        'undecodable-key': 1,
        'not-a-record': 1,
        'other-operation': 1,
        'other-status': 1,
        'missing-field:bucket': 1,
      },
      total: 7,
    });
  });

  it('survives a record whose fields throw when read', () => {
    const hostile = {
      time: T,
      get contents(): Record<string, string> {
        throw new Error('boom');
      },
    } as AccessLogRecord;
    expect(extractAccessLogMisses([hostile, record()])).toMatchObject({ total: 2, skipped: { 'not-a-record': 1 } });
  });

  it('returns an empty result for an empty batch', () => {
    expect(extractAccessLogMisses([])).toEqual({ misses: [], skipped: {}, total: 0 });
  });
});

describe('AccessLogMissCollector', () => {
  it('accumulates across pages and keeps counting after a result is taken', () => {
    const collector = new AccessLogMissCollector();
    collector.addAll([record({ object: 'a' }), record({ operation: 'PutObject' })]);
    expect(collector.result()).toMatchObject({ total: 2, skipped: { 'other-operation': 1 } });
    collector.add(record({ object: 'b' }));
    const result = collector.result();
    expect(result.total).toBe(3);
    expect(result.misses.map((m) => m.key)).toEqual(['a', 'b']);
  });
});

describe('collectAccessLogMisses', () => {
  it('consumes an async stream', async () => {
    async function* stream(): AsyncGenerator<AccessLogRecord> {
      yield record({ object: 'x' });
      yield record({ http_status: '404' });
    }
    await expect(collectAccessLogMisses(stream())).resolves.toEqual({
      misses: [{ bucket: 'archive-bucket', key: 'x', source: 'access-log', seenAtMs: 1767225600000 }],
      skipped: { 'other-status': 1 },
      total: 2,
    });
  });
});
