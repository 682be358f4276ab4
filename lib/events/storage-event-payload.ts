// One storage-event invocation, from the payload FC hands over to the outcome it returns: parse
// (a payload of no known shape is logged at error and not retried), log what is ignored or invalid,
// apply the events, and say what was done in one line. functions/storage-event only wires it.
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { Coordinator } from '../restore/coordinator';
import type { StateStore } from '../restore/ports';
import { applyStorageEvents, type EventOutcomes } from './apply';
import { MalformedEventError, type ParsedEvents, parseStorageEvents } from './storage-event';

export async function handleStorageEventPayload(
  payload: unknown,
  deps: { coordinator: Coordinator; store: StateStore; clock: Clock; log: Logger },
  options: { deadlineAtMs?: number } = {},
): Promise<EventOutcomes | { malformed: string }> {
  const { log } = deps;
  let parsed: ParsedEvents;
  try {
    parsed = parseStorageEvents(payload);
  } catch (err) {
    // Retrying a payload of no known shape cannot help: log it loudly and finish.
    if (!(err instanceof MalformedEventError)) throw err;
    log.error('malformed storage event', { reason: err.message });
    return { malformed: err.message };
  }
  for (const ignored of parsed.ignored) log.info('storage event ignored', { event: ignored.name, reason: ignored.reason });
  for (const invalid of parsed.invalid) log.warn('invalid storage event record', { index: invalid.index, reason: invalid.reason });
  const outcomes = await applyStorageEvents(parsed.events, deps, options);
  const result = { ...outcomes, invalid: outcomes.invalid + parsed.invalid.length };
  log.info('storage events done', { events: parsed.events.length, ignored: parsed.ignored.length, ...result });
  return result;
}
