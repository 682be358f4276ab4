// Conditional requests, as the GetObject, HeadObject, CopyObject and UploadPartCopy references
// describe them:
//   If-Match            ETag matches → go on; otherwise 412 PreconditionFailed
//   If-Unmodified-Since not modified since → go on; otherwise 412
//   If-None-Match       ETag matches → 304 Not Modified; otherwise go on
//   If-Modified-Since   modified since → go on; otherwise 304 (an unparsable date is ignored)
// CopyObject/UploadPartCopy read the same conditions of the source from x-oss-copy-source-if-*.
// When several are given they are evaluated in RFC 7232 §6 order (If-Match, then If-Unmodified-Since
// only without If-Match, then If-None-Match, then If-Modified-Since only without If-None-Match); OSS
// documents the pairs but not an order (unconfirmed).
import { ossErrors } from './errors';
import type { ObjectVersion } from './model';

export const Precondition = { Proceed: 'proceed', NotModified: 'not-modified' } as const;
export type Precondition = (typeof Precondition)[keyof typeof Precondition];

/** Header names for GET/HEAD, or for the source of a copy. */
export const CONDITION_HEADERS = {
  request: { match: 'if-match', noneMatch: 'if-none-match', modifiedSince: 'if-modified-since', unmodifiedSince: 'if-unmodified-since' },
  copySource: {
    match: 'x-oss-copy-source-if-match',
    noneMatch: 'x-oss-copy-source-if-none-match',
    modifiedSince: 'x-oss-copy-source-if-modified-since',
    unmodifiedSince: 'x-oss-copy-source-if-unmodified-since',
  },
} as const;

type ConditionNames = (typeof CONDITION_HEADERS)[keyof typeof CONDITION_HEADERS];

/** `"ETAG"`, `ETAG`, a comma-separated list of either, or `*`; compared without case. */
function etagMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .some((t) => t === '*' || t.toUpperCase() === etag.toUpperCase());
}

/** HTTP dates have whole seconds; Last-Modified is compared at that precision. */
function modifiedSeconds(version: ObjectVersion): number {
  return Math.floor(version.lastModifiedMs / 1000);
}

function dateSeconds(header: string): number | undefined {
  const ms = Date.parse(header);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export function evaluatePreconditions(version: ObjectVersion, header: (name: string) => string | undefined, names: ConditionNames): Precondition {
  const ifMatch = header(names.match);
  const ifUnmodifiedSince = header(names.unmodifiedSince);
  const ifNoneMatch = header(names.noneMatch);
  const ifModifiedSince = header(names.modifiedSince);

  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, version.etag)) throw ossErrors.preconditionFailed(names.match);
  } else if (ifUnmodifiedSince !== undefined) {
    const since = dateSeconds(ifUnmodifiedSince);
    if (since !== undefined && modifiedSeconds(version) > since) throw ossErrors.preconditionFailed(names.unmodifiedSince);
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, version.etag)) return Precondition.NotModified;
  } else if (ifModifiedSince !== undefined) {
    const since = dateSeconds(ifModifiedSince);
    if (since !== undefined && modifiedSeconds(version) <= since) return Precondition.NotModified;
  }
  return Precondition.Proceed;
}
