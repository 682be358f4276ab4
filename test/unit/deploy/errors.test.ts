import { describe, expect, it } from 'vitest';
import { failureKind, reasonOf } from '../../../lib/deploy/errors';

const err = (fields: Record<string, unknown>, cause?: unknown) => Object.assign(new Error(String(fields.message ?? '')), fields, cause ? { cause } : {});

describe('failureKind: what stopped a call, so the message blames the right thing', () => {
  it.each([
    [
      'a refused connection (fetch wraps it)',
      err({ message: 'fetch failed' }, err({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' })),
      'network',
    ],
    ['a name that does not resolve', err({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND ram.aliyuncs.com' }), 'network'],
    ["ali-oss's network error", err({ status: -1, code: 'RequestError', message: 'connect ECONNREFUSED' }), 'network'],
    ['an unknown AccessKey (FC)', err({ code: 'InvalidAccessKeyID', message: "invalid access key ID 'x'" }), 'credentials'],
    ['a wrong signature (RAM)', err({ code: 'SignatureDoesNotMatch', message: 'Specified signature is not matched' }), 'credentials'],
    ['Tablestore refusing a key', err({ code: 403, message: '\n\rOTSAuthFailed\u0012\u001fThe AccessKeyID does not exist.' }), 'credentials'],
    ['Tablestore refusing the network', err({ code: 403, message: '\n\rOTSAuthFailed\u0012(Request denied by instance ACL policies.' }), 'acl'],
    ['Tablestore refusing the permission', err({ code: 403, message: '\n\u0015OTSNoPermissionAccess\u0012\u0010no permission' }), 'permission'],
    ['RAM refusing an action', err({ code: 'NoPermission', message: 'You are not authorized to do this action.' }), 'permission'],
    ['Log Service refusing an action', err({ code: 'Unauthorized', message: 'denied by sts or ram, action: log:ListShards' }), 'permission'],
    [
      'a bucket in another region',
      err({ code: 'AccessDenied', message: 'The bucket you are attempting to access must be addressed using the specified endpoint.' }),
      'region',
    ],
    ['a missing bucket', err({ code: 'NoSuchBucket', message: 'The specified bucket does not exist.' }), 'missing'],
    ['a missing logstore', err({ code: 'LogStoreNotExist', message: 'logstore x does not exist' }), 'missing'],
    ['something else', err({ code: 'InvalidArgument', message: 'timeout must be an integer' }), 'other'],
  ])('%s → %s', (_label, error, kind) => {
    expect(failureKind(error)).toBe(kind);
  });
});

describe('reasonOf: one line a reader needs', () => {
  it.each([
    [
      'the code before the message',
      err({ code: 'NoSuchBucket', message: 'The specified bucket does not exist.' }),
      'NoSuchBucket: The specified bucket does not exist.',
    ],
    ['no code twice', err({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x' }), 'getaddrinfo ENOTFOUND x'],
    [
      'the readable runs of a Tablestore protobuf message',
      err({ message: '\n\rOTSAuthFailed\u0012(Request denied by instance ACL policies.' }),
      'OTSAuthFailed (Request denied by instance ACL policies.',
    ],
    ['the first line of several', err({ message: 'first line\nsecond line' }), 'first line'],
  ])('%s', (_label, error, reason) => {
    expect(reasonOf(error)).toBe(reason);
  });
});
