// Function Compute HTTP adapters. They only convert: platform event → Web Request → app →
// Response → platform result. We declare the few fields we read rather than import a types package.
//
// The edge parses only what the edge saw: the URL is built on a fixed origin from the raw path and
// the query parameters FC parsed — never from the Host header, which a caller writes — and the
// body is handed over as a stream the app reads only after it has authenticated the caller, bounded
// while it streams (body.ts).
import { type ApiHandler, bodyLimitOf } from './app';
import { BodyOverLimit } from './body';
import { ApiProblem, problemResponse } from './problem';

/** The origin of every Request the adapters build: the API never reads its own host name. */
export const API_ORIGIN = 'http://oss-thaw.invalid';

/** A Request URL on the fixed origin: the path as a path (a "?" or "#" in it stays in the path), then the query. */
export function requestUrl(rawPath: string, query: string): string {
  const url = new URL(API_ORIGIN);
  url.pathname = rawPath;
  url.search = query;
  return url.toString();
}

/** FC 3.0 HTTP trigger event (the `event` Buffer, parsed). */
export interface Fc3HttpEvent {
  readonly version?: string;
  readonly rawPath: string;
  readonly headers?: Record<string, string>;
  readonly queryParameters?: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly requestId?: string; readonly http?: { readonly method?: string; readonly sourceIp?: string } };
}

export interface Fc3HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

export async function handleFc3Event(app: ApiHandler, rawEvent: unknown, requestId?: string, deadlineAtMs?: number): Promise<Fc3HttpResult> {
  let event: Fc3HttpEvent;
  try {
    event = parseFc3Event(rawEvent);
  } catch (err) {
    return toFc3Result(problemResponse(new ApiProblem(400, 'InvalidInput', (err as Error).message), requestId ?? 'unknown'));
  }
  const method = String(event.requestContext?.http?.method ?? 'GET').toUpperCase();
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    try {
      headers.set(name, String(value));
    } catch {
      // A header Headers refuses (invalid characters) is dropped, as a proxy would.
    }
  }
  let request: Request;
  try {
    const query = new URLSearchParams(typeof event.queryParameters === 'object' && event.queryParameters !== null ? event.queryParameters : {}).toString();
    const hasBody = method !== 'GET' && method !== 'HEAD' && event.body !== undefined && event.body !== '';
    // FC has bounded the event already; still, nothing larger than the API reads is decoded, and
    // nothing is decoded before the app asks for the body (after authenticating the caller).
    const limit = bodyLimitOf(event.rawPath);
    const text = String(event.body ?? '');
    const base64 = event.isBase64Encoded === true;
    const body = hasBody
      ? new ReadableStream<Uint8Array>({
          pull(controller) {
            if (encodedSize(text, base64) > limit) return controller.error(new BodyOverLimit());
            controller.enqueue(Buffer.from(text, base64 ? 'base64' : 'utf8'));
            controller.close();
          },
        })
      : undefined;
    request = new Request(requestUrl(event.rawPath, query), { method, headers, body, duplex: 'half' } as RequestInit);
  } catch {
    return toFc3Result(problemResponse(new ApiProblem(400, 'InvalidInput', 'The request URL or method is malformed.'), requestId ?? 'unknown'));
  }
  const response = await app(request, { rawPath: event.rawPath, requestId: requestId ?? event.requestContext?.requestId, deadlineAtMs });
  return toFc3Result(response);
}

/** Bytes a body string decodes to, without decoding it (base64: at most 3 per 4 characters). */
function encodedSize(body: string, base64: boolean): number {
  return base64 ? Math.floor((body.length * 3) / 4) - (body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0) : Buffer.byteLength(body, 'utf8');
}

function parseFc3Event(raw: unknown): Fc3HttpEvent {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : undefined;
  const event = text === undefined ? raw : JSON.parse(text);
  if (!event || typeof event !== 'object') throw new Error('The HTTP trigger event must be a JSON object.');
  const e = event as Fc3HttpEvent;
  if (typeof e.rawPath !== 'string' || !e.rawPath.startsWith('/')) throw new Error('The HTTP trigger event has no rawPath.');
  return e;
}

async function toFc3Result(response: Response): Promise<Fc3HttpResult> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { statusCode: response.status, headers, body: await response.text(), isBase64Encoded: false };
}

/** FC 2.0 HTTP function: `handler(req, resp, context)`; req is a readable stream with these fields. */
export interface Fc2Request extends AsyncIterable<Buffer | string> {
  readonly method: string;
  readonly path: string;
  readonly url?: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly queries?: Record<string, string | string[]>;
}

export interface Fc2Response {
  setStatusCode(code: number): void;
  setHeader(name: string, value: string): void;
  send(body: string | Buffer): void;
}

export async function handleFc2Request(app: ApiHandler, req: Fc2Request, resp: Fc2Response, requestId?: string, deadlineAtMs?: number): Promise<void> {
  const method = req.method.toUpperCase();
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    try {
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    } catch {
      // dropped, as above
    }
  }
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(req.queries ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) query.append(name, v);
  }
  let response: Response;
  try {
    // GET and HEAD bodies are never read; others are streamed to the app, which reads them (bounded)
    // only once it has authenticated the caller.
    const body = method === 'GET' || method === 'HEAD' ? undefined : streamOf(req);
    const request = new Request(requestUrl(req.path, query.toString()), { method, headers, body, duplex: 'half' } as RequestInit);
    response = await app(request, { rawPath: req.path, requestId, deadlineAtMs });
  } catch {
    response = problemResponse(new ApiProblem(400, 'InvalidInput', 'The request URL or method is malformed.'), requestId ?? 'unknown');
  }
  await send(resp, response);
}

async function send(resp: Fc2Response, response: Response): Promise<void> {
  resp.setStatusCode(response.status);
  for (const [name, value] of response.headers) resp.setHeader(name, value);
  resp.send(Buffer.from(await response.arrayBuffer()));
}

/** The request's body as a Web stream, pulled only as the reader asks; cancelling stops reading it. */
function streamOf(req: AsyncIterable<Buffer | string>): ReadableStream<Uint8Array> {
  const chunks = req[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(Buffer.isBuffer(value) ? value : Buffer.from(value));
      },
      async cancel() {
        await chunks.return?.();
      },
      // Nothing is pulled before the app reads: a refused caller's body is never touched.
    },
    { highWaterMark: 0 },
  );
}
