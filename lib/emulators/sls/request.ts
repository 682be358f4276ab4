// What a Log Service request names: the project (from the Host header), the path segments and
// the query. No node:http here beyond the header type, so the service can be called directly.
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { slsErrors } from './errors';

/** Everything a request names before its body is read: enough to route it and decide faults. */
export interface SlsTarget {
  readonly requestId: string;
  readonly method: string;
  /** Decoded path. */
  readonly path: string;
  /** Path split at "/", empty parts dropped. */
  readonly segments: readonly string[];
  /** Decoded query pairs in request order (signed as they are). */
  readonly queryPairs: readonly (readonly [string, string])[];
  /** First value of each query parameter. */
  readonly query: ReadonlyMap<string, string>;
  /** The project named by Host, if any. */
  readonly project: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

export interface SlsRequest extends SlsTarget {
  readonly body: Buffer;
}

function decodeComponent(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw slsErrors.parameterInvalid(`${what} has malformed percent-encoding`);
  }
}

/** Query pairs, percent-decoded only (`+` stays `+`), in request order. */
export function parseQuery(raw: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    out.push([decodeComponent(eq === -1 ? part : part.slice(0, eq), 'query'), decodeComponent(eq === -1 ? '' : part.slice(eq + 1), 'query')]);
  }
  return out;
}

/** True for IP literals and `localhost`: hosts that name no project. */
function isLocalName(host: string): boolean {
  return isIP(host) !== 0 || host === 'localhost';
}

/**
 * The project a request names in its Host header: `{project}.{endpoint}` (API reference: "the
 * project is specified in the host"). IP literals, `localhost`, single-label hosts and bare
 * regional endpoints (`cn-hangzhou.log.aliyuncs.com`) name none. So against a local emulator,
 * `Host: my-project.127.0.0.1:PORT` (what the official Python SDK sends for an IP endpoint) and
 * `Host: my-project.localhost:PORT` both work.
 */
export function projectFromHost(hostHeader: string): string | undefined {
  let host = hostHeader.trim().toLowerCase();
  const bracket = host.indexOf('[');
  if (bracket === 0) return undefined; // a bare IPv6 literal
  if (bracket > 0)
    host = host.slice(0, bracket); // `project.[::1]:port`
  else host = host.replace(/:\d*$/, '');
  host = host.replace(/\.$/, '');
  if (host === '' || isLocalName(host)) return undefined;
  if (/^[a-z0-9-]+\.(log|sls)\.aliyuncs\.com$/.test(host)) return undefined;
  const dot = host.indexOf('.');
  return dot > 0 ? host.slice(0, dot) : undefined;
}

export function parseTarget(requestId: string, method: string, target: string, headers: IncomingHttpHeaders): SlsTarget {
  const q = target.indexOf('?');
  const path = decodeComponent(q === -1 ? target : target.slice(0, q), 'path');
  const queryPairs = parseQuery(q === -1 ? '' : target.slice(q + 1));
  const query = new Map<string, string>();
  for (const [k, v] of queryPairs) if (!query.has(k)) query.set(k, v);
  const host = headers.host;
  if (!host) throw slsErrors.missingHost();
  return {
    requestId,
    method,
    path,
    segments: path.split('/').filter((s) => s !== ''),
    queryPairs,
    query,
    project: projectFromHost(host),
    headers,
  };
}
