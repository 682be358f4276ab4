// claimAhead: claims in chunks, works `concurrency` at a time, and claims the next chunk while the
// current one is worked on (never more than one chunk waiting), so work never idles between chunks.
import { describe, expect, it } from 'vitest';
import { claimAhead } from '../../../lib/restore/pipeline';

/** Resolvable promises, to stage the order of events by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('claimAhead', () => {
  it('claims the next chunk as soon as fewer than a chunk of claims wait, while the work goes on', async () => {
    const events: string[] = [];
    const gates: ReturnType<typeof gate>[] = [];
    let waiting = 0;
    let mostWaiting = 0;
    const items = Array.from({ length: 10 }, (_, i) => i);
    const run = claimAhead(items, {
      chunkSize: 4,
      concurrency: 2,
      claim: async (i) => {
        events.push(`claim ${i}`);
        // Item 5 needs nothing done: a final result straight from its claim.
        if (i === 5) return { outcome: `held ${i}` };
        mostWaiting = Math.max(mostWaiting, ++waiting);
        return { i };
      },
      work: async ({ i }) => {
        waiting--;
        events.push(`work ${i}`);
        const g = gate();
        gates.push(g);
        await g.opened;
        return `done ${i}`;
      },
    });
    await turns();
    // Chunk 1 is claimed together; the first worker starts; the second takes a claim, which
    // leaves fewer than a chunk waiting, so chunk 2 is claimed while items 0 and 1 are worked on.
    expect(events).toEqual(['claim 0', 'claim 1', 'claim 2', 'claim 3', 'work 0', 'claim 4', 'claim 5', 'claim 6', 'claim 7', 'work 1']);
    // Let the work finish one item at a time.
    for (let g = gates.shift(); g; g = gates.shift()) {
      g.open();
      await turns();
    }
    const results = await run;
    expect([...results].sort()).toEqual([...items.filter((i) => i !== 5).map((i) => `done ${i}`), 'held 5'].sort());
    expect(events.filter((e) => e.startsWith('claim'))).toHaveLength(10);
    // Never more than two chunks claimed ahead of the work.
    expect(mostWaiting).toBeLessThanOrEqual(2 * 4 - 1);
  });

  it('finishes on an empty list, and when every claim is a final result', async () => {
    expect(await claimAhead([], { chunkSize: 4, concurrency: 2, claim: async () => ({ outcome: 1 }), work: async () => 2 })).toEqual([]);
    expect(await claimAhead([1, 2, 3, 4, 5], { chunkSize: 2, concurrency: 3, claim: async (i) => ({ outcome: i }), work: async () => 0 })).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });
});
