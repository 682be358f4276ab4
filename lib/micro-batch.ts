// The one micro-batcher: requests made in the same turn of the event loop are handed over
// together, so a coordinator working on many objects at once sends one BatchWriteRow of claims,
// or one counter update for all its admissions, instead of one call each.
//
// A batch holds at most `maxItems` entries and, when `keyOf` is given, one entry per key (a
// service may refuse a row twice in one request); the rest wait for the next batch, started at
// once. The handler settles every entry of its batch; entries it leaves unsettled when it throws
// are rejected with that error, so no caller waits forever.

export interface BatchEntry<I, O> {
  readonly item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

export interface MicroBatcherOptions<I> {
  readonly maxItems?: number;
  readonly keyOf?: (item: I) => string;
  /** When to flush; default setImmediate (after the current turn's synchronous work). */
  readonly schedule?: (flush: () => void) => void;
}

export class MicroBatcher<I, O> {
  private queue: BatchEntry<I, O>[] = [];
  private scheduled = false;
  private readonly maxItems: number;
  private readonly schedule: (flush: () => void) => void;

  constructor(
    private readonly handle: (batch: readonly BatchEntry<I, O>[]) => Promise<void>,
    private readonly options: MicroBatcherOptions<I> = {},
  ) {
    this.maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
    this.schedule = options.schedule ?? ((flush) => setImmediate(flush));
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch: BatchEntry<I, O>[] = [];
    const later: BatchEntry<I, O>[] = [];
    const keys = new Set<string>();
    for (const entry of this.queue) {
      const key = this.options.keyOf?.(entry.item);
      if (batch.length >= this.maxItems || (key !== undefined && keys.has(key))) {
        later.push(entry);
        continue;
      }
      if (key !== undefined) keys.add(key);
      batch.push(entry);
    }
    this.queue = later;
    if (later.length > 0) this.scheduleFlush();
    if (batch.length === 0) return;
    const settled = new Set<BatchEntry<I, O>>();
    const tracked = batch.map(
      (entry): BatchEntry<I, O> => ({
        item: entry.item,
        resolve: (value) => {
          settled.add(entry);
          entry.resolve(value);
        },
        reject: (error) => {
          settled.add(entry);
          entry.reject(error);
        },
      }),
    );
    try {
      await this.handle(tracked);
    } catch (err) {
      for (const entry of batch) if (!settled.has(entry)) entry.reject(err);
    }
  }
}
