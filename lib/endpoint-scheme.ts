// Plain http only to this machine: every endpoint that carries a token or a signature to another
// host (the CLI's API URL, OSS, Log Service) is https, so nothing on the path can read or replay it.
import { isIP } from 'node:net';

/** localhost (and its subdomains: the OSS emulator's <bucket>.localhost), 127.0.0.0/8 and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/** Why `url` may not carry credentials, or undefined when it may: https, or http to loopback. */
export function insecureReason(url: URL): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return isLoopbackHost(url.hostname) ? undefined : `plain http to ${url.hostname} (use https; http only to this machine)`;
  return `${url.protocol} is not http(s)`;
}
