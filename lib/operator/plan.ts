// The plan `thaw restore` shows before it spends anything: what the prefix holds per storage class,
// what is already restoring or restored (no charge), what the allow-list, the size limit and the
// fastest tier would refuse, what today's budget leaves for later days, what the rest costs, and
// when it will be readable. A pure function of the listing, the deployment's limits (GET /v1/usage)
// and a price table, using the policy's own rules, so the plan and the policy cannot disagree.
import { type AllowList, isAllowed } from '../policy/allow-list';
import { byteDaysOf, clampRequest, paramsWithinMaxTier } from '../policy/cost-policy';
import { paramsForClass, type RestoreRequest } from '../restore/restore-request';
import { type ArchiveClass, isArchiveClass, nominalRestoreMs, type StorageClass, type Tier } from '../restore/storage-class';
import type { PriceTable } from './prices';

const GB = 2 ** 30;

/** One object of the listing (ListObjectsV2 with its RestoreInfo). */
export interface ListedObject {
  readonly key: string;
  readonly sizeBytes: number;
  readonly storageClass: StorageClass;
  /** From RestoreInfo: frozen (never restored, or the copy expired), restoring, or restored until expiresAtMs. */
  readonly restore: 'frozen' | 'restoring' | 'restored';
  readonly expiresAtMs?: number;
}

/** What the deployment says about itself (GET /v1/usage). */
export interface DeploymentLimits {
  readonly allow: AllowList;
  readonly maxObjectBytes: number;
  /** THAW_MAX_DAYS: longer Days are lowered to it. */
  readonly maxDays: number;
  readonly maxTier: Tier;
  readonly defaults: { readonly days: number; readonly tier: Tier };
  /** Today's budget left for the bucket. */
  readonly restoresLeft: number;
  readonly bytesLeft: number;
  /** Size × Days of temporary copies left today (ColdArchive / DeepColdArchive). */
  readonly byteDaysLeft: number;
  readonly restoresPerSecond: number;
  readonly timeScale: number;
}

export interface RestorePlanLine {
  readonly storageClass: ArchiveClass;
  /** The tier the restores will use (after the class and the fastest-tier limit); none for Archive. */
  readonly tier?: Tier;
  readonly days: number;
  readonly objects: number;
  readonly bytes: number;
  /** Restoring already, or restored and unexpired: recorded as they are, no charge. */
  readonly restoring: number;
  readonly restored: number;
  /** Restores to start: today within the budget, the rest on later days. */
  readonly toRestore: number;
  readonly toRestoreBytes: number;
  readonly laterDays: number;
  readonly cost: number;
  /** Some objects of this line have no price in the table. */
  readonly costUnknown: boolean;
  /** How long a restore of this class and tier takes (the documented upper bound). */
  readonly restoreMs: number;
}

export interface RestorePlan {
  readonly objects: number;
  readonly bytes: number;
  readonly notArchived: { readonly objects: number; readonly bytes: number };
  /** What the policy would not restore, by the words of its result and reasons: outOfScope (THAW_ALLOW), object-too-large, tier-not-allowed. */
  readonly refused: { readonly outOfScope: number; readonly objectTooLarge: number; readonly tierNotAllowed: number };
  readonly lines: readonly RestorePlanLine[];
  /** What will be sent to the API, in listing order (restores, and running restores to track). */
  readonly submit: readonly ListedObject[];
  readonly restores: number;
  readonly restoreBytes: number;
  readonly laterDays: number;
  readonly cost: number;
  readonly costUnknownFor: readonly string[];
  readonly currency: string;
  /** Submitting at the pace thaw restore keeps (below the rate limit). */
  readonly submitMs: number;
}

/** The share of the rate limit thaw restore uses, leaving room for the misses of other sources. */
export const RATE_SHARE = 0.9;

export function planRestore(input: {
  bucket: string;
  objects: readonly ListedObject[];
  request: RestoreRequest;
  limits: DeploymentLimits;
  prices: PriceTable;
  nowMs: number;
}): RestorePlan {
  const { bucket, objects, limits, prices, nowMs } = input;
  const request = clampRequest(input.request, limits);
  const lines = new Map<string, { -readonly [K in keyof RestorePlanLine]: RestorePlanLine[K] }>();
  const refused = { outOfScope: 0, objectTooLarge: 0, tierNotAllowed: 0 };
  const notArchived = { objects: 0, bytes: 0 };
  const submit: ListedObject[] = [];
  let restoresLeft = limits.restoresLeft;
  let bytesLeft = limits.bytesLeft;
  let byteDaysLeft = limits.byteDaysLeft;
  const unknown = new Set<string>();

  for (const o of objects) {
    if (!isArchiveClass(o.storageClass)) {
      notArchived.objects++;
      notArchived.bytes += o.sizeBytes;
      continue;
    }
    if (!isAllowed(limits.allow, { bucket, key: o.key, versionId: '' })) {
      refused.outOfScope++;
      continue;
    }
    const restored = o.restore === 'restored' && o.expiresAtMs !== undefined && o.expiresAtMs > nowMs;
    const restoring = o.restore === 'restoring';
    const wanted = paramsForClass(o.storageClass, request, limits.defaults);
    const params = paramsWithinMaxTier(o.storageClass, wanted, limits.maxTier);
    // A running or finished restore is recorded as it is: no admission, no charge.
    if (!restoring && !restored) {
      if (o.sizeBytes > limits.maxObjectBytes) {
        refused.objectTooLarge++;
        continue;
      }
      if (!params) {
        refused.tierNotAllowed++;
        continue;
      }
    }
    const fitted = params ?? wanted;
    const id = `${o.storageClass}/${fitted.tier ?? 'none'}`;
    const line = lines.get(id) ?? {
      storageClass: o.storageClass,
      ...(fitted.tier ? { tier: fitted.tier } : {}),
      days: fitted.days,
      objects: 0,
      bytes: 0,
      restoring: 0,
      restored: 0,
      toRestore: 0,
      toRestoreBytes: 0,
      laterDays: 0,
      cost: 0,
      costUnknown: false,
      restoreMs: Math.round(nominalRestoreMs(o.storageClass, fitted.tier) / limits.timeScale),
    };
    lines.set(id, line);
    line.objects++;
    line.bytes += o.sizeBytes;
    submit.push(o);
    if (restoring) line.restoring++;
    else if (restored) line.restored++;
    else {
      line.toRestore++;
      line.toRestoreBytes += o.sizeBytes;
      // The budget admits in order; what it cannot take today waits for a later day's.
      const byteDays = byteDaysOf(o.storageClass, o.sizeBytes, fitted.days);
      if (restoresLeft >= 1 && bytesLeft >= o.sizeBytes && byteDaysLeft >= byteDays) {
        restoresLeft--;
        bytesLeft -= o.sizeBytes;
        byteDaysLeft -= byteDays;
      } else {
        line.laterDays++;
      }
      const cost = restoreCost(prices, o.storageClass, fitted.tier, o.sizeBytes, fitted.days);
      if (cost === undefined) {
        line.costUnknown = true;
        unknown.add(id);
      } else line.cost += cost;
    }
  }

  const all = [...lines.values()].sort((a, b) => a.restoreMs - b.restoreMs || (a.storageClass < b.storageClass ? -1 : 1));
  const pace = Math.max(1, Math.floor(limits.restoresPerSecond * RATE_SHARE));
  return {
    objects: objects.length,
    bytes: objects.reduce((n, o) => n + o.sizeBytes, 0),
    notArchived,
    refused,
    lines: all,
    submit,
    restores: all.reduce((n, l) => n + l.toRestore, 0),
    restoreBytes: all.reduce((n, l) => n + l.toRestoreBytes, 0),
    laterDays: all.reduce((n, l) => n + l.laterDays, 0),
    cost: all.reduce((n, l) => n + l.cost, 0),
    costUnknownFor: [...unknown].sort(),
    currency: prices.currency,
    submitMs: Math.ceil((submit.length / pace) * 1000),
  };
}

/** One restore's price: retrieval per GB and per request, and the temporary copy for its Days. undefined: not in the table. */
export function restoreCost(prices: PriceTable, storageClass: ArchiveClass, tier: Tier | undefined, sizeBytes: number, days: number): number | undefined {
  const price = prices.retrieval[storageClass][storageClass === 'Archive' ? 'none' : tier!];
  if (!price || price.perGB === null || price.per10kRequests === null) return undefined;
  const gb = sizeBytes / GB;
  let cost = price.perGB * gb + price.per10kRequests / 10_000;
  if (storageClass !== 'Archive') {
    if (prices.temporaryCopyPerGBMonth === null) return undefined;
    cost += prices.temporaryCopyPerGBMonth * gb * (days / 30);
  }
  return cost;
}
