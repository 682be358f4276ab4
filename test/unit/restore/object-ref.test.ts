import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lib/restore/errors';
import { objectRef, recordId } from '../../../lib/restore/object-ref';

describe('objectRef', () => {
  it.each([
    ['a bucket name that is too short', { bucket: 'ab', key: 'k' }, 'bucket'],
    ['an upper-case bucket name', { bucket: 'Thaw-Demo', key: 'k' }, 'bucket'],
    ['a bucket name ending in a hyphen', { bucket: 'thaw-', key: 'k' }, 'bucket'],
    ['a bucket name of 64 characters', { bucket: 'a'.repeat(64), key: 'k' }, 'bucket'],
    ['a bucket that is not a string', { bucket: 42, key: 'k' }, 'bucket'],
    ['an empty key', { bucket: 'thaw-demo', key: '' }, 'key'],
    ['a key of 1024 bytes', { bucket: 'thaw-demo', key: 'k'.repeat(1024) }, 'key'],
    ['a key of 342 three-byte characters (1026 bytes)', { bucket: 'thaw-demo', key: '日'.repeat(342) }, 'key'],
    ['a key starting with /', { bucket: 'thaw-demo', key: '/a' }, 'key'],
    ['a key with a lone surrogate', { bucket: 'thaw-demo', key: 'a\ud800b' }, 'key'],
    ['a version id with spaces', { bucket: 'thaw-demo', key: 'k', versionId: 'a b' }, 'versionId'],
    ['a version id that is a number', { bucket: 'thaw-demo', key: 'k', versionId: 7 }, 'versionId'],
  ])('rejects %s, naming the field', (_label, input, field) => {
    let caught: unknown;
    try {
      objectRef(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).field).toBe(field);
  });

  it('accepts the limits', () => {
    expect(objectRef({ bucket: 'abc', key: 'k'.repeat(1023) }).key).toHaveLength(1023);
    expect(objectRef({ bucket: 'a'.repeat(63), key: '日'.repeat(341) }).versionId).toBe('');
    expect(objectRef({ bucket: 'thaw-demo', key: 'a b+c%20', versionId: 'CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFhZjhjYmY0' }).versionId).toBe(
      'CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFhZjhjYmY0',
    );
  });
});

describe('recordId', () => {
  it('is 32 hex digits and tells versions apart', () => {
    const a = recordId({ bucket: 'thaw-demo', key: 'k', versionId: '' });
    const b = recordId({ bucket: 'thaw-demo', key: 'k', versionId: 'v1' });
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });

  it('does not confuse a bucket/key split', () => {
    expect(recordId({ bucket: 'abc', key: 'd\ne', versionId: '' })).not.toBe(recordId({ bucket: 'abc\nd', key: 'e', versionId: '' }));
  });

  it('matches a known digest, so ids stay stable across releases', () => {
    // computed with: printf '["thaw-demo","k",""]' | sha256sum | cut -c1-32
    expect(recordId({ bucket: 'thaw-demo', key: 'k', versionId: '' })).toBe('a03b94951b21f3aea039dcb48b76e054');
  });
});
