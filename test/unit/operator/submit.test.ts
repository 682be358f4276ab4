// submitAll and waitUntilReadable against a scripted API, on a manual clock whose sleeps advance it.
import { describe, expect, it, onTestFinished } from 'vitest';
import { ManualClock } from '../../../lib/clock';
import type { Json } from '../../../lib/operator/api-client';
import { submitAll } from '../../../lib/operator/submit';
import { waitUntilReadable } from '../../../lib/operator/wait';
import { T0 } from '../../support/records';

/**
 * Virtual time for concurrent sleepers: a sleep waits for the clock to reach its time, and the
 * clock jumps to the earliest pending sleep only when nothing else can run.
 */
function virtualTime(clock: ManualClock) {
  const timers: { atMs: number; wake: () => void }[] = [];
  let running = true;
  const drive = async () => {
    while (running) {
      await new Promise((resolve) => setImmediate(resolve));
      if (timers.length === 0) continue;
      timers.sort((a, b) => a.atMs - b.atMs);
      const next = timers.shift()!;
      if (next.atMs > clock.nowMs()) clock.set(next.atMs);
      next.wake();
    }
  };
  void drive();
  return {
    sleep: (ms: number) => new Promise<void>((wake) => timers.push({ atMs: clock.nowMs() + ms, wake })),
    stop: () => {
      running = false;
    },
  };
}

function scripted(answer: (key: string, call: number) => Json) {
  const clock = new ManualClock(T0);
  const calls: { atMs: number; keys: string[] }[] = [];
  const seen = new Map<string, number>();
  const batch = async (body: object): Promise<Json> => {
    const keys = (body as { objects: { key: string }[] }).objects.map((x) => x.key);
    calls.push({ atMs: clock.nowMs(), keys });
    const results = keys.map((key) => {
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return { key, ...answer(key, n) };
    });
    return { results, restoreStarted: results.filter((r) => r.status === 202 && r.issued).length };
  };
  const time = virtualTime(clock);
  onTestFinished(time.stop);
  return { clock, calls, batch, sleep: time.sleep };
}

const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${String(i).padStart(4, '0')}`);

describe('submitAll', () => {
  it('sends 50 objects a call, never more objects in a second than the pace', async () => {
    const api = scripted(() => ({ status: 202, issued: true }));
    const result = await submitAll({ batch: api.batch, bucket: 'b', request: {}, keys: keys(450), pace: 90, clock: api.clock, sleep: api.sleep });
    expect(api.calls.map((c) => c.keys.length)).toEqual([50, 50, 50, 50, 50, 50, 50, 50, 50]);
    for (let i = 1; i < api.calls.length; i++) {
      const gap = api.calls[i]!.atMs - api.calls[i - 1]!.atMs;
      expect(gap).toBeGreaterThanOrEqual(Math.floor((api.calls[i - 1]!.keys.length / 90) * 1000));
    }
    expect(result).toMatchObject({ sent: 450, restoreStarted: 450, unsent: [] });
    expect(result.outcomes.restoring).toBe(450);
    expect(result.accepted).toHaveLength(450);
  });

  it('counts the restores a deployment of an earlier release reports as restoresIssued', async () => {
    const clock = new ManualClock(T0);
    const batch = async (body: object): Promise<Json> => {
      const objects = (body as { objects: { key: string }[] }).objects;
      return { results: objects.map(({ key }) => ({ key, status: 202 })), restoresIssued: objects.length };
    };
    const result = await submitAll({ batch, bucket: 'b', request: {}, keys: keys(3), pace: 100, clock, sleep: async (ms) => clock.advance(ms) });
    expect(result).toMatchObject({ sent: 3, restoreStarted: 3 });
  });

  it('sends a rate-limited object again after its Retry-After, and leaves budget deferrals to the sweeper', async () => {
    const api = scripted((key, n) => {
      if (key === 'k0000' && n === 1) return { status: 429, reason: 'rate-limit', retryAfterSeconds: 1 };
      if (key === 'k0001') return { status: 429, reason: 'daily-restore-budget', retryAfterSeconds: 3600 };
      return { status: 202, issued: true };
    });
    const result = await submitAll({ batch: api.batch, bucket: 'b', request: {}, keys: keys(3), pace: 100, clock: api.clock, sleep: api.sleep });
    expect(api.calls.map((c) => c.keys)).toEqual([['k0000', 'k0001', 'k0002'], ['k0000']]);
    expect(api.calls[1]!.atMs - api.calls[0]!.atMs).toBeGreaterThanOrEqual(1000);
    expect(result.outcomes).toMatchObject({ restoring: 2, deferred: 1 });
    expect(result.problems).toEqual([{ key: 'k0001', status: 429, code: 'Deferred', reason: 'daily-restore-budget' }]);
  });

  it('sends a 503 again a few times, then counts it failed', async () => {
    const api = scripted(() => ({ status: 503, error: { code: 'ServiceUnavailable' } }));
    const result = await submitAll({ batch: api.batch, bucket: 'b', request: {}, keys: ['x'], pace: 100, clock: api.clock, sleep: api.sleep });
    expect(api.calls).toHaveLength(5);
    expect(result.outcomes.failed).toBe(1);
  });

  it('stops sending when told, and names what it did not send', async () => {
    const stop = new AbortController();
    const api = scripted(() => ({ status: 202 }));
    const batch = async (body: object) => {
      const answer = await api.batch(body);
      if (api.calls.length === 2) stop.abort();
      return answer;
    };
    const result = await submitAll({ batch, bucket: 'b', request: {}, keys: keys(500), pace: 1000, clock: api.clock, sleep: api.sleep, signal: stop.signal });
    // The calls already under way when it stopped finish; nothing new is sent.
    expect(api.calls.length).toBeLessThanOrEqual(5);
    expect(result.accepted.length + result.unsent.length).toBe(500);
    expect(result.unsent.length).toBeGreaterThanOrEqual(250);
  });

  it('lets the call under way finish when stopped and counts its answers, and never sends a call that was waiting for its turn', async () => {
    const stop = new AbortController();
    const api = scripted(() => ({ status: 202, issued: true }));
    const batch = async (body: object) => {
      const first = api.calls.length === 0;
      const answer = await api.batch(body);
      // Ctrl-C arrives while the first call is with the deployment, the next ones waiting for their turn.
      if (first) stop.abort();
      return answer;
    };
    const result = await submitAll({ batch, bucket: 'b', request: {}, keys: keys(30), pace: 9, clock: api.clock, sleep: api.sleep, signal: stop.signal });
    expect(api.calls.map((c) => c.keys)).toEqual([keys(9)]);
    expect(result.outcomes.restoring).toBe(9);
    expect(result.accepted).toEqual(keys(9));
    expect([...result.unsent].sort()).toEqual(keys(30).slice(9));
    expect(result).toMatchObject({ notYet: [], unanswered: [] });
  });

  it('tells apart, when stopped, what was never sent, what the deployment answered "not yet", and what a failed call sent', async () => {
    const stop = new AbortController();
    const api = scripted((key) => {
      if (key === 'k0000') return { status: 429, reason: 'rate-limit', retryAfterSeconds: 1 };
      if (key === 'k0001') return { status: 503, error: { code: 'ServiceUnavailable' } };
      return { status: 202 };
    });
    let calls = 0;
    const batch = async (body: object) => {
      // The second call is cut off after it went out, and Ctrl-C comes while it fails.
      if (++calls === 2) {
        stop.abort();
        throw new Error('socket hang up');
      }
      return api.batch(body);
    };
    const result = await submitAll({ batch, bucket: 'b', request: {}, keys: keys(5), pace: 2, clock: api.clock, sleep: api.sleep, signal: stop.signal });
    expect([...result.notYet].sort()).toEqual(['k0000', 'k0001']);
    expect([...result.unanswered].sort()).toEqual(['k0002', 'k0003']);
    expect(result.unsent).toEqual(['k0004']);
    expect(result.accepted).toEqual([]);
  });

  it('gives up when a call keeps failing after its own retries', async () => {
    const api = scripted(() => ({ status: 202 }));
    const failing = async () => {
      api.calls.push({ atMs: api.clock.nowMs(), keys: [] });
      throw new Error('ECONNREFUSED');
    };
    await expect(submitAll({ batch: failing, bucket: 'b', request: {}, keys: ['a'], pace: 100, clock: api.clock, sleep: api.sleep })).rejects.toThrow(
      'ECONNREFUSED',
    );
    expect(api.calls).toHaveLength(2);
  });
});

describe('waitUntilReadable', () => {
  it('asks again after the soonest Retry-After until every object is readable', async () => {
    const api = scripted((key, n) => (n < (key === 'a' ? 2 : 3) ? { status: 202, retryAfterSeconds: 30 } : { status: 200 }));
    const progress: number[] = [];
    const result = await waitUntilReadable({
      status: api.batch,
      bucket: 'b',
      keys: ['a', 'b'],
      clock: api.clock,
      sleep: api.sleep,
      deadlineAtMs: T0 + 3_600_000,
      onProgress: (readable) => progress.push(readable),
    });
    expect(result).toEqual({ readable: 2, gaveUp: [], pending: [] });
    expect(api.calls.map((c) => [c.atMs - T0, c.keys])).toEqual([
      [0, ['a', 'b']],
      [30_000, ['a', 'b']],
      [60_000, ['b']],
    ]);
    expect(progress).toEqual([0, 1, 2]);
  });

  it('stops at the deadline with what is still restoring, and sets aside answers waiting cannot change', async () => {
    const api = scripted((key) => (key === 'gone' ? { status: 404, error: { code: 'NoSuchRestore' } } : { status: 202, retryAfterSeconds: 600 }));
    const result = await waitUntilReadable({
      status: api.batch,
      bucket: 'b',
      keys: ['slow', 'gone'],
      clock: api.clock,
      sleep: api.sleep,
      deadlineAtMs: T0 + 400_000,
    });
    expect(result).toEqual({ readable: 0, gaveUp: [{ key: 'gone', status: 404, code: 'NoSuchRestore' }], pending: ['slow'] });
    // Polled at most every five minutes, never past the deadline.
    expect(api.calls.map((c) => c.atMs - T0)).toEqual([0, 300_000]);
  });
});

describe('submitAll under a low rate limit', () => {
  it('sends no more objects in one call than the pace allows in a second', async () => {
    const api = scripted(() => ({ status: 202 }));
    await submitAll({ batch: api.batch, bucket: 'b', request: {}, keys: keys(30), pace: 9, clock: api.clock, sleep: api.sleep });
    expect(api.calls.map((c) => c.keys.length)).toEqual([9, 9, 9, 3]);
    expect(api.calls.map((c) => c.atMs - T0)).toEqual([0, 1000, 2000, 3000]);
  });
});
