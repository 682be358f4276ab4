import { describe, expect, it } from 'vitest';
import { deployerEndpoints } from '../../../lib/deploy/prerequisites';
import type { StackSpec } from '../../../lib/deploy/template';

const stack = (env: Record<string, string>) => ({ region: 'cn-hangzhou', functions: [{ environment: env }] }) as unknown as StackSpec;

describe('deployerEndpoints', () => {
  it("reaches the functions' internal endpoints at their public counterparts", () => {
    expect(
      deployerEndpoints(
        stack({
          THAW_OSS_ENDPOINT: 'https://oss-cn-hangzhou-internal.aliyuncs.com',
          THAW_TABLESTORE_ENDPOINT: 'https://thaw.cn-hangzhou.ots-internal.aliyuncs.com',
        }),
      ),
    ).toEqual({
      oss: 'https://oss-cn-hangzhou.aliyuncs.com',
      tablestore: 'https://thaw.cn-hangzhou.ots.aliyuncs.com',
      sls: 'https://cn-hangzhou.log.aliyuncs.com',
    });
  });

  it('takes what it is told over what it derives', () => {
    expect(deployerEndpoints(stack({ THAW_OSS_ENDPOINT: 'https://oss-cn-hangzhou-internal.aliyuncs.com' }), { oss: 'http://127.0.0.1:1' }).oss).toBe(
      'http://127.0.0.1:1',
    );
  });
});
