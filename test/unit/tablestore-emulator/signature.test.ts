import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  authenticateRequest,
  contentMd5,
  requestStringToSign,
  responseAuthorization,
  signRequest,
  type Credential,
} from '../../../lib/emulators/tablestore/signature';

const TableStore = createRequire(import.meta.url)('tablestore') as any;

const EMPTY_MD5 = '1B2M2Y8AsgTpgAmY7PhCfg==';
const headers = {
  'x-ots-date': '2026-01-01T00:00:00.000Z',
  'x-ots-apiversion': '2015-12-31',
  'x-ots-accesskeyid': 'AK',
  'x-ots-instancename': 'thaw',
  'x-ots-contentmd5': EMPTY_MD5,
};

describe('request signature', () => {
  it('builds the string to sign as path, method, empty query, sorted x-ots lines', () => {
    expect(requestStringToSign('/ListTable', 'POST', { ...headers, 'x-ots-signature': 'ignored', host: 'ignored' })).toBe(
      '/ListTable\nPOST\n\n' +
        'x-ots-accesskeyid:AK\nx-ots-apiversion:2015-12-31\nx-ots-contentmd5:1B2M2Y8AsgTpgAmY7PhCfg==\n' +
        'x-ots-date:2026-01-01T00:00:00.000Z\nx-ots-instancename:thaw\n',
    );
  });

  it('signs with HMAC-SHA1 (value computed independently with openssl)', () => {
    expect(signRequest('secret', '/ListTable', 'POST', headers)).toBe('/+ZOleojPoF87WlcYwq2y0PflPc=');
  });

  it('agrees with the SDK signer, STS token included', () => {
    const request = {
      path: '/PutRow',
      method: 'POST',
      headers: { 'x-ots-apiversion': '2015-12-31', 'x-ots-instancename': 'thaw', 'x-ots-contentmd5': EMPTY_MD5 } as Record<string, string>,
    };
    new TableStore.Signer(request).addAuthorization(
      { accessKeyId: 'STS.key', secretAccessKey: 'sts-secret', securityToken: 'token-1' },
      new Date(Date.UTC(2026, 0, 2)),
    );
    expect(request.headers['x-ots-ststoken']).toBe('token-1');
    expect(signRequest('sts-secret', '/PutRow', 'POST', request.headers)).toBe(request.headers['x-ots-signature']);
  });
});

describe('response authorization', () => {
  it('signs the sorted x-ots response headers followed by the path', () => {
    const response = {
      'x-ots-contentmd5': EMPTY_MD5,
      'x-ots-contenttype': 'protocol buffer',
      'x-ots-date': '2026-01-01T00:00:00.000000Z',
      'x-ots-requestid': '00000000-0000-0000-0000-000000000000',
    };
    expect(responseAuthorization('AK', 'secret', '/ListTable', response)).toBe('OTS AK:ojuJSs6fvAYwrBHae2BtaBGfsZo=');
  });
});

describe('authenticateRequest', () => {
  const credentials: Credential[] = [
    { accessKeyId: 'AK', accessKeySecret: 'secret' },
    { accessKeyId: 'STS.AK', accessKeySecret: 'sts-secret', securityToken: 'tok' },
  ];
  const nowMs = Date.UTC(2026, 0, 1);
  const signed = (secret: string, extra: Record<string, string> = {}, path = '/ListTable') => {
    const h: Record<string, string> = { ...headers, ...extra };
    return { ...h, 'x-ots-signature': signRequest(secret, path, 'POST', h) };
  };
  const attempt =
    (h: Record<string, string>, over: Partial<Parameters<typeof authenticateRequest>[0]> = {}) =>
    () =>
      authenticateRequest({
        path: '/ListTable',
        method: 'POST',
        headers: h,
        body: new Uint8Array(0),
        instanceName: 'thaw',
        credentials,
        wallNowMs: nowMs,
        ...over,
      });

  it('returns the credential a valid request was signed with', () => {
    expect(attempt(signed('secret'))()).toEqual(credentials[0]);
  });

  it('accepts an STS key only with its token', () => {
    expect(attempt(signed('sts-secret', { 'x-ots-accesskeyid': 'STS.AK', 'x-ots-ststoken': 'tok' }))()).toEqual(credentials[1]);
    expect(attempt(signed('sts-secret', { 'x-ots-accesskeyid': 'STS.AK', 'x-ots-ststoken': 'other' }))).toThrow(
      expect.objectContaining({ code: 'OTSAuthFailed', httpStatus: 403 }),
    );
    expect(attempt(signed('sts-secret', { 'x-ots-accesskeyid': 'STS.AK' }))).toThrow(expect.objectContaining({ code: 'OTSAuthFailed' }));
  });

  it.each([
    { label: 'a wrong secret', h: () => signed('wrong'), status: 403, message: 'Signature mismatch.' },
    { label: 'an unknown key', h: () => signed('secret', { 'x-ots-accesskeyid': 'NOPE' }), status: 403, message: 'The AccessKeyID does not exist.' },
    { label: 'another instance', h: () => signed('secret', { 'x-ots-instancename': 'other' }), status: 403, message: 'The instance is not found.' },
    { label: 'a malformed instance name', h: () => signed('secret', { 'x-ots-instancename': '_x' }), status: 400, message: "Invalid instance name: '_x'." },
    {
      label: 'a missing date',
      h: () => {
        const h = signed('secret');
        delete (h as Record<string, string>)['x-ots-date'];
        return h;
      },
      status: 400,
      message: "Missing header: 'x-ots-date'.",
    },
    { label: 'an unreadable date', h: () => signed('secret', { 'x-ots-date': 'yesterday' }), status: 400, message: 'Invalid date format: yesterday.' },
    {
      label: 'a date 16 minutes off',
      h: () => signed('secret', { 'x-ots-date': '2026-01-01T00:16:00.000Z' }),
      status: 403,
      message: 'Mismatch between system time and x-ots-date: 2026-01-01T00:16:00.000Z.',
    },
    {
      label: 'a body that does not match x-ots-contentmd5',
      h: () => signed('secret', { 'x-ots-contentmd5': contentMd5(Buffer.from('x')) }),
      status: 403,
      message: 'Mismatch between MD5 value of request body and x-ots-contentmd5 in header.',
    },
  ])('refuses $label', ({ h, status, message }) => {
    expect(attempt(h())).toThrow(expect.objectContaining({ httpStatus: status, message }));
  });

  it('signs over the path, so a request replayed to another operation fails', () => {
    expect(attempt(signed('secret'), { path: '/DeleteTable' })).toThrow('Signature mismatch.');
  });
});
