// A slice of the Function Compute 2.0 API over the local runtime, so the real FC client
// (@alicloud/fc2) can invoke the local functions the way it invokes deployed ones:
//   POST /2016-08-15/services/{service}/functions/{function}/invocations
// Requests are signed `FC <AccessKeyId>:<base64 HMAC-SHA256>` over
// "METHOD\nContent-MD5\nContent-Type\nDate\n<sorted x-fc-* headers>/2016-08-15/<path>" (fc2's helper.js).
// `x-fc-invocation-type: Async` answers 202 at once. A function that throws answers 200 with
// `x-fc-error-type: UnhandledInvocationError`, as FC does.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from '../emulators/shared/http';
import type { Logger } from '../log';
import type { LocalFunction } from './runtime';

const PREFIX = '/2016-08-15';

export interface FcApiOptions {
  readonly service: string;
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly credentials: { accessKeyId: string; accessKeySecret: string };
  readonly log: Logger;
}

export function fcApiServer(options: FcApiOptions): Server {
  return createServer((req, res) => {
    void handle(options, req, res).catch((err: unknown) => {
      options.log.error('fc api request failed', { error: err });
      if (!res.headersSent) fail(res, 500, 'InternalServerError', 'The local FC API failed; see its log.');
    });
  });
}

/** FC's synchronous invocation payload limit. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** How far a request's Date may be from our clock, as FC allows. */
const MAX_SKEW_MS = 15 * 60_000;

async function handle(options: FcApiOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, MAX_PAYLOAD_BYTES);
  } catch {
    return fail(res, 413, 'EntityTooLarge', `the payload exceeds ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const path = (req.url ?? '/').split('?')[0]!;
  const signed = verify(options.credentials, req, path);
  if (signed !== 'ok') return fail(res, 403, signed.code, signed.message);
  const date = Date.parse(String(req.headers.date ?? ''));
  if (!Number.isFinite(date) || Math.abs(Date.now() - date) > MAX_SKEW_MS) {
    return fail(res, 403, 'RequestTimeTooSkewed', 'the Date header is missing or more than 15 minutes from the server time');
  }
  // The signature covers Content-MD5, so the body must match it.
  const md5 = req.headers['content-md5'];
  if (body.length > 0 && md5 !== Buffer.from(createHash('md5').update(body).digest('hex')).toString('base64')) {
    return fail(res, 400, 'InvalidArgument', 'Content-MD5 does not match the body');
  }

  const match = /^\/2016-08-15\/services\/([^/]+)\/functions\/([^/]+)\/invocations$/.exec(path);
  if (!match || req.method !== 'POST')
    return fail(res, 404, 'PathNotSupported', `${req.method} ${path} is not served by the local FC API (only invocations are)`);
  let service: string;
  let functionName: string;
  try {
    [service, functionName] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)];
  } catch {
    return fail(res, 400, 'InvalidArgument', 'malformed percent-encoding in the path');
  }
  if (service.split('.')[0] !== options.service) return fail(res, 404, 'ServiceNotFound', `service '${service}' does not exist`);
  const fn = options.functions.get(functionName);
  if (!fn) return fail(res, 404, 'FunctionNotFound', `function '${functionName}' does not exist in service '${service}'`);

  const requestId = randomUUID();
  // FC hands the payload to the function as it came; our handlers parse JSON themselves.
  const event: unknown = body;
  if (String(req.headers['x-fc-invocation-type'] ?? '').toLowerCase() === 'async') {
    void fn.invoke(event).catch(() => undefined);
    res.writeHead(202, { 'x-fc-request-id': requestId, 'content-length': '0' });
    res.end();
    return;
  }
  try {
    const result = await fn.invoke(event);
    const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    res.writeHead(200, { 'content-type': 'application/json', 'x-fc-request-id': requestId });
    res.end(text);
  } catch (err) {
    res.writeHead(200, { 'content-type': 'application/json', 'x-fc-request-id': requestId, 'x-fc-error-type': 'UnhandledInvocationError' });
    res.end(JSON.stringify({ errorMessage: (err as Error).message, errorType: (err as Error).name }));
  }
}

function verify(credentials: FcApiOptions['credentials'], req: IncomingMessage, path: string): 'ok' | { code: string; message: string } {
  const header = String(req.headers.authorization ?? '');
  const match = /^FC ([^:]+):(.+)$/.exec(header);
  if (!match) return { code: 'MissingRequiredHeader', message: 'the Authorization header is missing or not "FC <AccessKeyId>:<signature>"' };
  if (match[1] !== credentials.accessKeyId) return { code: 'InvalidAccessKeyID', message: `the AccessKeyId '${match[1]}' does not exist` };
  const h = (name: string) => String(req.headers[name] ?? '');
  const fcHeaders = Object.keys(req.headers)
    .filter((k) => k.startsWith('x-fc-'))
    .sort()
    .map((k) => `${k}:${h(k)}\n`)
    .join('');
  const stringToSign = `${req.method}\n${h('content-md5')}\n${h('content-type')}\n${h('date')}\n${fcHeaders}${path.startsWith(PREFIX) ? path : PREFIX + path}`;
  const expected = Buffer.from(createHmac('sha256', credentials.accessKeySecret).update(stringToSign, 'utf8').digest('base64'));
  const given = Buffer.from(match[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { code: 'SignatureNotMatch', message: `the request signature does not match; the string to sign was ${JSON.stringify(stringToSign)}` };
  }
  return 'ok';
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-fc-request-id': randomUUID(), 'x-fc-error-type': 'FcCommonError' });
  res.end(JSON.stringify({ ErrorCode: code, ErrorMessage: message }));
}
