// Bounded retries for transient faults: exponential backoff with jitter, never past a deadline.
import type { Clock } from '../clock';
import { isRetryable } from './errors';

export interface RetrySettings {
  /** First delay; doubles per attempt. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** Total tries, the first included. */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY: RetrySettings = { baseMs: 100, maxMs: 3_000, maxAttempts: 4 };

export interface RetryContext {
  readonly clock: Clock;
  /** No retry is started if its delay would end after this instant. */
  readonly deadlineAtMs: number;
  /** Uniform [0, 1); injected so tests are deterministic. */
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * "Equal jitter": half the exponential delay is fixed, half random, so retries from many workers
 * spread out without collapsing to zero.
 */
export function backoffMs(settings: Pick<RetrySettings, 'baseMs' | 'maxMs'>, attempt: number, random: () => number): number {
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

/** Calls `fn` until it succeeds, throws a non-retryable error, or attempts/time run out. */
export async function retrying<T>(fn: () => Promise<T>, settings: RetrySettings, ctx: RetryContext): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || attempt >= settings.maxAttempts) throw err;
      const delay = backoffMs(settings, attempt, ctx.random);
      if (ctx.clock.nowMs() + delay > ctx.deadlineAtMs) throw err;
      await ctx.sleep(delay);
    }
  }
}

export { sleep as realSleep } from '../clock';

/** Runs `fn` over `items` with at most `limit` in flight, keeping results in input order. */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
