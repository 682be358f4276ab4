// A streaming reader for PullLogs bodies (a serialized sls.LogGroupList), built on protobufjs's Reader.
// Decoding a whole page with LogGroupList.decode materializes every Log and Content message at once; a
// page of OSS access logs can hold tens of thousands of records of ~30 fields, so instead the page is
// first checked in one cheap pass (structure, lengths, required fields, no strings decoded), then logs are
// decoded one LogGroup at a time. The check makes decoding all-or-nothing: once it passes, iterating the
// page cannot fail half-way, so a caller never sees part of a page twice after a retry.
// Field numbers follow sls.proto from @alicloud/log:
//   LogGroupList { repeated LogGroup logGroupList = 1 }
//   LogGroup { repeated Log Logs = 1; optional string Reserved = 2, Topic = 3, Source = 4; repeated LogTag LogTags = 6 }
//   Log { required uint32 Time = 1; repeated Content Contents = 2; optional fixed32 TimeNs = 4 }
//   Content / LogTag { required string Key = 1; required string Value = 2 }
import protobuf from 'protobufjs/minimal';

const { Reader } = protobuf;
type ProtoReader = protobuf.Reader;

const VARINT = 0;
const FIXED32 = 5;
const LENGTH_DELIMITED = 2;
const KEY_TAG = (1 << 3) | LENGTH_DELIMITED;
const VALUE_TAG = (2 << 3) | LENGTH_DELIMITED;

export interface DecodedLog {
  shardId: number;
  /** Unix seconds. */
  time: number;
  timeNs?: number;
  contents: Record<string, string>;
  topic: string;
  source: string;
  /** The LogGroup's tags; one frozen object shared by the logs of a group. */
  tags: Readonly<Record<string, string>>;
}

export class LogGroupListFormatError extends Error {
  override readonly name = 'LogGroupListFormatError';
}

function fail(message: string): never {
  throw new LogGroupListFormatError(message);
}

/** Reads a length prefix and returns the end offset of the embedded bytes, checking it stays inside `limit`. */
function embeddedEnd(r: ProtoReader, limit: number): number {
  const length = r.uint32();
  const end = r.pos + length;
  if (end > limit) fail(`embedded message of ${length} bytes overruns its container`);
  return end;
}

function skipField(r: ProtoReader, wireType: number, limit: number): void {
  if (wireType === LENGTH_DELIMITED) {
    r.pos = embeddedEnd(r, limit);
    return;
  }
  if (wireType === 3 || wireType === 4 || wireType > 5) fail(`unsupported wire type ${wireType}`);
  r.skipType(wireType);
  if (r.pos > limit) fail('field overruns its container');
}

function expectWire(actual: number, expected: number, what: string): void {
  if (actual !== expected) fail(`${what} has wire type ${actual}, expected ${expected}`);
}

/** Checks a Content or LogTag message: both Key and Value present. */
function checkPair(r: ProtoReader, end: number, what: string): void {
  // The usual shape (a Key shorter than 128 bytes, then the Value, nothing else) needs no loop;
  // anything else is read field by field below, from the start.
  const start = r.pos;
  const buf = r.buf;
  const keyEnd = start + 2 + buf[start + 1]!;
  if (buf[start] === KEY_TAG && buf[start + 1]! < 0x80 && keyEnd < end && buf[keyEnd] === VALUE_TAG) {
    r.pos = keyEnd + 1;
    const length = r.uint32();
    if (r.pos + length === end) {
      r.pos = end;
      return;
    }
    r.pos = start;
  }
  let key = false;
  let value = false;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 || field === 2) {
      expectWire(wire, LENGTH_DELIMITED, `${what}.${field === 1 ? 'Key' : 'Value'}`);
      r.pos = embeddedEnd(r, end);
      if (field === 1) key = true;
      else value = true;
    } else {
      skipField(r, wire, end);
    }
  }
  if (r.pos !== end) fail(`${what} overruns its length`);
  if (!key || !value) fail(`${what} is missing its required ${key ? 'Value' : 'Key'}`);
}

function checkLog(r: ProtoReader, end: number): void {
  let time = false;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      expectWire(wire, VARINT, 'Log.Time');
      r.uint32();
      time = true;
    } else if (field === 2) {
      expectWire(wire, LENGTH_DELIMITED, 'Log.Contents');
      const contentEnd = embeddedEnd(r, end);
      checkPair(r, contentEnd, 'Log.Content');
    } else if (field === 4) {
      expectWire(wire, FIXED32, 'Log.TimeNs');
      r.skip(4);
    } else {
      skipField(r, wire, end);
    }
    if (r.pos > end) fail('Log overruns its length');
  }
  if (!time) fail('Log is missing its required Time');
}

function checkLogGroup(r: ProtoReader, end: number): number {
  let logs = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      expectWire(wire, LENGTH_DELIMITED, 'LogGroup.Logs');
      const logEnd = embeddedEnd(r, end);
      checkLog(r, logEnd);
      logs++;
    } else if (field === 6) {
      expectWire(wire, LENGTH_DELIMITED, 'LogGroup.LogTags');
      checkPair(r, embeddedEnd(r, end), 'LogTag');
    } else if (field === 2 || field === 3 || field === 4) {
      expectWire(wire, LENGTH_DELIMITED, `LogGroup field ${field}`);
      r.pos = embeddedEnd(r, end);
    } else {
      skipField(r, wire, end);
    }
  }
  if (r.pos !== end) fail('LogGroup overruns its length');
  return logs;
}

function reader(bytes: Uint8Array): ProtoReader {
  return Reader.create(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/**
 * Checks a serialized LogGroupList without decoding its strings. Returns the number of LogGroups and
 * Logs; throws LogGroupListFormatError (or protobufjs's RangeError, wrapped) when it is malformed.
 */
export function checkLogGroupList(bytes: Uint8Array): { logGroups: number; logs: number } {
  const r = reader(bytes);
  let logGroups = 0;
  let logs = 0;
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      const wire = tag & 7;
      if (tag >>> 3 === 1) {
        expectWire(wire, LENGTH_DELIMITED, 'LogGroupList.logGroupList');
        logs += checkLogGroup(r, embeddedEnd(r, r.len));
        logGroups++;
      } else {
        skipField(r, wire, r.len);
      }
    }
  } catch (err) {
    if (err instanceof LogGroupListFormatError) throw err;
    throw new LogGroupListFormatError(`truncated LogGroupList: ${(err as Error).message}`);
  }
  return { logGroups, logs };
}

/**
 * Content keys to keep, as bytes, indexed by their byte length: a key is compared with them without
 * being decoded (and a key of a length none has is dismissed by one array read).
 */
export type ContentFilter = readonly (readonly { readonly name: string; readonly bytes: Buffer }[] | undefined)[];

/** A filter keeping only the contents named (e.g. the fields a classifier reads of 30 a log carries). */
export function contentFilter(names: readonly string[]): ContentFilter {
  const byLength: { name: string; bytes: Buffer }[][] = [];
  for (const name of new Set(names)) {
    const bytes = Buffer.from(name, 'utf8');
    byLength[bytes.length] = [...(byLength[bytes.length] ?? []), { name, bytes }];
  }
  return byLength;
}

/**
 * The Content at r.pos, put into `contents` only if its key passes `filter`; moves r.pos to `end`
 * either way. Most of a log's thirty Contents are skipped here, so the usual shape (a Key shorter
 * than 128 bytes, then the Value, nothing else) is read straight off the bytes.
 */
function readWantedPair(r: ProtoReader, end: number, filter: ContentFilter, contents: Record<string, string>): void {
  const buf = r.buf as Buffer;
  const at = r.pos;
  let keyStart = at + 2;
  let keyEnd = keyStart + buf[at + 1]!;
  let valueStart = 0;
  let valueEnd = -1;
  if (buf[at] === KEY_TAG && buf[at + 1]! < 0x80 && buf[keyEnd] === VALUE_TAG) {
    r.pos = keyEnd + 1;
    const length = r.uint32();
    valueStart = r.pos;
    valueEnd = valueStart + length;
  }
  if (valueEnd !== end) {
    // Any other shape (fields in another order, repeated, unknown): the last Key and Value count.
    r.pos = at;
    keyEnd = -1;
    while (r.pos < end) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 1 || field === 2) {
        const length = r.uint32();
        const start = r.pos;
        r.pos += length;
        if (field === 1) {
          keyStart = start;
          keyEnd = r.pos;
        } else {
          valueStart = start;
          valueEnd = r.pos;
        }
      } else skipField(r, tag & 7, end);
    }
  }
  r.pos = end;
  const candidates = filter[keyEnd - keyStart];
  if (!candidates) return;
  // Keys are a few bytes: a loop beats a call into Buffer.compare.
  next: for (const c of candidates) {
    for (let i = 0; i < c.bytes.length; i++) if (buf[keyStart + i] !== c.bytes[i]) continue next;
    contents[c.name] = buf.toString('utf8', valueStart, valueEnd);
    return;
  }
}

function readPair(r: ProtoReader, end: number): [string, string] {
  let key = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1) key = r.string();
    else if (field === 2) value = r.string();
    else skipField(r, tag & 7, end);
  }
  return [key, value];
}

/**
 * The logs of a LogGroupList, one LogGroup decoded at a time. Call checkLogGroupList on the same bytes
 * first: this generator trusts the structure it was given. With `filter`, a log's contents hold only
 * the keys it names; the others are skipped without being decoded.
 */
export function* logsOfLogGroupList(bytes: Uint8Array, shardId = 0, filter?: ContentFilter): Generator<DecodedLog> {
  const r = reader(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) {
      skipField(r, tag & 7, r.len);
      continue;
    }
    const groupEnd = embeddedEnd(r, r.len);
    // Pass 1 over the group: its Topic/Source/LogTags may follow the Logs on the wire.
    let topic = '';
    let source = '';
    const tags: Record<string, string> = {};
    const logStarts: number[] = [];
    while (r.pos < groupEnd) {
      const t = r.uint32();
      const field = t >>> 3;
      if (field === 1) {
        const end = embeddedEnd(r, groupEnd);
        logStarts.push(r.pos, end);
        r.pos = end;
      } else if (field === 3) topic = r.string();
      else if (field === 4) source = r.string();
      else if (field === 6) {
        const [key, value] = readPair(r, embeddedEnd(r, groupEnd));
        tags[key] = value;
      } else skipField(r, t & 7, groupEnd);
    }
    const frozenTags = Object.freeze(tags);
    // Pass 2: decode and hand out one log at a time.
    for (let i = 0; i < logStarts.length; i += 2) {
      r.pos = logStarts[i]!;
      const end = logStarts[i + 1]!;
      const log: DecodedLog = { shardId, time: 0, contents: {}, topic, source, tags: frozenTags };
      while (r.pos < end) {
        const t = r.uint32();
        const field = t >>> 3;
        if (field === 1) log.time = r.uint32();
        else if (field === 2) {
          const pairEnd = embeddedEnd(r, end);
          if (filter) readWantedPair(r, pairEnd, filter, log.contents);
          else {
            const [key, value] = readPair(r, pairEnd);
            log.contents[key] = value;
          }
        } else if (field === 4) log.timeNs = r.fixed32();
        else skipField(r, t & 7, end);
      }
      yield log;
    }
    r.pos = groupEnd;
  }
}
