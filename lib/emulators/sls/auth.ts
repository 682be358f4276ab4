// Request checks every Log Service API call goes through: the required common headers, then the
// `LOG <AccessKeyId>:<signature>` Authorization header and, for STS credentials, x-acs-security-token.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { signature } from '../../sls/signature';
import { slsErrors } from './errors';

export interface SlsCredential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, requests with this key must carry the same token in x-acs-security-token. */
  securityToken?: string;
}

export interface AuthInput {
  method: string;
  path: string;
  query: [string, string][];
  headers: IncomingHttpHeaders;
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Throws the service's error for a request that is not properly formed and signed. */
export function authenticate(input: AuthInput, credentials: readonly SlsCredential[]): SlsCredential {
  const version = single(input.headers, 'x-log-apiversion');
  if (version === undefined) throw slsErrors.missingApiVersion();
  if (version.trim() !== '0.6.0') throw slsErrors.invalidApiVersion(version);
  if (single(input.headers, 'date') === undefined) throw slsErrors.missingDate();

  const authorization = single(input.headers, 'authorization');
  const match = authorization ? /^LOG ([^:\s]+):(\S+)$/.exec(authorization.trim()) : null;
  if (!match) throw slsErrors.unauthorized('Authorization header is missing or is not "LOG <AccessKeyId>:<Signature>".');
  const [, accessKeyId, given] = match as unknown as [string, string, string];
  const credential = credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!credential) throw slsErrors.unauthorized();

  const token = single(input.headers, 'x-acs-security-token');
  if ((credential.securityToken ?? undefined) !== (token ?? undefined)) {
    throw slsErrors.unauthorized('The security token you provided is invalid.');
  }

  const flat: Record<string, string | undefined> = {};
  for (const name of Object.keys(input.headers)) flat[name] = single(input.headers, name);
  const expected = signature(credential.accessKeySecret, { method: input.method, path: input.path, query: input.query, headers: flat });
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw slsErrors.signatureNotMatch(given);
  return credential;
}
