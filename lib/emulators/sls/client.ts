// The Log Service calls the local cloud makes for itself, signed with the emulator's own signer:
// the local Log trigger's ListShards, GetCursor and GetCursorTime, the local FC's PutLogs (function
// logs, a trigger's execution log) and the local ROS's index, dashboard and alert calls. Like the
// cloud's own services, they talk to Log Service over the wire; they share no code with the
// product's reader.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { sign } from './auth';

export interface SlsClientOptions {
  endpoint: string;
  project: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** Attempts per call for network errors and 5xx answers (default 3). */
  maxAttempts?: number;
  timeoutMs?: number;
}

export class SlsCallError extends Error {
  override readonly name = 'SlsCallError';
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string | undefined,
    /** The service's own words (errorMessage), when it answered with them. */
    readonly errorMessage?: string,
  ) {
    super(message);
  }
}

/** Answers are small JSON documents; anything larger is refused rather than buffered. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export class SlsClient {
  private readonly url: URL;
  private readonly hostHeader: string;
  private readonly connectHost: string;

  constructor(private readonly options: SlsClientOptions) {
    this.url = new URL(/^[a-z]+:\/\//i.test(options.endpoint) ? options.endpoint : `http://${options.endpoint}`);
    const bare = this.url.hostname.replace(/^\[|\]$/g, '');
    // Log Service takes the project from the host name. An IP or localhost endpoint cannot carry
    // it in DNS, so the connection goes to the address and the project only into Host.
    const local = isIP(bare) !== 0 || bare === 'localhost';
    this.hostHeader = `${options.project}.${this.url.host}`;
    this.connectHost = local ? bare : `${options.project}.${bare}`;
  }

  async listShards(logstore: string): Promise<{ shardID: number }[]> {
    return (await this.get(`/logstores/${logstore}/shards`, [])) as { shardID: number }[];
  }

  async getCursor(logstore: string, shard: number, from: 'begin' | 'end'): Promise<string> {
    return (
      (await this.get(`/logstores/${logstore}/shards/${shard}`, [
        ['type', 'cursor'],
        ['from', from],
      ])) as { cursor: string }
    ).cursor;
  }

  async getCursorTime(logstore: string, shard: number, cursor: string): Promise<number> {
    return (
      (await this.get(`/logstores/${logstore}/shards/${shard}`, [
        ['type', 'cursor_time'],
        ['cursor', cursor],
      ])) as { cursor_time: number }
    ).cursor_time;
  }

  /**
   * One call with a body (PutLogs, the management API), sent once: a write is not repeated here.
   * Resolves with the answer's JSON (undefined when empty); a non-2xx answer is an SlsCallError.
   */
  send(method: string, path: string, body?: { readonly bytes: Buffer; readonly contentType: string }): Promise<unknown> {
    return this.once(method, path, [], body);
  }

  private async get(path: string, query: [string, string][]): Promise<unknown> {
    const attempts = this.options.maxAttempts ?? 3;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        return await this.once('GET', path, query);
      } catch (err) {
        last = err;
        const retriable = !(err instanceof SlsCallError) || err.status >= 500;
        if (!retriable || attempt === attempts) break;
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
    throw last;
  }

  private once(method: string, path: string, query: [string, string][], body?: { bytes: Buffer; contentType: string }): Promise<unknown> {
    const bytes = body?.bytes ?? Buffer.alloc(0);
    const headers: Record<string, string> = {
      date: new Date().toUTCString(),
      'x-log-apiversion': '0.6.0',
      'x-log-signaturemethod': 'hmac-sha1',
      'x-log-bodyrawsize': String(bytes.length),
      host: this.hostHeader,
      accept: 'application/json',
    };
    if (body) {
      // Content-MD5 is the upper-case hex MD5 of the body (Log Service "Request signatures").
      headers['content-type'] = body.contentType;
      headers['content-length'] = String(bytes.length);
      headers['content-md5'] = createHash('md5').update(bytes).digest('hex').toUpperCase();
    }
    if (this.options.securityToken) headers['x-acs-security-token'] = this.options.securityToken;
    headers.authorization = `LOG ${this.options.accessKeyId}:${sign(this.options.accessKeySecret, { method, path, query, headers })}`;
    const search = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        {
          hostname: this.connectHost,
          port: this.url.port,
          path: `${path}${search ? `?${search}` : ''}`,
          method,
          headers,
          timeout: this.options.timeoutMs ?? 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_ANSWER_BYTES) req.destroy(new Error(`Log Service answer larger than ${MAX_ANSWER_BYTES} bytes`));
            else chunks.push(c);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = text === '' ? undefined : JSON.parse(text);
            } catch {
              body = undefined;
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(body);
            const error = body as { errorCode?: string; errorMessage?: string } | undefined;
            reject(
              new SlsCallError(
                `${path}: ${status} ${error?.errorCode ?? ''} ${error?.errorMessage ?? text.slice(0, 200)}`.trim(),
                status,
                error?.errorCode,
                error?.errorMessage,
              ),
            );
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`Log Service did not answer within ${this.options.timeoutMs ?? 10_000} ms`)));
      req.on('error', reject);
      req.end(bytes);
    });
  }
}
