// The caller's side: read an object, and if OSS says it is archived, ask oss-thaw to restore it
// and wait as told — never hammering, never past the caller's deadline or abort signal.
//
//   const thaw = new ThawClient({ oss, apiUrl: 'https://…/v1', token });
//   const { content } = await thaw.getWithRestore('reports/2024.csv', { signal: AbortSignal.timeout(10 * 60_000) });
import type OSS from 'ali-oss';
import { sleep } from '../clock';
import { insecureReason } from '../endpoint-scheme';

export interface RestoreStatus {
  readonly state: string;
  readonly etaAt: string | null;
  readonly expiresAt: string | null;
  readonly retryAfterSeconds: number | null;
  readonly reason: string | null;
}

export interface WaitInfo {
  readonly attempt: number;
  readonly waitMs: number;
  readonly status: RestoreStatus;
}

export interface GetWithRestoreOptions {
  readonly signal?: AbortSignal;
  /** Called before each wait, e.g. to log "restoring, ETA 12:05". */
  readonly onWait?: (info: WaitInfo) => void;
  readonly versionId?: string;
  /** Days/tier to ask for; the service's policy may lower the tier. */
  readonly days?: number;
  readonly tier?: 'Expedited' | 'Standard' | 'Bulk';
  /** Epoch ms; a wait that would end after it fails at once with RestoreTimeoutError instead. */
  readonly deadlineAtMs?: number;
}

export interface ThawClientOptions {
  /** An ali-oss client bound to the bucket to read. */
  readonly oss: OSS;
  /** Base URL of the oss-thaw HTTP function (any path prefix kept), e.g. https://thaw-xxx.cn-hangzhou.fcapp.run */
  readonly apiUrl: string;
  readonly token?: string;
  /** Waits are at least this long (default 1 s) and at most this long (default 15 min). */
  readonly minWaitMs?: number;
  readonly maxWaitMs?: number;
  readonly fetch?: typeof fetch;
  /** Replaces the real wait (tests). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Epoch ms now, for `deadlineAtMs`; default Date.now (tests inject a fixed clock). */
  readonly now?: () => number;
}

/** The restore cannot lead to a readable object (not archived yet unreadable, budget refused, …). */
export class RestoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'RestoreUnavailableError';
  }
}

/** The object will not be readable before the caller's deadline. */
export class RestoreTimeoutError extends Error {
  constructor(readonly status: RestoreStatus) {
    super(`the object is ${status.state}${status.etaAt ? ` (ETA ${status.etaAt})` : ''}; not readable before the deadline`);
    this.name = 'RestoreTimeoutError';
  }
}

export class ThawClient {
  private readonly fetch: typeof fetch;
  private readonly minWaitMs: number;
  private readonly maxWaitMs: number;
  private readonly bucket: string;

  constructor(private readonly options: ThawClientOptions) {
    this.fetch = options.fetch ?? fetch;
    this.minWaitMs = options.minWaitMs ?? 1000;
    this.maxWaitMs = options.maxWaitMs ?? 15 * 60_000;
    // The token goes only over https, or plain http to this machine.
    if (options.token) {
      let url: URL;
      try {
        url = new URL(options.apiUrl);
      } catch {
        throw new TypeError(`ThawClient: apiUrl "${options.apiUrl.slice(0, 200)}" is not a URL`);
      }
      const insecure = insecureReason(url);
      if (insecure) throw new TypeError(`ThawClient: the token is not sent over ${insecure}`);
    }
    const bucket = (options.oss as unknown as { options: { bucket?: string } }).options.bucket;
    if (!bucket) throw new TypeError('ThawClient needs an ali-oss client with a bucket (new OSS({ …, bucket }))');
    this.bucket = bucket;
  }

  /** GET the object; on InvalidObjectState, request a restore and retry when told. */
  async getWithRestore(key: string, options: GetWithRestoreOptions = {}): Promise<OSS.GetObjectResult> {
    const { signal } = options;
    let stillRefused = 0;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return await this.options.oss.get(key, undefined, options.versionId ? ({ versionId: options.versionId } as OSS.GetObjectOptions) : undefined);
      } catch (err) {
        if ((err as { code?: string }).code !== 'InvalidObjectState') throw err;
      }
      // Each POST is idempotent on the service side: it reports the miss and returns the record.
      const status = await this.requestRestore(key, options);
      // Told RESTORED yet refused: OSS may lag a moment behind, or the record is stale (the
      // service re-checks it). Back off, doubling, instead of asking every second.
      stillRefused = status.state === 'RESTORED' ? stillRefused + 1 : 0;
      const waitMs = this.waitFor(status, stillRefused);
      if (options.deadlineAtMs !== undefined && (this.options.now ?? Date.now)() + waitMs > options.deadlineAtMs) throw new RestoreTimeoutError(status);
      options.onWait?.({ attempt, waitMs, status });
      await (this.options.sleep ?? sleep)(waitMs, signal);
    }
  }

  private async requestRestore(key: string, options: GetWithRestoreOptions): Promise<RestoreStatus> {
    const url = new URL(`${this.options.apiUrl.replace(/\/+$/, '')}/v1/restores/${encodeURIComponent(this.bucket)}/${encodeURIComponent(key)}`);
    if (options.versionId) url.searchParams.set('versionId', options.versionId);
    const body: Record<string, unknown> = {};
    if (options.days) body.days = options.days;
    if (options.tier) body.tier = options.tier;
    const res = await this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}) },
      body: JSON.stringify(body),
      signal: options.signal,
    });
    const payload = (await res.json().catch(() => ({}))) as RestoreStatus & { error?: { code: string; message: string } };
    // 200 restored (read again now), 202 restoring, 429 deferred, 503 failed: all say when to retry.
    if (res.status === 200 || res.status === 202 || res.status === 429 || res.status === 503) {
      const header = Number(res.headers.get('retry-after'));
      return { ...payload, retryAfterSeconds: Number.isFinite(header) && header > 0 ? header : (payload.retryAfterSeconds ?? null) };
    }
    throw new RestoreUnavailableError(payload.error?.message ?? `oss-thaw answered ${res.status}`, res.status, payload.error?.code ?? 'Unknown');
  }

  private waitFor(status: RestoreStatus, stillRefused: number): number {
    const ms = status.state === 'RESTORED' ? this.minWaitMs * 2 ** Math.max(0, stillRefused - 1) : (status.retryAfterSeconds ?? 0) * 1000;
    return Math.min(this.maxWaitMs, Math.max(this.minWaitMs, ms));
  }
}
