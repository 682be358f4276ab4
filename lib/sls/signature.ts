// Log Service request signatures (the `LOG <AccessKeyId>:<signature>` scheme, hmac-sha1):
//   signature = base64(HMAC-SHA1(secret, VERB\nContent-MD5\nContent-Type\nDate\n
//                                 CanonicalizedLOGHeaders + CanonicalizedResource))
// CanonicalizedLOGHeaders: every `x-log-*` and `x-acs-*` header, lower-cased, sorted, as `name:value\n`.
// CanonicalizedResource: the path, then `?` and the query pairs `k=v` (not percent-encoded) sorted and
// joined with `&`. Same algorithm as @alicloud/log's Client#_sign, which the emulator test checks against.
import { createHmac } from 'node:crypto';

export interface SignableRequest {
  method: string;
  /** Path without the query, not percent-encoded (e.g. `/logstores/access/shards/0`). */
  path: string;
  /** Decoded query parameters. */
  query: Iterable<readonly [string, string]>;
  /** Header values by lower-case name. */
  headers: Readonly<Record<string, string | undefined>>;
}

export function canonicalResource(path: string, query: Iterable<readonly [string, string]>): string {
  const pairs: string[] = [];
  for (const [key, value] of query) pairs.push(`${key}=${value}`);
  pairs.sort();
  return pairs.length > 0 ? `${path}?${pairs.join('&')}` : path;
}

export function canonicalHeaders(headers: Readonly<Record<string, string | undefined>>): string {
  const names = Object.keys(headers)
    .filter((name) => name.startsWith('x-log-') || name.startsWith('x-acs-'))
    .sort();
  let out = '';
  for (const name of names) out += `${name}:${String(headers[name] ?? '').trim()}\n`;
  return out;
}

export function stringToSign(request: SignableRequest): string {
  const h = request.headers;
  return (
    `${request.method.toUpperCase()}\n${h['content-md5'] ?? ''}\n${h['content-type'] ?? ''}\n${h.date ?? ''}\n` +
    canonicalHeaders(h) +
    canonicalResource(request.path, request.query)
  );
}

export function signature(secret: string, request: SignableRequest): string {
  return createHmac('sha1', secret).update(stringToSign(request), 'utf8').digest('base64');
}

export function authorizationHeader(accessKeyId: string, secret: string, request: SignableRequest): string {
  return `LOG ${accessKeyId}:${signature(secret, request)}`;
}
