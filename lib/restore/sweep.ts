// The sweeper re-drives what no miss or event moves: restores past their ETA (did they finish?),
// FAILED and DEFERRED records past retryAt, and claims whose lease lapsed (a crashed worker).
// It reads only due records (StateStore.listDue) and feeds them back through the coordinator as
// misses, so there is one algorithm and one set of conditions for every path. A sweep is no
// evidence that anyone wants the object: it never starts a new restore cycle (see decide.ts), and
// it re-drives a deferral only on the UTC day it was made (a lapsed one leaves the due index).
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { Coordinator } from './coordinator';
import type { Miss } from './miss';
import { errorValue } from './errors';
import { invalidateRecord } from './invalidate';
import type { RestorePolicy, StateStore } from './ports';
import { isLapsedDeferral } from './record';
import { lapsedDeferral } from './transitions';
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
  /** Deferrals from an earlier UTC day, taken out of the due index without any OSS call. */
  readonly lapsed: number;
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
  // A deferral nobody read again since its day ended is not re-driven (yesterday's backlog must
  // not spend today's budget before today's readers): it leaves the index, conditionally.
  const lapsed = due.filter((r) => deps.policy.inScope(r) && isLapsedDeferral(r, nowMs));
  for (const record of lapsed) {
    if (options.deadlineAtMs !== undefined && deps.clock.nowMs() >= options.deadlineAtMs) break;
    // Conditional on the version read: a miss that claimed it meanwhile wins.
    await deps.store.update(lapsedDeferral(record, nowMs)).catch((err: unknown) => deps.log.warn('lapsed deferral not rewritten', { error: errorValue(err) }));
  }
  const misses: Miss[] = due
    .filter((r) => deps.policy.inScope(r) && !isLapsedDeferral(r, nowMs))
    // What was asked for travels with the record, so a retry restores as the caller asked.
    .map((r) => ({ bucket: r.bucket, key: r.key, versionId: r.versionId, source: 'sweeper', seenAtMs: nowMs, request: { days: r.days, tier: r.tier } }));
  const { summary } = await deps.coordinator.request(misses, { deadlineAtMs: options.deadlineAtMs, log: deps.log });
  const result = { due: due.length, outOfScope: outOfScope.length, lapsed: lapsed.length, summary };
  // The summary's own outOfScope counts misses; the due records the allow-list left are dueOutOfScope.
  deps.log.info('sweep done', { limit: options.limit, due: result.due, dueOutOfScope: result.outOfScope, lapsed: result.lapsed, ...summary });
  return result;
}
