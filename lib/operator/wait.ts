// --wait: follows the accepted objects (POST /v1/batch/status: a HEAD past an ETA, never a
// restore) until each is readable, or has an answer that no waiting will change, or the deadline
// comes. It asks again after the soonest Retry-After among the objects still restoring, within
// [MIN_POLL_MS, MAX_POLL_MS], so a five-hour restore is not polled every second.
import type { Clock } from '../clock';
import { mapWithLimit } from '../retry';
import type { Json } from './api-client';

/** Objects per status call (the API takes up to 100). */
const BATCH_OBJECTS = 100;

const MIN_POLL_MS = 2_000;
const MAX_POLL_MS = 5 * 60_000;

export interface WaitResult {
  readonly readable: number;
  /** Objects whose answer waiting will not change (expired before it was read, no record). */
  readonly gaveUp: readonly { key: string; status: number; code: string }[];
  /** Still restoring when the wait ended (deadline or stop). */
  readonly pending: readonly string[];
}

export async function waitUntilReadable(options: {
  readonly status: (body: object) => Promise<Json>;
  readonly bucket: string;
  readonly keys: readonly string[];
  readonly clock: Clock;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly deadlineAtMs: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (readable: number, total: number) => void;
}): Promise<WaitResult> {
  let pending = [...options.keys];
  let readable = 0;
  const gaveUp: { key: string; status: number; code: string }[] = [];
  while (pending.length > 0 && !options.signal?.aborted && options.clock.nowMs() < options.deadlineAtMs) {
    const chunks: string[][] = [];
    for (let i = 0; i < pending.length; i += BATCH_OBJECTS) chunks.push(pending.slice(i, i + BATCH_OBJECTS));
    const answers = await mapWithLimit(chunks, 2, (chunk) => options.status({ bucket: options.bucket, objects: chunk.map((key) => ({ key })) }));
    const still: string[] = [];
    let soonestMs = MAX_POLL_MS;
    answers.forEach((answer, c) => {
      (answer.results as Json[]).forEach((result, i) => {
        const key = chunks[c]![i]!;
        const status = Number(result.status);
        if (status === 200) readable++;
        else if (status === 202 || status === 429 || status === 503) {
          still.push(key);
          if (result.retryAfterSeconds) soonestMs = Math.min(soonestMs, Number(result.retryAfterSeconds) * 1000);
        } else gaveUp.push({ key, status, code: result.error?.code ?? String(status) });
      });
    });
    pending = still;
    options.onProgress?.(readable, options.keys.length);
    if (pending.length === 0) break;
    const waitMs = Math.min(Math.max(MIN_POLL_MS, soonestMs), MAX_POLL_MS, Math.max(0, options.deadlineAtMs - options.clock.nowMs()));
    await options.sleep(waitMs, options.signal).catch(() => undefined);
  }
  return { readable, gaveUp, pending };
}
