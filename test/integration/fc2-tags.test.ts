// FC 2.0's tag API on the local FC, through @alicloud/fc2 as thaw deploy calls it: services carry
// tags, FC's documented limits are refused, and a RAM user needs fc:TagResource / fc:GetResourceTags /
// fc:UnTagResource on acs:fc:<region>:<uid>:tag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OWNER_ID } from '../../lib/emulators/oss';
import { type LocalFc, startLocalFc } from '../support/local-fc';

let fc: LocalFc;
beforeAll(async () => {
  fc = await startLocalFc();
  await fc.client().createService('tagged', {});
});
afterAll(async () => {
  await fc?.close();
});

const serviceArn = (name: string) => `acs:fc:cn-hangzhou:${DEFAULT_OWNER_ID}:services/${name}`;

describe('FC 2.0 TagResource / GetResourceTags / UntagResource', () => {
  it('tags a service, replaces a value under the same key, reads and removes the tags', async () => {
    const client = fc.client();
    await client.tagResource(serviceArn('tagged'), { team: 'a', stage: 'prod' });
    await client.tagResource(serviceArn('tagged'), { team: 'b' });
    expect((await client.getResourceTags({ resourceArn: serviceArn('tagged') })).data).toEqual({
      resourceArn: serviceArn('tagged'),
      tags: { team: 'b', stage: 'prod' },
    });
    await client.untagResource(serviceArn('tagged'), ['team']);
    expect((await client.getResourceTags({ resourceArn: serviceArn('tagged') })).data.tags).toEqual({ stage: 'prod' });
    await client.untagResource(serviceArn('tagged'), [], true);
    expect((await client.getResourceTags({ resourceArn: serviceArn('tagged') })).data.tags).toEqual({});
  });

  it.each([
    ['a function ARN (only services carry tags)', `${serviceArn('tagged')}/functions/f`, { k: 'v' }, 'InvalidArgument'],
    ['another region', `acs:fc:cn-shanghai:${DEFAULT_OWNER_ID}:services/tagged`, { k: 'v' }, 'InvalidArgument'],
    ['a service that does not exist', serviceArn('no-such-service'), { k: 'v' }, 'ServiceNotFound'],
    ['no tags', serviceArn('tagged'), {}, 'InvalidArgument'],
    ['a key of 65 characters', serviceArn('tagged'), { ['k'.repeat(65)]: 'v' }, 'InvalidArgument'],
    ['a value of 129 characters', serviceArn('tagged'), { k: 'v'.repeat(129) }, 'InvalidArgument'],
    ['an empty value', serviceArn('tagged'), { k: '' }, 'InvalidArgument'],
    ['a key starting aliyun', serviceArn('tagged'), { aliyunOwner: 'v' }, 'InvalidArgument'],
    ['a value holding https://', serviceArn('tagged'), { k: 'https://example.com' }, 'InvalidArgument'],
    ['a 21st tag', serviceArn('tagged'), Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])), 'InvalidArgument'],
  ])('refuses %s', async (_label, arn, tags, code) => {
    await expect(fc.client().tagResource(arn, tags as Record<string, string>)).rejects.toMatchObject({ code });
    expect((await fc.client().getResourceTags({ resourceArn: serviceArn('tagged') })).data.tags).toEqual({});
  });

  it('asks RAM for fc:TagResource, fc:GetResourceTags and fc:UnTagResource on the account tag resource', async () => {
    const tagResource = `acs:fc:cn-hangzhou:${DEFAULT_OWNER_ID}:tag`;
    const user = fc.account.addUser('tagger', [{ action: 'fc:TagResource', resource: serviceArn('tagged') }]);
    const client = fc.client(user);
    await expect(client.tagResource(serviceArn('tagged'), { k: 'v' })).rejects.toMatchObject({
      code: 'AccessDenied',
      message: expect.stringContaining(`'fc:TagResource' on resource '${tagResource}'`),
    });
    fc.account.grantUser(user.accessKeyId, { action: 'fc:TagResource', resource: tagResource });
    await client.tagResource(serviceArn('tagged'), { k: 'v' });
    await expect(client.getResourceTags({ resourceArn: serviceArn('tagged') })).rejects.toMatchObject({
      message: expect.stringContaining(`'fc:GetResourceTags' on resource '${tagResource}'`),
    });
    await expect(client.untagResource(serviceArn('tagged'), ['k'])).rejects.toMatchObject({
      message: expect.stringContaining(`'fc:UnTagResource' on resource '${tagResource}'`),
    });
    await fc.client().untagResource(serviceArn('tagged'), [], true);
  });
});
