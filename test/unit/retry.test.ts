import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { backoffMs, mapWithLimit, RetryDeadlineError, retry } from '../../lib/retry';

const POLICY = { baseMs: 100, maxMs: 1_000, maxAttempts: 4 };

/** A function that fails with each error in turn, then answers 'ok'. */
function failing(...errors: unknown[]) {
  let calls = 0;
  const fn = async () => {
    calls++;
    const err = errors.shift();
    if (err !== undefined) throw err;
    return 'ok';
  };
  return { fn, calls: () => calls };
}

function env(start = Date.UTC(2026, 0, 1)) {
  const clock = new ManualClock(start);
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
    clock.advance(ms);
  };
  return { clock, slept, sleep, random: () => 0.5 };
}

describe('backoffMs (equal jitter)', () => {
  it.each([
    [1, 0, 50],
    [1, 0.5, 75],
    [1, 0.999, 100],
    [2, 0.5, 150],
    [3, 0.5, 300],
    [5, 0.5, 750],
    [9, 0, 500],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffMs(POLICY, attempt, () => random)).toBe(expected);
  });
});

describe('retry', () => {
  it('retries what is retryable, waiting a growing backoff, until it succeeds', async () => {
    const e = env();
    const { fn, calls } = failing(new Error('a'), new Error('b'));
    await expect(retry(fn, { ...e, policy: POLICY, retryable: () => true })).resolves.toBe('ok');
    expect(calls()).toBe(3);
    expect(e.slept).toEqual([75, 150]);
  });

  it('stops at once on what is not retryable', async () => {
    const e = env();
    const fatal = new Error('fatal');
    const { fn, calls } = failing(fatal);
    await expect(retry(fn, { ...e, policy: POLICY, retryable: () => false })).rejects.toBe(fatal);
    expect(calls()).toBe(1);
  });

  it('gives up after maxAttempts, or after the attempts an error asks for, and can wrap the last error', async () => {
    const e = env();
    const { fn, calls } = failing(...Array.from({ length: 10 }, (_, i) => new Error(`e${i}`)));
    await expect(retry(fn, { ...e, policy: POLICY, retryable: () => true })).rejects.toThrow('e3');
    expect(calls()).toBe(4);
    const busy = failing(...Array.from({ length: 10 }, () => new Error('busy')));
    const wrapped = await retry(busy.fn, {
      ...e,
      policy: POLICY,
      retryable: () => 6,
      exhausted: (err, n) => new Error(`${n} tries: ${(err as Error).message}`),
    }).catch((err) => err);
    expect((wrapped as Error).message).toBe('6 tries: busy');
  });

  it('starts no attempt that cannot end by the deadline, and waits no backoff that would pass it', async () => {
    const e = env();
    const start = e.clock.nowMs();
    const late = failing();
    await expect(retry(late.fn, { ...e, policy: POLICY, retryable: () => true, deadlineAtMs: start + 999, attemptMs: 1_000 })).rejects.toBeInstanceOf(
      RetryDeadlineError,
    );
    expect(late.calls()).toBe(0);
    const last = new Error('last');
    const { fn, calls } = failing(last, new Error('never'));
    await expect(retry(fn, { ...e, policy: POLICY, retryable: () => true, deadlineAtMs: start + 1_050, attemptMs: 1_000 })).rejects.toBe(last);
    expect(calls()).toBe(1);
    expect(e.slept).toEqual([]);
  });

  it('stops when the signal aborts, with its reason', async () => {
    const e = env();
    const controller = new AbortController();
    const fn = async () => {
      controller.abort(new Error('shutting down'));
      throw new Error('busy');
    };
    await expect(retry(fn, { ...e, policy: POLICY, retryable: () => true, signal: controller.signal })).rejects.toThrow('shutting down');
  });
});

describe('mapWithLimit', () => {
  it('keeps results in input order with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapWithLimit([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
