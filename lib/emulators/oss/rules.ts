// The OSS service rules the emulator enforces, each with the document it comes from. These are
// the emulator's own copy: the product keeps its beliefs in lib/restore, and a cross-check test
// (test/unit/oss-emulator/rules-cross-check.test.ts) compares the two, so a wrong belief on either
// side is a failing test rather than an echo.
//
// Sources:
//   [restore-api]   RestoreObject API reference, help.aliyun.com/en/oss/developer-reference/restoreobject
//   [restore-guide] "Restore Archive, Cold Archive, and Deep Cold Archive objects", alibabacloud.com/help/doc-detail/52930.htm
//   [classes]       "Storage classes", OSS user guide

/** [classes] The x-oss-storage-class values OSS accepts and sends. */
export const STORAGE_CLASSES = ['Standard', 'IA', 'Archive', 'ColdArchive', 'DeepColdArchive'] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

/** [restore-api] JobParameters/Tier values, fastest first. */
export const TIERS = ['Expedited', 'Standard', 'Bulk'] as const;
export type Tier = (typeof TIERS)[number];

export type ArchiveClass = 'Archive' | 'ColdArchive' | 'DeepColdArchive';
export const ARCHIVE_CLASSES: readonly ArchiveClass[] = ['Archive', 'ColdArchive', 'DeepColdArchive'];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface RestoreRule {
  /** [restore-api] Days accepted in <Days>. */
  readonly minDays: number;
  readonly maxDays: number;
  /** Days used when the body names none. */
  readonly defaultDays: number;
  /** [restore-api] Tiers accepted in JobParameters, fastest first; empty: JobParameters is refused. */
  readonly tiers: readonly Tier[];
  /** The tier applied when JobParameters is absent. */
  readonly defaultTier: Tier | undefined;
  /** How long a restore takes: the documented upper bound per tier ('none' when the class has no tiers). */
  readonly restoreMs: Readonly<Partial<Record<Tier | 'none', number>>>;
  /** [restore-api] Whether CleanRestoredObject applies to this class. */
  readonly cleanable: boolean;
}

export const RESTORE_RULES: Readonly<Record<ArchiveClass, RestoreRule>> = {
  // [restore-api] Archive: Days 1–7, no JobParameters, "about one minute" (upper bound used: 1 min).
  // The body is optional; without it the object is restored for one day ([restore-api]).
  Archive: { minDays: 1, maxDays: 7, defaultDays: 1, tiers: [], defaultTier: undefined, restoreMs: { none: 1 * MINUTE_MS }, cleanable: false },
  // [restore-api] ColdArchive: Days 1–365; Expedited within 1 h, Standard 2–5 h, Bulk 5–12 h;
  // Standard when no tier is given.
  ColdArchive: {
    minDays: 1,
    maxDays: 365,
    defaultDays: 1,
    tiers: ['Expedited', 'Standard', 'Bulk'],
    defaultTier: 'Standard',
    restoreMs: { Expedited: 1 * HOUR_MS, Standard: 5 * HOUR_MS, Bulk: 12 * HOUR_MS },
    cleanable: true,
  },
  // [restore-api] DeepColdArchive: Days 1–365; Expedited within 12 h, Standard within 48 h.
  // Bulk is not documented for this class (unconfirmed) and is refused like an unknown tier.
  DeepColdArchive: {
    minDays: 1,
    maxDays: 365,
    defaultDays: 1,
    tiers: ['Expedited', 'Standard'],
    defaultTier: 'Standard',
    restoreMs: { Expedited: 12 * HOUR_MS, Standard: 48 * HOUR_MS },
    cleanable: true,
  },
};

/**
 * [restore-guide] Operations that read an object's data and so need an Archive, ColdArchive or
 * DeepColdArchive object restored first; each answers 403 InvalidObjectState otherwise. HeadObject,
 * GetObjectMeta, DeleteObject and DeleteMultipleObjects do not ("non-access operations").
 * The names are the guide's; that the access log's `operation` field uses the same names for
 * image processing (ProcessImage) and PostProcessTask is unconfirmed.
 */
export const READS_NEEDING_RESTORE = ['GetObject', 'ProcessImage', 'CopyObject', 'UploadPartCopy', 'SelectObject', 'PostProcessTask'] as const;
export type ReadNeedingRestore = (typeof READS_NEEDING_RESTORE)[number];

export function isStorageClass(value: unknown): value is StorageClass {
  return typeof value === 'string' && (STORAGE_CLASSES as readonly string[]).includes(value);
}

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}

export function isArchiveClass(storageClass: StorageClass): storageClass is ArchiveClass {
  return (ARCHIVE_CLASSES as readonly string[]).includes(storageClass);
}

/** Lower is faster. */
export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

/** How long a restore of this class takes at this tier (the tier is ignored for Archive). */
export function restoreDurationMs(storageClass: ArchiveClass, tier: Tier | undefined): number {
  const rule = RESTORE_RULES[storageClass];
  if (rule.tiers.length === 0) return rule.restoreMs.none!;
  const effective = tier && rule.tiers.includes(tier) ? tier : rule.defaultTier!;
  return rule.restoreMs[effective]!;
}
