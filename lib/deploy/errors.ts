// What can stop a deploy, package or destroy, as one flat family with a literal code. Each message
// says what is wrong and what to do about it; the CLI prints it as one line, no stack trace.

export abstract class DeployError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** template.yml itself cannot be read as a deployment. */
export class TemplateError extends DeployError {
  readonly code = 'TemplateInvalid';
}

/** A parameter is missing, of the wrong type, or not among its allowed values. */
export class ParameterError extends DeployError {
  readonly code = 'ParameterInvalid';
}

/** Something the deployment needs in the account is not there (bucket, project, logstore, instance). */
export class PrerequisiteError extends DeployError {
  readonly code = 'PrerequisiteMissing';
}

/** The deployer's credentials may not do something the deployment needs. */
export class PermissionError extends DeployError {
  readonly code = 'PermissionMissing';
}

/** A create/update/delete call failed; what ran before it stays, and a rerun picks up from there. */
export class StepFailedError extends DeployError {
  readonly code = 'StepFailed';
}

/** A service could not be reached at all (DNS, refused, reset, timed out): nothing says anything about permissions. */
export class NetworkError extends DeployError {
  readonly code = 'NetworkUnreachable';
}

/** No credentials anywhere in Alibaba's default chain. */
export class CredentialsError extends DeployError {
  readonly code = 'CredentialsMissing';
}

/** A resource of the same name exists that this stack did not make; it is left alone. */
export class OwnershipError extends DeployError {
  readonly code = 'NotOwned';
}

/** What kind of failure an SDK error is, for a message that blames the right thing. */
export type FailureKind = 'network' | 'credentials' | 'permission' | 'acl' | 'missing' | 'region' | 'other';

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'RequestError',
  'ConnectionTimeoutError',
  'ResponseTimeoutError',
  'RequestTimeoutError',
  'SlsNetworkError',
]);
const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'InvalidAccessKeyId.NotFound',
  'InvalidAccessKeyID',
  'SignatureDoesNotMatch',
  'SignatureNotMatch',
  'IncompleteSignature',
  'InvalidSecurityToken.Expired',
  'SecurityTokenExpired',
  'InvalidSecurityToken',
]);
const PERMISSION_CODES = new Set([
  'AccessDenied',
  'Forbidden',
  'Forbidden.RAM',
  'NoPermission',
  'Unauthorized',
  'OTSNoPermissionAccess',
  'Forbidden.AccessDenied',
  'NotAuthorized',
]);
const MISSING_CODES = new Set([
  'NoSuchBucket',
  'ProjectNotExist',
  'LogStoreNotExist',
  'OTSObjectNotExist',
  'EntityNotExist.Role',
  'ServiceNotFound',
  'FunctionNotFound',
  'IndexConfigNotExist',
]);

/** Every nested cause's code and message, outermost first (SDKs wrap what the socket said). */
function chain(err: unknown): { code: string; message: string; status?: number }[] {
  const out: { code: string; message: string; status?: number }[] = [];
  let e = err as { code?: unknown; name?: unknown; message?: unknown; status?: unknown; cause?: unknown } | undefined;
  for (let i = 0; e && i < 5; i++) {
    out.push({
      code: typeof e.code === 'string' ? e.code : typeof e.name === 'string' && e.name !== 'Error' ? e.name : '',
      message: typeof e.message === 'string' ? e.message : String(e),
      status: typeof e.status === 'number' ? e.status : undefined,
    });
    e = e.cause as typeof e;
  }
  return out;
}

export function failureKind(err: unknown): FailureKind {
  const links = chain(err);
  if (
    links.some(
      (l) =>
        NETWORK_CODES.has(l.code) ||
        l.status === -1 ||
        l.status === -2 ||
        /getaddrinfo|ECONNREFUSED|socket hang up|fetch failed|connect ETIMEDOUT/i.test(l.message),
    )
  )
    return 'network';
  const text = links.map((l) => `${l.code} ${l.message}`).join(' ');
  // Tablestore: "Request denied by instance ACL policies" (OTSAuthFailed, 403): the network, not RAM.
  if (/instance ACL|denied by instance/i.test(text)) return 'acl';
  // OSS: a bucket addressed through another region's endpoint (AccessDenied naming the right Endpoint).
  if (/must be addressed using the specified endpoint/i.test(text)) return 'region';
  // Tablestore answers a wrong key or signature with OTSAuthFailed too (its ACL refusal is above).
  if (links.some((l) => CREDENTIAL_CODES.has(l.code)) || /OTSAuthFailed|AccessKeyID does not exist/i.test(text)) return 'credentials';
  if (links.some((l) => PERMISSION_CODES.has(l.code)) || /OTSNoPermissionAccess|denied by sts or ram|You are not authorized|no permission/i.test(text))
    return 'permission';
  if (links.some((l) => MISSING_CODES.has(l.code)) || /OTSObjectNotExist|does not exist/i.test(text)) return 'missing';
  return 'other';
}

/** "ECONNREFUSED 127.0.0.1:9" → the first line a reader needs, without a stack trace. */
export function reasonOf(err: unknown): string {
  const [first] = chain(err);
  // The first line; a Tablestore error's message is its protobuf bytes (the tablestore SDK puts the
  // raw Error message there), whose readable runs are the code and the message.
  const raw = first?.message ?? String(err);
  const line = hasBinary(raw) ? readableRuns(raw) : (raw.split('\n').find((l) => l.trim() !== '') ?? '');
  const message = line.slice(0, 300);
  return first?.code && !message.includes(first.code) ? `${first.code}: ${message}` : message;
}

/** Control characters other than tab, newline, carriage return: not text a service meant to print. */
function hasBinary(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
  }
  return false;
}

/** The printable runs of `text`, joined by single spaces. */
function readableRuns(text: string): string {
  let out = '';
  let gap = false;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) gap = true;
    else {
      if (gap && out) out += ' ';
      out += ch;
      gap = false;
    }
  }
  return out.trim();
}
