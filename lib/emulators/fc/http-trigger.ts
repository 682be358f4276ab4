// HTTP triggers, served where FC serves them, each at an address of its own:
//   default domain  https://<uid>.<region>.fc.aliyuncs.com/2016-08-15/proxy/<service>[.<qualifier>]/<function>/<path>
//                   (FC "Configure an HTTP trigger"): locally the same path on the FC endpoint, so one
//                   stack's address never serves another's function
//   custom domain   a listener of its own that routes by Host through the domain's routeConfig
// What the function sees (FC 2.0 Node.js "HTTP handler"; Alibaba's own local runner, alibaba/funcraft
// src/lib/local/http.js generateHttpParams): req.path is the path after /proxy/<service>/<function>
// on the default domain and the whole path on a custom domain, still percent-encoded; req.url the
// URL as requested, query included; req.queries the query; req.clientIP the caller.
// Request headers named x-fc-*, connection and keep-alive are not passed on; response headers
// x-fc-*, connection, content-length, date, keep-alive, server and upgrade set by the function are
// dropped (FC "HTTP handler" limits). On the default aliyuncs.com domain FC adds
// Content-Disposition: attachment to every answer, so browsers download instead of rendering
// (FC custom runtime "HTTP handler": "使用函数计算默认的aliyuncs.com域名,服务端会在Response Headers中
// 强制添加content-disposition: attachment字段"); a custom domain does not.
// Limits (FC "HTTP handler"): request headers ≤ 8 KB and path with query ≤ 4 KB, else 400
// InvalidArgument; response headers ≤ 8 KB, else 502 BadResponse. The body limit stays the local
// stack's 6 MB answered 413 (FC documents 32 MB answered 400 InvalidArgument; the product's
// edge tests pin 413).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AccessControl } from '../shared/access';
import type { EmulatorClock as Clock } from '../shared/clock';
import { BodyTooLargeError, readBody } from '../shared/http';
import type { EmulatorLog as Logger } from '../shared/log';
import { accessDenied, accessFor, type FcScope } from './authorization';
import { routeFor } from './custom-domain';
import { FcApiError, fcErrors } from './errors';
import type { FunctionComputeModel } from './model';
import { type HttpAnswer, type HttpInvocation, type InvocationOutcome, RoleUnavailableError } from './runtime';
import { authenticate } from './signature';

export const PROXY_PREFIX = '/2016-08-15/proxy/';
const MAX_BODY_BYTES = 6 * 1024 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;
const MAX_PATH_BYTES = 4 * 1024;
const DROPPED_REQUEST_HEADERS = new Set(['connection', 'keep-alive']);
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'content-length', 'date', 'keep-alive', 'server', 'upgrade', 'transfer-encoding']);

export interface HttpFunctionInvoker {
  invokeHttp(service: string, fn: string, request: HttpInvocation): Promise<HttpAnswer | InvocationOutcome>;
}

export interface HttpTriggerOptions {
  readonly model: FunctionComputeModel;
  readonly invoker: HttpFunctionInvoker;
  readonly access: AccessControl;
  readonly scope: FcScope;
  readonly clock: Clock;
  readonly log: Logger;
  /** FC 3.0's custom domains share the listener: asked first, false when the Host is none of its. */
  readonly fc3?: { serveCustomDomain(req: IncomingMessage, res: ServerResponse): Promise<boolean> };
}

/** A request on the FC endpoint under /2016-08-15/proxy/: the default address of an HTTP trigger. */
export async function serveDefaultDomain(options: HttpTriggerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const [serviceSegment = '', fnSegment = '', ...rest] = rawPath.slice(PROXY_PREFIX.length).split('/');
  const [service, qualifier = 'LATEST'] = decode(serviceSegment).split('.');
  const fn = decode(fnSegment);
  const trigger = httpTriggerOf(options.model, service!, fn, qualifier);
  const config = trigger.triggerConfig as { authType?: string; methods?: string[]; disableURLInternet?: boolean };
  // FC "Configure an HTTP trigger": with the public URL disabled the default domain answers
  // "access denied due to function internet URL is disabled"; custom domains still serve.
  if (config.disableURLInternet === true) throw new FcApiError(403, 'AccessDenied', 'access denied due to function internet URL is disabled');
  if (config.authType === 'function') {
    const queries = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
    const caller = authenticate(options.access, req, rawPath, options.clock.nowMs(), queries);
    const wanted = accessFor('InvokeFunction', { service, fn, qualifier }, options.scope);
    const owner = caller.principal.kind === 'account' && caller.principal.accountId === options.scope.accountId;
    if (!owner && !options.access.authorize(caller.principal, wanted).allowed) throw accessDenied(wanted);
  }
  const path = rest.length === 0 ? '/' : `/${rest.join('/')}`;
  await callFunction(options, req, res, { service: service!, fn, methods: config.methods, path, forceDownload: true });
}

/** Custom domains on a listener of their own, routed by Host. */
export function customDomainServer(options: HttpTriggerOptions): Server {
  return createServer((req, res) => {
    void (async () => {
      if (await options.fc3?.serveCustomDomain(req, res)) return;
      await serveCustomDomain(options, req, res);
    })().catch((err: unknown) => failed(options, res, err));
  });
}

/** A request on the FC endpoint outside the API: answered as FC answers, errors as FC's JSON. */
export function handleDefaultDomain(options: HttpTriggerOptions, req: IncomingMessage, res: ServerResponse): void {
  void serveDefaultDomain(options, req, res).catch((err: unknown) => failed(options, res, err));
}

async function serveCustomDomain(options: HttpTriggerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const host = String(req.headers.host ?? '')
    .replace(/:\d+$/, '')
    .toLowerCase();
  const domain = options.model.customDomainFor(host);
  if (!domain) throw fcErrors.domainNameNotFound(host);
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const route = routeFor(domain.routeConfig.routes, decode(rawPath));
  // (unconfirmed) FC's answer for a path no route takes.
  if (!route || (route.methods && !route.methods.includes(String(req.method)))) {
    throw new FcApiError(404, 'PathNotFound', `no route of custom domain '${domain.domainName}' takes ${req.method} ${rawPath}`);
  }
  // A custom domain reaches functions through their HTTP trigger (FC "Configure custom domain names").
  const trigger = httpTriggerOf(options.model, route.serviceName, route.functionName, route.qualifier);
  const config = trigger.triggerConfig as { methods?: string[] };
  await callFunction(options, req, res, { service: route.serviceName, fn: route.functionName, methods: config.methods, path: rawPath, forceDownload: false });
}

function httpTriggerOf(model: FunctionComputeModel, service: string, fn: string, qualifier: string) {
  model.getFunction(service, fn);
  // Versions and aliases are not emulated: only LATEST exists locally.
  if (qualifier !== 'LATEST') throw fcErrors.serviceNotFound(`${service}.${qualifier}`);
  const trigger = model.httpTrigger(service, fn);
  if (!trigger) throw new FcApiError(404, 'TriggerNotFound', `function '${fn}' of service '${service}' has no HTTP trigger`);
  return trigger;
}

interface Call {
  readonly service: string;
  readonly fn: string;
  readonly methods: string[] | undefined;
  /** What req.path is for the function. */
  readonly path: string;
  readonly forceDownload: boolean;
}

async function callFunction(options: HttpTriggerOptions, req: IncomingMessage, res: ServerResponse, call: Call): Promise<void> {
  const method = req.method ?? 'GET';
  // (unconfirmed) FC's status for a method the trigger does not take.
  if (call.methods && !call.methods.includes(method)) throw new FcApiError(405, 'MethodNotAllowed', `the HTTP trigger does not take ${method}`);
  const rawUrl = req.url ?? '/';
  if (Buffer.byteLength(rawUrl) > MAX_PATH_BYTES) throw fcErrors.invalidArgument(`the path and query exceed ${MAX_PATH_BYTES} bytes`);
  const headerBytes = req.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part), 0);
  if (headerBytes > MAX_HEADER_BYTES) throw fcErrors.invalidArgument(`the request headers exceed ${MAX_HEADER_BYTES} bytes`);
  const q = rawUrl.indexOf('?');
  const queries: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1))) {
    const seen = queries[name];
    queries[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  const headers: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-fc-') && !DROPPED_REQUEST_HEADERS.has(name)) headers[name] = value;
  }
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    res.writeHead(413, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ErrorCode: 'EntityTooLarge', ErrorMessage: `the request body exceeds ${MAX_BODY_BYTES} bytes` }));
    return;
  }
  const requestId = randomUUID();
  let answer: HttpAnswer | InvocationOutcome;
  try {
    answer = await options.invoker.invokeHttp(call.service, call.fn, {
      method,
      path: call.path,
      url: rawUrl,
      headers,
      queries,
      clientIP: req.socket.remoteAddress ?? '',
      body,
    });
  } catch (err) {
    if (err instanceof RoleUnavailableError) throw new FcApiError(403, 'AccessDenied', err.message);
    throw err;
  }
  if ('ok' in answer) {
    // A function that throws: 502 with FC's error type header and the error (unconfirmed body).
    res.writeHead(502, { 'content-type': 'application/json', 'x-fc-request-id': requestId, 'x-fc-error-type': 'UnhandledInvocationError' });
    res.end(JSON.stringify(answer.ok ? {} : { errorMessage: answer.errorMessage, errorType: answer.errorType }));
    return;
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-fc-') && !DROPPED_RESPONSE_HEADERS.has(lower)) out[lower] = value;
  }
  if (call.forceDownload) out['content-disposition'] = 'attachment';
  if (Object.entries(out).reduce((sum, [k, v]) => sum + k.length + v.length, 0) > MAX_HEADER_BYTES) {
    res.writeHead(502, { 'content-type': 'application/json', 'x-fc-request-id': requestId });
    res.end(JSON.stringify({ ErrorCode: 'BadResponse', ErrorMessage: `the function's response headers exceed ${MAX_HEADER_BYTES} bytes` }));
    return;
  }
  res.writeHead(answer.statusCode, { ...out, 'x-fc-request-id': requestId });
  res.end(Buffer.from(answer.body));
}

function failed(options: HttpTriggerOptions, res: ServerResponse, err: unknown): void {
  const e = err instanceof FcApiError ? err : fcErrors.internal();
  if (!(err instanceof FcApiError)) options.log.error('http trigger request failed', { error: err });
  if (res.headersSent) return void res.destroy();
  res.writeHead(e.status, { 'content-type': 'application/json', 'x-fc-request-id': randomUUID(), 'x-fc-error-type': 'FcCommonError' });
  res.end(JSON.stringify({ ErrorCode: e.code, ErrorMessage: e.message }));
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw fcErrors.invalidArgument('malformed percent-encoding in the path');
  }
}
