import { describe, expect, it } from 'vitest';
import { anonymousApiFinding, deployerEndpoints, FC2_NODEJS20_REGIONS, nodejs20Finding } from '../../../lib/deploy/preflight';
import type { DeploySettings } from '../../../lib/deploy/settings';
import type { StackSpec } from '../../../lib/deploy/template';

const stack = { region: 'cn-hangzhou' } as unknown as StackSpec;
const settings = (ossEndpoint: string, tablestore: string) =>
  ({ ossEndpoint, tablestore: { functionsEndpoint: tablestore, instance: 'thaw', table: 't', tables: [] } }) as unknown as DeploySettings;

describe('deployerEndpoints', () => {
  it.each([
    ['classic internal', 'https://thaw.cn-hangzhou.ots-internal.aliyuncs.com'],
    ['VPC', 'https://thaw.cn-hangzhou.vpc.tablestore.aliyuncs.com'],
  ])("reaches the functions' %s endpoints at their public counterparts", (_label, tablestore) => {
    expect(deployerEndpoints(stack, settings('https://oss-cn-hangzhou-internal.aliyuncs.com', tablestore))).toEqual({
      oss: 'https://oss-cn-hangzhou.aliyuncs.com',
      tablestore: 'https://thaw.cn-hangzhou.ots.aliyuncs.com',
      sls: 'https://cn-hangzhou.log.aliyuncs.com',
      // Alert resource data (webhooks, action policies) live in one region for the account.
      slsRecords: 'https://cn-heyuan.log.aliyuncs.com',
    });
  });

  it('takes what it is told over what it derives', () => {
    expect(deployerEndpoints(stack, settings('https://oss-cn-hangzhou-internal.aliyuncs.com', ''), { oss: 'http://127.0.0.1:1' }).oss).toBe(
      'http://127.0.0.1:1',
    );
  });
});

describe('the FC 2.0 nodejs20 regions', () => {
  it('are the 16 of the FC 2.0 runtime table', () => {
    expect(FC2_NODEJS20_REGIONS).toHaveLength(16);
    expect(FC2_NODEJS20_REGIONS).toContain('cn-hangzhou');
    expect(FC2_NODEJS20_REGIONS).not.toContain('cn-wulanchabu');
  });
});

describe('the nodejs20 runtime where the functions go', () => {
  it('is offered on FC 3.0 in a region FC 2.0 lacks it', () => {
    expect(nodejs20Finding('me-east-1', 'fc3')).toMatchObject({ status: 'ok' });
  });
  it('stops a deploy that stays on FC 2.0 there, naming the way out', () => {
    expect(nodejs20Finding('me-east-1', 'fc2')).toMatchObject({ status: 'problem', fix: expect.stringContaining('--platform fc3') });
  });
  it('warns when the platform is chosen later (a new stack goes to FC 3.0)', () => {
    expect(nodejs20Finding('me-east-1', undefined)).toMatchObject({ status: 'warning', message: expect.stringContaining('FC 3.0') });
  });
  it('is offered on both in the 16 regions', () => {
    expect(nodejs20Finding('cn-hangzhou', 'fc2')).toMatchObject({ status: 'ok' });
    expect(nodejs20Finding('cn-hangzhou', undefined)).toMatchObject({ status: 'ok' });
  });
});

describe('an API open to callers without a token', () => {
  it('is a warning every deploy prints, naming the way to close it', () => {
    expect(anonymousApiFinding({ ApiAnonymous: 'true' })).toMatchObject({
      status: 'warning',
      message: expect.stringContaining('without a token'),
      fix: expect.stringContaining('ApiAnonymous=false'),
    });
  });
  it('says nothing when tokens are required', () => {
    expect(anonymousApiFinding({ ApiAnonymous: 'false' })).toBeUndefined();
    expect(anonymousApiFinding({})).toBeUndefined();
  });
});
