// The emulator's V4 verifier against vectors it did not compute: the signatures in the vendor's Go
// SDK tests (alibabacloud-oss-go-sdk-v2 signer/signer_test.go) and ali-oss 6.23's own signer.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { QueryParams } from '../../../lib/emulators/oss/request';
import { authenticate, type SignableRequest } from '../../../lib/emulators/oss/signature';
import { canonicalQuery, canonicalUri } from '../../../lib/emulators/oss/signature-v4';
import { codeOf } from '../../support/errors';

const require = createRequire(import.meta.url);
const aliSign = require('ali-oss/lib/common/signUtils') as {
  authorizationV4(
    accessKeyId: string,
    secret: string,
    region: string,
    method: string,
    request: { headers: Record<string, string>; queries?: Record<string, string | null> },
    bucket?: string,
    object?: string,
    additionalHeaders?: string[],
  ): string;
};

const CREDENTIALS = [{ accessKeyId: 'ak', accessKeySecret: 'sk' }];
const REGION = { signingRegion: 'cn-hangzhou' };
// url.Values{param1, +param1, |param1, +param2, |param2, param2}.Encode(), as the Go tests send it.
const GO_QUERY = '%2Bparam1=value3&%2Bparam2=&%7Cparam1=value4&%7Cparam2=&param1=value1&param2=';

function request(method: string, headers: Record<string, string>, rawQuery: string, key = '1234+-/123/1.txt'): SignableRequest {
  return { method, headers, bucket: 'bucket', key, query: QueryParams.parse(rawQuery) };
}

describe('V4 canonical pieces', () => {
  it('encodes the URI as the SDKs do, keeping "/"', () => {
    expect(canonicalUri('bucket', '1234+-/123/1.txt')).toBe('/bucket/1234%2B-/123/1.txt');
    expect(canonicalUri('bucket', 'a b/é~!.txt')).toBe('/bucket/a%20b/%C3%A9~%21.txt');
    expect(canonicalUri(undefined, undefined)).toBe('/');
    expect(canonicalUri('bucket', undefined)).toBe('/bucket/');
  });

  it('sorts encoded names and writes a parameter without a value as its name alone', () => {
    expect(canonicalQuery(QueryParams.parse(GO_QUERY))).toBe('%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2');
    expect(canonicalQuery(QueryParams.parse('restore=&versionId=CAEQ%2B1'))).toBe('restore&versionId=CAEQ%2B1');
  });
});

describe('V4 header signatures', () => {
  const goHeaders = (datetime: string, date: string) => ({
    'x-oss-head1': 'value',
    abc: 'value',
    zabc: 'value',
    xyz: 'value',
    'content-type': 'text/plain',
    'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
    'x-oss-date': datetime,
    date,
  });

  it('accepts the Go SDK test vector (TestV4AuthHeader)', () => {
    const headers = {
      ...goHeaders('20231216T162057Z', 'Sat, 16 Dec 2023 16:20:57 GMT'),
      authorization:
        'OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe',
    };
    expect(authenticate(request('PUT', headers, GO_QUERY), CREDENTIALS, Date.UTC(2023, 11, 16), REGION)).toEqual({
      accessKeyId: 'ak',
      signType: 'NormalSign',
      signatureVersion: 'v4',
    });
  });

  it('accepts the Go SDK vector with AdditionalHeaders (TestV4AuthHeaderWithAdditionalHeaders)', () => {
    const headers = {
      ...goHeaders('20231216T172512Z', 'Sat, 16 Dec 2023 17:25:12 GMT'),
      authorization:
        'OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=abc;zabc,Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f',
    };
    expect(authenticate(request('PUT', headers, GO_QUERY), CREDENTIALS, Date.UTC(2023, 11, 16), REGION).signatureVersion).toBe('v4');
  });

  function aliSigned(overrides: { secret?: string; region?: string; headers?: Record<string, string> } = {}): SignableRequest {
    const headers: Record<string, string> = {
      'x-oss-date': '20260101T000000Z',
      'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
      'content-type': 'application/octet-stream',
      'x-oss-meta-owner': 'ops',
      'x-oss-storage-class': 'Archive',
      ...overrides.headers,
    };
    const authorization = aliSign.authorizationV4(
      'ak',
      overrides.secret ?? 'sk',
      overrides.region ?? 'cn-hangzhou',
      'POST',
      { headers, queries: { restore: null } },
      'bucket',
      'dir/a b.txt',
    );
    return request('POST', { ...headers, authorization }, 'restore', 'dir/a b.txt');
  }

  it('accepts what ali-oss signs, and says why it refuses what it does not', () => {
    expect(authenticate(aliSigned(), CREDENTIALS, Date.UTC(2026, 0, 1), REGION).accessKeyId).toBe('ak');
    expect(codeOf(() => authenticate(aliSigned({ secret: 'other' }), CREDENTIALS, Date.UTC(2026, 0, 1), REGION))).toBe('SignatureDoesNotMatch');
    expect(codeOf(() => authenticate(aliSigned({ region: 'cn-beijing' }), CREDENTIALS, Date.UTC(2026, 0, 1), REGION))).toBe('InvalidArgument');
    const tampered = aliSigned();
    tampered.headers['x-oss-storage-class'] = 'Standard';
    expect(codeOf(() => authenticate(tampered, CREDENTIALS, Date.UTC(2026, 0, 1), REGION))).toBe('SignatureDoesNotMatch');
  });

  it('puts the canonical request it computed into SignatureDoesNotMatch', () => {
    try {
      authenticate(aliSigned({ secret: 'other' }), CREDENTIALS, Date.UTC(2026, 0, 1), REGION);
      expect.unreachable();
    } catch (err) {
      const details = Object.fromEntries((err as { details: [string, string][] }).details);
      expect(details.CanonicalRequest).toBe(
        [
          'POST',
          '/bucket/dir/a%20b.txt',
          'restore',
          'content-type:application/octet-stream\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20260101T000000Z\nx-oss-meta-owner:ops\nx-oss-storage-class:Archive\n',
          '',
          'UNSIGNED-PAYLOAD',
        ].join('\n'),
      );
      expect(details.StringToSign).toMatch(/^OSS4-HMAC-SHA256\n20260101T000000Z\n20260101\/cn-hangzhou\/oss\/aliyun_v4_request\n[0-9a-f]{64}$/);
    }
  });

  it.each([
    ['a payload hash other than UNSIGNED-PAYLOAD', { 'x-oss-content-sha256': 'e3b0c442' }, 'InvalidArgument'],
    ['an x-oss-date that is not yyyymmddTHHMMSSZ', { 'x-oss-date': 'Thu, 01 Jan 2026 00:00:00 GMT' }, 'InvalidArgument'],
  ])('refuses %s', (_label, headers, code) => {
    expect(codeOf(() => authenticate(aliSigned({ headers }), CREDENTIALS, Date.UTC(2026, 0, 1), REGION))).toBe(code);
  });

  it('refuses an unknown key and a malformed header', () => {
    expect(codeOf(() => authenticate(aliSigned(), [{ accessKeyId: 'other', accessKeySecret: 'sk' }], Date.UTC(2026, 0, 1), REGION))).toBe('InvalidAccessKeyId');
    expect(codeOf(() => authenticate(request('GET', { authorization: 'OSS4-HMAC-SHA256 Credential' }, ''), CREDENTIALS, 0, REGION))).toBe('InvalidArgument');
  });
});

describe('V4 presigned URLs', () => {
  // TestV4AuthQuery: signed at 1702781677 (2023-12-17T02:54:37Z) for 599 s.
  const SIGNED_AT = 1702781677_000;
  const query = (signature: string) =>
    `${GO_QUERY}&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T025437Z&x-oss-expires=599` +
    `&x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-signature=${signature}`;
  const headers = { 'x-oss-head1': 'value', abc: 'value', zabc: 'value', xyz: 'value', 'content-type': 'application/octet-stream' };
  const GO_SIGNATURE = 'a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe';

  it('accepts the Go SDK test vector (TestV4AuthQuery) until x-oss-date + x-oss-expires', () => {
    expect(authenticate(request('PUT', headers, query(GO_SIGNATURE)), CREDENTIALS, SIGNED_AT, REGION)).toEqual({
      accessKeyId: 'ak',
      signType: 'UrlSign',
      signatureVersion: 'v4',
    });
    expect(authenticate(request('PUT', headers, query(GO_SIGNATURE)), CREDENTIALS, SIGNED_AT + 599_000, REGION).accessKeyId).toBe('ak');
    expect(codeOf(() => authenticate(request('PUT', headers, query(GO_SIGNATURE)), CREDENTIALS, SIGNED_AT + 600_000, REGION))).toBe('AccessDenied');
  });

  it('refuses a changed signature and a URL missing one of its parameters', () => {
    expect(codeOf(() => authenticate(request('PUT', headers, query('0'.repeat(64))), CREDENTIALS, SIGNED_AT, REGION))).toBe('SignatureDoesNotMatch');
    const missing = query(GO_SIGNATURE).replace('&x-oss-expires=599', '');
    expect(codeOf(() => authenticate(request('PUT', headers, missing), CREDENTIALS, SIGNED_AT, REGION))).toBe('AccessDenied');
    const tooLong = query(GO_SIGNATURE).replace('x-oss-expires=599', 'x-oss-expires=604801');
    expect(codeOf(() => authenticate(request('PUT', headers, tooLong), CREDENTIALS, SIGNED_AT, REGION))).toBe('InvalidArgument');
  });
});
