// The coordinator's settings and their defaults (wiring.ts fills some from configuration).
import { randomUUID } from 'node:crypto';
import type { RetryPolicy } from '../retry';
import type { TransitionSettings } from './transitions';

export interface CoordinatorSettings extends Omit<TransitionSettings, 'timing'> {
  /** How long a claim holds an object. Work stops retrying before the lease ends. */
  readonly leaseMs: number;
  /** Time kept back from the lease (and from the caller's deadline) for the final write. */
  readonly leaseMarginMs: number;
  /** Distinct objects worked on at once. */
  readonly concurrency: number;
  /** Ids per StateStore.getMany call (Tablestore BatchGetRow takes at most 100). */
  readonly readBatchSize: number;
  /**
   * Objects claimed together before their OSS work starts (a store can batch the writes). As many
   * as are worked on at once, so no claim waits on others' OSS calls while its lease runs.
   */
  readonly claimChunkSize: number;
  /** The longest one OSS call can take (the client's timeout): no call starts later than this before the lease ends. */
  readonly ossCallTimeoutMs: number;
  /** Retries of one OSS call inside one invocation. */
  readonly ossRetry: RetryPolicy;
  /** Prefix of every lease owner this worker writes (for debugging; the version is the fence). */
  readonly workerId: string;
}

export const DEFAULT_SETTINGS: CoordinatorSettings = {
  leaseMs: 60_000,
  leaseMarginMs: 2_000,
  concurrency: 32,
  readBatchSize: 100,
  claimChunkSize: 32,
  ossCallTimeoutMs: 10_000,
  defaultDays: 1,
  defaultTier: 'Standard',
  notFoundRecheckMs: 60_000,
  notArchivedRecheckMs: 10 * 60_000,
  refusedRecheckMs: 60 * 60_000,
  currentVersionRecheckMs: 10 * 60_000,
  ossRetry: { baseMs: 100, maxMs: 3_000, maxAttempts: 4 },
  failedRetry: { baseMs: 30_000, maxMs: 60 * 60_000 },
  workerId: `worker-${randomUUID().slice(0, 8)}`,
};
