// Timer trigger: re-drive due records (restores past their ETA, failures and deferrals past
// retryAt, lapsed claims), bounded by a count and by the time left in the invocation.
import { functionInstance } from '../../lib/function-instance';
import { functionLogger } from '../../lib/log';
import { sweep, type SweepResult } from '../../lib/restore/sweep';
import { buildServices, type FcContext } from '../../lib/wiring';

const instance = functionInstance((config, credentials) => buildServices(config, credentials, { log: functionLogger('sweeper', config.logLevel) }));

export async function handler(_event: unknown, context: FcContext): Promise<SweepResult> {
  const started = Date.now();
  const { store, coordinator, policy, clock, log, config } = await instance.services(context);
  return sweep(
    { store, coordinator, policy, clock, log: log.child({ requestId: context?.requestId }) },
    { limit: config.sweep.limit, deadlineAtMs: instance.deadline(context, started) },
  );
}
