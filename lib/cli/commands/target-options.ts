// Which FC endpoint, account and region a command talks to: the same flags for deploy, destroy,
// doctor and invoke.
export const TARGET_OPTIONS = {
  endpoint: {
    type: 'string',
    value: 'URL',
    help: 'FC API endpoint (FC_ENDPOINT; default: the public one of the region). The local stack announces itself here',
  },
  'account-id': { type: 'string', value: 'ID', help: 'Alibaba Cloud account id (FC_ACCOUNT_ID)' },
  region: { type: 'string', value: 'REGION', help: 'region, e.g. cn-hangzhou (ALIBABA_CLOUD_REGION)' },
  'ram-endpoint': { type: 'string', value: 'URL', help: 'RAM API endpoint (RAM_ENDPOINT; default https://ram.aliyuncs.com)' },
} as const;
