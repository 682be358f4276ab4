// Storage events against the invocation's deadline. Outside attack on the first release: 20,000
// events with a 5 s timeout returned after 17.7 s. Now no new work starts at the deadline; the
// invocation fails, FC delivers the events again, and the redelivery finishes what is left (what
// was done finds nothing to do).
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock';
import { applyStorageEvents } from '../../../lib/events/apply';
import type { StorageEvent } from '../../../lib/events/storage-event';
import { silentLogger } from '../../../lib/log';
import { Coordinator } from '../../../lib/restore/coordinator';
import { TransientError } from '../../../lib/restore/errors';
import type { StateStore } from '../../../lib/restore/ports';
import { MemoryStateStore } from '../../../lib/store/memory';
import { FakeObjectStore } from '../../support/fake-object-store';
import { record, T0 } from '../../support/records';

const EVENTS = 20_000;

/** Every store call takes 10 ms of the clock, as a round trip would. */
function slow(store: StateStore, clock: ManualClock): StateStore & { calls: number } {
  const wrapped = {
    calls: 0,
    getMany: async (ids: readonly string[]) => {
      wrapped.calls++;
      clock.advance(10);
      return store.getMany(ids);
    },
    create: (r: Parameters<StateStore['create']>[0]) => store.create(r),
    update: async (r: Parameters<StateStore['update']>[0]) => {
      wrapped.calls++;
      clock.advance(10);
      return store.update(r);
    },
    listDue: (n: number, l: number) => store.listDue(n, l),
    list: (q: Parameters<StateStore['list']>[0]) => store.list(q),
    countStates: (...args: Parameters<StateStore['countStates']>) => store.countStates(...args),
  };
  return wrapped;
}

describe('applyStorageEvents at the deadline', () => {
  it('starts no new work past the deadline, fails so FC redelivers, and the redelivery finishes the rest once', async () => {
    const clock = new ManualClock(T0 + 60_000);
    const memory = new MemoryStateStore();
    const keys = Array.from({ length: EVENTS }, (_, i) => `k/${i}`);
    for (const key of keys) await memory.create(record(key, { state: 'RESTORING', version: 1, leaseUntilMs: undefined, leaseOwner: undefined }));
    const store = slow(memory, clock);
    const events: StorageEvent[] = keys.map((key) => ({
      kind: 'object-removed',
      name: 'ObjectRemoved:DeleteObject',
      bucket: 'thaw-test',
      key,
      eventTimeMs: T0 + 1_000,
    }));
    const deps = { coordinator: new Coordinator({ store, objects: new FakeObjectStore(clock), clock }), store, clock, log: silentLogger };

    const started = clock.nowMs();
    const first = await applyStorageEvents(events, deps, { deadlineAtMs: started + 2_000 }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(TransientError);
    expect((first as Error).message).toMatch(/^\d+ record\(s\) not invalidated before the deadline; retry the events$/);
    // Work stopped at the deadline: at most the chunk in flight (one read, 100 writes) ran past it,
    // far from the 20,000 × 2 calls of 10 ms the whole payload takes.
    expect(clock.nowMs() - started).toBeLessThanOrEqual(2_000 + 101 * 10);
    const done = memory.all().filter((r) => r.invalidatedAtMs !== undefined).length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(EVENTS);

    const second = await applyStorageEvents(events, deps, { deadlineAtMs: clock.nowMs() + 3_600_000 });
    expect(second.invalidated).toBe(EVENTS - done);
    // Each record invalidated exactly once: version 1 → 2.
    expect(new Set(memory.all().map((r) => `${r.version} ${r.invalidatedAtMs !== undefined}`))).toEqual(new Set(['2 true']));
  });

  it('invalidates a record named by several events of the payload once, by the latest of them', async () => {
    const clock = new ManualClock(T0 + 60_000);
    const store = new MemoryStateStore();
    await store.create(record('a', { state: 'RESTORING', updatedAtMs: T0 + 5_000, leaseUntilMs: undefined, leaseOwner: undefined }));
    const at = (eventTimeMs: number): StorageEvent => ({ kind: 'object-created', name: 'ObjectCreated:PutObject', bucket: 'thaw-test', key: 'a', eventTimeMs });
    const deps = { coordinator: new Coordinator({ store, objects: new FakeObjectStore(clock), clock }), store, clock, log: silentLogger };
    // The first rewrite came before the record was written; the second after it.
    expect(await applyStorageEvents([at(T0 + 1_000), at(T0 + 9_000), at(T0 + 1_000)], deps)).toMatchObject({ invalidated: 1 });
    expect(store.all().map((r) => r.version)).toEqual([2]);
  });
});
