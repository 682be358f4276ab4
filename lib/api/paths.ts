// /v1/restores/{bucket}/{key}: the key is the rest of the raw path, percent-decoded, so keys with
// "/", spaces, "+", "%", "?", "#" or non-ASCII characters work when the client encodes them.
// We read the raw path because URL parsing would fold "." and ".." segments: such a key is then
// refused by name (400 UnaddressableKey), never silently read as another one.
import { ApiProblem } from './problem';

export type Route = { readonly kind: 'restore'; readonly bucket: string; readonly key: string } | { readonly kind: 'health' } | { readonly kind: 'unknown' };

const PREFIX = '/v1/restores/';

export function route(rawPath: string): Route {
  if (rawPath === '/v1/health') return { kind: 'health' };
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
