// Errors of the local ROS API. The body is what Alibaba's RPC APIs answer and what
// @alicloud/openapi-core reads back (`{RequestId, HostId, Code, Message}`, client.js doRequest:
// err.Code / err.Message). The codes are ROS's: StackValidationFailed for a template or property
// that ROS refuses (ROS's iact3 test tool and its error handling name it), StackNotFound,
// StackExists. HTTP statuses and the wording of messages are ours (unconfirmed).

export class RosError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RosError';
  }
}

/** A template, parameter or property ROS refuses: raised while validating, answered as StackValidationFailed. */
export class TemplateInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateInvalid';
  }
}

export const rosErrors = {
  validation: (message: string) => new RosError(400, 'StackValidationFailed', message),
  missingParameter: (name: string) =>
    new RosError(400, 'MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`),
  invalidParameter: (name: string, why: string) => new RosError(400, 'InvalidParameter', `The parameter "${name}" is invalid: ${why}`),
  stackNotFound: (id: string) => new RosError(404, 'StackNotFound', `The Stack (${id}) could not be found.`),
  stackExists: (name: string) => new RosError(409, 'StackExists', `The Stack (${name}) already exists.`),
  // (unconfirmed) code: an operation on a stack whose last one has not ended.
  stackNotStable: (id: string, status: string) => new RosError(409, 'StackNotStable', `The Stack (${id}) is ${status}; wait until its operation ends.`),
  quota: (what: string, limit: number) => new RosError(400, 'LimitExceeded', `At most ${limit} ${what} (ROS quota).`),
  notEmulated: (what: string) => new RosError(400, 'NotSupported', `${what} is not emulated by the local ROS.`),
  invalidAccessKeyId: () => new RosError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'),
  incompleteSignature: (why: string) => new RosError(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards: ${why}`),
  signatureDoesNotMatch: (canonical: string) =>
    new RosError(400, 'SignatureDoesNotMatch', `The request signature does not match. The canonical request we computed is: ${JSON.stringify(canonical)}`),
  securityToken: () => new RosError(400, 'InvalidSecurityToken.Mismatch', 'The x-acs-security-token does not belong to the access key (or is missing).'),
  expiredToken: () => new RosError(400, 'InvalidSecurityToken.Expired', 'The security token has expired.'),
  forbidden: (action: string, resource: string) =>
    new RosError(403, 'Forbidden.RAM', `You are not authorized to do ${action} on ${resource}: the caller's policies do not allow it.`),
  timeSkewed: () => new RosError(400, 'InvalidTimeStamp.Expired', 'x-acs-date is missing or more than 15 minutes from the server time.'),
  unknownAction: (action: string) =>
    new RosError(400, 'InvalidAction.NotFound', `Specified api "${action}" is not found (the local ROS serves stacks and ValidateTemplate).`),
  internal: () => new RosError(500, 'InternalError', 'The request processing has failed due to some unknown error.'),
};
