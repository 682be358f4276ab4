import { describe, expect, it } from 'vitest';
import { parseRestoreHeader, UnparsableRestoreHeaderError } from '../../../lib/oss/restore-header';

describe('parseRestoreHeader', () => {
  it.each([
    ['absent', undefined, { kind: 'frozen' }],
    ['empty', '', { kind: 'frozen' }],
    ['ongoing', 'ongoing-request="true"', { kind: 'restoring' }],
    ['restored', 'ongoing-request="false", expiry-date="Sun, 16 Apr 2017 08:12:33 GMT"', { kind: 'restored', expiresAtMs: Date.UTC(2017, 3, 16, 8, 12, 33) }],
    [
      'restored without the space after the comma',
      'ongoing-request="false",expiry-date="Sun, 16 Apr 2017 08:12:33 GMT"',
      { kind: 'restored', expiresAtMs: Date.UTC(2017, 3, 16, 8, 12, 33) },
    ],
  ])('%s', (_label, header, expected) => {
    expect(parseRestoreHeader(header)).toEqual(expected);
  });

  it.each([
    ['a garbage value', 'yes please'],
    ['restored without an expiry', 'ongoing-request="false"'],
    ['an unparsable expiry', 'ongoing-request="false", expiry-date="tomorrow"'],
  ])('throws on %s', (_label, header) => {
    expect(() => parseRestoreHeader(header)).toThrow(UnparsableRestoreHeaderError);
  });
});
