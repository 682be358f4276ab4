// One factory for every error the emulator answers with, mirroring OSS's codes, messages and XML
// (as Azurite does for Azure). Handlers throw these; the server renders them.
//
// Sources: codes/messages/EC values marked "doc" come from Alibaba Cloud's OSS documentation or
// from the official SDKs' tests against real OSS; the rest are our best reading. README.md in this
// folder lists both.
import { el, escapeXml, xmlDocument } from './xml';

export class OssError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Alibaba's EC: "Branch on status + Code, never on EC". */
    readonly ec: string,
    /** Extra elements OSS adds after HostId (Key, BucketName, StringToSign, …), in order; a list nests. */
    readonly details: ReadonlyArray<readonly [string, string | ReadonlyArray<readonly [string, string]>]> = [],
  ) {
    super(message);
    this.name = `${code}Error`;
  }
}

export const ossErrors = {
  // --- authentication --------------------------------------------------------------------
  /** doc: "You have no right to access this object because of bucket acl." (anonymous request). */
  accessDenied(): OssError {
    return new OssError(403, 'AccessDenied', 'You have no right to access this object because of bucket acl.', '0003-00000001');
  },
  /** doc: presigned URL missing one of its three parameters. */
  queryAuthIncomplete(): OssError {
    return new OssError(
      403,
      'AccessDenied',
      'Query-string authentication requires the Signature, Expires and OSSAccessKeyId parameters',
      '0002-00000025', // unconfirmed EC
    );
  },
  /** Presigned URL past its Expires. Message as OSS sends it (unconfirmed EC). */
  requestExpired(expires: string, serverTimeSec: number): OssError {
    return new OssError(403, 'AccessDenied', 'Request has expired.', '0002-00000069', [
      ['Expires', expires],
      ['ServerTime', new Date(serverTimeSec * 1000).toISOString().replace('.000Z', 'Z')],
    ]);
  },
  /** doc: message, OSSAccessKeyId element and EC 0002-00000902 (SDK tests against OSS). */
  invalidAccessKeyId(accessKeyId: string): OssError {
    return new OssError(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.', '0002-00000902', [
      ['OSSAccessKeyId', accessKeyId],
    ]);
  },
  /**
   * A RAM or STS identity whose policies do not allow the request. OSS answers 403 AccessDenied with an
   * AccessDeniedDetail naming the action and whether a Deny matched: doc 0003-00000201 (explicit Deny,
   * message and body as documented) and 0003-00000202 (no Allow; the message is unconfirmed).
   */
  accessDeniedByPolicy(
    explicit: boolean,
    detail: { action: string; ownerId: string; principalType: string; principalName: string; bucket?: string },
  ): OssError {
    const message = explicit ? 'Access denied by bucket policy.' : 'You have no right to access this object because of bucket acl.';
    return new OssError(403, 'AccessDenied', message, explicit ? '0003-00000201' : '0003-00000202', [
      [
        'AccessDeniedDetail',
        [
          ['PolicyType', 'AccountLevelIdentityBasedPolicy'],
          ['AuthPrincipalOwnerId', detail.ownerId],
          ['AuthPrincipalType', detail.principalType],
          ['AuthPrincipalDisplayName', detail.principalName],
          ['NoPermissionType', explicit ? 'ExplicitDeny' : 'ImplicitDeny'],
          ['AuthAction', detail.action],
        ],
      ],
      ...(detail.bucket ? ([['Bucket', detail.bucket]] as const) : []),
    ]);
  },
  /** STS credentials past their Expiration (Code and message unconfirmed; OSS's SDKs show InvalidSecurityToken). */
  securityTokenExpired(): OssError {
    return new OssError(403, 'InvalidSecurityToken', 'The security token you provided has expired.', '0002-00000005');
  },
  /** unconfirmed: code and message for an STS token that does not match. */
  invalidSecurityToken(): OssError {
    return new OssError(403, 'InvalidSecurityToken', 'The security token you provided is invalid.', '0002-00000003');
  },
  /**
   * doc: body of "Troubleshoot signature errors", including StringToSignBytes and EC 0002-00000040.
   * For V4 the CanonicalRequest is added (unconfirmed element name; it is what a client needs).
   */
  signatureDoesNotMatch(accessKeyId: string, provided: string, stringToSign: Buffer, extra: ReadonlyArray<readonly [string, string]> = []): OssError {
    const bytes = [...stringToSign].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
    return new OssError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      '0002-00000040',
      [
        ['OSSAccessKeyId', accessKeyId],
        ['SignatureProvided', provided],
        ['StringToSign', stringToSign.toString('utf8')],
        ['StringToSignBytes', `${bytes} `],
        ...extra,
      ],
    );
  },
  /** doc 0002-00000219/220: a V4 presigned URL needs all of its parameters (Code unconfirmed). */
  queryAuthIncompleteV4(): OssError {
    return new OssError(
      403,
      'AccessDenied',
      'A V4 signed URL needs x-oss-signature-version=OSS4-HMAC-SHA256, x-oss-credential, x-oss-date, x-oss-expires and x-oss-signature.',
      '0002-00000219',
    );
  },
  /** An Authorization header that is neither `OSS <id>:<signature>` nor a well-formed V4 header (V2 is not emulated). */
  invalidAuthorization(): OssError {
    return new OssError(400, 'InvalidArgument', 'Authorization header is invalid.', '0002-00000001', [['ArgumentName', 'Authorization']]);
  },

  // --- buckets -----------------------------------------------------------------------------
  /** doc: NoSuchBucket, BucketName element, EC 0015-00000101. */
  noSuchBucket(bucket: string): OssError {
    return new OssError(404, 'NoSuchBucket', 'The specified bucket does not exist.', '0015-00000101', [['BucketName', bucket]]);
  },
  /** doc: BucketAlreadyExists, EC 0015-00000104. */
  bucketAlreadyExists(bucket: string): OssError {
    return new OssError(
      409,
      'BucketAlreadyExists',
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      '0015-00000104',
      [['BucketName', bucket]],
    );
  },
  /** doc: "The bucket you tried to delete is not empty", EC 0015-00000301. */
  bucketNotEmpty(bucket: string): OssError {
    return new OssError(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty.', '0015-00000301', [['BucketName', bucket]]);
  },
  /** doc code; message and EC unconfirmed. */
  invalidBucketName(bucket: string): OssError {
    return new OssError(400, 'InvalidBucketName', 'The specified bucket is not valid.', '0015-00000001', [['BucketName', bucket]]);
  },

  // --- objects -----------------------------------------------------------------------------
  /** doc: NoSuchKey, Key element, EC 0026-00000001. */
  noSuchKey(key: string): OssError {
    return new OssError(404, 'NoSuchKey', 'The specified key does not exist.', '0026-00000001', [['Key', key]]);
  },
  /** Code as OSS; message and EC unconfirmed. */
  noSuchVersion(key: string, versionId: string): OssError {
    return new OssError(404, 'NoSuchVersion', 'The specified version does not exist.', '0026-00000002', [
      ['Key', key],
      ['VersionId', versionId],
    ]);
  },
  /** doc: object names are 1–1023 bytes and do not start with "/" or "\". EC unconfirmed. */
  invalidObjectName(key: string): OssError {
    return new OssError(400, 'InvalidObjectName', 'The specified object is not valid.', '0016-00000005', [['ObjectName', key]]);
  },
  /** doc (restore guide): a read of an archived object that is not restored. EC unconfirmed. */
  invalidObjectState(key: string): OssError {
    return new OssError(403, 'InvalidObjectState', "The operation is not valid for the object's state", '0026-00000005', [['ObjectName', key]]);
  },
  /** S3-style answer for a Range outside the object. Unconfirmed message/EC. */
  invalidRange(): OssError {
    return new OssError(416, 'InvalidRange', 'The requested range cannot be satisfied', '0016-00000401');
  },
  /** Content-MD5 that does not match the body. Unconfirmed message/EC. */
  /** PutObject with x-oss-forbid-overwrite: true onto an existing object (PutObject reference: 409 FileAlreadyExists). EC unconfirmed. */
  fileAlreadyExists(): OssError {
    return new OssError(409, 'FileAlreadyExists', 'The object you specified already exists and can not be overwritten.', '0016-00000608');
  },
  invalidDigest(): OssError {
    return new OssError(400, 'InvalidDigest', 'The Content-MD5 you specified is not valid.', '0016-00000102');
  },
  /** A version that is a delete marker, read directly. Unconfirmed for OSS (S3 answers 405). */
  deleteMarkerNotReadable(method: string): OssError {
    return new OssError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', '0016-00000603', [
      ['Method', method],
      ['ResourceType', 'DeleteMarker'],
    ]);
  },

  // --- RestoreObject / CleanRestoredObject ---------------------------------------------------
  /** doc: 409 RestoreAlreadyInProgress, message and EC 0016-00000701 (SDK tests against OSS). */
  restoreAlreadyInProgress(): OssError {
    return new OssError(409, 'RestoreAlreadyInProgress', 'The restore operation is in progress.', '0016-00000701');
  },
  /** doc: OperationNotSupported with Detail, EC 0016-00000702 (Standard/IA object). */
  operationNotSupported(detail = 'RestoreObject operation does not support this object storage class'): OssError {
    return new OssError(400, 'OperationNotSupported', 'The operation is not supported for this resource', '0016-00000702', [['Detail', detail]]);
  },
  /**
   * doc: a RestoreObject body that is not well-formed (EC 0016-00000706) or carries a node the
   * operation does not support (0016-00000709…714) is MalformedXML. The same code is used for
   * Days out of range (0016-00000704 cold, 0016-00000708 archive), a bad Tier (0016-00000703)
   * and JobParameters on an Archive object: those ECs are documented, their Code is unconfirmed.
   */
  malformedXml(ec = '0016-00000706'): OssError {
    return new OssError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.', ec);
  },
  /** doc: 409 ArchiveRestoreNotFinished, message and EC 0016-00000719 (SDK tests against OSS). */
  archiveRestoreNotFinished(): OssError {
    return new OssError(409, 'ArchiveRestoreNotFinished', "The archive file's restore is not finished.", '0016-00000719');
  },
  /** doc 0016-00000718: CleanRestoredObject on an object with no restored copy. */
  archiveRestoreFileStale(): OssError {
    return new OssError(409, 'ArchiveRestoreFileStale', 'The archive file or restore info stale', '0016-00000718');
  },
  /**
   * doc: EC 0016-00000715, "the restoration priority cannot be decreased" (a slower tier asked for a
   * running restore). Its status and Code are not documented: 400 InvalidArgument is our reading.
   */
  restorePriorityCannotDecrease(running: string, asked: string): OssError {
    return new OssError(400, 'InvalidArgument', 'The restore priority of a restore in progress cannot be decreased.', '0016-00000715', [
      ['ArgumentName', 'Tier'],
      ['ArgumentValue', asked],
      ['CurrentTier', running],
    ]);
  },

  // --- conditional requests ------------------------------------------------------------------
  /** doc (GetObject/HeadObject/CopyObject): If-Match / If-Unmodified-Since failed. Message as S3 words it (unconfirmed). EC unconfirmed. */
  preconditionFailed(condition: string): OssError {
    return new OssError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', '0026-00000011', [
      ['Condition', condition],
    ]);
  },

  // --- multipart upload ------------------------------------------------------------------------
  /** Code as OSS (and S3); message S3's; EC unconfirmed. */
  noSuchUpload(uploadId: string): OssError {
    return new OssError(
      404,
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      '0042-00000002',
      [['UploadId', uploadId]],
    );
  },
  /** doc ("How do I fix the InvalidPart error"): message as documented; EC unconfirmed. */
  invalidPart(partNumber: number): OssError {
    return new OssError(
      400,
      'InvalidPart',
      "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
      '0042-00000215',
      [['PartNumber', String(partNumber)]],
    );
  },
  /** doc (InvalidPart page: "Part numbers must appear in ascending order"); Code/message as S3 (unconfirmed). */
  invalidPartOrder(): OssError {
    return new OssError(
      400,
      'InvalidPartOrder',
      'The list of parts was not in ascending order. Parts list must be specified in order by part number.',
      '0042-00000216',
    );
  },
  /** doc 0042-00000213: a part other than the last is smaller than 100 KB (checked at Complete). */
  entityTooSmall(partNumber: number): OssError {
    return new OssError(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size.', '0042-00000213', [
      ['PartNumber', String(partNumber)],
    ]);
  },
  /** doc 0017-00000220: message, ArgumentName and ArgumentValue as documented. */
  invalidPartNumber(value: string): OssError {
    return new OssError(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive.', '0017-00000220', [
      ['ArgumentName', 'PartNumber'],
      ['ArgumentValue', value],
    ]);
  },
  /** The emulator's own bound on uploads in progress per bucket (OSS documents none). */
  tooManyUploads(limit: number): OssError {
    return new OssError(
      400,
      'InvalidArgument',
      `The emulator holds at most ${limit} multipart uploads in progress per bucket; complete or abort some.`,
      '0042-00000001',
      [
        ['ArgumentName', 'uploads'],
        ['ArgumentValue', String(limit)],
      ],
    );
  },

  // --- requests ----------------------------------------------------------------------------
  /** Code as OSS; message format follows OSS's InvalidArgument answers (ArgumentName/Value). */
  invalidArgument(message: string, name: string, value: string, ec = '0016-00000001'): OssError {
    return new OssError(400, 'InvalidArgument', message, ec, [
      ['ArgumentName', name],
      ['ArgumentValue', value],
    ]);
  },
  methodNotAllowed(method: string, resourceType: 'Bucket' | 'Object' | 'Service'): OssError {
    return new OssError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', '0016-00000603', [
      ['Method', method],
      ['ResourceType', resourceType],
    ]);
  },
  /** doc: the answer OSS gives a header or sub-resource it does not implement. */
  notImplemented(): OssError {
    return new OssError(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented.', '0005-00000001');
  },
  /** Image processing, Select and data processing are not emulated beyond refusing archived objects. */
  notEmulated(feature: string): OssError {
    return new OssError(501, 'NotImplemented', `${feature} is not implemented by the OSS emulator.`, '0005-00000001', [['Feature', feature]]);
  },
  /** A request that is not well-formed HTTP. Code as OSS; message and EC unconfirmed. */
  invalidRequest(message: string): OssError {
    return new OssError(400, 'InvalidRequest', message, '0016-00000001');
  },
  invalidUri(): OssError {
    return new OssError(400, 'InvalidURI', "Couldn't parse the specified URI.", '0016-00000002');
  },
  entityTooLarge(limitBytes?: number): OssError {
    const details: [string, string][] = limitBytes === undefined ? [] : [['MaxSizeAllowed', String(limitBytes)]];
    return new OssError(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.', '0016-00000103', details);
  },
  /** A body shorter or longer than its Content-Length (sent chunked). Code as S3; message and EC unconfirmed. */
  incompleteBody(declared: number, received: number): OssError {
    return new OssError(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', '0016-00000104', [
      ['ContentLength', String(declared)],
      ['BytesReceived', String(received)],
    ]);
  },
  /** doc (DeleteMultipleObjects): OSS verifies the body with Content-MD5. Code for a missing header unconfirmed. */
  missingContentMd5(): OssError {
    return new OssError(400, 'InvalidDigest', 'Content-MD5 is required for this request.', '0016-00000102', [['ArgumentName', 'Content-MD5']]);
  },

  // --- server ------------------------------------------------------------------------------
  /** Injected transient failure. Code/message of a real OSS 503 unconfirmed. */
  serviceUnavailable(): OssError {
    return new OssError(503, 'ServiceUnavailable', 'Please reduce your request rate.', '0004-00000302');
  },
  /** Anything unexpected: no internal detail leaves the emulator. */
  internalError(): OssError {
    return new OssError(500, 'InternalError', 'We encountered an internal error. Please try again.', '0000-00000001');
  },
} as const;

/** The error body OSS sends: two-space indented, extras after HostId, then EC and RecommendDoc. */
export function renderErrorXml(error: OssError, requestId: string, hostId: string): string {
  const lines = [
    '<Error>',
    `  ${el('Code', error.code)}`,
    `  ${el('Message', error.message)}`,
    `  ${el('RequestId', requestId)}`,
    `  ${el('HostId', hostId)}`,
    ...error.details.flatMap(([name, value]) =>
      typeof value === 'string'
        ? [`  <${name}>${escapeXml(value)}</${name}>`]
        : [`  <${name}>`, ...value.map(([n, v]) => `    <${n}>${escapeXml(v)}</${n}>`), `  </${name}>`],
    ),
    `  ${el('EC', error.ec)}`,
    `  ${el('RecommendDoc', `https://api.aliyun.com/troubleshoot?q=${error.ec}`)}`,
    '</Error>',
  ];
  return `${xmlDocument(lines.join('\n'))}\n`;
}
