// `thaw invoke <function> [--event JSON]`: invokes a function through the Function Compute API
// with the real client (@alicloud/fc2) — the local stack's (from `thaw dev --json`'s "fc" block)
// or a deployed one. Handy at 3 a.m.: `thaw invoke sweeper` re-drives due records now.
// The service: --service, or the one of --stack (default oss-thaw) as thaw deploy or ROS named it.
import { parseArgs } from 'node:util';
import { UsageError } from '../cli';
import { clientsFor } from '../deploy/clients';
import { findService, resolveTarget, TARGET_OPTIONS } from '../deploy/target';

export async function invoke(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...TARGET_OPTIONS,
      event: { type: 'string', default: '{}' },
      service: { type: 'string' },
      stack: { type: 'string', default: 'oss-thaw' },
      async: { type: 'boolean', default: false },
    },
  });
  const [name] = positionals;
  if (!name)
    throw new UsageError('usage: thaw invoke <function> [--event JSON] [--endpoint URL] [--account-id ID] [--region R] [--service S | --stack S] [--async]');
  try {
    JSON.parse(values.event!);
  } catch {
    throw new UsageError('--event must be JSON');
  }
  const { target } = await resolveTarget(values, env);
  const { fc } = clientsFor(target);
  const service = values.service ?? (await findService(fc, values.stack!));
  const response = await fc.invokeFunction(service, name, values.event!, values.async ? { 'x-fc-invocation-type': 'Async' } : {});
  const failed = response.headers['x-fc-error-type'];
  process.stdout.write(`${typeof response.data === 'string' ? response.data : JSON.stringify(response.data)}\n`);
  if (failed) {
    process.stderr.write(`thaw: the function failed (${failed})\n`);
    process.exitCode = 1;
  }
}
