// Errors of the local FC 3.0 API (2023-03-30). The body is FC 3.0's Error struct
// {"Code", "Message", "RequestId"} (help.aliyun.com/zh/functioncompute/api-fc-2023-03-30-struct-error;
// @alicloud/fc20230330 4.7.6 models/Error.js names Code/Message/RequestId), which
// @alicloud/openapi-core 1.0.x reads back as err.code, err.statusCode and "code: <status>, <Message>
// request id: <RequestId>". Codes and statuses follow FC's error table ("Error codes",
// alibabacloud.com/help/en/functioncompute/error-codes: InvalidArgument, MissingRequiredHeader,
// PathNotSupported, EntityTooLarge 400; AccessDenied, SignatureNotMatch, InvalidAccessKeyID 403;
// …NotFound 404; …AlreadyExists and ConcurrentUpdateError 409; ResourceExhausted 429); codes the
// table does not list are marked (unconfirmed), and so is every wording not quoted from it.
import { FcApiError } from './errors';

export { FcApiError };

export const fc3Errors = {
  invalidArgument: (message: string) => new FcApiError(400, 'InvalidArgument', message),
  // FC's table: "'%s' against '%s' is not supported".
  pathNotSupported: (method: string, path: string) => new FcApiError(400, 'PathNotSupported', `'${method}' against '${path}' is not supported`),
  // FC's table: "payload size exceeds maximum allowed size (%s bytes)".
  entityTooLarge: (limit: number) => new FcApiError(400, 'EntityTooLarge', `payload size exceeds maximum allowed size (${limit} bytes)`),
  // FC's table: "required HTTP header %s was not specified".
  missingRequiredHeader: (header: string) => new FcApiError(400, 'MissingRequiredHeader', `required HTTP header ${header} was not specified`),
  // FC's table: "invalid access key ID '%s'".
  invalidAccessKeyId: (id: string) => new FcApiError(403, 'InvalidAccessKeyID', `invalid access key ID '${id}'`),
  signatureNotMatch: (detail: string) =>
    new FcApiError(
      403,
      'SignatureNotMatch',
      `The request signature we calculated does not match the signature you provided. Check your access key and signing method; ${detail}`,
    ),
  // (unconfirmed) codes for a token that is not the key's, a stale date, a body that is not what was signed.
  invalidSecurityToken: (message: string) => new FcApiError(403, 'InvalidSecurityToken', message),
  requestTimeTooSkewed: () => new FcApiError(403, 'RequestTimeTooSkewed', 'x-acs-date is missing or more than 15 minutes from the server time'),
  functionNotFound: (fn: string) => new FcApiError(404, 'FunctionNotFound', `function '${fn}' does not exist`),
  functionAlreadyExists: (fn: string) => new FcApiError(409, 'FunctionAlreadyExists', `function '${fn}' already exists`),
  triggerNotFound: (fn: string, trigger: string) => new FcApiError(404, 'TriggerNotFound', `trigger '${trigger}' of function '${fn}' does not exist`),
  triggerAlreadyExists: (fn: string, trigger: string) => new FcApiError(409, 'TriggerAlreadyExists', `trigger '${trigger}' of function '${fn}' already exists`),
  domainNameNotFound: (domain: string) => new FcApiError(404, 'DomainNameNotFound', `domain name '${domain}' does not exist`),
  domainNameAlreadyExists: (domain: string) => new FcApiError(409, 'DomainNameAlreadyExists', `domain name '${domain}' already exists`),
  // FC 3.0's table: FunctionNotEmpty "function '%s' has active triggers" (status unconfirmed).
  functionNotEmpty: (fn: string) => new FcApiError(412, 'FunctionNotEmpty', `function '${fn}' has active triggers`),
  // (unconfirmed) code and status: Get/Delete of a configuration that was never put.
  asyncConfigNotFound: (fn: string) => new FcApiError(404, 'AsyncConfigNotFound', `function '${fn}' has no asynchronous invocation configuration`),
  concurrencyConfigNotFound: (fn: string) => new FcApiError(404, 'ConcurrencyConfigNotFound', `function '${fn}' has no concurrency configuration`),
  // FC's table: 429 ResourceExhausted when concurrency is over its limit (wording ours).
  resourceExhausted: (fn: string, reserved: number) =>
    new FcApiError(429, 'ResourceExhausted', `function '${fn}' is running ${reserved} invocations, its reserved concurrency`),
  // Versions and aliases are not emulated: only LATEST exists locally.
  qualifierNotFound: (fn: string, qualifier: string) =>
    new FcApiError(404, 'AliasNotFound', `alias '${qualifier}' of function '${fn}' does not exist (the local FC has only LATEST)`),
  internal: () => new FcApiError(500, 'InternalServerError', 'an internal error has occurred. Please retry.'),
};
