// What OSS accepts for each storage class when restoring, and how long a restore nominally takes.
// Source: OSS RestoreObject documentation and the restore guide. Durations are the documented upper
// bounds, so an ETA is a promise we rarely break in the caller's disfavour.

export const STORAGE_CLASSES = ['Standard', 'IA', 'Archive', 'ColdArchive', 'DeepColdArchive'] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

export const TIERS = ['Expedited', 'Standard', 'Bulk'] as const;
export type Tier = (typeof TIERS)[number];

export type ArchiveClass = 'Archive' | 'ColdArchive' | 'DeepColdArchive';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

interface ClassRules {
  readonly minDays: number;
  readonly maxDays: number;
  /** Tiers OSS accepts, fastest (and dearest) first; empty when the class takes no JobParameters. */
  readonly tiers: readonly Tier[];
  readonly defaultTier?: Tier;
  /** Nominal restore time per tier ('none' for classes without tiers). */
  readonly restoreMs: Partial<Record<Tier | 'none', number>>;
}

export const RESTORE_RULES: Readonly<Record<ArchiveClass, ClassRules>> = {
  Archive: { minDays: 1, maxDays: 7, tiers: [], restoreMs: { none: 1 * MINUTE_MS } },
  ColdArchive: {
    minDays: 1,
    maxDays: 365,
    tiers: ['Expedited', 'Standard', 'Bulk'],
    defaultTier: 'Standard',
    restoreMs: { Expedited: 1 * HOUR_MS, Standard: 5 * HOUR_MS, Bulk: 12 * HOUR_MS },
  },
  DeepColdArchive: {
    minDays: 1,
    maxDays: 365,
    // Bulk is not documented for DeepColdArchive (unconfirmed: docs/unconfirmed.md), so we never send it.
    tiers: ['Expedited', 'Standard'],
    defaultTier: 'Standard',
    restoreMs: { Expedited: 12 * HOUR_MS, Standard: 48 * HOUR_MS },
  },
};

export function isStorageClass(value: unknown): value is StorageClass {
  return typeof value === 'string' && (STORAGE_CLASSES as readonly string[]).includes(value);
}

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}

export function isArchiveClass(storageClass: StorageClass): storageClass is ArchiveClass {
  return storageClass === 'Archive' || storageClass === 'ColdArchive' || storageClass === 'DeepColdArchive';
}

/** Lower is faster. Used to tell whether a request raises the priority of a running restore. */
export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

/** Nominal duration of a restore of this class at this tier (tier ignored for Archive). */
export function nominalRestoreMs(storageClass: ArchiveClass, tier: Tier | undefined): number {
  const rules = RESTORE_RULES[storageClass];
  if (rules.tiers.length === 0) return rules.restoreMs.none!;
  const effective = tier && rules.tiers.includes(tier) ? tier : rules.defaultTier!;
  return rules.restoreMs[effective]!;
}
