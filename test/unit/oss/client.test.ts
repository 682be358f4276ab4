// The functions' OSS client with FC's STS credentials: made quietly (ali-oss would warn on every
// client it makes with a token and no refresh setting, a line in every function log).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ossClient } from '../../../lib/oss/client';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ossClient', () => {
  it('carries the STS token and writes no warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const client = ossClient(
      { endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', region: 'oss-cn-hangzhou', accessKeyId: 'STS.id', accessKeySecret: 'secret', securityToken: 'token' },
      'bucket',
      { timeoutMs: 1000 },
    );
    expect((client as unknown as { options: { stsToken?: string } }).options.stsToken).toBe('token');
    expect(warn).not.toHaveBeenCalled();
  });
});
