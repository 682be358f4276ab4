// OSS trigger and EventBridge events: a finished restore is recorded at once; a created, removed
// or modified object invalidates its record. Unknown event types are logged and ignored.
import type { EventOutcomes } from '../../lib/events/apply';
import { handleStorageEventPayload } from '../../lib/events/storage-event-payload';
import { functionInstance } from '../../lib/function-instance';
import { functionLogger } from '../../lib/log';
import { buildServices, type FcContext } from '../../lib/wiring';

const instance = functionInstance((config, credentials) => buildServices(config, credentials, { log: functionLogger('storage-event', config.logLevel) }));

export async function handler(event: unknown, context: FcContext): Promise<EventOutcomes | { malformed: string }> {
  const started = Date.now();
  const { coordinator, store, clock, log } = await instance.services(context);
  return handleStorageEventPayload(
    event,
    { coordinator, store, clock, log: log.child({ requestId: context?.requestId }) },
    { deadlineAtMs: instance.deadline(context, started) },
  );
}
