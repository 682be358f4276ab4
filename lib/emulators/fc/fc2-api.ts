// The local Function Compute 2.0 API (version 2016-08-15, what @alicloud/fc2 speaks), so
// `thaw deploy`, `thaw destroy` and `thaw invoke` talk to it exactly as to FC:
//   /services[/{s}]                                  ListServices, CreateService, GetService, UpdateService, DeleteService
//   /services/{s}/functions[/{f}]                    ListFunctions, CreateFunction, GetFunction, UpdateFunction, DeleteFunction
//   /services/{s}/functions/{f}/code                 GetFunctionCode
//   /services/{s}/functions/{f}/triggers[/{t}]       ListTriggers, CreateTrigger, GetTrigger, UpdateTrigger, DeleteTrigger
//   /services/{s}/functions/{f}/invocations          InvokeFunction (x-fc-invocation-type: Async answers 202)
//   /custom-domains[/{d}]                            ListCustomDomains, CreateCustomDomain, GetCustomDomain, UpdateCustomDomain, DeleteCustomDomain
//   /tag                                             TagResource (POST), UntagResource (DELETE), GetResourceTags (GET): services only
//   /proxy/{s}/{f}/…                                 the functions' HTTP triggers (http-trigger.ts)
// Every API request is signed (signature.ts) and authorized: its RAM action on its resource
// (authorization.ts), ram:PassRole for a role it hands FC, and FC's own checks of what it will do
// with that role (a logConfig needs a role that may write there; an eventbridge trigger needs
// EventBridge activated). The account owner's key may do everything.
// Outside the API, signed with the owner's key: GET /-/stack (what the local stack offers a deploy
// as parameter defaults) and GET /-/stats (trigger and log counters). GET /-/code/{s}/{f} is the
// URL GetFunctionCode answers, presigned by FC and valid for 10 minutes (in the cloud an OSS URL;
// its validity is unconfirmed).
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AccessRequest, CloudAccount, SigningKey } from '../shared/access';
import { RoleAssumptionError } from '../shared/access';
import { type EmulatorClock as Clock, systemClock } from '../shared/clock';
import { BodyTooLargeError, readBody } from '../shared/http';
import type { EmulatorLog as Logger } from '../shared/log';
import { accessDenied, accessFor, type FcOperation, type FcScope, type FcTarget, passRole } from './authorization';
import { FcApiError, fcErrors } from './errors';
import { handleDefaultDomain, type HttpFunctionInvoker, PROXY_PREFIX } from './http-trigger';
import { type FunctionComputeModel, MAX_CODE_BYTES } from './model';
import { type InvocationOutcome, RoleUnavailableError } from './runtime';
import { authenticate } from './signature';

const PREFIX = '/2016-08-15';
/** FC's synchronous invocation payload limit. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** A base64 zip of MAX_CODE_BYTES plus the JSON around it. */
const MAX_MANAGEMENT_BYTES = Math.ceil((MAX_CODE_BYTES * 4) / 3) + 64 * 1024;
const CODE_URL_TTL_MS = 10 * 60_000;

export interface FunctionInvoker extends Partial<HttpFunctionInvoker> {
  /** Runs a deployed function with `event` (the payload bytes, as FC hands them over). */
  invoke(service: string, fn: string, event: Buffer): Promise<InvocationOutcome>;
}

export interface FcApiOptions {
  readonly model: FunctionComputeModel;
  readonly invoker: FunctionInvoker;
  /** Who may call (keys, RAM policies) and what FC gets from the account (roles, activation). */
  readonly account: CloudAccount;
  readonly scope: FcScope;
  readonly log: Logger;
  readonly clock?: Clock;
  /** What GET /-/stack answers. */
  readonly stackInfo?: () => unknown;
  /** What GET /-/stats answers. */
  readonly stats?: () => unknown;
  /** The FC 3.0 API, served on the same endpoint: paths under /2023-03-30/ and HTTP-trigger addresses. */
  readonly fc3?: { owns(req: IncomingMessage): boolean; handle(req: IncomingMessage, res: ServerResponse): void };
  /**
   * Fault injection for tests: asked once per signed request, before (`when: 'before'`) and after
   * (`'after'`: the change landed, the answer is lost) it is handled; an error returned is answered instead.
   */
  readonly fault?: (request: { method: string; path: string; when: 'before' | 'after' }) => FcApiError | undefined;
}

export function fcApiServer(options: FcApiOptions): Server {
  const clock = options.clock ?? systemClock;
  // FC's own key for the code URLs it hands out; nobody else holds it.
  const codeKey = randomBytes(32);
  const http = {
    model: options.model,
    invoker: { invokeHttp: options.invoker.invokeHttp?.bind(options.invoker) ?? noHttp },
    access: options.account,
    scope: options.scope,
    clock,
    log: options.log,
  };
  return createServer((req, res) => {
    if (options.fc3?.owns(req)) return options.fc3.handle(req, res);
    if ((req.url ?? '').startsWith(PROXY_PREFIX)) return handleDefaultDomain(http, req, res);
    void handle(options, clock, codeKey, req, res).catch((err: unknown) => {
      if (err instanceof FcApiError) return fail(res, err);
      options.log.error('fc api request failed', { error: err });
      if (!res.headersSent) fail(res, fcErrors.internal());
    });
  });
}

async function noHttp(): Promise<InvocationOutcome> {
  return { ok: false, errorMessage: 'this FC API runs no functions', errorType: 'NotImplemented' };
}

async function handle(options: FcApiOptions, clock: Clock, codeKey: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const path = url.split('?')[0]!;
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  const method = req.method ?? 'GET';

  const code = /^\/-\/code\/([^/]+)\/([^/]+)$/.exec(path);
  if (method === 'GET' && code) {
    checkCodeUrl(codeKey, path, query, clock.nowMs());
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
  // Signed as fc2 signs: over "/2016-08-15" + the path, the /-/ routes too (lib/deploy/target.ts).
  const caller = authenticate(options.account, req, path.startsWith(PREFIX) ? path : PREFIX + path, clock.nowMs());
  // The signature covers Content-MD5, so the body must match it.
  const md5 = req.headers['content-md5'];
  if (body.length > 0 && md5 !== Buffer.from(createHash('md5').update(body).digest('hex')).toString('base64')) {
    throw fcErrors.invalidArgument('Content-MD5 does not match the body');
  }
  const owner = caller.principal.kind === 'account' && caller.principal.accountId === options.scope.accountId;
  if (path.startsWith('/-/')) {
    if (!owner) throw new FcApiError(403, 'AccessDenied', `${path} is for the account owner's key`);
    if (method === 'GET' && path === '/-/stack' && options.stackInfo) return writeJson(res, 200, options.stackInfo());
    if (method === 'GET' && path === '/-/stats' && options.stats) return writeJson(res, 200, options.stats());
    throw fcErrors.pathNotSupported(method, path);
  }
  if (!path.startsWith(`${PREFIX}/services`) && !path.startsWith(`${PREFIX}/custom-domains`) && path !== `${PREFIX}/tag`) {
    throw fcErrors.pathNotSupported(method, path);
  }
  const operation = path === `${PREFIX}/tag` ? tagRoute(options.scope, method, path, query, body) : routeOf(method, path, body);
  const guard = new Guard(options, caller, owner);
  guard.require(accessFor(operation.name, operation.target, options.scope));
  await checkWhatFcWillDo(options, guard, operation, body);
  const before = options.fault?.({ method, path, when: 'before' });
  if (before) throw before;
  const answer = await run(options, codeKey, clock, req, res, operation, query, body);
  const after = options.fault?.({ method, path, when: 'after' });
  if (after) throw after;
  answer();
}

/** Asks RAM about the caller; the owner's key is never refused. */
class Guard {
  constructor(
    private readonly options: FcApiOptions,
    private readonly caller: SigningKey,
    private readonly owner: boolean,
  ) {}

  require(request: AccessRequest): void {
    if (this.owner) return;
    if (!this.options.account.authorize(this.caller.principal, request).allowed) throw accessDenied(request);
  }
}

interface Operation {
  readonly name: FcOperation;
  readonly target: FcTarget;
}

function routeOf(method: string, path: string, body: Buffer): Operation {
  const segments = path
    .slice(PREFIX.length + 1)
    .split('/')
    .map(decode);
  if (segments[0] === 'custom-domains') {
    const [, domain, ...rest] = segments;
    if (rest.length === 0) {
      if (domain === undefined) {
        if (method === 'GET') return { name: 'ListCustomDomains', target: {} };
        if (method === 'POST') return { name: 'CreateCustomDomain', target: { domain: String(parseJson(body).domainName ?? '') } };
      } else {
        if (method === 'GET') return { name: 'GetCustomDomain', target: { domain } };
        if (method === 'PUT') return { name: 'UpdateCustomDomain', target: { domain } };
        if (method === 'DELETE') return { name: 'DeleteCustomDomain', target: { domain } };
      }
    }
    throw fcErrors.pathNotSupported(method, path);
  }
  const [, qualified, functions, fn, sub, trigger, ...rest] = segments;
  if (rest.length > 0 || (functions !== undefined && functions !== 'functions')) throw fcErrors.pathNotSupported(method, path);
  const [service, qualifier] = qualified === undefined ? [] : qualified.split('.');
  if (service === undefined) {
    if (method === 'GET') return { name: 'ListServices', target: {} };
    if (method === 'POST') return { name: 'CreateService', target: { service: String(parseJson(body).serviceName ?? '') } };
  } else if (functions === undefined) {
    if (method === 'GET') return { name: 'GetService', target: { service } };
    if (method === 'PUT') return { name: 'UpdateService', target: { service } };
    if (method === 'DELETE') return { name: 'DeleteService', target: { service } };
  } else if (fn === undefined) {
    if (method === 'GET') return { name: 'ListFunctions', target: { service } };
    if (method === 'POST') return { name: 'CreateFunction', target: { service, fn: String(parseJson(body).functionName ?? '') } };
  } else if (sub === undefined) {
    if (method === 'GET') return { name: 'GetFunction', target: { service, fn } };
    if (method === 'PUT') return { name: 'UpdateFunction', target: { service, fn } };
    if (method === 'DELETE') return { name: 'DeleteFunction', target: { service, fn } };
  } else if (sub === 'code' && trigger === undefined) {
    if (method === 'GET') return { name: 'GetFunctionCode', target: { service, fn } };
  } else if (sub === 'triggers') {
    if (trigger === undefined) {
      if (method === 'GET') return { name: 'ListTriggers', target: { service, fn } };
      if (method === 'POST') return { name: 'CreateTrigger', target: { service, fn, trigger: String(parseJson(body).triggerName ?? '') } };
    } else {
      if (method === 'GET') return { name: 'GetTrigger', target: { service, fn, trigger } };
      if (method === 'PUT') return { name: 'UpdateTrigger', target: { service, fn, trigger } };
      if (method === 'DELETE') return { name: 'DeleteTrigger', target: { service, fn, trigger } };
    }
  } else if (sub === 'invocations' && trigger === undefined && method === 'POST') {
    return { name: 'InvokeFunction', target: { service, fn, ...(qualifier ? { qualifier } : {}) } };
  }
  throw fcErrors.pathNotSupported(method, path);
}

/**
 * FC 2.0 tags (2016-08-15 API "TagResource", "UntagResource", "GetResourceTags"; @alicloud/fc2
 * client.js tagResource / untagResource / getResourceTags): POST /tag {resourceArn, tags: {k: v}},
 * DELETE /tag {resourceArn, tagKeys: [k], all}, GET /tag?resourceArn=… answering {resourceArn, tags}.
 * Only services carry tags ("Resource": "You can manage tags only for services"): the ARN is
 * acs:fc:<region>:<uid>:services/<name>, in this FC's region and account; the SDK's "either full ARN
 * or partial ARN" is read as services/<name> alone too (unconfirmed). Anything else is 400 InvalidArgument
 * (unconfirmed wording); a service that does not exist is 404 ServiceNotFound.
 */
function tagRoute(scope: FcScope, method: string, path: string, query: URLSearchParams, body: Buffer): Operation {
  const name: FcOperation | undefined =
    method === 'POST' ? 'TagResource' : method === 'DELETE' ? 'UntagResource' : method === 'GET' ? 'GetResourceTags' : undefined;
  if (!name) throw fcErrors.pathNotSupported(method, path);
  const arn = name === 'GetResourceTags' ? (query.get('resourceArn') ?? '') : parseJson(body).resourceArn;
  if (typeof arn !== 'string' || arn === '') throw fcErrors.invalidArgument('resourceArn is required');
  const full = /^acs:fc:([^:]*):([^:]*):services\/([^/]+)$/.exec(arn);
  const partial = /^services\/([^/]+)$/.exec(arn);
  if (full && (full[1] !== scope.region || full[2] !== scope.accountId)) {
    throw fcErrors.invalidArgument(`resourceArn ${arn} is not in this region and account (acs:fc:${scope.region}:${scope.accountId}:…)`);
  }
  const service = full?.[3] ?? partial?.[1];
  if (service === undefined)
    throw fcErrors.invalidArgument(`resourceArn ${arn} names no service: only services carry tags (acs:fc:<region>:<uid>:services/<name>)`);
  return { name, target: { service } };
}

/**
 * What FC checks before it takes a role or an event source on (besides the caller's own rights):
 *   - a role handed to FC needs ram:PassRole on it (FC "Grant permissions to RAM users");
 *   - CreateService's associated operations: fc:EnableServiceSLSLogging with a logConfig,
 *     fc:EnableServiceInternetAccess with internetAccess true (FC CreateService "授权信息");
 *   - a logConfig needs a role: "Role is required for turning on logging." (400 InvalidArgument,
 *     FC's answer quoted in aliyun/serverless-aliyun-function-compute#23), and that role must be
 *     allowed to write there: "No permission to access the logstore '<l>' in project '<p>'." (403
 *     AccessDenied, #62 there); FC checks it with the role (log:PostLogStoreLogs on the logstore);
 *   - an eventbridge trigger creates an EventBridge rule, so EventBridge must be activated (FC
 *     "Configure event triggers": "Activate EventBridge and grant permissions"); FC's answer when
 *     it is not is unconfirmed.
 */
async function checkWhatFcWillDo(options: FcApiOptions, guard: Guard, operation: Operation, body: Buffer): Promise<void> {
  const { name, target } = operation;
  const account = options.account;
  if (name === 'CreateService' || name === 'UpdateService') {
    const fields = parseJson(body);
    const current = name === 'UpdateService' ? options.model.getService(target.service!) : undefined;
    const service = fcResource(options.scope, target.service!);
    if (typeof fields.role === 'string' && fields.role !== '' && fields.role !== current?.role) guard.require(passRole(options.scope.accountId, fields.role));
    if (fields.logConfig !== undefined) guard.require({ action: 'fc:EnableServiceSLSLogging', resource: service });
    if (fields.internetAccess === true) guard.require({ action: 'fc:EnableServiceInternetAccess', resource: service });
    const role = typeof fields.role === 'string' ? fields.role : (current?.role ?? '');
    const log = (fields.logConfig ?? current?.logConfig) as { project?: unknown; logstore?: unknown } | undefined;
    if (log && typeof log === 'object' && log.project && log.logstore) {
      if (!role) throw fcErrors.invalidArgument('Role is required for turning on logging.');
      const project = String(log.project);
      const logstore = String(log.logstore);
      let key: SigningKey;
      try {
        key = account.assumeRoleForService(role, 'fc.aliyuncs.com', `fc-check-${target.service}`.slice(0, 64), (options.clock ?? systemClock).nowMs());
      } catch (err) {
        if (!(err instanceof RoleAssumptionError)) throw err;
        // (unconfirmed) FC's answer for a role it cannot assume.
        throw new FcApiError(403, 'AccessDenied', `FC cannot assume the role ${role}: ${err.code}: ${err.message}`);
      }
      const write = {
        action: 'log:PostLogStoreLogs',
        resource: `acs:log:${options.scope.region}:${options.scope.accountId}:project/${project}/logstore/${logstore}`,
      };
      if (!account.authorize(key.principal, write).allowed) {
        throw new FcApiError(403, 'AccessDenied', `No permission to access the logstore '${logstore}' in project '${project}'.`);
      }
    }
  }
  if (name === 'CreateTrigger' || name === 'UpdateTrigger') {
    const fields = parseJson(body);
    const type = name === 'CreateTrigger' ? fields.triggerType : options.model.getTrigger(target.service!, target.fn!, target.trigger!).triggerType;
    if (typeof fields.invocationRole === 'string' && type !== 'eventbridge') guard.require(passRole(options.scope.accountId, fields.invocationRole));
    if (type === 'eventbridge' && !account.isActivated('eventbridge')) {
      throw fcErrors.invalidArgument('EventBridge is not activated in this account: activate it before creating an eventbridge trigger');
    }
  }
}

function fcResource(scope: FcScope, service: string): string {
  return `acs:fc:${scope.region}:${scope.accountId}:services/${service}`;
}

type Reply = () => void;

async function run(
  options: FcApiOptions,
  codeKey: Buffer,
  clock: Clock,
  req: IncomingMessage,
  res: ServerResponse,
  { name, target }: Operation,
  query: URLSearchParams,
  body: Buffer,
): Promise<Reply> {
  const m = options.model;
  const json =
    (status: number, value: unknown): Reply =>
    () =>
      writeJson(res, status, value);
  const noContent = (action: () => void): Reply => {
    action();
    return () => writeNoContent(res);
  };
  const s = target.service!;
  const f = target.fn!;
  switch (name) {
    case 'ListServices':
      return json(200, { services: m.listServices(query.get('prefix') ?? '') });
    case 'CreateService':
      return json(200, m.createService(parseJson(body)));
    case 'GetService':
      return json(200, m.getService(s));
    case 'UpdateService':
      return json(200, m.updateService(s, parseJson(body)));
    case 'DeleteService':
      return noContent(() => m.deleteService(s));
    case 'ListFunctions':
      return json(200, { functions: m.listFunctions(s) });
    case 'CreateFunction':
      return json(200, m.createFunction(s, parseJson(body)));
    case 'GetFunction':
      return json(200, m.getFunction(s, f));
    case 'UpdateFunction':
      return json(200, m.updateFunction(s, f, parseJson(body)));
    case 'DeleteFunction':
      return noContent(() => m.deleteFunction(s, f));
    case 'GetFunctionCode': {
      const { checksum } = m.getFunctionCode(s, f);
      const path = `/-/code/${encodeURIComponent(s)}/${encodeURIComponent(f)}`;
      const expires = String(Math.floor((clock.nowMs() + CODE_URL_TTL_MS) / 1000));
      const signature = createHmac('sha256', codeKey).update(`${path}\n${expires}`).digest('base64url');
      // The address the caller reached: fc2 sends a Host without the port.
      const local = req.socket.localAddress ?? '127.0.0.1';
      const origin = `http://${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort}`;
      return json(200, { url: `${origin}${path}?Expires=${expires}&Signature=${signature}`, checksum });
    }
    case 'ListTriggers':
      return json(200, { triggers: m.listTriggers(s, f) });
    case 'CreateTrigger':
      return json(200, m.createTrigger(s, f, parseJson(body)));
    case 'GetTrigger':
      return json(200, m.getTrigger(s, f, target.trigger!));
    case 'UpdateTrigger':
      return json(200, m.updateTrigger(s, f, target.trigger!, parseJson(body)));
    case 'DeleteTrigger':
      return noContent(() => m.deleteTrigger(s, f, target.trigger!));
    case 'ListCustomDomains':
      return json(200, { customDomains: m.listCustomDomains(query.get('prefix') ?? '') });
    case 'CreateCustomDomain':
      return json(200, m.createCustomDomain(parseJson(body)));
    case 'GetCustomDomain':
      return json(200, m.getCustomDomain(target.domain!));
    case 'UpdateCustomDomain':
      return json(200, m.updateCustomDomain(target.domain!, parseJson(body)));
    case 'DeleteCustomDomain':
      return noContent(() => m.deleteCustomDomain(target.domain!));
    case 'InvokeFunction':
      await invoke(options, req, res, s, f, body);
      return () => undefined;
    case 'TagResource': {
      const fields = parseJson(body);
      m.tagService(s, fields.tags);
      return json(200, {});
    }
    case 'UntagResource': {
      const fields = parseJson(body);
      m.untagService(s, fields.tagKeys, fields.all === true || fields.all === 'true');
      return json(200, {});
    }
    case 'GetResourceTags':
      return json(200, { resourceArn: fcResource(options.scope, s), tags: m.serviceTags(s) });
  }
}

async function invoke(options: FcApiOptions, req: IncomingMessage, res: ServerResponse, service: string, fn: string, body: Buffer): Promise<void> {
  // Both exist, or FC answers 404 before running anything.
  options.model.getFunction(service, fn);
  const requestId = randomUUID();
  if (String(req.headers['x-fc-invocation-type'] ?? '').toLowerCase() === 'async') {
    void options.invoker.invoke(service, fn, body).catch((error: unknown) => options.log.warn('async invocation failed', { service, function: fn, error }));
    res.writeHead(202, { 'x-fc-request-id': requestId, 'content-length': '0' });
    res.end();
    return;
  }
  let outcome: InvocationOutcome;
  try {
    outcome = await options.invoker.invoke(service, fn, body);
  } catch (err) {
    // (unconfirmed) FC's answer when it cannot assume the service role.
    if (err instanceof RoleUnavailableError) throw new FcApiError(403, 'AccessDenied', err.message);
    throw err;
  }
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

function checkCodeUrl(codeKey: Buffer, path: string, query: URLSearchParams, nowMs: number): void {
  const expires = query.get('Expires') ?? '';
  const expected = Buffer.from(createHmac('sha256', codeKey).update(`${path}\n${expires}`).digest('base64url'));
  const given = Buffer.from(query.get('Signature') ?? '');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new FcApiError(403, 'AccessDenied', 'the code URL is not one GetFunctionCode handed out');
  }
  if (!/^\d{1,12}$/.test(expires) || Number(expires) * 1000 < nowMs)
    throw new FcApiError(403, 'AccessDenied', 'the code URL has expired; call GetFunctionCode again');
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
