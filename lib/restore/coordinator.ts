// The coordinator: one algorithm for every source of misses.
//
//   validate + merge duplicates → batch-read records → decide (pure) → claim (conditional write)
//   → HEAD → policy → RestoreObject → record the outcome (conditional on the claim's version)
//
// Exactly one worker wins a claim, so however many misses arrive, an object gets one
// RestoreObject per restore cycle. A crash between steps loses nothing: the lease lapses and the
// next miss or sweep reclaims the record; a repeated RestoreObject answers 409 or 200, never a
// second billed restore.
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock';
import { type Logger, silentLogger } from '../log';
import { decide, type Decision } from './decide';
import { AccessDeniedError, describeError, isRetryable, MalformedRequestError } from './errors';
import { groupMisses, type InvalidMiss, type Miss, type ObjectMisses } from './miss';
import { describeRef } from './object-ref';
import { allowAllPolicy, type ObjectHead, type ObjectStore, type RestorePolicy, type StateStore } from './ports';
import { isInvalidated, RestoreState, type RestoreRecord } from './record';
import { paramsForClass, type RestoreRequest } from './restore-request';
import { backoffMs, DEFAULT_RETRY, mapWithLimit, realSleep, retrying, type RetryContext, type RetrySettings } from './retry';
import { type ArchiveClass, isArchiveClass, type Tier, tierRank } from './storage-class';
import { DEFAULT_TIMING, nextRestoreCheckMs, restoreDurationMs, type Timing } from './timing';

export interface CoordinatorSettings {
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
  readonly defaultDays: number;
  readonly defaultTier: Tier;
  /** After a NOT_FOUND answer, a new miss re-checks after this long. */
  readonly notFoundRecheckMs: number;
  /** After a NOT_ARCHIVED answer (a lifecycle rule may archive the object later). */
  readonly notArchivedRecheckMs: number;
  /** Retries of one OSS call inside one invocation. */
  readonly ossRetry: RetrySettings;
  /** Delay before a FAILED record is tried again, growing with its attempts. */
  readonly failedRetry: Pick<RetrySettings, 'baseMs' | 'maxMs'>;
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
  ossRetry: DEFAULT_RETRY,
  failedRetry: { baseMs: 30_000, maxMs: 60 * 60_000 },
  workerId: `worker-${randomUUID().slice(0, 8)}`,
};

export interface CoordinatorDeps {
  readonly store: StateStore;
  readonly objects: ObjectStore;
  readonly policy?: RestorePolicy;
  readonly clock?: Clock;
  readonly timing?: Timing;
  readonly log?: Logger;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly settings?: Partial<CoordinatorSettings>;
}

/** What happened to one distinct object in a batch. Each object lands in exactly one. */
export type ObjectResult =
  /** We called RestoreObject and OSS answered 202. */
  | 'restore-started'
  /** A restore is already under way (our record, or OSS said so). */
  | 'restoring'
  | 'restored'
  | 'not-archived'
  | 'not-found'
  | 'deferred'
  | 'failed'
  /** Another worker holds the claim (live lease, or it won the race just now). */
  | 'in-flight'
  /** The allow-list excludes it: nothing was written. */
  | 'out-of-scope'
  /** The store could not record the outcome; nothing durable happened. */
  | 'unrecorded'
  /** Refresh mode only: no record exists, so there was nothing to refresh. */
  | 'untracked'
  /** The deadline came before this object's turn; nothing was done (a retry of the batch will). */
  | 'unstarted';

export interface ObjectOutcome {
  readonly id: string;
  readonly ref: ObjectMisses['ref'];
  readonly misses: number;
  readonly result: ObjectResult;
  /** The record after this batch, when known. */
  readonly record?: RestoreRecord;
  /** Whether this batch sent anything to OSS for the object. */
  readonly calledOss: boolean;
  readonly error?: string;
}

export interface BatchSummary {
  readonly seen: number;
  readonly invalid: number;
  readonly distinct: number;
  readonly restoresIssued: number;
  /** Valid misses that caused no OSS call: duplicates, live records, lost races. */
  readonly deduplicated: number;
  readonly alreadyRestoring: number;
  readonly alreadyRestored: number;
  readonly notArchived: number;
  readonly notFound: number;
  readonly deferred: number;
  readonly failed: number;
  readonly inFlight: number;
  readonly outOfScope: number;
  readonly unrecorded: number;
  readonly unstarted: number;
  readonly durationMs: number;
}

export interface BatchResult {
  readonly summary: BatchSummary;
  readonly outcomes: readonly ObjectOutcome[];
  readonly invalid: readonly InvalidMiss[];
}

export interface BatchOptions {
  /** Epoch ms by which the batch must be done (the platform's timeout minus a margin). */
  readonly deadlineAtMs?: number;
  /**
   * 'restore' (default) starts restores. 'refresh' only looks: it records what HEAD says and
   * never calls RestoreObject (status reads must not spend money).
   */
  readonly mode?: 'restore' | 'refresh';
  /**
   * Refresh mode: HEAD a RESTORING record now rather than at its next scheduled check, because an
   * event (FinishRestore) says the object changed.
   */
  readonly checkNow?: boolean;
  /** Logger for this batch (e.g. carrying the invocation's request id); default the coordinator's. */
  readonly log?: Logger;
}

export class Coordinator {
  private readonly store: StateStore;
  private readonly objects: ObjectStore;
  private readonly policy: RestorePolicy;
  private readonly clock: Clock;
  private readonly timing: Timing;
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  readonly settings: CoordinatorSettings;

  constructor(deps: CoordinatorDeps) {
    this.store = deps.store;
    this.objects = deps.objects;
    this.policy = deps.policy ?? allowAllPolicy;
    this.clock = deps.clock ?? systemClock;
    this.timing = deps.timing ?? DEFAULT_TIMING;
    this.log = deps.log ?? silentLogger;
    this.random = deps.random ?? Math.random;
    this.sleep = deps.sleep ?? realSleep;
    const settings = { ...DEFAULT_SETTINGS, ...deps.settings };
    this.settings = { ...settings, claimChunkSize: deps.settings?.claimChunkSize ?? settings.concurrency };
    if (this.settings.leaseMs < 2 * this.settings.ossCallTimeoutMs + this.settings.leaseMarginMs) {
      throw new RangeError(
        `a lease of ${this.settings.leaseMs} ms cannot cover a HEAD and a RestoreObject of up to ${this.settings.ossCallTimeoutMs} ms each; lengthen the lease or shorten the OSS timeout`,
      );
    }
  }

  async handle(misses: readonly Miss[], options: BatchOptions = {}): Promise<BatchResult> {
    const startedAtMs = this.clock.nowMs();
    const grouped = groupMisses(misses);
    const invalid = grouped.invalid;
    const objects = grouped.objects.map((o) => ({ ...o, request: this.policy.clampRequest(o.request) }));
    const log = options.log ?? this.log;
    for (const bad of invalid) log.warn('invalid miss', { index: bad.index, field: bad.field, reason: bad.reason });

    const inScope = objects.filter((o) => this.policy.inScope(o.ref));
    const outOfScope = objects.filter((o) => !this.policy.inScope(o.ref));
    const records = await this.readRecords(inScope.map((o) => o.id));

    const outcomes: ObjectOutcome[] = outOfScope.map((o) => ({
      id: o.id,
      ref: o.ref,
      misses: o.count,
      result: 'out-of-scope',
      calledOss: false,
    }));
    // In chunks: claim every object of a chunk at once (a store can batch those writes), then do
    // the OSS work for the claims won, a few at a time. Chunks keep each lease short of lapsing.
    for (let i = 0; i < inScope.length; i += this.settings.claimChunkSize) {
      const chunk = inScope.slice(i, i + this.settings.claimChunkSize);
      const steps = await Promise.all(chunk.map((o) => this.claimStep(o, records.get(o.id), options)));
      const worked = await mapWithLimit(
        steps,
        this.settings.concurrency,
        async (step): Promise<ObjectOutcome> => ('outcome' in step ? step.outcome : this.workStep(step, options)),
      );
      outcomes.push(...worked);
    }

    const summary = summarise(misses.length, invalid.length, objects, outcomes, this.clock.nowMs() - startedAtMs);
    log.info('batch done', { ...summary });
    return { summary, outcomes, invalid };
  }

  private async readRecords(ids: string[]): Promise<Map<string, RestoreRecord>> {
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += this.settings.readBatchSize) chunks.push(ids.slice(i, i + this.settings.readBatchSize));
    const maps = await mapWithLimit(chunks, 4, (chunk) => this.store.getMany(chunk));
    return new Map(maps.flatMap((m) => [...m]));
  }

  /** Decide and, if something is to be done, claim. Either a final outcome or a claim to work on. */
  private async claimStep(o: ObjectMisses, existing: RestoreRecord | undefined, options: BatchOptions): Promise<{ outcome: ObjectOutcome } | ClaimedObject> {
    const base = { id: o.id, ref: o.ref, misses: o.count };
    const log = (options.log ?? this.log).child({ object: describeRef(o.ref), recordId: o.id });
    const nowMs = this.clock.nowMs();
    // Not even one OSS call would fit before the invocation ends: leave the object to a retry.
    if (options.deadlineAtMs !== undefined && nowMs + this.settings.ossCallTimeoutMs >= options.deadlineAtMs - this.settings.leaseMarginMs) {
      return { outcome: { ...base, result: 'unstarted', record: existing, calledOss: false } };
    }
    if (existing && isInvalidated(existing) && options.mode === 'refresh') {
      return { outcome: { ...base, result: 'untracked', calledOss: false } };
    }
    let decision = decide(existing, nowMs, o.request, Math.min(o.lastSeenAtMs, nowMs));
    if (options.mode === 'refresh') {
      // Refresh only ever checks whether a running restore has finished: at its scheduled check,
      // or at once when an event says so.
      const due = decision.action === 'reclaim' && decision.reason === 'restore-check-due';
      const forced = options.checkNow === true && existing?.state === RestoreState.RESTORING;
      if (!due && !forced) return { outcome: { ...base, result: existing ? heldResult(existing) : 'untracked', record: existing, calledOss: false } };
      decision = { action: 'reclaim', reason: 'restore-check-due' };
    }
    if (decision.action === 'none') {
      return { outcome: { ...base, result: heldResult(existing!), record: existing, calledOss: false } };
    }
    try {
      const claimed = await this.claim(o, existing, decision);
      if (!claimed) {
        log.debug('claim lost', { decision: decision.action });
        return { outcome: { ...base, result: 'in-flight', calledOss: false } };
      }
      log.debug('claimed', { from: existing?.state ?? null, reason: decision.action === 'reclaim' ? decision.reason : 'new' });
      return { o, existing, claimed, log };
    } catch (err) {
      log.error('claim failed: store unavailable', { error: describeError(err) });
      return { outcome: { ...base, result: 'unrecorded', record: existing, calledOss: false, error: describeError(err) } };
    }
  }

  /** HEAD, policy, RestoreObject, and the outcome written conditionally on the claim. */
  private async workStep({ o, existing, claimed, log }: ClaimedObject, options: BatchOptions): Promise<ObjectOutcome> {
    const base = { id: o.id, ref: o.ref, misses: o.count };
    const startedAtMs = this.clock.nowMs();
    const { changes, result, calledOss } = await this.work(o, claimed, existing, options, log);
    const finished: RestoreRecord = {
      ...claimed,
      leaseUntilMs: undefined,
      leaseOwner: undefined,
      ...changes,
      version: claimed.version + 1,
      updatedAtMs: this.clock.nowMs(),
    };
    try {
      // Conditional on the claim's version: if our lease lapsed and someone else took over,
      // their state wins and ours is dropped (they will redo what is needed; OSS dedups restores).
      const written = await this.store.update(finished);
      if (!written.ok) {
        log.warn('lease lost before the outcome was written', { outcome: finished.state });
        return { ...base, result: 'in-flight', calledOss };
      }
    } catch (err) {
      log.error('outcome not recorded: store unavailable', { outcome: finished.state, error: describeError(err) });
      return { ...base, result: 'unrecorded', record: claimed, calledOss, error: describeError(err) };
    }
    log.info('state', { from: existing?.state ?? null, to: finished.state, source: o.source, misses: o.count, durationMs: this.clock.nowMs() - startedAtMs });
    return { ...base, result, record: finished, calledOss };
  }

  /** One conditional write; returns the claimed record, or undefined when another worker won. */
  private async claim(o: ObjectMisses, existing: RestoreRecord | undefined, decision: Decision): Promise<RestoreRecord | undefined> {
    const nowMs = this.clock.nowMs();
    // The owner is unique per claim, so a store can tell its own write from a rival's.
    const lease = { leaseUntilMs: nowMs + this.settings.leaseMs, leaseOwner: `${this.settings.workerId}/${randomUUID().slice(0, 8)}` };
    // What the caller asked for, kept until a restore is sent: retries (sweeper) ask the same.
    const asked = { ...(o.request.days ? { days: o.request.days } : {}), ...(o.request.tier ? { tier: o.request.tier } : {}) };
    if (decision.action === 'claim-new' || !existing) {
      const record: RestoreRecord = {
        id: o.id,
        ...o.ref,
        state: RestoreState.CLAIMED,
        version: 1,
        attempts: 0,
        firstSeenAtMs: Math.min(o.firstSeenAtMs, nowMs),
        updatedAtMs: nowMs,
        lastSource: o.source,
        ...asked,
        ...lease,
      };
      // Create-if-absent: of all workers that saw no record, exactly one creates it.
      const result = await this.store.create(record);
      return result.ok ? result.record : undefined;
    }
    const record: RestoreRecord = {
      ...existing,
      ...(existing.invalidatedAtMs === undefined ? {} : FORGOTTEN),
      state: RestoreState.CLAIMED,
      version: existing.version + 1,
      updatedAtMs: nowMs,
      lastSource: o.source,
      ...asked,
      ...lease,
    };
    // Update-if-version: of all workers that read this version, exactly one moves it on.
    const result = await this.store.update(record);
    return result.ok ? result.record : undefined;
  }

  /** HEAD, policy, RestoreObject. Never throws: every failure becomes the FAILED state. */
  private async work(
    o: ObjectMisses,
    claimed: RestoreRecord,
    previous: RestoreRecord | undefined,
    options: BatchOptions,
    log: Logger,
  ): Promise<{ changes: Partial<RestoreRecord>; result: ObjectResult; calledOss: boolean }> {
    const deadlineAtMs = Math.min(
      (options.deadlineAtMs ?? Number.POSITIVE_INFINITY) - this.settings.leaseMarginMs,
      claimed.leaseUntilMs! - this.settings.leaseMarginMs,
    );
    // Every attempt must be able to finish (one OSS timeout) inside the lease and the invocation:
    // past that, another worker may already hold the object, and a second restore call would be
    // ours to blame.
    const ctx: RetryContext = { clock: this.clock, deadlineAtMs, attemptMs: this.settings.ossCallTimeoutMs, random: this.random, sleep: this.sleep };
    const call = <T>(fn: () => Promise<T>) => retrying(fn, this.settings.ossRetry, ctx);
    try {
      const head = await call(() => this.objects.head(o.ref));
      const known = this.fromHead(head, previous, o.request);
      if (known) return { ...known, calledOss: true };
      if (!head.found || !isArchiveClass(head.storageClass)) throw new Error('unreachable: fromHead handles these');
      const storageClass = head.storageClass;

      if (options.mode === 'refresh') {
        // Frozen again (restore expired or lost) and we may not spend money: say so and stop.
        return { changes: { ...this.frozenChanges(storageClass, head.sizeBytes) }, result: 'deferred', calledOss: true };
      }

      const wanted = paramsForClass(storageClass, o.request, { days: this.settings.defaultDays, tier: this.settings.defaultTier });
      const admission = await this.policy.admit(o.ref, { storageClass, sizeBytes: head.sizeBytes }, wanted, this.clock.nowMs());
      if (!admission.admitted) {
        log.info('deferred by policy', { reason: admission.reason });
        return {
          // Keep what was asked for, so the sweeper's retry restores with the same Days and tier.
          changes: {
            state: RestoreState.DEFERRED,
            reason: admission.reason,
            retryAtMs: admission.retryAtMs,
            storageClass,
            sizeBytes: head.sizeBytes,
            days: wanted.days,
            tier: wanted.tier,
          },
          result: 'deferred',
          calledOss: true,
        };
      }
      const params = admission.params;
      const answer = await call(() => this.objects.restore(o.ref, storageClass, params));
      const nowMs = this.clock.nowMs();
      // Only a restore OSS says is running (a tier raise) keeps its start and ETA; after a frozen
      // HEAD this is a new restore, whatever the record said before.
      const running = head.restore.kind === 'restoring' && previous?.state === RestoreState.RESTORING ? previous : undefined;
      const restoring = (requestedAtMs: number, tier: Tier | undefined): Partial<RestoreRecord> => {
        // A raised tier can only bring the ETA forward.
        const etaAtMs = Math.min(requestedAtMs + restoreDurationMs(this.timing, storageClass, tier), running?.etaAtMs ?? Number.POSITIVE_INFINITY);
        return {
          state: RestoreState.RESTORING,
          storageClass,
          sizeBytes: head.sizeBytes,
          tier,
          days: params.days,
          requestedAtMs,
          etaAtMs,
          retryAtMs: nextRestoreCheckMs(this.timing, { etaAtMs, storageClass, tier }, nowMs),
          ...SUCCESS,
        };
      };
      switch (answer) {
        case 'started':
          return { changes: restoring(nowMs, params.tier), result: 'restore-started', calledOss: true };
        case 'in-progress':
          // Someone (another tool, or us before a crash) started it: keep the earlier start if we know it.
          return {
            changes: restoring(running?.requestedAtMs ?? nowMs, running?.tier ?? params.tier),
            result: 'restoring',
            calledOss: true,
          };
        case 'already-restored': {
          // 200: restored, and the period was just extended. HEAD again for the real expiry.
          const after = await call(() => this.objects.head(o.ref)).catch(() => undefined);
          const expiresAtMs = after?.found && after.restore.kind === 'restored' ? after.restore.expiresAtMs : nowMs + params.days * 86_400_000;
          return { changes: this.restoredChanges(storageClass, head.sizeBytes, expiresAtMs), result: 'restored', calledOss: true };
        }
        case 'not-found':
          return { changes: this.notFoundChanges(), result: 'not-found', calledOss: true };
        case 'not-archived':
          return { changes: this.notArchivedChanges(storageClass, head.sizeBytes), result: 'not-archived', calledOss: true };
      }
    } catch (err) {
      return { changes: this.failedChanges(claimed, err, log), result: 'failed', calledOss: true };
    }
  }

  /** The outcomes a HEAD alone settles, or undefined when a restore decision is needed. */
  private fromHead(
    head: ObjectHead,
    previous: RestoreRecord | undefined,
    request: RestoreRequest,
  ): { changes: Partial<RestoreRecord>; result: ObjectResult } | undefined {
    if (!head.found) return { changes: this.notFoundChanges(), result: 'not-found' };
    const { storageClass, sizeBytes } = head;
    if (!isArchiveClass(storageClass)) {
      return { changes: this.notArchivedChanges(storageClass, sizeBytes), result: 'not-archived' };
    }
    const nowMs = this.clock.nowMs();
    if (head.restore.kind === 'restored') {
      return { changes: this.restoredChanges(storageClass, sizeBytes, head.restore.expiresAtMs), result: 'restored' };
    }
    if (head.restore.kind === 'restoring') {
      const running = previous?.state === RestoreState.RESTORING ? previous : undefined;
      const raising = request.tier && running?.tier && tierRank(request.tier) < tierRank(running.tier);
      if (raising) return undefined;
      // Restoring already (our earlier request, or someone else's): no call, just keep watching.
      // Without our own start time, assume it started now: the ETA errs late, never early.
      const requestedAtMs = running?.requestedAtMs ?? nowMs;
      const tier = running?.tier;
      const etaAtMs = running?.etaAtMs ?? requestedAtMs + restoreDurationMs(this.timing, storageClass, tier ?? this.settings.defaultTier);
      return {
        changes: {
          state: RestoreState.RESTORING,
          storageClass,
          sizeBytes,
          requestedAtMs,
          etaAtMs,
          retryAtMs: nextRestoreCheckMs(this.timing, { etaAtMs, storageClass, tier }, nowMs),
          ...SUCCESS,
        },
        result: 'restoring',
      };
    }
    return undefined;
  }

  private restoredChanges(storageClass: ArchiveClass, sizeBytes: number, expiresAtMs: number): Partial<RestoreRecord> {
    return { state: RestoreState.RESTORED, storageClass, sizeBytes, expiresAtMs, retryAtMs: undefined, ...SUCCESS };
  }

  private notFoundChanges(): Partial<RestoreRecord> {
    return { state: RestoreState.NOT_FOUND, retryAtMs: this.clock.nowMs() + this.settings.notFoundRecheckMs, ...SUCCESS };
  }

  private notArchivedChanges(storageClass: RestoreRecord['storageClass'], sizeBytes: number): Partial<RestoreRecord> {
    return {
      state: RestoreState.NOT_ARCHIVED,
      storageClass,
      sizeBytes,
      retryAtMs: this.clock.nowMs() + this.settings.notArchivedRecheckMs,
      ...SUCCESS,
    };
  }

  /**
   * Refresh found the object frozen again (its restored copy expired before anyone looked). Not
   * due for the sweeper: nobody asked again yet, and a restore costs money. The next miss decides.
   */
  private frozenChanges(storageClass: ArchiveClass, sizeBytes: number): Partial<RestoreRecord> {
    return { state: RestoreState.DEFERRED, storageClass, sizeBytes, reason: FROZEN_AGAIN, retryAtMs: undefined, expiresAtMs: undefined };
  }

  private failedChanges(claimed: RestoreRecord, err: unknown, log: Logger): Partial<RestoreRecord> {
    const attempts = claimed.attempts + 1;
    const loud = err instanceof AccessDeniedError || err instanceof MalformedRequestError || !isRetryable(err);
    // Configuration errors and our own bugs will not fix themselves soon: retry at the slowest pace.
    const delay = loud ? this.settings.failedRetry.maxMs : backoffMs(this.settings.failedRetry, attempts, this.random);
    const fields = { attempts, error: describeError(err) };
    if (loud) log.error('restore failed: needs a human', fields);
    else log.warn('restore failed: will retry', fields);
    return {
      state: RestoreState.FAILED,
      attempts,
      lastError: describeError(err).slice(0, 1000),
      retryAtMs: this.clock.nowMs() + delay,
    };
  }
}

interface ClaimedObject {
  readonly o: ObjectMisses;
  readonly existing: RestoreRecord | undefined;
  readonly claimed: RestoreRecord;
  readonly log: Logger;
}

/** DEFERRED reason when a status read finds a restore's copy already expired. */
export const FROZEN_AGAIN = 'frozen-again';

/** What an invalidated record's claim drops: it describes an older object. */
const FORGOTTEN = {
  invalidatedAtMs: undefined,
  storageClass: undefined,
  sizeBytes: undefined,
  tier: undefined,
  days: undefined,
  requestedAtMs: undefined,
  etaAtMs: undefined,
  expiresAtMs: undefined,
  retryAtMs: undefined,
  attempts: 0,
  lastError: undefined,
  reason: undefined,
} as const;

/** Fields a successful step clears. */
const SUCCESS = { attempts: 0, lastError: undefined, reason: undefined } as const;

function heldResult(record: RestoreRecord): ObjectResult {
  switch (record.state) {
    case RestoreState.CLAIMED:
      return 'in-flight';
    case RestoreState.RESTORING:
      return 'restoring';
    case RestoreState.RESTORED:
      return 'restored';
    case RestoreState.NOT_ARCHIVED:
      return 'not-archived';
    case RestoreState.NOT_FOUND:
      return 'not-found';
    case RestoreState.DEFERRED:
      return 'deferred';
    case RestoreState.FAILED:
      return 'failed';
  }
}

function summarise(seen: number, invalid: number, objects: readonly ObjectMisses[], outcomes: readonly ObjectOutcome[], durationMs: number): BatchSummary {
  const count = (result: ObjectResult) => outcomes.filter((o) => o.result === result).length;
  const validMisses = objects.reduce((n, o) => n + o.count, 0);
  const outOfScopeMisses = outcomes.filter((o) => o.result === 'out-of-scope').reduce((n, o) => n + o.misses, 0);
  return {
    seen,
    invalid,
    distinct: objects.length,
    restoresIssued: count('restore-started'),
    deduplicated: validMisses - outOfScopeMisses - outcomes.filter((o) => o.calledOss).length,
    alreadyRestoring: count('restoring'),
    alreadyRestored: count('restored'),
    notArchived: count('not-archived'),
    notFound: count('not-found'),
    deferred: count('deferred'),
    failed: count('failed'),
    inFlight: count('in-flight'),
    outOfScope: count('out-of-scope'),
    unrecorded: count('unrecorded'),
    unstarted: count('unstarted'),
    durationMs,
  };
}
