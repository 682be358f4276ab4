// Forgetting a record without deleting it: the record is marked invalidated through a conditional
// write (version n → n+1), so its version keeps counting. A delete would let a new record start
// again at version 1, and a slow worker holding an old claim at version 1 could then overwrite it.
import type { StateStore } from './ports';
import type { RestoreRecord } from './record';

/** Marks the record invalidated; false when there is none (or it already was). Retries races. */
export async function invalidateRecord(store: StateStore, id: string, nowMs: number, known?: RestoreRecord): Promise<boolean> {
  let record = known;
  for (let attempt = 0; attempt < 3; attempt++) {
    record ??= (await store.getMany([id])).get(id);
    if (!record || record.invalidatedAtMs !== undefined) return false;
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
  return false;
}
