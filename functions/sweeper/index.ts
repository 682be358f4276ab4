// Timer trigger: re-drive due records (restores past their ETA, failures and deferrals past
// retryAt, lapsed claims), bounded by a count and by the time left in the invocation.
import { functionRuntime } from '../../lib/function-runtime';
import { sweep, type SweepResult } from '../../lib/restore/sweep';
import type { FcContext } from '../../lib/wiring';

const runtime = functionRuntime();

export async function handler(_event: unknown, context: FcContext): Promise<SweepResult> {
  const started = Date.now();
  const { store, coordinator, policy, clock, log, config } = await runtime.services(context);
  return sweep(
    { store, coordinator, policy, clock, log: log.child({ requestId: context?.requestId }) },
    { limit: config.sweep.limit, deadlineAtMs: runtime.deadline(context, started) },
  );
}
