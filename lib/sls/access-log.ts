// OSS real-time access-log records → "misses": GETs refused because the object is archived.
// Field names are those of the `oss_access_log` topic in the `oss-log-store` logstore: `operation`,
// `http_status`, `error_code`, `bucket`, `object` (URL-encoded key) and `request_uri` (URL-encoded, with the
// query string). The time is the log's own `__time__` (the Log.Time of the LogGroup).

export interface AccessLogMiss {
  bucket: string;
  key: string;
  versionId?: string;
  source: 'access-log';
  seenAtMs: number;
}

/** The part of a pulled log this module reads (a `PulledLog` fits). */
export interface AccessLogRecord {
  /** Unix seconds. */
  time: number;
  timeNs?: number;
  contents: Readonly<Record<string, string | undefined>>;
}

export type SkipReason =
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
  | 'not-a-record';

export interface AccessLogExtraction {
  misses: AccessLogMiss[];
  skipped: Partial<Record<SkipReason, number>>;
  total: number;
}

const MISS_OPERATION = 'GetObject';
const MISS_STATUS = '403';
const MISS_ERROR_CODE = 'InvalidObjectState';

type Verdict = { miss: AccessLogMiss } | { skip: SkipReason };

/** Classifies one record. Never throws: anything unusable becomes a skip reason. */
export function classifyAccessLogRecord(record: AccessLogRecord): Verdict {
  if (record === null || typeof record !== 'object' || record.contents === null || typeof record.contents !== 'object') {
    return { skip: 'not-a-record' };
  }
  const c = record.contents;
  const operation = present(c.operation);
  if (operation === undefined) return { skip: 'missing-field:operation' };
  if (operation !== MISS_OPERATION) return { skip: 'other-operation' };
  const status = present(c.http_status);
  if (status === undefined) return { skip: 'missing-field:http_status' };
  if (status !== MISS_STATUS) return { skip: 'other-status' };
  const errorCode = present(c.error_code);
  if (errorCode === undefined) return { skip: 'missing-field:error_code' };
  if (errorCode !== MISS_ERROR_CODE) return { skip: 'other-error-code' };
  const bucket = present(c.bucket);
  if (bucket === undefined) return { skip: 'missing-field:bucket' };
  const encodedKey = present(c.object);
  if (encodedKey === undefined) return { skip: 'missing-field:object' };
  const key = percentDecode(encodedKey);
  if (key === undefined || key === '') return { skip: 'undecodable-key' };
  const versionId = versionIdOf(c.request_uri);
  if (versionId === null) return { skip: 'undecodable-version-id' };
  const seenAtMs = timeOf(record);
  if (seenAtMs === undefined) return { skip: 'missing-field:__time__' };
  const miss: AccessLogMiss = { bucket, key, source: 'access-log', seenAtMs };
  if (versionId !== undefined) miss.versionId = versionId;
  return { miss };
}

/**
 * Accumulates misses over a stream of records, page by page, so a caller never needs all records at
 * once. One bad record is counted and skipped; it never costs the other records of its batch.
 */
export class AccessLogMissCollector {
  private readonly misses: AccessLogMiss[] = [];
  private readonly skipped: Partial<Record<SkipReason, number>> = {};
  private total = 0;

  add(record: AccessLogRecord): void {
    this.total++;
    let verdict: Verdict;
    try {
      verdict = classifyAccessLogRecord(record);
    } catch {
      // classify does not throw by design; a getter on a hostile object still must not stop the batch.
      verdict = { skip: 'not-a-record' };
    }
    if ('miss' in verdict) this.misses.push(verdict.miss);
    else this.skipped[verdict.skip] = (this.skipped[verdict.skip] ?? 0) + 1;
  }

  addAll(records: Iterable<AccessLogRecord>): void {
    for (const record of records) this.add(record);
  }

  /** The misses and counts so far; the collector can keep accumulating afterwards. */
  result(): AccessLogExtraction {
    return { misses: [...this.misses], skipped: { ...this.skipped }, total: this.total };
  }
}

/** Extracts the misses of one batch. */
export function extractAccessLogMisses(records: Iterable<AccessLogRecord>): AccessLogExtraction {
  const collector = new AccessLogMissCollector();
  collector.addAll(records);
  return collector.result();
}

/** Extracts the misses of an async stream (e.g. `LogStoreReader#pullRange`), holding only the misses. */
export async function collectAccessLogMisses(records: AsyncIterable<AccessLogRecord>): Promise<AccessLogExtraction> {
  const collector = new AccessLogMissCollector();
  for await (const record of records) collector.add(record);
  return collector.result();
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

/**
 * The `versionId` query parameter of `request_uri`: undefined when there is none, null when it is there but
 * cannot be decoded (restoring the current version instead would restore the wrong object).
 */
function versionIdOf(requestUri: string | undefined): string | undefined | null {
  let uri = present(requestUri);
  if (uri === undefined) return undefined;
  // Tolerate a full request line ("GET /key?versionId=… HTTP/1.1") as in OSS's own log files.
  const requestLine = /^[A-Z]+\s+(\S+)(?:\s+HTTP\/[\d.]+)?$/.exec(uri);
  if (requestLine) uri = requestLine[1]!;
  let queryStart = uri.indexOf('?');
  if (queryStart === -1 && /%3f/i.test(uri)) {
    // The whole URI was encoded once more (`%3FversionId%3D…`): decode one level and look again.
    const decoded = percentDecode(uri);
    if (decoded === undefined) return null;
    uri = decoded;
    queryStart = uri.indexOf('?');
  }
  if (queryStart === -1) return undefined;
  for (const pair of uri.slice(queryStart + 1).split('&')) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (name !== 'versionId') continue;
    const raw = eq === -1 ? '' : pair.slice(eq + 1);
    const value = percentDecode(raw);
    if (value === undefined) return null;
    return value === '' ? undefined : value;
  }
  return undefined;
}

function timeOf(record: AccessLogRecord): number | undefined {
  const seconds = record.time;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  const ns = typeof record.timeNs === 'number' && Number.isFinite(record.timeNs) && record.timeNs > 0 ? record.timeNs : 0;
  return seconds * 1000 + Math.floor(ns / 1e6);
}
