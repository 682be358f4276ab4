// OSS real-time access-log records → misses: requests OSS refused because the object is
// archived and not restored (403 InvalidObjectState). Field names are those of the
// `oss_access_log` topic in the `oss-log-store` logstore (OSS log field reference):
// `operation`, `http_status`, `error_code`, `bucket`, `object` (the requested object,
// URL-encoded), `request_uri` (URL-encoded, with the query) and `user_defined_log_fields` (the
// request headers and query parameters a bucket chose to log, as base64 JSON). The time is the
// log's own `__time__` (the Log.Time of the LogGroup).
//
// The restore guide lists the operations OSS refuses on an unrestored archived object: GetObject,
// image processing (x-oss-process), CopyObject, UploadPartCopy, SelectObject and PostProcessTask.
// For all but the two copies, `object` is the archived object. A copy's `object` is its
// destination: the source is a request header (x-oss-copy-source), which the standard fields do
// not hold, so a refused copy counts only where the bucket logs that header in
// user_defined_log_fields (PutUserDefinedLogFieldsConfig); otherwise it is skipped, counted as
// `copy-source-not-logged`.
//
// Only OSS's own records count: a record's topic must be `oss_access_log` (the logstore also holds
// `oss_metering_log` and `oss_batch_delete_log`, and anyone who can write to a copied logstore can
// write any topic), and a miss by an anonymous requester (`requester_id` "-", field reference:
// "如果是匿名访问，则显示为短划线(-)", help.aliyun.com/document_detail/458773) restores nothing unless
// THAW_ACCESS_LOG_ANONYMOUS says so: a public-read bucket's anonymous readers are anyone at all.
import type { Miss } from '../restore/miss';
import type { MissOperation } from '../restore/record';

/** The part of a pulled log this module reads (lib/sls's PulledLog fits). */
export interface AccessLogRecord {
  /** Unix seconds. */
  readonly time: number;
  readonly timeNs?: number;
  /** The LogGroup's topic (`__topic__`): `oss_access_log` for OSS's access records. */
  readonly topic?: string;
  readonly contents: Readonly<Record<string, string | undefined>>;
}

/** What the access-log function trusts beyond the record itself (configuration). */
export interface AccessLogRules {
  /** THAW_ACCESS_LOG_ANONYMOUS: whether a miss by an anonymous requester restores anything. */
  readonly anonymous: boolean;
}

/** The topic OSS writes its access records under (OSS log field reference: `__topic__` is fixed to oss_access_log). */
export const ACCESS_LOG_TOPIC = 'oss_access_log';

/** Pulls the OSS access-log records between two cursors of one shard (lib/sls's LogStoreReader). */
export interface AccessLogSource {
  /**
   * Stops with an error whose `code` is 'SlsDeadline' when `deadlineAtMs` leaves no room for another
   * request; tells `onOversized` of each LogGroup too large to hold, which it skips.
   */
  pullRange(
    shardId: number,
    beginCursor: string,
    endCursor: string,
    options?: {
      signal?: AbortSignal;
      deadlineAtMs?: number;
      onOversized?: (skipped: { sizeBytes: number; limitBytes: number }) => void;
      /** The content keys the caller reads (ACCESS_LOG_FIELDS); a source may leave the others out. */
      fields?: readonly string[];
    },
  ): AsyncIterable<AccessLogRecord>;
}

export type SkipReason =
  | 'other-topic'
  | 'anonymous-requester'
  | 'other-operation'
  | 'other-status'
  | 'other-error-code'
  | 'missing-field:operation'
  | 'missing-field:http_status'
  | 'missing-field:error_code'
  | 'missing-field:bucket'
  | 'missing-field:object'
  | 'missing-field:__time__'
  | 'undecodable-key'
  | 'undecodable-version-id'
  | 'copy-source-not-logged'
  | 'undecodable-copy-source'
  | 'not-a-record';

export type AccessLogMiss = Miss & { readonly source: 'access-log'; readonly operation: MissOperation };

export type AccessLogVerdict = { readonly miss: AccessLogMiss } | { readonly skip: SkipReason };

/**
 * Every content key classifyAccessLogRecord reads (a record carries some thirty): a source may
 * decode only these. Keep it in step with classify() below; a unit test reads both.
 */
export const ACCESS_LOG_FIELDS = [
  'operation',
  'request_uri',
  'http_status',
  'error_code',
  'bucket',
  'object',
  'user_defined_log_fields',
  'requester_id',
] as const;

const REFUSED_STATUS = '403';
const REFUSED_ERROR_CODE = 'InvalidObjectState';
const COPY_SOURCE_HEADER = 'x-oss-copy-source';

/** Classifies one record. Never throws: anything unusable becomes a skip reason. */
export function classifyAccessLogRecord(record: AccessLogRecord, rules: AccessLogRules = { anonymous: false }): AccessLogVerdict {
  try {
    return classify(record, rules);
  } catch {
    // classify does not throw by design; a getter on a hostile object still must not stop the batch.
    return { skip: 'not-a-record' };
  }
}

function classify(record: AccessLogRecord, rules: AccessLogRules): AccessLogVerdict {
  if (record === null || typeof record !== 'object' || record.contents === null || typeof record.contents !== 'object') {
    return { skip: 'not-a-record' };
  }
  if (record.topic !== ACCESS_LOG_TOPIC) return { skip: 'other-topic' };
  const c = record.contents;
  const operationName = present(c.operation);
  if (operationName === undefined) return { skip: 'missing-field:operation' };
  const uri = requestUriOf(c.request_uri);
  const operation = refusedOperationOf(operationName, uri.query);
  if (operation === undefined) return { skip: 'other-operation' };
  const status = present(c.http_status);
  if (status === undefined) return { skip: 'missing-field:http_status' };
  if (status !== REFUSED_STATUS) return { skip: 'other-status' };
  const errorCode = present(c.error_code);
  if (errorCode === undefined) return { skip: 'missing-field:error_code' };
  if (errorCode !== REFUSED_ERROR_CODE) return { skip: 'other-error-code' };
  const seenAtMs = timeOf(record);
  if (seenAtMs === undefined) return { skip: 'missing-field:__time__' };
  // No requester (absent or "-") is an anonymous request: nobody we could name asked for it.
  if (!rules.anonymous && present(c.requester_id) === undefined) return { skip: 'anonymous-requester' };

  if (operation === 'CopyObject' || operation === 'UploadPartCopy') {
    const source = copySourceOf(c.user_defined_log_fields);
    if ('skip' in source) return source;
    return { miss: { ...source.object, source: 'access-log', seenAtMs, operation } };
  }
  const bucket = present(c.bucket);
  if (bucket === undefined) return { skip: 'missing-field:bucket' };
  const encodedKey = present(c.object);
  if (encodedKey === undefined) return { skip: 'missing-field:object' };
  const key = percentDecode(encodedKey);
  if (key === undefined || key === '') return { skip: 'undecodable-key' };
  const versionId = uri.query.get('versionId');
  if (versionId === null) return { skip: 'undecodable-version-id' };
  return { miss: { bucket, key, ...(versionId ? { versionId } : {}), source: 'access-log', seenAtMs, operation } };
}

/**
 * The refused operation a record names, or undefined when it is not one OSS refuses on an
 * archived object. The processing operations are told apart by their query, as OSS routes them:
 * x-oss-async-process (PostProcessTask), x-oss-process=csv/select or json/select (SelectObject),
 * any other x-oss-process (image processing, ProcessImage in the restore guide's words). Whether OSS logs those under their own operation
 * names or as GetObject/PostObject is unconfirmed, so either is accepted.
 */
function refusedOperationOf(operation: string, query: UriQuery): MissOperation | undefined {
  if (operation === 'PostProcessTask' || query.has('x-oss-async-process')) return 'PostProcessTask';
  const process = query.get('x-oss-process');
  // csv/meta (CreateSelectObjectMeta) reads the object for Select too.
  if (operation === 'SelectObject' || (typeof process === 'string' && /^(csv|json)\/(select|meta)\b/i.test(process))) return 'SelectObject';
  if (process !== undefined) return 'ProcessImage';
  if (operation === 'GetObject' || operation === 'CopyObject' || operation === 'UploadPartCopy') return operation;
  return undefined;
}

type UriQuery = ReadonlyMap<string, string | null>;

/**
 * The path and query of `request_uri`. The query starts at the first literal `?`: a key's own `?`
 * is logged as %3F and belongs to the path. Names and values are percent-decoded; a value that
 * cannot be decoded is null (a parameter whose name cannot be decoded is none we read).
 */
/** Most logged requests carry no query: they share one empty map rather than allocate their own. */
const NO_QUERY: UriQuery = new Map();

function requestUriOf(requestUri: string | undefined): { query: UriQuery } {
  if (typeof requestUri !== 'string' || !requestUri.includes('?')) return { query: NO_QUERY };
  let uri = present(requestUri) ?? '';
  // Tolerate a full request line ("GET /key?versionId=… HTTP/1.1") as in OSS's own log files.
  const requestLine = /^[A-Z]+\s+(\S+)(?:\s+HTTP\/[\d.]+)?$/.exec(uri);
  if (requestLine) uri = requestLine[1]!;
  const query = new Map<string, string | null>();
  const start = uri.indexOf('?');
  if (start === -1) return { query };
  for (const pair of uri.slice(start + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = percentDecode(eq === -1 ? pair : pair.slice(0, eq));
    if (name === undefined || query.has(name)) continue;
    query.set(name, eq === -1 ? '' : (percentDecode(pair.slice(eq + 1)) ?? null));
  }
  return { query };
}

/**
 * The source of a copy, from the x-oss-copy-source header logged in user_defined_log_fields:
 * base64 of JSON {"truncated": bool, "headers": {…}, "querys": {…}}. The header is
 * `/bucket/key[?versionId=…]` with the key URL-encoded. (The field's JSON shape beyond those three
 * names, e.g. how a repeated header appears, is unconfirmed: a string or a list of strings.)
 */
function copySourceOf(field: string | undefined): { object: { bucket: string; key: string; versionId?: string } } | { skip: SkipReason } {
  const encoded = present(field);
  if (encoded === undefined) return { skip: 'copy-source-not-logged' };
  let logged: unknown;
  try {
    logged = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return { skip: 'undecodable-copy-source' };
  }
  const headers = (logged as { headers?: unknown } | null)?.headers;
  if (headers === null || typeof headers !== 'object') return { skip: 'copy-source-not-logged' };
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === COPY_SOURCE_HEADER)?.[1];
  const value = Array.isArray(entry) ? entry[0] : entry;
  if (typeof value !== 'string' || value === '') return { skip: 'copy-source-not-logged' };
  // A cut value may name another object: never restore on a guess.
  if ((logged as { truncated?: unknown }).truncated === true) return { skip: 'undecodable-copy-source' };
  const match = /^\/?([^/?]+)\/([^?]+)(?:\?(.*))?$/.exec(value.trim());
  const key = match ? percentDecode(match[2]!) : undefined;
  if (!match || key === undefined || key === '') return { skip: 'undecodable-copy-source' };
  const versionId = requestUriOf(`/?${match[3] ?? ''}`).query.get('versionId');
  if (versionId === null) return { skip: 'undecodable-copy-source' };
  return { object: { bucket: match[1]!, key, ...(versionId ? { versionId } : {}) } };
}

/** Trimmed value, or undefined for absent, empty and the access log's `-` placeholder. */
function present(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === '-' ? undefined : trimmed;
}

/**
 * Percent-decoding only: `+` stays a plus sign. OSS encodes the key the way a URL path is encoded, where
 * `+` is literal; a space arrives as %20. Undefined when the escapes are malformed.
 */
function percentDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function timeOf(record: AccessLogRecord): number | undefined {
  const seconds = record.time;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  const ns = typeof record.timeNs === 'number' && Number.isFinite(record.timeNs) && record.timeNs > 0 ? record.timeNs : 0;
  return seconds * 1000 + Math.floor(ns / 1e6);
}
