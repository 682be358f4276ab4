import { createRequire } from 'node:module';
import path from 'node:path';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { checkLogGroupList, contentFilter, LogGroupListFormatError, logsOfLogGroupList, type DecodedLog } from '../../../lib/sls/log-decoder';

// The schema-driven decoder the streaming one must agree with, loaded straight from @alicloud/log.
const require = createRequire(import.meta.url);
const root = protobuf.loadSync(path.join(path.dirname(require.resolve('@alicloud/log/package.json')), 'lib', 'sls.proto'));
const LogGroupList = root.lookupType('sls.LogGroupList');

interface Pair {
  Key: string;
  Value: string;
}
interface GroupInput {
  Logs: { Time: number; Contents: Pair[]; TimeNs?: number }[];
  Topic?: string;
  Source?: string;
  LogTags: Pair[];
}

function encode(groups: GroupInput[]): Buffer {
  return Buffer.from(LogGroupList.encode(LogGroupList.create({ logGroupList: groups })).finish());
}

/** What the streaming decoder should yield, computed from protobufjs's own decoding. */
function viaSchema(bytes: Buffer, shardId: number): DecodedLog[] {
  const list = LogGroupList.toObject(LogGroupList.decode(bytes), { defaults: false, arrays: true }) as { logGroupList: GroupInput[] };
  const out: DecodedLog[] = [];
  for (const g of list.logGroupList) {
    const tags: Record<string, string> = {};
    for (const t of g.LogTags) tags[t.Key] = t.Value;
    for (const log of g.Logs) {
      const contents: Record<string, string> = {};
      for (const c of log.Contents) contents[c.Key] = c.Value;
      const d: DecodedLog = { shardId, time: log.Time, contents, topic: g.Topic ?? '', source: g.Source ?? '', tags };
      if (log.TimeNs !== undefined) d.timeNs = log.TimeNs;
      out.push(d);
    }
  }
  return out;
}

const text = fc.string({ unit: 'binary', maxLength: 12 });
const pair = fc.record({ Key: text, Value: text });
const log = fc.record(
  {
    Time: fc.integer({ min: 0, max: 0xffffffff }),
    Contents: fc.array(pair, { maxLength: 6 }),
    TimeNs: fc.integer({ min: 0, max: 999_999_999 }),
  },
  { requiredKeys: ['Time', 'Contents'] },
);
const group = fc.record(
  { Logs: fc.array(log, { maxLength: 5 }), Topic: text, Source: text, LogTags: fc.array(pair, { maxLength: 3 }) },
  { requiredKeys: ['Logs', 'LogTags'] },
);

describe('logsOfLogGroupList', () => {
  it('yields what protobufjs decodes from the same bytes', () => {
    fc.assert(
      fc.property(fc.array(group, { maxLength: 6 }), fc.nat(5), (groups, shardId) => {
        const bytes = encode(groups);
        expect(checkLogGroupList(bytes)).toEqual({
          logGroups: groups.length,
          logs: groups.reduce((n, g) => n + g.Logs.length, 0),
        });
        expect([...logsOfLogGroupList(bytes, shardId)]).toEqual(viaSchema(bytes, shardId));
      }),
      { numRuns: 300, seed: 20260101 },
    );
  });

  it('yields nothing for an empty list', () => {
    expect(checkLogGroupList(Buffer.alloc(0))).toEqual({ logGroups: 0, logs: 0 });
    expect([...logsOfLogGroupList(Buffer.alloc(0))]).toEqual([]);
  });
});

describe('checkLogGroupList', () => {
  const sample = encode([
    {
      Logs: [
        {
          Time: 1767225600,
          Contents: [
            { Key: 'operation', Value: 'GetObject' },
            { Key: 'object', Value: 'a%20b' },
          ],
          TimeNs: 5,
        },
        { Time: 1767225601, Contents: [{ Key: 'k', Value: 'v' }] },
      ],
      Topic: 'oss_access_log',
      LogTags: [{ Key: '__receive_time__', Value: '1767225602' }],
    },
    { Logs: [{ Time: 1, Contents: [] }], LogTags: [] },
  ]);

  it('accepts each prefix only if it ends on a LogGroup boundary', () => {
    const boundaries = new Set<number>([0, sample.length]);
    // The second group starts after the first one's tag, length and bytes.
    const firstLength = sample[1]!;
    expect(firstLength).toBeLessThan(128); // a one-byte length prefix
    boundaries.add(2 + firstLength);
    for (let cut = 0; cut <= sample.length; cut++) {
      const prefix = sample.subarray(0, cut);
      if (boundaries.has(cut)) expect(() => checkLogGroupList(prefix)).not.toThrow();
      else expect(() => checkLogGroupList(prefix), `prefix of ${cut} bytes`).toThrow(LogGroupListFormatError);
    }
  });

  it.each([
    ['a Log without its Time', () => wrapLog((w) => w.uint32((2 << 3) | 2).bytes(pairBytes('k', 'v')))],
    [
      'a Content without its Value',
      () =>
        wrapLog((w) =>
          w
            .uint32((1 << 3) | 0)
            .uint32(1)
            .uint32((2 << 3) | 2)
            .bytes(keyOnly('k')),
        ),
    ],
    ['a Time sent as a string', () => wrapLog((w) => w.uint32((1 << 3) | 2).string('now'))],
    ['a length past the end', () => Buffer.from([0x0a, 0x7f, 0x0a, 0x01])],
    ['a deprecated group wire type', () => Buffer.from([0x0b, 0x0c])],
  ])('rejects %s', (_label, make) => {
    expect(() => checkLogGroupList(make())).toThrow(LogGroupListFormatError);
  });
});

function pairBytes(key: string, value: string): Uint8Array {
  return protobuf.Writer.create()
    .uint32((1 << 3) | 2)
    .string(key)
    .uint32((2 << 3) | 2)
    .string(value)
    .finish();
}

function keyOnly(key: string): Uint8Array {
  return protobuf.Writer.create()
    .uint32((1 << 3) | 2)
    .string(key)
    .finish();
}

/** A LogGroupList with one LogGroup holding one Log whose fields `write` produces. */
function wrapLog(write: (w: protobuf.Writer) => protobuf.Writer): Buffer {
  const logBytes = write(protobuf.Writer.create()).finish();
  const groupBytes = protobuf.Writer.create()
    .uint32((1 << 3) | 2)
    .bytes(logBytes)
    .finish();
  return Buffer.from(
    protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(groupBytes)
      .finish(),
  );
}

describe('logsOfLogGroupList with a content filter', () => {
  it('keeps exactly the named keys, with the values the full decode gives, whatever else a log holds', () => {
    fc.assert(
      fc.property(fc.array(group, { maxLength: 4 }), fc.array(text, { maxLength: 4 }), (groups, wanted) => {
        const bytes = encode(groups);
        checkLogGroupList(bytes);
        const names = [...wanted, ...groups.flatMap((g) => g.Logs.flatMap((l) => l.Contents.slice(0, 1).map((c) => c.Key)))];
        const expected = viaSchema(bytes, 2).map((d) => ({
          ...d,
          contents: Object.fromEntries(Object.entries(d.contents).filter(([k]) => names.includes(k))),
        }));
        expect([...logsOfLogGroupList(bytes, 2, contentFilter(names))]).toEqual(expected);
      }),
      { numRuns: 200, seed: 20260102 },
    );
  });

  it.each([
    [
      'the Value before the Key',
      (w: protobuf.Writer) =>
        w
          .uint32((2 << 3) | 2)
          .string('GetObject')
          .uint32((1 << 3) | 2)
          .string('operation'),
    ],
    [
      'a repeated Key (the last counts)',
      (w: protobuf.Writer) =>
        w
          .uint32((1 << 3) | 2)
          .string('client_ip')
          .uint32((1 << 3) | 2)
          .string('operation')
          .uint32((2 << 3) | 2)
          .string('x'),
    ],
    [
      'a field after the Value',
      (w: protobuf.Writer) =>
        w
          .uint32((1 << 3) | 2)
          .string('bucket')
          .uint32((2 << 3) | 2)
          .string('b')
          .uint32((3 << 3) | 0)
          .uint32(7),
    ],
    [
      'a Key of 200 bytes',
      (w: protobuf.Writer) =>
        w
          .uint32((1 << 3) | 2)
          .string('k'.repeat(200))
          .uint32((2 << 3) | 2)
          .string('long'),
    ],
    [
      'a Value of 300 bytes',
      (w: protobuf.Writer) =>
        w
          .uint32((1 << 3) | 2)
          .string('object')
          .uint32((2 << 3) | 2)
          .string('v'.repeat(300)),
    ],
  ])('reads a Content with %s as the full decode does', (_label, content) => {
    const bytes = wrapLog((w) =>
      w
        .uint32((1 << 3) | 0)
        .uint32(1)
        .uint32((2 << 3) | 2)
        .bytes(content(protobuf.Writer.create()).finish()),
    );
    checkLogGroupList(bytes);
    const names = ['operation', 'client_ip', 'bucket', 'object', 'k'.repeat(200)];
    const expected = viaSchema(bytes, 0).map((d) => d.contents);
    expect(Object.keys(expected[0]!)).toHaveLength(1);
    expect([...logsOfLogGroupList(bytes, 0, contentFilter(names))].map((l) => l.contents)).toEqual(expected);
    expect([...logsOfLogGroupList(bytes, 0)].map((l) => l.contents)).toEqual(expected);
  });

  it('tells apart keys of the same length, and multi-byte keys', () => {
    const bytes = encode([
      {
        Logs: [
          {
            Time: 1,
            Contents: [
              { Key: 'operation', Value: 'GetObject' },
              { Key: 'client_ip', Value: '10.0.0.1' },
              { Key: 'clé', Value: 'ü' },
            ],
          },
        ],
        LogTags: [],
      },
    ]);
    expect([...logsOfLogGroupList(bytes, 0, contentFilter(['operation', 'clé']))].map((l) => l.contents)).toEqual([{ operation: 'GetObject', clé: 'ü' }]);
  });
});
