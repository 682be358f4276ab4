// Deterministic fault injection shared by the emulators. A rule names an operation (or '*'),
// and the same seed always yields the same sequence of faults, so a failing test replays exactly.

export interface FaultRule {
  /** Operation name as the emulator's stats count it (e.g. 'RestoreObject', 'UpdateRow'), or '*'. */
  operation: string;
  /** Probability in [0, 1] of answering with the emulator's transient error (OSS 503, OTSServerBusy, …). */
  errorRate?: number;
  /** Probability in [0, 1] of destroying the connection without an answer. */
  resetRate?: number;
  /** Added delay before answering, in real milliseconds. */
  latencyMs?: number;
}

export interface FaultPlan {
  seed?: number;
  rules: FaultRule[];
}

export type FaultDecision = { kind: 'none'; latencyMs: number } | { kind: 'error'; latencyMs: number } | { kind: 'reset'; latencyMs: number };

/** mulberry32: tiny, fast, and good enough to spread faults evenly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private random: () => number = seededRandom(1);

  constructor(plan?: FaultPlan) {
    if (plan) this.configure(plan);
  }

  configure(plan: FaultPlan): void {
    for (const rule of plan.rules) validateRule(rule);
    this.rules = plan.rules.map((r) => ({ ...r }));
    this.random = seededRandom(plan.seed ?? 1);
  }

  clear(): void {
    this.rules = [];
  }

  decide(operation: string): FaultDecision {
    const rule = this.rules.find((r) => r.operation === operation) ?? this.rules.find((r) => r.operation === '*');
    if (!rule) return { kind: 'none', latencyMs: 0 };
    const latencyMs = rule.latencyMs ?? 0;
    const roll = this.random();
    const resetRate = rule.resetRate ?? 0;
    if (roll < resetRate) return { kind: 'reset', latencyMs };
    if (roll < resetRate + (rule.errorRate ?? 0)) return { kind: 'error', latencyMs };
    return { kind: 'none', latencyMs };
  }
}

function validateRule(rule: FaultRule): void {
  if (typeof rule.operation !== 'string' || rule.operation === '') {
    throw new TypeError('fault rule needs an operation name or "*"');
  }
  for (const field of ['errorRate', 'resetRate'] as const) {
    const v = rule[field];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) {
      throw new TypeError(`fault rule ${field} must be a number in [0, 1], got ${String(v)}`);
    }
  }
  if (rule.latencyMs !== undefined && !(Number.isFinite(rule.latencyMs) && rule.latencyMs >= 0)) {
    throw new TypeError(`fault rule latencyMs must be a non-negative number, got ${String(rule.latencyMs)}`);
  }
}
