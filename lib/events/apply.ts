// What storage events mean for records:
//   restore finished  → HEAD now and record RESTORED with its expiry (only for objects we track);
//   created / removed / modified → the record no longer describes the object (a rewritten object
//   may not be archived; a deleted one is gone), so it is invalidated, conditionally on its version.
// Duplicate or replayed events are harmless: a second invalidation finds it done, a second HEAD
// finds the record already RESTORED. At the deadline no new work starts and the invocation fails,
// so FC delivers the events again and the redelivery finishes what is left.
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { invalidateRecord } from '../restore/invalidate';
import type { Coordinator } from '../restore/coordinator';
import { errorValue, TransientError } from '../restore/errors';
import { objectRef, type ObjectRef, recordId } from '../restore/object-ref';
import type { StateStore } from '../restore/ports';
import { mapWithLimit } from '../retry';
import type { StorageEvent } from './storage-event';

/** Records read in one StateStore.getMany (Tablestore's BatchGetRow takes 100). */
const INVALIDATION_CHUNK = 100;
/** Invalidations written at once: the Tablestore adapter sends concurrent writes as one BatchWriteRow. */
const INVALIDATION_CONCURRENCY = 32;

export interface EventOutcomes {
  readonly refreshed: number;
  readonly invalidated: number;
  readonly untracked: number;
  readonly invalid: number;
}

export async function applyStorageEvents(
  events: readonly StorageEvent[],
  deps: { coordinator: Coordinator; store: StateStore; clock: Clock; log: Logger },
  options: { deadlineAtMs?: number } = {},
): Promise<EventOutcomes> {
  let refreshed = 0;
  let invalidated = 0;
  let untracked = 0;
  let invalid = 0;

  const finished = events.filter((e) => e.kind === 'restore-finished');
  if (finished.length > 0) {
    const refs = finished.map((e) => ({ bucket: e.bucket, key: e.key, versionId: e.versionId }));
    const {
      outcomes,
      invalid: bad,
      summary,
    } = await deps.coordinator.refresh(refs, { checkNow: true, source: 'storage-event', deadlineAtMs: options.deadlineAtMs, log: deps.log });
    invalid += bad.length;
    for (const o of outcomes) {
      if (o.result === 'untracked') untracked++;
      else if (o.calledOss) refreshed++;
    }
    // Nothing durable happened for these: fail, so FC delivers the events again.
    if (summary.unrecorded > 0 || summary.unstarted > 0) {
      throw new TransientError(`${summary.unrecorded + summary.unstarted} finished restore(s) could not be recorded; retry the events`);
    }
  }

  // Invalidations, per record: the latest change among the events naming it (a record written after
  // that one has seen them all). In chunks, each one batched read and concurrent conditional writes.
  const changes = new Map<string, { changedAtMs: number; event: string; ref: ObjectRef }>();
  for (const event of events.filter((e) => e.kind !== 'restore-finished')) {
    let refs: ObjectRef[];
    try {
      // The event changes the current version, and the version it names if any.
      const current = objectRef({ bucket: event.bucket, key: event.key });
      refs = event.versionId ? [current, objectRef({ bucket: event.bucket, key: event.key, versionId: event.versionId })] : [current];
    } catch (err) {
      deps.log.warn('storage event names no valid object', { event: event.name, error: errorValue(err) });
      invalid++;
      continue;
    }
    for (const ref of refs) {
      const id = recordId(ref);
      const seen = changes.get(id);
      if (!seen || event.eventTimeMs > seen.changedAtMs) changes.set(id, { changedAtMs: event.eventTimeMs, event: event.name, ref });
    }
  }
  const ids = [...changes.keys()];
  for (let i = 0; i < ids.length; i += INVALIDATION_CHUNK) {
    // No new chunk once the deadline (FC's timeout less the runtime's reserve) has come: the rest
    // is left to FC's redelivery, where what was done already finds nothing to do.
    if (options.deadlineAtMs !== undefined && deps.clock.nowMs() >= options.deadlineAtMs) {
      const left = ids.length - i;
      deps.log.warn('storage events left for the deadline', { invalidated, left });
      throw new TransientError(`${left} record(s) not invalidated before the deadline; retry the events`);
    }
    const chunk = ids.slice(i, i + INVALIDATION_CHUNK);
    const records = await deps.store.getMany(chunk);
    const done = await mapWithLimit(chunk, INVALIDATION_CONCURRENCY, async (id) => {
      const known = records.get(id);
      if (!known) return false;
      const change = changes.get(id)!;
      const removed = await invalidateRecord(deps.store, id, deps.clock.nowMs(), { known, changedAtMs: change.changedAtMs });
      if (removed) {
        deps.log.info('record invalidated', {
          event: change.event,
          bucket: change.ref.bucket,
          key: change.ref.key,
          versionId: change.ref.versionId || undefined,
        });
      }
      return removed;
    });
    invalidated += done.filter(Boolean).length;
  }
  return { refreshed, invalidated, untracked, invalid };
}
