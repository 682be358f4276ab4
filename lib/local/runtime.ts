// A local Function Compute runtime: loads each function of template.yml from functions/<name>,
// and invokes it the way FC does — an FC 3.0 `(event: Buffer, context)` call with temporary
// credentials, a request id and the function's timeout in the context.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { Credentials, FcContext } from '../wiring';
import type { FunctionSpec } from './template';

export type Handler = (event: Buffer, context: FcContext) => Promise<unknown>;

export interface LocalFunction {
  readonly spec: FunctionSpec;
  /** Invokes the handler with `event` serialised to a Buffer, as FC 3.0 delivers it. */
  invoke(event: unknown): Promise<unknown>;
}

export async function loadFunction(root: string, spec: FunctionSpec, credentials: Credentials, log: Logger): Promise<LocalFunction> {
  const module = (await import(pathToFileURL(join(root, 'functions', spec.name, 'index.ts')).href)) as Record<string, unknown>;
  const handler = module[spec.exportName];
  if (typeof handler !== 'function') throw new Error(`functions/${spec.name}/index.ts has no export "${spec.exportName}" (template.yml Handler)`);
  return {
    spec,
    async invoke(event) {
      const requestId = randomUUID();
      const context: FcContext & Record<string, unknown> = {
        requestId,
        credentials: { ...credentials },
        function: { name: spec.name, timeout: spec.timeoutSeconds },
        service: { name: spec.service },
        region: 'cn-hangzhou',
      };
      const started = Date.now();
      try {
        return await (handler as Handler)(Buffer.from(JSON.stringify(event)), context);
      } catch (err) {
        log.warn('invocation failed', { function: spec.name, requestId, error: err });
        throw err;
      } finally {
        log.debug('invoked', { function: spec.name, requestId, durationMs: Date.now() - started });
      }
    },
  };
}

/** Serves a function with an HTTP trigger: node:http request → FC 3.0 HTTP event → result. */
export function httpTriggerServer(fn: LocalFunction): Server {
  return createServer((req, res) => {
    void serve(fn, req, res);
  });
}

async function serve(fn: LocalFunction, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const queryParameters = Object.fromEntries(new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1)));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const body = Buffer.concat(chunks);
    const event = {
      version: 'v1',
      rawPath,
      headers,
      queryParameters,
      body: body.toString('base64'),
      isBase64Encoded: true,
      requestContext: { requestId: randomUUID(), http: { method: req.method ?? 'GET', path: rawPath, sourceIp: req.socket.remoteAddress ?? '' } },
    };
    const result = (await fn.invoke(event)) as { statusCode?: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean };
    res.writeHead(result.statusCode ?? 200, result.headers ?? {});
    res.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
  } catch {
    // What FC answers when the function itself throws.
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'FunctionFailed', message: 'The function raised an error; see its logs.' } }));
  }
}
