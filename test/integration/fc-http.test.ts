// HTTP triggers at their own addresses, as FC serves them: each at
// /2016-08-15/proxy/<service>/<function>/… on the FC endpoint (so a second stack's deploy or destroy
// changes nothing the first one's address serves), with what FC hands the function (req.path after
// the function, req.url as requested, no x-fc-* headers) and FC's forced download on the default
// domain; custom domains (the FC 2.0 API through @alicloud/fc2) on their own listener, routed by
// Host, without the forced download.
import { request } from 'node:http';
import FC from '@alicloud/fc2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, type LocalFc, OWNER, startLocalFc } from '../support/local-fc';

// Answers what it was handed, and a Content-Disposition of its own choosing on /inline.
const ECHO = `
exports.handler = (req, resp, context) => {
  resp.setHeader('content-type', 'application/json');
  resp.setHeader('x-fc-spoofed', 'yes');
  if (req.path === '/inline') resp.setHeader('content-disposition', 'inline');
  resp.send(JSON.stringify({ stack: process.env.STACK, path: req.path, url: req.url, queries: req.queries, headers: req.headers, method: req.method }));
};`;

let fc: LocalFc;
beforeAll(async () => {
  fc = await startLocalFc();
});
afterAll(async () => {
  await fc?.close();
});

async function deployStack(name: string): Promise<void> {
  const client = fc.client();
  await client.createService(name, {});
  await client.createFunction(name, {
    functionName: 'http',
    handler: 'index.handler',
    runtime: 'nodejs20',
    code: codeOf(ECHO),
    environmentVariables: { STACK: name },
  });
  await client.createTrigger(name, 'http', { triggerName: 'http', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] } });
}

async function destroyStack(name: string): Promise<void> {
  const client = fc.client();
  await client.deleteTrigger(name, 'http', 'http');
  await client.deleteFunction(name, 'http');
  await client.deleteService(name);
}

/** A raw request, so the Host header can name a custom domain. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP triggers on the default domain', () => {
  it('serve two stacks at two addresses; destroying one leaves the other as it was', async () => {
    await deployStack('stack-a');
    await deployStack('stack-b');
    const a = `${fc.endpoint}/2016-08-15/proxy/stack-a/http`;
    const b = `${fc.endpoint}/2016-08-15/proxy/stack-b/http`;
    expect((await get(`${a}/v1/health`)).body.stack).toBe('stack-a');
    expect((await get(`${b}/v1/health`)).body.stack).toBe('stack-b');
    await destroyStack('stack-b');
    expect((await get(`${a}/v1/health`)).body).toMatchObject({ stack: 'stack-a', path: '/v1/health' });
    expect(await get(`${b}/v1/health`)).toMatchObject({ status: 404, body: { ErrorCode: 'ServiceNotFound' } });
  });

  it('hand the function the path after its name, the URL as asked, no x-fc-* headers, and force a download', async () => {
    const res = await get(`${fc.endpoint}/2016-08-15/proxy/stack-a/http/v1/restores/b/a%2Fb?versionId=v1&x=1&x=2`, {
      'x-fc-invocation-type': 'Async',
      'x-app': 'kept',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      path: '/v1/restores/b/a%2Fb',
      url: '/2016-08-15/proxy/stack-a/http/v1/restores/b/a%2Fb?versionId=v1&x=1&x=2',
      queries: { versionId: 'v1', x: ['1', '2'] },
      method: 'GET',
    });
    expect(res.body.headers['x-app']).toBe('kept');
    expect(res.body.headers).not.toHaveProperty('x-fc-invocation-type');
    // FC's default domain makes browsers download whatever the function answers.
    expect(res.headers['content-disposition']).toBe('attachment');
    expect(res.headers).not.toHaveProperty('x-fc-spoofed');
    expect(res.headers['x-fc-request-id']).toEqual(expect.any(String));
    expect((await get(`${fc.endpoint}/2016-08-15/proxy/stack-a/http/inline`)).headers['content-disposition']).toBe('attachment');
  });

  it('refuse a method the trigger does not take, and a function without an HTTP trigger', async () => {
    const put = await new Promise<number>((resolve, reject) => {
      const req = request(`${fc.endpoint}/2016-08-15/proxy/stack-a/http/x`, { method: 'PUT' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(put).toBe(405);
    await fc
      .client()
      .createFunction('stack-a', { functionName: 'plain', handler: 'index.handler', runtime: 'nodejs20', code: codeOf('exports.handler = async () => 1;') });
    expect(await get(`${fc.endpoint}/2016-08-15/proxy/stack-a/plain/`)).toMatchObject({ status: 404, body: { ErrorCode: 'TriggerNotFound' } });
  });
});

describe('an HTTP trigger with authType function', () => {
  const path = '/2016-08-15/proxy/signed/http/x';
  const signedGet = (credentials: { accessKeyId: string; accessKeySecret: string }) => {
    const headers: Record<string, string> = { date: new Date().toUTCString() };
    headers.authorization = FC.getSignature(credentials.accessKeyId, credentials.accessKeySecret, 'GET', path, headers, { a: '1' });
    return get(`${fc.endpoint}${path}?a=1`, headers);
  };

  it('takes only requests signed by a key allowed fc:InvokeFunction, the query signed too', async () => {
    const client = fc.client();
    await client.createService('signed', {});
    await client.createFunction('signed', { functionName: 'http', handler: 'index.handler', runtime: 'nodejs20', code: codeOf(ECHO) });
    await client.createTrigger('signed', 'http', { triggerName: 'http', triggerType: 'http', triggerConfig: { authType: 'function', methods: ['GET'] } });
    expect(await get(`${fc.endpoint}${path}?a=1`)).toMatchObject({ status: 400, body: { ErrorCode: 'MissingRequiredHeader' } });
    expect(await signedGet(OWNER)).toMatchObject({ status: 200, body: { path: '/x' } });
    const user = fc.account.addUser('caller');
    expect(await signedGet(user)).toMatchObject({ status: 403, body: { ErrorCode: 'AccessDenied' } });
    fc.account.grantUser(user.accessKeyId, { action: 'fc:InvokeFunction', resource: 'acs:fc:*:*:services/signed/functions/http' });
    expect((await signedGet(user)).status).toBe(200);
  });
});

describe('custom domains', () => {
  it('are managed through the FC 2.0 API and serve by Host, without the forced download', async () => {
    const client = fc.client();
    const created = (
      await client.createCustomDomain('api.example.com', {
        protocol: 'HTTP',
        routeConfig: { routes: [{ path: '/*', serviceName: 'stack-a', functionName: 'http' }] },
      })
    ).data as Record<string, unknown>;
    expect(created).toMatchObject({
      domainName: 'api.example.com',
      protocol: 'HTTP',
      apiVersion: '2016-08-15',
      routeConfig: { routes: [{ path: '/*', qualifier: 'LATEST' }] },
    });
    expect(((await client.listCustomDomains()).data as { customDomains: { domainName: string }[] }).customDomains.map((d) => d.domainName)).toEqual([
      'api.example.com',
    ]);

    const page = await get(`${fc.domainEndpoint}/?tab=usage`, { host: 'api.example.com' });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ stack: 'stack-a', path: '/', url: '/?tab=usage' });
    expect(page.headers).not.toHaveProperty('content-disposition');
    // The function's own choice passes on a custom domain.
    expect((await get(`${fc.domainEndpoint}/inline`, { host: 'api.example.com:8080' })).headers['content-disposition']).toBe('inline');
    expect(await get(`${fc.domainEndpoint}/`, { host: 'other.example.com' })).toMatchObject({ status: 404, body: { ErrorCode: 'DomainNameNotFound' } });
  });

  it('route an exact path before a prefix, and a longer prefix before a shorter one', async () => {
    await deployStack('stack-c');
    await fc.client().updateCustomDomain('api.example.com', {
      routeConfig: {
        routes: [
          { path: '/*', serviceName: 'stack-a', functionName: 'http' },
          { path: '/v1/*', serviceName: 'stack-c', functionName: 'http' },
          { path: '/v1/health', serviceName: 'stack-a', functionName: 'http' },
        ],
      },
    });
    const host = { host: 'api.example.com' };
    expect((await get(`${fc.domainEndpoint}/v1/usage`, host)).body.stack).toBe('stack-c');
    expect((await get(`${fc.domainEndpoint}/v1/health`, host)).body.stack).toBe('stack-a');
    expect((await get(`${fc.domainEndpoint}/index.html`, host)).body.stack).toBe('stack-a');
  });

  it.each([
    ['a name that is no domain', { domainName: 'not a domain' }, /domainName "not a domain" is not a domain name/],
    ['HTTPS without a certificate', { domainName: 'secure.example.com', protocol: 'HTTP,HTTPS' }, /protocol HTTP,HTTPS needs certConfig/],
    ['an unknown protocol', { domainName: 'x.example.com', protocol: 'HTTPS' }, /protocol must be "HTTP" or "HTTP,HTTPS"/],
    [
      'a certificate that is not PEM',
      { domainName: 'y.example.com', protocol: 'HTTP,HTTPS', certConfig: { certName: 'c', certificate: 'nope', privateKey: 'nope' } },
      /certConfig.certificate is not a PEM certificate/,
    ],
    [
      'a route path with a * inside',
      { domainName: 'z.example.com', routeConfig: { routes: [{ path: '/a*b', serviceName: 's', functionName: 'f' }] } },
      /may only end in "\/\*"/,
    ],
    [
      'the same path routed twice',
      {
        domainName: 'w.example.com',
        routeConfig: {
          routes: [
            { path: '/a', serviceName: 's', functionName: 'f' },
            { path: '/a', serviceName: 's', functionName: 'g' },
          ],
        },
      },
      /routed twice/,
    ],
  ])('refuse %s', async (_label, body, message) => {
    const { domainName, ...options } = body as { domainName: string } & Record<string, unknown>;
    await expect(fc.client().createCustomDomain(domainName, options)).rejects.toMatchObject({
      code: 'InvalidArgument',
      message: expect.stringMatching(message),
    });
  });

  it('answer DomainNameAlreadyExists and DomainNameNotFound, and go when deleted', async () => {
    await expect(fc.client().createCustomDomain('api.example.com', {})).rejects.toMatchObject({ code: 'DomainNameAlreadyExists' });
    await fc.client().deleteCustomDomain('api.example.com');
    await expect(fc.client().getCustomDomain('api.example.com')).rejects.toMatchObject({ code: 'DomainNameNotFound' });
    expect((await get(`${fc.domainEndpoint}/`, { host: 'api.example.com' })).status).toBe(404);
  });
});
