// The one retry helper: bounded attempts, exponential backoff with equal jitter, never past a
// deadline, stopped by an abort signal. Clock, sleep and random are injected, so tests neither
// wait nor depend on chance. Every retry loop in oss-thaw (OSS calls, Tablestore, Log Service)
// goes through it; what is worth retrying stays the caller's decision.
import type { Clock } from './clock';

export interface RetryPolicy {
  /** Ceiling of the first delay; doubles per attempt up to maxMs. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** Tries in all, the first included. */
  readonly maxAttempts: number;
}

export interface RetryEnvironment {
  readonly clock: Clock;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform [0, 1). */
  readonly random: () => number;
}

export interface RetryOptions extends RetryEnvironment {
  readonly policy: RetryPolicy;
  /**
   * Whether `err` may succeed on another try: false stops at once; a number overrides
   * policy.maxAttempts for that error (a "busy" answer, refused before any work, can take more).
   */
  readonly retryable: (err: unknown) => boolean | number;
  /** No attempt starts unless it can end (see attemptMs) by this instant. */
  readonly deadlineAtMs?: number;
  /** The longest one attempt can take (the client's timeout); 0 when unknown. */
  readonly attemptMs?: number;
  readonly signal?: AbortSignal;
  /** The error to throw when the deadline leaves no room for attempt `attempt` (default: a RetryDeadlineError). */
  readonly deadlineError?: (attempt: number) => Error;
  /** Wraps the last error once the attempts ran out (default: the error itself). */
  readonly exhausted?: (err: unknown, attempts: number) => unknown;
}

/** The deadline came before an attempt could start. */
export class RetryDeadlineError extends Error {
  readonly code = 'RetryDeadline';
  constructor(attempt: number) {
    super(`no time left for attempt ${attempt} before the deadline`);
    this.name = 'RetryDeadlineError';
  }
}

/**
 * "Equal jitter": half of the exponential delay is fixed, half random, so retries from many
 * workers spread out without collapsing to zero. Whole milliseconds (times are stored as integers).
 */
export function backoffMs(policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Calls `fn` until it succeeds, throws what `retryable` refuses, or attempts or time run out. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attemptMs = options.attemptMs ?? 0;
  const deadlineAtMs = options.deadlineAtMs ?? Number.POSITIVE_INFINITY;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    if (options.clock.nowMs() + attemptMs > deadlineAtMs) throw (options.deadlineError ?? ((n) => new RetryDeadlineError(n)))(attempt);
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      const verdict = options.retryable(err);
      if (verdict === false) throw err;
      const maxAttempts = typeof verdict === 'number' ? verdict : options.policy.maxAttempts;
      if (attempt >= maxAttempts) throw options.exhausted ? options.exhausted(err, attempt) : err;
      const delay = backoffMs(options.policy, attempt, options.random);
      // A wait that leaves no room for the next attempt would only postpone the same failure.
      if (options.clock.nowMs() + delay + attemptMs > deadlineAtMs) throw err;
      await options.sleep(delay, options.signal);
    }
  }
}

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
