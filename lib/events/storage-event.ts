// Storage events: what Function Compute's native OSS trigger and EventBridge deliver after an
// object operation succeeds, reduced to the few facts the restore loop acts on.
//   OSS trigger:  {events: [record, …]}
//   EventBridge:  {id, source: 'acs.oss', specversion: '1.0', type: 'oss:<eventName>',
//                  subject: 'acs:oss:<region>:<uid>:<bucket>/<key>', time, data: record}
//                 one at a time, or an array of them (batch push).
// A bad record is reported in `invalid` and never costs the good records of the same payload;
// only a payload that is not one of these shapes at all throws.
import { describeInput } from '../restore/errors';
import { validateBucket, validateKey, validateVersionId } from '../restore/object-ref';

export type StorageEventKind = 'restore-finished' | 'object-created' | 'object-removed' | 'object-modified';

export interface StorageEvent {
  kind: StorageEventKind;
  /** The OSS event name without the `oss:` prefix, e.g. 'ObjectCreated:PutObject'. */
  name: string;
  bucket: string;
  key: string;
  versionId?: string;
  eventTimeMs: number;
  /** The OSS request id of the operation that caused the event. */
  requestId?: string;
  sizeBytes?: number;
}

export interface ParsedEvents {
  events: StorageEvent[];
  ignored: { name: string; reason: string }[];
  /** `index` is the record's position in `events[]` or in the CloudEvent batch (0 for a single one). */
  invalid: { index: number; reason: string }[];
}

/** The payload as a whole is not an OSS trigger event, a CloudEvent or a batch of them. */
export class MalformedEventError extends Error {
  readonly code = 'MalformedEvent';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedEventError';
  }
}

type Meaning = StorageEventKind | { ignore: string };

const PARTIAL_UPLOAD = { ignore: 'a multipart upload step; the object changes only on CompleteMultipartUpload' };

// Names from the OSS event-notification, FC OSS-trigger and EventBridge OSS-event lists. Names that
// leave the object as it was are listed too, so they are ignored with a precise reason.
const MEANINGS = new Map<string, Meaning>([
  // Documented for Cold Archive and Deep Cold Archive; whether Archive objects emit it is unconfirmed.
  ['ObjectRestore:FinishRestore', 'restore-finished'],
  ['ObjectCreated:PutObject', 'object-created'],
  ['ObjectCreated:PostObject', 'object-created'],
  ['ObjectCreated:CopyObject', 'object-created'],
  ['ObjectCreated:AppendObject', 'object-created'],
  ['ObjectCreated:CompleteMultipartUpload', 'object-created'],
  ['ObjectCreated:PutSymlink', 'object-created'],
  ['ObjectCreated:InitiateMultipartUpload', PARTIAL_UPLOAD],
  ['ObjectCreated:UploadPart', PARTIAL_UPLOAD],
  ['ObjectCreated:UploadPartCopy', PARTIAL_UPLOAD],
  ['ObjectRemoved:DeleteObject', 'object-removed'],
  ['ObjectRemoved:DeleteObjects', 'object-removed'],
  // S3's name for a delete in a versioned bucket; our OSS emulator emits it.
  ['ObjectRemoved:DeleteMarkerCreated', 'object-removed'],
  ['ObjectRemoved:AbortMultipartUpload', { ignore: 'an aborted multipart upload leaves the object as it was' }],
  ['ObjectModified:UpdateObjectMeta', 'object-modified'],
  ['ObjectModified:ChangeStorageClass', 'object-modified'],
  ['ObjectReplication:ObjectCreated', 'object-created'],
  ['ObjectReplication:ObjectModified', 'object-modified'],
  ['ObjectReplication:ObjectRemoved', 'object-removed'],
  ['ObjectDownloaded:GetObject', { ignore: 'a successful read changes nothing' }],
]);

// OSS documents these families as open ("ObjectCreated:*" also matches names added later). An
// unlisted name in one of them still rewrote or removed the object, so its record must not stay.
const FAMILIES = new Map<string, StorageEventKind>([
  ['ObjectCreated', 'object-created'],
  ['ObjectRemoved', 'object-removed'],
  ['ObjectModified', 'object-modified'],
]);

function meaningOf(name: string): Meaning {
  const known = MEANINGS.get(name);
  if (known) return known;
  const family = FAMILIES.get(name.split(':')[0] ?? '');
  return family ?? { ignore: 'not an object event the restore loop acts on' };
}

/**
 * Whether OSS URL-encodes keys in events is unconfirmed (Alibaba's samples show plain keys; S3
 * encodes them). A key is decoded once, and only when it can only be an encoding: it has a %XX
 * escape, every '%' starts one, nothing an encoder would have escaped (space, control or non-ASCII
 * characters) is present, and the escapes are valid UTF-8. Anything else is taken as the plain key.
 * '+' always stays a plus, as in a URL path (OSS access logs encode a space as %20). The price: a
 * plain key that itself looks encoded ('a%20b') is read as its decoding ('a b').
 */
export function decodeEventKey(key: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(key) || /%(?![0-9A-Fa-f]{2})/.test(key) || /[^\x21-\x7e]/.test(key)) return key;
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

export function parseStorageEvents(payload: unknown): ParsedEvents {
  const value = decodePayload(payload);
  const result: ParsedEvents = { events: [], ignored: [], invalid: [] };
  let records: { parse: (item: unknown) => Verdict; items: readonly unknown[] };

  if (isObject(value) && 'events' in value) {
    if (!Array.isArray(value.events)) {
      throw new MalformedEventError(`the OSS trigger event's "events" must be an array (got ${describeInput(value.events)})`);
    }
    records = { parse: fromOssRecord, items: value.events };
  } else if (Array.isArray(value)) {
    records = { parse: fromCloudEvent, items: value };
  } else if (isObject(value) && (typeof value.specversion === 'string' || (typeof value.type === 'string' && typeof value.source === 'string'))) {
    records = { parse: fromCloudEvent, items: [value] };
  } else {
    throw new MalformedEventError(
      `a storage event must be an OSS trigger event {"events":[…]}, a CloudEvent or an array of CloudEvents (got ${describeInput(value)})`,
    );
  }

  records.items.forEach((item, index) => {
    const verdict = records.parse(item);
    if ('event' in verdict) result.events.push(verdict.event);
    else if ('ignored' in verdict) result.ignored.push(verdict.ignored);
    else result.invalid.push({ index, reason: verdict.invalid });
  });
  return result;
}

type Verdict = { event: StorageEvent } | { ignored: { name: string; reason: string } } | { invalid: string };

/** A field of one record is unusable; the record goes to `invalid` with this message. */
class InvalidRecord extends Error {}

function decodePayload(payload: unknown): unknown {
  if (!(payload instanceof Uint8Array) && typeof payload !== 'string') return payload;
  const text = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new MalformedEventError(`the storage event is not JSON (${text.length} characters)`, { cause: err });
  }
}

/** One element of an OSS trigger event's `events[]` (also the `data` of an OSS CloudEvent). */
function fromOssRecord(record: unknown): Verdict {
  if (!isObject(record)) return { invalid: `the record must be an object (got ${describeInput(record)})` };
  if (typeof record.eventName !== 'string' || record.eventName === '') {
    return { invalid: `eventName must be a non-empty string (got ${describeInput(record.eventName)})` };
  }
  const name = withoutOssPrefix(record.eventName);
  const meaning = meaningOf(name);
  if (typeof meaning !== 'string') return { ignored: { name, reason: meaning.ignore } };
  return toEvent(name, meaning, () => {
    const oss = field(record, 'oss');
    return {
      bucket: required('oss.bucket.name', field(field(oss, 'bucket'), 'name')),
      key: required('oss.object.key', field(field(oss, 'object'), 'key')),
      versionId: field(field(oss, 'object'), 'versionId'),
      eventTimeMs: firstTime([['eventTime', field(record, 'eventTime')]]),
      requestId: field(field(record, 'responseElements'), 'requestId'),
      size: field(field(oss, 'object'), 'size'),
    };
  });
}

function fromCloudEvent(event: unknown): Verdict {
  if (!isObject(event)) return { invalid: `the CloudEvent must be an object (got ${describeInput(event)})` };
  if (typeof event.type !== 'string' || event.type === '') return { invalid: `type must be a non-empty string (got ${describeInput(event.type)})` };
  const name = withoutOssPrefix(event.type);
  if (event.source !== 'acs.oss') return { ignored: { name, reason: `not an OSS event (source ${describeInput(event.source)})` } };
  const meaning = meaningOf(name);
  if (typeof meaning !== 'string') return { ignored: { name, reason: meaning.ignore } };
  return toEvent(name, meaning, () => {
    const data = field(event, 'data');
    const oss = field(data, 'oss');
    const object = field(oss, 'object');
    // The record in `data` is the fuller source; the subject names the object when it is absent.
    const { bucket, key } = isObject(oss)
      ? { bucket: required('data.oss.bucket.name', field(field(oss, 'bucket'), 'name')), key: required('data.oss.object.key', field(object, 'key')) }
      : objectOfSubject(event.subject);
    return {
      bucket,
      key,
      versionId: field(object, 'versionId'),
      eventTimeMs: firstTime([
        ['data.eventTime', field(data, 'eventTime')],
        ['time', event.time],
      ]),
      requestId: field(field(data, 'responseElements'), 'requestId'),
      size: field(object, 'size'),
    };
  });
}

// acs:oss:<region>:<uid>:<bucket>/<key>: the key is everything after the first '/' after the bucket.
const SUBJECT = /^acs:oss:[^:/]+:[^:/]+:([^:/]+)\/([\s\S]+)$/;

function objectOfSubject(subject: unknown): { bucket: string; key: string } {
  const match = typeof subject === 'string' ? SUBJECT.exec(subject) : null;
  if (!match) throw new InvalidRecord(`subject must be "acs:oss:<region>:<uid>:<bucket>/<key>" (got ${describeInput(subject)})`);
  return { bucket: match[1] ?? '', key: match[2] ?? '' };
}

interface RawFields {
  bucket: string;
  key: string;
  versionId: unknown;
  eventTimeMs: number;
  requestId: unknown;
  size: unknown;
}

function toEvent(name: string, kind: StorageEventKind, read: () => RawFields): Verdict {
  try {
    const raw = read();
    const event: StorageEvent = {
      kind,
      name,
      bucket: validated('bucket', () => validateBucket(raw.bucket)),
      key: validated('key', () => validateKey(decodeEventKey(raw.key))),
      eventTimeMs: raw.eventTimeMs,
    };
    if (raw.versionId !== undefined && raw.versionId !== null) {
      if (typeof raw.versionId !== 'string') throw new InvalidRecord(`versionId must be a string (got ${describeInput(raw.versionId)})`);
      const versionId = validated('versionId', () => validateVersionId(raw.versionId));
      if (versionId !== '') event.versionId = versionId;
    }
    if (typeof raw.requestId === 'string' && raw.requestId !== '') event.requestId = raw.requestId;
    const size = sizeOf(raw.size);
    if (size !== undefined) event.sizeBytes = size;
    return { event };
  } catch (err) {
    if (err instanceof InvalidRecord) return { invalid: err.message };
    throw err;
  }
}

/** Runs a validator from object-ref (which names the field in its message) on a string. */
function validated(fieldName: string, validate: () => string): string {
  try {
    return validate();
  } catch (err) {
    throw new InvalidRecord(err instanceof Error ? err.message : `${fieldName} is invalid`);
  }
}

function required(path: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidRecord(`${path} must be a string (got ${describeInput(value)})`);
  return value;
}

// ISO 8601 with an explicit offset, as OSS writes eventTime; a zone-less time would be read as local.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

function firstTime(candidates: [path: string, value: unknown][]): number {
  for (const [, value] of candidates) {
    const ms = typeof value === 'string' ? parseTime(value) : undefined;
    if (ms !== undefined) return ms;
  }
  const [path, value] = candidates.find(([, v]) => v !== undefined) ?? candidates[0] ?? ['time', undefined];
  throw new InvalidRecord(`${path} must be an ISO 8601 time with a time zone (got ${describeInput(value)})`);
}

function parseTime(value: string): number | undefined {
  const match = ISO_TIME.exec(value);
  if (!match) return undefined;
  const ms = Date.parse(value);
  // Date.parse rolls impossible dates over (February 30 becomes March 2); refuse them instead.
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(2000, month - 1, day));
  calendar.setUTCFullYear(year);
  if (Number.isNaN(ms) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  return ms;
}

/** The docs show `size` as a number, their field reference as a string: accept both, else omit it. */
function sizeOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function withoutOssPrefix(name: string): string {
  return name.startsWith('oss:') ? name.slice(4) : name;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A property of a record, or undefined when the record is not an object: paths never throw. */
function field(value: unknown, name: string): unknown {
  return isObject(value) ? value[name] : undefined;
}
