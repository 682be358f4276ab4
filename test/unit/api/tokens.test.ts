// API tokens: the shape thaw token new makes, the configured form, and the strength every
// presented token must have before any digest is compared.
import { describe, expect, it } from 'vitest';
import { configuredForm, newToken, parseConfiguredTokens, tokenDigest, tokenIdOf, tokenStrengthProblem } from '../../../lib/api/tokens';

/** Bytes 0, 1, 2, … for the id; 0xAB for the secret: a token written out, not computed by the code. */
const fixedRandom = (n: number) => (n === 8 ? Buffer.from([0, 1, 2, 3, 36, 37, 38, 71]) : Buffer.alloc(n, 0xab));

describe('newToken', () => {
  it('makes thaw_<id>_<256-bit secret> and its configured form, id:scopes:sha256', () => {
    const made = newToken(['restore', 'read'], fixedRandom);
    expect(made.id).toBe('abcdabc9');
    expect(made.token).toBe(`thaw_abcdabc9_${Buffer.alloc(32, 0xab).toString('base64url')}`);
    expect(made.configured).toBe(`abcdabc9:read+restore:${tokenDigest(made.token)}`);
    expect(tokenIdOf(made.token)).toBe('abcdabc9');
  });

  it('makes a different token every time from the system’s random source', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newToken(['read']).token));
    expect(tokens.size).toBe(50);
    for (const t of tokens) expect(tokenStrengthProblem(t)).toBeUndefined();
  });
});

describe('parseConfiguredTokens', () => {
  it('reads a list, as a rotation holds it', () => {
    const digest = 'a'.repeat(64);
    expect(parseConfiguredTokens(` abcd1234:read:${digest}, efgh5678:read+restore:${'B'.repeat(64)} `)).toEqual([
      { id: 'abcd1234', scopes: ['read'], sha256: digest },
      { id: 'efgh5678', scopes: ['read', 'restore'], sha256: 'b'.repeat(64) },
    ]);
    expect(configuredForm({ id: 'efgh5678', scopes: ['restore', 'read'], sha256: digest })).toBe(`efgh5678:read+restore:${digest}`);
    expect(parseConfiguredTokens('')).toEqual([]);
  });

  it.each([
    ['a bare digest', 'a'.repeat(64), 'entry 1 must be <id>:<scopes>:<sha256>'],
    ['an id of the wrong shape', `ABC:read:${'a'.repeat(64)}`, 'the id must be 8 of a-z 0-9'],
    ['an unknown scope', `abcd1234:admin:${'a'.repeat(64)}`, 'scopes must be read, restore or read+restore'],
    ['a short digest', 'abcd1234:read:abc', 'the digest must be 64 hex digits'],
    ['an id twice', `abcd1234:read:${'a'.repeat(64)},abcd1234:restore:${'b'.repeat(64)}`, 'listed twice'],
  ])('refuses %s, naming the entry', (_label, text, message) => {
    expect(() => parseConfiguredTokens(text)).toThrow(message);
  });
});

describe('tokenStrengthProblem', () => {
  it.each([
    ['a short password', 'password'],
    ['21 characters', 'a1b2c3d4e5f6g7h8i9j0k'],
    ['repetitive', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['characters outside base64url', 'thaw token with spaces in it!!'],
  ])('refuses %s', (_label, token) => {
    expect(tokenStrengthProblem(token)).toBeDefined();
  });

  it.each([
    ['the local stack’s token', 'thaw_Zp4kQ9wL2xR7mN3vB8cT1yHs'],
    ['a UUID', '3f2b8c1e-9a4d-4e7b-8f6a-1c2d3e4f5a6b'],
  ])('accepts %s', (_label, token) => {
    expect(tokenStrengthProblem(token)).toBeUndefined();
  });
});
