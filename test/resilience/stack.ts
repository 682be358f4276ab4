// What the resilience tests share: the OSS and Tablestore emulators in the test process (so the
// test sees every request they serve, and decides their faults), the function configuration
// pointing at them, and the count of billed restores — RestoreObject answered 202, as OSS's own
// access log records it (a lost answer was still served, and billed).
import { type OssAccessLogRecord, type OssEmulator, startOssEmulator } from '../../lib/emulators/oss';
import type { FaultPlan } from '../../lib/emulators/shared/faults';
import { type RunningTablestoreEmulator, startTablestoreEmulator } from '../../lib/emulators/tablestore';
import { TablestoreAdmin } from '../../lib/store/tablestore-admin';
import { ensureTables } from '../../lib/store/tablestore-schema';

export interface ResilienceStack {
  readonly oss: OssEmulator;
  readonly tablestore: RunningTablestoreEmulator;
  readonly log: OssAccessLogRecord[];
  /** The THAW_* environment of a function deployed against these emulators. */
  env(overrides?: Record<string, string>): Record<string, string>;
  readonly credentials: { accessKeyId: string; accessKeySecret: string };
  /** Billed restores (202) per object (bucket/key, key as OSS logs it: URL-encoded). */
  billed(): Map<string, number>;
  faults(plan: FaultPlan | undefined): void;
  injected(): { oss: Record<string, number>; tablestore: Record<string, number> };
  close(): Promise<void>;
}

export async function startResilienceStack(bucket: string, table: string): Promise<ResilienceStack> {
  const log: OssAccessLogRecord[] = [];
  const oss = await startOssEmulator({ onAccessLog: (r) => log.push(r) });
  const tablestore = await startTablestoreEmulator();
  oss.createBucket(bucket);
  const ts = tablestore.describe() as { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
  // The tables are made at deploy time (thaw deploy), as in the cloud.
  await ensureTables(new TablestoreAdmin({ ...ts, table }));
  const credentials = oss.describe() as { accessKeyId: string; accessKeySecret: string };
  return {
    oss,
    tablestore,
    log,
    credentials: { accessKeyId: credentials.accessKeyId, accessKeySecret: credentials.accessKeySecret },
    env: (overrides = {}) => ({
      THAW_ALLOW: bucket,
      THAW_OSS_ENDPOINT: oss.endpoint,
      THAW_TABLESTORE_ENDPOINT: ts.endpoint,
      THAW_TABLESTORE_INSTANCE: ts.instance,
      THAW_TABLE: table,
      THAW_LOG_LEVEL: 'error',
      THAW_ACCESS_LOG_PROJECT: 'oss-log-1-cn-hangzhou',
      THAW_ACCESS_LOG_LOGSTORE: 'oss-log-store',
      ...overrides,
    }),
    billed() {
      const billed = new Map<string, number>();
      for (const r of log) {
        if (r.operation === 'RestoreObject' && r.http_status === '202') billed.set(`${r.bucket}/${r.object}`, (billed.get(`${r.bucket}/${r.object}`) ?? 0) + 1);
      }
      return billed;
    },
    faults(plan) {
      // The same rules on both, each emulator with its own seeded sequence.
      [oss.faults, tablestore.faults].forEach((injector, i) => {
        if (plan) injector.configure({ ...plan, seed: (plan.seed ?? 1) + i });
        else injector.clear();
      });
    },
    injected: () => ({ oss: oss.faults.describe().injected, tablestore: tablestore.faults.describe().injected }),
    async close() {
      await oss.close();
      await tablestore.close();
    },
  };
}
