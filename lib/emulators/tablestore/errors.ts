// Every error the emulator answers comes from this one factory, with the HTTP status, code and
// message the service uses (Tablestore "Error codes" reference, and messages observed in the
// official SDKs' test suites). Handlers throw these; the server encodes them as protobuf Error.

export class OtsError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OtsError';
  }
}

const invalid = (message: string) => new OtsError(400, 'OTSParameterInvalid', message);
const authFailed = (message: string) => new OtsError(403, 'OTSAuthFailed', message);

export const otsErrors = {
  // ---- permission and HTTP ----------------------------------------------------------------
  accessKeyNotFound: () => authFailed('The AccessKeyID does not exist.'),
  instanceNotFound: () => authFailed('The instance is not found.'),
  signatureMismatch: () => authFailed('Signature mismatch.'),
  /** Not in the reference table; wording chosen by the emulator (unconfirmed). */
  securityTokenInvalid: () => authFailed('The security token you provided is invalid.'),
  /** STS credentials past their Expiration (wording unconfirmed). */
  securityTokenExpired: () => authFailed('The security token you provided has expired.'),
  /** "Error codes": the instance's network ACL refuses the network the request came from. */
  deniedByInstanceAcl: () => authFailed('Request denied by instance ACL policies.'),
  /** "Error codes": a RAM identity without the grant (403, wording as the reference table gives it). */
  noPermission: () => new OtsError(403, 'OTSNoPermissionAccess', 'You do not have permission to access the requested resource. Contact the resource owner.'),
  dateMismatch: (date: string) => authFailed(`Mismatch between system time and x-ots-date: ${date}.`),
  contentMd5Mismatch: () => authFailed('Mismatch between MD5 value of request body and x-ots-contentmd5 in header.'),
  missingHeader: (name: string) => invalid(`Missing header: '${name}'.`),
  invalidDate: (date: string) => invalid(`Invalid date format: ${date}.`),
  unsupportedOperation: (op: string) => invalid(`Unsupported operation: '${op}'.`),
  methodNotAllowed: () => new OtsError(405, 'OTSMethodNotAllowed', 'Only POST method for requests is supported.'),
  requestBodyTooLarge: () => new OtsError(413, 'OTSRequestBodyTooLarge', 'The size of POST data is too large.'),

  // ---- request validation ------------------------------------------------------------------
  parameterInvalid: invalid,
  cannotParseMessage: () => invalid('Parse PBMessage from RawString failed.'),
  invalidInstanceName: (name: string) => invalid(`Invalid instance name: '${name}'.`),
  invalidTableName: (name: string) => invalid(`Invalid table name: '${name}'.`),
  invalidColumnName: (name: string) => invalid(`Invalid column name: '${name}'.`),
  pkCountOutOfRange: (limit: number) => invalid(`The number of primary key columns must be in range: [1, ${limit}].`),
  duplicatedPkName: (name: string) => invalid(`Duplicated primary key name: '${name}'.`),
  invalidPkType: (type: string) => invalid(`${type} is an invalid type for the primary key.`),
  invalidAttributeType: (type: string) => invalid(`${type} is an invalid type for the attribute column.`),
  pkTooLong: (name: string, limit: number, current: number) =>
    invalid(`The length of primary key column: '${name}' exceeded the MaxLength:${limit} with CurrentLength:${current}.`),
  attributeTooLong: (name: string, limit: number, current: number) =>
    invalid(`The length of attribute column: '${name}' exceeded the MaxLength:${limit} with CurrentLength:${current}.`),
  tooManyColumns: (limit: number, count: number) =>
    invalid(`The number of attribute columns exceeds the limit, limit count: ${limit}, column count: ${count}.`),
  tooManyColumnsToGet: (limit: number, count: number) =>
    invalid(`The number of columns from the request exceeds the limit, limit count: ${limit}, column count: ${count}.`),
  duplicatedAttributeWithPk: (name: string) => invalid(`Duplicated attribute column name with primary key column: ${name}.`),
  rowsCountExceeded: (limit: number) => invalid(`Rows count exceeds the upper limit: ${limit}.`),
  batchWriteTooLarge: (limit: number, size: number) =>
    invalid(`The total data size of BatchWriteRow request exceeds the limit, limit size: ${limit}, data size: ${size}.`),
  putRowTooLarge: (limit: number, size: number) =>
    invalid(`The total data size of PutRow request exceeds the limit, limit size: ${limit}, data size: ${size}.`),
  updateRowTooLarge: (limit: number, size: number) =>
    invalid(`The total data size of UpdateRow request exceeds the limit, limit size: ${limit}, data size: ${size}.`),
  nanDouble: () => invalid("NaN can't be set to double value."),
  infiniteDouble: () => invalid("Infinity can't be set to double value."),
  cannotWriteIndex: () => invalid("Can't write index table directly."),

  // ---- primary key against the schema (per row in batch operations) -------------------------
  pkSizeMismatch: (input: number, meta: number) => new OtsError(400, 'OTSInvalidPK', `Validate PK size fail. Input: ${input}, Meta: ${meta}.`),
  pkNameMismatch: (input: string, meta: string) => new OtsError(400, 'OTSInvalidPK', `Validate PK name fail. Input: ${input}, Meta: ${meta}.`),
  pkTypeMismatch: (input: string, meta: string) => new OtsError(400, 'OTSInvalidPK', `Validate PK type fail. Input: ${input}, Meta: ${meta}.`),

  // ---- state -------------------------------------------------------------------------------
  conditionCheckFail: () => new OtsError(403, 'OTSConditionCheckFail', 'Condition check failed.'),
  objectNotExist: () => new OtsError(404, 'OTSObjectNotExist', 'Requested table does not exist.'),
  objectAlreadyExist: () => new OtsError(409, 'OTSObjectAlreadyExist', 'Requested table already exists.'),
  tableQuotaExhausted: () => new OtsError(403, 'OTSQuotaExhausted', 'Number of tables exceeded the quota.'),
  rowOperationConflict: () => new OtsError(409, 'OTSRowOperationConflict', 'Data is being modified by the other request.'),

  // ---- transient ---------------------------------------------------------------------------
  serverBusy: () => new OtsError(503, 'OTSServerBusy', 'Server is busy.'),
  internalServerError: () => new OtsError(500, 'OTSInternalServerError', 'Internal server error.'),
};
