// /v1/restores/{bucket}/{key}: the key is the rest of the raw path, percent-decoded, so keys with
// "/", spaces, "+", "%", "?", "#" or non-ASCII characters work when the client encodes them.
// We read the raw path because URL parsing would fold "." and ".." segments: such a key is then
// refused by name (400 UnaddressableKey), never silently read as another one.
import { ApiProblem } from './problem';

export type Route =
  | { readonly kind: 'restore'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'health' }
  /** GET /v1/restores: records by state, bucket, prefix. */
  | { readonly kind: 'list' }
  | { readonly kind: 'usage' }
  | { readonly kind: 'batch'; readonly action: 'restore' | 'status' }
  /** The dashboard's page and its two files: served without a token (they hold no data). */
  | { readonly kind: 'page'; readonly file: 'index.html' | 'dashboard.js' | 'dashboard.css' }
  | { readonly kind: 'unknown' };

const PREFIX = '/v1/restores/';

const FIXED: Readonly<Record<string, Route>> = {
  '/v1/health': { kind: 'health' },
  '/v1/restores': { kind: 'list' },
  '/v1/usage': { kind: 'usage' },
  '/v1/batch/restore': { kind: 'batch', action: 'restore' },
  '/v1/batch/status': { kind: 'batch', action: 'status' },
  '/': { kind: 'page', file: 'index.html' },
  '/dashboard.js': { kind: 'page', file: 'dashboard.js' },
  '/dashboard.css': { kind: 'page', file: 'dashboard.css' },
};

/** Whether a raw path is one of the batch endpoints, without decoding or judging anything else. */
export function isBatchPath(rawPath: string): boolean {
  return Object.hasOwn(FIXED, rawPath) && FIXED[rawPath]!.kind === 'batch';
}

export function route(rawPath: string): Route {
  const fixed = Object.hasOwn(FIXED, rawPath) ? FIXED[rawPath] : undefined;
  if (fixed) return fixed;
  if (!rawPath.startsWith(PREFIX)) return { kind: 'unknown' };
  const rest = rawPath.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) {
    throw new ApiProblem(400, 'InvalidInput', 'The path must be /v1/restores/{bucket}/{key}, with the key percent-encoded.');
  }
  return { kind: 'restore', bucket: decode(rest.slice(0, slash), 'bucket'), key: decode(rest.slice(slash + 1), 'key') };
}

function decode(segment: string, field: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiProblem(400, 'InvalidInput', `${field}: malformed percent-encoding in the path`);
  }
}
