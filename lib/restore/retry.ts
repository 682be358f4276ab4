// Bounded retries for transient faults: exponential backoff with jitter, never past a deadline.
import type { Clock } from '../clock';
import { isRetryable, TransientError } from './errors';

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
  /** No attempt starts unless it can end (see attemptMs) by this instant. */
  readonly deadlineAtMs: number;
  /** How long one attempt can take at most (the client's timeout); 0 when unknown. */
  readonly attemptMs?: number;
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
  // Whole milliseconds: times are stored as integers.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The deadline came before an attempt could start; retryable later, by whoever holds the object then. */
export class DeadlineReachedError extends TransientError {}

/** Calls `fn` until it succeeds, throws a non-retryable error, or attempts/time run out. */
export async function retrying<T>(fn: () => Promise<T>, settings: RetrySettings, ctx: RetryContext): Promise<T> {
  const attemptMs = ctx.attemptMs ?? 0;
  for (let attempt = 1; ; attempt++) {
    if (ctx.clock.nowMs() + attemptMs > ctx.deadlineAtMs) {
      throw new DeadlineReachedError(`no time left for attempt ${attempt} before the lease or invocation deadline`);
    }
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || attempt >= settings.maxAttempts) throw err;
      const delay = backoffMs(settings, attempt, ctx.random);
      if (ctx.clock.nowMs() + delay + attemptMs > ctx.deadlineAtMs) throw err;
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
