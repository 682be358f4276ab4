// PutObject, CopyObject, GetObject, HeadObject, GetObjectMeta, DeleteObject, RestoreObject,
// CleanRestoredObject, and the refusal of the other reads the restore guide lists (image
// processing, SelectObject, PostProcessTask), answering as OSS does.
import { createHash } from 'node:crypto';
import { emptyResponse, header, objectHeaders, versionHeaders, xmlResponse, type OperationContext, type OssResponse } from './context';
import { ossErrors } from './errors';
import { STORED_HEADERS, type Bucket, type ObjectVersion, type StoredHeader } from './model';
import { CONDITION_HEADERS, evaluatePreconditions, Precondition } from './preconditions';
import { isValidObjectKey } from './request';
import { RestorePhase, isReadable, parseRestoreRequest, planRestore, restorePhase } from './restore';
import { RESTORE_RULES, isArchiveClass, isStorageClass, type StorageClass } from './rules';
import { el, httpDate, isoDate } from './xml';

export function checkKey(key: string): void {
  if (!isValidObjectKey(key)) throw ossErrors.invalidObjectName(key);
}

export function storageClassHeader(ctx: OperationContext, fallback: StorageClass): StorageClass {
  const raw = header(ctx.req, 'x-oss-storage-class');
  if (raw === undefined) return fallback;
  // Unconfirmed message; OSS answers InvalidArgument for a class it does not know.
  if (!isStorageClass(raw)) throw ossErrors.invalidArgument('Invalid storage class.', 'x-oss-storage-class', raw);
  return raw;
}

/** x-oss-meta-* headers, names without the prefix, values byte for byte as received. */
export function userMetaFrom(ctx: OperationContext): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (name.startsWith('x-oss-meta-') && value !== undefined) {
      meta[name.slice('x-oss-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  return meta;
}

/** Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires (PutObject reference). */
export function storedHeadersFrom(ctx: OperationContext): Partial<Record<StoredHeader, string>> {
  const stored: Partial<Record<StoredHeader, string>> = {};
  for (const name of STORED_HEADERS) {
    const value = header(ctx.req, name.toLowerCase());
    if (value !== undefined) stored[name] = value;
  }
  return stored;
}

export function contentTypeFrom(ctx: OperationContext): string {
  return header(ctx.req, 'content-type') || 'application/octet-stream';
}

/** The version a request names: ?versionId=…, else the current one. Delete markers are not objects. */
export function selectVersion(ctx: OperationContext, bucket: Bucket, key: string): ObjectVersion {
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

/** Records the object's size and class for the access log. */
export function describe(ctx: OperationContext, version: ObjectVersion): void {
  ctx.facts.objectSize = version.body.length;
  ctx.facts.storageClass = version.storageClass;
}

/**
 * Restore guide: GetObject, image processing, CopyObject, UploadPartCopy, SelectObject and
 * PostProcessTask read the data, so an Archive/ColdArchive/DeepColdArchive object that is not
 * restored (or still restoring) answers 403 InvalidObjectState. The key named is the object read.
 */
export function requireReadable(ctx: OperationContext, version: ObjectVersion): void {
  if (!isReadable(version.storageClass, version.restore, ctx.nowMs)) throw ossErrors.invalidObjectState(version.key);
}

/** Bytes written minus bytes replaced, as delta_data_size and the event's deltaSize report it. */
export function deltaOf(bucket: Bucket, previous: ObjectVersion | undefined, written: number): number {
  return written - (bucket.versioning === undefined && previous && !previous.deleteMarker ? previous.body.length : 0);
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
  // PutObject reference: x-oss-forbid-overwrite "true" refuses to replace an object of the same name
  // (ignored when versioning is enabled or suspended).
  if (header(ctx.req, 'x-oss-forbid-overwrite') === 'true' && bucket.versioning === undefined && previous && !previous.deleteMarker) {
    throw ossErrors.fileAlreadyExists();
  }
  const version = ctx.store.put(
    bucketName,
    key,
    { body, storageClass, contentType: contentTypeFrom(ctx), storedHeaders: storedHeadersFrom(ctx), userMeta: userMetaFrom(ctx) },
    ctx.nowMs,
  );
  const delta = deltaOf(bucket, previous, body.length);
  describe(ctx, version);
  ctx.facts.deltaDataSize = delta;
  ctx.emit('ObjectCreated:PutObject', version, delta);
  return emptyResponse(200, { ETag: `"${version.etag}"`, 'Content-MD5': md5, ...versionHeaders(bucket, version) });
}

export interface CopySource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
}

/** `x-oss-copy-source: /bucket/key[?versionId=…]`, URL-encoded. */
export function parseCopySource(raw: string): CopySource {
  const [pathPart = '', queryPart] = raw.split('?', 2);
  const path = pathPart.startsWith('/') ? pathPart.slice(1) : pathPart;
  const slash = path.indexOf('/');
  const invalid = () => ossErrors.invalidArgument('Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.', 'x-oss-copy-source', raw);
  if (slash <= 0 || slash === path.length - 1) throw invalid();
  try {
    const bucket = decodeURIComponent(path.slice(0, slash));
    const key = decodeURIComponent(path.slice(slash + 1));
    const versionMatch = queryPart ? /(?:^|&)versionId=([^&]*)/.exec(queryPart) : null;
    return { bucket, key, versionId: versionMatch ? decodeURIComponent(versionMatch[1]!) : undefined };
  } catch {
    throw invalid();
  }
}

/**
 * The readable source version of a copy (CopyObject, UploadPartCopy): it must exist, be restored
 * if archived, and pass the x-oss-copy-source-if-* conditions. 'not-modified' means answer 304.
 */
export function copySourceVersion(ctx: OperationContext): { source: CopySource; version: ObjectVersion; sourceBucket: Bucket } | 'not-modified' {
  const source = parseCopySource(header(ctx.req, 'x-oss-copy-source') ?? '');
  const sourceBucket = ctx.store.bucket(source.bucket);
  let version: ObjectVersion | undefined;
  if (source.versionId !== undefined) {
    version = ctx.store.version(source.bucket, source.key, source.versionId);
    if (!version) throw ossErrors.noSuchVersion(source.key, source.versionId);
  } else {
    version = ctx.store.current(source.bucket, source.key);
  }
  if (!version || version.deleteMarker) throw ossErrors.noSuchKey(source.key);
  requireReadable(ctx, version);
  const condition = evaluatePreconditions(version, (name) => header(ctx.req, name), CONDITION_HEADERS.copySource);
  return condition === Precondition.NotModified ? 'not-modified' : { source, version, sourceBucket };
}

export function copyObject(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  checkKey(key);
  const bucket = ctx.store.bucket(bucketName);
  const copied = copySourceVersion(ctx);
  if (copied === 'not-modified') return emptyResponse(304);
  const from = copied.version;

  // Unconfirmed: without x-oss-storage-class the copy takes the bucket's class, not the source's.
  const storageClass = storageClassHeader(ctx, bucket.storageClass);
  // CopyObject reference: COPY (default) keeps the source's metadata; REPLACE takes the request's.
  const replace = (header(ctx.req, 'x-oss-metadata-directive') ?? 'COPY').toUpperCase() === 'REPLACE';
  const previous = ctx.store.current(bucketName, key);
  const version = ctx.store.put(
    bucketName,
    key,
    {
      body: from.body,
      storageClass,
      contentType: replace ? contentTypeFrom(ctx) : from.contentType,
      storedHeaders: replace ? storedHeadersFrom(ctx) : from.storedHeaders,
      userMeta: replace ? userMetaFrom(ctx) : from.userMeta,
      objectType: from.objectType,
      etag: from.etag,
    },
    ctx.nowMs,
  );
  const delta = deltaOf(bucket, previous, version.body.length);
  describe(ctx, version);
  ctx.facts.deltaDataSize = delta;
  ctx.emit('ObjectCreated:CopyObject', version, delta);
  const headers: Record<string, string> = { ...versionHeaders(bucket, version) };
  if (copied.sourceBucket.versioning !== undefined) headers['x-oss-copy-source-version-id'] = from.versionId;
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
export function parseRange(raw: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
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

/** 304 carries the validators and no body (GetObject/HeadObject reference). */
function notModified(bucket: Bucket, version: ObjectVersion): OssResponse {
  return emptyResponse(304, { ETag: `"${version.etag}"`, 'Last-Modified': httpDate(version.lastModifiedMs), ...versionHeaders(bucket, version) });
}

export function getObject(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const version = selectVersion(ctx, bucket, key);
  describe(ctx, version);
  // Restore guide: unrestored or still-restoring archived objects answer 403 InvalidObjectState, before
  // any condition is looked at (unconfirmed order; a 304 would hide the miss from the access log).
  requireReadable(ctx, version);
  if (evaluatePreconditions(version, (name) => header(ctx.req, name), CONDITION_HEADERS.request) === Precondition.NotModified) {
    return notModified(bucket, version);
  }

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
  if (evaluatePreconditions(version, (name) => header(ctx.req, name), CONDITION_HEADERS.request) === Precondition.NotModified) {
    return notModified(bucket, version);
  }
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

/**
 * Reads the restore guide lists besides GetObject and the copies: image processing (GET with
 * x-oss-process), SelectObject (POST ?x-oss-process=csv/select|json/select) and PostProcessTask
 * (POST ?x-oss-async-process). An unrestored archived object is refused as OSS refuses it; on a
 * readable object the processing itself is out of the emulator's scope (501 NotImplemented).
 */
export function processingRead(feature: string) {
  return (ctx: OperationContext, bucketName: string, key: string): OssResponse => {
    const bucket = ctx.store.bucket(bucketName);
    const version = selectVersion(ctx, bucket, key);
    describe(ctx, version);
    requireReadable(ctx, version);
    throw ossErrors.notEmulated(feature);
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
  const headers: Record<string, string> = {};
  // RestoreObject reference: x-oss-object-restore-priority names the tier applied, for ColdArchive
  // and DeepColdArchive, on 202 and on 200; x-oss-version-id only when the request named a version.
  if (outcome.state.tier !== undefined) headers['x-oss-object-restore-priority'] = outcome.state.tier;
  if (ctx.req.query.get('versionId') !== undefined) headers['x-oss-version-id'] = version.versionId;
  return emptyResponse(outcome.status, headers);
}

export function cleanRestoredObject(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const version = selectVersion(ctx, bucket, key);
  describe(ctx, version);
  // CleanRestoredObject reference: for ColdArchive and DeepColdArchive objects. Standard/IA and
  // Archive are refused like an unsupported class (the answer for Archive is unconfirmed).
  if (!isArchiveClass(version.storageClass) || !RESTORE_RULES[version.storageClass].cleanable) {
    throw ossErrors.operationNotSupported('CleanRestoredObject operation does not support this object storage class');
  }
  const phase = restorePhase(version.restore, ctx.nowMs);
  if (phase === RestorePhase.Restoring) throw ossErrors.archiveRestoreNotFinished();
  if (phase === RestorePhase.Frozen) throw ossErrors.archiveRestoreFileStale();
  version.restore = undefined;
  version.restoreOrigin = undefined;
  version.restoreAnnounced = undefined;
  return emptyResponse(200, versionHeaders(bucket, version));
}
