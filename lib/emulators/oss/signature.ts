// OSS V1 signatures: `Authorization: OSS <AccessKeyId>:<base64 HMAC-SHA1>` and presigned URLs
// (`?OSSAccessKeyId=…&Expires=…&Signature=…`).
//
// StringToSign = VERB \n Content-MD5 \n Content-Type \n Date \n CanonicalizedOSSHeaders CanonicalizedResource
// (doc: "Include a V1 signature in the Authorization header"). The Date line is x-oss-date when the
// request carries it, else Date: that is what ali-oss (which sends only x-oss-date) and oss2 sign.
// For a presigned URL the Date line is the Expires value.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ossErrors } from './errors';
import type { QueryParams } from './request';

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

export type HeaderBag = Record<string, string | string[] | undefined>;

function headerValue(headers: HeaderBag, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/** Sorted `x-oss-*:value\n` lines: names lower-cased, values trimmed. */
export function canonicalizedOssHeaders(headers: HeaderBag): string {
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

export interface SignableRequest {
  method: string;
  headers: HeaderBag;
  bucket: string | undefined;
  key: string | undefined;
  query: QueryParams;
}

export function stringToSign(request: SignableRequest, dateLine: string): string {
  return [
    request.method.toUpperCase(),
    headerValue(request.headers, 'content-md5'),
    headerValue(request.headers, 'content-type'),
    dateLine,
    canonicalizedOssHeaders(request.headers) + canonicalizedResource(request.bucket, request.key, request.query),
  ].join('\n');
}

export function signV1(accessKeySecret: string, toSign: string): string {
  return createHmac('sha1', accessKeySecret).update(toSign, 'utf8').digest('base64');
}

export interface OssCredential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, requests with this key must carry this STS token (x-oss-security-token or ?security-token). */
  securityToken?: string;
}

export const SignType = { Header: 'NormalSign', Url: 'UrlSign', None: 'NotSign' } as const;
export type SignType = (typeof SignType)[keyof typeof SignType];

export interface Principal {
  accessKeyId: string;
  signType: SignType;
}

function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks a request's V1 signature against the configured credentials and returns who signed it.
 * Throws the OssError OSS would answer with. The emulator does not enforce the 15-minute clock
 * skew: its clock may be a ManualClock far from the client's.
 */
export function authenticate(request: SignableRequest, credentials: readonly OssCredential[], nowMs: number): Principal {
  const authorization = headerValue(request.headers, 'authorization');
  const q = request.query;
  const presigned = q.has('OSSAccessKeyId') || q.has('Signature') || q.has('Expires');

  let accessKeyId: string;
  let provided: string;
  let dateLine: string;
  let signType: SignType;
  if (authorization !== '') {
    const match = /^OSS ([^:\s]+):(\S+)$/.exec(authorization.trim());
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

  const credential = credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!credential) throw ossErrors.invalidAccessKeyId(accessKeyId);

  // A key issued with an STS token is only valid with it; a token sent with a plain key makes OSS
  // treat the key as an (unknown) STS key (doc 0002-00000002).
  const token = headerValue(request.headers, 'x-oss-security-token') || q.get('security-token') || '';
  if (credential.securityToken === undefined) {
    if (token !== '') throw ossErrors.invalidAccessKeyId(accessKeyId);
  } else if (token === '') {
    throw ossErrors.invalidAccessKeyId(accessKeyId);
  } else if (token !== credential.securityToken) {
    throw ossErrors.invalidSecurityToken();
  }

  const toSign = stringToSign(request, dateLine);
  const expected = signV1(credential.accessKeySecret, toSign);
  if (!sameSignature(expected, provided)) throw ossErrors.signatureDoesNotMatch(accessKeyId, provided, toSign);
  return { accessKeyId, signType };
}
