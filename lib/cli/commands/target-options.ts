// Which FC endpoint, account and region a command talks to: the same flags for deploy, destroy,
// doctor and invoke.

/** Where the deployer's credentials come from: Alibaba's default chain (lib/deploy/credentials.ts). */
export const CREDENTIALS_HELP =
  'Credentials: the default chain of Alibaba Cloud tools — ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET(/_SECURITY_TOKEN), OIDC ' +
  '(ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE), the aliyun CLI profile, ' +
  '~/.alibabacloud/credentials (ALIBABA_CLOUD_CREDENTIALS_FILE, ALIBABA_CLOUD_PROFILE), the ECS instance RAM role, ALIBABA_CLOUD_CREDENTIALS_URI.';
export const TARGET_OPTIONS = {
  endpoint: {
    type: 'string',
    value: 'URL',
    help: 'FC API endpoint (FC_ENDPOINT; default: the public one of the region). The local stack announces itself here',
  },
  'account-id': {
    type: 'string',
    value: 'ID',
    help: "Alibaba Cloud account id (FC_ACCOUNT_ID; default: the credentials' account, from STS GetCallerIdentity)",
  },
  region: { type: 'string', value: 'REGION', help: 'region, e.g. cn-hangzhou (ALIBABA_CLOUD_REGION)' },
  'ram-endpoint': { type: 'string', value: 'URL', help: 'RAM API endpoint (RAM_ENDPOINT; default https://ram.aliyuncs.com)' },
  'sts-endpoint': { type: 'string', value: 'URL', help: 'STS endpoint (STS_ENDPOINT; default https://sts.<region>.aliyuncs.com)' },
} as const;
