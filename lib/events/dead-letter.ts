// The dead letter of the storage-event function: an event FC 3.0 could not deliver after its retries
// reaches the sweeper as FC's destination record (FC "Destinations for asynchronous invocations"):
//   {timestamp, requestContext {requestId, functionArn, condition, approximateInvokeCount},
//    requestPayload, responseContext {statusCode, functionError}, responsePayload}
// where requestPayload is the original event as text. The sweeper logs it at error level (an
// operator's alert counts those lines) and applies it once more: a storage event is never dropped
// without a trace. Field names are FC's; the values of condition are unconfirmed.
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { Coordinator } from '../restore/coordinator';
import type { StateStore } from '../restore/ports';
import type { EventOutcomes } from './apply';
import { MalformedEventError, parseStorageEvents } from './storage-event';
import { handleStorageEventPayload } from './storage-event-payload';

export interface DeadLetter {
  /** The function that failed, e.g. acs:fc:cn-hangzhou:123:functions/oss-thaw-storage-event. */
  readonly functionArn: string;
  /** Why FC gave up (e.g. RetryExhausted, EventExpired). */
  readonly condition: string;
  readonly attempts: number;
  /** The error of the last attempt, as FC reported it. */
  readonly error: string;
  /** The original event, parsed; undefined when it was not JSON. */
  readonly event: unknown;
}

/** The payload as a destination record, or undefined when it is another event (the timer's). */
export function deadLetterOf(payload: unknown): DeadLetter | undefined {
  const record = typeof payload === 'string' || Buffer.isBuffer(payload) ? parseJson(String(payload)) : payload;
  if (!record || typeof record !== 'object') return undefined;
  const { requestContext, requestPayload, responseContext, responsePayload } = record as Record<string, unknown>;
  if (!requestContext || typeof requestContext !== 'object' || requestPayload === undefined) return undefined;
  const context = requestContext as Record<string, unknown>;
  const response = (responseContext ?? {}) as Record<string, unknown>;
  return {
    functionArn: String(context.functionArn ?? ''),
    condition: String(context.condition ?? ''),
    attempts: Number(context.approximateInvokeCount ?? 0),
    error: [response.functionError, typeof responsePayload === 'string' ? responsePayload.slice(0, 500) : undefined].filter(Boolean).join(': '),
    event: typeof requestPayload === 'string' ? parseJson(requestPayload) : requestPayload,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Logs a dead-lettered storage event at error level, each object it names too, and applies it once more. */
export async function handleDeadLetter(
  letter: DeadLetter,
  deps: { coordinator: Coordinator; store: StateStore; clock: Clock; log: Logger },
  options: { deadlineAtMs?: number } = {},
): Promise<EventOutcomes | { malformed: string }> {
  deps.log.error('storage event dead-lettered', {
    deadLetterOf: letter.functionArn,
    condition: letter.condition,
    attempts: letter.attempts,
    error: { message: letter.error.slice(0, 500) },
  });
  try {
    for (const e of parseStorageEvents(letter.event).events) {
      deps.log.error('dead-lettered object', { bucket: e.bucket, key: e.key, ...(e.versionId ? { versionId: e.versionId } : {}), event: e.name });
    }
  } catch (err) {
    // handleStorageEventPayload reports a malformed payload.
    if (!(err instanceof MalformedEventError)) throw err;
  }
  return handleStorageEventPayload(letter.event, deps, options);
}
