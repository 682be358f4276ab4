// ThawClient with a scripted OSS client and fetch: how it waits, and what URL it calls.
import type OSS from 'ali-oss';
import { describe, expect, it } from 'vitest';
import { RestoreTimeoutError, ThawClient, type WaitInfo } from '../../../lib/client';

function scriptedOss(refusals: number): OSS {
  let left = refusals;
  return {
    options: { bucket: 'thaw-test' },
    get: async () => {
      if (left-- > 0) throw Object.assign(new Error('archived'), { status: 403, code: 'InvalidObjectState' });
      return { content: Buffer.from('bytes') };
    },
  } as unknown as OSS;
}

function answering(answers: { status: number; body: unknown; retryAfter?: string }[], urls: string[]): typeof fetch {
  return (async (url: URL | string) => {
    urls.push(String(url));
    const next = answers.length > 1 ? answers.shift()! : answers[0]!;
    return new Response(JSON.stringify(next.body), { status: next.status, headers: next.retryAfter ? { 'retry-after': next.retryAfter } : {} });
  }) as typeof fetch;
}

const restoring = { state: 'RESTORING', etaAt: null, expiresAt: null, retryAfterSeconds: 3, reason: null };
const restored = { state: 'RESTORED', etaAt: null, expiresAt: '2030-01-01T00:00:00.000Z', retryAfterSeconds: null, reason: null };

describe('ThawClient.getWithRestore', () => {
  it('waits as Retry-After says, then reads; keeps the API path prefix and encodes the key', async () => {
    const urls: string[] = [];
    const waits: WaitInfo[] = [];
    const slept: number[] = [];
    const client = new ThawClient({
      oss: scriptedOss(2),
      apiUrl: 'https://gateway.example/thaw/',
      token: 't',
      fetch: answering(
        [
          { status: 202, body: restoring, retryAfter: '3' },
          { status: 202, body: restoring, retryAfter: '7200' },
        ],
        urls,
      ),
      sleep: async (ms) => void slept.push(ms),
    });
    const result = await client.getWithRestore('a b/ü.csv', { onWait: (w) => waits.push(w) });
    expect(result.content.toString()).toBe('bytes');
    expect(urls).toEqual(Array(2).fill('https://gateway.example/thaw/v1/restores/thaw-test/a%20b%2F%C3%BC.csv'));
    // Exactly what Retry-After says, then capped at the 15-minute default maximum.
    expect(waits.map((w) => w.waitMs)).toEqual([3000, 900_000]);
    expect(slept).toEqual([3000, 900_000]);
  });

  it('backs off, doubling, while told RESTORED but still refused', async () => {
    const waits: number[] = [];
    const client = new ThawClient({
      oss: scriptedOss(4),
      apiUrl: 'http://api',
      minWaitMs: 1,
      maxWaitMs: 1000,
      fetch: answering([{ status: 200, body: restored }], []),
      sleep: async () => {},
    });
    await client.getWithRestore('k', { onWait: (w) => waits.push(w.waitMs) });
    expect(waits).toEqual([1, 2, 4, 8]);
  });

  it('fails at once when the wait would overrun the deadline', async () => {
    const now = Date.UTC(2026, 0, 1);
    const client = new ThawClient({
      oss: scriptedOss(1),
      apiUrl: 'http://api',
      now: () => now,
      fetch: answering([{ status: 202, body: restoring, retryAfter: '3600' }], []),
    });
    await expect(client.getWithRestore('k', { deadlineAtMs: now + 60_000 })).rejects.toBeInstanceOf(RestoreTimeoutError);
  });

  it('waits when the wait ends before the deadline, on the clock it was given', async () => {
    const now = Date.UTC(2026, 0, 1);
    const slept: number[] = [];
    const client = new ThawClient({
      oss: scriptedOss(1),
      apiUrl: 'http://api',
      now: () => now,
      sleep: async (ms) => void slept.push(ms),
      fetch: answering([{ status: 202, body: restoring, retryAfter: '3600' }], []),
    });
    // The wait is capped at 15 minutes, which ends before a deadline 20 minutes from `now`.
    const result = await client.getWithRestore('k', { deadlineAtMs: now + 20 * 60_000 });
    expect(result.content.toString()).toBe('bytes');
    expect(slept).toEqual([15 * 60_000]);
  });

  it('throws the service error for answers that cannot lead to a read', async () => {
    const client = new ThawClient({
      oss: scriptedOss(1),
      apiUrl: 'http://api',
      fetch: answering([{ status: 409, body: { error: { code: 'NotArchived', message: 'read it directly' } } }], []),
    });
    await expect(client.getWithRestore('k')).rejects.toMatchObject({ name: 'RestoreUnavailableError', status: 409, code: 'NotArchived' });
  });

  it('stops waiting when the caller aborts', async () => {
    const client = new ThawClient({
      oss: scriptedOss(5),
      apiUrl: 'http://api',
      minWaitMs: 60_000,
      fetch: answering([{ status: 202, body: restoring, retryAfter: '60' }], []),
    });
    const controller = new AbortController();
    const pending = client.getWithRestore('k', { signal: controller.signal, onWait: () => controller.abort(new Error('caller gave up')) });
    await expect(pending).rejects.toThrow('caller gave up');
  });
});
