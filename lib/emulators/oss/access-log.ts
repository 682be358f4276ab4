// One record per request in the shape OSS real-time logs take in Log Service (logstore
// oss-log-store, topic oss_access_log). Field names from the OSS log field reference
// (help.aliyun.com/document_detail/458773: time, access_id, owner_id, user_agent, …,
// bucket_storage_type, host, restore_priority). All values are strings; "-" where OSS writes a dash.
//
// Unconfirmed: the time zone of `time` (we write UTC) and the spelling of bucket_storage_type values
// (we write the storage class as OSS names it, e.g. "Archive").
//
// `object` is "the requested object" (field reference): for CopyObject and UploadPartCopy that is
// the destination named in the request URI; the reference has no field for a copy's source. The
// source is only in the x-oss-copy-source request header, which a bucket owner can have logged
// in user_defined_log_fields (PutUserDefinedLogFieldsConfig: up to six request headers and query
// parameters, Base64 of JSON {"truncated", "headers", "querys"}, key+value bytes at most 1024).
// Whether OSS writes `-` there when nothing is configured is unconfirmed.
import type { QueryParams } from './request';
import type { HeaderBag } from './signature';

export interface OssAccessLogRecord {
  __topic__: 'oss_access_log';
  /** Unix seconds, as Log Service's own __time__. */
  __time__: string;
  /** e.g. 27/Feb/2018:13:58:45 */
  time: string;
  request_id: string;
  operation: string;
  bucket: string;
  /** URL-encoded. */
  object: string;
  /** URL-encoded path with the query, as received. */
  request_uri: string;
  http_method: string;
  http_status: string;
  error_code: string;
  client_ip: string;
  host: string;
  user_agent: string;
  referer: string;
  access_id: string;
  owner_id: string;
  requester_id: string;
  region: string;
  bucket_location: string;
  object_size: string;
  content_length_in: string;
  content_length_out: string;
  request_length: string;
  response_body_length: string;
  response_time: string;
  server_cost_time: string;
  http_type: string;
  sign_type: string;
  sync_request: string;
  bucket_storage_type: string;
  delta_data_size: string;
  restore_priority: string;
  logging_flag: string;
  vpc_addr: string;
  vpc_id: string;
  acc_access_region: string;
  user_defined_log_fields: string;
}

/** PutUserDefinedLogFieldsConfig for one bucket: request headers and query parameters to log. */
export interface UserDefinedLogFields {
  readonly headers: readonly string[];
  readonly params: readonly string[];
}

const MAX_USER_FIELDS = 6;
const MAX_USER_FIELD_BYTES = 1024;

/** Checks a configuration as PutUserDefinedLogFieldsConfig documents it; throws TypeError naming the problem. */
export function checkUserDefinedLogFields(config: UserDefinedLogFields): UserDefinedLogFields {
  const headers = [...config.headers];
  const params = [...config.params];
  if (headers.length + params.length > MAX_USER_FIELDS) throw new TypeError(`at most ${MAX_USER_FIELDS} headers and query parameters can be logged`);
  for (const name of headers) {
    // Printable ASCII 33–126, no underscore, no colon.
    if (!/^[!-~]+$/.test(name) || name.includes('_') || name.includes(':')) throw new TypeError(`"${name}" is not a loggable header name`);
  }
  for (const name of params) if (name === '') throw new TypeError('an empty query parameter name cannot be logged');
  return { headers: headers.map((h) => h.toLowerCase()), params };
}

/** The field's value: Base64 of {"truncated","headers","querys"}, values cut at 1024 bytes in all. */
export function userDefinedLogFields(config: UserDefinedLogFields | undefined, headers: HeaderBag, query: QueryParams): string {
  if (!config) return '-';
  let budget = MAX_USER_FIELD_BYTES;
  let truncated = false;
  const take = (name: string, value: string): string | undefined => {
    const cost = Buffer.byteLength(name) + Buffer.byteLength(value);
    if (cost <= budget) {
      budget -= cost;
      return value;
    }
    truncated = true;
    const room = Math.max(0, budget - Buffer.byteLength(name));
    budget = 0;
    return Buffer.from(value).subarray(0, room).toString();
  };
  const loggedHeaders: Record<string, string> = {};
  for (const name of config.headers) {
    const raw = headers[name];
    if (raw === undefined) continue;
    const value = take(name, Array.isArray(raw) ? raw.join(',') : raw);
    if (value !== undefined) loggedHeaders[name] = value;
  }
  const querys: Record<string, string> = {};
  for (const name of config.params) {
    const raw = query.get(name);
    if (raw === undefined) continue;
    const value = take(name, raw);
    if (value !== undefined) querys[name] = value;
  }
  return Buffer.from(JSON.stringify({ truncated, headers: loggedHeaders, querys })).toString('base64');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function accessLogTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** What the server knows about one served request. */
export interface ServedRequest {
  receivedAtMs: number;
  finishedAtMs: number;
  requestId: string;
  operation: string;
  bucket: string | undefined;
  key: string | undefined;
  rawUrl: string;
  method: string;
  status: number;
  errorCode: string | undefined;
  clientIp: string;
  host: string;
  userAgent: string;
  referer: string;
  accessKeyId: string | undefined;
  signType: string;
  ownerId: string;
  region: string;
  objectSize: number | undefined;
  requestBodyLength: number;
  requestHeaderLength: number;
  responseBodyLength: number;
  storageClass: string | undefined;
  deltaDataSize: number | undefined;
  restorePriority: string | undefined;
  userDefinedLogFields?: string;
}

const dash = (value: string | number | undefined): string => (value === undefined || value === '' ? '-' : String(value));

export function accessLogRecord(r: ServedRequest): OssAccessLogRecord {
  const elapsed = String(Math.max(0, r.finishedAtMs - r.receivedAtMs));
  return {
    __topic__: 'oss_access_log',
    __time__: String(Math.floor(r.receivedAtMs / 1000)),
    time: accessLogTime(r.receivedAtMs),
    request_id: r.requestId,
    operation: r.operation,
    bucket: dash(r.bucket),
    object: r.key === undefined ? '-' : encodeURIComponent(r.key),
    request_uri: r.rawUrl,
    http_method: r.method,
    http_status: String(r.status),
    error_code: dash(r.errorCode),
    client_ip: r.clientIp,
    host: r.host,
    user_agent: dash(r.userAgent),
    referer: dash(r.referer),
    access_id: dash(r.accessKeyId),
    owner_id: r.ownerId,
    requester_id: r.accessKeyId === undefined ? '-' : r.ownerId,
    region: r.region.replace(/^oss-/, ''),
    bucket_location: r.region,
    object_size: dash(r.objectSize),
    content_length_in: String(r.requestBodyLength),
    content_length_out: String(r.responseBodyLength),
    request_length: String(r.requestHeaderLength + r.requestBodyLength),
    response_body_length: String(r.responseBodyLength),
    response_time: elapsed,
    server_cost_time: elapsed,
    http_type: 'http',
    sign_type: r.signType,
    sync_request: '-',
    bucket_storage_type: dash(r.storageClass),
    delta_data_size: dash(r.deltaDataSize),
    restore_priority: dash(r.restorePriority),
    logging_flag: 'false',
    vpc_addr: '-',
    vpc_id: '-',
    acc_access_region: '-',
    user_defined_log_fields: r.userDefinedLogFields ?? '-',
  };
}
