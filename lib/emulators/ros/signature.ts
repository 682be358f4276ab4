// Alibaba Cloud's V3 request signature (ACS3-HMAC-SHA256), as the OpenAPI SDKs send it
// (@alicloud/openapi-core: the default signatureAlgorithm) and as "Request syntax and signature
// method V3" documents it (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature):
//   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n
//                      SignedHeaders \n HashedRequestPayload
//   CanonicalURI      the path, percent-encoded ("/" for RPC APIs)
//   CanonicalQuery    parameters sorted by name, name=value each RFC 3986-encoded (space %20, * %2A), joined by &
//   CanonicalHeaders  host, content-type and every x-acs-* header: lower-case name ":" trimmed value "\n", sorted
//   SignedHeaders     their names joined by ";" (must be the headers the Authorization names)
//   HashedRequestPayload = hex(SHA256(body)), also sent as x-acs-content-sha256
//   StringToSign = "ACS3-HMAC-SHA256\n" + hex(SHA256(CanonicalRequest))
//   Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<names>,Signature=<hex HMAC-SHA256(secret, StringToSign)>
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { rosErrors } from './errors';

const ALGORITHM = 'ACS3-HMAC-SHA256';
/** The documented validity of x-acs-date. */
const MAX_SKEW_MS = 15 * 60_000;

export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  /** The query's pairs, decoded. */
  readonly query: readonly (readonly [string, string])[];
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The access key id the request claims, read from the Authorization header. */
export function claimedKeyId(headers: IncomingHttpHeaders): string {
  return parseAuthorization(String(headers.authorization ?? '')).credential;
}

/** Throws the documented error unless the request is signed with `secret` and dated within 15 minutes of `nowMs`. */
export function verifyV3(request: SignedRequest, secret: string, nowMs: number): void {
  const auth = parseAuthorization(String(request.headers.authorization ?? ''));
  const date = Date.parse(String(request.headers['x-acs-date'] ?? ''));
  if (!Number.isFinite(date) || Math.abs(nowMs - date) > MAX_SKEW_MS) throw rosErrors.timeSkewed();
  const payloadHash = createHash('sha256').update(request.body).digest('hex');
  if (request.headers['x-acs-content-sha256'] !== payloadHash) throw rosErrors.incompleteSignature('x-acs-content-sha256 is not the SHA-256 of the body');
  const signed = auth.signedHeaders.split(';');
  for (const required of ['host', 'x-acs-date', 'x-acs-content-sha256']) {
    if (!signed.includes(required)) throw rosErrors.incompleteSignature(`SignedHeaders must include ${required}`);
  }
  const canonicalHeaders = signed.map((name) => `${name}:${headerValue(request.headers, name)}\n`).join('');
  const canonicalQuery = [...request.query]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [request.method, encodePath(request.path), canonicalQuery, canonicalHeaders, auth.signedHeaders, payloadHash].join('\n');
  const stringToSign = `${ALGORITHM}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const expected = Buffer.from(createHmac('sha256', secret).update(stringToSign).digest('hex'));
  const given = Buffer.from(auth.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw rosErrors.signatureDoesNotMatch(canonical);
}

function parseAuthorization(header: string): { credential: string; signedHeaders: string; signature: string } {
  const match = /^ACS3-HMAC-SHA256 (.+)$/.exec(header);
  if (!match) throw rosErrors.incompleteSignature(`the Authorization header must start with ${ALGORITHM}`);
  const fields = new Map(
    match[1]!.split(',').map((part) => {
      const i = part.indexOf('=');
      return [part.slice(0, i).trim(), part.slice(i + 1).trim()] as const;
    }),
  );
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) throw rosErrors.incompleteSignature('Authorization needs Credential, SignedHeaders and Signature');
  return { credential, signedHeaders, signature };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return (Array.isArray(v) ? v.sort().join(',') : String(v ?? '')).trim();
}

/** RFC 3986: unreserved characters stay, everything else is %XX (so space is %20 and * is %2A). */
export function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encode(decodeURIComponent(segment)))
    .join('/');
}
