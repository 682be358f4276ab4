// PlainBuffer: the binary row format Tablestore carries inside its protobuf messages.
//
//   plainbuffer = header(0x75, uint32 LE) row { row }
//   row         = [TAG_ROW_PK cell{cell}] [TAG_ROW_DATA cell{cell}] [TAG_DELETE_ROW_MARKER] TAG_ROW_CHECKSUM crc8
//   cell        = TAG_CELL TAG_CELL_NAME len32 name [TAG_CELL_VALUE len32 type payload]
//                 [TAG_CELL_TYPE op] [TAG_CELL_TIMESTAMP int64] TAG_CELL_CHECKSUM crc8
//
// The cell checksum is CRC-8 (poly 0x07) over the name, the value's type byte and payload, the
// timestamp, then the op byte; the row checksum is CRC-8 over every cell checksum followed by the
// delete-marker flag (1 or 0). This follows the SDK's writer (tablestore/lib/protocol/
// plain_buffer_coded_stream.js), whose reader cannot read UpdateRow's op-typed cells; this one can.
import type { Variant } from './values';

export const HEADER = 0x75;

export const TAG = {
  ROW_PK: 0x01,
  ROW_DATA: 0x02,
  CELL: 0x03,
  CELL_NAME: 0x04,
  CELL_VALUE: 0x05,
  CELL_TYPE: 0x06,
  CELL_TIMESTAMP: 0x07,
  DELETE_ROW_MARKER: 0x08,
  ROW_CHECKSUM: 0x09,
  CELL_CHECKSUM: 0x0a,
} as const;

const VT = {
  INTEGER: 0x0,
  DOUBLE: 0x1,
  BOOLEAN: 0x2,
  STRING: 0x3,
  BLOB: 0x7,
  INF_MIN: 0x9,
  INF_MAX: 0xa,
  AUTO_INCREMENT: 0xb,
} as const;

/** UpdateRow cell operations (absent = put). */
export const CELL_OP = {
  DELETE_ALL_VERSION: 0x1,
  DELETE_ONE_VERSION: 0x3,
  INCREMENT: 0x4,
} as const;
export type CellOp = 'DELETE_ALL_VERSION' | 'DELETE_ONE_VERSION' | 'INCREMENT';

export interface PlainCell {
  readonly name: string;
  readonly value?: Variant;
  readonly op?: CellOp;
  /** Milliseconds since the epoch. */
  readonly timestamp?: number;
}

export interface PlainRow {
  readonly primaryKey: readonly PlainCell[];
  readonly cells: readonly PlainCell[];
  readonly deleteMarker?: boolean;
}

/** Malformed input; the message is the service's wording, so callers can pass it to the client. */
export class PlainBufferError extends Error {}

// ---- CRC-8 ----------------------------------------------------------------------------------

const CRC8_TABLE = (() => {
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let bit = 0; bit < 8; bit++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    table[i] = c;
  }
  return table;
})();

export function crc8(crc: number, bytes: Uint8Array): number {
  let c = crc & 0xff;
  for (const b of bytes) c = CRC8_TABLE[(c ^ b) & 0xff] as number;
  return c;
}

function crc8Byte(crc: number, byte: number): number {
  return CRC8_TABLE[(crc ^ byte) & 0xff] as number;
}

// ---- reading --------------------------------------------------------------------------------

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  private pos = 0;
  private lastTag = 0;

  constructor(private readonly buf: Buffer) {}

  /** The tag read last (0 at the end of input); a method so TypeScript does not narrow it. */
  tag(): number {
    return this.lastTag;
  }

  atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  readTag(): number {
    this.lastTag = this.atEnd() ? 0 : (this.buf[this.pos++] as number);
    return this.lastTag;
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  restIsZero(): boolean {
    for (let i = this.pos; i < this.buf.length; i++) if (this.buf[i] !== 0) return false;
    return true;
  }

  position(): number {
    return this.pos;
  }

  slice(from: number, to: number): Buffer {
    return this.buf.subarray(from, to);
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new PlainBufferError('Input encoded PK broken, length is shorter than expect.');
    }
  }
}

function readString(r: Reader, size: number, what: string): string {
  const raw = r.bytes(size);
  try {
    return utf8.decode(raw);
  } catch {
    throw new PlainBufferError(`Value of column ${what} must be UTF8 encoding.`);
  }
}

/** Reads a variant's type byte and payload (no length prefix): SQLVariant in filters, cell values. */
function readVariantBody(r: Reader, cellName: string): Variant {
  const type = r.byte();
  switch (type) {
    case VT.INTEGER:
      return { type: 'INTEGER', value: r.int64() };
    case VT.DOUBLE: {
      const raw = r.bytes(8);
      return { type: 'DOUBLE', value: raw.readDoubleLE(0) };
    }
    case VT.BOOLEAN:
      return { type: 'BOOLEAN', value: r.byte() !== 0 };
    case VT.STRING: {
      const size = r.uint32();
      return { type: 'STRING', value: readString(r, size, cellName) };
    }
    case VT.BLOB: {
      const size = r.uint32();
      return { type: 'BINARY', value: r.bytes(size) };
    }
    case VT.INF_MIN:
      return { type: 'INF_MIN' };
    case VT.INF_MAX:
      return { type: 'INF_MAX' };
    case VT.AUTO_INCREMENT:
      return { type: 'AUTO_INCREMENT' };
    default:
      throw new PlainBufferError('data format is invalid, unknown variant type occured.');
  }
}

function opFromByte(op: number): CellOp {
  switch (op) {
    case CELL_OP.DELETE_ALL_VERSION:
      return 'DELETE_ALL_VERSION';
    case CELL_OP.DELETE_ONE_VERSION:
      return 'DELETE_ONE_VERSION';
    case CELL_OP.INCREMENT:
      return 'INCREMENT';
    default:
      throw new PlainBufferError(`Invalid op type of cell: ${op}.`);
  }
}

function readCell(r: Reader): { cell: PlainCell; checksum: number } {
  // lastTag is TAG_CELL
  if (r.readTag() !== TAG.CELL_NAME) throw new PlainBufferError('Cell data broken, attr has no name.');
  const nameBytes = r.bytes(r.uint32());
  let name: string;
  try {
    name = utf8.decode(nameBytes);
  } catch {
    throw new PlainBufferError('Cell data broken, attr has no name.');
  }
  let crc = crc8(0, nameBytes);
  r.readTag();

  let value: Variant | undefined;
  if (r.tag() === TAG.CELL_VALUE) {
    const declared = r.uint32();
    const start = r.position();
    value = readVariantBody(r, name);
    const end = r.position();
    if (end - start !== declared) {
      throw new PlainBufferError(`Cell data broken, wrong string format, size: ${declared}.`);
    }
    crc = crc8(crc, r.slice(start, end));
    r.readTag();
  }

  let opByte: number | undefined;
  if (r.tag() === TAG.CELL_TYPE) {
    opByte = r.byte();
    r.readTag();
  }

  let timestamp: number | undefined;
  if (r.tag() === TAG.CELL_TIMESTAMP) {
    const ts = r.int64();
    const raw = Buffer.alloc(8);
    raw.writeBigInt64LE(ts);
    crc = crc8(crc, raw);
    if (ts < 0n || ts > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new PlainBufferError(`Invalid cell timestamp: ${ts}. Expect: [0, Version::kMax.mVersion / kUsecPerMsec]..`);
    }
    timestamp = Number(ts);
    r.readTag();
  }
  if (opByte !== undefined) crc = crc8Byte(crc, opByte);

  if (r.tag() !== TAG.CELL_CHECKSUM) {
    throw new PlainBufferError('Cell data broken, cell is not end with checksum[0x0A] tag.');
  }
  const sent = r.byte();
  if (sent !== crc) throw new PlainBufferError(`Cell data broken, checksum is mismatch, ${sent} : ${crc} :`);
  r.readTag();

  const cell: PlainCell = {
    name,
    ...(value !== undefined ? { value } : {}),
    ...(opByte !== undefined ? { op: opFromByte(opByte) } : {}),
    ...(timestamp !== undefined ? { timestamp } : {}),
  };
  return { cell, checksum: crc };
}

function readRowBody(r: Reader): PlainRow {
  let rowCrc = 0;
  const primaryKey: PlainCell[] = [];
  const cells: PlainCell[] = [];
  if (r.tag() === TAG.ROW_PK) {
    r.readTag();
    // An empty key is legal here: the request validation answers it with the service's message.
    while (r.tag() === TAG.CELL) {
      const { cell, checksum } = readCell(r);
      primaryKey.push(cell);
      rowCrc = crc8Byte(rowCrc, checksum);
    }
  }
  if (r.tag() === TAG.ROW_DATA) {
    r.readTag();
    while (r.tag() === TAG.CELL) {
      const { cell, checksum } = readCell(r);
      cells.push(cell);
      rowCrc = crc8Byte(rowCrc, checksum);
    }
  }
  let deleteMarker = false;
  if (r.tag() === TAG.DELETE_ROW_MARKER) {
    deleteMarker = true;
    r.readTag();
  }
  rowCrc = crc8Byte(rowCrc, deleteMarker ? 1 : 0);
  if (r.tag() !== TAG.ROW_CHECKSUM) {
    if (r.tag() === 0 || r.tag() === TAG.ROW_PK) throw new PlainBufferError('Invalid row: missing checksum.');
    throw new PlainBufferError(`Cell data broken, mismatch tag, actual tag(${r.tag()}), expect(${TAG.ROW_CHECKSUM}).`);
  }
  const sent = r.byte();
  if (sent !== rowCrc) throw new PlainBufferError(`Cell data broken, checksum is mismatch, ${sent} : ${rowCrc} :`);
  r.readTag();
  return { primaryKey, cells, deleteMarker };
}

function readHeader(r: Reader): void {
  const header = r.uint32();
  if (header !== HEADER) {
    throw new PlainBufferError(`Cell data broken, mismatch header, actual: ${header}, expect: ${HEADER}.`);
  }
  r.readTag();
}

/** Decodes every row of a PlainBuffer (GetRange's `rows`). An empty buffer holds no rows. */
export function decodeRows(buf: Buffer): PlainRow[] {
  if (buf.length === 0) return [];
  const r = new Reader(buf);
  readHeader(r);
  const rows: PlainRow[] = [];
  while (r.tag() !== 0) {
    if (r.tag() !== TAG.ROW_PK && r.tag() !== TAG.ROW_DATA) {
      throw new PlainBufferError(`Cell data broken, mismatch tag, actual tag(${r.tag()}), expect(${TAG.ROW_PK}).`);
    }
    rows.push(readRowBody(r));
  }
  return rows;
}

/** Decodes a buffer that must hold exactly one row (PutRow's `row`, GetRow's `primary_key`, …). */
export function decodeRow(buf: Buffer): PlainRow {
  if (buf.length === 0) throw new PlainBufferError('Cannot deserialize the request data.');
  const r = new Reader(buf);
  readHeader(r);
  if (r.tag() !== TAG.ROW_PK && r.tag() !== TAG.ROW_DATA) {
    throw new PlainBufferError('Cell data broken, PK is empty.');
  }
  const row = readRowBody(r);
  // The SDK sizes its buffer before writing and over-counts INF_MIN / INF_MAX / auto-increment
  // values by a byte each (plian_buffer_builder.js), so keys it sends end in zero padding. The
  // service accepts that; anything else after the row is an error.
  if (r.tag() !== 0 || !r.restIsZero()) {
    throw new PlainBufferError("Cell data broken, has more data in cell, but they can't be parsed.");
  }
  return row;
}

/** Decodes a SingleColumnValueFilter's `column_value`: a type byte and payload, no header. */
export function decodeVariant(buf: Buffer): Variant {
  const r = new Reader(buf);
  const v = readVariantBody(r, 'column_value');
  if (!r.atEnd()) throw new PlainBufferError("Cell data broken, has more data in cell, but they can't be parsed.");
  return v;
}

// ---- writing --------------------------------------------------------------------------------

class Writer {
  private readonly chunks: Buffer[] = [];

  byte(b: number): void {
    this.chunks.push(Buffer.from([b & 0xff]));
  }

  uint32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    this.chunks.push(b);
  }

  raw(b: Buffer): void {
    this.chunks.push(b);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function variantBody(v: Variant): Buffer {
  switch (v.type) {
    case 'INTEGER': {
      const b = Buffer.alloc(9);
      b[0] = VT.INTEGER;
      b.writeBigInt64LE(BigInt.asIntN(64, v.value), 1);
      return b;
    }
    case 'DOUBLE': {
      const b = Buffer.alloc(9);
      b[0] = VT.DOUBLE;
      b.writeDoubleLE(v.value, 1);
      return b;
    }
    case 'BOOLEAN':
      return Buffer.from([VT.BOOLEAN, v.value ? 1 : 0]);
    case 'STRING': {
      const s = Buffer.from(v.value, 'utf8');
      const head = Buffer.alloc(5);
      head[0] = VT.STRING;
      head.writeUInt32LE(s.length, 1);
      return Buffer.concat([head, s]);
    }
    case 'BINARY': {
      const head = Buffer.alloc(5);
      head[0] = VT.BLOB;
      head.writeUInt32LE(v.value.length, 1);
      return Buffer.concat([head, v.value]);
    }
    case 'INF_MIN':
      return Buffer.from([VT.INF_MIN]);
    case 'INF_MAX':
      return Buffer.from([VT.INF_MAX]);
    case 'AUTO_INCREMENT':
      return Buffer.from([VT.AUTO_INCREMENT]);
  }
}

function writeCell(w: Writer, cell: PlainCell): number {
  w.byte(TAG.CELL);
  w.byte(TAG.CELL_NAME);
  const name = Buffer.from(cell.name, 'utf8');
  w.uint32(name.length);
  w.raw(name);
  let crc = crc8(0, name);
  if (cell.value !== undefined) {
    const body = variantBody(cell.value);
    w.byte(TAG.CELL_VALUE);
    w.uint32(body.length);
    w.raw(body);
    crc = crc8(crc, body);
  }
  if (cell.op !== undefined) {
    w.byte(TAG.CELL_TYPE);
    w.byte(CELL_OP[cell.op]);
  }
  if (cell.timestamp !== undefined) {
    const ts = Buffer.alloc(8);
    ts.writeBigInt64LE(BigInt(cell.timestamp));
    w.byte(TAG.CELL_TIMESTAMP);
    w.raw(ts);
    crc = crc8(crc, ts);
  }
  if (cell.op !== undefined) crc = crc8Byte(crc, CELL_OP[cell.op]);
  w.byte(TAG.CELL_CHECKSUM);
  w.byte(crc);
  return crc;
}

function writeRowBody(w: Writer, row: PlainRow): void {
  let rowCrc = 0;
  if (row.primaryKey.length > 0) {
    w.byte(TAG.ROW_PK);
    for (const cell of row.primaryKey) rowCrc = crc8Byte(rowCrc, writeCell(w, cell));
  }
  if (row.cells.length > 0) {
    w.byte(TAG.ROW_DATA);
    for (const cell of row.cells) rowCrc = crc8Byte(rowCrc, writeCell(w, cell));
  }
  if (row.deleteMarker) w.byte(TAG.DELETE_ROW_MARKER);
  rowCrc = crc8Byte(rowCrc, row.deleteMarker ? 1 : 0);
  w.byte(TAG.ROW_CHECKSUM);
  w.byte(rowCrc);
}

/** Encodes rows after one header, as GetRange's `rows` carries them. No rows → an empty buffer. */
export function encodeRows(rows: readonly PlainRow[]): Buffer {
  if (rows.length === 0) return Buffer.alloc(0);
  const w = new Writer();
  w.uint32(HEADER);
  for (const row of rows) writeRowBody(w, row);
  return w.finish();
}

export function encodeRow(row: PlainRow): Buffer {
  return encodeRows([row]);
}

export function encodeVariant(v: Variant): Buffer {
  return variantBody(v);
}
