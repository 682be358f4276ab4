// The sweeper re-drives what no miss or event moves: restores past their ETA (did they finish?),
// FAILED and DEFERRED records past retryAt, and claims whose lease lapsed (a crashed worker).
// It reads only due records (StateStore.listDue) and feeds them back through the coordinator as
// misses, so there is one algorithm and one set of conditions for every path. A sweep is no
// evidence that anyone wants the object: it never starts a new restore cycle (see decide.ts).
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { Coordinator } from './coordinator';
import type { Miss } from './miss';
import { invalidateRecord } from './invalidate';
import type { RestorePolicy, StateStore } from './ports';
import type { BatchSummary } from './summary';

export interface SweepOptions {
  /** At most this many records per run. */
  readonly limit: number;
  /** Work stops before this (FC timeout minus a margin); what is left waits for the next run. */
  readonly deadlineAtMs?: number;
}

export interface SweepResult {
  readonly due: number;
  /** Due records outside the allow-list, taken out of the due index. */
  readonly outOfScope: number;
  readonly summary: BatchSummary;
}

export async function sweep(
  deps: { store: StateStore; coordinator: Coordinator; policy: Pick<RestorePolicy, 'inScope'>; clock: Clock; log: Logger },
  options: SweepOptions,
): Promise<SweepResult> {
  const nowMs = deps.clock.nowMs();
  const due = await deps.store.listDue(nowMs, options.limit);
  // Records the allow-list no longer covers would stay first in line forever and starve the
  // rest: take them out of the due index (invalidated, not deleted: see invalidate.ts).
  const outOfScope = due.filter((r) => !deps.policy.inScope(r));
  for (const record of outOfScope) {
    // Left for the next run once the deadline has come, like the coordinator's work.
    if (options.deadlineAtMs !== undefined && deps.clock.nowMs() >= options.deadlineAtMs) break;
    await invalidateRecord(deps.store, record.id, nowMs, { known: record });
  }
  const misses: Miss[] = due
    .filter((r) => deps.policy.inScope(r))
    // What was asked for travels with the record, so a retry restores as the caller asked.
    .map((r) => ({ bucket: r.bucket, key: r.key, versionId: r.versionId, source: 'sweeper', seenAtMs: nowMs, request: { days: r.days, tier: r.tier } }));
  const { summary } = await deps.coordinator.request(misses, { deadlineAtMs: options.deadlineAtMs, log: deps.log });
  deps.log.info('sweep done', { due: due.length, limit: options.limit, ...summary, invalidatedOutOfScope: outOfScope.length });
  return { due: due.length, outOfScope: outOfScope.length, summary };
}
