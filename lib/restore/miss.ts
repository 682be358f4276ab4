// A miss: someone could not read an archived object. Every source (access log, HTTP, events,
// sweeper) speaks in misses; this module validates them and folds duplicates into one entry
// per object version.
import { InvalidInputError } from './errors';
import { hasDotSegment, type ObjectRef, objectRef, recordId } from './object-ref';
import type { MissOperation, MissSource } from './record';
import { mergeRestoreRequests, type RestoreRequest, validateRestoreRequest } from './restore-request';

export interface Miss {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly source: MissSource;
  /** When the failed read happened (log time), or when the request arrived. */
  readonly seenAtMs: number;
  /** The operation OSS refused, when the source knows it (access log). */
  readonly operation?: MissOperation;
  /** Only callers of the HTTP API ask for Days or a tier; other sources use the defaults. */
  readonly request?: { readonly days?: unknown; readonly tier?: unknown };
}

/** All the misses of a batch that name one object version. */
export interface ObjectMisses {
  readonly id: string;
  readonly ref: ObjectRef;
  readonly request: RestoreRequest;
  readonly count: number;
  readonly firstSeenAtMs: number;
  readonly lastSeenAtMs: number;
  /**
   * The latest failed read among the misses, leaving out the sweeper's (a sweep re-drives a
   * record; it is no evidence that anyone tried to read). Undefined when only the sweeper asked.
   */
  readonly lastReadAtMs?: number;
  readonly source: MissSource;
  readonly operation?: MissOperation;
  /** The key has a "." or ".." segment: no SDK call can address it (see hasDotSegment). */
  readonly unaddressable: boolean;
}

export interface InvalidMiss {
  readonly index: number;
  readonly field: string;
  readonly reason: string;
}

export function groupMisses(misses: readonly Miss[]): { objects: ObjectMisses[]; invalid: InvalidMiss[] } {
  const byId = new Map<string, ObjectMisses>();
  const invalid: InvalidMiss[] = [];
  // Batches are duplicate-heavy (ten misses an object is common): each distinct bucket/key/version
  // is validated and digested once.
  const refs = new Map<string, { ref: ObjectRef; id: string; unaddressable: boolean } | { field: string; reason: string }>();
  misses.forEach((miss, index) => {
    // Only plain values key the cache: anything else (whatever its size or depth) is validated every time.
    const plain = typeof miss.bucket === 'string' && typeof miss.key === 'string' && (miss.versionId === undefined || typeof miss.versionId === 'string');
    const raw = plain ? JSON.stringify([miss.bucket, miss.key, miss.versionId ?? null]) : undefined;
    let known = raw === undefined ? undefined : refs.get(raw);
    if (!known) {
      try {
        const ref = objectRef(miss);
        known = { ref, id: recordId(ref), unaddressable: hasDotSegment(ref.key) };
      } catch (err) {
        known = { field: err instanceof InvalidInputError ? err.field : 'miss', reason: (err as Error).message };
      }
      if (raw !== undefined) refs.set(raw, known);
    }
    if ('field' in known) {
      invalid.push({ index, field: known.field, reason: known.reason });
      return;
    }
    let request: RestoreRequest;
    try {
      request = validateRestoreRequest(miss.request);
    } catch (err) {
      invalid.push({ index, field: err instanceof InvalidInputError ? err.field : 'miss', reason: (err as Error).message });
      return;
    }
    const one = single(known, request, miss);
    const existing = byId.get(one.id);
    byId.set(one.id, existing ? mergeObjectMisses(existing, one) : one);
  });
  return { objects: [...byId.values()], invalid };
}

function single(known: { ref: ObjectRef; id: string; unaddressable: boolean }, request: RestoreRequest, miss: Miss): ObjectMisses {
  // A miss without a usable time counts as seen now (the coordinator caps times at its clock).
  const seenAtMs = Number.isFinite(miss.seenAtMs) ? Math.floor(miss.seenAtMs) : Number.POSITIVE_INFINITY;
  return {
    id: known.id,
    ref: known.ref,
    request,
    count: 1,
    firstSeenAtMs: seenAtMs,
    lastSeenAtMs: seenAtMs,
    lastReadAtMs: miss.source === 'sweeper' ? undefined : seenAtMs,
    source: miss.source,
    operation: miss.operation,
    unaddressable: known.unaddressable,
  };
}

/**
 * Folds two groups that name the same object (also used when a miss without a versionId turns
 * out to name the current version another group names): counts add up, the longest Days and the
 * fastest tier win, the latest read counts.
 */
export function mergeObjectMisses(a: ObjectMisses, b: ObjectMisses): ObjectMisses {
  const lastReadAtMs = a.lastReadAtMs === undefined ? b.lastReadAtMs : b.lastReadAtMs === undefined ? a.lastReadAtMs : Math.max(a.lastReadAtMs, b.lastReadAtMs);
  return {
    ...a,
    request: mergeRestoreRequests(a.request, b.request),
    count: a.count + b.count,
    firstSeenAtMs: Math.min(a.firstSeenAtMs, b.firstSeenAtMs),
    lastSeenAtMs: Math.max(a.lastSeenAtMs, b.lastSeenAtMs),
    lastReadAtMs,
    operation: b.operation ?? a.operation,
  };
}

/** The same misses, on the record of one version of their key (the version HEAD said they read). */
export function retarget(o: ObjectMisses, versionId: string): ObjectMisses {
  const ref = { ...o.ref, versionId };
  return { ...o, ref, id: recordId(ref) };
}
