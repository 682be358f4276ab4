// The rules of a restore cycle for one object, as pure functions of (the record, what OSS
// answered or the policy said, the time). The coordinator does the I/O and asks these what to
// write; docs/state-machine.md "What OSS answers, and what we do" is this file as a table, and
// test/unit/restore/transitions.test.ts runs every row of that table through these functions.
//
// A cycle starts with a claim and ends when the restored copy expires. Within a cycle the
// record keeps the cycle's start (requestedAtMs), its tier and its ETA; a raised tier keeps the
// start and can only bring the ETA forward; a refused raise leaves the running restore as it is.
import type { Intent } from './decide';
import type { ObjectMisses } from './miss';
import { errorValue } from './errors';
import type { ObjectHead, PolicyRefusal, RestoreAnswer } from './ports';
import { deferralLapsesAtMs, RefusedReason, RestoreState, type RestoreRecord } from './record';
import { type ClassRestoreParams, paramsForClass } from './restore-request';
import { backoffMs, type RetryPolicy } from '../retry';
import { type ArchiveClass, isArchiveClass, type Tier, tierRank } from './storage-class';
import type { ObjectResult } from './summary';
import { nextRestoreCheckMs, restoreDurationMs, type Timing } from './timing';

export interface TransitionSettings {
  readonly timing: Timing;
  readonly defaultDays: number;
  readonly defaultTier: Tier;
  /** After NOT_FOUND, a new miss looks again after this long. */
  readonly notFoundRecheckMs: number;
  /** After NOT_ARCHIVED (a lifecycle rule may archive the object later). */
  readonly notArchivedRecheckMs: number;
  /** After a policy refusal (the limits may change). */
  readonly refusedRecheckMs: number;
  /** How long a CURRENT_VERSION record is trusted before a miss HEADs the key again. */
  readonly currentVersionRecheckMs: number;
  /** Delay before a failed attempt is tried again, growing with its attempts. */
  readonly failedRetry: Pick<RetryPolicy, 'baseMs' | 'maxMs'>;
}

/** One claimed object on its way through a cycle. */
export interface Cycle {
  /** The record as claimed (state CLAIMED, our lease). */
  readonly claimed: RestoreRecord;
  /** The record before the claim; undefined for a new one. */
  readonly previous?: RestoreRecord;
  readonly intent: Intent;
  readonly nowMs: number;
}

/** An archived object as HEAD described it. */
export interface ArchivedObject {
  readonly storageClass: ArchiveClass;
  readonly sizeBytes: number;
  readonly restore: 'frozen' | 'restoring';
}

export type CycleStep =
  /** Write these changes over the claim; the object is done for this batch. */
  | { readonly kind: 'record'; readonly changes: Partial<RestoreRecord>; readonly result: ObjectResult; readonly raiseRefused?: PolicyRefusal }
  /** HEAD named the version a miss without a versionId reads: record that, and carry on with that version's record. */
  | { readonly kind: 'current-version'; readonly versionId: string }
  /** Ask the policy whether to restore with these parameters. */
  | { readonly kind: 'admit'; readonly object: ArchivedObject; readonly wanted: ClassRestoreParams }
  /** Call RestoreObject with these parameters. */
  | { readonly kind: 'restore'; readonly object: ArchivedObject; readonly params: ClassRestoreParams };

const DAY_MS = 86_400_000;

/** Fields no outcome carries over from an earlier one: each outcome sets the ones it means. */
const CLEARED = {
  etaAtMs: undefined,
  expiresAtMs: undefined,
  retryAtMs: undefined,
  deferredAtMs: undefined,
  reason: undefined,
  currentVersionId: undefined,
  attempts: 0,
  lastError: undefined,
} as const;

/** The claim of an object, new or from its existing record. */
export function claimRecord(
  o: Pick<ObjectMisses, 'id' | 'ref' | 'request' | 'firstSeenAtMs' | 'source' | 'operation'>,
  existing: RestoreRecord | undefined,
  nowMs: number,
  lease: { leaseUntilMs: number; leaseOwner: string },
): RestoreRecord {
  const base = {
    state: RestoreState.CLAIMED,
    updatedAtMs: nowMs,
    lastSource: o.source,
    lastOperation: o.operation,
    reason: undefined,
    deferredAtMs: undefined,
    ...lease,
  };
  // What the caller asked for is kept until a restore is sent, so a retry (sweeper) asks the same.
  const asked = { days: o.request.days, tier: o.request.tier };
  if (!existing) return { id: o.id, ...o.ref, version: 1, attempts: 0, firstSeenAtMs: Math.min(o.firstSeenAtMs, nowMs), ...asked, ...base };
  // An invalidated record describes an older object: keep only its identity and its version.
  if (existing.invalidatedAtMs !== undefined) {
    const { id, bucket, key, versionId, version, firstSeenAtMs } = existing;
    return { id, bucket, key, versionId, version: version + 1, attempts: 0, firstSeenAtMs, ...asked, ...base };
  }
  // A running restore's tier and Days are what OSS is doing; a raise asks through the intent.
  const keep = existing.state === RestoreState.RESTORING ? {} : asked;
  return { ...existing, currentVersionId: undefined, version: existing.version + 1, ...keep, ...base };
}

/** A key no SDK call can address: refused before any OSS call, for good. */
export function unaddressable(): CycleStep {
  return record({ ...CLEARED, state: RestoreState.REFUSED, reason: RefusedReason.UNADDRESSABLE_KEY }, 'refused');
}

/** What HEAD settles, or the next step. */
export function afterHead(cycle: Cycle, head: ObjectHead, settings: TransitionSettings): CycleStep {
  const { nowMs } = cycle;
  if (!head.found) return notFound(nowMs, settings);
  // A miss without a versionId reads the current version: that version's record is the object's.
  if (head.versionId && cycle.claimed.versionId === '') return { kind: 'current-version', versionId: head.versionId };
  const { storageClass, sizeBytes } = head;
  if (!isArchiveClass(storageClass)) return notArchived(storageClass, sizeBytes, nowMs, settings);
  if (head.restore.kind === 'restored') return restored(storageClass, sizeBytes, head.restore.expiresAtMs, 'restored');
  const object: ArchivedObject = { storageClass, sizeBytes, restore: head.restore.kind };
  const running = runningRestore(cycle.previous);
  if (head.restore.kind === 'restoring') {
    // A raise asks for the running restore's Days unless the caller names others.
    if (isRaise(cycle, object)) return admit(cycle, object, settings, running?.days);
    // Restoring already (our earlier request, or someone else's): no call, keep watching.
    // Without our own start time, assume it started now: the ETA errs late, never early.
    const requestedAtMs = running?.requestedAtMs ?? nowMs;
    const etaAtMs = running?.etaAtMs ?? requestedAtMs + restoreDurationMs(settings.timing, storageClass, running?.tier ?? settings.defaultTier);
    return restoring(cycle, object, { requestedAtMs, etaAtMs, tier: running?.tier, days: running?.days }, settings, 'restoring');
  }
  // Frozen. After a restore OSS accepted, that means the copy came and went unseen (or was cleaned
  // up). A status read never restores; a miss restores again only if a read failed after the
  // cycle started, so a sweep or a late log line never buys a second copy nobody asked for.
  const intent = cycle.intent;
  const askedAgain = running !== undefined && intent.kind === 'request' && intent.lastReadAtMs !== undefined && intent.lastReadAtMs >= running.requestedAtMs!;
  if (intent.kind === 'refresh' || (running && !askedAgain)) {
    const expired = restored(storageClass, sizeBytes, nowMs, 'frozen');
    return { ...expired, changes: { ...expired.changes, requestedAtMs: running?.requestedAtMs } };
  }
  return admit(cycle, object, settings);
}

/** What the policy's answer means. */
export function afterAdmission(
  cycle: Cycle,
  step: Extract<CycleStep, { kind: 'admit' }>,
  admitted: ClassRestoreParams | PolicyRefusal,
  settings: TransitionSettings,
): CycleStep {
  const { object, wanted } = step;
  if ('days' in admitted) return { kind: 'restore', object, params: admitted };
  const refusal = admitted;
  const running = runningRestore(cycle.previous);
  if (running && isRaise(cycle, object)) {
    // A refused raise changes nothing about the restore that runs: state, tier, ETA and checks stay.
    const kept = { requestedAtMs: running.requestedAtMs!, etaAtMs: running.etaAtMs!, tier: running.tier, days: running.days };
    return { ...restoring(cycle, object, kept, settings, 'restoring'), raiseRefused: refusal };
  }
  // Keep what was asked for, so a later retry restores with the same Days and tier.
  const asked = { ...CLEARED, storageClass: object.storageClass, sizeBytes: object.sizeBytes, days: wanted.days, tier: wanted.tier };
  if (refusal.kind === 'deferred') {
    return record({ ...asked, state: RestoreState.DEFERRED, reason: refusal.reason, deferredAtMs: cycle.nowMs, retryAtMs: refusal.retryAtMs }, 'deferred');
  }
  return record({ ...asked, state: RestoreState.REFUSED, reason: refusal.reason, retryAtMs: cycle.nowMs + settings.refusedRecheckMs }, 'refused');
}

/**
 * What RestoreObject's answer means. `confirmedExpiresAtMs`: after a 200 (already restored,
 * period extended), the expiry a second HEAD saw, if it answered.
 */
export function afterRestore(
  cycle: Cycle,
  step: Extract<CycleStep, { kind: 'restore' }>,
  answer: RestoreAnswer,
  settings: TransitionSettings,
  confirmedExpiresAtMs?: number,
): CycleStep {
  const { object, params } = step;
  const { nowMs } = cycle;
  const running = runningRestore(cycle.previous);
  switch (answer) {
    case 'restoreStarted': {
      const eta = nowMs + restoreDurationMs(settings.timing, object.storageClass, params.tier);
      // A raised tier keeps the cycle's start and can only bring the ETA forward.
      if (running && isRaise(cycle, object)) {
        const raised = { requestedAtMs: running.requestedAtMs!, etaAtMs: Math.min(eta, running.etaAtMs!), tier: params.tier, days: running.days };
        return restoring(cycle, object, raised, settings, 'restoreStarted');
      }
      return restoring(cycle, object, { requestedAtMs: nowMs, etaAtMs: eta, tier: params.tier, days: params.days }, settings, 'restoreStarted');
    }
    case 'restoring': {
      // Someone (another tool, or us before a crash) started it: keep the earlier start if we know it.
      const tier = running?.tier ?? params.tier;
      const requestedAtMs = running?.requestedAtMs ?? nowMs;
      const etaAtMs = running?.etaAtMs ?? requestedAtMs + restoreDurationMs(settings.timing, object.storageClass, tier);
      return restoring(cycle, object, { requestedAtMs, etaAtMs, tier, days: running?.days ?? params.days }, settings, 'restoring');
    }
    case 'restored':
      return restored(object.storageClass, object.sizeBytes, confirmedExpiresAtMs ?? nowMs + params.days * DAY_MS, 'restored');
    case 'notFound':
      return notFound(nowMs, settings);
    case 'notArchived':
      return notArchived(object.storageClass, object.sizeBytes, nowMs, settings);
  }
}

/**
 * A failure that outlasted the retries. A running restore stays RESTORING (only its next check
 * moves); anything else is FAILED. `loud`: it will not fix itself (credentials, our own bug).
 */
export function afterFailure(cycle: Cycle, err: unknown, settings: TransitionSettings, random: () => number): CycleStep & { loud: boolean } {
  const attempts = cycle.claimed.attempts + 1;
  const lastError = errorValue(err);
  // Configuration errors (AccessDenied) and our own bugs (MalformedRequest) are not retryable and
  // will not fix themselves soon: retry at the slowest pace.
  const loud = !lastError.retryable;
  const retryAtMs = cycle.nowMs + (loud ? settings.failedRetry.maxMs : backoffMs(settings.failedRetry, attempts, random));
  const failure = { attempts, lastError, retryAtMs };
  const running = runningRestore(cycle.previous);
  if (running) {
    const { storageClass, sizeBytes, tier, days, requestedAtMs, etaAtMs } = running;
    return {
      ...record({ ...CLEARED, state: RestoreState.RESTORING, storageClass, sizeBytes, tier, days, requestedAtMs, etaAtMs, ...failure }, 'failed'),
      loud,
    };
  }
  return { ...record({ ...CLEARED, state: RestoreState.FAILED, ...failure }, 'failed'), loud };
}

/**
 * A deferral the sweeper met after the UTC day it was made on (isLapsedDeferral): nobody read the
 * object since, so it is not re-driven; its retry moves to the moment it lapsed, which takes it out
 * of the due index (dueAtMs). Still DEFERRED, still claimable by a read newer than the deferral.
 * The caller writes it conditionally on the version it read.
 */
export function lapsedDeferral(deferred: RestoreRecord, nowMs: number): RestoreRecord {
  return { ...deferred, retryAtMs: deferralLapsesAtMs(deferred), version: deferred.version + 1, updatedAtMs: nowMs };
}

/** The record a miss without a versionId lands on, once HEAD named the current version. */
export function currentVersion(versionId: string, nowMs: number, settings: TransitionSettings): Partial<RestoreRecord> {
  return {
    ...CLEARED,
    state: RestoreState.CURRENT_VERSION,
    currentVersionId: versionId,
    retryAtMs: nowMs + settings.currentVersionRecheckMs,
    storageClass: undefined,
    sizeBytes: undefined,
    tier: undefined,
    days: undefined,
    requestedAtMs: undefined,
  };
}

/**
 * The restore this record was tracking before the claim: RESTORING, or a claim (that lapsed)
 * taken from RESTORING, which kept its start and ETA. Other states never keep an ETA.
 */
function runningRestore(previous: RestoreRecord | undefined): RestoreRecord | undefined {
  if (!previous || previous.invalidatedAtMs !== undefined) return undefined;
  const tracking = previous.state === RestoreState.RESTORING || previous.state === RestoreState.CLAIMED;
  return tracking && previous.requestedAtMs !== undefined && previous.etaAtMs !== undefined ? previous : undefined;
}

/** A request for a faster tier than the running restore's (ColdArchive / DeepColdArchive accept one). */
function isRaise(cycle: Cycle, object: ArchivedObject): boolean {
  const running = runningRestore(cycle.previous);
  const asked = cycle.intent.kind === 'request' ? cycle.intent.tier : undefined;
  return object.restore === 'restoring' && running?.tier !== undefined && asked !== undefined && tierRank(asked) < tierRank(running.tier);
}

function admit(cycle: Cycle, object: ArchivedObject, settings: TransitionSettings, runningDays?: number): CycleStep {
  const asked = cycle.intent.kind === 'request' ? { days: cycle.intent.days ?? runningDays, tier: cycle.intent.tier } : {};
  return { kind: 'admit', object, wanted: paramsForClass(object.storageClass, asked, { days: settings.defaultDays, tier: settings.defaultTier }) };
}

function restoring(
  cycle: Cycle,
  object: ArchivedObject,
  restore: { requestedAtMs: number; etaAtMs: number; tier: Tier | undefined; days: number | undefined },
  settings: TransitionSettings,
  result: ObjectResult,
): Extract<CycleStep, { kind: 'record' }> {
  const retryAtMs = nextRestoreCheckMs(settings.timing, { etaAtMs: restore.etaAtMs, storageClass: object.storageClass, tier: restore.tier }, cycle.nowMs);
  const { storageClass, sizeBytes } = object;
  return record({ ...CLEARED, state: RestoreState.RESTORING, storageClass, sizeBytes, ...restore, retryAtMs }, result);
}

function restored(storageClass: ArchiveClass, sizeBytes: number, expiresAtMs: number, result: ObjectResult): Extract<CycleStep, { kind: 'record' }> {
  return record({ ...CLEARED, state: RestoreState.RESTORED, storageClass, sizeBytes, expiresAtMs }, result);
}

function notFound(nowMs: number, settings: TransitionSettings): CycleStep {
  const gone = { storageClass: undefined, sizeBytes: undefined, requestedAtMs: undefined };
  return record({ ...CLEARED, ...gone, state: RestoreState.NOT_FOUND, retryAtMs: nowMs + settings.notFoundRecheckMs }, 'notFound');
}

function notArchived(storageClass: RestoreRecord['storageClass'], sizeBytes: number, nowMs: number, settings: TransitionSettings): CycleStep {
  const changes = {
    ...CLEARED,
    state: RestoreState.NOT_ARCHIVED,
    storageClass,
    sizeBytes,
    requestedAtMs: undefined,
    retryAtMs: nowMs + settings.notArchivedRecheckMs,
  };
  return record(changes, 'notArchived');
}

function record(changes: Partial<RestoreRecord>, result: ObjectResult): Extract<CycleStep, { kind: 'record' }> {
  return { kind: 'record', changes, result };
}
