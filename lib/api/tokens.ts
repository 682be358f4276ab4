// API tokens: what a token looks like, what it may do (scopes), and how configuration holds it.
//
//   token            thaw_<id>_<secret>        id: 8 of [a-z0-9] (public: it names the token in logs)
//                                              secret: 43 base64url characters (256 random bits)
//   configured form  <id>:<scopes>:<sha256>    scopes: read, restore or read+restore; sha256: hex
//                                              digest of the whole token (THAW_API_TOKENS, comma-separated)
//
// The digest is a plain SHA-256, not a keyed hash: the secret is 256 random bits (and no presented
// token under 128 bits is ever accepted, see tokenStrengthProblem), so nobody who can read the
// function's configuration (an FC read-only role sees its environment) can search back to a
// token — 2^128 guesses at the least. A keyed hash would add a key store the function reads at
// cold start (KMS or a table row), its grant and its failure mode, to protect only tokens the
// strength rule refuses anyway.
//
// Rotation: configuration holds a list, so two tokens are valid while clients move from the old
// to the new one (`thaw token new`, append its configured form, deploy, switch clients, remove the
// old entry, deploy).
import { createHash, randomBytes } from 'node:crypto';

export const SCOPES = ['read', 'restore'] as const;
/** read: status, listings, usage, the dashboard's data; restore: ask for restores (single and batch). */
export type TokenScope = (typeof SCOPES)[number];

export interface ConfiguredToken {
  /** Names the token in logs and in configuration; never secret. */
  readonly id: string;
  readonly scopes: readonly TokenScope[];
  /** SHA-256 of the token, hex. */
  readonly sha256: string;
}

const TOKEN = /^thaw_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
const ID = /^[a-z0-9]{8}$/;
const DIGEST = /^[0-9a-f]{64}$/;
/** 128 bits of base64url. */
const MIN_CHARACTERS = 22;
/** A random 22-character base64url string has about 19 distinct characters; far fewer means a made-up token. */
const MIN_DISTINCT = 12;
const MAX_CHARACTERS = 512;

export function isScope(value: unknown): value is TokenScope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The id a presented token names (thaw_<id>_…), or undefined for a token of another shape. */
export function tokenIdOf(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}

/**
 * Why a presented token cannot be one (too short, too few distinct characters, outside base64url),
 * or undefined. Checked before any digest is compared: a weak token never authenticates, whatever
 * configuration holds.
 */
export function tokenStrengthProblem(token: string): string | undefined {
  if (token.length < MIN_CHARACTERS || token.length > MAX_CHARACTERS || !/^[A-Za-z0-9_-]+$/.test(token)) {
    return `a token is ${MIN_CHARACTERS} to ${MAX_CHARACTERS} characters of A-Z a-z 0-9 _ - (thaw token new makes one)`;
  }
  if (new Set(token).size < MIN_DISTINCT) return 'the token is too predictable (thaw token new makes one)';
  return undefined;
}

/** A new token with its configured form. `random` is injectable for tests; it must be a CSPRNG otherwise. */
export function newToken(scopes: readonly TokenScope[], random: (bytes: number) => Buffer = randomBytes): { token: string; id: string; configured: string } {
  if (scopes.length === 0) throw new TypeError('a token needs at least one scope (read, restore)');
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  // 8 id characters from 36; a modulo bias in a public name is harmless.
  const id = [...random(8)].map((b) => alphabet[b % alphabet.length]).join('');
  const token = `thaw_${id}_${random(32).toString('base64url')}`;
  return { token, id, configured: configuredForm({ id, scopes, sha256: tokenDigest(token) }) };
}

export function configuredForm(token: ConfiguredToken): string {
  return `${token.id}:${[...new Set(token.scopes)].sort().join('+')}:${token.sha256}`;
}

/** THAW_API_TOKENS: `<id>:<scopes>:<sha256>` entries, comma-separated. Throws TypeError naming the bad entry. */
export function parseConfiguredTokens(text: string): ConfiguredToken[] {
  const tokens: ConfiguredToken[] = [];
  for (const [index, entry] of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .entries()) {
    const parts = entry.split(':');
    const where = `entry ${index + 1}`;
    if (parts.length !== 3) throw new TypeError(`${where} must be <id>:<scopes>:<sha256> (thaw token new prints it)`);
    const [id, scopeText, digest] = parts as [string, string, string];
    if (!ID.test(id)) throw new TypeError(`${where}: the id must be 8 of a-z 0-9`);
    const scopes = scopeText.split('+');
    if (scopes.length === 0 || !scopes.every(isScope)) throw new TypeError(`${where} (${id}): scopes must be read, restore or read+restore`);
    if (!DIGEST.test(digest.toLowerCase())) throw new TypeError(`${where} (${id}): the digest must be 64 hex digits (SHA-256 of the token)`);
    if (tokens.some((t) => t.id === id)) throw new TypeError(`${where}: the id ${id} is listed twice (a rotation adds a new token, with its own id)`);
    tokens.push({ id, scopes: [...new Set(scopes as TokenScope[])], sha256: digest.toLowerCase() });
  }
  return tokens;
}
