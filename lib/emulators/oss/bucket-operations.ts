// PutBucket, DeleteBucket, ListBuckets, ListObjects (v1 and v2), ListObjectVersions,
// Get/PutBucketVersioning, GetBucketLocation and GetBucketInfo, in OSS's XML.
import { isStorageClass, type StorageClass } from './rules';
import { emptyResponse, xmlResponse, type OperationContext, type OssResponse } from './context';
import { ossErrors } from './errors';
import { compareKeys, listPage, parseMaxKeys } from './listing';
import type { Bucket, ObjectVersion } from './model';
import { isValidBucketName } from './request';
import { restoreHeader } from './restore';
import { el, isoDate, parseXmlBody } from './xml';

function owner(ctx: OperationContext): string {
  return el('Owner', [el('ID', ctx.config.ownerId), el('DisplayName', ctx.config.ownerId)]);
}

function bodyDocument(ctx: OperationContext): Record<string, unknown> | undefined {
  if (ctx.req.body.toString('utf8').trim() === '') return undefined;
  const doc = parseXmlBody(ctx.req.body);
  if (!doc) throw ossErrors.malformedXml('0015-00000201');
  return doc;
}

export function putBucket(ctx: OperationContext, bucketName: string): OssResponse {
  if (!isValidBucketName(bucketName)) throw ossErrors.invalidBucketName(bucketName);
  let storageClass: StorageClass = 'Standard';
  const config = bodyDocument(ctx)?.CreateBucketConfiguration;
  if (config !== undefined && config !== null && typeof config === 'object') {
    const requested = (config as Record<string, unknown>).StorageClass;
    if (requested !== undefined) {
      if (!isStorageClass(requested)) throw ossErrors.invalidArgument('Invalid storage class.', 'StorageClass', String(requested));
      storageClass = requested;
    }
  }
  // PutBucket reference: the owner's repeated PutBucket answers 200 (it would modify the bucket's
  // metadata; the class given at creation stays); another account's name is 409 BucketAlreadyExists,
  // which the one-account emulator never sees.
  if (!ctx.store.listBuckets().some((b) => b.name === bucketName)) ctx.store.createBucket(bucketName, ctx.nowMs, storageClass);
  return emptyResponse(200, { Location: `/${bucketName}` });
}

export function deleteBucket(ctx: OperationContext, bucketName: string): OssResponse {
  ctx.store.deleteBucket(bucketName);
  return emptyResponse(204);
}

export function listBuckets(ctx: OperationContext): OssResponse {
  const prefix = ctx.req.query.get('prefix') ?? '';
  const marker = ctx.req.query.get('marker') ?? '';
  const maxKeys = parseMaxKeys(ctx.req.query.get('max-keys'), 1000);
  const names = ctx.store.listBuckets().map((b) => b.name);
  const page = listPage(names, { prefix, after: marker, delimiter: '', maxKeys });
  const region = ctx.config.region;
  const buckets = page.keys.map((name) => {
    return el('Bucket', bucketFacts(ctx.store.bucket(name), region));
  });
  const paging = ctx.req.query.has('prefix') || ctx.req.query.has('marker') || ctx.req.query.has('max-keys');
  return xmlResponse(
    el('ListAllMyBucketsResult', [
      ...(paging ? [el('Prefix', prefix), el('Marker', marker), el('MaxKeys', maxKeys), el('IsTruncated', page.truncated)] : []),
      ...(page.next !== undefined ? [el('NextMarker', page.next)] : []),
      owner(ctx),
      el('Buckets', buckets),
    ]),
  );
}

/** The current, non-deleted version of each key, in listing order. */
function liveObjects(bucket: Bucket): ObjectVersion[] {
  const live: ObjectVersion[] = [];
  for (const versions of bucket.versions.values()) {
    const current = versions[0];
    if (current && !current.deleteMarker) live.push(current);
  }
  return live.sort((a, b) => compareKeys(a.key, b.key));
}

function encodingOf(ctx: OperationContext): (text: string) => string {
  const encoding = ctx.req.query.get('encoding-type');
  if (encoding === undefined || encoding === '') return (text) => text;
  if (encoding.toLowerCase() !== 'url') throw ossErrors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encoding);
  return (text) => encodeURIComponent(text);
}

function contentsEntry(ctx: OperationContext, version: ObjectVersion, encode: (s: string) => string, withOwner: boolean): string {
  const restoreInfo = restoreHeader(version.restore, ctx.nowMs);
  return el('Contents', [
    el('Key', encode(version.key)),
    el('LastModified', isoDate(version.lastModifiedMs)),
    el('ETag', `"${version.etag}"`),
    el('Type', 'Normal'),
    el('Size', version.body.length),
    el('StorageClass', version.storageClass),
    ...(restoreInfo === undefined ? [] : [el('RestoreInfo', restoreInfo)]),
    ...(withOwner ? [owner(ctx)] : []),
  ]);
}

export function listObjects(ctx: OperationContext, bucketName: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const q = ctx.req.query;
  const encode = encodingOf(ctx);
  const prefix = q.get('prefix') ?? '';
  const marker = q.get('marker') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = parseMaxKeys(q.get('max-keys'));
  const live = liveObjects(bucket);
  const byKey = new Map(live.map((v) => [v.key, v]));
  const page = listPage(
    live.map((v) => v.key),
    { prefix, after: marker, delimiter, maxKeys },
  );
  return xmlResponse(
    el('ListBucketResult', [
      el('Name', bucket.name),
      el('Prefix', encode(prefix)),
      el('Marker', encode(marker)),
      el('MaxKeys', maxKeys),
      el('Delimiter', encode(delimiter)),
      ...(q.has('encoding-type') ? [el('EncodingType', 'url')] : []),
      el('IsTruncated', page.truncated),
      ...(page.next !== undefined ? [el('NextMarker', encode(page.next))] : []),
      ...page.keys.map((key) => contentsEntry(ctx, byKey.get(key)!, encode, true)),
      ...page.commonPrefixes.map((p) => el('CommonPrefixes', [el('Prefix', encode(p))])),
    ]),
  );
}

function decodeToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (Buffer.from(key, 'utf8').toString('base64url') !== token) {
    throw ossErrors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return key;
}

export function listObjectsV2(ctx: OperationContext, bucketName: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const q = ctx.req.query;
  const encode = encodingOf(ctx);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const startAfter = q.get('start-after');
  const token = q.get('continuation-token');
  const maxKeys = parseMaxKeys(q.get('max-keys'));
  const after = token !== undefined && token !== '' ? decodeToken(token) : (startAfter ?? '');
  const live = liveObjects(bucket);
  const byKey = new Map(live.map((v) => [v.key, v]));
  const page = listPage(
    live.map((v) => v.key),
    { prefix, after, delimiter, maxKeys },
  );
  const fetchOwner = q.get('fetch-owner') === 'true';
  return xmlResponse(
    el('ListBucketResult', [
      el('Name', bucket.name),
      el('Prefix', encode(prefix)),
      ...(token !== undefined ? [el('ContinuationToken', token)] : []),
      ...(startAfter !== undefined ? [el('StartAfter', encode(startAfter))] : []),
      el('MaxKeys', maxKeys),
      el('Delimiter', encode(delimiter)),
      ...(q.has('encoding-type') ? [el('EncodingType', 'url')] : []),
      el('IsTruncated', page.truncated),
      el('KeyCount', page.keys.length + page.commonPrefixes.length),
      ...(page.next !== undefined ? [el('NextContinuationToken', Buffer.from(page.next, 'utf8').toString('base64url'))] : []),
      ...page.keys.map((key) => contentsEntry(ctx, byKey.get(key)!, encode, fetchOwner)),
      ...page.commonPrefixes.map((p) => el('CommonPrefixes', [el('Prefix', encode(p))])),
    ]),
  );
}

export function listObjectVersions(ctx: OperationContext, bucketName: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const q = ctx.req.query;
  const encode = encodingOf(ctx);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const versionIdMarker = q.get('version-id-marker') ?? '';
  const maxKeys = parseMaxKeys(q.get('max-keys'));

  // Flatten to (key, version) rows in listing order, newest version first within a key, then
  // page over rows; a common prefix counts once.
  const keys = [...bucket.versions.keys()].sort(compareKeys);
  const entries: string[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let nextKeyMarker: string | undefined;
  let nextVersionIdMarker: string | undefined;
  let count = 0;
  outer: for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const cmp = compareKeys(key, keyMarker);
    if (cmp < 0) continue;
    if (delimiter !== '') {
      const at = key.indexOf(delimiter, prefix.length);
      if (at !== -1) {
        const common = key.slice(0, at + delimiter.length);
        if (compareKeys(common, keyMarker) <= 0 || prefixes[prefixes.length - 1] === common) continue;
        if (count >= maxKeys) {
          truncated = true;
          break;
        }
        prefixes.push(common);
        count += 1;
        nextKeyMarker = common;
        nextVersionIdMarker = '';
        continue;
      }
    }
    const versions = bucket.versions.get(key)!;
    let skipping = cmp === 0;
    if (cmp === 0 && versionIdMarker === '') continue; // key-marker alone: start after this key
    for (const [index, version] of versions.entries()) {
      if (skipping) {
        if (version.versionId === versionIdMarker) skipping = false;
        continue;
      }
      if (count >= maxKeys) {
        truncated = true;
        break outer;
      }
      count += 1;
      nextKeyMarker = key;
      nextVersionIdMarker = version.versionId;
      const common = [
        el('Key', encode(key)),
        el('VersionId', version.versionId),
        el('IsLatest', index === 0),
        el('LastModified', isoDate(version.lastModifiedMs)),
      ];
      if (version.deleteMarker) {
        entries.push(el('DeleteMarker', [...common, owner(ctx)]));
      } else {
        const restoreInfo = restoreHeader(version.restore, ctx.nowMs);
        entries.push(
          el('Version', [
            ...common,
            el('ETag', `"${version.etag}"`),
            el('Type', 'Normal'),
            el('Size', version.body.length),
            el('StorageClass', version.storageClass),
            ...(restoreInfo === undefined ? [] : [el('RestoreInfo', restoreInfo)]),
            owner(ctx),
          ]),
        );
      }
    }
  }
  return xmlResponse(
    el('ListVersionsResult', [
      el('Name', bucket.name),
      el('Prefix', encode(prefix)),
      el('KeyMarker', encode(keyMarker)),
      el('VersionIdMarker', versionIdMarker),
      el('MaxKeys', maxKeys),
      el('Delimiter', encode(delimiter)),
      ...(q.has('encoding-type') ? [el('EncodingType', 'url')] : []),
      el('IsTruncated', truncated),
      ...(truncated && nextKeyMarker !== undefined ? [el('NextKeyMarker', encode(nextKeyMarker)), el('NextVersionIdMarker', nextVersionIdMarker ?? '')] : []),
      ...entries,
      ...prefixes.map((p) => el('CommonPrefixes', [el('Prefix', encode(p))])),
    ]),
  );
}

export function putBucketVersioning(ctx: OperationContext, bucketName: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const doc = bodyDocument(ctx);
  const config = doc?.VersioningConfiguration;
  const status = config !== null && typeof config === 'object' ? (config as Record<string, unknown>).Status : undefined;
  if (status !== 'Enabled' && status !== 'Suspended') throw ossErrors.malformedXml('0015-00000201');
  // A bucket that never had versioning cannot be "Suspended" into having it; OSS keeps it unversioned.
  if (!(status === 'Suspended' && bucket.versioning === undefined)) bucket.versioning = status;
  return emptyResponse(200);
}

export function getBucketVersioning(ctx: OperationContext, bucketName: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  return xmlResponse(el('VersioningConfiguration', bucket.versioning ? [el('Status', bucket.versioning)] : []));
}

export function getBucketLocation(ctx: OperationContext, bucketName: string): OssResponse {
  ctx.store.bucket(bucketName);
  return xmlResponse(el('LocationConstraint', ctx.config.region));
}

export function getBucketInfo(ctx: OperationContext, bucketName: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const region = ctx.config.region;
  return xmlResponse(
    el('BucketInfo', [
      el('Bucket', [...bucketFacts(bucket, region), el('Versioning', bucket.versioning ?? ''), owner(ctx), el('AccessControlList', [el('Grant', 'private')])]),
    ]),
  );
}

/** The elements ListBuckets and GetBucketInfo both give for a bucket. */
function bucketFacts(bucket: { createdAtMs: number; name: string; storageClass: string }, region: string): string[] {
  return [
    el('CreationDate', isoDate(bucket.createdAtMs)),
    el('ExtranetEndpoint', `${region}.aliyuncs.com`),
    el('IntranetEndpoint', `${region}-internal.aliyuncs.com`),
    el('Location', region),
    el('Name', bucket.name),
    el('Region', region.replace(/^oss-/, '')),
    el('StorageClass', bucket.storageClass),
  ];
}
