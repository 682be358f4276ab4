import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEventKey, MalformedEventError, parseStorageEvents, type ParsedEvents } from '../../../lib/events';

// Shapes follow Alibaba Cloud's published samples: the FC "event formats" page (OSS trigger) and the
// EventBridge OSS event as shown in Event Tracking (CloudEvent whose `data` is one OSS record).

const OWNER = '1649015465570000';

interface RecordFacts {
  eventName?: string;
  bucket?: string;
  key?: string;
  versionId?: string;
  eventTime?: string;
  requestId?: string;
  size?: number;
}

/** One `events[]` record as the OSS trigger delivers it. */
function ossRecord(facts: RecordFacts = {}): Record<string, unknown> {
  const bucket = facts.bucket ?? 'archive-bucket';
  return {
    eventName: facts.eventName ?? 'ObjectCreated:PutObject',
    eventSource: 'acs:oss',
    eventTime: facts.eventTime ?? '2022-08-13T06:45:43.000Z',
    eventVersion: '1.0',
    oss: {
      bucket: { arn: `acs:oss:cn-hangzhou:${OWNER}:${bucket}`, name: bucket, ownerIdentity: OWNER, virtualBucket: '' },
      object: {
        deltaSize: facts.size ?? 122539,
        eTag: '688A7BF4F233DC9C88A80BF985AB7329',
        key: facts.key ?? 'source/a.png',
        size: facts.size ?? 122539,
        ...(facts.versionId === undefined ? {} : { versionId: facts.versionId }),
      },
      ossSchemaVersion: '1.0',
      ruleId: '9adac8e253828f4f7c0466d941fa3db81161e853',
    },
    region: 'cn-hangzhou',
    requestParameters: { sourceIPAddress: '140.205.128.221' },
    responseElements: { requestId: facts.requestId ?? '58F9FF2D3DF792092E12044C' },
    userIdentity: { principalId: OWNER },
  };
}

/** The same record wrapped by EventBridge. */
function cloudEvent(record: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const oss = record.oss as { bucket?: { name?: string }; object?: { key?: unknown } };
  return {
    datacontenttype: 'application/json;charset=utf-8',
    aliyunaccountid: OWNER,
    data: record,
    subject: `acs:oss:cn-hangzhou:${OWNER}:${oss.bucket?.name ?? 'archive-bucket'}/${String(oss.object?.key)}`,
    aliyunoriginalaccountid: OWNER,
    source: 'acs.oss',
    type: `oss:${String(record.eventName)}`,
    aliyunpublishtime: '2022-08-13T06:45:43.682Z',
    specversion: '1.0',
    aliyuneventbusname: 'default',
    id: '69B1A2B3C4D5E6F70000C0A8',
    time: '2022-08-13T06:45:43.000Z',
    aliyunregionid: 'cn-hangzhou',
    ...overrides,
  };
}

/** A CloudEvent with no `data.oss`: the object is named by `subject` alone. */
function subjectOnly(type: string, subject: string, time = '2022-08-13T06:45:43.000Z'): Record<string, unknown> {
  return { id: 'e-1', source: 'acs.oss', specversion: '1.0', type, subject, time, datacontenttype: 'application/json', data: { name: 'test', scope: 100 } };
}

const mixedTrigger = {
  events: [
    ossRecord({ eventName: 'ObjectCreated:PutObject', key: 'source/a.png', requestId: '58F9FF2D3DF792092E12044C', size: 122539 }),
    ossRecord({
      eventName: 'ObjectRemoved:DeleteObject',
      key: 'logs/2022/08/13.log',
      requestId: '5D08884070BC12B192C60001',
      size: 0,
      eventTime: '2022-08-13T06:46:00.000Z',
    }),
    ossRecord({ eventName: 'ObjectCreated:InitiateMultipartUpload', key: 'big/video.mp4' }),
    ossRecord({
      eventName: 'ObjectRestore:FinishRestore',
      key: 'cold/2019/report.pdf',
      versionId: 'CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFmZjhkNjg2',
      requestId: '5D08884070BC12B192C60002',
      size: 2048,
      eventTime: '2022-08-13T07:00:00.000Z',
    }),
    ossRecord({
      eventName: 'ObjectModified:UpdateObjectMeta',
      key: 'source/b.png',
      requestId: '5D08884070BC12B192C60003',
      size: 10,
      eventTime: '2022-08-13T08:00:00+08:00',
    }),
    ossRecord({ eventName: 'ObjectDownloaded:GetObject', key: 'source/a.png' }),
  ],
};

const mixedExpected: ParsedEvents = {
  events: [
    {
      kind: 'object-created',
      name: 'ObjectCreated:PutObject',
      bucket: 'archive-bucket',
      key: 'source/a.png',
      eventTimeMs: 1660373143000,
      requestId: '58F9FF2D3DF792092E12044C',
      sizeBytes: 122539,
    },
    {
      kind: 'object-removed',
      name: 'ObjectRemoved:DeleteObject',
      bucket: 'archive-bucket',
      key: 'logs/2022/08/13.log',
      eventTimeMs: 1660373160000,
      requestId: '5D08884070BC12B192C60001',
      sizeBytes: 0,
    },
    {
      kind: 'restore-finished',
      name: 'ObjectRestore:FinishRestore',
      bucket: 'archive-bucket',
      key: 'cold/2019/report.pdf',
      versionId: 'CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFmZjhkNjg2',
      eventTimeMs: 1660374000000,
      requestId: '5D08884070BC12B192C60002',
      sizeBytes: 2048,
    },
    {
      kind: 'object-modified',
      name: 'ObjectModified:UpdateObjectMeta',
      bucket: 'archive-bucket',
      key: 'source/b.png',
      eventTimeMs: 1660348800000,
      requestId: '5D08884070BC12B192C60003',
      sizeBytes: 10,
    },
  ],
  ignored: [
    { name: 'ObjectCreated:InitiateMultipartUpload', reason: 'a multipart upload step; the object changes only on CompleteMultipartUpload' },
    { name: 'ObjectDownloaded:GetObject', reason: 'a successful read changes nothing' },
  ],
  invalid: [],
};

describe('parseStorageEvents', () => {
  describe('OSS trigger events', () => {
    it.each([
      ['an object', mixedTrigger],
      ['a Buffer of JSON (FC 3.0)', Buffer.from(JSON.stringify(mixedTrigger))],
      ['a string of JSON', JSON.stringify(mixedTrigger)],
      ['a Uint8Array of JSON', new TextEncoder().encode(JSON.stringify(mixedTrigger))],
      ['a Buffer with a UTF-8 byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(mixedTrigger))])],
    ])('reads several records of mixed kinds from %s', (_label, payload) => {
      expect(parseStorageEvents(payload)).toEqual(mixedExpected);
    });

    it('returns nothing for an empty events array', () => {
      expect(parseStorageEvents({ events: [] })).toEqual({ events: [], ignored: [], invalid: [] });
    });

    it('omits what the record does not carry', () => {
      const record = ossRecord();
      delete record.responseElements;
      delete (record.oss as { object: Record<string, unknown> }).object.size;
      expect(parseStorageEvents({ events: [record] }).events).toStrictEqual([
        { kind: 'object-created', name: 'ObjectCreated:PutObject', bucket: 'archive-bucket', key: 'source/a.png', eventTimeMs: 1660373143000 },
      ]);
    });
  });

  describe('EventBridge CloudEvents', () => {
    it('reads a single CloudEvent from data.oss', () => {
      const event = cloudEvent(ossRecord({ eventName: 'ObjectCreated:PostObject', bucket: 'dwoss1024', key: 'input/orders.csv', size: 59537 }));
      expect(parseStorageEvents(Buffer.from(JSON.stringify(event)))).toEqual({
        events: [
          {
            kind: 'object-created',
            name: 'ObjectCreated:PostObject',
            bucket: 'dwoss1024',
            key: 'input/orders.csv',
            eventTimeMs: 1660373143000,
            requestId: '58F9FF2D3DF792092E12044C',
            sizeBytes: 59537,
          },
        ],
        ignored: [],
        invalid: [],
      });
    });

    it('reads a batch of CloudEvents, keeping the good ones around a bad one', () => {
      const batch = [
        cloudEvent(
          ossRecord({
            eventName: 'ObjectRestore:FinishRestore',
            key: 'cold/a.bin',
            versionId: 'CAEQARiBgIDXiaaB0BYiIDJhMTVlYjE4YTM5NTQyM2FiNDgzZTI1YzQxMzE1',
            size: 1024,
          }),
        ),
        subjectOnly('oss:ObjectRemoved:DeleteObjects', 'acs:oss:cn-hangzhou:1234567:xls-papk/game_apk/123.jpg', '2022-08-13T06:50:00.000Z'),
        {
          id: 'e-2',
          source: 'acs.mns',
          specversion: '1.0',
          type: 'mns:Queue:SendMessage',
          subject: 'acs:mns:cn-hangzhou:1234567:queues/zeus',
          time: '2022-08-13T06:45:43Z',
          data: {},
        },
        subjectOnly('oss:ObjectCreated:PutObject', 'acs:oss:cn-hangzhou:1234567:xls-papk'),
        cloudEvent(ossRecord({ eventName: 'ObjectModified:ChangeStorageClass', key: 'hot/b.bin', requestId: '5D08884070BC12B192C60009', size: 7 })),
      ];
      expect(parseStorageEvents(JSON.stringify(batch))).toEqual({
        events: [
          {
            kind: 'restore-finished',
            name: 'ObjectRestore:FinishRestore',
            bucket: 'archive-bucket',
            key: 'cold/a.bin',
            versionId: 'CAEQARiBgIDXiaaB0BYiIDJhMTVlYjE4YTM5NTQyM2FiNDgzZTI1YzQxMzE1',
            eventTimeMs: 1660373143000,
            requestId: '58F9FF2D3DF792092E12044C',
            sizeBytes: 1024,
          },
          { kind: 'object-removed', name: 'ObjectRemoved:DeleteObjects', bucket: 'xls-papk', key: 'game_apk/123.jpg', eventTimeMs: 1660373400000 },
          {
            kind: 'object-modified',
            name: 'ObjectModified:ChangeStorageClass',
            bucket: 'archive-bucket',
            key: 'hot/b.bin',
            eventTimeMs: 1660373143000,
            requestId: '5D08884070BC12B192C60009',
            sizeBytes: 7,
          },
        ],
        ignored: [{ name: 'mns:Queue:SendMessage', reason: 'not an OSS event (source "acs.mns")' }],
        invalid: [{ index: 3, reason: 'subject must be "acs:oss:<region>:<uid>:<bucket>/<key>" (got "acs:oss:cn-hangzhou:1234567:xls-papk")' }],
      });
    });

    it.each([
      ['a nested key', 'acs:oss:cn-hangzhou:1234567:xls-papk/game_apk/2020/123.jpg', 'xls-papk', 'game_apk/2020/123.jpg'],
      ['a key with a colon', 'acs:oss:cn-hangzhou:1234567:xls-papk/10:47:07.log', 'xls-papk', '10:47:07.log'],
      ['a key ending in a slash', 'acs:oss:cn-shanghai:1234567:my-bucket/folder/', 'my-bucket', 'folder/'],
      ['a key with a double slash', 'acs:oss:cn-shanghai:1234567:my-bucket/a//b', 'my-bucket', 'a//b'],
      ['an encoded key', 'acs:oss:cn-shanghai:1234567:my-bucket/my%20file.txt', 'my-bucket', 'my file.txt'],
      ['a masked uid', 'acs:oss:cn-shanghai:1***9:my-bucket/x', 'my-bucket', 'x'],
    ])('takes bucket and key from the subject when data.oss is absent: %s', (_label, subject, bucket, key) => {
      expect(parseStorageEvents(subjectOnly('oss:ObjectCreated:PutObject', subject)).events).toEqual([
        { kind: 'object-created', name: 'ObjectCreated:PutObject', bucket, key, eventTimeMs: 1660373143000 },
      ]);
    });

    it('prefers data.oss over the subject', () => {
      const event = cloudEvent(ossRecord({ key: 'from/data.txt' }), { subject: 'acs:oss:cn-hangzhou:1234567:other-bucket/from/subject.txt' });
      expect(parseStorageEvents(event).events).toEqual([
        {
          kind: 'object-created',
          name: 'ObjectCreated:PutObject',
          bucket: 'archive-bucket',
          key: 'from/data.txt',
          eventTimeMs: 1660373143000,
          requestId: '58F9FF2D3DF792092E12044C',
          sizeBytes: 122539,
        },
      ]);
    });

    it.each([
      ['data.eventTime when both are there', { eventTime: '2022-08-13T06:45:43.000Z' }, '2022-08-13T06:45:44.000Z', 1660373143000],
      ['time when data.eventTime is unusable', { eventTime: 'soon' }, '2022-08-13T06:45:44.000Z', 1660373144000],
      ['time when data has no eventTime', {}, '2022-08-13T06:45:44+08:00', 1660344344000],
    ])('takes the time from %s', (_label, data, time, expected) => {
      const event = {
        id: 'e-1',
        source: 'acs.oss',
        specversion: '1.0',
        type: 'oss:ObjectCreated:PutObject',
        subject: 'acs:oss:cn-hangzhou:1:my-bucket/k',
        time,
        data,
      };
      expect(parseStorageEvents(event).events.map((e) => e.eventTimeMs)).toEqual([expected]);
    });
  });

  describe('keys', () => {
    const keys = [
      ['a plain key with slashes', 'photos/2020/cat.jpg', 'photos/2020/cat.jpg'],
      ['a plain key with a space', 'my file.txt', 'my file.txt'],
      ['an encoded space', 'my%20file.txt', 'my file.txt'],
      ['a literal plus sign', 'c++/notes+1.txt', 'c++/notes+1.txt'],
      ['an encoded plus sign', 'a%2Bb.txt', 'a+b.txt'],
      ['a literal plus sign next to an escape', 'a+b%20c.txt', 'a+b c.txt'],
      ['a bare percent sign', '100%.txt', '100%.txt'],
      ['a percent sign with one hex digit', 'rate%5.txt', 'rate%5.txt'],
      ['a valid escape next to a bare percent sign', 'a%20b%zz', 'a%20b%zz'],
      ['an encoded percent sign, decoded once only', '100%2525.txt', '100%25.txt'],
      ['plain non-ASCII', '日志/存储.txt', '日志/存储.txt'],
      ['encoded non-ASCII', '%E6%97%A5%E5%BF%97%2F%E5%AD%98%E5%82%A8.txt', '日志/存储.txt'],
      ['plain non-ASCII with a literal escape-like sequence', '日志%41.txt', '日志%41.txt'],
      ['a plain space with a literal escape-like sequence', 'a b%41', 'a b%41'],
      ['escapes that are not UTF-8', 'bad%FF.txt', 'bad%FF.txt'],
      ['an encoded slash', 'dir%2Ffile', 'dir/file'],
      ['an emoji, encoded', '%F0%9F%A7%8A.txt', '🧊.txt'],
    ] as const;

    it.each(keys)('decodeEventKey: %s', (_label, raw, expected) => {
      expect(decodeEventKey(raw)).toBe(expected);
    });

    it.each(keys)('OSS trigger record: %s', (_label, raw, expected) => {
      expect(parseStorageEvents({ events: [ossRecord({ key: raw })] }).events.map((e) => e.key)).toEqual([expected]);
    });

    it.each(keys)('CloudEvent subject: %s', (_label, raw, expected) => {
      const event = subjectOnly('oss:ObjectCreated:PutObject', `acs:oss:cn-hangzhou:1234567:my-bucket/${raw}`);
      expect(parseStorageEvents([event]).events.map((e) => e.key)).toEqual([expected]);
    });
  });

  describe('versionId', () => {
    it.each([
      ['an OSS version id', 'CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFmZjhkNjg2', 'CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFmZjhkNjg2'],
      ['the null version', 'null', 'null'],
      ['an empty string (no version)', '', undefined],
      ['a JSON null (no version)', null, undefined],
    ])('reads %s', (_label, versionId, expected) => {
      const record = ossRecord();
      (record.oss as { object: Record<string, unknown> }).object.versionId = versionId;
      expect(parseStorageEvents({ events: [record] }).events[0]?.versionId).toBe(expected);
    });
  });

  describe('event names', () => {
    it.each([
      ['ObjectCreated:PutObject', 'object-created'],
      ['ObjectCreated:PostObject', 'object-created'],
      ['ObjectCreated:CopyObject', 'object-created'],
      ['ObjectCreated:AppendObject', 'object-created'],
      ['ObjectCreated:CompleteMultipartUpload', 'object-created'],
      ['ObjectCreated:PutSymlink', 'object-created'],
      ['ObjectRemoved:DeleteObject', 'object-removed'],
      ['ObjectRemoved:DeleteObjects', 'object-removed'],
      ['ObjectRemoved:DeleteMarkerCreated', 'object-removed'],
      ['ObjectModified:UpdateObjectMeta', 'object-modified'],
      ['ObjectModified:ChangeStorageClass', 'object-modified'],
      ['ObjectReplication:ObjectCreated', 'object-created'],
      ['ObjectReplication:ObjectModified', 'object-modified'],
      ['ObjectReplication:ObjectRemoved', 'object-removed'],
      ['ObjectRestore:FinishRestore', 'restore-finished'],
      ['ObjectCreated:SomeFutureUpload', 'object-created'],
      ['ObjectRemoved:SomeFutureDelete', 'object-removed'],
    ])('%s is %s', (name, kind) => {
      const fromTrigger = parseStorageEvents({ events: [ossRecord({ eventName: name })] });
      const fromEventBridge = parseStorageEvents(cloudEvent(ossRecord({ eventName: name })));
      expect(fromTrigger.events.map((e) => [e.name, e.kind])).toEqual([[name, kind]]);
      expect(fromEventBridge.events.map((e) => [e.name, e.kind])).toEqual([[name, kind]]);
    });

    it('accepts an eventName that carries the oss: prefix', () => {
      expect(parseStorageEvents({ events: [ossRecord({ eventName: 'oss:ObjectRestore:FinishRestore' })] }).events.map((e) => [e.name, e.kind])).toEqual([
        ['ObjectRestore:FinishRestore', 'restore-finished'],
      ]);
    });

    it.each([
      ['ObjectCreated:InitiateMultipartUpload', 'a multipart upload step; the object changes only on CompleteMultipartUpload'],
      ['ObjectCreated:UploadPart', 'a multipart upload step; the object changes only on CompleteMultipartUpload'],
      ['ObjectCreated:UploadPartCopy', 'a multipart upload step; the object changes only on CompleteMultipartUpload'],
      ['ObjectRemoved:AbortMultipartUpload', 'an aborted multipart upload leaves the object as it was'],
      ['ObjectDownloaded:GetObject', 'a successful read changes nothing'],
      ['ObjectRestore:SomethingElse', 'not an object event the restore loop acts on'],
      ['BucketCreated:PutBucket', 'not an object event the restore loop acts on'],
      ['CloudMonitor:BucketEgressBandwidth', 'not an object event the restore loop acts on'],
      ['constructor', 'not an object event the restore loop acts on'],
    ])('ignores %s', (name, reason) => {
      // A malformed object does not matter once the event is ignored.
      const record = { ...ossRecord({ eventName: name }), oss: 'whatever' };
      expect(parseStorageEvents({ events: [record] })).toEqual({ events: [], ignored: [{ name, reason }], invalid: [] });
      expect(parseStorageEvents([cloudEvent(ossRecord({ eventName: name }))])).toEqual({ events: [], ignored: [{ name, reason }], invalid: [] });
    });
  });

  describe('malformed records', () => {
    const BUCKET_RULE = '(3-63 lowercase letters, digits or hyphens, starting and ending with a letter or digit)';
    it.each<[string, (r: Record<string, any>) => unknown, string]>([
      ['a record that is not an object', () => 'ObjectCreated:PutObject', 'the record must be an object (got "ObjectCreated:PutObject")'],
      ['a null record', () => null, 'the record must be an object (got null)'],
      ['no eventName', (r) => void delete r.eventName, 'eventName must be a non-empty string (got nothing)'],
      ['a numeric eventName', (r) => void (r.eventName = 7), 'eventName must be a non-empty string (got number 7)'],
      ['no oss section', (r) => void delete r.oss, 'oss.bucket.name must be a string (got nothing)'],
      ['no bucket name', (r) => void delete r.oss.bucket.name, 'oss.bucket.name must be a string (got nothing)'],
      ['a bucket name that is an object', (r) => void (r.oss.bucket.name = { name: 'b' }), 'oss.bucket.name must be a string (got an object)'],
      ['an invalid bucket name', (r) => void (r.oss.bucket.name = 'My_Bucket'), `bucket: "My_Bucket" is not a valid OSS bucket name ${BUCKET_RULE}`],
      ['no object section', (r) => void delete r.oss.object, 'oss.object.key must be a string (got nothing)'],
      ['a numeric key', (r) => void (r.oss.object.key = 42), 'oss.object.key must be a string (got number 42)'],
      ['an array key', (r) => void (r.oss.object.key = ['a']), 'oss.object.key must be a string (got an array)'],
      ['an empty key', (r) => void (r.oss.object.key = ''), 'key: must be a non-empty string'],
      ['a key with a leading slash', (r) => void (r.oss.object.key = '/etc/passwd'), 'key: must not start with "/" or "\\"'],
      ['an encoded leading slash', (r) => void (r.oss.object.key = '%2Fetc%2Fpasswd'), 'key: must not start with "/" or "\\"'],
      ['a numeric versionId', (r) => void (r.oss.object.versionId = 7), 'versionId must be a string (got number 7)'],
      ['a versionId with a space', (r) => void (r.oss.object.versionId = 'v 1'), 'versionId: "v 1" is not a valid OSS version id'],
      ['no eventTime', (r) => void delete r.eventTime, 'eventTime must be an ISO 8601 time with a time zone (got nothing)'],
      ['a word for eventTime', (r) => void (r.eventTime = 'yesterday'), 'eventTime must be an ISO 8601 time with a time zone (got "yesterday")'],
      [
        'an eventTime without a zone',
        (r) => void (r.eventTime = '2022-08-13T06:45:43'),
        'eventTime must be an ISO 8601 time with a time zone (got "2022-08-13T06:45:43")',
      ],
      [
        'an impossible date',
        (r) => void (r.eventTime = '2022-02-30T00:00:00Z'),
        'eventTime must be an ISO 8601 time with a time zone (got "2022-02-30T00:00:00Z")',
      ],
      [
        'an impossible hour',
        (r) => void (r.eventTime = '2022-08-13T25:00:00Z'),
        'eventTime must be an ISO 8601 time with a time zone (got "2022-08-13T25:00:00Z")',
      ],
      ['epoch milliseconds', (r) => void (r.eventTime = 1660373143000), 'eventTime must be an ISO 8601 time with a time zone (got number 1660373143000)'],
    ])('reports %s and keeps the records around it', (_label, spoil, reason) => {
      const bad = ossRecord({ key: 'bad/one' });
      const replaced = spoil(bad);
      const payload = { events: [ossRecord({ key: 'good/first' }), replaced === undefined ? bad : replaced, ossRecord({ key: 'good/last' })] };
      const parsed = parseStorageEvents(payload);
      expect(parsed.invalid).toEqual([{ index: 1, reason }]);
      expect(parsed.events.map((e) => e.key)).toEqual(['good/first', 'good/last']);
      expect(parsed.ignored).toEqual([]);
    });

    it.each<[string, unknown, string]>([
      ['a CloudEvent that is a number', 42, 'the CloudEvent must be an object (got number 42)'],
      ['a CloudEvent without a type', { source: 'acs.oss', specversion: '1.0' }, 'type must be a non-empty string (got nothing)'],
      [
        'a subject of another service',
        subjectOnly('oss:ObjectCreated:PutObject', 'acs:mns:cn-hangzhou:1234567:queues/zeus'),
        'subject must be "acs:oss:<region>:<uid>:<bucket>/<key>" (got "acs:mns:cn-hangzhou:1234567:queues/zeus")',
      ],
      [
        'a subject without the uid',
        subjectOnly('oss:ObjectCreated:PutObject', 'acs:oss:cn-hangzhou:my-bucket/key'),
        'subject must be "acs:oss:<region>:<uid>:<bucket>/<key>" (got "acs:oss:cn-hangzhou:my-bucket/key")',
      ],
      [
        'a subject with an empty key',
        subjectOnly('oss:ObjectCreated:PutObject', 'acs:oss:cn-hangzhou:1234567:my-bucket/'),
        'subject must be "acs:oss:<region>:<uid>:<bucket>/<key>" (got "acs:oss:cn-hangzhou:1234567:my-bucket/")',
      ],
      [
        'no subject and no data.oss',
        { ...subjectOnly('oss:ObjectCreated:PutObject', ''), subject: undefined },
        'subject must be "acs:oss:<region>:<uid>:<bucket>/<key>" (got nothing)',
      ],
      [
        'a numeric key in data.oss',
        cloudEvent({ ...ossRecord(), oss: { bucket: { name: 'archive-bucket' }, object: { key: 1 } } }),
        'data.oss.object.key must be a string (got number 1)',
      ],
      [
        'a bucket missing from data.oss',
        cloudEvent({ ...ossRecord(), oss: { object: { key: 'k' } } }, { subject: 'acs:oss:cn-hangzhou:1:archive-bucket/k' }),
        'data.oss.bucket.name must be a string (got nothing)',
      ],
      [
        // The time of EventBridge's own event-pattern sample, which carries no data.eventTime.
        'an unparsable time',
        subjectOnly('oss:ObjectCreated:PostObject', 'acs:oss:cn-hangzhou:1234567:xls-papk/game_apk/123.jpg', '2020-08-17T16:04:46.149Asia/Shanghai'),
        'time must be an ISO 8601 time with a time zone (got "2020-08-17T16:04:46.149Asia/Shanghai")',
      ],
      [
        'no usable time at all',
        cloudEvent({ ...ossRecord(), eventTime: 'later' }, { time: 'soon' }),
        'data.eventTime must be an ISO 8601 time with a time zone (got "later")',
      ],
    ])('reports %s in a batch and keeps the others', (_label, bad, reason) => {
      const good = cloudEvent(ossRecord({ key: 'good/one' }));
      const parsed = parseStorageEvents([bad, good]);
      expect(parsed.invalid).toEqual([{ index: 0, reason }]);
      expect(parsed.events.map((e) => e.key)).toEqual(['good/one']);
    });

    it.each([
      ['a numeric string', '2048', 2048],
      ['a negative number', -5, undefined],
      ['a fraction', 1.5, undefined],
      ['an empty string', '', undefined],
    ])('reads a size given as %s', (_label, size, expected) => {
      const record = ossRecord();
      (record.oss as { object: Record<string, unknown> }).object.size = size;
      expect(parseStorageEvents({ events: [record] }).events[0]?.sizeBytes).toBe(expected);
    });
  });

  describe('malformed payloads', () => {
    const SHAPES = 'a storage event must be an OSS trigger event {"events":[…]}, a CloudEvent or an array of CloudEvents';
    it.each<[string, unknown, string]>([
      ['text that is not JSON', 'hello', 'the storage event is not JSON (5 characters)'],
      ['an empty Buffer', Buffer.alloc(0), 'the storage event is not JSON (0 characters)'],
      ['truncated JSON', '{"events":[', 'the storage event is not JSON (11 characters)'],
      ['JSON null', 'null', `${SHAPES} (got null)`],
      ['a JSON number', Buffer.from('42'), `${SHAPES} (got number 42)`],
      ['a JSON string holding JSON', JSON.stringify(JSON.stringify({ events: [] })), `${SHAPES} (got "{\\"events\\":[]}")`],
      ['an empty object', {}, `${SHAPES} (got an object)`],
      ['a single OSS record without the events wrapper', ossRecord(), `${SHAPES} (got an object)`],
      ['an HTTP trigger event', { version: 'v1', rawPath: '/', headers: {}, body: '' }, `${SHAPES} (got an object)`],
      ['events that is an object', { events: {} }, 'the OSS trigger event\'s "events" must be an array (got an object)'],
      ['events that is a string', '{"events":"[]"}', 'the OSS trigger event\'s "events" must be an array (got "[]")'],
      ['undefined', undefined, `${SHAPES} (got nothing)`],
      ['a boolean', true, `${SHAPES} (got boolean true)`],
    ])('throws MalformedEventError for %s', (_label, payload, message) => {
      let thrown: unknown;
      try {
        parseStorageEvents(payload);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(MalformedEventError);
      expect(thrown).toMatchObject({ code: 'MalformedEvent', name: 'MalformedEventError', message });
    });
  });

  describe('properties', () => {
    /** Either a well-formed result or a MalformedEventError: nothing else may come out. */
    function outcome(payload: unknown): ParsedEvents | MalformedEventError {
      try {
        const parsed = parseStorageEvents(payload);
        for (const e of parsed.events) {
          expect(typeof e.bucket === 'string' && typeof e.key === 'string' && e.key.length > 0).toBe(true);
          expect(Number.isFinite(e.eventTimeMs)).toBe(true);
        }
        return parsed;
      } catch (err) {
        if (err instanceof MalformedEventError) return err;
        throw err;
      }
    }

    it('never crashes on any JSON value, as a value, a string or a Buffer', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          outcome(value);
          outcome(JSON.stringify(value));
          outcome(Buffer.from(JSON.stringify(value) ?? ''));
        }),
        { numRuns: 300 },
      );
    });

    it('never crashes on any string or any bytes', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 200 }), (text, bytes) => {
          outcome(text);
          outcome(Buffer.from(bytes));
        }),
        { numRuns: 300 },
      );
    });

    it('never crashes on any value at all', () => {
      fc.assert(
        fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (value) => void outcome(value)),
        { numRuns: 300 },
      );
    });

    // Records close to the real shape, with any field replaced by anything: each record lands in
    // exactly one of events, ignored or invalid.
    const anyField = fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined));
    const nearRecord = fc
      .record({
        eventName: fc.oneof(
          fc.constantFrom('ObjectCreated:PutObject', 'ObjectRestore:FinishRestore', 'ObjectRemoved:DeleteObject', 'ObjectCreated:UploadPart'),
          anyField,
        ),
        bucket: fc.oneof(fc.constantFrom('archive-bucket', 'x', 'My_Bucket'), anyField),
        key: fc.oneof(fc.constantFrom('a/b.txt', '%E6%97%A5', '100%', '/x', ''), anyField),
        versionId: anyField,
        eventTime: fc.oneof(fc.constant('2022-08-13T06:45:43.000Z'), anyField),
        size: anyField,
      })
      .map((f) => ({
        eventName: f.eventName,
        eventTime: f.eventTime,
        oss: { bucket: { name: f.bucket }, object: { key: f.key, versionId: f.versionId, size: f.size } },
      }));
    const element = fc.oneof(nearRecord, fc.jsonValue({ maxDepth: 2 }));

    it('accounts for every record of an OSS trigger event', () => {
      fc.assert(
        fc.property(fc.array(element, { maxLength: 8 }), (records) => {
          const parsed = parseStorageEvents(Buffer.from(JSON.stringify({ events: records })));
          expect(parsed.events.length + parsed.ignored.length + parsed.invalid.length).toBe(records.length);
        }),
        { numRuns: 300 },
      );
    });

    it('accounts for every CloudEvent of a batch', () => {
      const nearCloudEvent = fc.record({
        source: fc.oneof(fc.constant('acs.oss'), anyField),
        type: fc.oneof(fc.constantFrom('oss:ObjectCreated:PutObject', 'oss:ObjectRestore:FinishRestore'), anyField),
        subject: fc.oneof(fc.constant('acs:oss:cn-hangzhou:1:archive-bucket/k'), anyField),
        time: fc.oneof(fc.constant('2022-08-13T06:45:43Z'), anyField),
        data: fc.oneof(nearRecord, anyField),
      });
      fc.assert(
        fc.property(fc.array(fc.oneof(nearCloudEvent, fc.jsonValue({ maxDepth: 2 })), { maxLength: 8 }), (events) => {
          const parsed = parseStorageEvents(JSON.stringify(events));
          expect(parsed.events.length + parsed.ignored.length + parsed.invalid.length).toBe(events.length);
        }),
        { numRuns: 300 },
      );
    });
  });
});
