// Alibaba Cloud's V3 request signature (ACS3-HMAC-SHA256), as the OpenAPI SDKs send it
// (@alicloud/openapi-core: the default signatureAlgorithm) and as "Request syntax and signature
// method V3" documents it. The canonical request is built by the one implementation the RAM and STS
// stand-ins use (../ram/rpc.ts v3CanonicalRequest); ROS adds what its requests carry:
//   x-acs-content-sha256 must be hex(SHA256(body)) and x-acs-date within 15 minutes (the V3 page),
//   host, x-acs-date and x-acs-content-sha256 must be among the SignedHeaders,
//   an STS key's token arrives in x-acs-security-token.
//   Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<names>,Signature=<hex>
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { v3CanonicalRequest } from '../ram/rpc';
import type { SigningKey } from '../shared/access';
import { rosErrors } from './errors';

const ALGORITHM = 'ACS3-HMAC-SHA256';
/** The documented validity of x-acs-date. */
const MAX_SKEW_MS = 15 * 60_000;

export interface Authorization {
  readonly credential: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

export function parseAuthorization(header: string): Authorization {
  const match = /^ACS3-HMAC-SHA256 (.+)$/.exec(header);
  if (!match) throw rosErrors.incompleteSignature(`the Authorization header must start with ${ALGORITHM}`);
  const fields = new Map(
    match[1]!.split(',').map((part) => {
      const i = part.indexOf('=');
      return [part.slice(0, i).trim(), part.slice(i + 1).trim()] as const;
    }),
  );
  const credential = fields.get('Credential');
  const signedHeaders = (fields.get('SignedHeaders') ?? '').split(';').filter((h) => h !== '');
  const signature = fields.get('Signature');
  if (!credential || signedHeaders.length === 0 || !signature)
    throw rosErrors.incompleteSignature('Authorization needs Credential, SignedHeaders and Signature');
  if (signedHeaders.some((h) => h !== h.toLowerCase())) throw rosErrors.incompleteSignature('SignedHeaders are lower-case names');
  return { credential, signedHeaders, signature };
}

/** Throws the documented error unless `req` is signed with `key` and dated within 15 minutes of `nowMs`. */
export function verifyV3(req: IncomingMessage, auth: Authorization, key: SigningKey, query: ReadonlyMap<string, string>, body: Buffer, nowMs: number): void {
  const date = Date.parse(String(req.headers['x-acs-date'] ?? ''));
  if (!Number.isFinite(date) || Math.abs(nowMs - date) > MAX_SKEW_MS) throw rosErrors.timeSkewed();
  if (req.headers['x-acs-content-sha256'] !== createHash('sha256').update(body).digest('hex')) {
    throw rosErrors.incompleteSignature('x-acs-content-sha256 is not the SHA-256 of the body');
  }
  for (const required of ['host', 'x-acs-date', 'x-acs-content-sha256']) {
    if (!auth.signedHeaders.includes(required)) throw rosErrors.incompleteSignature(`SignedHeaders must include ${required}`);
  }
  if ((key.securityToken ?? '') !== String(req.headers['x-acs-security-token'] ?? '')) throw rosErrors.securityToken();
  const canonical = v3CanonicalRequest({ method: (req.method ?? 'GET').toUpperCase(), path: '/', query, headers: req, body }, auth.signedHeaders);
  const stringToSign = `${ALGORITHM}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const expected = Buffer.from(createHmac('sha256', key.accessKeySecret).update(stringToSign).digest('hex'));
  const given = Buffer.from(auth.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw rosErrors.signatureDoesNotMatch(canonical);
}
