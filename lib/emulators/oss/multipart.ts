// Multipart upload: InitiateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
// AbortMultipartUpload, ListMultipartUploads and ListParts.
//
// Sources: the API references of each operation (help.aliyun.com/en/oss/developer-reference/…),
// their sample bodies (also the fixtures of alibabacloud-oss-go-sdk-v2's client_mock_test.go), and
// the error pages 0017-00000219/220 (partNumber 1–10000), 0042-00000213 (parts other than the last
// at least 100 KB, checked at Complete, not at UploadPart) and the InvalidPart FAQ (ascending part
// numbers, ETags must match). Unconfirmed: the multipart ETag format (we write S3's
// "<MD5 of the parts' MD5s>-<count>"), NoSuchUpload/InvalidPartOrder wording and ECs.
import { createHash } from 'node:crypto';
import { emptyResponse, header, versionHeaders, xmlResponse, type OperationContext, type OssResponse } from './context';
import { ossErrors } from './errors';
import { compareKeys } from './listing';
import type { Bucket, MultipartUpload, UploadedPart } from './model';
import {
  checkKey,
  contentTypeFrom,
  copySourceVersion,
  deltaOf,
  describe,
  parseRange,
  storageClassHeader,
  storedHeadersFrom,
  userMetaFrom,
} from './object-operations';
import { el, isoDate, parseXmlBody } from './xml';

/** Part numbers OSS accepts (doc 0017-00000220). */
export const MAX_PART_NUMBER = 10_000;
/** Every part but the last must be at least this big (doc 0042-00000213). */
export const MIN_PART_BYTES = 100 * 1024;
/** The emulator's own bound on uploads in progress per bucket (OSS documents none). */
export const MAX_UPLOADS_PER_BUCKET = 10_000;
const MAX_LISTED = 1000;

function encoder(ctx: OperationContext): (text: string) => string {
  const encoding = ctx.req.query.get('encoding-type');
  if (encoding === undefined || encoding === '') return (text) => text;
  if (encoding.toLowerCase() !== 'url') throw ossErrors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encoding);
  return (text) => encodeURIComponent(text);
}

function encodingElement(ctx: OperationContext): string[] {
  return ctx.req.query.get('encoding-type') ? [el('EncodingType', 'url')] : [];
}

/** The upload a request names, which must be for this bucket and key. */
function uploadOf(ctx: OperationContext, bucket: Bucket, key: string): MultipartUpload {
  const uploadId = ctx.req.query.get('uploadId') ?? '';
  const upload = bucket.uploads.get(uploadId);
  if (!upload || upload.key !== key) throw ossErrors.noSuchUpload(uploadId);
  return upload;
}

function partNumberOf(ctx: OperationContext): number {
  const raw = ctx.req.query.get('partNumber') ?? '';
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PART_NUMBER) throw ossErrors.invalidPartNumber(raw);
  return Number(raw);
}

function md5(body: Buffer): Buffer {
  return createHash('md5').update(body).digest();
}

export function initiateMultipartUpload(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  checkKey(key);
  const bucket = ctx.store.bucket(bucketName);
  const encode = encoder(ctx);
  // InitiateMultipartUpload reference: x-oss-storage-class, Content-Type, the standard headers
  // and x-oss-meta-* given here are the completed object's.
  const storageClass = storageClassHeader(ctx, bucket.storageClass);
  if (bucket.uploads.size >= MAX_UPLOADS_PER_BUCKET) throw ossErrors.tooManyUploads(MAX_UPLOADS_PER_BUCKET);
  const upload: MultipartUpload = {
    uploadId: ctx.store.nextUploadId(bucketName, key),
    bucket: bucketName,
    key,
    initiatedAtMs: ctx.nowMs,
    storageClass,
    contentType: contentTypeFrom(ctx),
    storedHeaders: storedHeadersFrom(ctx),
    userMeta: userMetaFrom(ctx),
    parts: new Map(),
  };
  bucket.uploads.set(upload.uploadId, upload);
  ctx.facts.storageClass = storageClass;
  ctx.facts.deltaDataSize = 0;
  ctx.emitFor('ObjectCreated:InitiateMultipartUpload', { bucket: bucketName, key, size: 0, etag: '' });
  return xmlResponse(
    el('InitiateMultipartUploadResult', [...encodingElement(ctx), el('Bucket', bucketName), el('Key', encode(key)), el('UploadId', upload.uploadId)]),
  );
}

function storePart(ctx: OperationContext, upload: MultipartUpload, partNumber: number, body: Buffer): UploadedPart {
  const part: UploadedPart = { partNumber, body, etag: md5(body).toString('hex').toUpperCase(), lastModifiedMs: ctx.nowMs };
  // Uploading a part number again replaces it (UploadPart reference).
  upload.parts.set(partNumber, part);
  ctx.facts.objectSize = body.length;
  ctx.facts.storageClass = upload.storageClass;
  ctx.facts.deltaDataSize = body.length;
  return part;
}

export function uploadPart(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const partNumber = partNumberOf(ctx);
  const upload = uploadOf(ctx, bucket, key);
  const body = ctx.req.body;
  const declared = header(ctx.req, 'content-md5');
  if (declared !== undefined && declared !== md5(body).toString('base64')) throw ossErrors.invalidDigest();
  const part = storePart(ctx, upload, partNumber, body);
  ctx.emitFor('ObjectCreated:UploadPart', { bucket: bucketName, key, size: body.length, etag: part.etag });
  return emptyResponse(200, { ETag: `"${part.etag}"`, 'Content-MD5': md5(body).toString('base64') });
}

/**
 * UploadPartCopy: a part copied from another object, optionally a byte range of it. The source is
 * read, so an unrestored archived source is refused with 403 InvalidObjectState (restore guide).
 */
export function uploadPartCopy(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const partNumber = partNumberOf(ctx);
  const upload = uploadOf(ctx, bucket, key);
  const copied = copySourceVersion(ctx);
  if (copied === 'not-modified') return emptyResponse(304);
  const source = copied.version;
  const rangeHeader = header(ctx.req, 'x-oss-copy-source-range');
  let body = source.body;
  if (rangeHeader !== undefined) {
    const range = parseRange(rangeHeader, source.body.length);
    // UploadPartCopy reference: the range must lie inside the source (Code for a bad one unconfirmed).
    if (range === undefined || range === 'unsatisfiable') {
      throw ossErrors.invalidArgument('x-oss-copy-source-range must be bytes=first-last inside the source object.', 'x-oss-copy-source-range', rangeHeader);
    }
    body = source.body.subarray(range.start, range.end + 1);
  }
  const part = storePart(ctx, upload, partNumber, Buffer.from(body));
  ctx.emitFor('ObjectCreated:UploadPartCopy', { bucket: bucketName, key, size: part.body.length, etag: part.etag });
  // The ETag is in the body (reference) and in the header, where ali-oss 6.23 reads it.
  const headers: Record<string, string> = { ETag: `"${part.etag}"` };
  if (copied.sourceBucket.versioning !== undefined) headers['x-oss-copy-source-version-id'] = source.versionId;
  return xmlResponse(el('CopyPartResult', [el('LastModified', isoDate(part.lastModifiedMs)), el('ETag', `"${part.etag}"`)]), 200, headers);
}

interface RequestedPart {
  readonly partNumber: number;
  readonly etag: string;
}

/** `<CompleteMultipartUpload><Part><PartNumber/><ETag/></Part>…</CompleteMultipartUpload>`. */
function parseCompleteBody(body: Buffer): RequestedPart[] {
  const doc = parseXmlBody(body);
  const root = doc?.CompleteMultipartUpload;
  if (!doc || Object.keys(doc).length !== 1 || root === undefined || typeof root !== 'object' || root === null) throw ossErrors.malformedXml('0042-00000205');
  const rawParts = (root as Record<string, unknown>).Part;
  const list = Array.isArray(rawParts) ? rawParts : rawParts === undefined ? [] : [rawParts];
  if (list.length === 0 || list.length > MAX_PART_NUMBER) throw ossErrors.malformedXml('0042-00000205');
  return list.map((item) => {
    const fields = (item ?? {}) as Record<string, unknown>;
    const number = fields.PartNumber;
    const etag = fields.ETag;
    if (typeof number !== 'string' || !/^\d{1,5}$/.test(number) || Number(number) < 1 || Number(number) > MAX_PART_NUMBER) {
      throw ossErrors.invalidPartNumber(String(number));
    }
    if (typeof etag !== 'string') throw ossErrors.malformedXml('0042-00000205');
    return { partNumber: Number(number), etag: etag.replace(/^"|"$/g, '').toUpperCase() };
  });
}

export function completeMultipartUpload(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const upload = uploadOf(ctx, bucket, key);
  const encode = encoder(ctx);
  // x-oss-complete-all: yes completes with every uploaded part, and then the body must be empty.
  const completeAll = (header(ctx.req, 'x-oss-complete-all') ?? '').toLowerCase() === 'yes';
  let chosen: UploadedPart[];
  if (completeAll) {
    if (ctx.req.body.length > 0) throw ossErrors.invalidArgument('The body must be empty when x-oss-complete-all is yes.', 'x-oss-complete-all', 'yes');
    chosen = [...upload.parts.values()].sort((a, b) => a.partNumber - b.partNumber);
    if (chosen.length === 0) throw ossErrors.invalidPart(0);
  } else {
    const requested = parseCompleteBody(ctx.req.body);
    for (let i = 1; i < requested.length; i += 1) if (requested[i]!.partNumber <= requested[i - 1]!.partNumber) throw ossErrors.invalidPartOrder();
    chosen = requested.map((r) => {
      const part = upload.parts.get(r.partNumber);
      if (!part || part.etag !== r.etag) throw ossErrors.invalidPart(r.partNumber);
      return part;
    });
  }
  for (const part of chosen.slice(0, -1)) if (part.body.length < MIN_PART_BYTES) throw ossErrors.entityTooSmall(part.partNumber);

  const body = Buffer.concat(chosen.map((p) => p.body));
  const etag = `${md5(Buffer.concat(chosen.map((p) => md5(p.body))))
    .toString('hex')
    .toUpperCase()}-${chosen.length}`;
  const previous = ctx.store.current(bucketName, key);
  const version = ctx.store.put(
    bucketName,
    key,
    {
      body,
      storageClass: upload.storageClass,
      contentType: upload.contentType,
      storedHeaders: upload.storedHeaders,
      userMeta: upload.userMeta,
      objectType: 'Multipart',
      etag,
    },
    ctx.nowMs,
  );
  bucket.uploads.delete(upload.uploadId);
  const delta = deltaOf(bucket, previous, body.length);
  describe(ctx, version);
  ctx.facts.deltaDataSize = delta;
  ctx.emit('ObjectCreated:CompleteMultipartUpload', version, delta);
  return xmlResponse(
    el('CompleteMultipartUploadResult', [
      ...encodingElement(ctx),
      el('Location', `http://${bucketName}.${ctx.config.region}.aliyuncs.com/${encodeURIComponent(key).replace(/%2F/g, '/')}`),
      el('Bucket', bucketName),
      el('Key', encode(key)),
      el('ETag', `"${etag}"`),
    ]),
    200,
    { ETag: `"${etag}"`, ...versionHeaders(bucket, version) },
  );
}

export function abortMultipartUpload(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const upload = uploadOf(ctx, bucket, key);
  bucket.uploads.delete(upload.uploadId);
  ctx.emitFor('ObjectRemoved:AbortMultipartUpload', { bucket: bucketName, key, size: 0, etag: '' });
  return emptyResponse(204);
}

function listLimit(raw: string | undefined, name: string): number {
  if (raw === undefined || raw === '') return MAX_LISTED;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LISTED) {
    throw ossErrors.invalidArgument(`Argument ${name} must be an integer between 1 and ${MAX_LISTED}.`, name, raw);
  }
  return Number(raw);
}

/** GET /?uploads: uploads in progress, by key then by initiation, paged with key-marker/upload-id-marker. */
export function listMultipartUploads(ctx: OperationContext, bucketName: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const q = ctx.req.query;
  const encode = encoder(ctx);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const uploadIdMarker = q.get('upload-id-marker') ?? '';
  const maxUploads = listLimit(q.get('max-uploads'), 'max-uploads');

  const uploads = [...bucket.uploads.values()].sort((a, b) => compareKeys(a.key, b.key) || a.initiatedAtMs - b.initiatedAtMs);
  // Keys after the marker; with an upload-id-marker, the marker key's later uploads too.
  const markerAt = uploadIdMarker === '' ? -1 : uploads.findIndex((m) => m.key === keyMarker && m.uploadId === uploadIdMarker);
  const afterMarker = uploads.filter((u, index) => {
    const cmp = compareKeys(u.key, keyMarker);
    return cmp > 0 || (cmp === 0 && markerAt !== -1 && index > markerAt);
  });
  // One ordered list of uploads and common prefixes (keys rolled up at the delimiter), then a page.
  type Row = { upload: MultipartUpload } | { prefix: string };
  const rows: Row[] = [];
  for (const upload of afterMarker) {
    if (!upload.key.startsWith(prefix)) continue;
    const at = delimiter === '' ? -1 : upload.key.indexOf(delimiter, prefix.length);
    if (at === -1) {
      rows.push({ upload });
      continue;
    }
    const common = upload.key.slice(0, at + delimiter.length);
    const last = rows.at(-1);
    if (compareKeys(common, keyMarker) > 0 && !(last && 'prefix' in last && last.prefix === common)) rows.push({ prefix: common });
  }
  const page = rows.slice(0, maxUploads);
  const truncated = rows.length > maxUploads;
  const lastRow = page.at(-1);
  const nextKey = lastRow === undefined ? '' : 'prefix' in lastRow ? lastRow.prefix : lastRow.upload.key;
  const nextUploadId = lastRow !== undefined && 'upload' in lastRow ? lastRow.upload.uploadId : '';
  return xmlResponse(
    el('ListMultipartUploadsResult', [
      ...encodingElement(ctx),
      el('Bucket', bucketName),
      el('KeyMarker', encode(keyMarker)),
      el('UploadIdMarker', uploadIdMarker),
      el('NextKeyMarker', encode(nextKey)),
      el('NextUploadIdMarker', nextUploadId),
      el('Delimiter', encode(delimiter)),
      el('Prefix', encode(prefix)),
      el('MaxUploads', maxUploads),
      el('IsTruncated', truncated),
      ...page
        .filter((row): row is { upload: MultipartUpload } => 'upload' in row)
        .map(({ upload }) =>
          el('Upload', [
            el('Key', encode(upload.key)),
            el('UploadId', upload.uploadId),
            el('StorageClass', upload.storageClass),
            el('Initiated', isoDate(upload.initiatedAtMs)),
          ]),
        ),
      ...page.filter((row): row is { prefix: string } => 'prefix' in row).map((row) => el('CommonPrefixes', [el('Prefix', encode(row.prefix))])),
    ]),
  );
}

/** GET /key?uploadId: the parts uploaded so far, by number, paged with part-number-marker. */
export function listParts(ctx: OperationContext, bucketName: string, key: string): OssResponse {
  const bucket = ctx.store.bucket(bucketName);
  const upload = uploadOf(ctx, bucket, key);
  const q = ctx.req.query;
  const encode = encoder(ctx);
  const maxParts = listLimit(q.get('max-parts'), 'max-parts');
  const markerRaw = q.get('part-number-marker') ?? '0';
  if (!/^\d{1,5}$/.test(markerRaw)) throw ossErrors.invalidArgument('Argument part-number-marker must be an integer.', 'part-number-marker', markerRaw);
  const marker = Number(markerRaw);
  const after = [...upload.parts.values()].filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const page = after.slice(0, maxParts);
  const truncated = after.length > maxParts;
  return xmlResponse(
    el('ListPartsResult', [
      ...encodingElement(ctx),
      el('Bucket', bucketName),
      el('Key', encode(key)),
      el('UploadId', upload.uploadId),
      el('StorageClass', upload.storageClass),
      el('PartNumberMarker', marker),
      el('NextPartNumberMarker', page.at(-1)?.partNumber ?? marker),
      el('MaxParts', maxParts),
      el('IsTruncated', truncated),
      ...page.map((p) =>
        el('Part', [el('PartNumber', p.partNumber), el('LastModified', isoDate(p.lastModifiedMs)), el('ETag', `"${p.etag}"`), el('Size', p.body.length)]),
      ),
    ]),
  );
}
