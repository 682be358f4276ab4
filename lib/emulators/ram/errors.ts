// Every error the RAM and STS stand-ins answer, as the RPC APIs send them: an HTTP status and a
// `Code` the SDKs surface as `err.code`. Codes are the documented ones (RAM API reference error
// tables, STS "AssumeRole common errors" document_detail/42775); the messages are ours unless a
// comment says they are the service's.
export class RamError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RamError';
  }
}

export const ramErrors = {
  missingParameter: (name: string) =>
    new RamError(400, 'MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`),
  invalidParameter: (name: string, why: string) => new RamError(400, `InvalidParameter.${name}`, `The parameter "${name}" ${why}`),
  malformedPolicy: (message: string) => new RamError(400, 'MalformedPolicyDocument', message),
  entityNotExist: (kind: string, name: string) =>
    new RamError(404, `EntityNotExist.${kind}`, `The ${kind.toLowerCase().replace('.', ' ')} does not exist: ${name}`),
  entityAlreadyExists: (kind: string, name: string) =>
    new RamError(409, `EntityAlreadyExists.${kind}`, `The ${kind.toLowerCase().replace('.', ' ')} already exists: ${name}`),
  deleteConflict: (code: string, message: string) => new RamError(409, `DeleteConflict.${code}`, message),
  limitExceeded: (code: string, message: string) => new RamError(409, `LimitExceeded.${code}`, message),
  /**
   * A caller without the RAM grant, or (AssumeRole) one the role's trust policy does not name. The
   * message is the one the STS AssumeRole reference quotes (@alicloud/sts20150401 docs); the action and
   * resource are not in it, as RAM does not say them.
   */
  noPermission: () => new RamError(403, 'NoPermission', 'You are not authorized to do this action. You should be authorized by RAM.'),
  /** STS doc 42775: "Roles may not be assumed by root accounts." */
  rootMayNotAssume: () => new RamError(403, 'NoPermission', 'Roles may not be assumed by root accounts.'),
  accessKeyNotFound: () => new RamError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'),
  /** An expired STS key (code as the POP gateway answers it; unconfirmed wording). */
  securityTokenExpired: () => new RamError(400, 'SecurityToken.Expired', 'Specified SecurityToken is expired.'),
  securityTokenMismatch: () => new RamError(400, 'InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.'),
  missingSecurityToken: () => new RamError(400, 'MissingSecurityToken', 'SecurityToken is mandatory for this action.'),
  incompleteSignature: () => new RamError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.'),
  signatureMismatch: (stringToSign: string) =>
    new RamError(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`),
  actionNotFound: (action: string, served: string) =>
    new RamError(400, 'InvalidAction.NotFound', `Specified api "${action}" is not found (the local stand-in serves ${served}).`),
  internal: () => new RamError(500, 'InternalError', 'The request processing has failed due to some unknown error.'),
} as const;
