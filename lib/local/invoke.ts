// `thaw invoke <function> [--event JSON]`: invokes a function through the Function Compute API
// with the real client (@alicloud/fc2) — the local stack's (from `thaw dev --json`'s "fc" block)
// or a deployed one. Handy at 3 a.m.: `thaw invoke sweeper` re-drives due records now.
import { parseArgs } from 'node:util';
import FC from '@alicloud/fc2';
import { UsageError } from '../cli';
import { credentialsFrom } from '../wiring';

export async function invoke(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      event: { type: 'string', default: '{}' },
      endpoint: { type: 'string', default: env.THAW_FC_ENDPOINT },
      'account-id': { type: 'string', default: env.THAW_FC_ACCOUNT_ID ?? env.FC_ACCOUNT_ID },
      region: { type: 'string', default: env.THAW_FC_REGION ?? env.FC_REGION ?? 'cn-hangzhou' },
      service: { type: 'string', default: env.THAW_FC_SERVICE ?? 'oss-thaw' },
      async: { type: 'boolean', default: false },
    },
  });
  const [name] = positionals;
  if (!name) throw new UsageError('usage: thaw invoke <function> [--event JSON] [--endpoint URL] [--account-id ID] [--region R] [--service S] [--async]');
  if (!values['account-id']) throw new UsageError('--account-id (or THAW_FC_ACCOUNT_ID) is required');
  try {
    JSON.parse(values.event!);
  } catch {
    throw new UsageError('--event must be JSON');
  }
  const credentials = credentialsFrom(undefined, env);
  const client = new FC(values['account-id'], {
    accessKeyID: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    securityToken: credentials.securityToken,
    region: values.region!,
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    timeout: 300_000,
  });
  const response = await client.invokeFunction(values.service!, name, values.event!, values.async ? { 'x-fc-invocation-type': 'Async' } : {});
  const failed = response.headers['x-fc-error-type'];
  process.stdout.write(`${typeof response.data === 'string' ? response.data : JSON.stringify(response.data)}\n`);
  if (failed) {
    process.stderr.write(`thaw: the function failed (${failed})\n`);
    process.exitCode = 1;
  }
}
