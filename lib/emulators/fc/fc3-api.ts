// The local Function Compute 3.0 API (version 2023-03-30, what @alicloud/fc20230330 sends
// unmodified), served on the same endpoint as the FC 2.0 API (fc2-api.ts hands it every path under
// /2023-03-30/ and every HTTP-trigger address). Paths and methods are the SDK's (client.js *WithOptions):
//   /functions[/{f}]                   GET ListFunctions, POST CreateFunction; GET/PUT/DELETE Get/Update/DeleteFunction
//   /functions/{f}/code                GET GetFunctionCode
//   /functions/{f}/invocations         POST InvokeFunction (x-fc-invocation-type: Async answers 202)
//   /functions/{f}/triggers[/{t}]      GET ListTriggers, POST CreateTrigger; GET/PUT/DELETE Get/Update/DeleteTrigger
//   /functions/{f}/async-invoke-config PUT/GET/DELETE Put/Get/DeleteAsyncInvokeConfig (?qualifier)
//   /functions/{f}/concurrency         PUT/GET/DELETE Put/Get/DeleteConcurrencyConfig
//   /custom-domains[/{d}]              GET ListCustomDomains, POST CreateCustomDomain; GET/PUT/DELETE …
//   /tags-v2                           POST TagResources, GET ListTagResources, DELETE UntagResources
// Every request is signed ACS3-HMAC-SHA256 (../shared/acs3-signature.ts) and authorized
// (fc3-authorization.ts), a role handed over needs ram:PassRole, and FC checks what it will do with
// a role: a logConfig needs a role that may write there (as FC 2.0's answers; for FC 3.0 unconfirmed),
// an eventbridge trigger needs EventBridge activated. Code in OSS is read with the caller's own key
// (FC 3.0 CreateFunction: "If the unable to access object xxx in bucket xxx error is returned … grant
// the current user access permissions to the OSS bucket"). Answers are JSON; deletions 204; errors
// {Code, Message, RequestId} (fc3-errors.ts).
// GET /2023-03-30/-/code/{f}?Expires&Signature is the URL GetFunctionCode answers (presigned by FC,
// 10 minutes, as the FC 2.0 one).
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import OSS from 'ali-oss';
import { Acs3SignatureError, verifyAcs3 } from '../shared/acs3-signature';
import type { AccessRequest, CloudAccount, SigningKey } from '../shared/access';
import { RoleAssumptionError } from '../shared/access';
import { type EmulatorClock as Clock, systemClock } from '../shared/clock';
import { BodyTooLargeError, readBody } from '../shared/http';
import type { EmulatorLog as Logger } from '../shared/log';
import { accessDenied, type FcScope, passRole } from './authorization';
import { crc64 } from './crc64';
import { FcApiError } from './errors';
import { AsyncInvocations } from './fc3-async';
import { fc3AccessFor, type Fc3Operation, type Fc3Target } from './fc3-authorization';
import { fc3Errors } from './fc3-errors';
import { FCAPP_PATH, fcappPrefixOf, serveFc3Domain, serveFcapp } from './fc3-http-trigger';
import type { Fc3Model, Fc3TriggerRecord } from './fc3-model';
import { MAX_CODE_BYTES } from './model';
import { RoleCredentials } from './role-credentials';
import { type InvocationOutcome, RoleUnavailableError } from './runtime';

export const FC3_PREFIX = '/2023-03-30';
/** FC's synchronous invocation payload limit; asynchronous: 128 KB (FC "Limits"). */
const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
const MAX_ASYNC_PAYLOAD_BYTES = 128 * 1024;
const MAX_MANAGEMENT_BYTES = Math.ceil((MAX_CODE_BYTES * 4) / 3) + 64 * 1024;
const CODE_URL_TTL_MS = 10 * 60_000;

export interface Fc3Invoker {
  invokeFc3(fn: string, event: Buffer): Promise<InvocationOutcome>;
}

export interface Fc3ApiOptions {
  readonly model: Fc3Model;
  readonly invoker: Fc3Invoker;
  readonly account: CloudAccount;
  readonly scope: FcScope;
  readonly log: Logger;
  readonly clock?: Clock;
  /** The OSS endpoint code in OSS is read from (CreateFunction code.ossBucketName). */
  readonly ossEndpoint?: string;
  /** Wait before an async retry (tests shorten it). */
  readonly asyncRetryDelayMs?: (attempt: number) => number;
}

interface Operation {
  readonly name: Fc3Operation;
  readonly target: Fc3Target;
}

/** The FC 3.0 API and HTTP-trigger addresses, served from the FC endpoint's server. */
export class Fc3Api {
  readonly async: AsyncInvocations;
  private readonly clock: Clock;
  private readonly codeKey = randomBytes(32);
  private readonly running = new Map<string, number>();

  constructor(private readonly options: Fc3ApiOptions) {
    this.clock = options.clock ?? systemClock;
    this.async = new AsyncInvocations({
      model: options.model,
      invoke: (fn, event) => options.invoker.invokeFc3(fn, event),
      account: options.account,
      roles: new RoleCredentials(options.account, 'fc.aliyuncs.com', this.clock),
      scope: options.scope,
      clock: this.clock,
      log: options.log,
      retryDelayMs: options.asyncRetryDelayMs,
    });
  }

  /** Whether a request on the FC endpoint is FC 3.0's: its API, or an HTTP trigger's address. */
  owns(req: IncomingMessage): boolean {
    const url = req.url ?? '/';
    return url.startsWith(`${FC3_PREFIX}/`) || url.startsWith(FCAPP_PATH) || fcappPrefixOf(req, this.options.scope)?.base === '';
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    if (fcappPrefixOf(req, this.options.scope)) {
      void serveFcapp(this.httpOptions(), req, res);
      return;
    }
    void this.serve(req, res).catch((err: unknown) => {
      if (err instanceof FcApiError) return fail(res, err);
      this.options.log.error('fc 3.0 api request failed', { error: err });
      fail(res, fc3Errors.internal());
    });
  }

  /** FC 3.0 custom domains on the custom-domain listener; false when the Host is none of them. */
  serveCustomDomain(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    return serveFc3Domain(this.httpOptions(), req, res);
  }

  stats(): unknown {
    return { async: this.async.stats(), destinations: this.async.deliveries() };
  }

  close(): Promise<void> {
    return this.async.close();
  }

  private httpOptions() {
    const { model, account, scope, log } = this.options;
    return { model, invoke: (fn: string, event: Buffer) => this.invokeCounted(fn, event), access: account, scope, clock: this.clock, log };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const rawPath = url.split('?')[0]!;
    const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
    const method = (req.method ?? 'GET').toUpperCase();
    const code = /^\/2023-03-30\/-\/code\/([^/]+)$/.exec(rawPath);
    if (method === 'GET' && code) return this.serveCode(res, rawPath, query, decode(code[1]!));

    const invocation = /\/invocations$/.test(rawPath);
    let body: Buffer;
    try {
      body = await readBody(req, invocation ? MAX_SYNC_PAYLOAD_BYTES : MAX_MANAGEMENT_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) throw fc3Errors.entityTooLarge(err.limitBytes);
      throw err;
    }
    const caller = this.authenticate(req, rawPath, query, body);
    const owner = caller.principal.kind === 'account' && caller.principal.accountId === this.options.scope.accountId;
    const require = (request: AccessRequest) => {
      if (!owner && !this.options.account.authorize(caller.principal, request).allowed) throw accessDenied(request);
    };
    const operation = routeOf(method, rawPath, body);
    if (operation.name === 'TagResources' || operation.name === 'UntagResources' || operation.name === 'ListTagResources') {
      return this.tags(res, operation.name, query, body, require);
    }
    require(fc3AccessFor(operation.name, operation.target, this.options.scope));
    await this.checkWhatFcWillDo(operation, body, require);
    await this.run(req, res, operation, query, body, caller);
  }

  private authenticate(req: IncomingMessage, rawPath: string, query: URLSearchParams, body: Buffer): SigningKey {
    if (!req.headers.authorization) throw fc3Errors.missingRequiredHeader('Authorization (ACS3-HMAC-SHA256)');
    try {
      return verifyAcs3(this.options.account, { req, path: rawPath, query: new Map(query), body }, this.clock.nowMs());
    } catch (err) {
      if (!(err instanceof Acs3SignatureError)) throw err;
      const r = err.refusal;
      switch (r.kind) {
        case 'unknown-key':
          throw fc3Errors.invalidAccessKeyId(r.accessKeyId);
        case 'expired-key':
          throw fc3Errors.invalidSecurityToken(`the security token of access key '${r.accessKeyId}' has expired`);
        case 'token-mismatch':
          throw fc3Errors.invalidSecurityToken('the x-acs-security-token header does not belong to the access key');
        case 'date-skew':
          throw fc3Errors.requestTimeTooSkewed();
        case 'content-sha256':
          throw fc3Errors.signatureNotMatch('x-acs-content-sha256 is not the SHA-256 of the body');
        case 'malformed':
          throw fc3Errors.signatureNotMatch(r.detail);
        case 'signature-mismatch':
          throw fc3Errors.signatureNotMatch(`the canonical request was ${JSON.stringify(r.canonicalRequest)}`);
      }
    }
  }

  /**
   * What FC checks before it takes a role or an event source on:
   *   - a role handed to FC needs ram:PassRole on it (FC "Grant permissions to RAM users");
   *   - a logConfig needs a role, and that role must be allowed log:PostLogStoreLogs there (FC 2.0's
   *     answers "Role is required for turning on logging." / "No permission to access the logstore
   *     '<l>' in project '<p>'.", aliyun/serverless-aliyun-function-compute#23 and #62; the same for
   *     FC 3.0 is unconfirmed);
   *   - an eventbridge trigger needs EventBridge activated.
   */
  private async checkWhatFcWillDo(operation: Operation, body: Buffer, require: (r: AccessRequest) => void): Promise<void> {
    const { name, target } = operation;
    const { model, scope, account } = this.options;
    if (name === 'CreateFunction' || name === 'UpdateFunction') {
      const fields = parseJson(body);
      const current = name === 'UpdateFunction' ? model.getFunction(target.fn!) : undefined;
      if (typeof fields.role === 'string' && fields.role !== '' && fields.role !== current?.role) require(passRole(scope.accountId, fields.role));
      const role = typeof fields.role === 'string' ? fields.role : (current?.role ?? '');
      const log = (fields.logConfig ?? current?.logConfig) as { project?: unknown; logstore?: unknown } | undefined;
      if (log && typeof log === 'object' && log.project && log.logstore) {
        if (!role) throw fc3Errors.invalidArgument('Role is required for turning on logging.');
        let key: SigningKey;
        try {
          key = account.assumeRoleForService(role, 'fc.aliyuncs.com', `fc3-check-${target.fn}`.slice(0, 64), this.clock.nowMs());
        } catch (err) {
          if (!(err instanceof RoleAssumptionError)) throw err;
          throw new FcApiError(403, 'AccessDenied', `FC cannot assume the role ${role}: ${err.code}: ${err.message}`);
        }
        const write = {
          action: 'log:PostLogStoreLogs',
          resource: `acs:log:${scope.region}:${scope.accountId}:project/${String(log.project)}/logstore/${String(log.logstore)}`,
        };
        if (!account.authorize(key.principal, write).allowed) {
          throw new FcApiError(403, 'AccessDenied', `No permission to access the logstore '${String(log.logstore)}' in project '${String(log.project)}'.`);
        }
      }
    }
    if (name === 'CreateTrigger' || name === 'UpdateTrigger') {
      const fields = parseJson(body);
      const type = name === 'CreateTrigger' ? fields.triggerType : model.getTrigger(target.fn!, target.trigger!).triggerType;
      if (typeof fields.invocationRole === 'string' && type !== 'eventbridge') require(passRole(scope.accountId, fields.invocationRole));
      if (type === 'eventbridge' && !account.isActivated('eventbridge')) {
        throw fc3Errors.invalidArgument('EventBridge is not activated in this account: activate it before creating an eventbridge trigger');
      }
    }
  }

  private async run(
    req: IncomingMessage,
    res: ServerResponse,
    { name, target }: Operation,
    query: URLSearchParams,
    body: Buffer,
    caller: SigningKey,
  ): Promise<void> {
    const m = this.options.model;
    const json = (value: unknown, status = 200) => writeJson(res, status, value);
    const f = target.fn!;
    const origin = originOf(req);
    const limit = query.has('limit') ? Number(query.get('limit')) : undefined;
    const nextToken = query.get('nextToken') ?? undefined;
    const prefix = query.get('prefix') ?? '';
    const qualifier = query.get('qualifier') ?? 'LATEST';
    switch (name) {
      case 'ListFunctions': {
        const page = m.listFunctions(prefix, limit, nextToken);
        return json({ functions: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
      }
      case 'CreateFunction': {
        const fields = parseJson(body);
        return json(m.createFunction(fields, (await this.codeOf(fields.code, true, caller))!));
      }
      case 'GetFunction':
        if (qualifier !== 'LATEST') throw fc3Errors.qualifierNotFound(f, qualifier);
        return json(m.getFunction(f));
      case 'UpdateFunction': {
        const fields = parseJson(body);
        return json(m.updateFunction(f, fields, await this.codeOf(fields.code, false, caller)));
      }
      case 'DeleteFunction':
        m.deleteFunction(f);
        return writeNoContent(res);
      case 'GetFunctionCode': {
        const { checksum } = m.getFunctionCode(f);
        const path = `${FC3_PREFIX}/-/code/${encodeURIComponent(f)}`;
        const expires = String(Math.floor((this.clock.nowMs() + CODE_URL_TTL_MS) / 1000));
        const signature = createHmac('sha256', this.codeKey).update(`${path}\n${expires}`).digest('base64url');
        return json({ url: `${origin}${path}?Expires=${expires}&Signature=${signature}`, checksum });
      }
      case 'InvokeFunction':
        return this.invoke(req, res, f, qualifier, body);
      case 'ListTriggers': {
        const page = m.listTriggers(f, prefix, limit, nextToken);
        return json({
          triggers: page.items.map((t) => triggerView(t, origin, m.getFunction(f).functionArn)),
          ...(page.nextToken ? { nextToken: page.nextToken } : {}),
        });
      }
      case 'CreateTrigger':
        return json(triggerView(m.createTrigger(f, parseJson(body)), origin, m.getFunction(f).functionArn));
      case 'GetTrigger':
        return json(triggerView(m.getTrigger(f, target.trigger!), origin, m.getFunction(f).functionArn));
      case 'UpdateTrigger':
        return json(triggerView(m.updateTrigger(f, target.trigger!, parseJson(body)), origin, m.getFunction(f).functionArn));
      case 'DeleteTrigger':
        m.deleteTrigger(f, target.trigger!);
        return writeNoContent(res);
      case 'PutAsyncInvokeConfig':
        return json(m.putAsyncConfig(f, parseJson(body), qualifier));
      case 'GetAsyncInvokeConfig':
        return json(m.getAsyncConfig(f, qualifier));
      case 'DeleteAsyncInvokeConfig':
        m.deleteAsyncConfig(f, qualifier);
        return writeNoContent(res);
      case 'PutConcurrencyConfig':
        return json(m.putConcurrency(f, parseJson(body)));
      case 'GetConcurrencyConfig':
        return json(m.getConcurrency(f));
      case 'DeleteConcurrencyConfig':
        m.deleteConcurrency(f);
        return writeNoContent(res);
      case 'ListCustomDomains': {
        const page = m.listCustomDomains(prefix, limit, nextToken);
        return json({ customDomains: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
      }
      case 'CreateCustomDomain':
        return json(m.createCustomDomain(parseJson(body)));
      case 'GetCustomDomain':
        return json(m.getCustomDomain(target.domain!));
      case 'UpdateCustomDomain':
        return json(m.updateCustomDomain(target.domain!, parseJson(body)));
      case 'DeleteCustomDomain':
        m.deleteCustomDomain(target.domain!);
        return writeNoContent(res);
      default:
        throw fc3Errors.pathNotSupported(req.method ?? '', req.url ?? '');
    }
  }

  /** Sync: the function's answer (200, x-fc-error-type on a function error); Async: 202, queued. */
  private async invoke(req: IncomingMessage, res: ServerResponse, fn: string, qualifier: string, body: Buffer): Promise<void> {
    this.options.model.getFunction(fn);
    if (qualifier !== 'LATEST') throw fc3Errors.qualifierNotFound(fn, qualifier);
    const requestId = randomUUID();
    if (String(req.headers['x-fc-invocation-type'] ?? '').toLowerCase() === 'async') {
      if (body.length > MAX_ASYNC_PAYLOAD_BYTES) throw fc3Errors.entityTooLarge(MAX_ASYNC_PAYLOAD_BYTES);
      // (unconfirmed) FC's answer when its queue is full; the local queue is bounded.
      if (this.async.full) throw new FcApiError(429, 'ResourceExhausted', 'too many asynchronous invocations are queued');
      this.async.enqueue(fn, body, requestId);
      res.writeHead(202, { 'x-fc-request-id': requestId, 'content-length': '0' });
      res.end();
      return;
    }
    const outcome = await this.invokeCounted(fn, body);
    if (outcome.ok) {
      const text = typeof outcome.result === 'string' ? outcome.result : JSON.stringify(outcome.result ?? null);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-fc-request-id': requestId });
      res.end(text);
      return;
    }
    // A function that throws answers 200 with x-fc-error-type (FC's invoke answer; unconfirmed for 3.0).
    res.writeHead(200, { 'content-type': 'application/json', 'x-fc-request-id': requestId, 'x-fc-error-type': 'UnhandledInvocationError' });
    res.end(JSON.stringify({ errorMessage: outcome.errorMessage, errorType: outcome.errorType }));
  }

  /** Runs a function within its reserved concurrency (PutConcurrencyConfig): over it, 429. */
  private async invokeCounted(fn: string, event: Buffer): Promise<InvocationOutcome> {
    const reserved = this.options.model.reservedConcurrency(fn);
    const now = this.running.get(fn) ?? 0;
    if (reserved !== undefined && now >= reserved) throw fc3Errors.resourceExhausted(fn, reserved);
    this.running.set(fn, now + 1);
    try {
      return await this.options.invoker.invokeFc3(fn, event);
    } catch (err) {
      // (unconfirmed) FC's answer when it cannot assume the function's role.
      if (err instanceof RoleUnavailableError) throw new FcApiError(403, 'AccessDenied', err.message);
      throw err;
    } finally {
      const left = (this.running.get(fn) ?? 1) - 1;
      if (left <= 0) this.running.delete(fn);
      else this.running.set(fn, left);
    }
  }

  /** code {zipFile} or {ossBucketName, ossObjectName}, read from OSS with the caller's key; checksum (CRC-64) must match. */
  private async codeOf(code: unknown, required: boolean, caller: SigningKey): Promise<Uint8Array | undefined> {
    if (code === undefined && !required) return undefined;
    if (!code || typeof code !== 'object' || Array.isArray(code)) throw fc3Errors.invalidArgument('code must be {zipFile} or {ossBucketName, ossObjectName}');
    const c = code as { zipFile?: unknown; ossBucketName?: unknown; ossObjectName?: unknown; checksum?: unknown };
    let bytes: Uint8Array;
    if (typeof c.zipFile === 'string') {
      if (c.zipFile.length > Math.ceil((MAX_CODE_BYTES * 4) / 3)) throw fc3Errors.entityTooLarge(MAX_CODE_BYTES);
      bytes = new Uint8Array(Buffer.from(c.zipFile, 'base64'));
    } else if (typeof c.ossBucketName === 'string' && typeof c.ossObjectName === 'string') {
      bytes = await this.readOss(c.ossBucketName, c.ossObjectName, caller);
    } else throw fc3Errors.invalidArgument('code must be {zipFile: <base64 zip>} or {ossBucketName, ossObjectName}');
    if (c.checksum !== undefined) {
      if (String(c.checksum) !== crc64(bytes))
        throw fc3Errors.invalidArgument(`code.checksum ${String(c.checksum)} is not the CRC-64 of the code (${crc64(bytes)})`);
    }
    return bytes;
  }

  private async readOss(bucket: string, object: string, caller: SigningKey): Promise<Uint8Array> {
    const endpoint = this.options.ossEndpoint;
    if (!endpoint) throw fc3Errors.invalidArgument('the local FC was given no OSS endpoint: send code as {zipFile}');
    const oss = new OSS({
      endpoint,
      accessKeyId: caller.accessKeyId,
      accessKeySecret: caller.accessKeySecret,
      ...(caller.securityToken ? { stsToken: caller.securityToken } : {}),
      bucket,
      timeout: 60_000,
    } as OSS.Options);
    try {
      const head = await oss.head(object);
      const size = Number((head.res.headers as Record<string, string>)['content-length']);
      if (!(size <= MAX_CODE_BYTES)) throw fc3Errors.entityTooLarge(MAX_CODE_BYTES);
      const got = await oss.get(object);
      return new Uint8Array(got.content as Buffer);
    } catch (err) {
      if (err instanceof FcApiError) throw err;
      const e = err as { code?: string; status?: number };
      // FC 3.0 CreateFunction's documented words; (unconfirmed) status and code.
      throw fc3Errors.invalidArgument(`unable to access object ${object} in bucket ${bucket}: ${e.code ?? e.status ?? 'error'}`);
    }
  }

  private serveCode(res: ServerResponse, path: string, query: URLSearchParams, fn: string): void {
    const expires = query.get('Expires') ?? '';
    const expected = Buffer.from(createHmac('sha256', this.codeKey).update(`${path}\n${expires}`).digest('base64url'));
    const given = Buffer.from(query.get('Signature') ?? '');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new FcApiError(403, 'AccessDenied', 'the code URL is not one GetFunctionCode handed out');
    }
    if (!/^\d{1,12}$/.test(expires) || Number(expires) * 1000 < this.clock.nowMs())
      throw new FcApiError(403, 'AccessDenied', 'the code URL has expired; call GetFunctionCode again');
    const { code } = this.options.model.getFunctionCode(fn);
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(code.length) });
    res.end(Buffer.from(code));
  }

  /**
   * TagResources (body {ResourceId: [ARN], ResourceType, Tag: [{Key, Value}]}), UntagResources and
   * ListTagResources (query ResourceId / Tag as JSON lists, TagKey, All, ResourceType, Limit,
   * NextToken), answered {RequestId, TagResources: [{ResourceId, ResourceType, TagKey, TagValue}],
   * NextToken}: @alicloud/fc20230330 client.js and models (TagResourcesInput, TagResource,
   * ListTagResourcesOutput name these in PascalCase); resourceType "function" (devsapp/fc3 sends FUNCTION to
   * TagResources and function to UntagResources: case is not significant here, unconfirmed).
   */
  private tags(res: ServerResponse, name: Fc3Operation, query: URLSearchParams, body: Buffer, require: (r: AccessRequest) => void): void {
    const m = this.options.model;
    const type = (name === 'TagResources' ? String(parseJson(body).ResourceType ?? 'function') : (query.get('ResourceType') ?? 'function')).toLowerCase();
    if (type !== 'function' && type !== 'aliyun::fc::function' && type !== 'aliyun::fc:function') {
      throw fc3Errors.invalidArgument(`resourceType "${type}" is not a taggable FC 3.0 resource (function)`);
    }
    const ids = (raw: unknown, where: string): string[] => {
      let list = raw;
      if (typeof raw === 'string') {
        try {
          list = JSON.parse(raw);
        } catch {
          throw fc3Errors.invalidArgument(`${where} must be a JSON list of function ARNs`);
        }
      }
      if (!Array.isArray(list) || list.length > 50 || list.some((x) => typeof x !== 'string'))
        throw fc3Errors.invalidArgument(`${where} must be a list of at most 50 function ARNs`);
      return list as string[];
    };
    const authorizeEach = (fns: string[]) => {
      for (const fn of fns) require(fc3AccessFor(name, { fn }, this.options.scope));
    };
    if (name === 'TagResources') {
      const b = parseJson(body);
      const fns = ids(b.ResourceId, 'ResourceId').map((arn) => m.functionOfArn(arn));
      if (fns.length === 0) throw fc3Errors.invalidArgument('resourceId must name at least one function');
      authorizeEach(fns);
      for (const fn of fns) m.tag(fn, b.Tag);
      writeNoContent(res);
      return;
    }
    if (name === 'UntagResources') {
      const fns = ids(query.get('ResourceId') ?? '[]', 'ResourceId').map((arn) => m.functionOfArn(arn));
      authorizeEach(fns);
      const all = query.get('All') === 'true';
      const keys = all ? 'all' : ids(query.get('TagKey') ?? '[]', 'TagKey');
      if (keys !== 'all' && keys.length === 0) throw fc3Errors.invalidArgument('TagKey or All=true is required');
      for (const fn of fns) m.untag(fn, keys);
      writeNoContent(res);
      return;
    }
    const given = query.has('ResourceId') ? ids(query.get('ResourceId'), 'ResourceId').map((arn) => m.functionOfArn(arn)) : m.functionNames();
    authorizeEach(given);
    let filter: { Key: string; Value?: string }[] = [];
    if (query.has('Tag')) {
      try {
        filter = JSON.parse(query.get('Tag')!) as { Key: string; Value?: string }[];
      } catch {
        throw fc3Errors.invalidArgument('Tag must be a JSON list of {key, value}');
      }
      if (!Array.isArray(filter) || filter.length > 20) throw fc3Errors.invalidArgument('Tag holds at most 20 tags');
    }
    const rows = given.flatMap((fn) => {
      const tags = m.tagsOf(fn);
      if (!filter.every((want) => tags.some((t) => t.Key === want.Key && (want.Value === undefined || t.Value === want.Value)))) return [];
      const arn = m.getFunction(fn).functionArn;
      return tags.map((t) => ({ ResourceId: arn, ResourceType: 'function', TagKey: t.Key, TagValue: t.Value }));
    });
    const limit = query.has('Limit') ? Number(query.get('Limit')) : 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw fc3Errors.invalidArgument('Limit must be an integer from 1 to 100');
    const from = Number(query.get('NextToken') ?? '0');
    if (!Number.isInteger(from) || from < 0) throw fc3Errors.invalidArgument('NextToken is not one this API handed out');
    const pageRows = rows.slice(from, from + limit);
    writeJson(res, 200, {
      RequestId: randomUUID(),
      TagResources: pageRows,
      ...(from + limit < rows.length ? { NextToken: String(from + limit) } : {}),
    });
  }
}

function routeOf(method: string, rawPath: string, body: Buffer): Operation {
  const segments = rawPath
    .slice(FC3_PREFIX.length + 1)
    .split('/')
    .map(decode);
  const [head, a, b, c, ...rest] = segments;
  if (rest.length > 0) throw fc3Errors.pathNotSupported(method, rawPath);
  if (head === 'tags-v2' && a === undefined) {
    if (method === 'POST') return { name: 'TagResources', target: {} };
    if (method === 'GET') return { name: 'ListTagResources', target: {} };
    if (method === 'DELETE') return { name: 'UntagResources', target: {} };
  }
  if (head === 'custom-domains' && b === undefined) {
    if (a === undefined) {
      if (method === 'GET') return { name: 'ListCustomDomains', target: {} };
      if (method === 'POST') return { name: 'CreateCustomDomain', target: { domain: String(parseJson(body).domainName ?? '') } };
    } else {
      if (method === 'GET') return { name: 'GetCustomDomain', target: { domain: a } };
      if (method === 'PUT') return { name: 'UpdateCustomDomain', target: { domain: a } };
      if (method === 'DELETE') return { name: 'DeleteCustomDomain', target: { domain: a } };
    }
  }
  if (head === 'functions') {
    if (a === undefined) {
      if (method === 'GET') return { name: 'ListFunctions', target: {} };
      if (method === 'POST') return { name: 'CreateFunction', target: { fn: String(parseJson(body).functionName ?? '') } };
    } else if (b === undefined) {
      if (method === 'GET') return { name: 'GetFunction', target: { fn: a } };
      if (method === 'PUT') return { name: 'UpdateFunction', target: { fn: a } };
      if (method === 'DELETE') return { name: 'DeleteFunction', target: { fn: a } };
    } else if (c === undefined) {
      const by: Record<string, Partial<Record<string, Fc3Operation>>> = {
        code: { GET: 'GetFunctionCode' },
        invocations: { POST: 'InvokeFunction' },
        triggers: { GET: 'ListTriggers', POST: 'CreateTrigger' },
        'async-invoke-config': { PUT: 'PutAsyncInvokeConfig', GET: 'GetAsyncInvokeConfig', DELETE: 'DeleteAsyncInvokeConfig' },
        concurrency: { PUT: 'PutConcurrencyConfig', GET: 'GetConcurrencyConfig', DELETE: 'DeleteConcurrencyConfig' },
      };
      const name = by[b]?.[method];
      if (name === 'CreateTrigger') return { name, target: { fn: a, trigger: String(parseJson(body).triggerName ?? '') } };
      if (name) return { name, target: { fn: a } };
    } else if (b === 'triggers') {
      if (method === 'GET') return { name: 'GetTrigger', target: { fn: a, trigger: c } };
      if (method === 'PUT') return { name: 'UpdateTrigger', target: { fn: a, trigger: c } };
      if (method === 'DELETE') return { name: 'DeleteTrigger', target: { fn: a, trigger: c } };
    }
  }
  throw fc3Errors.pathNotSupported(method, rawPath);
}

/** A trigger as FC 3.0 answers it: triggerConfig a JSON string, status, targetArn, an HTTP trigger's addresses. */
function triggerView(t: Fc3TriggerRecord, origin: string, functionArn: string): Record<string, unknown> {
  const { urlPrefix, triggerConfig, ...rest } = t;
  const url = urlPrefix === undefined ? undefined : `${origin}${FCAPP_PATH}${urlPrefix}`;
  return {
    ...rest,
    triggerConfig: JSON.stringify(triggerConfig),
    status: 'OK',
    targetArn: functionArn,
    ...(url ? { httpTrigger: { urlInternet: url, urlIntranet: url } } : {}),
  };
}

/** The address the caller reached the FC endpoint at. */
function originOf(req: IncomingMessage): string {
  const local = req.socket.localAddress ?? '127.0.0.1';
  const host = local.startsWith('::ffff:') ? local.slice(7) : local;
  return `http://${host.includes(':') ? `[${host}]` : host}:${req.socket.localPort}`;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw fc3Errors.invalidArgument('malformed percent-encoding in the path');
  }
}

function parseJson(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw fc3Errors.invalidArgument('the request body is not JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw fc3Errors.invalidArgument('the request body must be a JSON object');
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
  const requestId = randomUUID();
  res.writeHead(err.status, { 'content-type': 'application/json', 'x-fc-request-id': requestId });
  res.end(JSON.stringify({ Code: err.code, Message: err.message, RequestId: requestId }));
}
