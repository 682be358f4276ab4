// PutObject, CopyObject, GetObject, HeadObject, GetObjectMeta, DeleteObject, RestoreObject and
// CleanRestoredObject, answering as OSS does (FACTS.md for the archive rules).
import { createHash } from 'node:crypto';
import { isArchiveClass, isStorageClass, type StorageClass } from '../../restore/storage-class';
import { emptyResponse, header, objectHeaders, versionHeaders, xmlResponse, type OperationContext, type OssResponse } from './context';
import { ossErrors } from './errors';
import type { Bucket, ObjectVersion } from './model';
import { isValidObjectKey } from './request';
import { RestorePhase, isReadable, parseRestoreRequest, planRestore, restorePhase } from './restore';
import { el, httpDate, isoDate } from './xml';

function checkKey(key: string): void {
  if (!isValidObjectKey(key)) throw ossErrors.invalidObjectName(key);
}

function storageClassHeader(ctx: OperationContext, fallback: StorageClass): StorageClass {
  const raw = header(ctx.req, 'x-oss-storage-class');
  if (raw === undefined) return fallback;
  // Unconfirmed message; OSS answers InvalidArgument for a class it does not know.
  if (!isStorageClass(raw)) throw ossErrors.invalidArgument('Invalid storage class.', 'x-oss-storage-class', raw);
  return raw;
}

function userMetaFrom(ctx: OperationContext): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (name.startsWith('x-oss-meta-') && value !== undefined) {
      meta[name.slice('x-oss-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  return meta;
}

/** The version a request names: ?versionId=…, else the current one. Delete markers are not objects. */
function selectVersion(ctx: OperationContext, bucket: Bucket, key: string): ObjectVersion {
  const versionId = ctx.req.query.get('versionId');
  if (versionId !== undefined) {
    const version = ctx.store.version(bucket.name, key, versionId);
    if (!version) throw ossErrors.noSuchVersion(key, versionId);
    if (version.deleteMarker) throw ossErrors.deleteMarkerNotReadable(ctx.req.method);
    return version;
  }
  const current = ctx.store.current(bucket.name, key);
  if (!current || current.deleteMarker) throw ossErrors.noSuchKey(key);
  return current;
}

function describe(ctx: OperationContext, version: ObjectVersion): void {
  ctx.facts.objectSize = version.body.length;
  ctx.facts.storageClass = version.storageClass;
}

export function putObject(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  checkKey(key);
  const bucket = ctx.store.bucket(bucketName);
  const storageClass = storageClassHeader(ctx, bucket.storageClass);
  const body = ctx.req.body;
  const md5 = createHash('md5').update(body).digest('base64');
  const declared = header(ctx.req, 'content-md5');
  if (declared !== undefined && declared !== md5) throw ossErrors.invalidDigest();

  const previous = ctx.store.current(bucketName, key);
  const version = ctx.store.put(
    bucketName,
    key,
    {
      body,
      storageClass,
      contentType: header(ctx.req, 'content-type') || 'application/octet-stream',
      userMeta: userMetaFrom(ctx),
    },
    ctx.nowMs,
  );
  const delta = body.length - (bucket.versioning === undefined && previous && !previous.deleteMarker ? previous.body.length : 0);
  describe(ctx, version);
  ctx.facts.deltaDataSize = delta;
  ctx.emit('ObjectCreated:PutObject', version, delta);
  return emptyResponse(200, { ETag: `"${version.etag}"`, 'Content-MD5': md5, ...versionHeaders(bucket, version) });
}

/** `x-oss-copy-source: /bucket/key[?versionId=…]`, URL-encoded. */
function parseCopySource(raw: string): { bucket: string; key: string; versionId: string | undefined } {
  const [pathPart = '', queryPart] = raw.split('?', 2);
  const path = pathPart.startsWith('/') ? pathPart.slice(1) : pathPart;
  const slash = path.indexOf('/');
  const invalid = () => ossErrors.invalidArgument('Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.', 'x-oss-copy-source', raw);
  if (slash <= 0 || slash === path.length - 1) throw invalid();
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(path.slice(0, slash));
    key = decodeURIComponent(path.slice(slash + 1));
  } catch {
    throw invalid();
  }
  const versionMatch = queryPart ? /(?:^|&)versionId=([^&]*)/.exec(queryPart) : null;
  return { bucket, key, versionId: versionMatch ? decodeURIComponent(versionMatch[1]!) : undefined };
}

export function copyObject(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  checkKey(key);
  const bucket = ctx.store.bucket(bucketName);
  const source = parseCopySource(header(ctx.req, 'x-oss-copy-source') ?? '');
  const sourceBucket = ctx.store.bucket(source.bucket);
  let from: ObjectVersion | undefined;
  if (source.versionId !== undefined) {
    from = ctx.store.version(source.bucket, source.key, source.versionId);
    if (!from) throw ossErrors.noSuchVersion(source.key, source.versionId);
  } else {
    from = ctx.store.current(source.bucket, source.key);
  }
  if (!from || from.deleteMarker) throw ossErrors.noSuchKey(source.key);
  // Copying reads the source: an archived source must be restored first (403 InvalidObjectState).
  if (!isReadable(from.storageClass, from.restore, ctx.nowMs)) throw ossErrors.invalidObjectState(source.key);

  // Unconfirmed: without x-oss-storage-class the copy takes the bucket's class, not the source's.
  const storageClass = storageClassHeader(ctx, bucket.storageClass);
  const replace = (header(ctx.req, 'x-oss-metadata-directive') ?? 'COPY').toUpperCase() === 'REPLACE';
  const previous = ctx.store.current(bucketName, key);
  const version = ctx.store.put(
    bucketName,
    key,
    {
      body: from.body,
      storageClass,
      contentType: replace ? header(ctx.req, 'content-type') || 'application/octet-stream' : from.contentType,
      userMeta: replace ? userMetaFrom(ctx) : from.userMeta,
    },
    ctx.nowMs,
  );
  const delta = version.body.length - (bucket.versioning === undefined && previous && !previous.deleteMarker ? previous.body.length : 0);
  describe(ctx, version);
  ctx.facts.deltaDataSize = delta;
  ctx.emit('ObjectCreated:CopyObject', version, delta);
  const headers: Record<string, string> = { ...versionHeaders(bucket, version) };
  if (sourceBucket.versioning !== undefined) headers['x-oss-copy-source-version-id'] = from.versionId;
  return xmlResponse(el('CopyObjectResult', [el('ETag', `"${version.etag}"`), el('LastModified', isoDate(version.lastModifiedMs))]), 200, headers);
}

const RESPONSE_OVERRIDES: ReadonlyArray<readonly [string, string]> = [
  ['response-content-type', 'Content-Type'],
  ['response-content-language', 'Content-Language'],
  ['response-expires', 'Expires'],
  ['response-cache-control', 'Cache-Control'],
  ['response-content-disposition', 'Content-Disposition'],
  ['response-content-encoding', 'Content-Encoding'],
];

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`. Anything else is ignored and the whole object sent, as OSS does. */
function parseRange(raw: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (raw === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(raw.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

export function getObject(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const version = selectVersion(ctx, bucket, key);
  describe(ctx, version);
  // FACTS.md: unrestored or still-restoring archived objects answer 403 InvalidObjectState.
  if (!isReadable(version.storageClass, version.restore, ctx.nowMs)) throw ossErrors.invalidObjectState(key);

  const headers = objectHeaders(bucket, version, ctx.nowMs);
  for (const [param, name] of RESPONSE_OVERRIDES) {
    const value = ctx.req.query.get(param);
    if (value !== undefined) headers[name] = value;
  }
  const size = version.body.length;
  const range = parseRange(header(ctx.req, 'range'), size);
  if (range === 'unsatisfiable') throw ossErrors.invalidRange();
  if (range) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
    return { status: 206, headers, body: version.body.subarray(range.start, range.end + 1) };
  }
  return { status: 200, headers, body: version.body };
}

export function headObject(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const version = selectVersion(ctx, bucket, key);
  describe(ctx, version);
  // HEAD works in every archive state; the body it describes is not sent.
  const headers = objectHeaders(bucket, version, ctx.nowMs);
  headers['Content-Length'] = String(version.body.length);
  return { status: 200, headers };
}

/** HEAD ?objectMeta: the lightweight metadata answer. */
export function getObjectMeta(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const version = selectVersion(ctx, bucket, key);
  describe(ctx, version);
  return {
    status: 200,
    headers: {
      ETag: `"${version.etag}"`,
      'Content-Length': String(version.body.length),
      'Last-Modified': httpDate(version.lastModifiedMs),
      ...versionHeaders(bucket, version),
    },
  };
}

export function deleteObject(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const versionId = ctx.req.query.get('versionId');
  if (versionId !== undefined) {
    const removed = ctx.store.deleteVersion(bucketName, key, versionId);
    // Deleting a version that is not there is not an error (unconfirmed for OSS; S3 answers 204).
    if (!removed) return emptyResponse(204, { 'x-oss-version-id': versionId });
    const headers: Record<string, string> = { 'x-oss-version-id': versionId };
    if (removed.deleteMarker) headers['x-oss-delete-marker'] = 'true';
    else {
      describe(ctx, removed);
      ctx.facts.deltaDataSize = -removed.body.length;
    }
    ctx.emit('ObjectRemoved:DeleteObject', removed, removed.deleteMarker ? 0 : -removed.body.length);
    return emptyResponse(204, headers);
  }
  const { marker, removed } = ctx.store.deleteCurrent(bucketName, key, ctx.nowMs);
  if (marker) {
    ctx.emit('ObjectRemoved:DeleteMarkerCreated', marker, 0);
    return emptyResponse(204, { 'x-oss-delete-marker': 'true', ...versionHeaders(bucket, marker) });
  }
  if (removed && !removed.deleteMarker) {
    describe(ctx, removed);
    ctx.facts.deltaDataSize = -removed.body.length;
    ctx.emit('ObjectRemoved:DeleteObject', removed, -removed.body.length);
  }
  return emptyResponse(204);
}

export function restoreObject(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const version = selectVersion(ctx, bucket, key);
  describe(ctx, version);
  if (!isArchiveClass(version.storageClass)) throw ossErrors.operationNotSupported();
  const request = parseRestoreRequest(ctx.req.body);
  const outcome = planRestore(version.storageClass, version.restore, request, {
    nowMs: ctx.nowMs,
    timeScale: ctx.config.timeScale,
  });
  // Single-threaded event loop: the read of version.restore and this write cannot interleave
  // with another request, so the transition is applied to the state it was computed from.
  version.restore = outcome.state;
  ctx.store.noteRestore(version);
  if (outcome.kind === 'started') {
    version.restoreAnnounced = false;
    version.restoreOrigin = { requestId: ctx.req.requestId, sourceIp: ctx.req.clientIp, principalId: ctx.principalId };
  }
  ctx.facts.restorePriority = outcome.state.tier;
  return emptyResponse(outcome.status, versionHeaders(bucket, version));
}

export function cleanRestoredObject(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const version = selectVersion(ctx, bucket, key);
  describe(ctx, version);
  if (!isArchiveClass(version.storageClass)) throw ossErrors.operationNotSupported('CleanRestoredObject operation does not support this object storage class');
  const phase = restorePhase(version.restore, ctx.nowMs);
  if (phase === RestorePhase.Restoring) throw ossErrors.archiveRestoreNotFinished();
  if (phase === RestorePhase.Frozen) throw ossErrors.archiveRestoreFileStale();
  version.restore = undefined;
  version.restoreOrigin = undefined;
  version.restoreAnnounced = undefined;
  return emptyResponse(200, versionHeaders(bucket, version));
}
