// ETAs, polling and Retry-After. Nominal durations come from storage-class.ts; the optional
// timeScale exists only so the local stack, whose emulated restores run `timeScale` times faster,
// tells callers the truth about them too.
import { RestoreState, type RestoreRecord } from './record';
import { type ArchiveClass, nominalRestoreMs, type Tier } from './storage-class';

const SECOND_MS = 1000;

export interface Timing {
  /** Divides every nominal restore duration (1 in production). */
  readonly timeScale: number;
  /** Bounds of the polling interval once an ETA has passed, in unscaled milliseconds. */
  readonly minPollMs: number;
  readonly maxPollMs: number;
  /** What a caller is told while another worker holds the claim. */
  readonly claimedRetryAfterSeconds: number;
}

export const DEFAULT_TIMING: Timing = {
  timeScale: 1,
  minPollMs: 5 * SECOND_MS,
  maxPollMs: 30 * 60 * SECOND_MS,
  claimedRetryAfterSeconds: 2,
};

export function restoreDurationMs(timing: Timing, storageClass: ArchiveClass, tier: Tier | undefined): number {
  // Whole milliseconds: times are stored as integers.
  return Math.round(nominalRestoreMs(storageClass, tier) / timing.timeScale);
}

/**
 * How often to look again once a restore is past its ETA: a tenth of its nominal duration,
 * within [minPollMs, maxPollMs] (Archive ≈ 6 s, ColdArchive Standard 30 min).
 */
export function pollIntervalMs(timing: Timing, storageClass: ArchiveClass | undefined, tier: Tier | undefined): number {
  const nominal = storageClass ? nominalRestoreMs(storageClass, tier) : timing.maxPollMs;
  const poll = Math.min(timing.maxPollMs, Math.max(timing.minPollMs, nominal / 10));
  return Math.max(1, Math.round(poll / timing.timeScale));
}

/** Next time to HEAD a RESTORING object: its ETA, or one poll interval from now once past it. */
export function nextRestoreCheckMs(timing: Timing, record: Pick<RestoreRecord, 'etaAtMs' | 'storageClass' | 'tier'>, nowMs: number): number {
  if (record.etaAtMs !== undefined && record.etaAtMs > nowMs) return record.etaAtMs;
  const storageClass = record.storageClass as ArchiveClass | undefined;
  return nowMs + pollIntervalMs(timing, storageClass, record.tier);
}

/**
 * Seconds a caller should wait before asking again, or undefined when there is nothing to wait
 * for (restored, not archived, not found). Never less than 1.
 */
export function retryAfterSeconds(timing: Timing, record: RestoreRecord, nowMs: number): number | undefined {
  const until = (atMs: number | undefined) => (atMs === undefined ? undefined : Math.max(1, Math.ceil((atMs - nowMs) / SECOND_MS)));
  switch (record.state) {
    case RestoreState.CLAIMED:
      return timing.claimedRetryAfterSeconds;
    case RestoreState.RESTORING: {
      if (record.etaAtMs !== undefined && record.etaAtMs > nowMs) return until(record.etaAtMs);
      const storageClass = record.storageClass as ArchiveClass | undefined;
      return until(nowMs + pollIntervalMs(timing, storageClass, record.tier));
    }
    case RestoreState.DEFERRED:
    case RestoreState.FAILED:
      return until(record.retryAtMs ?? nowMs);
    default:
      return undefined;
  }
}
