// The `localhost` endpoint mode. ali-oss refuses to presign URLs for an IP endpoint, and with an
// IP endpoint it puts the bucket only in the Host header, which a browser or curl will not send
// for a presigned URL. With `endpoint: 'http://localhost:PORT'` ali-oss addresses the bucket as
// `<bucket>.localhost:PORT` (virtual-hosted), which the emulator serves. Names under `.localhost`
// mean loopback (RFC 6761; browsers and curl resolve them themselves), but Node's resolver asks the
// system, which often does not know them (observed on this project's Debian machines): give Node
// clients an agent whose lookup answers loopback for them.
import { lookup as systemLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent } from 'node:http';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup, except that `localhost` and `*.localhost` are 127.0.0.1. */
export function loopbackLookup(hostname: string, options: LookupOptions | number | LookupCallback, callback?: LookupCallback): void {
  const done = (typeof options === 'function' ? options : callback) as LookupCallback;
  const opts: LookupOptions = typeof options === 'object' ? options : typeof options === 'number' ? { family: options } : {};
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) {
    if (opts.all) done(null, [{ address: '127.0.0.1', family: 4 }]);
    else done(null, '127.0.0.1', 4);
    return;
  }
  systemLookup(hostname, { ...opts, all: true }, (err, addresses) => {
    if (err || opts.all) done(err, addresses);
    else done(null, addresses[0]?.address ?? '', addresses[0]?.family);
  });
}

/** An http.Agent for ali-oss (`agent` option) or node:http requests to `<bucket>.localhost:PORT`. */
export function localhostAgent(): Agent {
  return new Agent({ keepAlive: true, lookup: loopbackLookup as never });
}

/** The `http://localhost:PORT` form of an emulator endpoint such as `http://127.0.0.1:PORT`. */
export function localhostEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  url.hostname = 'localhost';
  return url.origin;
}
