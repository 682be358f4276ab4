// The CounterStore contract: every adapter (memory, Tablestore over the emulator) runs these same
// tests, so "the same semantics" is checked, not assumed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterStore } from '../../lib/restore/ports';

export interface CountersUnderTest {
  store: CounterStore;
  close(): Promise<void>;
}

export function describeCounterStoreContract(name: string, open: () => Promise<CountersUnderTest>): void {
  describe(`CounterStore contract: ${name}`, () => {
    let subject: CountersUnderTest;
    let store: CounterStore;
    let n = 0;
    // Each test uses its own counter names, so tests share one store without seeing each other's.
    const key = (label: string) => `contract/${name}/${label}/${n++}`;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.close();
    });

    describe('addToCounters', () => {
      const add = async (name: string, restores: number, bytes: number) => (await store.addToCounters([{ name, deltas: { restores, bytes } }]))[0];

      it('starts at zero, adds atomically under concurrency, and subtracts', async () => {
        const name = `budget/${key('counter')}/2026-01-01`;
        const results = await Promise.all(Array.from({ length: 25 }, () => add(name, 1, 3_000_000_000)));
        // Every caller saw a distinct total: no two increments were merged.
        expect(new Set(results.map((r) => r!.restores)).size).toBe(25);
        expect(await add(name, 0, 0)).toEqual({ restores: 25, bytes: 75_000_000_000, byteDays: 0, newRecords: 0 });
        expect(await add(name, -1, -3_000_000_000)).toEqual({ restores: 24, bytes: 72_000_000_000, byteDays: 0, newRecords: 0 });
      });

      it('updates several counters in one call and answers in order', async () => {
        const a = `budget/${key('a')}`;
        const b = `rate/${key('b')}`;
        await add(a, 2, 10);
        expect(
          await store.addToCounters([
            { name: b, deltas: { restores: 1, bytes: 0 } },
            { name: a, deltas: { restores: 3, bytes: 5 } },
          ]),
        ).toEqual([
          { restores: 1, bytes: 0, byteDays: 0, newRecords: 0 },
          { restores: 5, bytes: 15, byteDays: 0, newRecords: 0 },
        ]);
      });

      it('counts byte-days and records beside restores and bytes; a value left out of the deltas adds nothing', async () => {
        const name = `budget/${key('four')}/2026-01-01`;
        await store.addToCounters([{ name, deltas: { restores: 1, bytes: 5_000_000_000, byteDays: 35_000_000_000 } }]);
        expect(await store.addToCounters([{ name, deltas: { newRecords: 2 } }])).toEqual([
          { restores: 1, bytes: 5_000_000_000, byteDays: 35_000_000_000, newRecords: 2 },
        ]);
        expect(await store.listCounters(name, 1)).toEqual([{ name, values: { restores: 1, bytes: 5_000_000_000, byteDays: 35_000_000_000, newRecords: 2 } }]);
      });

      it('refuses the same counter twice in one call', async () => {
        const a = `budget/${key('twice')}`;
        await expect(
          store.addToCounters([
            { name: a, deltas: { restores: 1, bytes: 0 } },
            { name: a, deltas: { restores: 1, bytes: 0 } },
          ]),
        ).rejects.toThrow(/distinct/);
      });

      it('answers an empty call with an empty list', async () => {
        expect(await store.addToCounters([])).toEqual([]);
      });
    });

    describe('listCounters', () => {
      it('lists the counters under a prefix in name order, up to the limit', async () => {
        const prefix = `budget/${key('list')}/`;
        await store.addToCounters([
          { name: `${prefix}b`, deltas: { restores: 2, bytes: 20 } },
          { name: `${prefix}a`, deltas: { restores: 1, bytes: 10 } },
          { name: `${prefix}c`, deltas: { restores: 3, bytes: 30 } },
        ]);
        await store.addToCounters([{ name: `${prefix.slice(0, -1)}x/a`, deltas: { restores: 9, bytes: 9 } }]);
        expect(await store.listCounters(prefix, 10)).toEqual([
          { name: `${prefix}a`, values: { restores: 1, bytes: 10, byteDays: 0, newRecords: 0 } },
          { name: `${prefix}b`, values: { restores: 2, bytes: 20, byteDays: 0, newRecords: 0 } },
          { name: `${prefix}c`, values: { restores: 3, bytes: 30, byteDays: 0, newRecords: 0 } },
        ]);
        expect((await store.listCounters(prefix, 2)).map((c) => c.name)).toEqual([`${prefix}a`, `${prefix}b`]);
      });

      it('answers an empty list for a prefix nothing has', async () => {
        expect(await store.listCounters(`rate/${key('none')}/`, 10)).toEqual([]);
      });
    });
  });
}
