// The real Function Compute client (@alicloud/fc2) invoking the local stack's functions through
// its FC API, and `thaw invoke` doing the same from the command line.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import FC from '@alicloud/fc2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDev, spawnDev } from '../support/dev-stack';

const run = promisify(execFile);

interface FcInfo {
  endpoint: string;
  accountId: string;
  region: string;
  service: string;
  accessKeyId: string;
  accessKeySecret: string;
}

describe('the local FC API', () => {
  let dev: RunningDev;
  let fc: FcInfo;
  const client = (secret = fc.accessKeySecret) =>
    new FC(fc.accountId, { accessKeyID: fc.accessKeyId, accessKeySecret: secret, region: fc.region, endpoint: fc.endpoint });

  beforeAll(async () => {
    dev = await spawnDev();
    fc = (dev.info as unknown as { fc: FcInfo }).fc;
  });
  afterAll(async () => {
    expect(await dev?.stop()).toBe(0);
  });

  it('invokes the sweeper and returns its result', async () => {
    const response = await client().invokeFunction(fc.service, 'sweeper', '{}');
    expect(response.headers['x-fc-error-type']).toBeUndefined();
    expect(response.data).toMatchObject({ due: 0, outOfScope: 0, summary: { seen: 0 } });
  });

  it('passes the event through: a malformed storage event is reported, not thrown', async () => {
    const response = await client().invokeFunction(fc.service, 'storage-event', JSON.stringify({ nothing: 'here' }));
    expect(response.data).toHaveProperty('malformed');
  });

  it.each([
    ['an unknown function', () => client().invokeFunction(fc.service, 'no-such-function', '{}'), 'FunctionNotFound'],
    ['an unknown service', () => client().invokeFunction('other-service', 'sweeper', '{}'), 'ServiceNotFound'],
    ['a wrong secret', () => client('wrong-secret').invokeFunction(fc.service, 'sweeper', '{}'), 'SignatureNotMatch'],
  ])('refuses %s with %s', async (_label, call, code) => {
    await expect(call()).rejects.toMatchObject({ code });
  });

  it.each([
    ['a body that is not the one signed', '{"events":[]}', new Date().toUTCString(), 400, 'InvalidArgument'],
    ['a replayed request dated 2001', '{}', new Date(Date.UTC(2001, 0, 1)).toUTCString(), 403, 'RequestTimeTooSkewed'],
  ])('refuses %s', async (_label, sentBody, date, status, code) => {
    const path = `/2016-08-15/services/${fc.service}/functions/sweeper/invocations`;
    const signedBody = '{}';
    const headers: Record<string, string> = {
      date,
      'content-type': 'application/octet-stream',
      'content-md5': Buffer.from(createHash('md5').update(signedBody).digest('hex')).toString('base64'),
      'x-fc-account-id': fc.accountId,
    };
    headers.authorization = FC.getSignature(fc.accessKeyId, fc.accessKeySecret, 'POST', path, headers);
    const res = await fetch(`${fc.endpoint}${path}`, { method: 'POST', headers, body: sentBody });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { ErrorCode: string }).ErrorCode).toBe(code);
  });

  it('is what `thaw invoke` talks to', async () => {
    const { stdout } = await run(
      process.execPath,
      ['lib/bin/thaw.mjs', 'invoke', 'sweeper', '--endpoint', fc.endpoint, '--account-id', fc.accountId, '--region', fc.region, '--service', fc.service],
      { env: { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: fc.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: fc.accessKeySecret } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ due: 0 });
  });
});
