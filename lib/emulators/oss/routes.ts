// Which OSS operation a request is: method, address (service, bucket or object) and sub-resource.
// The operation name is what stats, faults and the access log call it. Combinations OSS does not
// offer answer MethodNotAllowed; operations the emulator does not offer have no handler and answer
// NotImplemented, still counted under their own name.
import { deleteMultipleObjects } from './batch-delete';
import * as buckets from './bucket-operations';
import { header, type OperationContext, type OssRequest, type OssResponse } from './context';
import { type OssError, ossErrors } from './errors';
import * as multipart from './multipart';
import * as objects from './object-operations';
import type { Addressing } from './request';

export type Handler = (ctx: OperationContext, bucket: string, key: string) => OssResponse;

export interface Route {
  /** The operation name, as stats, faults and the access log name it. */
  readonly operation: string;
  readonly handler?: Handler;
}

const notImplemented = (operation: string): Route => ({ operation });

const LIST_PARAMS = new Set(['prefix', 'marker', 'max-keys', 'delimiter', 'encoding-type']);

/** SelectObject is POST ?x-oss-process=csv/select or json/select (SelectObject reference). */
function selectKind(process: string | undefined): 'select' | 'meta' | undefined {
  if (process === undefined) return undefined;
  const value = process.toLowerCase();
  if (value === 'csv/select' || value === 'json/select') return 'select';
  if (value === 'csv/meta' || value === 'json/meta') return 'meta';
  return undefined;
}

function bucketRoute(method: string, req: OssRequest): Route | OssError {
  const q = req.query;
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
      if (q.has('uploads')) return { operation: 'ListMultipartUploads', handler: (ctx, b) => multipart.listMultipartUploads(ctx, b) };
      if (q.has('acl')) return notImplemented('GetBucketAcl');
      if (q.get('list-type') === '2') return { operation: 'ListObjectsV2', handler: (ctx, b) => buckets.listObjectsV2(ctx, b) };
      if (q.entries.some(([name]) => !LIST_PARAMS.has(name))) return notImplemented('Unknown');
      return { operation: 'ListObjects', handler: (ctx, b) => buckets.listObjects(ctx, b) };
    case 'DELETE':
      if (q.entries.length > 0) return notImplemented('Unknown');
      return { operation: 'DeleteBucket', handler: (ctx, b) => buckets.deleteBucket(ctx, b) };
    case 'POST':
      if (q.has('delete')) return { operation: 'DeleteMultipleObjects', handler: (ctx, b) => deleteMultipleObjects(ctx, b) };
      return ossErrors.methodNotAllowed(method, 'Bucket');
    default:
      return ossErrors.methodNotAllowed(method, 'Bucket');
  }
}

function objectRoute(method: string, req: OssRequest): Route | OssError {
  const q = req.query;
  switch (method) {
    case 'GET':
      if (q.has('acl')) return notImplemented('GetObjectAcl');
      if (q.has('tagging')) return notImplemented('GetObjectTagging');
      if (q.has('symlink')) return notImplemented('GetSymlink');
      if (q.has('uploadId')) return { operation: 'ListParts', handler: multipart.listParts };
      // Image processing reads the object (restore guide); the name is the guide's (unconfirmed in the log).
      if (q.has('x-oss-process')) return { operation: 'ProcessImage', handler: objects.processingRead('Image processing (x-oss-process)') };
      return { operation: 'GetObject', handler: objects.getObject };
    case 'HEAD':
      if (q.has('objectMeta')) return { operation: 'GetObjectMeta', handler: objects.getObjectMeta };
      return { operation: 'HeadObject', handler: objects.headObject };
    case 'PUT':
      if (q.has('acl')) return notImplemented('PutObjectAcl');
      if (q.has('tagging')) return notImplemented('PutObjectTagging');
      if (q.has('symlink')) return notImplemented('PutSymlink');
      if (q.has('partNumber') || q.has('uploadId')) {
        if (header(req, 'x-oss-copy-source') !== undefined) return { operation: 'UploadPartCopy', handler: multipart.uploadPartCopy };
        return { operation: 'UploadPart', handler: multipart.uploadPart };
      }
      if (header(req, 'x-oss-copy-source') !== undefined) return { operation: 'CopyObject', handler: objects.copyObject };
      return { operation: 'PutObject', handler: objects.putObject };
    case 'DELETE':
      if (q.has('tagging')) return notImplemented('DeleteObjectTagging');
      if (q.has('uploadId')) return { operation: 'AbortMultipartUpload', handler: multipart.abortMultipartUpload };
      return { operation: 'DeleteObject', handler: objects.deleteObject };
    case 'POST': {
      if (q.has('restore')) return { operation: 'RestoreObject', handler: objects.restoreObject };
      if (q.has('cleanRestoredObject')) return { operation: 'CleanRestoredObject', handler: objects.cleanRestoredObject };
      if (q.has('append')) return notImplemented('AppendObject');
      if (q.has('uploads')) return { operation: 'InitiateMultipartUpload', handler: multipart.initiateMultipartUpload };
      if (q.has('uploadId')) return { operation: 'CompleteMultipartUpload', handler: multipart.completeMultipartUpload };
      const select = selectKind(q.get('x-oss-process'));
      if (select === 'select') return { operation: 'SelectObject', handler: objects.processingRead('SelectObject') };
      if (select === 'meta') return { operation: 'CreateSelectObjectMeta', handler: objects.processingRead('CreateSelectObjectMeta') };
      if (q.has('x-oss-process')) return { operation: 'ProcessImage', handler: objects.processingRead('Image processing (x-oss-process)') };
      if (q.has('x-oss-async-process')) return { operation: 'PostProcessTask', handler: objects.processingRead('PostProcessTask (x-oss-async-process)') };
      return ossErrors.methodNotAllowed(method, 'Object');
    }
    default:
      return ossErrors.methodNotAllowed(method, 'Object');
  }
}

export function routeRequest(method: string, address: Addressing, req: OssRequest): Route | OssError {
  if (address.bucket === undefined) {
    if (method === 'GET') return { operation: 'ListBuckets', handler: (ctx) => buckets.listBuckets(ctx) };
    return ossErrors.methodNotAllowed(method, 'Service');
  }
  if (address.key === undefined) return bucketRoute(method, req);
  return objectRoute(method, req);
}
