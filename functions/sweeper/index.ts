// Timer trigger: re-drive due records (restores past their ETA, failures and deferrals past
// retryAt, lapsed claims), bounded by a count and by the time left in the invocation.
// Also the storage-event function's dead letter on FC 3.0: an event FC gave up on after its retries
// arrives here as FC's destination record; it is logged at error level and applied once more.
import { applyStorageEvents, type EventOutcomes } from '../../lib/events/apply';
import { deadLetterOf } from '../../lib/events/dead-letter';
import { MalformedEventError, parseStorageEvents } from '../../lib/events/storage-event';
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
    requestLog.error('storage event dead-lettered: FC gave up on it', {
      function: letter.functionArn,
      condition: letter.condition,
      attempts: letter.attempts,
      error: letter.error,
    });
    let parsed: ReturnType<typeof parseStorageEvents>;
    try {
      parsed = parseStorageEvents(letter.event);
    } catch (err) {
      if (!(err instanceof MalformedEventError)) throw err;
      requestLog.error('dead-lettered storage event is malformed', { reason: err.message });
      return { deadLetter: { malformed: err.message } };
    }
    for (const e of parsed.events) requestLog.error('dead-lettered storage event', { bucket: e.bucket, key: e.key, versionId: e.versionId, event: e.name });
    const outcomes = await applyStorageEvents(
      parsed.events,
      { coordinator, store, clock, log: requestLog },
      { deadlineAtMs: instance.deadline(context, started) },
    );
    requestLog.info('dead-lettered storage events applied', { events: parsed.events.length, ...outcomes });
    return { deadLetter: outcomes };
  }
  return sweep({ store, coordinator, policy, clock, log: requestLog }, { limit: config.sweep.limit, deadlineAtMs: instance.deadline(context, started) });
}
