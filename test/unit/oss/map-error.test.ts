import { describe, expect, it } from 'vitest';
import { mapError } from '../../../lib/oss/object-store';
import { AccessDeniedError, MalformedRequestError, TransientError } from '../../../lib/restore/errors';

const ref = { bucket: 'thaw-test', key: 'a', versionId: '' };

function ossError(fields: { status?: number; code?: string; name?: string }): Error {
  return Object.assign(new Error('x'), fields);
}

describe('mapError (ali-oss errors → ours)', () => {
  it.each([
    ['a network error (status -1)', { status: -1, code: 'RequestError', name: 'RequestError' }, TransientError],
    ['a timeout (status -2)', { status: -2, code: 'ConnectionTimeoutError', name: 'ConnectionTimeoutError' }, TransientError],
    ['a response timeout without a status', { name: 'ResponseTimeoutError' }, TransientError],
    ['503 ServiceUnavailable', { status: 503, code: 'ServiceUnavailable' }, TransientError],
    ['a 502 whose body is not XML', { status: 502 }, TransientError],
    ['500 InternalError', { status: 500, code: 'InternalError' }, TransientError],
    ['403 SignatureDoesNotMatch', { status: 403, code: 'SignatureDoesNotMatch' }, AccessDeniedError],
    ['403 InvalidAccessKeyId', { status: 403, code: 'InvalidAccessKeyId' }, AccessDeniedError],
    ['403 AccessDenied', { status: 403, code: 'AccessDenied' }, AccessDeniedError],
    ['400 MalformedXML', { status: 400, code: 'MalformedXML' }, MalformedRequestError],
    ['400 InvalidArgument', { status: 400, code: 'InvalidArgument' }, MalformedRequestError],
    ['a TypeError thrown before any request', { name: 'TypeError' }, MalformedRequestError],
  ])('%s', (_label, fields, expected) => {
    expect(mapError(ossError(fields), 'RestoreObject', ref)).toBeInstanceOf(expected);
  });

  it('keeps the operation, object, status and code in the message', () => {
    const err = mapError(Object.assign(new Error('x'), { status: 503, code: 'ServiceUnavailable', requestId: 'ABC' }), 'HeadObject', ref);
    expect(err.message).toBe('HeadObject thaw-test/a: 503 ServiceUnavailable (request ABC)');
  });
});
