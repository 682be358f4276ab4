// A miss: someone could not read an archived object. Every source (access log, HTTP, events,
// sweeper) speaks in misses; this module validates them and folds duplicates into one entry
// per object version.
import { describeError, InvalidInputError } from './errors';
import { type ObjectRef, objectRef, recordId } from './object-ref';
import type { MissSource } from './record';
import { mergeRestoreRequests, type RestoreRequest, validateRestoreRequest } from './restore-request';

export interface Miss {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly source: MissSource;
  /** When the failed read happened (log time), or when the request arrived. */
  readonly seenAtMs: number;
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
  readonly source: MissSource;
}

export interface InvalidMiss {
  readonly index: number;
  readonly field: string;
  readonly reason: string;
}

export function groupMisses(misses: readonly Miss[]): { objects: ObjectMisses[]; invalid: InvalidMiss[] } {
  const byId = new Map<string, ObjectMisses>();
  const invalid: InvalidMiss[] = [];
  misses.forEach((miss, index) => {
    let ref: ObjectRef;
    let request: RestoreRequest;
    try {
      ref = objectRef(miss);
      request = validateRestoreRequest(miss.request);
    } catch (err) {
      const field = err instanceof InvalidInputError ? err.field : 'miss';
      invalid.push({ index, field, reason: describeError(err) });
      return;
    }
    const id = recordId(ref);
    // A miss without a usable time counts as seen now (the coordinator caps times at its clock).
    const seenAtMs = Number.isFinite(miss.seenAtMs) ? Math.floor(miss.seenAtMs) : Number.POSITIVE_INFINITY;
    const existing = byId.get(id);
    if (!existing) {
      byId.set(id, { id, ref, request, count: 1, firstSeenAtMs: seenAtMs, lastSeenAtMs: seenAtMs, source: miss.source });
      return;
    }
    byId.set(id, {
      ...existing,
      request: mergeRestoreRequests(existing.request, request),
      count: existing.count + 1,
      firstSeenAtMs: Math.min(existing.firstSeenAtMs, seenAtMs),
      lastSeenAtMs: Math.max(existing.lastSeenAtMs, seenAtMs),
    });
  });
  return { objects: [...byId.values()], invalid };
}
