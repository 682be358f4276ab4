// RestoreObject as OSS runs it, as pure functions of (object class, current restore, request, now).
// Whether a restore is still running, readable or lapsed is computed from timestamps and the clock,
// never stored. The rules (classes, Days, tiers, durations) are the emulator's own, in rules.ts;
// durations are divided by the time scale.
import { RESTORE_RULES, isArchiveClass, isTier, restoreDurationMs, tierRank, type ArchiveClass, type StorageClass, type Tier } from './rules';
import { ossErrors } from './errors';
import { el, httpDate, parseXmlBody } from './xml';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** One restore of one object version. */
export interface RestoreState {
  readonly requestedAtMs: number;
  /** undefined for Archive, which takes no JobParameters. */
  readonly tier: Tier | undefined;
  readonly days: number;
  readonly completesAtMs: number;
  /** End of the restored period; extended by RestoreObject on a restored object. */
  readonly expiresAtMs: number;
}

export const RestorePhase = { Frozen: 'frozen', Restoring: 'restoring', Restored: 'restored' } as const;
export type RestorePhase = (typeof RestorePhase)[keyof typeof RestorePhase];

export function restorePhase(state: RestoreState | undefined, nowMs: number): RestorePhase {
  if (!state || nowMs >= state.expiresAtMs) return RestorePhase.Frozen;
  return nowMs < state.completesAtMs ? RestorePhase.Restoring : RestorePhase.Restored;
}

/** The x-oss-restore header (and ListObjects RestoreInfo): absent when frozen. */
export function restoreHeader(state: RestoreState | undefined, nowMs: number): string | undefined {
  switch (restorePhase(state, nowMs)) {
    case RestorePhase.Restoring:
      return 'ongoing-request="true"';
    case RestorePhase.Restored:
      return `ongoing-request="false", expiry-date="${httpDate(state!.expiresAtMs)}"`;
    default:
      return undefined;
  }
}

/** Whether GET may return the bytes: non-archived classes always, archived ones only while restored. */
export function isReadable(storageClass: StorageClass, state: RestoreState | undefined, nowMs: number): boolean {
  return !isArchiveClass(storageClass) || restorePhase(state, nowMs) === RestorePhase.Restored;
}

/** The body of a RestoreObject request, as sent; checked against the object's class by planRestore. */
export interface RestoreRequest {
  /** Raw <Days> text; undefined when absent. */
  readonly days: string | undefined;
  readonly hasJobParameters: boolean;
  /** Raw <JobParameters><Tier> text; undefined when absent. */
  readonly tier: string | undefined;
}

const EMPTY_REQUEST: RestoreRequest = { days: undefined, hasJobParameters: false, tier: undefined };

/**
 * Parses `<RestoreRequest><Days>N</Days><JobParameters><Tier>T</Tier></JobParameters></RestoreRequest>`.
 * An empty body is allowed (Archive then restores for one day). Not well-formed XML or an element
 * RestoreObject does not know is MalformedXML (doc: EC 0016-00000706 and 0016-00000709…714).
 */
export function parseRestoreRequest(body: Buffer): RestoreRequest {
  if (body.toString('utf8').trim() === '') return EMPTY_REQUEST;
  const doc = parseXmlBody(body);
  if (!doc) throw ossErrors.malformedXml('0016-00000706');
  const rootNames = Object.keys(doc);
  if (rootNames.length !== 1 || rootNames[0] !== 'RestoreRequest') throw ossErrors.malformedXml('0016-00000714');
  const root = doc.RestoreRequest;
  if (root === '' || root === undefined) return EMPTY_REQUEST;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw ossErrors.malformedXml('0016-00000706');
  const fields = root as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (name !== 'Days' && name !== 'JobParameters') throw ossErrors.malformedXml('0016-00000714');
  }
  const days = fields.Days;
  if (days !== undefined && typeof days !== 'string') throw ossErrors.malformedXml('0016-00000706');
  let tier: string | undefined;
  const job = fields.JobParameters;
  if (job !== undefined && job !== '') {
    if (typeof job !== 'object' || job === null || Array.isArray(job)) throw ossErrors.malformedXml('0016-00000706');
    const jobFields = job as Record<string, unknown>;
    for (const name of Object.keys(jobFields)) {
      if (name !== 'Tier') throw ossErrors.malformedXml('0016-00000714');
    }
    if (jobFields.Tier !== undefined && typeof jobFields.Tier !== 'string') throw ossErrors.malformedXml('0016-00000706');
    tier = jobFields.Tier as string | undefined;
  }
  return { days, hasJobParameters: job !== undefined, tier };
}

/** The XML ali-oss and the other SDKs send; handy for tests and the programmatic helpers. */
export function restoreRequestXml(days: number, tier?: Tier): string {
  const job = tier ? el('JobParameters', [el('Tier', tier)]) : '';
  return el('RestoreRequest', [el('Days', days), job]);
}

export type RestoreOutcome =
  /** 202: a new restore started, or a running ColdArchive/DeepColdArchive restore got a faster tier. */
  | { readonly status: 202; readonly state: RestoreState; readonly kind: 'started' | 'priority-raised' }
  /** 200: the object was already restored; its restored period was extended. */
  | { readonly status: 200; readonly state: RestoreState; readonly kind: 'extended' };

export interface RestoreClock {
  readonly nowMs: number;
  /** Restore durations and restored periods are divided by this. */
  readonly timeScale: number;
}

/**
 * Decides what RestoreObject does. Throws the OssError OSS answers with:
 * Standard/IA → OperationNotSupported; JobParameters on Archive, Days out of range, bad Tier →
 * MalformedXML; restoring without a faster tier → RestoreAlreadyInProgress.
 */
export function planRestore(
  storageClass: StorageClass,
  current: RestoreState | undefined,
  request: RestoreRequest,
  { nowMs, timeScale }: RestoreClock,
): RestoreOutcome {
  if (!isArchiveClass(storageClass)) throw ossErrors.operationNotSupported();
  const rules = RESTORE_RULES[storageClass];

  // RestoreObject doc: JobParameters is only valid for ColdArchive and DeepColdArchive (EC unconfirmed).
  if (request.hasJobParameters && rules.tiers.length === 0) throw ossErrors.malformedXml('0016-00000707');
  const days = parseDays(storageClass, request.days);
  const tier = parseTier(storageClass, request);

  const scaledDay = DAY_MS / timeScale;
  const phase = restorePhase(current, nowMs);

  if (phase === RestorePhase.Frozen) {
    const completesAtMs = nowMs + restoreDurationMs(storageClass, tier) / timeScale;
    return {
      status: 202,
      kind: 'started',
      state: { requestedAtMs: nowMs, tier, days, completesAtMs, expiresAtMs: completesAtMs + days * scaledDay },
    };
  }

  if (phase === RestorePhase.Restoring) {
    const running = current!;
    // Only a strictly faster tier changes a running restore. The same tier (or Archive, which has
    // none) is RestoreAlreadyInProgress; a slower one has its own error (doc: EC 0016-00000715,
    // "cannot decrease the restoration priority"). A raise never completes later than promised.
    if (tier === undefined || running.tier === undefined || tier === running.tier) throw ossErrors.restoreAlreadyInProgress();
    if (tierRank(tier) > tierRank(running.tier)) throw ossErrors.restorePriorityCannotDecrease(running.tier, tier);
    const completesAtMs = Math.min(running.completesAtMs, nowMs + restoreDurationMs(storageClass, tier) / timeScale);
    return {
      status: 202,
      kind: 'priority-raised',
      state: { ...running, tier, days, completesAtMs, expiresAtMs: completesAtMs + days * scaledDay },
    };
  }

  // Restored: each call extends the restored period by Days, up to the class's maximum counted
  // from when the restore completed (Archive doc: "calling again within the restored period
  // extends it by 24 hours ... up to 7 days").
  const restored = current!;
  const cap = restored.completesAtMs + rules.maxDays * scaledDay;
  const expiresAtMs = Math.min(restored.expiresAtMs + days * scaledDay, cap);
  return { status: 200, kind: 'extended', state: { ...restored, expiresAtMs: Math.max(expiresAtMs, restored.expiresAtMs) } };
}

function parseDays(storageClass: ArchiveClass, raw: string | undefined): number {
  const rules = RESTORE_RULES[storageClass];
  if (raw === undefined) return rules.defaultDays;
  const ec = storageClass === 'Archive' ? '0016-00000708' : '0016-00000704';
  if (!/^\d+$/.test(raw)) throw ossErrors.malformedXml(ec);
  const days = Number(raw);
  if (days < rules.minDays || days > rules.maxDays) throw ossErrors.malformedXml(ec);
  return days;
}

function parseTier(storageClass: ArchiveClass, request: RestoreRequest): Tier | undefined {
  const rules = RESTORE_RULES[storageClass];
  if (rules.tiers.length === 0) return undefined;
  if (request.tier === undefined) return rules.defaultTier;
  // DeepColdArchive Bulk is not documented: rejected like any tier the class does not offer.
  if (!isTier(request.tier) || !rules.tiers.includes(request.tier)) throw ossErrors.malformedXml('0016-00000703');
  return request.tier;
}
