// OSS V4 signatures, in the Authorization header and in presigned URLs.
//
// Sources: "Include a V4 signature in the Authorization header (recommended)"
// (help.aliyun.com/en/oss/developer-reference/recommend-to-use-signature-version-4), the V4 URL
// signature error pages (0002-00000219, 0002-00000220, 0002-00000076), and the V4 signers the
// doc points to (alibabacloud-oss-go-sdk-v2 signer/v4.go; ali-oss 6.23 signUtils.js), which agree:
//
//   CanonicalRequest = VERB \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n AdditionalHeaders \n HashedPayload
//     CanonicalURI     = URI-encode("/" + bucket + "/" + key), "/" kept
//     CanonicalQuery   = every query parameter but x-oss-signature, names sorted, `name=value`
//                        URI-encoded, a parameter without a value as its name alone
//     CanonicalHeaders = content-type, content-md5, every x-oss-*, and the AdditionalHeaders,
//                        lower-cased, sorted, `name:trimmed value\n`
//     HashedPayload    = x-oss-content-sha256 (UNSIGNED-PAYLOAD), or UNSIGNED-PAYLOAD for URLs
//   StringToSign = "OSS4-HMAC-SHA256" \n x-oss-date \n <yyyymmdd>/<region>/oss/aliyun_v4_request \n hex(SHA256(CanonicalRequest))
//   SigningKey   = HMAC chain "aliyun_v4"+secret → date → region → "oss" → "aliyun_v4_request"
//   Signature    = hex(HMAC-SHA256(SigningKey, StringToSign))
//
// As for V1, header values are hashed as the bytes received (see signature.ts).
import { createHash, createHmac } from 'node:crypto';
import { ossErrors } from './errors';
import type { QueryParams } from './request';
import {
  checkSecurityToken,
  type HeaderBag,
  headerValue,
  type KeyLookup,
  type OssCredential,
  type Principal,
  type SignableRequest,
  SignType,
  sameSignature,
} from './signing-key';

export const V4_ALGORITHM = 'OSS4-HMAC-SHA256';
const TERMINATOR = 'aliyun_v4_request';
const PRODUCT = 'oss';
/** V4 URL signatures are valid for at most 7 days (doc: x-oss-expires). */
const MAX_URL_EXPIRES_SEC = 7 * 24 * 3600;

export function isV4Presigned(query: QueryParams): boolean {
  return query.has('x-oss-signature-version') || query.has('x-oss-credential') || query.has('x-oss-signature');
}

/** RFC 3986 unreserved characters are kept; every other UTF-8 byte is %XX (upper case). */
export function uriEncode(text: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function canonicalUri(bucket: string | undefined, key: string | undefined): string {
  return uriEncode(`/${bucket ? `${bucket}/` : ''}${key ?? ''}`, true);
}

export function canonicalQuery(query: QueryParams): string {
  return query.entries
    .filter(([name]) => name !== 'x-oss-signature')
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => (value === '' ? name : `${name}=${value}`))
    .join('&');
}

function isDefaultSigned(name: string): boolean {
  return name === 'content-type' || name === 'content-md5' || name.startsWith('x-oss-');
}

/** The signed headers, as a byte string; an additional header the request lacks is refused. */
export function canonicalHeaders(headers: HeaderBag, additional: readonly string[]): string {
  const names = new Set<string>();
  for (const name of Object.keys(headers)) if (isDefaultSigned(name.toLowerCase())) names.add(name.toLowerCase());
  for (const name of additional) {
    if (headers[name] === undefined) throw ossErrors.invalidArgument(`Additional header ${name} is not in the request.`, 'AdditionalHeaders', name);
    names.add(name);
  }
  return [...names]
    .sort()
    .map((name) => `${name}:${headerValue(headers, name).trim()}\n`)
    .join('');
}

export function canonicalRequest(request: SignableRequest, additional: readonly string[], hashedPayload: string): string {
  return [
    request.method.toUpperCase(),
    canonicalUri(request.bucket, request.key),
    canonicalQuery(request.query),
    canonicalHeaders(request.headers, additional),
    additional.join(';'),
    hashedPayload,
  ].join('\n');
}

export function v4StringToSign(datetime: string, scope: string, canonical: string): string {
  const hashed = createHash('sha256').update(Buffer.from(canonical, 'latin1')).digest('hex');
  return [V4_ALGORITHM, datetime, scope, hashed].join('\n');
}

export function signV4(secret: string, date: string, region: string, toSign: string): string {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  const signingKey = hmac(hmac(hmac(hmac(`aliyun_v4${secret}`, date), region), PRODUCT), TERMINATOR);
  return createHmac('sha256', signingKey).update(toSign, 'utf8').digest('hex');
}

interface Scope {
  accessKeyId: string;
  date: string;
  region: string;
}

/** `<AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request`. */
function parseCredential(raw: string, where: string): Scope {
  const parts = raw.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '') || parts[3] !== PRODUCT || parts[4] !== TERMINATOR || !/^\d{8}$/.test(parts[1]!)) {
    throw ossErrors.invalidArgument(`The Credential in the ${where} must be <AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request.`, 'Credential', raw);
  }
  return { accessKeyId: parts[0]!, date: parts[1]!, region: parts[2]! };
}

/** `OSS4-HMAC-SHA256 Credential=…,AdditionalHeaders=…,Signature=…` (spaces after commas allowed). */
function parseAuthorization(value: string): { credential: string; additional: string[]; signature: string } {
  const fields = new Map<string, string>();
  for (const part of value.slice(V4_ALGORITHM.length).split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) throw ossErrors.invalidAuthorization();
    fields.set(item.slice(0, eq), item.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signature = fields.get('Signature');
  if (!credential || !signature) throw ossErrors.invalidAuthorization();
  return { credential, signature, additional: parseAdditional(fields.get('AdditionalHeaders'), 'AdditionalHeaders') };
}

/** doc (0002-00000209/210, 0002-00000076): lower-case names, sorted, `;`-separated, none empty. */
function parseAdditional(raw: string | undefined, name: string): string[] {
  if (raw === undefined) return [];
  const names = raw.split(';');
  if (raw === '' || names.some((n) => n === '' || n !== n.toLowerCase())) {
    throw ossErrors.invalidArgument(`${name} must be lower-case header names separated by ";".`, name, raw);
  }
  const sorted = [...names].sort();
  if (sorted.some((n, i) => n !== names[i])) throw ossErrors.invalidArgument(`${name} must be sorted.`, name, raw);
  return names;
}

/** yyyymmddTHHMMSSZ → epoch ms, or undefined. */
function parseDatetime(raw: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(raw);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(ms) ? undefined : ms;
}

function verify(
  request: SignableRequest,
  credential: OssCredential,
  scope: Scope,
  datetime: string,
  additional: readonly string[],
  hashedPayload: string,
  provided: string,
): void {
  const canonical = canonicalRequest(request, additional, hashedPayload);
  const toSign = v4StringToSign(datetime, `${scope.date}/${scope.region}/${PRODUCT}/${TERMINATOR}`, canonical);
  const expected = signV4(credential.accessKeySecret, scope.date, scope.region, toSign);
  if (!sameSignature(expected, provided)) {
    throw ossErrors.signatureDoesNotMatch(scope.accessKeyId, provided, Buffer.from(toSign, 'utf8'), [
      ['CanonicalRequest', Buffer.from(canonical, 'latin1').toString('utf8')],
    ]);
  }
}

function checkScope(scope: Scope, datetime: string, signingRegion: string): void {
  if (!datetime.startsWith(scope.date)) {
    throw ossErrors.invalidArgument('The date in the Credential does not match x-oss-date.', 'Credential', scope.date);
  }
  // Unconfirmed Code; OSS refuses a scope naming another region.
  if (scope.region !== signingRegion) {
    throw ossErrors.invalidArgument(`The region in the Credential must be ${signingRegion}.`, 'Credential', scope.region);
  }
}

export function authenticateV4(request: SignableRequest, lookup: KeyLookup, nowMs: number, signingRegion: string): Principal {
  const authorization = headerValue(request.headers, 'authorization').trim();
  const q = request.query;
  if (authorization !== '') {
    const parsed = parseAuthorization(authorization);
    const scope = parseCredential(parsed.credential, 'Authorization header');
    const datetime = headerValue(request.headers, 'x-oss-date');
    if (parseDatetime(datetime) === undefined) {
      throw ossErrors.invalidArgument('A V4 signed request needs x-oss-date as yyyymmddTHHMMSSZ.', 'x-oss-date', datetime);
    }
    // doc 0002-00000214: the only accepted payload hash is UNSIGNED-PAYLOAD.
    const payload = headerValue(request.headers, 'x-oss-content-sha256');
    if (payload !== 'UNSIGNED-PAYLOAD') {
      throw ossErrors.invalidArgument('x-oss-content-sha256 must be UNSIGNED-PAYLOAD in a V4 signed request.', 'x-oss-content-sha256', payload);
    }
    checkScope(scope, datetime, signingRegion);
    const credential = lookup(scope.accessKeyId);
    checkSecurityToken(credential, headerValue(request.headers, 'x-oss-security-token'));
    verify(request, credential, scope, datetime, parsed.additional, payload, parsed.signature);
    return { accessKeyId: scope.accessKeyId, signType: SignType.Header, signatureVersion: 'v4' };
  }

  // Presigned: every parameter must be there and well formed (doc 0002-00000219/220).
  const version = q.get('x-oss-signature-version');
  const rawCredential = q.get('x-oss-credential');
  const datetime = q.get('x-oss-date');
  const expires = q.get('x-oss-expires');
  const signature = q.get('x-oss-signature');
  if (version !== V4_ALGORITHM || !rawCredential || !datetime || !expires || !signature) throw ossErrors.queryAuthIncompleteV4();
  const scope = parseCredential(rawCredential, 'x-oss-credential parameter');
  const signedAtMs = parseDatetime(datetime);
  if (signedAtMs === undefined) throw ossErrors.invalidArgument('x-oss-date must be yyyymmddTHHMMSSZ.', 'x-oss-date', datetime);
  if (!/^\d{1,7}$/.test(expires) || Number(expires) < 1 || Number(expires) > MAX_URL_EXPIRES_SEC) {
    throw ossErrors.invalidArgument(`x-oss-expires must be 1 to ${MAX_URL_EXPIRES_SEC} seconds.`, 'x-oss-expires', expires);
  }
  const expiresAtSec = Math.floor(signedAtMs / 1000) + Number(expires);
  const nowSec = Math.floor(nowMs / 1000);
  if (expiresAtSec < nowSec) throw ossErrors.requestExpired(String(expiresAtSec), nowSec);
  checkScope(scope, datetime, signingRegion);
  const additional = parseAdditional(q.get('x-oss-additional-headers'), 'x-oss-additional-headers');
  const credential = lookup(scope.accessKeyId);
  checkSecurityToken(credential, q.get('x-oss-security-token') ?? '');
  verify(request, credential, scope, datetime, additional, 'UNSIGNED-PAYLOAD', signature);
  return { accessKeyId: scope.accessKeyId, signType: SignType.Url, signatureVersion: 'v4' };
}
