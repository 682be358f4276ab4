// The OSS API without node:http: names the operation, counts it, applies injected faults,
// authenticates, runs the handler and renders OSS errors. The server only converts.
import { randomBytes } from 'node:crypto';
import { FaultInjector } from '../shared/faults';
import { Counter } from '../shared/stats';
import { accessLogRecord, type OssAccessLogRecord } from './access-log';
import * as buckets from './bucket-operations';
import { header, type LogFacts, type OperationContext, type OssConfig, type OssRequest, type OssResponse } from './context';
import { ossEventRecord, type OssEventName, type OssEventRecord } from './events';
import { OssError, ossErrors, renderErrorXml } from './errors';
import { NULL_VERSION_ID, OssStore, type ObjectVersion } from './model';
import * as objects from './object-operations';
import { hostName, resolveAddressing, type Addressing } from './request';
import { RestorePhase, restorePhase } from './restore';
import { SignType, authenticate, type Principal } from './signature';
import { httpDate } from './xml';

/** 24 upper-case hex digits, like OSS's x-oss-request-id. */
export function newRequestId(): string {
  return randomBytes(12).toString('hex').toUpperCase();
}

type Handler = (ctx: OperationContext, bucket: string, key: string) => OssResponse;

interface Route {
  /** The operation name, as stats, faults and the access log name it. */
  readonly operation: string;
  readonly handler?: Handler;
}

const notImplemented = (operation: string): Route => ({ operation });

/**
 * OSS operation for a method, address and sub-resource. Unknown combinations get a name and no
 * handler: MethodNotAllowed or NotImplemented, as OSS answers.
 */
export function routeRequest(method: string, address: Addressing, req: OssRequest): Route | OssError {
  const q = req.query;
  if (address.bucket === undefined) {
    if (method === 'GET') return { operation: 'ListBuckets', handler: (ctx) => buckets.listBuckets(ctx) };
    return ossErrors.methodNotAllowed(method, 'Service');
  }
  if (address.key === undefined) {
    switch (method) {
      case 'PUT':
        if (q.has('versioning')) return { operation: 'PutBucketVersioning', handler: (ctx, b) => buckets.putBucketVersioning(ctx, b) };
        if (q.has('acl')) return notImplemented('PutBucketAcl');
        if (q.entries.length > 0) return notImplemented('Unknown');
        return { operation: 'PutBucket', handler: (ctx, b) => buckets.putBucket(ctx, b) };
      case 'GET':
        if (q.has('versioning')) return { operation: 'GetBucketVersioning', handler: (ctx, b) => buckets.getBucketVersioning(ctx, b) };
        if (q.has('versions')) return { operation: 'ListObjectVersions', handler: (ctx, b) => buckets.listObjectVersions(ctx, b) };
        if (q.has('location')) return { operation: 'GetBucketLocation', handler: (ctx, b) => buckets.getBucketLocation(ctx, b) };
        if (q.has('bucketInfo')) return { operation: 'GetBucketInfo', handler: (ctx, b) => buckets.getBucketInfo(ctx, b) };
        if (q.has('acl')) return notImplemented('GetBucketAcl');
        if (q.get('list-type') === '2') return { operation: 'ListObjectsV2', handler: (ctx, b) => buckets.listObjectsV2(ctx, b) };
        if (q.entries.some(([name]) => !LIST_PARAMS.has(name))) return notImplemented('Unknown');
        return { operation: 'ListObjects', handler: (ctx, b) => buckets.listObjects(ctx, b) };
      case 'DELETE':
        if (q.entries.length > 0) return notImplemented('Unknown');
        return { operation: 'DeleteBucket', handler: (ctx, b) => buckets.deleteBucket(ctx, b) };
      case 'POST':
        if (q.has('delete')) return notImplemented('DeleteMultipleObjects');
        return ossErrors.methodNotAllowed(method, 'Bucket');
      default:
        return ossErrors.methodNotAllowed(method, 'Bucket');
    }
  }
  switch (method) {
    case 'GET':
      if (q.has('acl')) return notImplemented('GetObjectAcl');
      if (q.has('tagging')) return notImplemented('GetObjectTagging');
      if (q.has('symlink')) return notImplemented('GetSymlink');
      return { operation: 'GetObject', handler: objects.getObject };
    case 'HEAD':
      if (q.has('objectMeta')) return { operation: 'GetObjectMeta', handler: objects.getObjectMeta };
      return { operation: 'HeadObject', handler: objects.headObject };
    case 'PUT':
      if (q.has('acl')) return notImplemented('PutObjectAcl');
      if (q.has('tagging')) return notImplemented('PutObjectTagging');
      if (q.has('symlink')) return notImplemented('PutSymlink');
      if (q.has('partNumber') || q.has('uploadId')) return notImplemented('UploadPart');
      if (header(req, 'x-oss-copy-source') !== undefined) return { operation: 'CopyObject', handler: objects.copyObject };
      return { operation: 'PutObject', handler: objects.putObject };
    case 'DELETE':
      if (q.has('tagging')) return notImplemented('DeleteObjectTagging');
      if (q.has('uploadId')) return notImplemented('AbortMultipartUpload');
      return { operation: 'DeleteObject', handler: objects.deleteObject };
    case 'POST':
      if (q.has('restore')) return { operation: 'RestoreObject', handler: objects.restoreObject };
      if (q.has('cleanRestoredObject')) return { operation: 'CleanRestoredObject', handler: objects.cleanRestoredObject };
      if (q.has('append')) return notImplemented('AppendObject');
      if (q.has('uploads') || q.has('uploadId')) return notImplemented('MultipartUpload');
      return ossErrors.methodNotAllowed(method, 'Object');
    default:
      return ossErrors.methodNotAllowed(method, 'Object');
  }
}

const LIST_PARAMS = new Set(['prefix', 'marker', 'max-keys', 'delimiter', 'encoding-type']);

export interface OssStats {
  operations: Record<string, number>;
  /** RestoreObject calls per "<bucket>/<key>", whatever the answer. */
  restores: Record<string, number>;
}

/** What the server must do with the connection. */
export type ServiceAnswer = { kind: 'respond'; response: OssResponse; latencyMs: number } | { kind: 'reset'; latencyMs: number };

export interface ServiceHooks {
  onAccessLog?: (record: OssAccessLogRecord) => void;
  onEvent?: (event: OssEventRecord) => void;
}

export class OssService {
  readonly store = new OssStore();
  readonly faults: FaultInjector;
  private readonly operations = new Counter();
  private readonly restores = new Counter();

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
    try {
      address = resolveAddressing(hostHeader, req.rawPath);
      const route = routeRequest(req.method, address, req);
      if (route instanceof OssError) throw route;
      operation = route.operation;
      this.operations.add(operation);
      counted = true;
      if (operation === 'RestoreObject') this.restores.add(`${address.bucket}/${address.key}`);

      const fault = this.faults.decide(operation);
      latencyMs = fault.latencyMs;
      // A reset connection was never answered, so it leaves no access-log record.
      if (fault.kind === 'reset') return { kind: 'reset', latencyMs };
      if (fault.kind === 'error') throw ossErrors.serviceUnavailable();

      principal = authenticate(
        { method: req.method, headers: req.headers, bucket: address.bucket, key: address.key, query: req.query },
        this.config.credentials,
        this.config.clock.nowMs(),
      );
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
    return { kind: 'respond', response, latencyMs };
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
    };
  }

  private emit(
    eventName: OssEventName,
    version: ObjectVersion,
    deltaSize: number,
    origin: { nowMs: number; requestId: string; sourceIp: string; principalId: string },
  ): void {
    if (!this.hooks.onEvent) return;
    const bucket = this.store.bucket(version.bucket);
    const record = ossEventRecord({
      eventName,
      nowMs: origin.nowMs,
      region: this.config.region,
      ownerId: this.config.ownerId,
      bucket: version.bucket,
      key: version.key,
      size: version.body.length,
      deltaSize,
      etag: version.etag,
      versionId: bucket.versioning === undefined && version.versionId === NULL_VERSION_ID ? undefined : version.versionId,
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
    });
    try {
      this.hooks.onAccessLog(record);
    } catch (err) {
      process.stderr.write(`${JSON.stringify({ level: 'warn', msg: 'onAccessLog hook threw', error: String(err) })}\n`);
    }
  }
}
