import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  PlainBufferError,
  crc8,
  decodeRow,
  decodeRows,
  decodeVariant,
  encodeRow,
  encodeRows,
  encodeVariant,
  type PlainRow,
} from '../../../lib/emulators/tablestore/plainbuffer';

const TableStore = createRequire(import.meta.url)('tablestore') as any;
const Long = TableStore.Long as { fromNumber(n: number): unknown; fromString(s: string): unknown };
const Builder = TableStore.PlainBufferBuilder as {
  serializeForPutRow(pk: unknown[], attrs: unknown[]): Buffer;
  serializeForUpdateRow(pk: unknown[], attrs: unknown[]): Buffer;
  serializeForDeleteRow(pk: unknown[]): Buffer;
  serializePrimaryKey(pk: unknown[]): Buffer;
  serializeColumnValue(v: unknown): Buffer;
};

/** Reads rows with the SDK's own reader, the one the SDK applies to every response. */
function sdkReadRows(buf: Buffer): { primaryKey: { name: string; value: any }[]; attributes: any[] }[] {
  const input = new TableStore.PlainBufferInputStream({ buffer: buf, offset: 0, limit: buf.length });
  return new TableStore.PlainBufferCodedInputStream(input).readRows();
}

describe('crc8', () => {
  it.each([
    { label: 'empty input keeps the seed', seed: 0, bytes: [], expected: 0x00 },
    { label: 'one byte 0x01', seed: 0, bytes: [0x01], expected: 0x07 },
    { label: '"123456789" (CRC-8/SMBUS check value)', seed: 0, bytes: [...Buffer.from('123456789')], expected: 0xf4 },
  ])('$label', ({ seed, bytes, expected }) => {
    expect(crc8(seed, Uint8Array.from(bytes))).toBe(expected);
  });
});

describe('decodeRow on bytes written by the SDK', () => {
  it('reads a PutRow row with every value type and an explicit timestamp', () => {
    const bytes = Builder.serializeForPutRow(
      [{ id: 'a' }, { n: Long.fromNumber(5) }],
      [
        { s: 'héllo' },
        { i: Long.fromString('-9223372036854775808') },
        { d: 1.5 },
        { b: true },
        { bin: Buffer.from([1, 2, 3]) },
        { t: 'x', timestamp: 1767225600000 },
      ],
    );
    expect(decodeRow(bytes)).toEqual({
      primaryKey: [
        { name: 'id', value: { type: 'STRING', value: 'a' } },
        { name: 'n', value: { type: 'INTEGER', value: 5n } },
      ],
      cells: [
        { name: 's', value: { type: 'STRING', value: 'héllo' } },
        { name: 'i', value: { type: 'INTEGER', value: -9223372036854775808n } },
        { name: 'd', value: { type: 'DOUBLE', value: 1.5 } },
        { name: 'b', value: { type: 'BOOLEAN', value: true } },
        { name: 'bin', value: { type: 'BINARY', value: Buffer.from([1, 2, 3]) } },
        { name: 't', value: { type: 'STRING', value: 'x' }, timestamp: 1767225600000 },
      ],
      deleteMarker: false,
    });
  });

  it('reads UpdateRow cells with PUT, INCREMENT, DELETE and DELETE_ALL (which the SDK reader cannot)', () => {
    const bytes = Builder.serializeForUpdateRow(
      [{ id: 'a' }],
      [{ PUT: [{ s: 'x' }] }, { INCREMENT: [{ c: Long.fromNumber(2) }] }, { DELETE: [{ old: Long.fromNumber(1700000000000) }] }, { DELETE_ALL: ['gone'] }],
    );
    expect(decodeRow(bytes)).toEqual({
      primaryKey: [{ name: 'id', value: { type: 'STRING', value: 'a' } }],
      cells: [
        { name: 's', value: { type: 'STRING', value: 'x' } },
        { name: 'c', value: { type: 'INTEGER', value: 2n }, op: 'INCREMENT' },
        { name: 'old', op: 'DELETE_ONE_VERSION', timestamp: 1700000000000 },
        { name: 'gone', op: 'DELETE_ALL_VERSION' },
      ],
      deleteMarker: false,
    });
  });

  it('reads exactly these UpdateRow bytes (golden, from tablestore 5.6.5), zero padding included', () => {
    const golden = Buffer.from(
      '7500000001030402000000696405060000000301000000610a91020304010000007305060000000301000000780a27030401000000630509000000000200000000' +
        '00000006040af30304030000006f6c640603070068e5cf8b0100000a6f030404000000676f6e6506010a5809090000000000',
      'hex',
    );
    expect(decodeRow(golden).cells.map((c) => [c.name, c.op ?? 'PUT'])).toEqual([
      ['s', 'PUT'],
      ['c', 'INCREMENT'],
      ['old', 'DELETE_ONE_VERSION'],
      ['gone', 'DELETE_ALL_VERSION'],
    ]);
  });

  it('reads a DeleteRow key with its delete marker', () => {
    expect(decodeRow(Builder.serializeForDeleteRow([{ id: 'z' }]))).toEqual({
      primaryKey: [{ name: 'id', value: { type: 'STRING', value: 'z' } }],
      cells: [],
      deleteMarker: true,
    });
  });

  it('reads GetRange bounds with INF_MIN and INF_MAX despite the SDK padding', () => {
    const bytes = Builder.serializePrimaryKey([{ a: TableStore.INF_MIN }, { b: TableStore.INF_MAX }]);
    expect(bytes.subarray(-2)).toEqual(Buffer.from([0, 0]));
    expect(decodeRow(bytes).primaryKey).toEqual([
      { name: 'a', value: { type: 'INF_MIN' } },
      { name: 'b', value: { type: 'INF_MAX' } },
    ]);
  });

  it('reads a condition value serialized as a bare variant', () => {
    expect(decodeVariant(Builder.serializeColumnValue(Long.fromNumber(7)))).toEqual({ type: 'INTEGER', value: 7n });
    expect(decodeVariant(Builder.serializeColumnValue('v'))).toEqual({ type: 'STRING', value: 'v' });
    expect(decodeVariant(Builder.serializeColumnValue(2.5))).toEqual({ type: 'DOUBLE', value: 2.5 });
    expect(decodeVariant(Builder.serializeColumnValue(false))).toEqual({ type: 'BOOLEAN', value: false });
  });
});

describe('encodeRows read back by the SDK', () => {
  it('writes rows the SDK decodes, timestamps and 64-bit integers intact', () => {
    const rows: PlainRow[] = [
      {
        primaryKey: [{ name: 'id', value: { type: 'STRING', value: 'r1' } }],
        cells: [
          { name: 'n', value: { type: 'INTEGER', value: 9007199254740993n }, timestamp: 1767225600123 },
          { name: 's', value: { type: 'STRING', value: 'ünï' }, timestamp: 1767225600000 },
        ],
      },
      { primaryKey: [{ name: 'id', value: { type: 'STRING', value: 'r2' } }], cells: [] },
    ];
    const read = sdkReadRows(encodeRows(rows));
    expect(read.map((r) => r.primaryKey.map((c) => c.value))).toEqual([['r1'], ['r2']]);
    expect(read[0]?.attributes.map((a) => [a.columnName, String(a.columnValue), a.timestamp.toNumber()])).toEqual([
      ['n', '9007199254740993', 1767225600123],
      ['s', 'ünï', 1767225600000],
    ]);
  });

  it('writes the same key bytes as the SDK', () => {
    expect(encodeRow({ primaryKey: [{ name: 'id', value: { type: 'STRING', value: 'a' } }], cells: [] }).toString('hex')).toBe(
      '7500000001030402000000696405060000000301000000610a9109f4',
    );
  });
});

describe('round trip', () => {
  it.each<{ label: string; row: PlainRow }>([
    {
      label: 'every value type',
      row: {
        primaryKey: [
          { name: 'k1', value: { type: 'INTEGER', value: -1n } },
          { name: 'k2', value: { type: 'BINARY', value: Buffer.from([0, 255]) } },
        ],
        cells: [
          { name: 'd', value: { type: 'DOUBLE', value: -0.25 }, timestamp: 1 },
          { name: 'b', value: { type: 'BOOLEAN', value: false } },
          { name: 'e', value: { type: 'STRING', value: '' } },
        ],
        deleteMarker: false,
      },
    },
    {
      label: 'update operations',
      row: {
        primaryKey: [{ name: 'k', value: { type: 'STRING', value: 'x' } }],
        cells: [
          { name: 'c', value: { type: 'INTEGER', value: 3n }, op: 'INCREMENT' },
          { name: 'o', op: 'DELETE_ONE_VERSION', timestamp: 42 },
          { name: 'a', op: 'DELETE_ALL_VERSION' },
        ],
        deleteMarker: false,
      },
    },
    {
      label: 'a delete marker and range bounds',
      row: {
        primaryKey: [
          { name: 'a', value: { type: 'INF_MIN' } },
          { name: 'b', value: { type: 'AUTO_INCREMENT' } },
        ],
        cells: [],
        deleteMarker: true,
      },
    },
  ])('$label', ({ row }) => {
    expect(decodeRow(encodeRow(row))).toEqual(row);
    expect(decodeRows(encodeRows([row, row]))).toEqual([row, row]);
  });

  it('encodes variants the way it decodes them', () => {
    expect(decodeVariant(encodeVariant({ type: 'BINARY', value: Buffer.from('ab') }))).toEqual({ type: 'BINARY', value: Buffer.from('ab') });
  });
});

describe('malformed input', () => {
  // 75000000 01 03 04 02000000 6964 05 06000000 03 01000000 61 0a 91 02 03 04 01000000 73 05 06000000 03 01000000 78 0a 27 09 07
  const valid = Buffer.from('7500000001030402000000696405060000000301000000610a91020304010000007305060000000301000000780a270907', 'hex');

  it.each([
    { label: 'a changed value byte breaks the cell checksum', mutate: (b: Buffer) => b.writeUInt8(0x79, 44) },
    { label: 'a changed row checksum', mutate: (b: Buffer) => b.writeUInt8(0x08, 48) },
    { label: 'a wrong header', mutate: (b: Buffer) => b.writeUInt8(0x76, 0) },
    { label: 'trailing non-zero bytes', mutate: () => undefined, append: Buffer.from([1]) },
  ])('$label → PlainBufferError', ({ mutate, append }) => {
    expect(decodeRow(valid).cells).toEqual([{ name: 's', value: { type: 'STRING', value: 'x' } }]);
    const copy = Buffer.from(valid);
    mutate(copy);
    expect(() => decodeRow(append ? Buffer.concat([copy, append]) : copy)).toThrow(PlainBufferError);
  });

  it('rejects truncated input at every length without throwing anything else', () => {
    for (let n = 0; n < valid.length - 1; n++) {
      expect(() => decodeRow(valid.subarray(0, n))).toThrow(PlainBufferError);
    }
  });

  it('rejects an unknown value type', () => {
    expect(() => decodeVariant(Buffer.from([0x42]))).toThrow('data format is invalid, unknown variant type occured.');
  });

  it('rejects invalid UTF-8 in a string value', () => {
    const bad = Buffer.from([0x03, 0x01, 0x00, 0x00, 0x00, 0xff]);
    expect(() => decodeVariant(bad)).toThrow('must be UTF8 encoding');
  });
});
