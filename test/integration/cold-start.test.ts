// A function instance's first call checks its tables (ListTable) through the adapter's retries,
// with mapped errors. Outside attack on the first release: under harsh faults 5–15 of 50 fresh
// invocations failed on this one unretried call, with the SDK's raw protobuf bytes as the message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { startTablestoreEmulator } from '../../lib/emulators/tablestore';
import { seededRandom } from '../../lib/emulators/shared/faults';
import { TransientError } from '../../lib/restore/errors';
import { TablestoreStateStore } from '../../lib/store/tablestore';
import { TablestoreAdmin } from '../../lib/store/tablestore-admin';
import { ensureTables } from '../../lib/store/tablestore-schema';
import { buildServices } from '../../lib/wiring';
import { controlFetch } from '../../lib/emulators/shared/control';

describe('cold start: the table check', () => {
  let tablestore: Awaited<ReturnType<typeof startTablestoreEmulator>>;
  let ts: { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
  const fresh = (env: Record<string, string> = {}) =>
    buildServices(
      loadConfig({
        THAW_ALLOW: 'thaw-cold',
        THAW_OSS_ENDPOINT: 'http://127.0.0.1:9',
        THAW_TABLESTORE_ENDPOINT: ts.endpoint,
        THAW_TABLESTORE_INSTANCE: ts.instance,
        THAW_TABLE: 'thaw_cold',
        THAW_TABLESTORE_TIMEOUT_MS: '300',
        ...env,
      }),
      ts,
      // Backoff waits only a turn; jitter replays.
      { sleep: async () => undefined, random: seededRandom(5) },
    );
  const faults = (rules: unknown[]) => controlFetch(`${ts.endpoint}/-/faults`, { method: 'POST', body: JSON.stringify({ seed: 3, rules }) });

  beforeAll(async () => {
    tablestore = await startTablestoreEmulator();
    ts = tablestore.describe() as typeof ts;
    await ensureTables(new TablestoreAdmin({ ...ts, table: 'thaw_cold' }));
  });
  afterAll(async () => {
    await tablestore?.close();
  });

  it('retries ListTable answered OTSServerBusy or lost (20% of calls): 50 fresh instances, every one ready', async () => {
    await faults([{ operation: 'ListTable', errorRate: 0.1, resetRate: 0.05, ackResetRate: 0.05 }]);
    try {
      // One after another, so the seeded faults fall on the same calls every run.
      const failed: unknown[] = [];
      for (let i = 0; i < 50; i++)
        await fresh()
          .ready()
          .catch((e: unknown) => failed.push(e));
      expect(failed).toEqual([]);
      const injected = (await (await controlFetch(`${ts.endpoint}/-/faults`)).json()) as { injected: Record<string, number> };
      // Busy answers and lost connections, before and after ListTable ran, all retried.
      expect(Object.keys(injected.injected).sort()).toEqual(['ack-reset', 'error', 'reset']);
      expect(Object.values(injected.injected).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(8);
    } finally {
      await controlFetch(`${ts.endpoint}/-/faults`, { method: 'DELETE' });
    }
  });

  it('maps a ListTable that keeps failing to a readable TransientError, and checks again on the next call', async () => {
    await faults([{ operation: 'ListTable', errorRate: 1 }]);
    const services = fresh();
    try {
      const error = (await services.ready().catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(TransientError);
      expect(error.message).toBe('ListTable thaw_cold: OTSServerBusy');
    } finally {
      await controlFetch(`${ts.endpoint}/-/faults`, { method: 'DELETE' });
    }
    await expect(services.ready()).resolves.toBeUndefined();
  });

  it('names a missing table and the command that makes it, and creates nothing', async () => {
    const error = await fresh({ THAW_TABLE: 'thaw_never' })
      .ready()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TablesMissing',
      message: 'tables thaw_never, thaw_never_counters are missing in Tablestore instance thaw: run thaw deploy (or thaw tables create)',
    });
    expect(await new TablestoreStateStore({ ...ts, table: 'thaw_never' }).missingTables()).toEqual(['thaw_never', 'thaw_never_counters']);
  });
});
