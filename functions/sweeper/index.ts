// Timer trigger: re-drive due records (restores past their ETA, failures and deferrals past
// retryAt, lapsed claims), bounded by a count and by the time left in the invocation.
// Also the storage-event function's dead letter on FC 3.0: an event FC gave up on after its retries
// arrives here as FC's destination record; it is logged at error level and applied once more.
import type { EventOutcomes } from '../../lib/events/apply';
import { deadLetterOf, handleDeadLetter } from '../../lib/events/dead-letter';
import { functionInstance } from '../../lib/function-instance';
import { functionLogger } from '../../lib/log';
import { sweep, type SweepResult } from '../../lib/restore/sweep';
import { buildServices, type FcContext } from '../../lib/wiring';

const instance = functionInstance((config, credentials) => buildServices(config, credentials, { log: functionLogger('sweeper', config.logLevel) }));

export async function handler(event: unknown, context: FcContext): Promise<SweepResult | { deadLetter: EventOutcomes | { malformed: string } }> {
  const started = Date.now();
  const { store, coordinator, policy, clock, log, config } = await instance.services(context);
  const requestLog = log.child({ requestId: context?.requestId });
  const letter = deadLetterOf(event);
  if (letter) {
    const deadLetter = await handleDeadLetter(letter, { coordinator, store, clock, log: requestLog }, { deadlineAtMs: instance.deadline(context, started) });
    return { deadLetter };
  }
  return sweep({ store, coordinator, policy, clock, log: requestLog }, { limit: config.sweep.limit, deadlineAtMs: instance.deadline(context, started) });
}
