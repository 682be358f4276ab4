// The deployment's HTTP API as `thaw status` and `thaw restore` use it: bearer token, JSON, a
// bounded retry (through the one retry helper) for answers that say "come back" (503, 5xx,
// network), and errors that name the call. The token goes only over https, or plain http to this
// machine; what the server says is made printable before it can reach a terminal.
import { printable } from '../api/printable';
import { systemClock } from '../clock';
import { insecureReason } from '../endpoint-scheme';
import { sleep } from '../clock';
import { retry } from '../retry';

export class ApiCallError extends Error {
  readonly code = 'ApiCallFailed';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  readonly apiUrl: string;
  readonly token: string;
  /**
   * Stopping (Ctrl-C): no new attempt starts once it is aborted, but an attempt under way is never
   * cut off: the deployment may already have acted on it, and only its answer says how.
   */
  readonly stop?: AbortSignal;
  /** Attempts per call for transient answers, the first included. */
  readonly attempts?: number;
  readonly fetch?: typeof fetch;
}

// Answers are JSON we read field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export class ThawApi {
  private readonly base: URL;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    const url = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
    try {
      this.base = new URL(url);
    } catch {
      throw new ApiCallError(`--api: "${printable(options.apiUrl)}" is not a URL`);
    }
    const insecure = insecureReason(this.base);
    if (insecure) throw new ApiCallError(`--api / THAW_API_URL ${printable(this.base.origin)}: the token is not sent over ${insecure}`);
    this.doFetch = options.fetch ?? fetch;
  }

  usage(): Promise<Json> {
    return this.call('GET', 'v1/usage');
  }

  list(params: Record<string, string>): Promise<Json> {
    return this.call('GET', `v1/restores?${new URLSearchParams(params)}`);
  }

  batch(action: 'restore' | 'status', body: object): Promise<Json> {
    return this.call('POST', `v1/batch/${action}`, body);
  }

  private async call(method: string, path: string, body?: object): Promise<Json> {
    const url = new URL(path, this.base).toString();
    return retry(
      async () => {
        let res: Response;
        try {
          res = await this.doFetch(url, {
            method,
            headers: { authorization: `Bearer ${this.options.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : undefined,
          });
        } catch (err) {
          throw Object.assign(new ApiCallError(`${method} ${url}: ${printable((err as Error).message)}`), { transient: true });
        }
        const text = await res.text();
        if (res.ok) return text ? JSON.parse(text) : {};
        let problem: { code?: string; message?: string } = {};
        try {
          problem = JSON.parse(text).error ?? {};
        } catch {
          // not our JSON: a proxy's page
        }
        const said = (v: unknown) => printable(String(v).slice(0, 500));
        const message = `${method} ${new URL(path, this.base).pathname}: ${res.status}${problem.code ? ` ${said(problem.code)}` : ''}${problem.message ? `: ${said(problem.message)}` : ''}`;
        const hint = res.status === 401 ? ' (set THAW_API_TOKEN to a token of this deployment)' : '';
        throw Object.assign(new ApiCallError(message + hint, res.status), { transient: res.status >= 500 || res.status === 429 });
      },
      {
        clock: systemClock,
        sleep,
        random: Math.random,
        signal: this.options.stop,
        policy: { baseMs: 500, maxMs: 5_000, maxAttempts: this.options.attempts ?? 4 },
        retryable: (err) => (err as { transient?: boolean }).transient === true,
      },
    );
  }
}
