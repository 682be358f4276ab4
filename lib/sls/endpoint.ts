// Where a request for a project goes. Log Service puts the project in the host name
// (`{project}.cn-hangzhou.log.aliyuncs.com`). An IP endpoint such as the local emulator's
// `http://127.0.0.1:PORT` cannot carry a sub-domain, so, like the official Python SDK does for IP
// endpoints, we connect to the IP and still send `Host: {project}.{ip}:{port}`.
import { isIP } from 'node:net';
import { isLoopbackHost } from '../endpoint-scheme';

export interface ProjectEndpoint {
  protocol: 'http:' | 'https:';
  /** Host name or IP to open the TCP connection to. */
  connectHost: string;
  port: number;
  /** Value of the Host header, always `{project}.…`. */
  hostHeader: string;
}

/** True for IP literals and `localhost`: hosts where `{project}.host` does not resolve. */
export function isLocalHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return isIP(bare) !== 0 || bare === 'localhost';
}

/**
 * Resolves `endpoint` (`cn-hangzhou.log.aliyuncs.com`, `https://…`, `http://127.0.0.1:PORT`) for `project`.
 * Every endpoint but this machine's is https, whatever the scheme it names: a Log trigger event
 * names `http://<region>-intranet.log.aliyuncs.com` (FC's Log trigger event), and our requests
 * carry a signature and an STS token. Loopback (the emulator) keeps its scheme, http by default.
 */
export function resolveProjectEndpoint(endpoint: string, project: string): ProjectEndpoint {
  const trimmed = endpoint.trim().replace(/\/+$/, '');
  if (trimmed === '') throw new TypeError('SLS endpoint is empty');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `https://${trimmed}`);
  } catch (cause) {
    throw new TypeError(`SLS endpoint "${endpoint}" is not a host name or URL`, { cause });
  }
  const local = isLocalHost(url.hostname);
  if (hasScheme && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`SLS endpoint "${endpoint}" must use http or https`);
  }
  const loopback = isLoopbackHost(url.hostname);
  const protocol: 'http:' | 'https:' = !loopback ? 'https:' : hasScheme ? (url.protocol as 'http:' | 'https:') : 'http:';
  // URL drops a scheme's default port, so http://host:80 upgraded is https://host:443.
  const port = url.port ? Number(url.port) : protocol === 'https:' ? 443 : 80;
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const withPort = url.port ? `:${url.port}` : '';
  if (local) {
    return { protocol, connectHost: hostname, port, hostHeader: `${project}.${url.hostname}${withPort}` };
  }
  const host = `${project}.${hostname}`;
  return { protocol, connectHost: host, port, hostHeader: `${host}${withPort}` };
}

/**
 * The endpoint of requests that name no project (alert resource data: users, webhooks, action
 * policies belong to the account): Host is the bare endpoint, e.g. `cn-heyuan.log.aliyuncs.com`.
 */
export function resolveAccountEndpoint(endpoint: string): ProjectEndpoint {
  const target = resolveProjectEndpoint(endpoint, 'x');
  const host = target.hostHeader.slice(2);
  return { ...target, connectHost: isLocalHost(target.connectHost) ? target.connectHost : target.connectHost.slice(2), hostHeader: host };
}
