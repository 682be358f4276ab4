import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACCESS_LOG_FIELDS, type AccessLogRecord, classifyAccessLogRecord } from '../../../lib/events/access-log';

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
    requester_id: '1234567890123456',
    bucket_storage_type: 'archive',
    time: '01/Jan/2026:00:00:00',
    ...overrides,
  };
  for (const [k, v] of Object.entries(contents)) if (v === undefined) delete contents[k];
  // The topic is the LogGroup's (Log Service keeps __topic__ beside the contents, not in them).
  return timeNs === undefined ? { time, topic: 'oss_access_log', contents } : { time, timeNs, topic: 'oss_access_log', contents };
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
      'a request line with method and protocol',
      { request_uri: 'GET /doc.pdf?versionId=v7 HTTP/1.1', object: 'doc.pdf' },
      { bucket: 'archive-bucket', key: 'doc.pdf', versionId: 'v7' },
    ],
    ['an empty versionId means none', { request_uri: '/doc.pdf?versionId=', object: 'doc.pdf' }, { bucket: 'archive-bucket', key: 'doc.pdf' }],
    ['no request_uri at all', { request_uri: undefined }, { bucket: 'archive-bucket', key: 'photos/2020/cat.jpg' }],
    ['padded values', { operation: ' GetObject ', http_status: '403 ', bucket: ' archive-bucket' }, { bucket: 'archive-bucket', key: 'photos/2020/cat.jpg' }],
  ])('keeps %s', (_label, overrides, expected) => {
    expect(classifyAccessLogRecord(record(overrides))).toEqual({
      miss: { ...expected, source: 'access-log', seenAtMs: 1767225600000, operation: 'GetObject' },
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

  it('survives a record whose fields throw when read', () => {
    const hostile = {
      time: T,
      get contents(): Record<string, string> {
        throw new Error('boom');
      },
    } as AccessLogRecord;
    expect(classifyAccessLogRecord(hostile)).toEqual({ skip: 'not-a-record' });
  });

  // Only a literal "?" in request_uri starts its query. A key's own "?" is
  // logged as %3F; reading the decoded URI as a query HEADed a version that does not exist.
  it.each([
    ['a key that looks like a query', 'dir%2Fq%3FversionId%3DCAEQabc.bin', '/dir/q%3FversionId%3DCAEQabc.bin', { key: 'dir/q?versionId=CAEQabc.bin' }],
    [
      'the same key with a real versionId',
      'dir%2Fq%3FversionId%3DCAEQabc.bin',
      '/dir/q%3FversionId%3DCAEQabc.bin?versionId=v9',
      { key: 'dir/q?versionId=CAEQabc.bin', versionId: 'v9' },
    ],
    ['a key ending in an encoded "?"', 'what%3F', '/what%3F', { key: 'what?' }],
  ])('reads %s from object, and the versionId only from the real query', (_label, object, requestUri, expected) => {
    expect(classifyAccessLogRecord(record({ object, request_uri: requestUri }))).toEqual({
      miss: { bucket: 'archive-bucket', ...expected, source: 'access-log', seenAtMs: 1767225600000, operation: 'GetObject' },
    });
  });
});

/** user_defined_log_fields as OSS writes it: base64 of JSON {truncated, headers, querys}. */
const userFields = (headers: Record<string, unknown>, truncated = false) => Buffer.from(JSON.stringify({ truncated, headers, querys: {} })).toString('base64');

// OSS refuses more than GetObject on an unrestored archived object (restore
// guide): image processing, CopyObject, UploadPartCopy, SelectObject, PostProcessTask. Each is a
// miss wherever the log names the archived object, with the operation named.
describe('classifyAccessLogRecord: every operation OSS refuses on an archived object', () => {
  it.each([
    ['an image-processing GET', { request_uri: '/photos%2F2020%2Fcat.jpg?x-oss-process=image%2Fresize%2Cw_100' }, 'ProcessImage'],
    [
      'a processing request logged under its own name',
      { operation: 'ProcessImage', request_uri: '/photos/2020/cat.jpg?x-oss-process=image/info' },
      'ProcessImage',
    ],
    [
      'a synchronous save-as (POST ?x-oss-process)',
      { operation: 'PostObject', http_method: 'POST', request_uri: '/photos/2020/cat.jpg?x-oss-process' },
      'ProcessImage',
    ],
    ['SelectObject', { operation: 'SelectObject', http_method: 'POST', request_uri: '/photos/2020/cat.jpg?x-oss-process=csv%2Fselect' }, 'SelectObject'],
    [
      'SelectObject logged as a POST with csv/select',
      { operation: 'PostObject', request_uri: '/photos/2020/cat.jpg?x-oss-process=json/select' },
      'SelectObject',
    ],
    ['PostProcessTask', { operation: 'PostProcessTask', http_method: 'POST', request_uri: '/photos/2020/cat.jpg?x-oss-async-process' }, 'PostProcessTask'],
    ['an async process logged as a POST', { operation: 'PostObject', request_uri: '/photos/2020/cat.jpg?x-oss-async-process' }, 'PostProcessTask'],
  ])('%s is a miss for the object it names', (_label, overrides, operation) => {
    expect(classifyAccessLogRecord(record(overrides))).toEqual({
      miss: { bucket: 'archive-bucket', key: 'photos/2020/cat.jpg', source: 'access-log', seenAtMs: 1767225600000, operation },
    });
  });

  it.each([
    ['CopyObject', 'CopyObject', '/dest.bin'],
    ['UploadPartCopy', 'UploadPartCopy', '/dest.bin?partNumber=1&uploadId=0004B9894A22E5B1888A1E29F823****'],
  ])('a refused %s is a miss for its source, when the bucket logs x-oss-copy-source', (_label, operation, requestUri) => {
    const fields = userFields({ 'x-oss-copy-source': '/source-bucket/cold%2Fa%20b.bin?versionId=CAEQ1' });
    expect(classifyAccessLogRecord(record({ operation, object: 'dest.bin', request_uri: requestUri, user_defined_log_fields: fields }))).toEqual({
      miss: { bucket: 'source-bucket', key: 'cold/a b.bin', versionId: 'CAEQ1', source: 'access-log', seenAtMs: 1767225600000, operation },
    });
  });

  it.each([
    ['without user_defined_log_fields (the log names only the destination)', undefined, 'copy-source-not-logged'],
    ['with other headers logged', userFields({ 'x-oss-meta-a': '1' }), 'copy-source-not-logged'],
    ['with a truncated source', userFields({ 'x-oss-copy-source': '/source-bucket/cold/a.b' }, true), 'undecodable-copy-source'],
    ['with a source that names no key', userFields({ 'x-oss-copy-source': '/source-bucket' }), 'undecodable-copy-source'],
    ['with fields that are not base64 JSON', '%%%', 'undecodable-copy-source'],
  ])('skips a refused CopyObject %s, counted', (_label, fields, reason) => {
    expect(classifyAccessLogRecord(record({ operation: 'CopyObject', object: 'dest.bin', request_uri: '/dest.bin', user_defined_log_fields: fields }))).toEqual(
      {
        skip: reason,
      },
    );
  });

  it('accepts the copy-source header in any case, and as a list', () => {
    const fields = userFields({ 'X-Oss-Copy-Source': ['/source-bucket/k.bin'] });
    expect(classifyAccessLogRecord(record({ operation: 'CopyObject', user_defined_log_fields: fields }))).toMatchObject({
      miss: { bucket: 'source-bucket', key: 'k.bin', operation: 'CopyObject' },
    });
  });

  it.each([
    ['a successful copy', { operation: 'CopyObject', http_status: '200', error_code: '-' }, 'other-status'],
    ['a processing request refused for another reason', { request_uri: '/k?x-oss-process=image/info', error_code: 'AccessDenied' }, 'other-error-code'],
    ['a PutObject', { operation: 'PutObject' }, 'other-operation'],
  ])('skips %s', (_label, overrides, reason) => {
    expect(classifyAccessLogRecord(record(overrides))).toEqual({ skip: reason });
  });
});

// Only OSS's own records count. A record written into the logstore by anyone else (any
// topic) and a read by an anonymous requester of a public-read bucket restore nothing by default.
describe('classifyAccessLogRecord: whose records count', () => {
  it.each([
    ['another topic', { ...record(), topic: 'forged' }, 'other-topic'],
    ['the metering topic', { ...record(), topic: 'oss_metering_log' }, 'other-topic'],
    ['no topic at all', { time: T, contents: record().contents }, 'other-topic'],
    ['an anonymous requester ("-")', record({ requester_id: '-' }), 'anonymous-requester'],
    ['no requester_id', record({ requester_id: undefined }), 'anonymous-requester'],
  ] as const)('skips a record with %s', (_label, r, reason) => {
    expect(classifyAccessLogRecord(r as AccessLogRecord)).toEqual({ skip: reason });
  });

  it('keeps an anonymous requester’s miss when THAW_ACCESS_LOG_ANONYMOUS allows it, and never another topic', () => {
    expect(classifyAccessLogRecord(record({ requester_id: '-' }), { anonymous: true })).toMatchObject({ miss: { key: 'photos/2020/cat.jpg' } });
    expect(classifyAccessLogRecord({ ...record(), topic: 'forged' }, { anonymous: true })).toEqual({ skip: 'other-topic' });
  });
});

describe('ACCESS_LOG_FIELDS', () => {
  // A source decodes only these keys (lib/sls's content filter): the verdict must not change.
  const field = fc.constantFrom(...ACCESS_LOG_FIELDS, '__topic__', 'http_method', 'client_ip', 'request_id', 'host', 'user_agent', 'x');
  const value = fc.oneof(
    fc.constantFrom('GetObject', 'CopyObject', 'SelectObject', 'PostProcessTask', '403', '200', 'InvalidObjectState', 'archive-bucket', '-', ''),
    fc.constantFrom(
      '/k?x-oss-process=image/resize',
      '/k?versionId=v1',
      '/a%2Fb',
      'a%zz',
      Buffer.from('{"headers":{"x-oss-copy-source":"/b/k"}}').toString('base64'),
    ),
    fc.string({ maxLength: 20 }),
  );

  it('names every field the classification reads: the verdict of a record cut down to them is the same', () => {
    fc.assert(
      fc.property(fc.dictionary(field, value, { maxKeys: 12 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (contents, time) => {
        const full = { time, topic: 'oss_access_log', contents: { ...record().contents, ...contents } };
        const cut = {
          time,
          topic: 'oss_access_log',
          contents: Object.fromEntries(Object.entries(full.contents).filter(([k]) => (ACCESS_LOG_FIELDS as readonly string[]).includes(k))),
        };
        expect(classifyAccessLogRecord(cut)).toEqual(classifyAccessLogRecord(full));
      }),
      { numRuns: 500, seed: 20260103 },
    );
  });
});
