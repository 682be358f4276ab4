// Alibaba Cloud's V3 request signature (ACS3-HMAC-SHA256), as "Request syntax and signature method
// V3" documents it and as the OpenAPI SDKs send it (@alicloud/openapi-core 1.0.x utils.js
// getAuthorization: RPC and ROA alike):
//   Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b>,Signature=<hex>
//   CanonicalRequest = METHOD \n path \n sorted k=percent(v) \n "name:value\n" per signed header \n
//                      SignedHeaders \n hex(SHA256(body))
//   Signature = hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(SHA256(CanonicalRequest))))
// The path is the one on the wire (still percent-encoded: ROA paths carry encoded names); STS keys
// send their token in x-acs-security-token; x-acs-content-sha256 is the SHA-256 of the body;
// x-acs-date must be within 15 minutes of the server's clock (the V3 page).
// One canonical request for every emulator that takes V3 (RAM and STS, ROS, FC 3.0); each maps a
// refusal to its own service's error.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AccessControl, SigningKey } from './access';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';
/** The documented validity of x-acs-date. */
const MAX_SKEW_MS = 15 * 60_000;

/** RFC 3986 percent-encoding, as Alibaba's signatures use it. */
export function percent(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function header(headers: IncomingMessage['headers'], name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

export interface CanonicalInput {
  readonly method: string;
  readonly path: string;
  readonly query: ReadonlyMap<string, string>;
  readonly headers: { readonly headers: IncomingMessage['headers'] };
  readonly body: Buffer;
}

export function acs3CanonicalRequest(r: CanonicalInput, signedHeaders: readonly string[]): string {
  const query = [...r.query]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${percent(k)}=${percent(v)}`)
    .join('&');
  const headers = signedHeaders.map((name) => `${name}:${header(r.headers.headers, name).trim()}\n`).join('');
  const payload = createHash('sha256').update(r.body).digest('hex');
  return [r.method, r.path || '/', query, headers, signedHeaders.join(';'), payload].join('\n');
}

/** Why a V3-signed request is refused; each service answers it with its own code. */
export type Acs3Refusal =
  | { readonly kind: 'malformed'; readonly detail: string }
  | { readonly kind: 'unknown-key'; readonly accessKeyId: string }
  | { readonly kind: 'expired-key'; readonly accessKeyId: string }
  | { readonly kind: 'token-mismatch' }
  | { readonly kind: 'content-sha256' }
  | { readonly kind: 'date-skew' }
  | { readonly kind: 'signature-mismatch'; readonly canonicalRequest: string };

export class Acs3SignatureError extends Error {
  override readonly name = 'Acs3SignatureError';
  constructor(readonly refusal: Acs3Refusal) {
    super(refusal.kind);
  }
}

export interface Acs3Request {
  readonly req: IncomingMessage;
  /** The path as received (percent-encoded), without the query. */
  readonly path: string;
  readonly query: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

/**
 * The key that signed the request: known to `access`, unexpired, its own token, the body's SHA-256,
 * a date within 15 minutes and a matching signature over host, x-acs-date and x-acs-content-sha256
 * at least. Throws Acs3SignatureError naming what failed.
 */
export function verifyAcs3(access: AccessControl, r: Acs3Request, nowMs: number): SigningKey {
  const authorization = header(r.req.headers, 'authorization');
  if (!authorization.startsWith(`${ACS3_ALGORITHM} `)) {
    throw new Acs3SignatureError({ kind: 'malformed', detail: `the Authorization header must start with ${ACS3_ALGORITHM}` });
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ACS3_ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential') ?? '';
  const signed = (fields.get('SignedHeaders') ?? '').split(';').filter((h) => h !== '');
  const given = fields.get('Signature') ?? '';
  if (accessKeyId === '' || given === '' || signed.length === 0) {
    throw new Acs3SignatureError({ kind: 'malformed', detail: 'Authorization needs Credential, SignedHeaders and Signature' });
  }
  if (signed.some((h) => h !== h.toLowerCase())) throw new Acs3SignatureError({ kind: 'malformed', detail: 'SignedHeaders are lower-case names' });
  for (const required of ['host', 'x-acs-date', 'x-acs-content-sha256']) {
    if (!signed.includes(required)) throw new Acs3SignatureError({ kind: 'malformed', detail: `SignedHeaders must include ${required}` });
  }
  const key = access.key(accessKeyId, nowMs);
  if (key === undefined) throw new Acs3SignatureError({ kind: 'unknown-key', accessKeyId });
  if (key === 'expired') throw new Acs3SignatureError({ kind: 'expired-key', accessKeyId });
  if ((key.securityToken ?? '') !== header(r.req.headers, 'x-acs-security-token')) throw new Acs3SignatureError({ kind: 'token-mismatch' });
  if (header(r.req.headers, 'x-acs-content-sha256') !== createHash('sha256').update(r.body).digest('hex')) {
    throw new Acs3SignatureError({ kind: 'content-sha256' });
  }
  const date = Date.parse(header(r.req.headers, 'x-acs-date'));
  if (!Number.isFinite(date) || Math.abs(nowMs - date) > MAX_SKEW_MS) throw new Acs3SignatureError({ kind: 'date-skew' });
  const canonicalRequest = acs3CanonicalRequest(
    { method: (r.req.method ?? 'GET').toUpperCase(), path: r.path, query: r.query, headers: r.req, body: r.body },
    signed,
  );
  const stringToSign = `${ACS3_ALGORITHM}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const expected = Buffer.from(createHmac('sha256', key.accessKeySecret).update(stringToSign).digest('hex'));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new Acs3SignatureError({ kind: 'signature-mismatch', canonicalRequest });
  return key;
}
