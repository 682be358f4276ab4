// ThawApi and stopping: Ctrl-C while a call is with the deployment. The fetch is scripted to stage
// that race (the stop lands while the request is out), which no server on loopback can time.
import { describe, expect, it } from 'vitest';
import { ThawApi } from '../../../lib/operator/api-client';

function scriptedFetch(answers: (() => Response)[], duringCall: () => void) {
  const calls: string[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push(String(url));
    duringCall();
    // Nothing may cut the request off: an abort signal passed to fetch would end it here.
    await new Promise((resolve) => setImmediate(resolve));
    if (init?.signal?.aborted) throw init.signal.reason;
    return answers[calls.length - 1]!();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('ThawApi when stopped', () => {
  it('lets a call under way finish and returns its answer', async () => {
    const stop = new AbortController();
    const net = scriptedFetch([() => Response.json({ results: [{ status: 202 }] })], () => stop.abort());
    const api = new ThawApi({ apiUrl: 'http://127.0.0.1:1', token: 't', stop: stop.signal, fetch: net.fetch });
    await expect(api.batch('restore', { bucket: 'b', objects: [{ key: 'k' }] })).resolves.toEqual({ results: [{ status: 202 }] });
    expect(net.calls).toEqual(['http://127.0.0.1:1/v1/batch/restore']);
  });

  it('starts no new attempt once stopped, even for an answer worth retrying', async () => {
    const stop = new AbortController();
    const net = scriptedFetch([() => new Response('busy', { status: 503 }), () => Response.json({})], () => stop.abort());
    const api = new ThawApi({ apiUrl: 'http://127.0.0.1:1', token: 't', stop: stop.signal, fetch: net.fetch });
    await expect(api.batch('restore', { bucket: 'b', objects: [{ key: 'k' }] })).rejects.toThrow();
    expect(net.calls).toHaveLength(1);
  });

  it('starts nothing when already stopped', async () => {
    const stop = new AbortController();
    stop.abort();
    const net = scriptedFetch([() => Response.json({})], () => undefined);
    const api = new ThawApi({ apiUrl: 'http://127.0.0.1:1', token: 't', stop: stop.signal, fetch: net.fetch });
    await expect(api.usage()).rejects.toThrow();
    expect(net.calls).toEqual([]);
  });
});
