// Function Compute HTTP adapters. They only convert: platform event → Web Request → app →
// Response → platform result. We declare the few fields we read rather than import a types package.
import { type ApiHandler, bodyLimitOf } from './app';
import { ApiProblem, problemResponse } from './problem';

/** Refused at the edge, before anything is buffered or anyone is authenticated. */
function bodyTooLarge(limit: number, requestId: string | undefined): Response {
  return problemResponse(new ApiProblem(413, 'BodyTooLarge', `The body may be at most ${limit} bytes.`, { connection: 'close' }), requestId ?? 'unknown');
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
  const query = new URLSearchParams(event.queryParameters ?? {}).toString();
  const url = `http://${headers.get('host') ?? 'localhost'}${event.rawPath}${query ? `?${query}` : ''}`;
  let request: Request;
  try {
    const hasBody = method !== 'GET' && method !== 'HEAD' && event.body !== undefined && event.body !== '';
    // FC has bounded the event already; still, nothing larger than the API reads is decoded.
    const limit = bodyLimitOf(event.rawPath);
    if (hasBody && encodedSize(String(event.body), event.isBase64Encoded === true) > limit) return toFc3Result(bodyTooLarge(limit, requestId));
    const body = hasBody ? Buffer.from(String(event.body), event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
    request = new Request(url, { method, headers, body });
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
  // GET and HEAD bodies are never read; others up to the API's limit, refused by their declared
  // length before reading and cut off while streaming, so no body is held past the limit.
  const limit = bodyLimitOf(req.path);
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBounded(req, limit);
  if (body === 'too-large') {
    await send(resp, bodyTooLarge(limit, requestId));
    return;
  }
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
  const qs = query.toString();
  let response: Response;
  try {
    const request = new Request(`http://${headers.get('host') ?? 'localhost'}${req.path}${qs ? `?${qs}` : ''}`, {
      method,
      headers,
      body: body && body.length > 0 ? body : undefined,
    });
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

/** The body, or 'too-large' as soon as its declared length or what has arrived passes `limit`. */
async function readBounded(req: Fc2Request, limit: number): Promise<Buffer | 'too-large'> {
  const declared = headerOf(req.headers, 'content-length');
  if (declared !== undefined && Number(declared) > limit) return 'too-large';
  const chunks: Buffer[] = [];
  let total = 0;
  // Leaving the loop early ends the stream: the rest of a large body is never read.
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    total += buf.length;
    if (total > limit) return 'too-large';
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function headerOf(headers: Fc2Request['headers'], name: string): string | undefined {
  const value = headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}
