// Tablestore request and response signatures (HMAC-SHA1, base64).
//
// Request  (tablestore/lib/signer.js, aliyun-tablestore-python-sdk protocol.py):
//   x-ots-signature = b64(HMAC-SHA1(secret, path + "\n" + "POST" + "\n" + query + "\n" + headers + "\n"))
// Response (python protocol.py _make_response_signature):
//   authorization   = "OTS " + accessKeyId + ":" + b64(HMAC-SHA1(secret, headers + "\n" + path))
// where `headers` is every x-ots-* header except x-ots-signature, lower-cased, as "name:value"
// lines sorted by name and joined with "\n", and the query is empty for every operation.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { otsErrors } from './errors';
import { checkInstanceName } from './validation';

export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

export function canonicalOtsHeaders(headers: HeaderBag): string {
  const lines: string[] = [];
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (!name.startsWith('x-ots-') || name === 'x-ots-signature' || rawValue === undefined) continue;
    const value = Array.isArray(rawValue) ? rawValue.join(',') : rawValue;
    lines.push(`${name}:${value.trim()}`);
  }
  return lines.sort().join('\n');
}

export function requestStringToSign(path: string, method: string, headers: HeaderBag): string {
  return `${path}\n${method.toUpperCase()}\n\n${canonicalOtsHeaders(headers)}\n`;
}

export function hmacSha1Base64(secret: string, text: string): string {
  return createHmac('sha1', secret).update(text, 'utf8').digest('base64');
}

export function signRequest(secret: string, path: string, method: string, headers: HeaderBag): string {
  return hmacSha1Base64(secret, requestStringToSign(path, method, headers));
}

export function verifyRequestSignature(secret: string, path: string, method: string, headers: HeaderBag, presented: string): boolean {
  const expected = Buffer.from(signRequest(secret, path, method, headers));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function responseAuthorization(accessKeyId: string, secret: string, path: string, headers: HeaderBag): string {
  return `OTS ${accessKeyId}:${hmacSha1Base64(secret, `${canonicalOtsHeaders(headers)}\n${path}`)}`;
}

export function contentMd5(body: Uint8Array): string {
  return createHash('md5').update(body).digest('base64');
}

// ---- request authentication -------------------------------------------------------------------

export interface Credential {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** When set, requests with this key must carry the same x-ots-ststoken (an STS session). */
  readonly securityToken?: string;
}

const REQUIRED_HEADERS = ['x-ots-date', 'x-ots-apiversion', 'x-ots-accesskeyid', 'x-ots-instancename', 'x-ots-contentmd5', 'x-ots-signature'] as const;

/** How far the client's x-ots-date may be from the server's wall clock (unconfirmed; 15 minutes as the SDKs allow). */
export const MAX_DATE_SKEW_MS = 15 * 60 * 1000;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The credential a request was signed with, or the OtsError the service answers instead. */
export function authenticateRequest(args: {
  readonly path: string;
  readonly method: string;
  readonly headers: HeaderBag;
  readonly body: Uint8Array;
  readonly instanceName: string;
  /** The key a request names, or throws the OtsError the service answers (unknown or expired key). */
  readonly lookup?: (accessKeyId: string) => Credential;
  /** A fixed list of keys, when no lookup is given (unit tests). */
  readonly credentials?: readonly Credential[];
  readonly wallNowMs: number;
}): Credential {
  const { headers } = args;
  for (const name of REQUIRED_HEADERS) {
    if (header(headers, name) === undefined) throw otsErrors.missingHeader(name);
  }
  const date = header(headers, 'x-ots-date') as string;
  const dateMs = Date.parse(date);
  if (Number.isNaN(dateMs)) throw otsErrors.invalidDate(date);
  const instance = header(headers, 'x-ots-instancename') as string;
  checkInstanceName(instance);
  if (instance !== args.instanceName) throw otsErrors.instanceNotFound();
  const accessKeyId = header(headers, 'x-ots-accesskeyid') as string;
  const credential = args.lookup ? args.lookup(accessKeyId) : (args.credentials ?? []).find((c) => c.accessKeyId === accessKeyId);
  if (!credential) throw otsErrors.accessKeyNotFound();
  if ((credential.securityToken ?? '') !== (header(headers, 'x-ots-ststoken') ?? '')) throw otsErrors.securityTokenInvalid();
  const signature = header(headers, 'x-ots-signature') as string;
  if (!verifyRequestSignature(credential.accessKeySecret, args.path, args.method, headers, signature)) {
    throw otsErrors.signatureMismatch();
  }
  if (Math.abs(dateMs - args.wallNowMs) > MAX_DATE_SKEW_MS) throw otsErrors.dateMismatch(date);
  if (contentMd5(args.body) !== header(headers, 'x-ots-contentmd5')) throw otsErrors.contentMd5Mismatch();
  return credential;
}
