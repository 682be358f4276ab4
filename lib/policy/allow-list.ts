// Which objects oss-thaw may restore: `bucket` (the whole bucket) or `bucket/prefix` entries.
// `*` allows every bucket and must be written out; an empty list allows nothing.
import { validateBucket } from '../restore/object-ref';
import type { ObjectRef } from '../restore/object-ref';

export interface AllowEntry {
  readonly bucket: string;
  /** '' for the whole bucket. */
  readonly prefix: string;
}

export type AllowList = readonly AllowEntry[] | '*';

/** Parses "thaw-demo, logs-archive/2024/" into entries; throws naming the bad entry. */
export function parseAllowList(text: string): AllowList {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 1 && items[0] === '*') return '*';
  return items.map((item) => {
    const slash = item.indexOf('/');
    const bucket = slash === -1 ? item : item.slice(0, slash);
    const prefix = slash === -1 ? '' : item.slice(slash + 1);
    try {
      validateBucket(bucket);
    } catch {
      throw new TypeError(`allow-list entry "${item}": "${bucket}" is not a valid bucket name`);
    }
    return { bucket, prefix };
  });
}

export function isAllowed(list: AllowList, ref: ObjectRef): boolean {
  if (list === '*') return true;
  return list.some((e) => e.bucket === ref.bucket && ref.key.startsWith(e.prefix));
}
