// Errors cross layers, log lines and records as values: a code field, a message without the code
// in front, and whether the same call may succeed again. Nothing reads a code back out of a message.
import { describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  DeadlineReachedError,
  describeInput,
  errorValue,
  InvalidInputError,
  MalformedRequestError,
  TransientError,
} from '../../../lib/restore/errors';

describe('errorValue', () => {
  it.each([
    ['a transient failure', new TransientError('HeadObject b/k: 503 ServiceUnavailable'), 'Transient', 'HeadObject b/k: 503 ServiceUnavailable', true],
    ['a deadline (a transient failure)', new DeadlineReachedError('no time left for attempt 2'), 'Transient', 'no time left for attempt 2', true],
    ['refused credentials', new AccessDeniedError('HeadObject b/k: 403 InvalidAccessKeyId'), 'AccessDenied', 'HeadObject b/k: 403 InvalidAccessKeyId', false],
    ['our own bug', new MalformedRequestError('RestoreObject b/k: 400 MalformedXML'), 'MalformedRequest', 'RestoreObject b/k: 400 MalformedXML', false],
    ['bad input', new InvalidInputError('key', 'must not be empty'), 'InvalidInput', 'key: must not be empty', false],
    [
      'an error of another family, by its code',
      Object.assign(new Error('InvalidCursor: the cursor is invalid'), { code: 'InvalidCursor' }),
      'InvalidCursor',
      'InvalidCursor: the cursor is invalid',
      false,
    ],
    [
      'an error without a usable code, by its name',
      Object.assign(new TypeError('x is not a function'), { code: 503 }),
      'TypeError',
      'x is not a function',
      false,
    ],
    ['something thrown that is not an error', 'socket hang up', 'Error', 'socket hang up', false],
  ])('%s', (_label, err, code, message, retryable) => {
    expect(errorValue(err)).toEqual({ code, message, retryable });
  });

  it('keeps at most 1000 characters of a message', () => {
    expect(errorValue(new TransientError('x'.repeat(5000))).message).toHaveLength(1000);
  });
});

describe('describeInput: what a message may show of a value from outside', () => {
  it.each([
    ['a string, quoted', 'a/../b', '"a/../b"'],
    ['a long string, cut at 80 characters', 'k'.repeat(200), `"${'k'.repeat(80)}…"`],
    ['a number, as itself', 1.5, 'number 1.5'],
    ['a boolean, as itself', true, 'boolean true'],
    ['null', null, 'null'],
    ['nothing', undefined, 'nothing'],
    ['an array, by its kind only', ['x'.repeat(10_000)], 'an array'],
    ['an object, by its kind only', { secret: 'x' }, 'an object'],
  ])('%s', (_label, value, shown) => {
    expect(describeInput(value)).toBe(shown);
  });
});
