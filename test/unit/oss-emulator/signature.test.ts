import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { QueryParams } from '../../../lib/emulators/oss/request';
import { authenticate, canonicalizedOssHeaders, canonicalizedResource, signV1, stringToSign, type SignableRequest } from '../../../lib/emulators/oss/signature';
import { codeOf } from '../../support/errors';

// ali-oss's own signer: an independent implementation to check ours against.
const require = createRequire(import.meta.url);
const aliSign = require('ali-oss/lib/common/signUtils') as {
  buildCanonicalString(method: string, resource: string, request: { headers: Record<string, string>; parameters?: unknown }): string;
  computeSignature(secret: string, toSign: string): string;
};

const DATE = 'Tue, 23 May 2023 15:24:55 GMT';

function request(partial: Partial<SignableRequest> & { rawQuery?: string }): SignableRequest {
  return {
    method: partial.method ?? 'GET',
    headers: partial.headers ?? {},
    bucket: partial.bucket,
    key: partial.key,
    query: QueryParams.parse(partial.rawQuery ?? ''),
  };
}

describe('canonicalizedOssHeaders', () => {
  it('lower-cases, trims and sorts x-oss-* headers, one per line, ignoring the others', () => {
    const headers = {
      'x-oss-meta-b': ' two ',
      'content-type': 'text/plain',
      'x-oss-date': DATE,
      'X-OSS-Meta-A': 'one',
      host: 'b.oss-cn-hangzhou.aliyuncs.com',
    };
    expect(canonicalizedOssHeaders(headers)).toBe(`x-oss-date:${DATE}\nx-oss-meta-a:one\nx-oss-meta-b:two\n`);
  });

  it('is empty without x-oss-* headers', () => {
    expect(canonicalizedOssHeaders({ date: DATE })).toBe('');
  });
});

describe('canonicalizedResource', () => {
  it.each([
    ['the service', undefined, undefined, '', '/'],
    ['a bucket', 'bucket', undefined, '', '/bucket/'],
    ['an object, key not encoded', 'bucket', 'a b/c+d.txt', '', '/bucket/a b/c+d.txt'],
    ['restore, empty value', 'bucket', 'k', 'restore=', '/bucket/k?restore'],
    ['restore and versionId, sorted', 'bucket', 'k', 'versionId=CAEQ1&restore', '/bucket/k?restore&versionId=CAEQ1'],
    ['cleanRestoredObject', 'bucket', 'k', 'cleanRestoredObject', '/bucket/k?cleanRestoredObject'],
    ['versioning', 'bucket', undefined, 'versioning', '/bucket/?versioning'],
    ['listing parameters are not signed', 'bucket', undefined, 'prefix=a%2F&max-keys=10&delimiter=%2F', '/bucket/'],
    ['continuation-token is signed', 'bucket', undefined, 'list-type=2&continuation-token=abc', '/bucket/?continuation-token=abc'],
    ['response overrides are signed, decoded', 'bucket', 'k', 'response-content-type=text%2Fplain', '/bucket/k?response-content-type=text/plain'],
  ])('%s', (_label, bucket, key, rawQuery, expected) => {
    expect(canonicalizedResource(bucket, key, QueryParams.parse(rawQuery))).toBe(expected);
  });
});

describe('stringToSign', () => {
  it('matches the documented example of a bucket ACL request', () => {
    // From the OSS "Troubleshoot signature errors" page: PUT /?acl on "bucket".
    const toSign = stringToSign(request({ method: 'PUT', headers: { date: DATE }, bucket: 'bucket', rawQuery: 'acl' }), DATE);
    expect(toSign).toBe(`PUT\n\n\n${DATE}\n/bucket/?acl`);
  });

  it('agrees with ali-oss for an object PUT with a storage class', () => {
    const headers = {
      'x-oss-date': DATE,
      'x-oss-storage-class': 'Archive',
      'content-type': 'text/plain',
      'content-md5': 'XUFAKrxLKna5cZ2REBfFkg==',
    };
    const ours = stringToSign(request({ method: 'PUT', headers, bucket: 'thaw-demo', key: 'a b/c.txt' }), DATE);
    const theirs = aliSign.buildCanonicalString('PUT', '/thaw-demo/a b/c.txt', { headers });
    expect(ours).toBe(theirs);
  });

  it('agrees with ali-oss for a RestoreObject of one version', () => {
    const headers = { 'x-oss-date': DATE, 'content-type': 'application/xml', 'content-md5': 'abc==' };
    const ours = stringToSign(request({ method: 'POST', headers, bucket: 'thaw-demo', key: 'k', rawQuery: 'restore=&versionId=CAEQ9' }), DATE);
    const theirs = aliSign.buildCanonicalString('POST', '/thaw-demo/k', { headers, parameters: { restore: '', versionId: 'CAEQ9' } });
    expect(ours).toBe(theirs);
  });
});

describe('authenticate', () => {
  const credentials = [
    { accessKeyId: 'AK1', accessKeySecret: 'secret-1' },
    { accessKeyId: 'STS.AK2', accessKeySecret: 'secret-2', securityToken: 'token-2' },
  ];
  const NOW = Date.UTC(2026, 0, 1);

  function signed(accessKeyId: string, secret: string, headers: Record<string, string> = {}): SignableRequest {
    const base = request({ method: 'GET', headers: { 'x-oss-date': DATE, ...headers }, bucket: 'b', key: 'k' });
    const signature = signV1(secret, stringToSign(base, DATE));
    return { ...base, headers: { ...base.headers, authorization: `OSS ${accessKeyId}:${signature}` } };
  }

  it('accepts a correct signature and names the key', () => {
    expect(authenticate(signed('AK1', 'secret-1'), credentials, NOW)).toEqual({ accessKeyId: 'AK1', signType: 'NormalSign', signatureVersion: 'v1' });
  });

  it.each([
    ['wrong secret', () => signed('AK1', 'nope'), 'SignatureDoesNotMatch'],
    ['unknown key', () => signed('AK9', 'secret-1'), 'InvalidAccessKeyId'],
    ['no Authorization at all', () => request({ bucket: 'b', key: 'k' }), 'AccessDenied'],
    ['STS key without its token', () => signed('STS.AK2', 'secret-2'), 'InvalidAccessKeyId'],
    ['STS key with a wrong token', () => signed('STS.AK2', 'secret-2', { 'x-oss-security-token': 'other' }), 'InvalidSecurityToken'],
    ['plain key with a token', () => signed('AK1', 'secret-1', { 'x-oss-security-token': 'token-2' }), 'InvalidAccessKeyId'],
    ['a V4 header', () => request({ headers: { authorization: 'OSS4-HMAC-SHA256 Credential=x' } }), 'InvalidArgument'],
  ])('rejects %s', (_label, make, code) => {
    expect(codeOf(() => authenticate(make(), credentials, NOW))).toBe(code);
  });

  it('accepts an STS key with its token, which is signed as an x-oss header', () => {
    expect(authenticate(signed('STS.AK2', 'secret-2', { 'x-oss-security-token': 'token-2' }), credentials, NOW).accessKeyId).toBe('STS.AK2');
  });

  it('puts the string to sign it computed into SignatureDoesNotMatch', () => {
    try {
      authenticate(signed('AK1', 'nope'), credentials, NOW);
      expect.unreachable();
    } catch (err) {
      const details = Object.fromEntries((err as { details: [string, string][] }).details);
      expect(details.StringToSign).toBe(`GET\n\n\n${DATE}\nx-oss-date:${DATE}\n/b/k`);
      expect(details.OSSAccessKeyId).toBe('AK1');
    }
  });

  describe('presigned URLs', () => {
    const expires = String(NOW / 1000 + 60);
    function presigned(secret: string, expiresAt = expires): SignableRequest {
      const toSign = `GET\n\n\n${expiresAt}\n/b/k`;
      const signature = aliSign.computeSignature(secret, toSign);
      return request({
        bucket: 'b',
        key: 'k',
        rawQuery: `OSSAccessKeyId=AK1&Expires=${expiresAt}&Signature=${encodeURIComponent(signature)}`,
      });
    }

    it('accepts a URL signed by ali-oss’s signer before it expires', () => {
      expect(authenticate(presigned('secret-1'), credentials, NOW)).toEqual({ accessKeyId: 'AK1', signType: 'UrlSign', signatureVersion: 'v1' });
    });

    it('rejects an expired URL with AccessDenied', () => {
      expect(codeOf(() => authenticate(presigned('secret-1', String(NOW / 1000 - 1)), credentials, NOW))).toBe('AccessDenied');
    });

    it('rejects a URL signed with another secret', () => {
      expect(codeOf(() => authenticate(presigned('nope'), credentials, NOW))).toBe('SignatureDoesNotMatch');
    });

    it('rejects a URL missing one of its three parameters', () => {
      expect(codeOf(() => authenticate(request({ rawQuery: 'OSSAccessKeyId=AK1&Signature=x' }), credentials, NOW))).toBe('AccessDenied');
    });
  });
});
