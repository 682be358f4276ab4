// The HTTP face of the emulator. Data plane: POST /<Operation> with a signed protobuf body,
// answered as the service answers (protobuf body, x-ots-* headers, signed `authorization`).
// Control plane under /-/, signed with the account owner's key (../shared/control.ts): GET /-/stats,
// POST /-/stats/reset, POST /-/faults (a FaultPlan as JSON), DELETE /-/faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AccessControl, Principal, SigningKey } from '../shared/access';
import type { EmulatorClock as Clock } from '../shared/clock';
import { controlRefusal } from '../shared/control';
import { FaultKind, type FaultInjector, type FaultPlan } from '../shared/faults';
import { BodyTooLargeError, HeldConnections, readBody } from '../shared/http';
import { Counter } from '../shared/stats';
import { OtsError, otsErrors } from './errors';
import { otsAccessRequests } from './authorization';
import type { Instance, NetworkType } from './instance';
import { OPERATIONS, isOperationName } from './operations';
import type { SnapshotFile } from './persistence';
import { encodeErrorBody, encodeMessage } from './protocol';
import { authenticateRequest, contentMd5, responseAuthorization, type Credential } from './signature';
import { LIMITS } from './validation';

export interface TablestoreStatsJson {
  readonly operations: Record<string, number>;
  readonly conditionFailures: number;
  readonly errors: Record<string, number>;
  readonly faults: Record<string, number>;
}

/** Counters behind GET /-/stats: calls by operation, answers by error code, injected faults. */
export class TablestoreStats {
  readonly operations = new Counter();
  readonly errors = new Counter();
  readonly faults = new Counter();
  conditionFailures = 0;

  toJSON(): TablestoreStatsJson {
    return {
      operations: this.operations.toJSON(),
      conditionFailures: this.conditionFailures,
      errors: this.errors.toJSON(),
      faults: this.faults.toJSON(),
    };
  }

  reset(): void {
    this.operations.reset();
    this.errors.reset();
    this.faults.reset();
    this.conditionFailures = 0;
  }
}

export interface ServerContext {
  readonly instance: Instance;
  /** Who may sign and what each identity may do (the RAM account, or fullAccess when standalone). */
  readonly access: AccessControl;
  /** Named in RAM resources: acs:ots:<region>:<ownerId>:instance/… */
  readonly region: string;
  readonly ownerId: string;
  /** Time for data: cell versions, time_to_live, auto-increment. */
  readonly clock: Clock;
  /** Time the client's x-ots-date is compared with, and response dates (the client's wall clock). */
  readonly wallClock: Clock;
  readonly faults: FaultInjector;
  /** Seed used when a fault plan posted to /-/faults has none. */
  readonly defaultSeed: number;
  readonly stats: TablestoreStats;
  readonly snapshot?: SnapshotFile;
  readonly nextRequestId: () => string;
  /** Connections whose answer an ack-drop fault withheld. */
  readonly held?: HeldConnections;
}

/** "2020-09-16T10:02:55.384181Z": the service's format, microseconds included. */
function otsDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

function sendOts(
  ctx: ServerContext,
  res: ServerResponse,
  status: number,
  body: Buffer,
  path: string,
  signer: Credential | undefined,
  extra: Record<string, string> = {},
): void {
  const headers: Record<string, string> = {
    'x-ots-contentmd5': contentMd5(body),
    'x-ots-contenttype': 'protocol buffer',
    'x-ots-date': otsDate(ctx.wallClock.nowMs()),
    'x-ots-requestid': ctx.nextRequestId(),
  };
  if (signer) headers.authorization = responseAuthorization(signer.accessKeyId, signer.accessKeySecret, path, headers);
  res.writeHead(status, { ...headers, ...extra, 'content-length': String(body.length) });
  res.end(body);
}

function sendError(ctx: ServerContext, res: ServerResponse, err: OtsError, path: string, signer: Credential | undefined, extra?: Record<string, string>): void {
  ctx.stats.errors.add(err.code);
  // An authentication failure is not signed: the service cannot vouch for a key it rejected.
  const sign = err.code === 'OTSAuthFailed' ? undefined : signer;
  sendOts(ctx, res, err.httpStatus, encodeErrorBody(err.code, err.message), path, sign, extra);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = status === 204 ? '' : JSON.stringify(value);
  res.writeHead(status, status === 204 ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

async function controlPlane(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  let body: Buffer;
  try {
    body = await readBody(req, 1024 * 1024);
  } catch {
    return sendJson(res, 413, { error: { code: 'BodyTooLarge', message: 'control-plane bodies are at most 1 MiB' } });
  }
  const refusal = controlRefusal(ctx.access, req.headers.authorization, method, path, body, ctx.clock.nowMs());
  if (refusal !== undefined) return sendJson(res, 401, { error: { code: 'Unauthorized', message: refusal } });
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /-/stats':
      return sendJson(res, 200, ctx.stats.toJSON());
    case 'POST /-/stats/reset':
      ctx.stats.reset();
      return sendJson(res, 204, undefined);
    case 'POST /-/faults': {
      let plan: FaultPlan;
      try {
        plan = JSON.parse(body.toString('utf8')) as FaultPlan;
        if (!plan || !Array.isArray(plan.rules)) throw new TypeError('a fault plan needs a "rules" array');
        ctx.faults.configure({ seed: plan.seed ?? ctx.defaultSeed, rules: plan.rules });
      } catch (err) {
        return sendJson(res, 400, { error: { code: 'InvalidFaultPlan', message: (err as Error).message } });
      }
      return sendJson(res, 204, undefined);
    }
    case 'GET /-/faults':
      return sendJson(res, 200, ctx.faults.describe());
    case 'DELETE /-/faults':
      ctx.faults.clear();
      return sendJson(res, 204, undefined);
    default:
      return sendJson(res, 404, { error: { code: 'NotFound', message: `no control route ${route}` } });
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A key the access control knows and that has not expired, to sign error answers with. */
function knownKeyOf(ctx: ServerContext, accessKeyId: string | undefined): Credential | undefined {
  const key = accessKeyId === undefined ? undefined : ctx.access.key(accessKeyId, ctx.clock.nowMs());
  return key === undefined || key === 'expired' ? undefined : key;
}

async function dataPlane(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, path: string, network: NetworkType): Promise<void> {
  const operation = path.slice(1);
  // Used to sign error answers when the caller's key is one we know.
  const knownKey = knownKeyOf(ctx, headerValue(req, 'x-ots-accesskeyid'));
  let body: Buffer;
  try {
    body = await readBody(req, LIMITS.requestBodyBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      sendError(ctx, res, otsErrors.requestBodyTooLarge(), path, knownKey, { connection: 'close' });
      return;
    }
    throw err;
  }
  if (req.method !== 'POST') return sendError(ctx, res, otsErrors.methodNotAllowed(), path, knownKey);
  const spec = isOperationName(operation) ? OPERATIONS[operation] : undefined;
  if (!spec) return sendError(ctx, res, otsErrors.unsupportedOperation(operation), path, knownKey);

  ctx.stats.operations.add(operation);
  const fault = ctx.faults.decide(operation);
  if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
  if (fault.kind === FaultKind.Reset) {
    ctx.stats.faults.add('reset');
    req.socket.destroy();
    return;
  }
  if (fault.kind === FaultKind.Error) {
    ctx.stats.faults.add('error');
    return sendError(ctx, res, otsErrors.serverBusy(), path, knownKey);
  }

  let signer: Credential | undefined;
  let signingKey: SigningKey | undefined;
  try {
    signer = authenticateRequest({
      path,
      method: req.method,
      headers: req.headers,
      body,
      instanceName: ctx.instance.name,
      lookup: (accessKeyId) => {
        const key = ctx.access.key(accessKeyId, ctx.clock.nowMs());
        if (key === undefined) throw otsErrors.accessKeyNotFound();
        if (key === 'expired') throw otsErrors.securityTokenExpired();
        signingKey = key;
        return key;
      },
      wallNowMs: ctx.wallClock.nowMs(),
    });
    // Network ACL ("Network ACL"; error code table: OTSAuthFailed "Request denied by instance ACL
    // policies."), checked after the signature (unconfirmed order).
    if (!ctx.instance.networkTypeAcl.has(network)) throw otsErrors.deniedByInstanceAcl();
    if (signingKey) authorize(ctx, operation, body, signingKey.principal);
    const result = spec.handle(
      {
        instance: ctx.instance,
        nowMs: ctx.clock.nowMs(),
        onConditionFailure: () => {
          ctx.stats.conditionFailures += 1;
        },
      },
      body,
    );
    if (spec.mutates) ctx.snapshot?.scheduleSave(ctx.instance);
    if (loseAnswer(ctx, req, fault.kind)) return;
    sendOts(ctx, res, 200, encodeMessage(spec.response, result), path, signer);
  } catch (err) {
    if (loseAnswer(ctx, req, fault.kind)) return;
    if (err instanceof OtsError) return sendError(ctx, res, err, path, signer ?? knownKey);
    // Never crash and never leak internals: the client sees the service's generic 500.
    process.emitWarning(`tablestore emulator: ${operation} failed: ${(err as Error).stack ?? String(err)}`);
    return sendError(ctx, res, otsErrors.internalServerError(), path, signer ?? knownKey);
  }
}

/** RAM authorization (authorization.ts): every table the request names; the owner's key passes. */
function authorize(ctx: ServerContext, operation: string, body: Uint8Array, principal: Principal): void {
  const context = { 'acs:SecureTransport': 'false', 'acs:CurrentTime': new Date(ctx.clock.nowMs()).toISOString() };
  for (const request of otsAccessRequests(operation, { region: ctx.region, ownerId: ctx.ownerId, instance: ctx.instance.name }, body, context)) {
    if (!ctx.access.authorize(principal, request).allowed) throw otsErrors.noPermission();
  }
}

/**
 * Lost acknowledgements: the request was applied (and saved), then its answer never arrives —
 * the connection is destroyed, or held unanswered until the client gives up.
 */
function loseAnswer(ctx: ServerContext, req: IncomingMessage, kind: FaultKind): boolean {
  if (kind === FaultKind.AckReset) {
    ctx.stats.faults.add(kind);
    req.socket.destroy();
    return true;
  }
  if (kind === FaultKind.AckDrop) {
    ctx.stats.faults.add(kind);
    (ctx.held ?? new HeldConnections()).hold(req.socket);
    return true;
  }
  return false;
}

/**
 * One listener of the instance: the public endpoint (requests arrive from the Internet) or the VPC
 * endpoint (from the instance's VPC); the instance's network ACL decides which may reach it.
 */
export function createTablestoreServer(ctx: ServerContext, network: NetworkType = 'INTERNET'): Server {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const work = path.startsWith('/-/') ? controlPlane(ctx, req, res, path) : dataPlane(ctx, req, res, path, network);
    work.catch((err: unknown) => {
      process.emitWarning(`tablestore emulator: request failed: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) {
        res.writeHead(500);
        res.end();
      } else {
        res.destroy();
      }
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return server;
}
