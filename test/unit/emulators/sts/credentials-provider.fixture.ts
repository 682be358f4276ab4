// Run as a child process by sts.test.ts with NODE_EXTRA_CA_CERTS naming the local certificate (the
// only way to make @alicloud/credentials trust it: its HTTP client brings its own agent). Prints the
// credentials the RAM role ARN provider obtained, as one line of JSON.
import credentials from '@alicloud/credentials';

// Node's ESM loader hands a CommonJS module over whole as its default export.
const { default: Credential, Config } = credentials as unknown as typeof import('@alicloud/credentials');

const env = process.env;
const credential = new Credential(
  new Config({
    type: 'ram_role_arn',
    accessKeyId: env.FIXTURE_ACCESS_KEY_ID,
    accessKeySecret: env.FIXTURE_ACCESS_KEY_SECRET,
    roleArn: env.FIXTURE_ROLE_ARN,
    roleSessionName: 'credentials-provider',
    stsEndpoint: env.FIXTURE_STS_ENDPOINT,
  }),
);
const got = await credential.getCredential();
process.stdout.write(`${JSON.stringify({ accessKeyId: got.accessKeyId, securityToken: got.securityToken })}\n`);
