import { describe, expect, it } from 'vitest';
import { type BatchEntry, MicroBatcher } from '../../lib/micro-batch';

/** A batcher that records its batches and answers each item doubled; flushes run when `run()` is called. */
function batcher(options: { maxItems?: number; keyed?: boolean; fail?: (items: number[]) => boolean } = {}) {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const b = new MicroBatcher<number, number>(
    async (batch: readonly BatchEntry<number, number>[]) => {
      const items = batch.map((e) => e.item);
      batches.push(items);
      if (options.fail?.(items)) throw new Error(`batch ${items.join(',')} failed`);
      for (const e of batch) e.resolve(e.item * 2);
    },
    { maxItems: options.maxItems, keyOf: options.keyed ? (n) => String(n) : undefined, schedule: (flush) => pending.push(flush) },
  );
  const run = async () => {
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { b, batches, run };
}

describe('MicroBatcher', () => {
  it('hands over what was submitted in one turn as one batch, answering each submitter', async () => {
    const { b, batches, run } = batcher();
    const answers = Promise.all([b.submit(1), b.submit(2), b.submit(3)]);
    await run();
    expect(await answers).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('splits at maxItems and keeps one entry per key in a batch', async () => {
    const { b, batches, run } = batcher({ maxItems: 2, keyed: true });
    const answers = Promise.all([b.submit(1), b.submit(1), b.submit(2), b.submit(3)]);
    await run();
    expect(await answers).toEqual([2, 2, 4, 6]);
    expect(batches).toEqual([
      [1, 2],
      [1, 3],
    ]);
  });

  it('rejects the entries of a batch whose handler throws, and only those', async () => {
    const { b, run } = batcher({ maxItems: 1, fail: (items) => items[0] === 2 });
    const settled = Promise.allSettled([b.submit(1), b.submit(2), b.submit(3)]);
    await run();
    expect((await settled).map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
