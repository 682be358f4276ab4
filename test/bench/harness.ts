// A tiny benchmark harness: each benchmark returns named figures; run.ts prints them as one table
// (for people) and, with --json, one JSON object on the last line (for tools). Figures, never
// pass/fail: targets are read by people (docs/performance.md).

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** What a good value looks like, as a sentence for the reader (e.g. "goal ≥ 9"). */
  readonly target?: string;
  /**
   * The figure's key in the --json summary; dots nest (`costPer1000Misses.thaw.ossRequests`).
   * Figures without one appear only in the table and the summary's `figures` list.
   */
  readonly key?: string;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(): Promise<Figure[]>;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** FC bills GB-seconds: every function of template.yml has 256 MB. */
export const FUNCTION_MEMORY_GB = 0.25;
