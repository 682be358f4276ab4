// How a batch's objects are claimed and worked on: claims go in chunks (every object of a chunk at
// once, so a store can batch those writes), and the OSS work of the claims won runs `concurrency`
// at a time without waiting between chunks — the next chunk is claimed while the current one is
// worked on, so OSS calls stay in flight (waiting for a whole chunk to finish before claiming the
// next left the calls idle at every chunk's tail: ~20% of the coordinator's throughput).
// The next chunk is claimed once fewer than a chunk of claims wait, so fewer than two chunks wait
// and a claim waits about two chunks' work before its own starts (the coordinator never starts an
// OSS call its lease cannot fit, see Coordinator.work).

export interface ClaimAhead<T, C, R> {
  readonly chunkSize: number;
  readonly concurrency: number;
  /** Either a final result (nothing to do, lost race, …) or a claim to work on. */
  readonly claim: (item: T) => Promise<{ outcome: R } | C>;
  readonly work: (claim: C) => Promise<R>;
}

/** Every item's result, in the order they were decided (not the items' order). */
export async function claimAhead<T, C extends object, R>(items: readonly T[], steps: ClaimAhead<T, C, R>): Promise<R[]> {
  const results: R[] = [];
  const ready: C[] = [];
  let next = 0;
  let claiming: Promise<void> | undefined;
  const claimChunk = () => {
    const chunk = items.slice(next, next + steps.chunkSize);
    next += chunk.length;
    claiming = Promise.all(chunk.map(steps.claim))
      .then((claimed) => {
        for (const c of claimed) {
          if ('outcome' in c) results.push(c.outcome);
          else ready.push(c);
        }
      })
      .finally(() => {
        claiming = undefined;
      });
  };
  const worker = async () => {
    for (;;) {
      if (ready.length < steps.chunkSize && next < items.length && !claiming) claimChunk();
      const claim = ready.shift();
      if (claim) results.push(await steps.work(claim));
      else if (claiming) await claiming;
      else if (next >= items.length) return;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(steps.concurrency, items.length)) }, worker));
  return results;
}
