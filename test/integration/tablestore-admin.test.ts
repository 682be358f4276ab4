// The one admin client for the tables (lib/store/tablestore-admin.ts), through the real tablestore
// SDK against the emulator: what a deploy that races another, or meets a busy or refusing
// instance, is told.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningTablestoreEmulator, startTablestoreEmulator } from '../../lib/emulators/tablestore/index';
import { AccessDeniedError, MalformedRequestError } from '../../lib/restore/errors';
import { TablestoreAdmin } from '../../lib/store/tablestore-admin';
import type { TablestoreSettings } from '../../lib/store/tablestore-client';
import { ensureTables, indexMeta } from '../../lib/store/tablestore-schema';
import { indexesOf } from '../../lib/store/tablestore-indexes';

let emulator: RunningTablestoreEmulator;
let settings: TablestoreSettings;
/** The error `p` rejects with; a resolved `p` fails the test. */
const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as Error,
  );
const admin = (table: string, more: Partial<TablestoreSettings> = {}) => new TablestoreAdmin({ ...settings, table, sleep: async () => undefined, ...more });

beforeAll(async () => {
  emulator = await startTablestoreEmulator();
  const { endpoint, instance, accessKeyId, accessKeySecret } = emulator.describe() as Record<string, string>;
  settings = { endpoint: endpoint!, instance: instance!, table: 'unused', accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret! };
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(() => {
  emulator.faults.clear();
  emulator.setNetworkTypeAcl(['INTERNET', 'VPC', 'CLASSIC']);
  emulator.resetStats();
});

describe('TablestoreAdmin', () => {
  it('lists which of the two tables are missing, and makes them', async () => {
    const a = admin('adm_make');
    expect(await a.missingTables()).toEqual(['adm_make', 'adm_make_counters']);
    expect(await ensureTables(a)).toEqual({ created: ['adm_make', 'adm_make_counters'] });
    expect(await a.missingTables()).toEqual([]);
    expect((await a.listTables()).filter((t) => t.startsWith('adm_make'))).toEqual(['adm_make', 'adm_make_counters']);
  });

  it('leaves a table or an index another deploy made meanwhile, saying the index was not its own', async () => {
    const a = admin('adm_race');
    // Both deploys read "missing", both create: the second meets OTSObjectAlreadyExist.
    await ensureTables(a, ['adm_race', 'adm_race_counters']);
    await expect(ensureTables(a, ['adm_race', 'adm_race_counters'])).resolves.toEqual({ created: ['adm_race', 'adm_race_counters'] });
    expect(await a.createIndex('adm_race', indexMeta(indexesOf('adm_race').byKey), true)).toBe(false);
  });

  it('retries a ListTable the instance answered busy, even with one attempt for other faults', async () => {
    emulator.faults.configure({ seed: 7, rules: [{ operation: 'ListTable', errorRate: 0.5 }] });
    const a = admin('adm_busy', { maxAttempts: 1 });
    for (let i = 0; i < 5; i++) expect(await a.missingTables()).toEqual(['adm_busy', 'adm_busy_counters']);
    expect(emulator.stats().operations.ListTable).toBeGreaterThan(5);
  });

  it('maps a table that does not exist to MalformedRequest, keeping the SDK error as its cause', async () => {
    const err = await failure(admin('adm_none').describeTable('adm_none'));
    expect(err).toBeInstanceOf(MalformedRequestError);
    expect(err.message).toMatch(/^DescribeTable adm_none: .*OTSObjectNotExist/);
    expect(String((err.cause as Error).message)).toContain('OTSObjectNotExist');
  });

  it.each([
    [
      'a wrong secret',
      () => admin('adm_denied', { accessKeySecret: 'wrong' }),
      /^ListTable adm_denied: OTSAuthFailed.*: check the credentials, the instance name and the RAM policy$/,
    ],
    [
      "the instance's network ACL",
      () => {
        emulator.setNetworkTypeAcl(['VPC', 'CLASSIC']);
        return admin('adm_denied');
      },
      /^ListTable adm_denied: OTSAuthFailed.*Request denied by instance ACL policies.*: the instance's network ACL refuses this network$/,
    ],
  ])('says which refusal it met: %s', async (_label, make, message) => {
    const err = await failure(make().listTables());
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect(err.message).toMatch(message);
  });
});
