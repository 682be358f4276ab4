// What storage events mean for records:
//   restore finished  → HEAD now and record RESTORED with its expiry (only for objects we track);
//   created / removed / modified → the record no longer describes the object (a rewritten object
//   may not be archived; a deleted one is gone), so it is invalidated, conditionally on its version.
// Duplicate or replayed events are harmless: a second invalidation finds it done, a second HEAD
// finds the record already RESTORED.
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { invalidateRecord } from '../restore/invalidate';
import type { Coordinator } from '../restore/coordinator';
import { describeError, TransientError } from '../restore/errors';
import { objectRef, type ObjectRef, recordId } from '../restore/object-ref';
import type { StateStore } from '../restore/ports';
import type { StorageEvent } from './storage-event';

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

  for (const event of events.filter((e) => e.kind !== 'restore-finished')) {
    let refs: ObjectRef[];
    try {
      // The event changes the current version, and the version it names if any.
      const current = objectRef({ bucket: event.bucket, key: event.key });
      refs = event.versionId ? [current, objectRef({ bucket: event.bucket, key: event.key, versionId: event.versionId })] : [current];
    } catch (err) {
      deps.log.warn('storage event names no valid object', { event: event.name, reason: describeError(err) });
      invalid++;
      continue;
    }
    for (const ref of refs) {
      const removed = await invalidateRecord(deps.store, recordId(ref), deps.clock.nowMs(), { changedAtMs: event.eventTimeMs });
      if (removed) {
        invalidated++;
        deps.log.info('record invalidated', { event: event.name, bucket: ref.bucket, key: ref.key, versionId: ref.versionId || undefined });
      }
    }
  }
  return { refreshed, invalidated, untracked, invalid };
}
