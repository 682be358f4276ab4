// Function Compute HTTP adapters. They only convert: platform event → Web Request → app →
// Response → platform result. We declare the few fields we read rather than import a types package.
import type { ApiHandler } from './app';
import { ApiProblem, problemResponse } from './problem';

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
    const body = hasBody ? Buffer.from(String(event.body), event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
    request = new Request(url, { method, headers, body });
  } catch {
    return toFc3Result(problemResponse(new ApiProblem(400, 'InvalidInput', 'The request URL or method is malformed.'), requestId ?? 'unknown'));
  }
  const response = await app(request, { rawPath: event.rawPath, requestId: requestId ?? event.requestContext?.requestId, deadlineAtMs });
  return toFc3Result(response);
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
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
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
  const method = req.method.toUpperCase();
  const qs = query.toString();
  const body = method !== 'GET' && method !== 'HEAD' && chunks.length ? Buffer.concat(chunks) : undefined;
  let response: Response;
  try {
    const request = new Request(`http://${headers.get('host') ?? 'localhost'}${req.path}${qs ? `?${qs}` : ''}`, { method, headers, body });
    response = await app(request, { rawPath: req.path, requestId, deadlineAtMs });
  } catch {
    response = problemResponse(new ApiProblem(400, 'InvalidInput', 'The request URL or method is malformed.'), requestId ?? 'unknown');
  }
  resp.setStatusCode(response.status);
  for (const [name, value] of response.headers) resp.setHeader(name, value);
  resp.send(Buffer.from(await response.arrayBuffer()));
}
