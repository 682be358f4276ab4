// The local stack's Function Compute 2.0 API (version 2016-08-15, what @alicloud/fc2 speaks), so
// `thaw deploy`, `thaw destroy` and `thaw invoke` talk to it exactly as to FC:
//   /services[/{s}]                                  ListServices, CreateService, GetService, UpdateService, DeleteService
//   /services/{s}/functions[/{f}]                    ListFunctions, CreateFunction, GetFunction, UpdateFunction, DeleteFunction
//   /services/{s}/functions/{f}/code                 GetFunctionCode
//   /services/{s}/functions/{f}/triggers[/{t}]       ListTriggers, CreateTrigger, GetTrigger, UpdateTrigger, DeleteTrigger
//   /services/{s}/functions/{f}/invocations          InvokeFunction (x-fc-invocation-type: Async answers 202)
// Requests are signed `FC <AccessKeyId>:<base64 HMAC-SHA256>` over
// "METHOD\nContent-MD5\nContent-Type\nDate\n<sorted x-fc-* headers>/2016-08-15/<path>" (fc2's helper.js);
// bodies must match Content-MD5 and Date must be within 15 minutes. Outside the API, unsigned:
// GET /-/stack (what the local stack offers a deploy as parameter defaults) and GET /-/code/{s}/{f}.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody } from '../shared/http';
import type { EmulatorLog as Logger } from '../shared/log';
import { FcApiError, fcErrors } from './errors';
import { type FunctionComputeModel, MAX_CODE_BYTES } from './model';

const PREFIX = '/2016-08-15';
/** FC's synchronous invocation payload limit. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** A base64 zip of MAX_CODE_BYTES plus the JSON around it. */
const MAX_MANAGEMENT_BYTES = Math.ceil((MAX_CODE_BYTES * 4) / 3) + 64 * 1024;
/** How far a request's Date may be from our clock, as FC allows. */
const MAX_SKEW_MS = 15 * 60_000;

export type InvocationOutcome = { ok: true; result: unknown } | { ok: false; errorMessage: string; errorType: string };

export interface FunctionInvoker {
  /** Runs a deployed function with `event` (the payload bytes, as FC hands them over). */
  invoke(service: string, fn: string, event: Buffer): Promise<InvocationOutcome>;
}

export interface FcApiOptions {
  readonly model: FunctionComputeModel;
  readonly invoker: FunctionInvoker;
  readonly credentials: { accessKeyId: string; accessKeySecret: string };
  readonly log: Logger;
  /** What GET /-/stack answers. */
  readonly stackInfo?: () => unknown;
  /**
   * Fault injection for tests: asked once per signed request, before (`when: 'before'`) and after
   * (`'after'`: the change landed, the answer is lost) it is handled; an error returned is answered instead.
   */
  readonly fault?: (request: { method: string; path: string; when: 'before' | 'after' }) => FcApiError | undefined;
}

export function fcApiServer(options: FcApiOptions): Server {
  return createServer((req, res) => {
    void handle(options, req, res).catch((err: unknown) => {
      if (err instanceof FcApiError) return fail(res, err);
      options.log.error('fc api request failed', { error: err });
      if (!res.headersSent) fail(res, fcErrors.internal());
    });
  });
}

async function handle(options: FcApiOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const path = url.split('?')[0]!;
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  const method = req.method ?? 'GET';

  if (method === 'GET' && path === '/-/stack' && options.stackInfo) return writeJson(res, 200, options.stackInfo());
  const code = /^\/-\/code\/([^/]+)\/([^/]+)$/.exec(path);
  if (method === 'GET' && code) {
    const { code: zip } = options.model.getFunctionCode(decode(code[1]!), decode(code[2]!));
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(zip.length) });
    res.end(Buffer.from(zip));
    return;
  }

  const invocation = /\/invocations$/.test(path);
  let body: Buffer;
  try {
    body = await readBody(req, invocation ? MAX_PAYLOAD_BYTES : MAX_MANAGEMENT_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw fcErrors.entityTooLarge(err.limitBytes);
    throw err;
  }
  verify(options.credentials, req, path);
  const date = Date.parse(String(req.headers.date ?? ''));
  if (!Number.isFinite(date) || Math.abs(Date.now() - date) > MAX_SKEW_MS) throw fcErrors.requestTimeTooSkewed();
  // The signature covers Content-MD5, so the body must match it.
  const md5 = req.headers['content-md5'];
  if (body.length > 0 && md5 !== Buffer.from(createHash('md5').update(body).digest('hex')).toString('base64')) {
    throw fcErrors.invalidArgument('Content-MD5 does not match the body');
  }
  if (!path.startsWith(`${PREFIX}/services`)) throw fcErrors.pathNotSupported(method, path);
  const before = options.fault?.({ method, path, when: 'before' });
  if (before) throw before;
  if (options.fault) {
    // Handle the request, then ask whether its answer gets lost.
    const answer = await route(options, req, res, method, path, query, body);
    const after = options.fault({ method, path, when: 'after' });
    if (after) throw after;
    return answer();
  }
  return (await route(options, req, res, method, path, query, body))();
}

type Reply = () => void;

async function route(
  options: FcApiOptions,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Buffer,
): Promise<Reply> {
  // Management calls answer synchronously from the model; invocations write their own answer.
  const json =
    (_res: ServerResponse, status: number, value: unknown): Reply =>
    () =>
      writeJson(res, status, value);
  const noContent = (_res: ServerResponse, action: () => void): Reply => {
    action();
    return () => writeNoContent(res);
  };
  const segments = path
    .slice(PREFIX.length + 1)
    .split('/')
    .map(decode);
  const [, service, functions, fn, sub, trigger, ...rest] = segments;
  if (rest.length > 0 || (functions !== undefined && functions !== 'functions')) throw fcErrors.pathNotSupported(method, path);
  const m = options.model;

  if (service === undefined) {
    if (method === 'GET') return json(res, 200, { services: m.listServices(query.get('prefix') ?? '') });
    if (method === 'POST') return json(res, 200, m.createService(parseJson(body)));
  } else if (functions === undefined) {
    if (method === 'GET') return json(res, 200, m.getService(service));
    if (method === 'PUT') return json(res, 200, m.updateService(service, parseJson(body)));
    if (method === 'DELETE') return noContent(res, () => m.deleteService(service));
  } else if (fn === undefined) {
    if (method === 'GET') return json(res, 200, { functions: m.listFunctions(service) });
    if (method === 'POST') return json(res, 200, m.createFunction(service, parseJson(body)));
  } else if (sub === undefined) {
    if (method === 'GET') return json(res, 200, m.getFunction(service, fn));
    if (method === 'PUT') return json(res, 200, m.updateFunction(service, fn, parseJson(body)));
    if (method === 'DELETE') return noContent(res, () => m.deleteFunction(service, fn));
  } else if (sub === 'code' && trigger === undefined) {
    if (method === 'GET') {
      const { checksum } = m.getFunctionCode(service, fn);
      const host = `http://${req.headers.host ?? '127.0.0.1'}`;
      return json(res, 200, { url: `${host}/-/code/${encodeURIComponent(service)}/${encodeURIComponent(fn)}`, checksum });
    }
  } else if (sub === 'triggers') {
    if (trigger === undefined) {
      if (method === 'GET') return json(res, 200, { triggers: m.listTriggers(service, fn) });
      if (method === 'POST') return json(res, 200, m.createTrigger(service, fn, parseJson(body)));
    } else {
      if (method === 'GET') return json(res, 200, m.getTrigger(service, fn, trigger));
      if (method === 'PUT') return json(res, 200, m.updateTrigger(service, fn, trigger, parseJson(body)));
      if (method === 'DELETE') return noContent(res, () => m.deleteTrigger(service, fn, trigger));
    }
  } else if (sub === 'invocations' && trigger === undefined && method === 'POST') {
    await invoke(options, req, res, service, fn, body);
    return () => undefined;
  }
  throw fcErrors.pathNotSupported(method, path);
}

async function invoke(options: FcApiOptions, req: IncomingMessage, res: ServerResponse, service: string, fn: string, body: Buffer): Promise<void> {
  // Both exist, or FC answers 404 before running anything.
  options.model.getFunction(service, fn);
  const requestId = randomUUID();
  if (String(req.headers['x-fc-invocation-type'] ?? '').toLowerCase() === 'async') {
    void options.invoker.invoke(service.split('.')[0]!, fn, body).catch(() => undefined);
    res.writeHead(202, { 'x-fc-request-id': requestId, 'content-length': '0' });
    res.end();
    return;
  }
  const outcome = await options.invoker.invoke(service.split('.')[0]!, fn, body);
  if (outcome.ok) {
    const text = typeof outcome.result === 'string' ? outcome.result : JSON.stringify(outcome.result ?? null);
    res.writeHead(200, { 'content-type': 'application/json', 'x-fc-request-id': requestId });
    res.end(text);
    return;
  }
  // A function that throws answers 200 with x-fc-error-type, as FC does.
  res.writeHead(200, { 'content-type': 'application/json', 'x-fc-request-id': requestId, 'x-fc-error-type': 'UnhandledInvocationError' });
  res.end(JSON.stringify({ errorMessage: outcome.errorMessage, errorType: outcome.errorType }));
}

function verify(credentials: FcApiOptions['credentials'], req: IncomingMessage, path: string): void {
  const header = String(req.headers.authorization ?? '');
  const match = /^FC ([^:]+):(.+)$/.exec(header);
  if (!match) throw fcErrors.missingRequiredHeader('Authorization ("FC <AccessKeyId>:<signature>")');
  if (match[1] !== credentials.accessKeyId) throw fcErrors.invalidAccessKeyId(match[1]!);
  const h = (name: string) => String(req.headers[name] ?? '');
  const fcHeaders = Object.keys(req.headers)
    .filter((k) => k.startsWith('x-fc-'))
    .sort()
    .map((k) => `${k}:${h(k)}\n`)
    .join('');
  const stringToSign = `${req.method}\n${h('content-md5')}\n${h('content-type')}\n${h('date')}\n${fcHeaders}${path.startsWith(PREFIX) ? path : PREFIX + path}`;
  const expected = Buffer.from(createHmac('sha256', credentials.accessKeySecret).update(stringToSign, 'utf8').digest('base64'));
  const given = Buffer.from(match[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw fcErrors.signatureNotMatch(stringToSign);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw fcErrors.invalidArgument('malformed percent-encoding in the path');
  }
}

function parseJson(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw fcErrors.invalidArgument('the request body is not JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw fcErrors.invalidArgument('the request body must be a JSON object');
  return value as Record<string, unknown>;
}

function writeJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-fc-request-id': randomUUID() });
  res.end(JSON.stringify(value));
}

function writeNoContent(res: ServerResponse): void {
  res.writeHead(204, { 'x-fc-request-id': randomUUID() });
  res.end();
}

function fail(res: ServerResponse, err: FcApiError): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(err.status, { 'content-type': 'application/json', 'x-fc-request-id': randomUUID(), 'x-fc-error-type': 'FcCommonError' });
  res.end(JSON.stringify({ ErrorCode: err.code, ErrorMessage: err.message }));
}
