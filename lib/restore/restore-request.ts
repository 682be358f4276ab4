// What a caller may ask for (Days, tier), validated on the way in and then fitted to the
// object's real storage class once a HEAD has told us what it is.
import { describeInput, InvalidInputError } from './errors';
import { type ArchiveClass, isTier, RESTORE_RULES, type Tier, tierRank } from './storage-class';

export interface RestoreRequest {
  readonly days?: number;
  readonly tier?: Tier;
}

/** The widest Days range any class accepts (ColdArchive / DeepColdArchive: 1–365). */
const MAX_DAYS = 365;

/** Rejects values no storage class accepts, naming the field. */
export function validateRestoreRequest(input: { days?: unknown; tier?: unknown } | undefined): RestoreRequest {
  if (input === undefined) return {};
  const out: { days?: number; tier?: Tier } = {};
  if (input.days !== undefined && input.days !== null) {
    if (typeof input.days !== 'number' || !Number.isInteger(input.days) || input.days < 1 || input.days > MAX_DAYS) {
      throw new InvalidInputError('days', `must be an integer from 1 to ${MAX_DAYS}, got ${describeInput(input.days)}`);
    }
    out.days = input.days;
  }
  if (input.tier !== undefined && input.tier !== null) {
    if (!isTier(input.tier)) {
      throw new InvalidInputError('tier', `must be one of Expedited, Standard, Bulk, got ${describeInput(input.tier)}`);
    }
    out.tier = input.tier;
  }
  return out;
}

/** Combines duplicate requests for one object: the longest period and the fastest tier win. */
export function mergeRestoreRequests(a: RestoreRequest | undefined, b: RestoreRequest | undefined): RestoreRequest {
  const days = Math.max(a?.days ?? 0, b?.days ?? 0) || undefined;
  const tiers = [a?.tier, b?.tier].filter((t): t is Tier => t !== undefined);
  const tier = tiers.sort((x, y) => tierRank(x) - tierRank(y))[0];
  return { ...(days ? { days } : {}), ...(tier ? { tier } : {}) };
}

export interface ClassRestoreParams {
  readonly days: number;
  /** Absent for Archive: OSS rejects JobParameters there (400 MalformedXML). */
  readonly tier?: Tier;
}

/**
 * Fits a request to what the class accepts: Days clamped into the class's range, the tier dropped
 * for Archive, and a tier the class lacks (Bulk for DeepColdArchive) replaced by the class default.
 */
export function paramsForClass(storageClass: ArchiveClass, request: RestoreRequest, defaults: { days: number; tier: Tier }): ClassRestoreParams {
  const rules = RESTORE_RULES[storageClass];
  const days = Math.min(rules.maxDays, Math.max(rules.minDays, request.days ?? defaults.days));
  if (rules.tiers.length === 0) return { days };
  const wanted = request.tier ?? defaults.tier;
  const tier = rules.tiers.includes(wanted) ? wanted : rules.defaultTier!;
  return { days, tier };
}
