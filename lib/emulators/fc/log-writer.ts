// How FC writes to Log Service (a function's log lines, a Log trigger's execution log): PutLogs over
// Log Service's wire with a role's STS credentials, so Log Service decides (log:PostLogStoreLogs)
// exactly as it would for anyone else. POST /logstores/{logstore}/shards/lb with a LogGroup
// protobuf body, signed "LOG <AccessKeyId>:<signature>" (Log Service "PutLogs" and "Request
// signatures"; Content-MD5 is the upper-case hex MD5 of the body).
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { TemporaryCredentials } from '../shared/credentials';
import { sign } from '../sls/auth';
import { encodeLogGroup } from '../sls/protocol';

export interface LogEntry {
  /** Unix seconds. */
  readonly time: number;
  readonly contents: Record<string, string>;
}

export interface PutLogsRequest {
  readonly endpoint: string;
  readonly project: string;
  readonly logstore: string;
  readonly credentials: TemporaryCredentials;
  readonly logs: readonly LogEntry[];
  readonly topic?: string;
  readonly source?: string;
}

export class PutLogsError extends Error {
  override readonly name = 'PutLogsError';
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string | undefined,
  ) {
    super(message);
  }
}

const MAX_ANSWER_BYTES = 64 * 1024;
const TIMEOUT_MS = 10_000;

export function putLogs(req: PutLogsRequest): Promise<void> {
  const url = new URL(/^[a-z]+:\/\//i.test(req.endpoint) ? req.endpoint : `http://${req.endpoint}`);
  const bare = url.hostname.replace(/^\[|\]$/g, '');
  // Log Service takes the project from the host; an IP or localhost endpoint carries it in Host only.
  const local = isIP(bare) !== 0 || bare === 'localhost';
  const body = encodeLogGroup({ logs: req.logs.map((l) => ({ time: l.time, contents: l.contents })), topic: req.topic, source: req.source });
  const path = `/logstores/${req.logstore}/shards/lb`;
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    host: `${req.project}.${url.host}`,
    'content-type': 'application/x-protobuf',
    'content-md5': createHash('md5').update(body).digest('hex').toUpperCase(),
    'content-length': String(body.length),
    'x-log-apiversion': '0.6.0',
    'x-log-signaturemethod': 'hmac-sha1',
    'x-log-bodyrawsize': String(body.length),
  };
  if (req.credentials.securityToken) headers['x-acs-security-token'] = req.credentials.securityToken;
  headers.authorization = `LOG ${req.credentials.accessKeyId}:${sign(req.credentials.accessKeySecret, { method: 'POST', path, query: [], headers })}`;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const call = send({ hostname: local ? bare : `${req.project}.${bare}`, port: url.port, path, method: 'POST', headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_ANSWER_BYTES) chunks.push(c);
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve();
        let answer: { errorCode?: string; errorMessage?: string } | undefined;
        try {
          answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          answer = undefined;
        }
        reject(
          new PutLogsError(
            `PutLogs ${req.project}/${req.logstore}: ${status} ${answer?.errorCode ?? ''} ${answer?.errorMessage ?? ''}`.trim(),
            status,
            answer?.errorCode,
          ),
        );
      });
    });
    call.on('timeout', () => call.destroy(new Error(`Log Service did not answer PutLogs within ${TIMEOUT_MS} ms`)));
    call.on('error', reject);
    call.end(body);
  });
}
