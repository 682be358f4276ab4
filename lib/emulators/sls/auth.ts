// Request checks every Log Service API call goes through — the common headers, then the V1
// signature — written from "Request signatures" (help.aliyun.com/document_detail/29012.html):
//
//   Authorization: LOG <AccessKeyId>:<Signature>
//   Signature  = base64(hmac-sha1(UTF-8 of SignString, AccessKeySecret))
//   SignString = VERB + "\n" + CONTENT-MD5 + "\n" + CONTENT-TYPE + "\n" + DATE + "\n"
//                + CanonicalizedLOGHeaders + "\n" + CanonicalizedResource
//   CanonicalizedLOGHeaders: the x-log-* and x-acs-* headers, names lower-cased, sorted by name,
//                            each `name:value`, joined with "\n"
//   CanonicalizedResource:   the path, then `?` and the query parameters `key=value` sorted by
//                            key and joined with `&` (values as decoded, not URL-encoded)
//
// STS credentials add x-acs-security-token, which is signed as one of those headers.
// The HMAC is SHA-1 unless `x-log-signaturemethod: hmac-sha256` says otherwise: the OpenAPI SDK
// (@alicloud/gateway-sls, used by @alicloud/sls20201230) sends that header and signs with SHA-256.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { slsErrors } from './errors';

export interface SlsCredential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, requests with this key must carry the same token in x-acs-security-token. */
  securityToken?: string;
}

export interface SignedParts {
  method: string;
  /** Decoded path, no query. */
  path: string;
  /** Decoded query parameters. */
  query: readonly (readonly [string, string])[];
  /** Header values by lower-case name. */
  headers: Readonly<Record<string, string | undefined>>;
}

export function signString(parts: SignedParts): string {
  const h = parts.headers;
  const logHeaders = Object.keys(h)
    .map((name) => name.toLowerCase())
    .filter((name) => name.startsWith('x-log-') || name.startsWith('x-acs-'))
    .sort()
    .map((name) => `${name}:${(h[name] ?? '').trim()}`);
  const query = parts.query.map(([key, value]) => `${key}=${value}`).sort();
  const resource = query.length === 0 ? parts.path : `${parts.path}?${query.join('&')}`;
  return [parts.method.toUpperCase(), h['content-md5'] ?? '', h['content-type'] ?? '', h.date ?? '', ...logHeaders, resource].join('\n');
}

export type SignatureMethod = 'hmac-sha1' | 'hmac-sha256';

export function sign(secret: string, parts: SignedParts, method: SignatureMethod = 'hmac-sha1'): string {
  return createHmac(method === 'hmac-sha256' ? 'sha256' : 'sha1', secret)
    .update(signString(parts), 'utf8')
    .digest('base64');
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export interface AuthInput {
  method: string;
  path: string;
  query: readonly (readonly [string, string])[];
  headers: IncomingHttpHeaders;
}

/** Finds the key a request names, or throws the service's error (unknown key, expired STS key). */
export type KeyLookup = (accessKeyId: string) => SlsCredential;

export function keyLookup(credentials: readonly SlsCredential[]): KeyLookup {
  return (accessKeyId) => {
    const credential = credentials.find((c) => c.accessKeyId === accessKeyId);
    if (!credential) throw slsErrors.unauthorized();
    return credential;
  };
}

/** Throws the service's error for a request that is not properly formed and signed. */
export function authenticate(input: AuthInput, credentials: readonly SlsCredential[] | KeyLookup): SlsCredential {
  const version = single(input.headers, 'x-log-apiversion');
  if (version === undefined) throw slsErrors.missingApiVersion();
  if (version.trim() !== '0.6.0') throw slsErrors.invalidApiVersion(version);
  if (single(input.headers, 'date') === undefined) throw slsErrors.missingDate();

  const authorization = single(input.headers, 'authorization');
  const match = authorization ? /^LOG ([^:\s]+):(\S+)$/.exec(authorization.trim()) : null;
  if (!match) throw slsErrors.unauthorized('Authorization header is missing or is not "LOG <AccessKeyId>:<Signature>".');
  const [, accessKeyId, given] = match as unknown as [string, string, string];
  const credential = (typeof credentials === 'function' ? credentials : keyLookup(credentials))(accessKeyId);

  const token = single(input.headers, 'x-acs-security-token');
  if ((credential.securityToken ?? undefined) !== (token ?? undefined)) {
    throw slsErrors.unauthorized('The security token you provided is invalid.');
  }

  const flat: Record<string, string | undefined> = {};
  for (const name of Object.keys(input.headers)) flat[name] = single(input.headers, name);
  const method = (single(input.headers, 'x-log-signaturemethod') ?? 'hmac-sha1').trim().toLowerCase() === 'hmac-sha256' ? 'hmac-sha256' : 'hmac-sha1';
  const expected = sign(credential.accessKeySecret, { method: input.method, path: input.path, query: input.query, headers: flat }, method);
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw slsErrors.signatureNotMatch(given);
  return credential;
}
