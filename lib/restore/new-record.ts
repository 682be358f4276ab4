// Records are kept for good (StateStore has no delete), so a miss that would create one — a key
// nobody asked about before, which may not even exist — spends its bucket's daily budget of new
// records (RestorePolicy.admitNewRecord). Past it, nothing is written and OSS is not called.
import type { Logger } from '../log';
import { type ErrorValue, errorValue } from './errors';
import type { ObjectRef } from './object-ref';
import type { RestorePolicy } from './ports';
import type { ObjectResult } from './summary';

/** Undefined when the record may be created; otherwise the object's outcome (budget spent, or the counters unreachable). */
export async function newRecordRefusal(
  policy: Pick<RestorePolicy, 'admitNewRecord'>,
  ref: ObjectRef,
  nowMs: number,
  log: Logger,
): Promise<{ result: ObjectResult; retryAtMs?: number; error?: ErrorValue } | undefined> {
  try {
    const admission = await policy.admitNewRecord(ref, nowMs);
    if (admission.admitted) return undefined;
    log.info('no record: the daily budget of new records is spent', { outcome: 'dailyRecordBudget', retryAtMs: admission.retryAtMs });
    return { result: 'dailyRecordBudget', retryAtMs: admission.retryAtMs };
  } catch (err) {
    const error = errorValue(err);
    log.error('claim failed: budget counters unavailable', { outcome: 'unrecorded', error });
    return { result: 'unrecorded', error };
  }
}
