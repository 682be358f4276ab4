// The sweeper takes FC 3.0's destination record of a storage event FC gave up on (FC "Destinations
// for asynchronous invocations": requestContext, requestPayload, responseContext, responsePayload),
// and nothing else for one: a timer's event is not a dead letter.
import { describe, expect, it } from 'vitest';
import { deadLetterOf } from '../../../lib/events/dead-letter';

const original = { events: [{ eventName: 'ObjectCreated:PutObject', oss: { bucket: { name: 'b' }, object: { key: 'k' } } }] };
const record = {
  timestamp: 1_700_000_000_000,
  requestContext: { requestId: 'r-1', functionArn: 'acs:fc:cn-hangzhou:1:functions/s-storage-event', condition: 'RetryExhausted', approximateInvokeCount: 4 },
  requestPayload: JSON.stringify(original),
  responseContext: { statusCode: 200, functionError: 'UnhandledInvocationError' },
  responsePayload: '{"errorMessage":"Tablestore unavailable"}',
};

describe('deadLetterOf', () => {
  it('reads the function, why FC gave up, the attempts, the last error and the original event', () => {
    expect(deadLetterOf(record)).toEqual({
      functionArn: 'acs:fc:cn-hangzhou:1:functions/s-storage-event',
      condition: 'RetryExhausted',
      attempts: 4,
      error: 'UnhandledInvocationError: {"errorMessage":"Tablestore unavailable"}',
      event: original,
    });
  });

  it('reads it from the raw bytes the runtime hands an event function', () => {
    expect(deadLetterOf(Buffer.from(JSON.stringify(record)))?.event).toEqual(original);
  });

  it.each([
    ['a timer event', { triggerTime: '2026-12-07T00:00:00Z', triggerName: 'every-minute', payload: '' }],
    ['an empty object', {}],
    ['text that is not JSON', 'not json'],
    ['nothing', undefined],
  ])('is undefined for %s', (_label, event) => {
    expect(deadLetterOf(event)).toBeUndefined();
  });

  it('keeps a payload that is not JSON as undefined, so the sweeper reports it malformed', () => {
    expect(deadLetterOf({ ...record, requestPayload: '<xml/>' })?.event).toBeUndefined();
  });
});
