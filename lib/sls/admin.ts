// Log Service management and queries for the deploy and the operator commands: a logstore's index,
// GetLogs with a query, dashboards and alerts (the 2020-12-30 API: paths, methods and bodies as
// @alicloud/sls20201230 sends them), and the alert resource data records (webhook integrations,
// action policies) as aliyun-log-go-sdk sends them: the OpenAPI SDK has no call for those. Signed and sent like the reader (signature.ts, transport.ts),
// not through the vendor SDK: the SDK connects to `{project}.{endpoint}` by DNS, so it cannot reach
// an IP endpoint such as the local emulator's, and its 5.9.0 serializes the keys of an index with
// their TypeScript names (docValue, not the documented doc_value). Every non-200 answer is an
// SlsServiceError carrying the service's code (Unauthorized, ProjectNotExist, LogStoreNotExist,
// IndexConfigNotExist, DashboardNotExist, JobNotExist, ParameterInvalid, …).
import { sleep, systemClock, type Clock } from '../clock';
import { retry } from '../retry';
import { resolveAccountEndpoint, resolveProjectEndpoint, type ProjectEndpoint } from './endpoint';
import { isRetryableSlsError, SlsBadResponseError, SlsDeadlineError, SlsRetriesExhaustedError, SlsServiceError } from './errors';
import { authorizationHeader } from './signature';
import { nodeTransport, type SlsHttpResponse, type SlsTransport } from './transport';

/** A field's index (`IndexKey`): text needs delimiters; `doc_value` turns analytics (SQL) on. */
export interface SlsIndexKey {
  type: 'text' | 'long' | 'double' | 'json';
  token?: string[];
  caseSensitive?: boolean;
  chn?: boolean;
  alias?: string;
  doc_value?: boolean;
  json_keys?: Record<string, SlsIndexKey>;
  index_all?: boolean;
  max_depth?: number;
}

/** A logstore's index as CreateIndex takes it and GetIndex answers it (documented wire names). */
export interface SlsIndex {
  line?: { token: string[]; caseSensitive?: boolean; chn?: boolean; include_keys?: string[]; exclude_keys?: string[] };
  keys?: Record<string, SlsIndexKey>;
  max_text_len?: number;
  log_reduce?: boolean;
  /** GetIndex only: the logstore's retention, the last change (Unix seconds). */
  ttl?: number;
  lastModifyTime?: number;
}

export interface SlsChart {
  title: string;
  type: string;
  search: { logstore: string; query: string; start: string; end: string; topic?: string; [more: string]: unknown };
  display: Record<string, unknown>;
  action?: Record<string, unknown>;
}

export interface SlsDashboard {
  dashboardName: string;
  displayName?: string;
  description?: string;
  attribute?: Record<string, string>;
  charts: SlsChart[];
}

/** A "new alert" (version 2.0) rule: the configuration and schedule as the API documents them. */
export interface SlsAlert {
  name: string;
  displayName: string;
  description?: string;
  configuration: Record<string, unknown>;
  schedule: Record<string, unknown>;
  /** GetAlert only. */
  status?: string;
}

/**
 * A record of alert resource data (`sls.alert.action_policy`, `sls.alert.action_webhook`, …): `value`
 * is the record as a JSON string ("Data structure of alert resource data").
 */
export interface SlsResourceRecord {
  id: string;
  tag: string;
  value: string;
}

export interface GetLogsRequest {
  /** Unix seconds, [from, to). */
  from: number;
  to: number;
  query?: string;
  topic?: string;
  /** Rows per answer, at most 100 (the service answers 100 for more). */
  line?: number;
  offset?: number;
  /** Newest first. */
  reverse?: boolean;
}

export interface GetLogsResult {
  /** Each row: `__time__`, `__source__`, `__topic__`, the fields and `__tag__:…`; every value a string. */
  rows: Record<string, string>[];
  /** `x-log-progress: Complete`; an incomplete answer must be asked for again. */
  complete: boolean;
  processedRows: number;
  hasSql: boolean;
}

export interface SlsAdminOptions {
  /** `cn-hangzhou.log.aliyuncs.com`, `https://…`, or `http://127.0.0.1:PORT`. */
  endpoint: string;
  project: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** Deadline for one HTTP exchange. Default 30 s. */
  requestTimeoutMs?: number;
  /** Attempts per call for 5xx, throttling and network failures. Default 3. */
  maxAttempts?: number;
  /** Largest answer held in memory. Default 8 MiB. */
  maxAnswerBytes?: number;
  transport?: SlsTransport;
  clock?: Clock;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  userAgent?: string;
}

export interface AdminCallOptions {
  signal?: AbortSignal;
  deadlineAtMs?: number;
}

type Query = [string, string][];

/** Codes that say "the thing named is not there", for callers that make a delete or a lookup idempotent. */
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'ProjectNotExist',
  'LogStoreNotExist',
  'IndexConfigNotExist',
  'DashboardNotExist',
  'JobNotExist',
  // A missing alert resource record (the code is unconfirmed: the emulator's).
  'ResourceRecordNotExist',
]);

export function isNotFound(error: unknown, code?: string): boolean {
  return error instanceof SlsServiceError && NOT_FOUND_CODES.has(error.code) && (code === undefined || error.code === code);
}

export class SlsAdmin {
  readonly project: string;
  private readonly target: ProjectEndpoint;
  /** Requests that name no project (alert resource data). */
  private readonly accountTarget: ProjectEndpoint;
  private readonly send: SlsTransport;
  private readonly closeTransport: () => void;
  private readonly clock: Clock;
  private readonly settings: { requestTimeoutMs: number; maxAttempts: number; maxAnswerBytes: number; userAgent: string };

  constructor(private readonly options: SlsAdminOptions) {
    for (const field of ['endpoint', 'project', 'accessKeyId', 'accessKeySecret'] as const) {
      if (typeof options[field] !== 'string' || options[field] === '') throw new TypeError(`SlsAdmin needs a non-empty ${field}`);
    }
    this.project = options.project;
    this.target = resolveProjectEndpoint(options.endpoint, options.project);
    this.accountTarget = resolveAccountEndpoint(options.endpoint);
    if (options.transport) {
      this.send = options.transport;
      this.closeTransport = () => {};
    } else {
      const transport = nodeTransport();
      this.send = transport.send;
      this.closeTransport = transport.close;
    }
    this.clock = options.clock ?? systemClock;
    this.settings = {
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      maxAttempts: options.maxAttempts ?? 3,
      maxAnswerBytes: options.maxAnswerBytes ?? 8 * 1024 * 1024,
      userAgent: options.userAgent ?? 'oss-thaw-sls-admin',
    };
  }

  close(): void {
    this.closeTransport();
  }

  // --- logstores ----------------------------------------------------------------------------------

  async getLogStore(logstore: string, options: AdminCallOptions = {}): Promise<Record<string, unknown>> {
    return (await this.json(await this.call('GetLogStore', 'GET', `/logstores/${segment(logstore)}`, [], undefined, options), 'GetLogStore')) as Record<
      string,
      unknown
    >;
  }

  async listLogStores(options: AdminCallOptions = {}): Promise<string[]> {
    const body = (await this.json(await this.call('ListLogStores', 'GET', '/logstores', [['size', '500']], undefined, options), 'ListLogStores')) as {
      logstores?: unknown;
    };
    if (!Array.isArray(body.logstores)) throw new SlsBadResponseError('ListLogStores answered no logstores list', undefined);
    return body.logstores.map(String);
  }

  // --- index --------------------------------------------------------------------------------------

  /** GetIndex; a logstore without one throws SlsServiceError `IndexConfigNotExist`. */
  async getIndex(logstore: string, options: AdminCallOptions = {}): Promise<SlsIndex> {
    return (await this.json(await this.call('GetIndex', 'GET', indexPath(logstore), [], undefined, options), 'GetIndex')) as SlsIndex;
  }

  async createIndex(logstore: string, index: SlsIndex, options: AdminCallOptions = {}): Promise<void> {
    await this.call('CreateIndex', 'POST', indexPath(logstore), [], writableIndex(index), options);
  }

  async updateIndex(logstore: string, index: SlsIndex, options: AdminCallOptions = {}): Promise<void> {
    await this.call('UpdateIndex', 'PUT', indexPath(logstore), [], writableIndex(index), options);
  }

  async deleteIndex(logstore: string, options: AdminCallOptions = {}): Promise<void> {
    await this.call('DeleteIndex', 'DELETE', indexPath(logstore), [], undefined, options);
  }

  // --- queries ------------------------------------------------------------------------------------

  /** GetLogs (`GET /logstores/{ls}?type=log`): raw rows, or the rows of `… | select …`. */
  async getLogs(logstore: string, request: GetLogsRequest, options: AdminCallOptions = {}): Promise<GetLogsResult> {
    const query: Query = [
      ['type', 'log'],
      ['from', String(request.from)],
      ['to', String(request.to)],
    ];
    if (request.query !== undefined) query.push(['query', request.query]);
    if (request.topic !== undefined) query.push(['topic', request.topic]);
    if (request.line !== undefined) query.push(['line', String(request.line)]);
    if (request.offset !== undefined) query.push(['offset', String(request.offset)]);
    if (request.reverse !== undefined) query.push(['reverse', String(request.reverse)]);
    const res = await this.call('GetLogs', 'GET', `/logstores/${segment(logstore)}`, query, undefined, options);
    const rows = await this.json(res, 'GetLogs');
    if (!Array.isArray(rows) || rows.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
      throw new SlsBadResponseError('GetLogs did not answer a JSON array of objects', header(res, 'x-log-requestid'));
    }
    return {
      rows: rows.map((r) =>
        Object.fromEntries(Object.entries(r as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
      ),
      complete: (header(res, 'x-log-progress') ?? 'Complete') === 'Complete',
      processedRows: Number(header(res, 'x-log-processed-rows') ?? rows.length) || 0,
      hasSql: header(res, 'x-log-has-sql') === 'true',
    };
  }

  // --- dashboards ---------------------------------------------------------------------------------

  async createDashboard(dashboard: SlsDashboard, options: AdminCallOptions = {}): Promise<void> {
    await this.call('CreateDashboard', 'POST', '/dashboards', [], dashboard, options);
  }

  async updateDashboard(dashboard: SlsDashboard, options: AdminCallOptions = {}): Promise<void> {
    await this.call('UpdateDashboard', 'PUT', `/dashboards/${segment(dashboard.dashboardName)}`, [], dashboard, options);
  }

  async getDashboard(name: string, options: AdminCallOptions = {}): Promise<SlsDashboard> {
    return (await this.json(await this.call('GetDashboard', 'GET', `/dashboards/${segment(name)}`, [], undefined, options), 'GetDashboard')) as SlsDashboard;
  }

  async deleteDashboard(name: string, options: AdminCallOptions = {}): Promise<void> {
    await this.call('DeleteDashboard', 'DELETE', `/dashboards/${segment(name)}`, [], undefined, options);
  }

  // --- alerts -------------------------------------------------------------------------------------

  async createAlert(alert: SlsAlert, options: AdminCallOptions = {}): Promise<void> {
    const { status: _status, ...body } = alert;
    await this.call('CreateAlert', 'POST', '/alerts', [], body, options);
  }

  async updateAlert(alert: SlsAlert, options: AdminCallOptions = {}): Promise<void> {
    const { status: _status, name, ...body } = alert;
    await this.call('UpdateAlert', 'PUT', `/alerts/${segment(name)}`, [], body, options);
  }

  async getAlert(name: string, options: AdminCallOptions = {}): Promise<SlsAlert> {
    return (await this.json(await this.call('GetAlert', 'GET', `/alerts/${segment(name)}`, [], undefined, options), 'GetAlert')) as SlsAlert;
  }

  async deleteAlert(name: string, options: AdminCallOptions = {}): Promise<void> {
    await this.call('DeleteAlert', 'DELETE', `/alerts/${segment(name)}`, [], undefined, options);
  }

  // --- alert resource data (account-wide: no project) ---------------------------------------------
  // Paths as aliyun-log-go-sdk sends them (resource_record.go); @alicloud/sls20201230 5.9.0 has no
  // resource-record call. The service keeps these records in one region (terraform's
  // alicloud_log_resource_record: "a main region: cn-heyuan"): pass that region's endpoint.

  async getResourceRecord(resource: string, id: string, options: AdminCallOptions = {}): Promise<SlsResourceRecord> {
    const path = `/resources/${segment(resource)}/records/${segment(id)}`;
    return (await this.json(
      await this.call('GetResourceRecord', 'GET', path, [], undefined, options, this.accountTarget),
      'GetResourceRecord',
    )) as SlsResourceRecord;
  }

  async createResourceRecord(resource: string, record: SlsResourceRecord, options: AdminCallOptions = {}): Promise<void> {
    await this.call('CreateResourceRecord', 'POST', `/resources/${segment(resource)}/records`, [], record, options, this.accountTarget);
  }

  async updateResourceRecord(resource: string, record: SlsResourceRecord, options: AdminCallOptions = {}): Promise<void> {
    await this.call('UpdateResourceRecord', 'PUT', `/resources/${segment(resource)}/records/${segment(record.id)}`, [], record, options, this.accountTarget);
  }

  async deleteResourceRecord(resource: string, id: string, options: AdminCallOptions = {}): Promise<void> {
    await this.call(
      'DeleteResourceRecord',
      'DELETE',
      `/resources/${segment(resource)}/records`,
      [['ids', segment(id)]],
      undefined,
      options,
      this.accountTarget,
    );
  }

  // --- the exchange -------------------------------------------------------------------------------

  private async json(res: SlsHttpResponse, operation: string): Promise<unknown> {
    try {
      return JSON.parse(res.body.toString('utf8'));
    } catch (cause) {
      throw new SlsBadResponseError(`${operation} answered a body that is not JSON`, header(res, 'x-log-requestid'), { cause });
    }
  }

  /**
   * One call with the retry helper (5xx, throttling, network). A retried create whose first attempt
   * was applied but not acknowledged answers "already exists": the deploy reads before it writes.
   */
  private call(
    operation: string,
    method: string,
    path: string,
    query: Query,
    body: unknown,
    options: AdminCallOptions,
    target: ProjectEndpoint = this.target,
  ): Promise<SlsHttpResponse> {
    return retry(() => this.exchange(target, method, path, query, body, options.signal), {
      policy: { baseMs: 200, maxMs: 5_000, maxAttempts: this.settings.maxAttempts },
      retryable: isRetryableSlsError,
      clock: this.clock,
      sleep: this.options.sleep ?? sleep,
      random: this.options.random ?? Math.random,
      signal: options.signal,
      deadlineAtMs: options.deadlineAtMs,
      attemptMs: this.settings.requestTimeoutMs,
      deadlineError: () => new SlsDeadlineError(operation),
      exhausted: (err, attempts) => new SlsRetriesExhaustedError(operation, attempts, err),
    });
  }

  private async exchange(
    target: ProjectEndpoint,
    method: string,
    path: string,
    query: Query,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<SlsHttpResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const headers: Record<string, string> = {
      host: target.hostHeader,
      date: new Date(this.clock.nowMs()).toUTCString(),
      'x-log-apiversion': '0.6.0',
      'x-log-signaturemethod': 'hmac-sha1',
      'x-log-bodyrawsize': String(payload?.length ?? 0),
      'user-agent': this.settings.userAgent,
      accept: 'application/json',
    };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (this.options.securityToken) headers['x-acs-security-token'] = this.options.securityToken;
    headers.authorization = authorizationHeader(this.options.accessKeyId, this.options.accessKeySecret, { method, path, query, headers });
    const search = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    const res = await this.send({
      protocol: target.protocol,
      connectHost: target.connectHost,
      port: target.port,
      method,
      path: `${path.split('/').map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`,
      headers,
      body: payload,
      timeoutMs: this.settings.requestTimeoutMs,
      signal,
      maxBodyBytes: this.settings.maxAnswerBytes,
    });
    if (res.status !== 200) throw serviceErrorOf(res);
    return res;
  }
}

function header(res: SlsHttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function serviceErrorOf(res: SlsHttpResponse): SlsServiceError {
  const requestId = header(res, 'x-log-requestid');
  try {
    const body = JSON.parse(res.body.toString('utf8')) as { errorCode?: unknown; errorMessage?: unknown };
    if (typeof body?.errorCode === 'string') return new SlsServiceError(body.errorCode, String(body.errorMessage ?? ''), res.status, requestId);
  } catch {
    // Not JSON (a proxy page, an empty 5xx): keep the status.
  }
  return new SlsServiceError('UnexpectedResponse', `HTTP ${res.status} ${res.body.subarray(0, 200).toString('utf8')}`.trim(), res.status, requestId);
}

/** Names are signed as they are and sent percent-encoded; a name with a slash would change the path. */
function segment(name: string): string {
  if (name === '' || name.includes('/')) throw new TypeError(`"${name}" is not a Log Service resource name`);
  return name;
}

function indexPath(logstore: string): string {
  return `/logstores/${segment(logstore)}/index`;
}

/** What GetIndex adds (ttl, lastModifyTime, index_mode, storage) is not part of a CreateIndex body. */
function writableIndex(index: SlsIndex): Record<string, unknown> {
  const { ttl: _ttl, lastModifyTime: _last, ...rest } = index as SlsIndex & { index_mode?: unknown; storage?: unknown };
  const { index_mode: _mode, storage: _storage, ...body } = rest as Record<string, unknown>;
  return body;
}
