// thaw deploy's account id, when neither --account-id nor FC_ACCOUNT_ID gives it: STS
// GetCallerIdentity with the deployer's own credentials (from Alibaba's default chain), against the
// STS stand-in, whose account is the RAM account every emulator authorizes against.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { resolveTarget } from '../../lib/deploy/target';
import { RamAccount } from '../../lib/emulators/ram/account';
import { type StsEmulator, startStsEmulator } from '../../lib/emulators/sts/server';

const OWNER = { accessKeyId: 'LTAIowner', accessKeySecret: 'owner-secret' };
const clock = new ManualClock(Date.UTC(2026, 0, 1));
const account = new RamAccount({ accountId: '5550001112223334', ownerKey: OWNER, clock });
let sts: StsEmulator;
let deployer: { accessKeyId: string; accessKeySecret: string };

beforeAll(async () => {
  sts = await startStsEmulator({ account, clock });
  account.createUser({ UserName: 'deployer' });
  const key = account.createAccessKey('deployer');
  deployer = { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret };
});
afterAll(async () => {
  await sts?.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the deploy target', () => {
  it('takes the account id from STS GetCallerIdentity when it is not given', async () => {
    // The default credential chain reads the environment first.
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', deployer.accessKeyId);
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', deployer.accessKeySecret);
    const env = { ALIBABA_CLOUD_REGION: 'cn-shanghai' };
    const { target } = await resolveTarget({ endpoint: 'https://5550001112223334.cn-shanghai.fc.aliyuncs.com', 'sts-endpoint': sts.endpoint }, env);
    expect(target).toMatchObject({ accountId: '5550001112223334', region: 'cn-shanghai', stsEndpoint: sts.endpoint });
  });

  it('takes the account id it is given over STS, and refuses one that is not digits', async () => {
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', deployer.accessKeyId);
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', deployer.accessKeySecret);
    const given = await resolveTarget({ endpoint: 'https://x.invalid', 'account-id': '42', 'sts-endpoint': 'http://127.0.0.1:9' }, {});
    expect(given.target.accountId).toBe('42');
    await expect(resolveTarget({ endpoint: 'https://x.invalid', 'account-id': 'acme' }, {})).rejects.toThrow(/not an Alibaba Cloud account id/);
  });
});
