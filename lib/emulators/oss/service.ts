// The OSS API without node:http: names the operation, counts it, applies injected faults,
// authenticates, runs the handler and renders OSS errors. The server only converts.
import { randomBytes } from 'node:crypto';
import { FaultInjector, FaultKind } from '../shared/faults';
import { Counter } from '../shared/stats';
import { accessLogRecord, userDefinedLogFields, type OssAccessLogRecord, type UserDefinedLogFields } from './access-log';
import { header, type EventObject, type LogFacts, type OperationContext, type OssConfig, type OssRequest, type OssResponse } from './context';
import { ossEventRecord, type OssEventName, type OssEventRecord } from './events';
import { OssError, ossErrors, renderErrorXml } from './errors';
import { NULL_VERSION_ID, OssStore, type ObjectVersion } from './model';
import { hostName, resolveAddressing, type Addressing } from './request';
import { RestorePhase, restorePhase } from './restore';
import { routeRequest } from './routes';
import type { Principal as Identity, SigningKey } from '../shared/access';
import { batchDeleteRequests, copySourceRequest, ossAccessRequest } from './authorization';
import { objectsNamedIn } from './batch-delete';
import { SignType, authenticate, type KeyLookup, type Principal } from './signature';
import { httpDate } from './xml';

/** 24 upper-case hex digits, like OSS's x-oss-request-id. */
export function newRequestId(): string {
  return randomBytes(12).toString('hex').toUpperCase();
}

export interface OssStats {
  operations: Record<string, number>;
  /** RestoreObject calls per "<bucket>/<key>", whatever the answer. */
  restores: Record<string, number>;
}

/**
 * What the server must do with the connection: answer, destroy it (a reset, before or after the
 * request was applied), or hold it unanswered (an answer lost after the request was applied).
 */
export type ServiceAnswer =
  | { kind: 'respond'; response: OssResponse; latencyMs: number }
  | { kind: 'reset'; latencyMs: number }
  | { kind: 'drop'; latencyMs: number };

export interface ServiceHooks {
  onAccessLog?: (record: OssAccessLogRecord) => void;
  onEvent?: (event: OssEventRecord) => void;
}

interface EventOrigin {
  nowMs: number;
  requestId: string;
  sourceIp: string;
  principalId: string;
}

export class OssService {
  readonly store = new OssStore();
  readonly faults: FaultInjector;
  private readonly operations = new Counter();
  private readonly restores = new Counter();
  /** PutUserDefinedLogFieldsConfig, per bucket: request headers and query parameters to log. */
  readonly logFields = new Map<string, UserDefinedLogFields>();

  constructor(
    readonly config: OssConfig,
    private readonly hooks: ServiceHooks = {},
    faults = new FaultInjector(),
  ) {
    this.faults = faults;
  }

  stats(): OssStats {
    return { operations: this.operations.toJSON(), restores: this.restores.toJSON() };
  }

  resetStats(): void {
    this.operations.reset();
    this.restores.reset();
  }

  /**
   * Processes due transitions against the clock: announces finished restores
   * (ObjectRestore:FinishRestore) and drops restores whose restored period has lapsed.
   */
  tick(): void {
    const nowMs = this.config.clock.nowMs();
    for (const version of this.store.restoredVersions()) {
      const restore = version.restore;
      if (!restore) continue;
      if (!version.restoreAnnounced && nowMs >= restore.completesAtMs) {
        version.restoreAnnounced = true;
        const origin = version.restoreOrigin;
        this.emit('ObjectRestore:FinishRestore', version, 0, {
          nowMs: restore.completesAtMs,
          requestId: origin?.requestId ?? newRequestId(),
          sourceIp: origin?.sourceIp ?? '127.0.0.1',
          principalId: origin?.principalId ?? this.config.ownerId,
        });
      }
      if (restorePhase(restore, nowMs) === RestorePhase.Frozen) {
        version.restore = undefined;
        version.restoreOrigin = undefined;
        version.restoreAnnounced = undefined;
      }
    }
  }

  async handle(req: OssRequest): Promise<ServiceAnswer> {
    this.tick();
    const hostHeader = header(req, 'host') ?? '';
    const hostId = hostName(hostHeader);
    const facts: LogFacts = {};
    let operation = 'Unknown';
    let address: Addressing | undefined;
    let principal: Principal | undefined;
    let latencyMs = 0;
    let response: OssResponse;
    let errorCode: string | undefined;

    let counted = false;
    let fault: ReturnType<FaultInjector['decide']> | undefined;
    try {
      address = resolveAddressing(hostHeader, req.rawPath);
      const route = routeRequest(req.method, address, req);
      if (route instanceof OssError) throw route;
      operation = route.operation;
      this.operations.add(operation);
      counted = true;
      if (operation === 'RestoreObject') this.restores.add(`${address.bucket}/${address.key}`);

      fault = this.faults.decide(operation);
      latencyMs = fault.latencyMs;
      // A reset connection was never answered, so it leaves no access-log record.
      if (fault.kind === FaultKind.Reset) return { kind: 'reset', latencyMs };
      if (fault.kind === FaultKind.Error) throw ossErrors.serviceUnavailable();

      let signer: SigningKey | undefined;
      const lookup: KeyLookup = (accessKeyId) => {
        const key = this.config.access.key(accessKeyId, this.config.clock.nowMs());
        if (key === undefined) throw ossErrors.invalidAccessKeyId(accessKeyId);
        if (key === 'expired') throw ossErrors.securityTokenExpired();
        signer = key;
        return key;
      };
      principal = authenticate(
        { method: req.method, headers: req.headers, bucket: address.bucket, key: address.key, query: req.query },
        lookup,
        this.config.clock.nowMs(),
        { signingRegion: this.signingRegion() },
      );
      if (signer) this.authorize(operation, address, req, signer.principal);
      if (!route.handler) throw ossErrors.notImplemented();
      const ctx = this.context(req, facts);
      response = route.handler(ctx, address.bucket ?? '', address.key ?? '');
    } catch (err) {
      const error = err instanceof OssError ? err : ossErrors.internalError();
      if (!(err instanceof OssError)) {
        process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'oss emulator handler failed', requestId: req.requestId, error: String(err) })}\n`);
      }
      // Requests OSS cannot even route (bad URI, unsupported method) are counted as "Unknown".
      if (!counted) this.operations.add(operation);
      errorCode = error.code;
      response = this.errorResponse(req, error, hostId);
    }

    this.finish(req, response);
    this.log(req, {
      operation,
      address,
      principal,
      status: response.status,
      errorCode,
      facts,
      responseBodyLength: response.body?.length ?? 0,
    });
    // Lost acknowledgements: the request was applied (and logged, as OSS logs what it served),
    // then the answer never reaches the client.
    if (fault?.kind === FaultKind.AckReset) return { kind: 'reset', latencyMs };
    if (fault?.kind === FaultKind.AckDrop) return { kind: 'drop', latencyMs };
    return { kind: 'respond', response, latencyMs };
  }

  private signingRegion(): string {
    return this.config.region.replace(/^oss-/, '');
  }

  /**
   * RAM authorization of the operation (authorization.ts), then of a copy's source. The owner's key
   * passes; a RAM user or role needs an Allow and no Deny.
   */
  private authorize(operation: string, address: Addressing, req: OssRequest, identity: Identity): void {
    const region = this.signingRegion();
    const context = { 'acs:SourceIp': req.clientIp, 'acs:SecureTransport': 'false', 'acs:CurrentTime': new Date(this.config.clock.nowMs()).toISOString() };
    const request = ossAccessRequest(operation, { region, ownerId: this.config.ownerId, bucket: address.bucket, key: address.key }, req.query, context);
    const checks = request ? [request] : [];
    if (operation === 'DeleteMultipleObjects' && address.bucket !== undefined) {
      checks.push(...batchDeleteRequests(region, this.config.ownerId, address.bucket, objectsNamedIn(req.body), context));
    }
    const source = header(req, 'x-oss-copy-source');
    if (source !== undefined && (operation === 'CopyObject' || operation === 'UploadPartCopy')) {
      const parsed = parseCopySource(source);
      if (parsed) checks.push({ ...copySourceRequest(region, this.config.ownerId, parsed), context });
    }
    for (const check of checks) {
      const decision = this.config.access.authorize(identity, check);
      if (decision.allowed) continue;
      throw ossErrors.accessDeniedByPolicy(decision.explicit, {
        action: check.action,
        ownerId: identity.accountId,
        principalType: identity.kind === 'user' ? 'SubUser' : identity.kind === 'role' ? 'AssumedRoleUser' : 'Account',
        principalName:
          identity.kind === 'user' ? identity.userName : identity.kind === 'role' ? `${identity.roleName}:${identity.sessionName}` : identity.accountId,
        ...(address.bucket ? { bucket: address.bucket } : {}),
      });
    }
  }

  private context(req: OssRequest, facts: LogFacts): OperationContext {
    const nowMs = this.config.clock.nowMs();
    return {
      req,
      nowMs,
      principalId: this.config.ownerId,
      facts,
      store: this.store,
      config: this.config,
      emit: (eventName, version, deltaSize) =>
        this.emit(eventName, version, deltaSize, { nowMs, requestId: req.requestId, sourceIp: req.clientIp, principalId: this.config.ownerId }),
      emitFor: (eventName, object) =>
        this.announce(eventName, object, undefined, object.size, { nowMs, requestId: req.requestId, sourceIp: req.clientIp, principalId: this.config.ownerId }),
    };
  }

  private emit(eventName: OssEventName, version: ObjectVersion, deltaSize: number, origin: EventOrigin): void {
    const bucket = this.store.bucket(version.bucket);
    const versionId = bucket.versioning === undefined && version.versionId === NULL_VERSION_ID ? undefined : version.versionId;
    this.announce(eventName, { bucket: version.bucket, key: version.key, size: version.body.length, etag: version.etag }, versionId, deltaSize, origin);
  }

  private announce(eventName: OssEventName, object: EventObject, versionId: string | undefined, deltaSize: number, origin: EventOrigin): void {
    if (!this.hooks.onEvent) return;
    const record = ossEventRecord({
      eventName,
      nowMs: origin.nowMs,
      region: this.config.region,
      ownerId: this.config.ownerId,
      bucket: object.bucket,
      key: object.key,
      size: object.size,
      deltaSize,
      etag: object.etag,
      versionId,
      requestId: origin.requestId,
      sourceIp: origin.sourceIp,
      principalId: origin.principalId,
    });
    try {
      this.hooks.onEvent(record);
    } catch (err) {
      process.stderr.write(`${JSON.stringify({ level: 'warn', msg: 'onEvent hook threw', error: String(err) })}\n`);
    }
  }

  private errorResponse(req: OssRequest, error: OssError, hostId: string): OssResponse {
    const xml = Buffer.from(renderErrorXml(error, req.requestId, hostId), 'utf8');
    const headers: Record<string, string> = { 'Content-Type': 'application/xml', 'x-oss-ec': error.ec };
    // HEAD answers carry no body: OSS puts the error document, base64, in x-oss-err.
    if (req.method === 'HEAD') {
      headers['x-oss-err'] = xml.toString('base64');
      return { status: error.status, headers };
    }
    return { status: error.status, headers, body: xml };
  }

  /** Headers every OSS answer carries. */
  private finish(req: OssRequest, response: OssResponse): void {
    const nowMs = this.config.clock.nowMs();
    response.headers = {
      Server: 'AliyunOSS',
      Date: httpDate(nowMs),
      'x-oss-request-id': req.requestId,
      'x-oss-server-time': String(Math.max(0, nowMs - req.receivedAtMs)),
      ...response.headers,
    };
    if (req.method !== 'HEAD' || response.headers['Content-Length'] === undefined) {
      response.headers['Content-Length'] = String(response.body?.length ?? 0);
    }
  }

  private log(
    req: OssRequest,
    r: {
      operation: string;
      address: Addressing | undefined;
      principal: Principal | undefined;
      status: number;
      errorCode: string | undefined;
      facts: LogFacts;
      responseBodyLength: number;
    },
  ): void {
    if (!this.hooks.onAccessLog) return;
    const headerLength = Object.entries(req.headers).reduce(
      (n, [name, value]) => n + name.length + 4 + (Array.isArray(value) ? value.join(',').length : (value ?? '').length),
      req.method.length + req.rawUrl.length + 12,
    );
    const record = accessLogRecord({
      receivedAtMs: req.receivedAtMs,
      finishedAtMs: this.config.clock.nowMs(),
      requestId: req.requestId,
      operation: r.operation,
      bucket: r.address?.bucket,
      key: r.address?.key,
      rawUrl: req.rawUrl,
      method: req.method,
      status: r.status,
      errorCode: r.errorCode,
      clientIp: req.clientIp,
      host: header(req, 'host') ?? '',
      userAgent: header(req, 'user-agent') ?? '',
      referer: header(req, 'referer') ?? '',
      accessKeyId: r.principal?.accessKeyId,
      signType: r.principal?.signType ?? (header(req, 'authorization') ? SignType.Header : SignType.None),
      ownerId: this.config.ownerId,
      region: this.config.region,
      objectSize: r.facts.objectSize,
      requestBodyLength: req.body.length,
      requestHeaderLength: headerLength,
      responseBodyLength: r.responseBodyLength,
      storageClass: r.facts.storageClass,
      deltaDataSize: r.facts.deltaDataSize,
      restorePriority: r.facts.restorePriority,
      userDefinedLogFields: r.address?.bucket === undefined ? undefined : userDefinedLogFields(this.logFields.get(r.address.bucket), req.headers, req.query),
    });
    try {
      this.hooks.onAccessLog(record);
    } catch (err) {
      process.stderr.write(`${JSON.stringify({ level: 'warn', msg: 'onAccessLog hook threw', error: String(err) })}\n`);
    }
  }
}

/** `x-oss-copy-source: /<bucket>/<url-encoded key>[?versionId=<id>]` (CopyObject reference). */
function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } | undefined {
  const [path, query] = value.split('?', 2) as [string, string | undefined];
  const m = /^\/?([^/]+)\/(.+)$/.exec(path);
  if (!m) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(m[2]!);
  } catch {
    return undefined;
  }
  const versionId = query ? (new URLSearchParams(query).get('versionId') ?? undefined) : undefined;
  return { bucket: m[1]!, key, ...(versionId ? { versionId } : {}) };
}
