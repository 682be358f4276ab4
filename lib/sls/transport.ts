// One HTTP exchange with Log Service. We use node:http rather than fetch because fetch does not let a
// caller set the Host header, which the IP (local emulator) form of an endpoint needs, and because
// protobuf answers must be read as bytes.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { SlsNetworkError, SlsResponseTooLargeError } from './errors';

export interface SlsHttpRequest {
  protocol: 'http:' | 'https:';
  connectHost: string;
  port: number;
  method: string;
  /** Path plus percent-encoded query. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Answers with a larger body are refused (by Content-Length, or once that much has arrived). */
  maxBodyBytes?: number;
}

export interface SlsHttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type SlsTransport = (request: SlsHttpRequest) => Promise<SlsHttpResponse>;

export interface NodeTransport {
  send: SlsTransport;
  close(): void;
}

/** A keep-alive node:http(s) transport. Timeouts and aborts end the exchange; network failures become SlsNetworkError. */
export function nodeTransport(): NodeTransport {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 16 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 16 }),
  };
  const send: SlsTransport = (request) =>
    new Promise<SlsHttpResponse>((resolve, reject) => {
      const { signal } = request;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const lib = request.protocol === 'https:' ? https : http;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const req = lib.request({
        host: request.connectHost,
        port: request.port,
        method: request.method,
        path: request.path,
        headers: request.headers,
        agent: agents[request.protocol],
        // Cloud hosts are `{project}.{endpoint}`: SNI names that host (never an IP literal).
        servername: request.protocol === 'https:' && isIP(request.connectHost) === 0 ? request.connectHost : undefined,
      });
      // One deadline for the whole exchange, so a server that trickles bytes cannot hold us forever.
      const timer = setTimeout(() => {
        req.destroy(new SlsNetworkError(`no complete answer within ${request.timeoutMs} ms`));
      }, request.timeoutMs);
      const onAbort = () => {
        req.destroy();
        finish(() => reject(signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        finish(() => reject(err instanceof SlsNetworkError ? err : new SlsNetworkError(err.message, { cause: err })));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let received = 0;
        const limit = request.maxBodyBytes ?? Number.POSITIVE_INFINITY;
        const tooLarge = (size: number) => {
          finish(() => reject(new SlsResponseTooLargeError(limit, size, res.headers)));
          req.destroy();
        };
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > limit) {
          tooLarge(declared);
          return;
        }
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > limit) tooLarge(received);
          else chunks.push(chunk);
        });
        res.on('error', (err) => finish(() => reject(new SlsNetworkError(err.message, { cause: err }))));
        res.on('aborted', () => finish(() => reject(new SlsNetworkError('connection closed mid-answer'))));
        res.on('end', () => {
          if (!res.complete) {
            finish(() => reject(new SlsNetworkError('connection closed mid-answer')));
            return;
          }
          finish(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        });
      });
      req.end(request.body);
    });
  return {
    send,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
