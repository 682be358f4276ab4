// Nesting is measured before any parser sees the body: brackets inside strings do not count.
import { describe, expect, it } from 'vitest';
import { isJsonContentType, jsonDepth, MAX_JSON_DEPTH } from '../../../lib/api/body';

describe('jsonDepth', () => {
  it.each([
    ['a scalar', '3', 0],
    ['the batch body', '{"bucket":"b","objects":[{"key":"a"}]}', 3],
    ['brackets inside a string', '{"key":"[[[[[[[[[[{{{{{{"}', 1],
    ['an escaped quote before brackets', '{"key":"\\"[[[[[[[[["}', 1],
    ['siblings', '[[1],[2],[3]]', 2],
  ])('counts %s', (_label, text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it('stops counting once past the limit, however deep the text goes', () => {
    expect(jsonDepth('['.repeat(1_000_000))).toBe(MAX_JSON_DEPTH + 1);
  });
});

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON', true],
    ['application/jsonp', false],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    [null, false],
  ])('%s → %s', (type, expected) => {
    expect(isJsonContentType(type)).toBe(expected);
  });
});
