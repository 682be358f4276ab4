// Custom domains: which route a path takes (exact before prefix, longer prefix before shorter) and
// what a Create/UpdateCustomDomain body may hold.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkedDomainFields, checkedDomainName, type Route, routeFor } from '../../../../lib/emulators/fc/custom-domain';

const route = (path: string, functionName: string): Route => ({ path, serviceName: 's', functionName, qualifier: 'LATEST' });
const routes = [route('/*', 'root'), route('/api/*', 'api'), route('/api/v1/*', 'v1'), route('/api/health', 'health')];

describe('routeFor', () => {
  it.each([
    ['/', 'root'],
    ['/index.html', 'root'],
    ['/api', 'api'],
    ['/api/x', 'api'],
    ['/api/v1/restores', 'v1'],
    ['/api/health', 'health'],
    ['/api/healthz', 'api'],
  ])('takes %s to %s', (path, fn) => {
    expect(routeFor(routes, path)?.functionName).toBe(fn);
  });

  it('takes no route when none matches', () => {
    expect(routeFor([route('/login', 'f')], '/logout')).toBeUndefined();
  });
});

describe('custom domain fields', () => {
  it.each([
    ['api.example.com', 'api.example.com'],
    ['API.Example.COM', 'api.example.com'],
    ['localhost', 'localhost'],
    ['dashboard.localhost', 'dashboard.localhost'],
  ])('takes the name %s as %s', (name, expected) => {
    expect(checkedDomainName(name)).toBe(expected);
  });

  it.each(['example', '-a.example.com', 'a..example.com', 'a b.example.com', '127.0.0.1', ''])('refuses the name %j', (name) => {
    expect(() => checkedDomainName(name)).toThrow(/is not a domain name/);
  });

  it('defaults the protocol to HTTP and each route qualifier to LATEST', () => {
    expect(checkedDomainFields({ routeConfig: { routes: [{ path: '/a', serviceName: 's', functionName: 'f' }] } })).toEqual({
      protocol: 'HTTP',
      routeConfig: { routes: [{ path: '/a', serviceName: 's', functionName: 'f', qualifier: 'LATEST' }] },
    });
  });

  it('refuses a private key that is not the certificate', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => checkedDomainFields({ protocol: 'HTTP,HTTPS', certConfig: { certName: 'c', certificate: CERTIFICATE, privateKey: other } })).toThrow(
      'certConfig.privateKey does not belong to certConfig.certificate',
    );
    expect(checkedDomainFields({ protocol: 'HTTP,HTTPS', certConfig: { certName: 'c', certificate: CERTIFICATE, privateKey: KEY } })).toMatchObject({
      protocol: 'HTTP,HTTPS',
      certConfig: { certName: 'c' },
    });
  });

  it.each([
    ['an unknown field', { routes: [] }, /routes is not a field of a custom domain/],
    [
      'methods FC does not take',
      { routeConfig: { routes: [{ path: '/a', serviceName: 's', functionName: 'f', methods: ['FETCH'] }] } },
      /methods must be a list of/,
    ],
    ['a route without a function', { routeConfig: { routes: [{ path: '/a', serviceName: 's' }] } }, /functionName must be a non-empty string/],
    ['a path without a leading slash', { routeConfig: { routes: [{ path: 'a', serviceName: 's', functionName: 'f' }] } }, /must start with "\/"/],
  ])('refuses %s', (_label, body, message) => {
    expect(() => checkedDomainFields(body as Record<string, unknown>)).toThrow(message);
  });
});

// A self-signed P-256 certificate and its key, made for this test only.
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBizCCATGgAwIBAgIUCTWwsKdfA//BngZ4wWvvkf+tJyMwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPYXBpLmV4YW1wbGUuY29tMCAXDTI2MTIwNzA0MzEwNFoYDzIx
MjYxMTEzMDQzMTA0WjAaMRgwFgYDVQQDDA9hcGkuZXhhbXBsZS5jb20wWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAQQx8pWKUsdcv80xiIwTJ54ioTo1x6l+sx/wSvI
6cAYqkUsbDYX9dTuoK8T9KrWXNueqQYf7XNqa0Bynnlu90d8o1MwUTAdBgNVHQ4E
FgQUitTBy0mpBB2oYYi1zmog4EN+HnwwHwYDVR0jBBgwFoAUitTBy0mpBB2oYYi1
zmog4EN+HnwwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEA+dlr
cQAGio4s6+7YdGB3U8ErfUrSPAt2KEm03L1sLhACIA9JRt93PprQ6N3628NJpjVb
nqBo+/uAoqmckbAFyjD1
-----END CERTIFICATE-----`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgpzJQydUVfBT4DF2m
GeRSWMt6HWni6jE1yZ1I2AA+YpOhRANCAAQQx8pWKUsdcv80xiIwTJ54ioTo1x6l
+sx/wSvI6cAYqkUsbDYX9dTuoK8T9KrWXNueqQYf7XNqa0Bynnlu90d8
-----END PRIVATE KEY-----`;
