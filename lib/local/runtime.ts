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
  /** Invokes an event handler `(event, context)` with `event` as a Buffer (JSON-serialised unless it is one), as FC delivers it. */
  invoke(event: unknown): Promise<unknown>;
  /** Invokes an HTTP handler `(req, resp, context)` (FC 2.0). */
  invokeHttp(req: unknown, resp: unknown): Promise<void>;
}

export async function loadFunction(root: string, spec: FunctionSpec, credentials: Credentials, log: Logger): Promise<LocalFunction> {
  const module = (await import(pathToFileURL(join(root, 'functions', spec.name, 'index.ts')).href)) as Record<string, unknown>;
  const handler = module[spec.exportName];
  if (typeof handler !== 'function') throw new Error(`functions/${spec.name}/index.ts has no export "${spec.exportName}" (template.yml Handler)`);
  const context = (): FcContext & Record<string, unknown> => ({
    requestId: randomUUID(),
    credentials: { ...credentials },
    function: { name: spec.name, timeout: spec.timeoutSeconds },
    service: { name: spec.service },
    region: 'cn-hangzhou',
  });
  const timed = async <T>(call: (ctx: FcContext) => Promise<T>): Promise<T> => {
    const ctx = context();
    const started = Date.now();
    try {
      return await call(ctx);
    } catch (err) {
      log.warn('invocation failed', { function: spec.name, requestId: ctx.requestId, error: err });
      throw err;
    } finally {
      log.debug('invoked', { function: spec.name, requestId: ctx.requestId, durationMs: Date.now() - started });
    }
  };
  return {
    spec,
    invoke: (event) => timed((ctx) => (handler as Handler)(Buffer.isBuffer(event) ? event : Buffer.from(JSON.stringify(event)), ctx)),
    invokeHttp: (req, resp) => timed(async (ctx) => void (await (handler as (...a: unknown[]) => Promise<unknown>)(req, resp, ctx))),
  };
}

/**
 * Serves a function with an HTTP trigger the way FC 2.0 (what template.yml deploys) calls it:
 * `handler(req, resp, context)`, req a readable stream with method, path (as sent), headers,
 * queries and clientIP; resp with setStatusCode / setHeader / send.
 */
export function httpTriggerServer(fn: LocalFunction): Server {
  return createServer((req, res) => {
    void serve(fn, req, res);
  });
}

async function serve(fn: LocalFunction, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const queries: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1))) {
    const seen = queries[name];
    queries[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  const fcReq = Object.assign(req, { path: q === -1 ? rawUrl : rawUrl.slice(0, q), queries, clientIP: req.socket.remoteAddress ?? '' });
  let sent = false;
  const resp = {
    setStatusCode: (code: number) => {
      res.statusCode = code;
    },
    setHeader: (name: string, value: string) => res.setHeader(name, value),
    send: (body: string | Buffer) => {
      sent = true;
      res.end(body);
    },
  };
  try {
    await fn.invokeHttp(fcReq, resp);
    if (!sent) res.end();
  } catch {
    if (res.headersSent) return void res.destroy();
    // What FC answers when the function itself throws.
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'FunctionFailed', message: 'The function raised an error; see its logs.' } }));
  }
}
