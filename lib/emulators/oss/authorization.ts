// Which RAM action and resource authorize each OSS operation the emulator serves, in one table.
// Source: OSS "RAM Policy" action classification (help.aliyun.com/document_detail/100680, "OSS Action
// classification") and "Common examples of RAM policies": actions are oss:<API>, object resources
// acs:oss:{region}:{uid}:{bucket}/{key}, bucket resources acs:oss:{region}:{uid}:{bucket}, ListBuckets
// acs:oss:{region}:{uid}:*. HeadObject and GetObjectMeta are authorized by oss:GetObject; with a
// versionId, GetObject/HeadObject need oss:GetObjectVersion, DeleteObject oss:DeleteObjectVersion and
// RestoreObject oss:RestoreObjectVersion (OSS RAM policy reference). Rows marked "unconfirmed"
// are our reading where the table is silent.
import type { AccessRequest } from '../shared/access';
import type { QueryParams } from './request';

type Scope = 'service' | 'bucket' | 'object';

interface Grant {
  readonly action: string;
  /** The action when the request names a versionId. */
  readonly versioned?: string;
  readonly scope: Scope;
}

const object = (action: string, versioned?: string): Grant => ({ action, scope: 'object', ...(versioned ? { versioned } : {}) });
const bucket = (action: string): Grant => ({ action, scope: 'bucket' });

/** Operation (as routes.ts names it) → the RAM action that authorizes it. */
export const OSS_ACTIONS: Readonly<Record<string, Grant>> = {
  ListBuckets: { action: 'oss:ListBuckets', scope: 'service' },
  PutBucket: bucket('oss:PutBucket'),
  DeleteBucket: bucket('oss:DeleteBucket'),
  GetBucketInfo: bucket('oss:GetBucketInfo'),
  GetBucketLocation: bucket('oss:GetBucketLocation'),
  GetBucketVersioning: bucket('oss:GetBucketVersioning'),
  PutBucketVersioning: bucket('oss:PutBucketVersioning'),
  ListObjects: bucket('oss:ListObjects'),
  ListObjectsV2: bucket('oss:ListObjects'),
  ListObjectVersions: bucket('oss:ListObjectVersions'),
  ListMultipartUploads: bucket('oss:ListMultipartUploads'),
  // DeleteMultipleObjects: authorized per object it names (oss:DeleteObject, or oss:DeleteObjectVersion
  // with a VersionId; "OSS Action classification"), see batchDeleteRequests.
  GetObject: object('oss:GetObject', 'oss:GetObjectVersion'),
  HeadObject: object('oss:GetObject', 'oss:GetObjectVersion'),
  GetObjectMeta: object('oss:GetObject', 'oss:GetObjectVersion'),
  PutObject: object('oss:PutObject'),
  CopyObject: object('oss:PutObject'),
  DeleteObject: object('oss:DeleteObject', 'oss:DeleteObjectVersion'),
  RestoreObject: object('oss:RestoreObject', 'oss:RestoreObjectVersion'),
  /** unconfirmed: the action table we could read does not list CleanRestoredObject. */
  CleanRestoredObject: object('oss:CleanRestoredObject'),
  InitiateMultipartUpload: object('oss:PutObject'),
  UploadPart: object('oss:PutObject'),
  UploadPartCopy: object('oss:PutObject'),
  CompleteMultipartUpload: object('oss:PutObject'),
  AbortMultipartUpload: object('oss:AbortMultipartUpload'),
  ListParts: object('oss:ListParts'),
  /** Image processing and Select read the object (oss:GetObject). */
  ProcessImage: object('oss:GetObject'),
  SelectObject: object('oss:GetObject'),
  CreateSelectObjectMeta: object('oss:GetObject'),
  PostProcessTask: object('oss:PostProcessTask'),
};

/** The access request for an operation, or undefined for operations the emulator does not serve. */
export function ossAccessRequest(
  operation: string,
  target: { region: string; ownerId: string; bucket: string | undefined; key: string | undefined },
  query: QueryParams,
  context: Readonly<Record<string, string>>,
): AccessRequest | undefined {
  const grant = OSS_ACTIONS[operation];
  if (!grant) return undefined;
  const base = `acs:oss:${target.region}:${target.ownerId}:`;
  const resource = grant.scope === 'service' ? `${base}*` : grant.scope === 'bucket' ? `${base}${target.bucket}` : `${base}${target.bucket}/${target.key}`;
  const action = grant.versioned && query.get('versionId') ? grant.versioned : grant.action;
  const keys: Record<string, string> = { ...context };
  // oss:Prefix / oss:Delimiter condition keys of the listing operations ("Common examples of RAM policies").
  if (grant.scope === 'bucket') {
    const prefix = query.get('prefix');
    const delimiter = query.get('delimiter');
    if (prefix !== undefined) keys['oss:Prefix'] = prefix;
    if (delimiter !== undefined) keys['oss:Delimiter'] = delimiter;
  }
  return { action, resource, context: keys };
}

/** DeleteMultipleObjects: one request per object the body names; any refusal refuses the call (unconfirmed: OSS may instead report it per key). */
export function batchDeleteRequests(
  region: string,
  ownerId: string,
  bucket: string,
  objects: readonly { key: string; versionId: string | undefined }[],
  context: Readonly<Record<string, string>>,
): AccessRequest[] {
  return objects.map((o) => ({
    action: o.versionId ? 'oss:DeleteObjectVersion' : 'oss:DeleteObject',
    resource: `acs:oss:${region}:${ownerId}:${bucket}/${o.key}`,
    context,
  }));
}

/** CopyObject and UploadPartCopy also read their source (OSS CopyObject: "read permission on the source"). */
export function copySourceRequest(region: string, ownerId: string, source: { bucket: string; key: string; versionId?: string }): AccessRequest {
  return {
    action: source.versionId ? 'oss:GetObjectVersion' : 'oss:GetObject',
    resource: `acs:oss:${region}:${ownerId}:${source.bucket}/${source.key}`,
  };
}
