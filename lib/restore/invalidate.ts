// Forgetting a record without deleting it: the record is marked invalidated through a conditional
// write (version n → n+1), so its version keeps counting. A delete would let a new record start
// again at version 1, and a slow worker holding an old claim at version 1 could then overwrite it.
import { TransientError } from './errors';
import type { StateStore } from './ports';
import type { RestoreRecord } from './record';

/** Lost the race three times in a row: the caller should try again later (FC redelivers). */
export class InvalidationRaceError extends TransientError {}

/**
 * Marks the record invalidated; false when there is nothing to do: no record, already
 * invalidated, or written after `changedAtMs` (its HEAD already saw the changed object, so a late
 * or duplicate event must not undo it). Retries lost races, then throws.
 */
export async function invalidateRecord(
  store: StateStore,
  id: string,
  nowMs: number,
  options: { known?: RestoreRecord; changedAtMs?: number } = {},
): Promise<boolean> {
  let record = options.known;
  for (let attempt = 0; attempt < 3; attempt++) {
    record ??= (await store.getMany([id])).get(id);
    if (!record || record.invalidatedAtMs !== undefined) return false;
    if (options.changedAtMs !== undefined && record.updatedAtMs >= options.changedAtMs) return false;
    // Conditional on the version read: a claim in flight keeps its fence and its outcome write
    // fails, so the next miss starts from a fresh HEAD.
    const written = await store.update({
      ...record,
      version: record.version + 1,
      invalidatedAtMs: nowMs,
      leaseUntilMs: undefined,
      leaseOwner: undefined,
      updatedAtMs: nowMs,
    });
    if (written.ok) return true;
    record = undefined;
  }
  throw new InvalidationRaceError(`record ${id} kept changing; invalidation not applied`);
}
