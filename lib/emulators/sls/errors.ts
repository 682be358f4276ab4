// Every error the SLS emulator sends comes from this factory, with the service's status, errorCode and
// message, so clients see what Log Service would send: `{"errorCode": "...", "errorMessage": "..."}`.
// Sources (see lib/emulators/sls/README.md): the common error-code table, the GetCursor /
// GetCursorTime / PutLogs references, and messages observed from the live service where noted.

export class SlsError extends Error {
  override readonly name = 'SlsError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toJSON(): { errorCode: string; errorMessage: string } {
    return { errorCode: this.code, errorMessage: this.message };
  }
}

export const slsErrors = {
  // Common errors (error-code reference).
  missingHost: () => new SlsError(400, 'MissingHost', 'Host does not exist in http header.'),
  missingDate: () => new SlsError(400, 'MissingDate', 'Date does not exist in http header.'),
  missingApiVersion: () => new SlsError(400, 'MissingAPIVersion', 'x-log-apiversion does not exist in http header.'),
  invalidApiVersion: (v: string) => new SlsError(400, 'InvalidAPIVersion', `x-log-apiversion ${v} is unsupported.`),
  missingContentType: () => new SlsError(400, 'MissingContentType', 'Content-Type does not exist in http header when body is not empty.'),
  invalidContentType: (t: string) => new SlsError(415, 'InvalidContentType', `Content-Type ${t} is unsupported.`),
  missingBodyRawSize: () => new SlsError(400, 'MissingBodyRawSize', 'x-log-bodyrawsize does not exist in header when it is necessary.'),
  invalidBodyRawSize: () => new SlsError(400, 'InvalidBodyRawSize', 'x-log-bodyrawsize is invalid.'),
  invalidCompressType: (t: string) => new SlsError(400, 'InvalidCompressType', `x-log-compresstype ${t} is unsupported.`),
  // Authentication. SignatureNotMatch's message is the one the live service sends ("signature … not match").
  unauthorized: (why = 'The AccessKeyId is unauthorized.') => new SlsError(401, 'Unauthorized', why),
  signatureNotMatch: (sig: string) => new SlsError(401, 'SignatureNotMatch', `signature ${sig} not match`),
  /** A RAM identity without the grant: 401, the live service's wording (aliyun-log-go-sdk issue 38). */
  deniedByRam: (action: string, resource: string) => new SlsError(401, 'Unauthorized', `denied by sts or ram, action: ${action}, resource: ${resource}`),
  /** STS credentials past their Expiration (code and wording unconfirmed). */
  securityTokenExpired: () => new SlsError(401, 'Unauthorized', 'The security token you provided has expired.'),
  // Resources (GetCursor / GetCursorTime references; ProjectNotExist as the live service words it).
  projectNotExist: (p: string) => new SlsError(404, 'ProjectNotExist', `The Project does not exist: ${p}`),
  logStoreNotExist: (l: string) => new SlsError(404, 'LogStoreNotExist', `logstore ${l} does not exist`),
  shardNotExist: (id: string | number) => new SlsError(400, 'ShardNotExist', `Shard ${id} does not exist`),
  projectAlreadyExist: (p: string) => new SlsError(400, 'ProjectAlreadyExist', `Project ${p} already exist`),
  logStoreAlreadyExist: (l: string) => new SlsError(400, 'LogStoreAlreadyExist', `logstore ${l} already exists`),
  indexConfigNotExist: () => new SlsError(400, 'IndexConfigNotExist', 'logstore without index config'),
  // Index, dashboard and alert management (index-config.ts, dashboards.ts, alerts.ts). Codes from
  // aliyun-log-java-sdk's function tests (DashboardNotExist, JobNotExist, IndexConfigNotExist);
  // the "already exists" answers and every status but IndexConfigNotExist's are unconfirmed.
  indexAlreadyExist: () => new SlsError(400, 'IndexAlreadyExist', 'log store index is already created'),
  dashboardNotExist: () => new SlsError(404, 'DashboardNotExist', 'specified dashboard does not exist'),
  dashboardAlreadyExist: () => new SlsError(400, 'ParameterInvalid', 'specified dashboard already exists'),
  jobNotExist: (name: string) => new SlsError(404, 'JobNotExist', `job ${name} does not exist`),
  jobAlreadyExist: (name: string) => new SlsError(400, 'JobAlreadyExist', `job ${name} already exists`),
  // Parameters and cursors. A cursor that is not base64 of a position is ParameterInvalid (as the SDK's
  // functional tests expect); a well-formed cursor outside the shard is InvalidCursor.
  parameterInvalid: (message: string) => new SlsError(400, 'ParameterInvalid', message),
  invalidFrom: () => new SlsError(400, 'ParameterInvalid', 'Parameter From is not valid'),
  invalidCursor: (c: string) => new SlsError(400, 'InvalidCursor', `Cursor ${c} is invalid`),
  // PutLogs.
  postBodyInvalid: () => new SlsError(400, 'PostBodyInvalid', 'Protobuffer content cannot be parsed.'),
  postBodyTooLarge: (limit: number) => new SlsError(400, 'PostBodyTooLarge', `Logs must be less than ${Math.floor(limit / 1024 / 1024)}MB.`),
  postBodyUncompressError: () => new SlsError(400, 'PostBodyUncompressError', 'Compressed protobuffer content cannot be uncompressed.'),
  // Server side: what an injected 'error' fault answers.
  internalServerError: () => new SlsError(500, 'InternalServerError', 'Internal server error'),
  serverBusy: () => new SlsError(503, 'ServerBusy', 'The server is busy, please try again later.'),
} as const;
