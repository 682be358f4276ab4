import { describe, expect, it } from 'vitest';
import { functionInstance } from '../../../lib/function-instance';
import { credentialsFrom, type Services, servicesCache } from '../../../lib/wiring';

describe('credentialsFrom', () => {
  it('prefers the function role from the FC context, then the environment', () => {
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'env-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret' };
    expect(credentialsFrom({ credentials: { accessKeyId: 'sts-id', accessKeySecret: 'sts-secret', securityToken: 'tok' } }, env)).toEqual({
      accessKeyId: 'sts-id',
      accessKeySecret: 'sts-secret',
      securityToken: 'tok',
    });
    expect(credentialsFrom(undefined, env)).toEqual({ accessKeyId: 'env-id', accessKeySecret: 'env-secret', securityToken: undefined });
    expect(() => credentialsFrom(undefined, {})).toThrow(/^No credentials/);
  });
});

describe('servicesCache', () => {
  it('keeps one set of services per credentials and rebuilds when FC rotates them', () => {
    let builds = 0;
    const cache = servicesCache(() => ({ n: ++builds }) as unknown as Services);
    const a = cache({ accessKeyId: 'STS.1', accessKeySecret: 's', securityToken: 't1' });
    expect(cache({ accessKeyId: 'STS.1', accessKeySecret: 's', securityToken: 't1' })).toBe(a);
    expect(cache({ accessKeyId: 'STS.2', accessKeySecret: 's', securityToken: 't2' })).not.toBe(a);
    expect(builds).toBe(2);
  });
});

describe('functionInstance.deadline', () => {
  it('keeps three seconds back from the FC timeout', () => {
    const instance = functionInstance();
    expect(instance.deadline({ function: { timeout: 30 } }, 1_000_000)).toBe(1_027_000);
    expect(instance.deadline({}, 1_000_000)).toBeUndefined();
  });
});
