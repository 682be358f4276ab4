// How a request names its bucket and object: virtual-hosted (`Host: <bucket>.oss-<region>.aliyuncs.com`,
// path `/<key>`; what ali-oss sends for an IP endpoint) or path-style (`Host: 127.0.0.1:PORT`,
// path `/<bucket>/<key>`).
import { ossErrors } from './errors';

/** Query parameters in request order, decoded. `?restore` and `?restore=` both give ['restore', '']. */
export class QueryParams {
  constructor(readonly entries: ReadonlyArray<readonly [string, string]>) {}

  /** Parses a raw query string. '+' stays '+': the SDKs encode spaces as %20. Never throws. */
  static parse(raw: string): QueryParams {
    if (raw === '') return new QueryParams([]);
    const entries = raw
      .split('&')
      .filter((part) => part !== '')
      .map((part): [string, string] => {
        const eq = part.indexOf('=');
        const name = eq === -1 ? part : part.slice(0, eq);
        const value = eq === -1 ? '' : part.slice(eq + 1);
        return [decodeLenient(name), decodeLenient(value)];
      });
    return new QueryParams(entries);
  }

  has(name: string): boolean {
    return this.entries.some(([n]) => n === name);
  }

  get(name: string): string | undefined {
    return this.entries.find(([n]) => n === name)?.[1];
  }
}

/** A stray '%' in a query value is kept as written rather than failing the request. */
function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw ossErrors.invalidUri();
  }
}

export interface Addressing {
  /** undefined: a request to the service itself (ListBuckets). */
  bucket: string | undefined;
  /** undefined: a request to the bucket itself. */
  key: string | undefined;
  style: 'virtual-hosted' | 'path';
}

const OSS_HOST = /^(?:(.*)\.)?oss-[a-z0-9-]+\.aliyuncs\.com$/;

/** The host name without port, lower-cased; IPv6 brackets kept. */
export function hostName(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * Virtual-hosted when Host is an OSS endpoint (`<bucket>.oss-<region>.aliyuncs.com`; an empty
 * first label, which ali-oss sends for ListBuckets, means no bucket) or `<bucket>.localhost`;
 * path-style otherwise (an IP, `localhost`, any other name).
 */
export function resolveAddressing(hostHeader: string | undefined, rawPath: string): Addressing {
  const host = hostName(hostHeader);
  const ossMatch = OSS_HOST.exec(host);
  let hostBucket: string | undefined;
  if (ossMatch) hostBucket = ossMatch[1] || undefined;
  else if (host.endsWith('.localhost')) hostBucket = host.slice(0, -'.localhost'.length) || undefined;

  if (!rawPath.startsWith('/')) throw ossErrors.invalidUri();
  if (hostBucket) {
    const rawKey = rawPath.slice(1);
    return { bucket: hostBucket, key: rawKey === '' ? undefined : decode(rawKey), style: 'virtual-hosted' };
  }
  // The service endpoint itself (`/` is ListBuckets) or an IP/localhost: the path names the bucket.
  const rest = rawPath.slice(1);
  if (rest === '') return { bucket: undefined, key: undefined, style: ossMatch ? 'virtual-hosted' : 'path' };
  const slash = rest.indexOf('/');
  if (slash === -1) return { bucket: decode(rest), key: undefined, style: 'path' };
  const rawKey = rest.slice(slash + 1);
  return { bucket: decode(rest.slice(0, slash)), key: rawKey === '' ? undefined : decode(rawKey), style: 'path' };
}

/** doc: 3–63 characters, lower-case letters, digits and hyphens, starting and ending with a letter or digit. */
export function isValidBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name);
}

/** doc: UTF-8, 1–1023 bytes, not starting with "/" or "\". */
export function isValidObjectKey(key: string): boolean {
  const bytes = Buffer.byteLength(key, 'utf8');
  return bytes >= 1 && bytes <= 1023 && !key.startsWith('/') && !key.startsWith('\\');
}
