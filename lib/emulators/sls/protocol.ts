// The Log Service wire formats the emulator speaks: LogGroup protobuf (PutLogs bodies and what a
// shard stores), LogGroupList (PullLogs answers: field 1 repeated, each an embedded LogGroup),
// and the body compressions. The schema is the one the official SDK ships (@alicloud/log's
// lib/sls.proto, loaded from the npm package), so the emulator encodes what the SDKs decode.
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import { decodeLz4Block, encodeLz4Literals, type Lz4BlockError } from './lz4';

export interface LogGroupMessage {
  Logs: { Time: number; Contents: { Key: string; Value: string }[]; TimeNs?: number }[];
  Topic?: string;
  Source?: string;
  LogTags: { Key: string; Value: string }[];
}

export interface LogGroupInput {
  logs: { time: number; timeNs?: number; contents: Record<string, string> }[];
  topic?: string;
  source?: string;
  tags?: Record<string, string>;
}

let logGroupType: protobuf.Type | undefined;

function LogGroup(): protobuf.Type {
  if (!logGroupType) {
    const require = createRequire(import.meta.url);
    const file = path.join(path.dirname(require.resolve('@alicloud/log/package.json')), 'lib', 'sls.proto');
    logGroupType = protobuf.loadSync(file).lookupType('sls.LogGroup');
  }
  return logGroupType;
}

/** Decodes a PutLogs body; throws on truncated or invalid protobuf. */
export function decodeLogGroup(bytes: Uint8Array): LogGroupMessage {
  return LogGroup().decode(bytes) as unknown as LogGroupMessage;
}

/** Serializes one LogGroup as the SDKs do for PutLogs. */
export function encodeLogGroup(group: LogGroupInput): Buffer {
  const type = LogGroup();
  const message: Record<string, unknown> = {
    Logs: group.logs.map((log) => ({
      Time: log.time,
      Contents: Object.entries(log.contents).map(([Key, Value]) => ({ Key, Value })),
      ...(log.timeNs === undefined ? {} : { TimeNs: log.timeNs }),
    })),
    LogTags: Object.entries(group.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
  };
  if (group.topic !== undefined) message.Topic = group.topic;
  if (group.source !== undefined) message.Source = group.source;
  return Buffer.from(type.encode(type.create(message)).finish());
}

function varint(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

/** A LogGroupList of stored LogGroups: each is field 1, wire type 2 (tag 0x0a), length-prefixed. */
export function logGroupList(groups: readonly Buffer[]): Buffer {
  return Buffer.concat(groups.flatMap((bytes) => [Buffer.from([0x0a, ...varint(bytes.length)]), bytes]));
}

export type Compression = 'lz4' | 'deflate' | 'none';

const deflate = promisify(zlib.deflate);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);

/**
 * PullLogs answers in what Accept-Encoding asks for: lz4, else deflate (`gzip` is answered as
 * zlib deflate, which the Python SDK then inflates), else uncompressed.
 */
export function chooseCompression(acceptEncoding: string | string[] | undefined): Compression {
  const tokens = (Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? ''))
    .split(',')
    .map((t) => t.split(';')[0]!.trim().toLowerCase());
  if (tokens.includes('lz4')) return 'lz4';
  if (tokens.includes('deflate') || tokens.includes('gzip')) return 'deflate';
  return 'none';
}

export async function compress(raw: Buffer, compression: Compression): Promise<Buffer> {
  if (raw.length === 0 || compression === 'none') return raw;
  return compression === 'lz4' ? encodeLz4Literals(raw) : deflate(raw);
}

export class DecompressError extends Error {}

/** A PutLogs body, decompressed within `limit` bytes; throws DecompressError. */
export async function decompress(body: Buffer, compression: 'lz4' | 'deflate', rawSize: number, limit: number): Promise<Buffer> {
  if (compression === 'lz4') {
    try {
      return decodeLz4Block(body, rawSize);
    } catch (err) {
      throw new DecompressError((err as Lz4BlockError).message);
    }
  }
  const bounded = { maxOutputLength: limit + 1 };
  try {
    // Some clients send raw deflate, others zlib-wrapped; the service takes both.
    return await inflate(body, bounded).catch(() => inflateRaw(body, bounded));
  } catch (err) {
    throw new DecompressError((err as Error).message);
  }
}
