// Builders for records in tests: explicit values, so expectations are written out, not computed.
import { type ObjectRef, recordId } from '../../lib/restore/object-ref';
import type { RestoreRecord } from '../../lib/restore/record';

export const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

export function ref(key: string, bucket = 'thaw-test', versionId = ''): ObjectRef {
  return { bucket, key, versionId };
}

export function record(key: string, fields: Partial<RestoreRecord> = {}): RestoreRecord {
  const r = ref(key, fields.bucket, fields.versionId);
  return {
    id: recordId(r),
    ...r,
    state: 'CLAIMED',
    version: 1,
    attempts: 0,
    firstSeenAtMs: T0,
    updatedAtMs: T0,
    leaseUntilMs: T0 + 60_000,
    leaseOwner: 'worker-test',
    ...fields,
  };
}
