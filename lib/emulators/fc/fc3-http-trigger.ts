// FC 3.0 HTTP triggers and custom domains. FC 3.0 gives each HTTP trigger an address of its own,
// https://<name>-<random>.<region>.fcapp.run (GetTrigger httpTrigger.urlInternet; @alicloud/fc20230330
// models/HTTPTrigger). Locally, on the FC endpoint, it is reached two ways:
//   by Host          a request whose Host is <prefix>.<region>.fcapp.run (any port), as fcapp.run routes;
//   by path          http://<FC endpoint>/fcapp.run/<prefix>/<path>: what urlInternet answers locally,
//                    since a laptop resolves no fcapp.run name.
// FC 3.0 custom domains route by Host on the custom-domain listener that FC 2.0's share.
// Built-in runtimes get the request as an event and answer a struct ("Use an HTTP trigger to invoke a
// function", FC 3.0, alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function):
//   {version: "v1", rawPath (URL-encoded), body, isBase64Encoded, headers {name: "v1,v2"},
//    queryParameters {name: "v1,v2"}, requestContext {accountId, domainName, domainPrefix,
//    http {method, path (decoded), protocol, sourceIp, userAgent}, requestId, time, timeEpoch}}
//   → {statusCode, headers, body, isBase64Encoded}; a result that is not such a struct is answered
//   200 with the result as the body (unconfirmed).
// A body is base64-encoded unless its content type is textual (unconfirmed: the page says binary
// content is encoded). Request headers x-fc-*, connection and keep-alive are not passed; response
// headers x-fc-*, connection, content-length, date, keep-alive, server, upgrade are dropped (FC "HTTP
// handler" limits, as for FC 2.0). The default address adds Content-Disposition: attachment, so a
// browser downloads what it answers; a custom domain does not (FC 3.0 CreateCustomDomain: a custom
// domain "resolves the forced download behavior when you access an HTTP trigger"; the FAQ names the
// aliyuncs.com domain: whether fcapp.run still forces it is unconfirmed, kept here).
// authType function (the trigger's, or a custom domain's authConfig) takes requests signed with
// ACS3-HMAC-SHA256 by a key allowed fc:InvokeFunction (unconfirmed: FC 3.0's HTTP-trigger signature
// page was not found; V3 is FC 3.0's API signature).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Acs3SignatureError, verifyAcs3 } from '../shared/acs3-signature';
import type { AccessControl } from '../shared/access';
import type { EmulatorClock as Clock } from '../shared/clock';
import { BodyTooLargeError, readBody } from '../shared/http';
import type { EmulatorLog as Logger } from '../shared/log';
import type { FcScope } from './authorization';
import { FcApiError } from './errors';
import { fc3AccessFor } from './fc3-authorization';
import { fc3Errors } from './fc3-errors';
import { Fc3Model, type Fc3TriggerRecord } from './fc3-model';
import { type InvocationOutcome, RoleUnavailableError } from './runtime';

export const FCAPP_PATH = '/fcapp.run/';
const MAX_BODY_BYTES = 6 * 1024 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;
const MAX_PATH_BYTES = 4 * 1024;
const DROPPED_REQUEST_HEADERS = new Set(['connection', 'keep-alive']);
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'content-length', 'date', 'keep-alive', 'server', 'upgrade', 'transfer-encoding']);
const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+(json|xml))/i;

export interface Fc3HttpOptions {
  readonly model: Fc3Model;
  readonly invoke: (fn: string, event: Buffer) => Promise<InvocationOutcome>;
  readonly access: AccessControl;
  readonly scope: FcScope;
  readonly clock: Clock;
  readonly log: Logger;
}

/** The fcapp.run label a request names: by its Host, or by the /fcapp.run/<prefix> path. */
export function fcappPrefixOf(req: IncomingMessage, scope: FcScope): { prefix: string; base: string } | undefined {
  const host = String(req.headers.host ?? '')
    .replace(/:\d+$/, '')
    .toLowerCase();
  const suffix = `.${scope.region}.fcapp.run`;
  if (host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.')) return { prefix: host.slice(0, -suffix.length), base: '' };
  const url = req.url ?? '/';
  if (!url.startsWith(FCAPP_PATH)) return undefined;
  const prefix = url.slice(FCAPP_PATH.length).split(/[/?]/)[0]!;
  return { prefix, base: `${FCAPP_PATH}${prefix}` };
}

/** A request to an HTTP trigger's own address. */
export async function serveFcapp(options: Fc3HttpOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const at = fcappPrefixOf(req, options.scope)!;
    const found = options.model.httpTriggerByPrefix(at.prefix);
    // (unconfirmed) FC's answer for an address no trigger has.
    if (!found) throw new FcApiError(404, 'TriggerNotFound', `no HTTP trigger has the address ${at.prefix}.${options.scope.region}.fcapp.run`);
    const config = found.trigger.triggerConfig as { authType?: string; methods?: string[]; disableURLInternet?: boolean };
    // FC: with the public URL disabled the default address answers 403 (HTTPTriggerConfig.disableURLInternet).
    if (config.disableURLInternet === true) throw new FcApiError(403, 'AccessDenied', 'access denied due to function internet URL is disabled');
    const rawUrl = (req.url ?? '/').slice(at.base.length) || '/';
    if (config.authType === 'function') authorizeInvoke(options, req, found.fn, rawUrl);
    await callFunction(options, req, res, {
      fn: found.fn,
      trigger: found.trigger,
      rawUrl: rawUrl.startsWith('/') ? rawUrl : `/${rawUrl}`,
      domainName: `${at.prefix}.${options.scope.region}.fcapp.run`,
      domainPrefix: at.prefix,
      forceDownload: true,
    });
  } catch (err) {
    failed(options, res, err);
  }
}

/** A request on the custom-domain listener for one of FC 3.0's domains; false when the Host is none of them. */
export async function serveFc3Domain(options: Fc3HttpOptions, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const host = String(req.headers.host ?? '')
    .replace(/:\d+$/, '')
    .toLowerCase();
  const domain = options.model.customDomainFor(host);
  if (!domain) return false;
  try {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const route = Fc3Model.route(domain, decode(rawPath));
    // (unconfirmed) FC's answer for a path no route takes.
    if (!route || (route.methods && !route.methods.includes(String(req.method)))) {
      throw new FcApiError(404, 'PathNotFound', `no route of custom domain '${domain.domainName}' takes ${req.method} ${rawPath}`);
    }
    if (route.qualifier !== 'LATEST') throw fc3Errors.qualifierNotFound(route.functionName, route.qualifier);
    options.model.getFunction(route.functionName);
    // A custom domain reaches a function through its HTTP trigger (FC "Configure custom domain names").
    const trigger = options.model.httpTrigger(route.functionName);
    if (!trigger) throw new FcApiError(404, 'TriggerNotFound', `function '${route.functionName}' has no HTTP trigger`);
    if (domain.authConfig.authType === 'function') authorizeInvoke(options, req, route.functionName, rawUrl);
    await callFunction(options, req, res, {
      fn: route.functionName,
      trigger,
      rawUrl,
      domainName: domain.domainName,
      domainPrefix: host.split('.')[0]!,
      forceDownload: false,
    });
  } catch (err) {
    failed(options, res, err);
  }
  return true;
}

function authorizeInvoke(options: Fc3HttpOptions, req: IncomingMessage, fn: string, rawUrl: string): void {
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const query = new Map(new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1)));
  if (!req.headers.authorization) throw fc3Errors.missingRequiredHeader('Authorization');
  let key: ReturnType<typeof verifyAcs3>;
  try {
    // The body is not signed here (x-acs-content-sha256 of an empty body): requests stream their bodies.
    key = verifyAcs3(options.access, { req, path, query, body: Buffer.alloc(0) }, options.clock.nowMs());
  } catch (err) {
    if (err instanceof Acs3SignatureError)
      throw new FcApiError(403, 'SignatureNotMatch', `the request is not signed as the trigger's authType function requires (${err.refusal.kind})`);
    throw err;
  }
  const wanted = fc3AccessFor('InvokeFunction', { fn }, options.scope);
  const owner = key.principal.kind === 'account' && key.principal.accountId === options.scope.accountId;
  if (!owner && !options.access.authorize(key.principal, wanted).allowed) {
    throw new FcApiError(403, 'AccessDenied', `the caller is not authorized to perform '${wanted.action}' on resource '${wanted.resource}'.`);
  }
}

interface Call {
  readonly fn: string;
  readonly trigger: Fc3TriggerRecord;
  /** The path and query the function is told about (after the address's own path, if any). */
  readonly rawUrl: string;
  readonly domainName: string;
  readonly domainPrefix: string;
  readonly forceDownload: boolean;
}

async function callFunction(options: Fc3HttpOptions, req: IncomingMessage, res: ServerResponse, call: Call): Promise<void> {
  const method = req.method ?? 'GET';
  const methods = (call.trigger.triggerConfig as { methods?: string[] }).methods;
  // (unconfirmed) FC's status for a method the trigger does not take.
  if (methods && !methods.includes(method)) throw new FcApiError(405, 'MethodNotAllowed', `the HTTP trigger does not take ${method}`);
  if (Buffer.byteLength(call.rawUrl) > MAX_PATH_BYTES) throw fc3Errors.invalidArgument(`the path and query exceed ${MAX_PATH_BYTES} bytes`);
  const headerBytes = req.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part), 0);
  if (headerBytes > MAX_HEADER_BYTES) throw fc3Errors.invalidArgument(`the request headers exceed ${MAX_HEADER_BYTES} bytes`);
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ Code: 'EntityTooLarge', Message: `the request body exceeds ${MAX_BODY_BYTES} bytes` }));
    return;
  }
  const q = call.rawUrl.indexOf('?');
  const rawPath = q === -1 ? call.rawUrl : call.rawUrl.slice(0, q);
  const queryParameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(q === -1 ? '' : call.rawUrl.slice(q + 1))) {
    queryParameters[name] = name in queryParameters ? `${queryParameters[name]},${value}` : value;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith('x-fc-') || DROPPED_REQUEST_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const textual = body.length === 0 || TEXT_TYPES.test(String(req.headers['content-type'] ?? ''));
  const nowMs = options.clock.nowMs();
  const requestId = `1-${Math.floor(nowMs / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const source = req.socket.remoteAddress ?? '';
  const event = {
    version: 'v1',
    rawPath,
    body: textual ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !textual,
    headers,
    queryParameters,
    requestContext: {
      accountId: options.scope.accountId,
      domainName: call.domainName,
      domainPrefix: call.domainPrefix,
      http: {
        method,
        path: decode(rawPath),
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: source.startsWith('::ffff:') ? source.slice(7) : source,
        userAgent: String(req.headers['user-agent'] ?? ''),
      },
      requestId,
      time: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timeEpoch: String(nowMs),
    },
  };
  let outcome: InvocationOutcome;
  try {
    outcome = await options.invoke(call.fn, Buffer.from(JSON.stringify(event)));
  } catch (err) {
    if (err instanceof RoleUnavailableError) throw new FcApiError(403, 'AccessDenied', err.message);
    throw err;
  }
  if (!outcome.ok) {
    // A function that throws: 502 with FC's error type header and the error (unconfirmed body).
    res.writeHead(502, { 'content-type': 'application/json', 'x-fc-request-id': requestId, 'x-fc-error-type': 'UnhandledInvocationError' });
    res.end(JSON.stringify({ errorMessage: outcome.errorMessage, errorType: outcome.errorType }));
    return;
  }
  const answer = responseOf(outcome.result);
  if (call.forceDownload) answer.headers['content-disposition'] = 'attachment';
  if (Object.entries(answer.headers).reduce((sum, [k, v]) => sum + k.length + v.length, 0) > MAX_HEADER_BYTES) {
    res.writeHead(502, { 'content-type': 'application/json', 'x-fc-request-id': requestId });
    res.end(JSON.stringify({ Code: 'BadResponse', Message: `the function's response headers exceed ${MAX_HEADER_BYTES} bytes` }));
    return;
  }
  res.writeHead(answer.statusCode, { ...answer.headers, 'x-fc-request-id': requestId });
  res.end(answer.body);
}

/** The HTTP answer of a function's result: the response struct, or the result itself as a 200 body. */
export function responseOf(result: unknown): { statusCode: number; headers: Record<string, string>; body: Buffer } {
  const r = result as { statusCode?: unknown; headers?: unknown; body?: unknown; isBase64Encoded?: unknown } | null;
  if (!r || typeof r !== 'object' || !Number.isInteger(r.statusCode) || (r.statusCode as number) < 100 || (r.statusCode as number) > 599) {
    const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { 'content-type': typeof result === 'string' ? 'text/plain' : 'application/json' }, body: Buffer.from(text) };
  }
  const headers: Record<string, string> = {};
  if (r.headers && typeof r.headers === 'object') {
    for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
      const lower = name.toLowerCase();
      if (lower.startsWith('x-fc-') || DROPPED_RESPONSE_HEADERS.has(lower) || value === undefined || value === null) continue;
      headers[lower] = Array.isArray(value) ? value.map(String).join(',') : String(value);
    }
  }
  const text = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body);
  return { statusCode: r.statusCode as number, headers, body: r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text) };
}

function failed(options: Fc3HttpOptions, res: ServerResponse, err: unknown): void {
  const e = err instanceof FcApiError ? err : fc3Errors.internal();
  if (!(err instanceof FcApiError)) options.log.error('FC 3.0 HTTP trigger request failed', { error: err });
  if (res.headersSent) return void res.destroy();
  const requestId = randomUUID();
  res.writeHead(e.status, { 'content-type': 'application/json', 'x-fc-request-id': requestId });
  res.end(JSON.stringify({ Code: e.code, Message: e.message, RequestId: requestId }));
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw fc3Errors.invalidArgument('malformed percent-encoding in the path');
  }
}
