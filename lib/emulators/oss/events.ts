// One record of an OSS trigger event (`events[i]` of what Function Compute's native OSS trigger
// delivers; EventBridge wraps the same record as CloudEvent `data`). Emitted only after an
// operation succeeds, as OSS does. Keys are passed as stored (not URL-encoded): unconfirmed.

// Names as FC's OSS trigger lists them (each ObjectCreated API, ObjectRemoved:DeleteObject,
// ObjectRemoved:DeleteObjects, ObjectRemoved:AbortMultipartUpload) and EventBridge's FinishRestore.
// Multipart steps (Initiate, UploadPart, UploadPartCopy) carry the part's size and ETag; what OSS
// puts in `size` for them is unconfirmed.
export type OssEventName =
  | 'ObjectCreated:PutObject'
  | 'ObjectCreated:CopyObject'
  | 'ObjectCreated:InitiateMultipartUpload'
  | 'ObjectCreated:UploadPart'
  | 'ObjectCreated:UploadPartCopy'
  | 'ObjectCreated:CompleteMultipartUpload'
  | 'ObjectRemoved:DeleteObject'
  | 'ObjectRemoved:DeleteObjects'
  | 'ObjectRemoved:DeleteMarkerCreated'
  | 'ObjectRemoved:AbortMultipartUpload'
  | 'ObjectRestore:FinishRestore';

export interface OssEventRecord {
  eventName: OssEventName;
  eventSource: 'acs:oss';
  eventTime: string;
  eventVersion: '1.0';
  region: string;
  oss: {
    bucket: { name: string; arn: string; ownerIdentity: string; virtualBucket: string };
    object: { key: string; size: number; deltaSize: number; eTag: string; versionId?: string };
    ossSchemaVersion: '1.0';
  };
  requestParameters: { sourceIPAddress: string };
  responseElements: { requestId: string };
  userIdentity: { principalId: string };
}

export interface EventFacts {
  eventName: OssEventName;
  nowMs: number;
  region: string;
  ownerId: string;
  bucket: string;
  key: string;
  size: number;
  deltaSize: number;
  etag: string;
  /** Omitted for unversioned objects. */
  versionId: string | undefined;
  requestId: string;
  sourceIp: string;
  principalId: string;
}

export function ossEventRecord(f: EventFacts): OssEventRecord {
  // Events name the region without the "oss-" prefix (cn-hangzhou), as in the ARN.
  const region = f.region.replace(/^oss-/, '');
  return {
    eventName: f.eventName,
    eventSource: 'acs:oss',
    eventTime: new Date(f.nowMs).toISOString(),
    eventVersion: '1.0',
    region,
    oss: {
      bucket: { name: f.bucket, arn: `acs:oss:${region}:${f.ownerId}:${f.bucket}`, ownerIdentity: f.ownerId, virtualBucket: '' },
      object: {
        key: f.key,
        size: f.size,
        deltaSize: f.deltaSize,
        eTag: f.etag,
        ...(f.versionId === undefined ? {} : { versionId: f.versionId }),
      },
      ossSchemaVersion: '1.0',
    },
    requestParameters: { sourceIPAddress: f.sourceIp },
    responseElements: { requestId: f.requestId },
    userIdentity: { principalId: f.principalId },
  };
}
