// Errors of the local FC API, named and worded as FC 2.0 documents them ("Error codes", FC 2.0
// developer reference). The body is `{"ErrorCode", "ErrorMessage"}`: what @alicloud/fc2 2.6.6 reads
// (client.js: err.code = responseBody.ErrorCode). Statuses and messages marked (unconfirmed) are not
// in the error table we found; they follow its pattern.

export class FcApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FcApiError';
  }
}

export const fcErrors = {
  invalidArgument: (message: string) => new FcApiError(400, 'InvalidArgument', message),
  pathNotSupported: (method: string, path: string) => new FcApiError(400, 'PathNotSupported', `'${method}' against '${path}' is not supported`),
  entityTooLarge: (limit: number) => new FcApiError(400, 'EntityTooLarge', `payload size exceeds maximum allowed size (${limit} bytes)`),
  missingRequiredHeader: (header: string) => new FcApiError(400, 'MissingRequiredHeader', `required HTTP header ${header} was not specified`),
  invalidAccessKeyId: (id: string) => new FcApiError(403, 'InvalidAccessKeyID', `invalid access key ID '${id}'`),
  signatureNotMatch: (stringToSign: string) =>
    new FcApiError(
      403,
      'SignatureNotMatch',
      `The request signature we calculated does not match the signature you provided. Check your access key and signing method; the string to sign was ${JSON.stringify(stringToSign)}`,
    ),
  requestTimeTooSkewed: () => new FcApiError(403, 'RequestTimeTooSkewed', 'the Date header is missing or more than 15 minutes from the server time'),
  serviceNotFound: (service: string) => new FcApiError(404, 'ServiceNotFound', `service '${service}' does not exist`),
  functionNotFound: (service: string, fn: string) => new FcApiError(404, 'FunctionNotFound', `function '${fn}' does not exist in service '${service}'`),
  // (unconfirmed) wording
  triggerNotFound: (service: string, fn: string, trigger: string) =>
    new FcApiError(404, 'TriggerNotFound', `trigger '${trigger}' does not exist in service '${service}' and function '${fn}'`),
  serviceAlreadyExists: (service: string) => new FcApiError(409, 'ServiceAlreadyExists', `service '${service}' already exists`),
  functionAlreadyExists: (service: string, fn: string) =>
    new FcApiError(409, 'FunctionAlreadyExists', `function '${fn}' already exists in service '${service}'`),
  // (unconfirmed) wording
  triggerAlreadyExists: (service: string, fn: string, trigger: string) =>
    new FcApiError(409, 'TriggerAlreadyExists', `trigger '${trigger}' already exists in service '${service}' and function '${fn}'`),
  // (unconfirmed) status and code: FC refuses to delete a service that still has functions.
  serviceNotEmpty: (service: string) => new FcApiError(412, 'ServiceNotEmpty', `service '${service}' is not empty`),
  // FC 3.0's table lists FunctionNotEmpty "function '%s' has active triggers"; (unconfirmed) status.
  functionNotEmpty: (fn: string) => new FcApiError(412, 'FunctionNotEmpty', `function '${fn}' has active triggers`),
  // FC's error table: DomainNameNotFound / DomainNameAlreadyExists (unconfirmed wording).
  domainNameNotFound: (domain: string) => new FcApiError(404, 'DomainNameNotFound', `domain name '${domain}' does not exist`),
  domainNameAlreadyExists: (domain: string) => new FcApiError(409, 'DomainNameAlreadyExists', `domain name '${domain}' already exists`),
  // (unconfirmed) code for a security token that does not belong to the key, or has expired.
  invalidSecurityToken: (message: string) => new FcApiError(403, 'InvalidSecurityToken', message),
  internal: () => new FcApiError(500, 'InternalServerError', 'an internal error has occurred. Please retry.'),
};
