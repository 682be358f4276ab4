// The coordinator: one pipeline for every source of misses and every status read.
//
//   validate + merge duplicates → batch-read records → follow CURRENT_VERSION records → decide
//   (pure) → claim (conditional write) → HEAD → policy → RestoreObject → record the outcome
//   (conditional on the claim's version), each outcome from transitions.ts (pure)
//
// request() starts restores; refresh() only looks (HEAD) whether a running restore finished.
// Exactly one worker wins a claim, so however many misses arrive, an object gets one
// RestoreObject per restore cycle. A crash between steps loses nothing: the lease lapses and the
// next miss or sweep reclaims the record; a repeated RestoreObject answers 409 or 200, never a
// second billed restore.
import { randomUUID } from 'node:crypto';
import { type Clock, sleep as realSleep, systemClock } from '../clock';
import { type Logger, silentLogger } from '../log';
import { mapWithLimit, retry } from '../retry';
import { decide, type Intent } from './decide';
import { DeadlineReachedError, type ErrorValue, errorValue, isRetryable } from './errors';
import { groupMisses, type InvalidMiss, type Miss, mergeObjectMisses, type ObjectMisses, retarget } from './miss';
import { batchSource, objectFields, refusalFields, stateFields } from './object-log';
import { claimAhead } from './pipeline';
import { newRecordRefusal } from './new-record';
import { allowAllPolicy, type ObjectHead, type ObjectStore, type PolicyRefusal, type RestorePolicy, type StateStore } from './ports';
import { effectiveState, type MissSource, type RestoreRecord } from './record';
import { type CoordinatorSettings, DEFAULT_SETTINGS } from './settings';
import { type BatchSummary, heldResult, type ObjectResult, summarise } from './summary';
import {
  afterAdmission,
  afterFailure,
  afterHead,
  afterRestore,
  claimRecord,
  currentVersion,
  type Cycle,
  type CycleStep,
  type TransitionSettings,
  unaddressable,
} from './transitions';
import { DEFAULT_TIMING, type Timing } from './timing';

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

export interface ObjectOutcome {
  readonly id: string;
  readonly ref: ObjectMisses['ref'];
  readonly misses: number;
  readonly result: ObjectResult;
  /** The record after this batch, when known. */
  readonly record?: RestoreRecord;
  /** Whether this batch sent anything to OSS for the object. */
  readonly calledOss: boolean;
  readonly error?: ErrorValue; // unrecorded: why the store (or the budget counters) could not take it
  /** A faster tier was asked for and the policy said no; the running restore carries on as it was. */
  readonly raiseRefused?: PolicyRefusal;
  /** dailyRecordBudget: when a new record may be written again (the next UTC day). */
  readonly retryAtMs?: number;
}

export interface BatchResult {
  readonly summary: BatchSummary;
  readonly outcomes: readonly ObjectOutcome[];
  readonly invalid: readonly InvalidMiss[];
}

export interface BatchOptions {
  /** Epoch ms by which the batch must be done (the platform's timeout minus a margin). */
  readonly deadlineAtMs?: number;
  /** Logger for this batch (e.g. carrying the invocation's request id); default the coordinator's. */
  readonly log?: Logger;
}

export interface RefreshOptions extends BatchOptions {
  /** HEAD a RESTORING record now rather than at its next check: an event (FinishRestore) says it changed. */
  readonly checkNow?: boolean;
  readonly source?: MissSource;
}

type Mode = { readonly kind: 'request' } | { readonly kind: 'refresh'; readonly checkNow?: boolean };

interface Claimed {
  readonly o: ObjectMisses;
  readonly existing: RestoreRecord | undefined;
  readonly claimed: RestoreRecord;
  readonly mode: Mode;
  readonly log: Logger;
}

export type { CoordinatorSettings } from './settings';

export class Coordinator {
  private readonly store: StateStore;
  private readonly objects: ObjectStore;
  private readonly policy: RestorePolicy;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly rules: TransitionSettings;
  readonly settings: CoordinatorSettings;

  constructor(deps: CoordinatorDeps) {
    this.store = deps.store;
    this.objects = deps.objects;
    this.policy = deps.policy ?? allowAllPolicy;
    this.clock = deps.clock ?? systemClock;
    this.log = deps.log ?? silentLogger;
    this.random = deps.random ?? Math.random;
    this.sleep = deps.sleep ?? realSleep;
    const settings = { ...DEFAULT_SETTINGS, ...deps.settings };
    this.settings = { ...settings, claimChunkSize: deps.settings?.claimChunkSize ?? settings.concurrency };
    this.rules = { ...this.settings, timing: deps.timing ?? DEFAULT_TIMING };
    if (this.settings.leaseMs < 2 * this.settings.ossCallTimeoutMs + this.settings.leaseMarginMs) {
      throw new RangeError(
        `a lease of ${this.settings.leaseMs} ms cannot cover a HEAD and a RestoreObject of up to ${this.settings.ossCallTimeoutMs} ms each; lengthen the lease or shorten the OSS timeout`,
      );
    }
  }

  /** Misses and explicit requests: restore what needs it, once per object. */
  request(misses: readonly Miss[], options: BatchOptions = {}): Promise<BatchResult> {
    return this.run(misses, { kind: 'request' }, options);
  }

  /** Status reads and FinishRestore events: HEAD a running restore when due (or now); never restore. */
  refresh(refs: readonly { bucket: string; key: string; versionId?: string }[], options: RefreshOptions = {}): Promise<BatchResult> {
    const seenAtMs = this.clock.nowMs();
    const misses = refs.map((ref) => ({ ...ref, source: options.source ?? ('http' as const), seenAtMs }));
    return this.run(misses, { kind: 'refresh', checkNow: options.checkNow }, options);
  }

  private async run(misses: readonly Miss[], mode: Mode, options: BatchOptions): Promise<BatchResult> {
    const startedAtMs = this.clock.nowMs();
    const log = options.log ?? this.log;
    const grouped = groupMisses(misses);
    for (const bad of grouped.invalid) log.warn('invalid miss', { index: bad.index, field: bad.field, reason: bad.reason });
    const objects = grouped.objects.map((o) => ({ ...o, request: this.policy.clampRequest(o.request) }));
    const outcomes: ObjectOutcome[] = objects
      .filter((o) => !this.policy.inScope(o.ref))
      .map((o) => ({ id: o.id, ref: o.ref, misses: o.count, result: 'outOfScope', calledOss: false }));
    const inScope = objects.filter((o) => this.policy.inScope(o.ref));
    const work = await this.followCurrentVersions(inScope, mode);
    // Claims in chunks (a store can batch those writes), the next chunk while the current one is worked on.
    outcomes.push(
      ...(await claimAhead(work, {
        chunkSize: this.settings.claimChunkSize,
        concurrency: this.settings.concurrency,
        claim: ({ o, existing }) => this.claimStep(o, existing, mode, options),
        work: (claim) => this.workStep(claim, options),
      })),
    );
    const valid = objects.reduce((n, o) => n + o.count, 0);
    const merged = mergeOutcomes(outcomes);
    const summary = summarise({ seen: misses.length, invalid: grouped.invalid.length, valid }, merged, this.clock.nowMs() - startedAtMs);
    log.info('batch done', { source: batchSource(misses), intent: mode.kind, ...summary });
    return { summary, outcomes: merged, invalid: grouped.invalid };
  }

  /**
   * Reads the records and, where one is a CURRENT_VERSION record, puts the misses on the record of
   * the version it names (merged with misses that named that version themselves).
   */
  private async followCurrentVersions(objects: readonly ObjectMisses[], mode: Mode): Promise<{ o: ObjectMisses; existing?: RestoreRecord }[]> {
    const records = await this.readRecords(objects.map((o) => o.id));
    const nowMs = this.clock.nowMs();
    const byId = new Map<string, ObjectMisses>();
    const add = (o: ObjectMisses) => byId.set(o.id, byId.has(o.id) ? mergeObjectMisses(byId.get(o.id)!, o) : o);
    for (const o of objects) {
      const decision = decide(records.get(o.id), this.intentOf(o, mode, nowMs), nowMs);
      add(decision.action === 'follow' ? retarget(o, decision.versionId) : o);
    }
    const read = new Set(objects.map((o) => o.id));
    const unread = [...byId.keys()].filter((id) => !read.has(id));
    for (const [id, record] of await this.readRecords(unread)) records.set(id, record);
    return [...byId.values()].map((o) => ({ o, existing: records.get(o.id) }));
  }

  private async readRecords(ids: readonly string[]): Promise<Map<string, RestoreRecord>> {
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += this.settings.readBatchSize) chunks.push(ids.slice(i, i + this.settings.readBatchSize));
    const maps = await mapWithLimit(chunks, 4, (chunk) => this.store.getMany(chunk));
    return new Map(maps.flatMap((m) => [...m]));
  }

  private intentOf(o: ObjectMisses, mode: Mode, nowMs: number): Intent {
    if (mode.kind === 'refresh') return mode;
    // An access log can carry times ahead of our clock; a read never happened after now.
    return { kind: 'request', ...o.request, lastReadAtMs: o.lastReadAtMs === undefined ? undefined : Math.min(o.lastReadAtMs, nowMs) };
  }

  /** Decide and, if something is to be done, claim. Either a final outcome or a claim to work on. */
  private async claimStep(
    o: ObjectMisses,
    existing: RestoreRecord | undefined,
    mode: Mode,
    options: BatchOptions,
  ): Promise<{ outcome: ObjectOutcome } | Claimed> {
    const base = { id: o.id, ref: o.ref, misses: o.count, calledOss: false };
    const log = (options.log ?? this.log).child(objectFields(o.ref, o.id));
    const nowMs = this.clock.nowMs();
    // Not even one OSS call would fit before the invocation ends: leave the object to a retry.
    if (options.deadlineAtMs !== undefined && nowMs + this.settings.ossCallTimeoutMs >= options.deadlineAtMs - this.settings.leaseMarginMs) {
      return { outcome: { ...base, result: 'unstarted', record: existing } };
    }
    const decision = decide(existing, this.intentOf(o, mode, nowMs), nowMs);
    if (decision.action === 'untracked') return { outcome: { ...base, result: 'untracked' } };
    if (decision.action === 'hold' || decision.action === 'follow') {
      return { outcome: { ...base, result: existing ? heldResult(effectiveState(existing, nowMs)) : 'untracked', record: existing } };
    }
    // Every record is kept: one for an object nobody asked about before spends its bucket's daily budget of new records.
    const refused = existing ? undefined : await newRecordRefusal(this.policy, o.ref, nowMs, log);
    if (refused) return { outcome: { ...base, ...refused } };
    // The owner is unique per claim, so a store can tell its own write from a rival's.
    const lease = { leaseUntilMs: nowMs + this.settings.leaseMs, leaseOwner: `${this.settings.workerId}/${randomUUID().slice(0, 8)}` };
    const record = claimRecord(o, existing, nowMs, lease);
    try {
      // Create-if-absent: of all workers that saw no record, exactly one creates it. Update-if-version:
      // of all workers that read this version, exactly one moves it on. The losers do nothing.
      const written = existing ? await this.store.update(record) : await this.store.create(record);
      if (!written.ok) {
        log.debug('claim lost', { outcome: 'claimed' });
        return { outcome: { ...base, result: 'claimed' } };
      }
      log.debug('claimed', { from: existing?.state ?? null, reason: decision.action === 'reclaim' ? decision.reason : 'new' });
      return { o, existing, claimed: written.record, mode, log };
    } catch (err) {
      log.error('claim failed: store unavailable', { outcome: 'unrecorded', error: errorValue(err) });
      return { outcome: { ...base, result: 'unrecorded', record: existing, error: errorValue(err) } };
    }
  }

  /** HEAD, policy, RestoreObject, and the outcome written conditionally on the claim. */
  private async workStep(claim: Claimed, options: BatchOptions, knownHead?: ObjectHead, previous = claim.existing): Promise<ObjectOutcome> {
    const { o, claimed, log } = claim;
    const base = { id: o.id, ref: o.ref, misses: o.count };
    const startedAtMs = this.clock.nowMs();
    const { step, calledOss, head, budgetUsePct } = await this.work(claim, previous, options, knownHead);
    const changes =
      step.kind === 'current-version' ? currentVersion(step.versionId, this.clock.nowMs(), this.rules) : step.kind === 'record' ? step.changes : {};
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
        log.warn('lease lost before the outcome was written', { outcome: 'claimed', to: finished.state });
        return { ...base, result: 'claimed', calledOss };
      }
    } catch (err) {
      log.error('outcome not recorded: store unavailable', { outcome: 'unrecorded', to: finished.state, error: errorValue(err) });
      return { ...base, result: 'unrecorded', record: claimed, calledOss, error: errorValue(err) };
    }
    const result = step.kind === 'record' ? step.result : 'failed';
    log.info('state', stateFields(step, previous?.state, finished, o, budgetUsePct, this.clock.nowMs() - startedAtMs));
    if (step.kind === 'current-version') return this.onCurrentVersion(claim, step.versionId, head!, options);
    return { ...base, result, record: finished, calledOss, raiseRefused: step.kind === 'record' ? step.raiseRefused : undefined };
  }

  /**
   * HEAD said the misses without a versionId read version `versionId`: carry on with that
   * version's record, with the HEAD already made. A restore the old record tracked is not lost.
   */
  private async onCurrentVersion(claim: Claimed, versionId: string, head: ObjectHead, options: BatchOptions): Promise<ObjectOutcome> {
    const o = retarget(claim.o, versionId);
    const existing = (await this.store.getMany([o.id])).get(o.id);
    const next = await this.claimStep(o, existing, claim.mode, options);
    if ('outcome' in next) return { ...next.outcome, calledOss: true };
    return this.workStep(next, options, head, existing ?? claim.existing);
  }

  /** HEAD, policy, RestoreObject. Never throws: every failure becomes a step from afterFailure. */
  private async work(
    claim: Claimed,
    previous: RestoreRecord | undefined,
    options: BatchOptions,
    knownHead?: ObjectHead,
  ): Promise<{ step: CycleStep; calledOss: boolean; head?: ObjectHead; budgetUsePct?: number }> {
    const { o, claimed, log } = claim;
    const cycle = (): Cycle => ({ claimed, previous, intent: this.intentOf(o, claim.mode, this.clock.nowMs()), nowMs: this.clock.nowMs() });
    // Every attempt must be able to finish (one OSS timeout) inside the lease and the invocation:
    // past that, another worker may already hold the object, and a second restore call would be ours.
    const deadlineAtMs = Math.min(options.deadlineAtMs ?? Number.POSITIVE_INFINITY, claimed.leaseUntilMs!) - this.settings.leaseMarginMs;
    const call = <T>(fn: () => Promise<T>) =>
      retry(fn, {
        policy: this.settings.ossRetry,
        retryable: isRetryable,
        clock: this.clock,
        sleep: this.sleep,
        random: this.random,
        deadlineAtMs,
        attemptMs: this.settings.ossCallTimeoutMs,
        deadlineError: (attempt) => new DeadlineReachedError(`no time left for attempt ${attempt} before the lease or invocation deadline`),
      });
    if (o.unaddressable) return { step: unaddressable(), calledOss: false };
    let head = knownHead;
    try {
      head = head ?? (await call(() => this.objects.head(o.ref)));
      let step = afterHead(cycle(), head, this.rules);
      const admission = step.kind === 'admit' ? await this.policy.admit(o.ref, step.object, step.wanted, this.clock.nowMs()) : undefined;
      if (step.kind === 'admit' && admission) {
        step = afterAdmission(cycle(), step, admission.admitted ? admission.params : admission.refusal, this.rules);
        if (!admission.admitted) log.info('policy said no', refusalFields(admission.refusal));
      }
      if (step.kind === 'restore') {
        const { object, params } = step;
        const answer = await call(() => this.objects.restore(o.ref, object.storageClass, params));
        // 200: restored, and the period was just extended. HEAD again for the real expiry.
        const after = answer === 'restored' ? await call(() => this.objects.head(o.ref)).catch(() => undefined) : undefined;
        step = afterRestore(cycle(), step, answer, this.rules, after?.found && after.restore.kind === 'restored' ? after.restore.expiresAtMs : undefined);
      }
      return { step, calledOss: true, head, budgetUsePct: admission?.admitted ? admission.budgetUsePct : undefined };
    } catch (err) {
      const failed = afterFailure(cycle(), err, this.rules, this.random);
      const fields = { attempts: claimed.attempts + 1, error: errorValue(err) };
      if (failed.loud) log.error('restore failed: needs a human', fields);
      else log.warn('restore failed: will retry', fields);
      return { step: failed, calledOss: true, head };
    }
  }
}

/**
 * One outcome per object: misses without a versionId that HEAD resolved to a version named by
 * other misses of the batch end on that version's record too (and found it claimed by us).
 */
function mergeOutcomes(outcomes: readonly ObjectOutcome[]): ObjectOutcome[] {
  const byId = new Map<string, ObjectOutcome>();
  for (const o of outcomes) {
    const seen = byId.get(o.id);
    if (!seen) byId.set(o.id, o);
    else byId.set(o.id, { ...(seen.result === 'claimed' ? o : seen), misses: seen.misses + o.misses, calledOss: seen.calledOss || o.calledOss });
  }
  return [...byId.values()];
}
