// Sends a plan's objects to the deployment (POST /v1/batch/restore), 50 a call, four calls at a
// time (the coordinator works a call's objects in chunks of 32, so smaller calls side by side finish
// sooner than one large one), at a pace below the rate limit, and follows each object's answer: restoring or
// restored is done; a rate-limit deferral is sent again when the limit allows; a budget deferral
// is reported (the sweeper does not re-drive it: running the command again after the budget resets
// restores it); a 503 is sent again, a few times. Stopping (the
// signal) lets the calls in flight finish and sends nothing new: the records are the checkpoint,
// so running the same command again carries on without restoring anything twice. What was sent is
// never reported as not sent: the deployment may have acted on it.
import type { Clock } from '../clock';
import type { ObjectResult } from '../restore/summary';
import type { Json } from './api-client';

/** Objects per call (the API takes up to 100). */
export const BATCH_OBJECTS = 50;
const CONCURRENT_CALLS = 4;
/** Sends of one object after a 503 before it counts as failed. */
const MAX_SENDS = 5;

/** What the deployment's answer for an object says happened, in the coordinator's words (its status and code, read back). */
export type SubmitOutcome = Extract<ObjectResult, 'restoring' | 'restored' | 'deferred' | 'refused' | 'notArchived' | 'notFound' | 'failed'>;

export interface SubmitCounts {
  readonly sent: number;
  readonly outcomes: Readonly<Record<SubmitOutcome, number>>;
  /** RestoreObject calls OSS accepted for us (the batch answers' restoreStarted). */
  readonly restoreStarted: number;
}

export interface SubmitResult extends SubmitCounts {
  /** Objects whose restore runs or is done: what --wait follows. */
  readonly accepted: readonly string[];
  /** Objects with their final answer when it was not a running or finished restore. */
  readonly problems: readonly { key: string; status: number; code: string; reason?: string }[];
  /** Stopped before these were sent: nothing happened to them. */
  readonly unsent: readonly string[];
  /**
   * Stopped while these waited to be sent again after a "not yet" (the rate limit, a 503): the
   * deployment holds a record of each, which its sweeper retries when it is due.
   */
  readonly notYet: readonly string[];
  /** Stopped after their call failed: sent, but whether the deployment acted on them is unknown. */
  readonly unanswered: readonly string[];
}

export interface SubmitOptions {
  readonly batch: (body: object) => Promise<Json>;
  readonly bucket: string;
  readonly request: { days?: number; tier?: string };
  readonly keys: readonly string[];
  /** Objects per second at most. */
  readonly pace: number;
  readonly clock: Clock;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (counts: SubmitCounts) => void;
}

export async function submitAll(options: SubmitOptions): Promise<SubmitResult> {
  const { clock } = options;
  // `last` is what the deployment last said of the object: nothing yet, "not yet", or no answer at all.
  const queue: { key: string; sends: number; notBeforeMs: number; last?: 'not-yet' | 'no-answer' }[] = options.keys.map((key) => ({
    key,
    sends: 0,
    notBeforeMs: 0,
  }));
  const outcomes: Record<SubmitOutcome, number> = { restoring: 0, restored: 0, deferred: 0, refused: 0, notArchived: 0, notFound: 0, failed: 0 };
  const accepted: string[] = [];
  const problems: { key: string; status: number; code: string; reason?: string }[] = [];
  let sent = 0;
  let restoreStarted = 0;
  let nextSendAtMs = clock.nowMs();
  let fatal: unknown;
  const counts = (): SubmitCounts => ({ sent, outcomes: { ...outcomes }, restoreStarted });
  const settle = (key: string, outcome: SubmitOutcome, problem?: { status: number; code: string; reason?: string }) => {
    outcomes[outcome]++;
    if (outcome === 'restoring' || outcome === 'restored') accepted.push(key);
    else if (problem) problems.push({ key, ...problem });
  };

  const worker = async () => {
    while (!options.signal?.aborted && fatal === undefined) {
      const nowMs = clock.nowMs();
      // A call never carries more objects than the pace allows in a second: they are admitted together.
      const ready = queue.filter((q) => q.notBeforeMs <= nowMs).slice(0, Math.max(1, Math.min(BATCH_OBJECTS, Math.floor(options.pace))));
      if (ready.length === 0) {
        if (queue.length === 0) return;
        // Only objects waiting for the rate limit's next second are left.
        await options.sleep(Math.max(10, Math.min(...queue.map((q) => q.notBeforeMs)) - nowMs), options.signal).catch(() => undefined);
        continue;
      }
      for (const r of ready) queue.splice(queue.indexOf(r), 1);
      // Pace: each call reserves its share of the per-second allowance before it goes out.
      const waitMs = nextSendAtMs - clock.nowMs();
      nextSendAtMs = Math.max(nextSendAtMs, clock.nowMs()) + (ready.length / options.pace) * 1000;
      if (waitMs > 0) await options.sleep(waitMs, options.signal).catch(() => undefined);
      // Stopped while this call waited for its turn: it was never sent.
      if (options.signal?.aborted) {
        queue.unshift(...ready);
        return;
      }
      let answer: Json;
      try {
        // Not cut off by the stop: a call under way finishes, and its answers are counted below.
        answer = await options.batch({ bucket: options.bucket, objects: ready.map((r) => ({ key: r.key })), ...options.request });
      } catch (err) {
        // The call failed after its own retries: the objects go back, and a second failure stops the run.
        for (const r of ready) queue.unshift({ ...r, sends: r.sends + 1, last: 'no-answer' });
        if (ready.some((r) => r.sends + 1 >= 2)) fatal = err;
        continue;
      }
      // A deployment of an earlier release called the count restoresIssued.
      restoreStarted += Number(answer.restoreStarted ?? answer.restoresIssued ?? 0);
      (answer.results as Json[]).forEach((result, i) => {
        const item = ready[i]!;
        sent += item.sends === 0 ? 1 : 0;
        const status = Number(result.status);
        const code = result.error?.code ?? '';
        if (status === 200) settle(item.key, 'restored');
        else if (status === 202) settle(item.key, 'restoring');
        else if (status === 429 && result.reason === 'rate-limit') {
          // Not now: again once the rate allows, which is what its Retry-After says.
          queue.push({
            ...item,
            sends: item.sends + 1,
            notBeforeMs: clock.nowMs() + Math.max(1, Number(result.retryAfterSeconds ?? 1)) * 1000,
            last: 'not-yet',
          });
        } else if (status === 429) settle(item.key, 'deferred', { status, code: 'Deferred', reason: result.reason });
        else if (status === 503 && item.sends + 1 < MAX_SENDS)
          queue.push({ ...item, sends: item.sends + 1, notBeforeMs: clock.nowMs() + 2000, last: 'not-yet' });
        else if (status === 503) settle(item.key, 'failed', { status, code: code || 'Failed' });
        else if (status === 409) settle(item.key, 'notArchived', { status, code });
        else if (status === 404) settle(item.key, 'notFound', { status, code });
        else settle(item.key, 'refused', { status, code, reason: result.reason ?? undefined });
      });
      options.onProgress?.(counts());
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_CALLS }, worker));
  if (fatal !== undefined && !options.signal?.aborted) throw fatal;
  const left = (last: (typeof queue)[number]['last']) => queue.filter((q) => q.last === last).map((q) => q.key);
  return { ...counts(), accepted, problems, unsent: left(undefined), notYet: left('not-yet'), unanswered: left('no-answer') };
}
