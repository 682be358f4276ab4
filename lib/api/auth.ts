// Bearer-token authentication. Configuration holds SHA-256 digests of the tokens, never the
// tokens; a presented token is hashed and compared in constant time against every digest.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiProblem } from './problem';

export type AuthSettings =
  | { readonly mode: 'tokens'; readonly tokenSha256: readonly string[] }
  /** Only when configured explicitly; the allow-list still applies. */
  | { readonly mode: 'anonymous' };

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const CHALLENGE = { 'www-authenticate': 'Bearer realm="oss-thaw"' };

export function authenticate(settings: AuthSettings, authorization: string | null): void {
  if (settings.mode === 'anonymous') return;
  if (!authorization) throw new ApiProblem(401, 'Unauthorized', 'Send "Authorization: Bearer <token>".', CHALLENGE);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new ApiProblem(401, 'Unauthorized', 'The Authorization header must be "Bearer <token>".', CHALLENGE);
  const presented = Buffer.from(sha256Hex(match[1]!), 'hex');
  let ok = false;
  // Compare against every digest (no early exit) so timing does not reveal which one matched.
  for (const digest of settings.tokenSha256) {
    const expected = Buffer.from(digest, 'hex');
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) ok = true;
  }
  if (!ok) {
    throw new ApiProblem(401, 'Unauthorized', 'The token is not valid.', { 'www-authenticate': 'Bearer realm="oss-thaw", error="invalid_token"' });
  }
}
