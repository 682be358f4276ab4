import { describe, expect, it } from 'vitest';
import { crc64 } from '../../../lib/build/crc64';

describe('crc64', () => {
  it.each([
    // The CRC-64/XZ (ECMA-182, reflected) check value and the empty input.
    ['123456789', '11051210869376104954'],
    ['', '0'],
  ])('of %j is %s', (text, expected) => {
    expect(crc64(new TextEncoder().encode(text))).toBe(expected);
  });
});
