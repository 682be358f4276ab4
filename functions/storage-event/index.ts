// OSS trigger and EventBridge events: a finished restore is recorded at once; a created, removed
// or modified object invalidates its record. Unknown event types are logged and ignored.
import { applyStorageEvents, type EventOutcomes } from '../../lib/events/apply';
import { MalformedEventError, type ParsedEvents, parseStorageEvents } from '../../lib/events/storage-event';
import { functionInstance } from '../../lib/function-instance';
import { functionLogger } from '../../lib/log';
import { buildServices, type FcContext } from '../../lib/wiring';

const instance = functionInstance((config, credentials) => buildServices(config, credentials, { log: functionLogger('storage-event', config.logLevel) }));

export async function handler(event: unknown, context: FcContext): Promise<EventOutcomes | { malformed: string }> {
  const started = Date.now();
  const { coordinator, store, clock, log } = await instance.services(context);
  const requestLog = log.child({ requestId: context?.requestId });
  let parsed: ParsedEvents;
  try {
    parsed = parseStorageEvents(event);
  } catch (err) {
    if (!(err instanceof MalformedEventError)) throw err;
    requestLog.error('malformed storage event', { reason: err.message });
    return { malformed: err.message };
  }
  for (const ignored of parsed.ignored) requestLog.info('storage event ignored', { event: ignored.name, reason: ignored.reason });
  for (const invalid of parsed.invalid) requestLog.warn('invalid storage event record', invalid);
  const outcomes = await applyStorageEvents(
    parsed.events,
    { coordinator, store, clock, log: requestLog },
    { deadlineAtMs: instance.deadline(context, started) },
  );
  requestLog.info('storage events done', {
    events: parsed.events.length,
    ignored: parsed.ignored.length,
    ...outcomes,
    invalid: outcomes.invalid + parsed.invalid.length,
  });
  return { ...outcomes, invalid: outcomes.invalid + parsed.invalid.length };
}
