// What a restore costs, from a price table: retrieval per GB and per request, by storage class and
// tier, and the temporary Standard copy a cold-class restore keeps for its Days. The defaults are
// list prices for the Chinese mainland regions in CNY, read on 2026-12-01; Alibaba's own pricing
// page was not reachable from here, so each default names where it was read, and the two prices
// no source gave are left empty (a plan then says the cost is unknown rather than guessing).
// Your bill follows your region, currency and discounts: pass your own table with --prices FILE.
import { readFile } from 'node:fs/promises';
import type { ArchiveClass, Tier } from '../restore/storage-class';

export interface RetrievalPrice {
  /** Per GB (2^30 bytes) restored. null: unknown. */
  readonly perGB: number | null;
  /** Per 10,000 RestoreObject requests. null: unknown. */
  readonly per10kRequests: number | null;
}

export interface PriceTable {
  readonly currency: string;
  readonly region: string;
  /** Where the prices come from and when they were read. */
  readonly sources: readonly string[];
  /** Archive has no tier ("none"); the cold classes price each tier. */
  readonly retrieval: Readonly<Record<ArchiveClass, Readonly<Partial<Record<Tier | 'none', RetrievalPrice>>>>>;
  /** The Standard copy a ColdArchive / DeepColdArchive restore keeps while readable, per GB-month (30 days). */
  readonly temporaryCopyPerGBMonth: number | null;
}

export const DEFAULT_PRICES: PriceTable = {
  currency: 'CNY',
  region: 'Chinese mainland (list prices, pay-as-you-go)',
  sources: [
    'ColdArchive retrieval (requests and per GB, each tier) and the temporary copy: developer.aliyun.com/ask/631608 (Alibaba Cloud developer community, "OSS冷归档型存储计费规则"), read 2026-12-01',
    'DeepColdArchive Standard retrieval (1.67 CNY per 10,000 requests + 0.018 CNY/GB): README of github.com/qxzg/Aliyun-oss-sync, its note of 2024-02-19, read 2026-12-01',
    'temporary copy = Standard LRS storage, 0.12 CNY/GB-month: help.aliyun.com/en/oss/storage-fees ("标准型(本地冗余存储)单价为0.12元/GB/月"), read 2026-12-01',
    'not found in any source read: Archive retrieval and DeepColdArchive Expedited (left unknown)',
  ],
  retrieval: {
    Archive: { none: { perGB: null, per10kRequests: null } },
    ColdArchive: {
      Expedited: { perGB: 0.2, per10kRequests: 30 },
      Standard: { perGB: 0.06, per10kRequests: 3 },
      Bulk: { perGB: 0.03, per10kRequests: 0.3 },
    },
    DeepColdArchive: {
      Expedited: { perGB: null, per10kRequests: null },
      Standard: { perGB: 0.018, per10kRequests: 1.67 },
    },
  },
  temporaryCopyPerGBMonth: 0.12,
};

export class PriceTableError extends Error {
  readonly code = 'PriceTableInvalid';
}

/** Reads a price table (the same shape as DEFAULT_PRICES, as JSON), naming what is wrong. */
export async function readPriceTable(path: string): Promise<PriceTable> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new PriceTableError(`--prices ${path}: ${(err as Error).message}`);
  }
  return validatePriceTable(raw, `--prices ${path}`);
}

export function validatePriceTable(raw: unknown, where: string): PriceTable {
  const fail = (what: string): never => {
    throw new PriceTableError(`${where}: ${what}`);
  };
  if (!raw || typeof raw !== 'object') fail('must be a JSON object like the default table (docs/operations.md, Prices)');
  const t = raw as Record<string, unknown>;
  if (typeof t.currency !== 'string' || t.currency === '') fail('currency must be a string, e.g. "CNY"');
  const price = (v: unknown, at: string) => {
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return fail(`${at} must be a number ≥ 0 or null (unknown)`);
    return v;
  };
  const retrieval = (t.retrieval ?? {}) as Record<string, Record<string, { perGB?: unknown; per10kRequests?: unknown }>>;
  const classes: Record<string, Record<string, RetrievalPrice>> = {};
  for (const [cls, tiers] of Object.entries({
    Archive: ['none'],
    ColdArchive: ['Expedited', 'Standard', 'Bulk'],
    DeepColdArchive: ['Expedited', 'Standard'],
  })) {
    classes[cls] = {};
    for (const tier of tiers) {
      const p = retrieval[cls]?.[tier];
      classes[cls]![tier] = p
        ? {
            perGB: price(p.perGB ?? null, `retrieval.${cls}.${tier}.perGB`),
            per10kRequests: price(p.per10kRequests ?? null, `retrieval.${cls}.${tier}.per10kRequests`),
          }
        : { perGB: null, per10kRequests: null };
    }
  }
  return {
    currency: t.currency as string,
    region: typeof t.region === 'string' ? t.region : 'as given',
    sources: Array.isArray(t.sources) ? t.sources.map(String) : [where],
    retrieval: classes as unknown as PriceTable['retrieval'],
    temporaryCopyPerGBMonth: price(t.temporaryCopyPerGBMonth ?? null, 'temporaryCopyPerGBMonth'),
  };
}
