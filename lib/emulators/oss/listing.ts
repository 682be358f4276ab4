// Paging and grouping of keys shared by ListObjects, ListObjectsV2 and ListObjectVersions:
// keys after a marker, under a prefix, rolled up to CommonPrefixes at a delimiter, at most maxKeys
// entries (objects and prefixes together), in UTF-8 byte order as OSS lists them.
import { ossErrors } from './errors';

export interface ListWindow {
  readonly prefix: string;
  /** Only keys strictly greater than this are listed. */
  readonly after: string;
  readonly delimiter: string;
  readonly maxKeys: number;
}

export interface ListPage {
  readonly keys: string[];
  readonly commonPrefixes: string[];
  readonly truncated: boolean;
  /** The last key or common prefix returned; the next page starts after it. */
  readonly next: string | undefined;
}

export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function listPage(sortedKeys: readonly string[], window: ListWindow): ListPage {
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let next: string | undefined;
  let truncated = false;
  for (const key of sortedKeys) {
    if (compareKeys(key, window.after) <= 0 || !key.startsWith(window.prefix)) continue;
    let entry = key;
    let isPrefix = false;
    if (window.delimiter !== '') {
      const at = key.indexOf(window.delimiter, window.prefix.length);
      if (at !== -1) {
        entry = key.slice(0, at + window.delimiter.length);
        isPrefix = true;
        // A marker inside this prefix, or a prefix already returned: its keys were covered.
        if (compareKeys(entry, window.after) <= 0 || entry === commonPrefixes[commonPrefixes.length - 1]) continue;
      }
    }
    if (keys.length + commonPrefixes.length >= window.maxKeys) {
      truncated = true;
      break;
    }
    if (isPrefix) commonPrefixes.push(entry);
    else keys.push(entry);
    next = entry;
  }
  return { keys, commonPrefixes, truncated, next: truncated ? next : undefined };
}

/** max-keys: an integer 1–1000 (default 100); OSS answers InvalidArgument otherwise. */
export function parseMaxKeys(raw: string | undefined, fallback = 100): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) {
    throw ossErrors.invalidArgument('Argument max-keys must be an integer between 1 and 1000.', 'max-keys', raw);
  }
  return Number(raw);
}
