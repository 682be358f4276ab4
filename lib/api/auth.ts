// Bearer-token authentication and scopes. Configuration holds SHA-256 digests of the tokens with
// their ids and scopes (tokens.ts), never the tokens; a presented token is checked for strength,
// hashed and compared in constant time against every digest. The caller's token id — never the
// token — names it in the logs of everything the request does.
import { timingSafeEqual } from 'node:crypto';
import { ApiProblem } from './problem';
import { type ConfiguredToken, type TokenScope, tokenDigest, tokenIdOf, tokenStrengthProblem } from './tokens';

export interface AuthSettings {
  readonly tokens: readonly ConfiguredToken[];
  /**
   * THAW_API_ANONYMOUS: a call without a token may read and ask for the restore of one object at a
   * time, with the deployment's default Days and tier; the allow-list still applies. A call with a
   * token is checked as always.
   */
  readonly anonymous: boolean;
}

/** Who is calling, as far as the API knows. */
export interface Caller {
  /** The token's id, or "anonymous". */
  readonly tokenId: string;
  readonly scopes: readonly TokenScope[];
  readonly anonymous: boolean;
}

export const ANONYMOUS: Caller = { tokenId: 'anonymous', scopes: ['read', 'restore'], anonymous: true };

/** @deprecated THAW_API_TOKEN_SHA256's digests: tokens of the first release, with every scope; their id is the digest's first 8 hex digits. */
export function legacyTokens(digests: readonly string[]): ConfiguredToken[] {
  return digests.map((sha256) => ({ id: `sha256-${sha256.slice(0, 8)}`, scopes: ['read', 'restore'], sha256 }));
}

/** SHA-256 hex of a token: the digest THAW_API_TOKEN_SHA256 (and the local stack) configure. */
export const sha256Hex = tokenDigest;

const CHALLENGE = 'Bearer realm="oss-thaw"';

/** The caller of a request, from its Authorization header; throws 401 ApiProblem when it is not one. */
export function authenticate(settings: AuthSettings, authorization: string | null): Caller {
  if (!authorization) {
    if (settings.anonymous) return ANONYMOUS;
    throw new ApiProblem(401, 'Unauthorized', 'Send "Authorization: Bearer <token>".', { 'www-authenticate': CHALLENGE });
  }
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) throw new ApiProblem(401, 'Unauthorized', 'The Authorization header must be "Bearer <token>".', { 'www-authenticate': CHALLENGE });
  const token = match[1]!;
  const weak = tokenStrengthProblem(token);
  if (weak) throw invalidToken(weak);
  const presented = Buffer.from(tokenDigest(token), 'hex');
  let found: ConfiguredToken | undefined;
  // Compare against every digest (no early exit) so timing does not reveal which one matched.
  for (const configured of settings.tokens) {
    const expected = Buffer.from(configured.sha256, 'hex');
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) found = configured;
  }
  if (!found) throw invalidToken('The token is not valid.');
  // A token of the current shape names its id; the configured entry must be the one it names.
  const named = tokenIdOf(token);
  if (named !== undefined && named !== found.id && !found.id.startsWith('sha256-')) throw invalidToken('The token is not valid.');
  return { tokenId: found.id, scopes: found.scopes, anonymous: false };
}

/** Throws 403 unless the caller holds `scope` (RFC 6750 insufficient_scope). */
export function requireScope(caller: Caller, scope: TokenScope): void {
  if (caller.scopes.includes(scope)) return;
  throw new ApiProblem(
    403,
    'InsufficientScope',
    `This call needs a token with the "${scope}" scope; the token ${caller.tokenId} has ${caller.scopes.join(', ')}.`,
    {
      'www-authenticate': `${CHALLENGE}, error="insufficient_scope", scope="${scope}"`,
    },
  );
}

function invalidToken(message: string): ApiProblem {
  return new ApiProblem(401, 'Unauthorized', message, { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` });
}
