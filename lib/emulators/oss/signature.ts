// Who signed a request: V1 (`Authorization: OSS <AccessKeyId>:<base64 HMAC-SHA1>`, presigned
// `?OSSAccessKeyId=…&Expires=…&Signature=…`) and V4 (signature-v4.ts), then the STS token check.
//
// V1 StringToSign = VERB \n Content-MD5 \n Content-Type \n Date \n CanonicalizedOSSHeaders CanonicalizedResource
// (doc: "Include a V1 signature in the Authorization header"). The Date line is x-oss-date when the
// request carries it, else Date: that is what ali-oss (which sends only x-oss-date) and oss2 sign.
// For a presigned URL the Date line is the Expires value.
//
// Bytes, not characters, are signed. node:http hands header values over as latin1 strings (one
// character per byte received), so header values are signed as the bytes that arrived; the object
// key and query values are decoded from the URL and signed as UTF-8. That is what ali-oss signs
// with `headerEncoding` set, and what a client sending raw UTF-8 metadata needs (observed with
// ali-oss 6.23: re-encoding the received value broke such requests).
import { createHmac } from 'node:crypto';
import { ossErrors } from './errors';
import type { QueryParams } from './request';
import { authenticateV4, isV4Presigned, V4_ALGORITHM } from './signature-v4';
import {
  checkSecurityToken,
  type HeaderBag,
  headerValue,
  type KeyLookup,
  keyLookup,
  type OssCredential,
  type Principal,
  type SignableRequest,
  SignType,
  sameSignature,
} from './signing-key';

export type { HeaderBag, KeyLookup, OssCredential, Principal, SignableRequest } from './signing-key';
export { SignType, headerValue, keyLookup } from './signing-key';

/**
 * Query parameters that are part of CanonicalizedResource. Union of the lists in the official
 * SDKs (oss2 auth.py, the Swift/C SDKs); anything else in the query is not signed.
 */
export const SIGNED_SUB_RESOURCES: ReadonlySet<string> = new Set([
  'acl',
  'uploadId',
  'uploads',
  'partNumber',
  'group',
  'link',
  'delete',
  'website',
  'location',
  'objectInfo',
  'objectMeta',
  'response-content-type',
  'response-content-language',
  'response-expires',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'cors',
  'lifecycle',
  'restore',
  'qos',
  'qosInfo',
  'referer',
  'stat',
  'bucketInfo',
  'append',
  'position',
  'security-token',
  'live',
  'comp',
  'status',
  'vod',
  'startTime',
  'endTime',
  'x-oss-process',
  'x-oss-async-process',
  'symlink',
  'callback',
  'callback-var',
  'tagging',
  'encryption',
  'versions',
  'versioning',
  'versionId',
  'policy',
  'requestPayment',
  'x-oss-traffic-limit',
  'asyncFetch',
  'x-oss-request-payer',
  'sequential',
  'inventory',
  'inventoryId',
  'continuation-token',
  'worm',
  'wormId',
  'wormExtend',
  'replication',
  'replicationLocation',
  'replicationProgress',
  'transferAcceleration',
  'cname',
  'metaQuery',
  'resourceGroup',
  'regionList',
  'cloudboxes',
  'cleanRestoredObject',
  'logging',
]);

/** A JS string holding one character per byte, as node:http gives header values. */
export type ByteString = string;

/** The UTF-8 bytes of `text` as a byte string, so it can be concatenated with header values. */
export function utf8Bytes(text: string): ByteString {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Sorted `x-oss-*:value\n` lines: names lower-cased, values trimmed, bytes as received. */
export function canonicalizedOssHeaders(headers: HeaderBag): ByteString {
  return Object.keys(headers)
    .map((name) => [name.toLowerCase(), headerValue(headers, name).trim()] as const)
    .filter(([name]) => name.startsWith('x-oss-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
}

/** `/`, `/bucket/` or `/bucket/key` (key decoded), then the signed sub-resources sorted by name. */
export function canonicalizedResource(bucket: string | undefined, key: string | undefined, query: QueryParams): string {
  let resource = '/';
  if (bucket) resource += `${bucket}/${key ?? ''}`;
  const signed = query.entries
    .filter(([name]) => SIGNED_SUB_RESOURCES.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => (value === '' ? name : `${name}=${value}`));
  return signed.length === 0 ? resource : `${resource}?${signed.join('&')}`;
}

/** The V1 string to sign, as a byte string: headers as received, the resource as UTF-8. */
export function stringToSign(request: SignableRequest, dateLine: string): ByteString {
  return [
    request.method.toUpperCase(),
    headerValue(request.headers, 'content-md5'),
    headerValue(request.headers, 'content-type'),
    dateLine,
    canonicalizedOssHeaders(request.headers) + utf8Bytes(canonicalizedResource(request.bucket, request.key, request.query)),
  ].join('\n');
}

export function signV1(accessKeySecret: string, toSign: ByteString): string {
  return createHmac('sha1', accessKeySecret).update(Buffer.from(toSign, 'latin1')).digest('base64');
}

export interface AuthenticationContext {
  /** The emulator's region as OSS names it in V4 scopes (`cn-hangzhou`). */
  readonly signingRegion: string;
}

/**
 * Checks a request's signature (V1 or V4, header or presigned) against the configured credentials
 * and returns who signed it. Throws the OssError OSS would answer with. The 15-minute clock-skew
 * check is not enforced: the emulator's clock may be a ManualClock far from the client's.
 */
export function authenticate(
  request: SignableRequest,
  credentials: readonly OssCredential[] | KeyLookup,
  nowMs: number,
  context: AuthenticationContext = { signingRegion: 'cn-hangzhou' },
): Principal {
  const authorization = headerValue(request.headers, 'authorization').trim();
  if (authorization.startsWith(`${V4_ALGORITHM} `) || isV4Presigned(request.query)) {
    return authenticateV4(request, keyLookup(credentials), nowMs, context.signingRegion);
  }
  const q = request.query;
  const presigned = q.has('OSSAccessKeyId') || q.has('Signature') || q.has('Expires');

  let accessKeyId: string;
  let provided: string;
  let dateLine: string;
  let signType: SignType;
  if (authorization !== '') {
    const match = /^OSS ([^:\s]+):(\S+)$/.exec(authorization);
    if (!match) throw ossErrors.invalidAuthorization();
    accessKeyId = match[1]!;
    provided = match[2]!;
    dateLine = headerValue(request.headers, 'x-oss-date') || headerValue(request.headers, 'date');
    signType = SignType.Header;
  } else if (presigned) {
    const id = q.get('OSSAccessKeyId');
    const signature = q.get('Signature');
    const expires = q.get('Expires');
    if (!id || !signature || !expires) throw ossErrors.queryAuthIncomplete();
    const nowSec = Math.floor(nowMs / 1000);
    if (!/^\d+$/.test(expires) || Number(expires) < nowSec) throw ossErrors.requestExpired(expires, nowSec);
    accessKeyId = id;
    provided = signature;
    dateLine = expires;
    signType = SignType.Url;
  } else {
    throw ossErrors.accessDenied();
  }

  const credential = keyLookup(credentials)(accessKeyId);
  checkSecurityToken(credential, headerValue(request.headers, 'x-oss-security-token') || q.get('security-token') || '');

  const toSign = stringToSign(request, dateLine);
  const expected = signV1(credential.accessKeySecret, toSign);
  if (!sameSignature(expected, provided)) throw ossErrors.signatureDoesNotMatch(accessKeyId, provided, Buffer.from(toSign, 'latin1'));
  return { accessKeyId, signType, signatureVersion: 'v1' };
}
