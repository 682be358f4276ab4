// Deterministic fault injection shared by the emulators. A rule names an operation (or '*'),
// and the same seed always yields the same sequence of faults, so a failing test replays exactly.
//
// Two families of fault: the request fails before it is applied (errorRate, resetRate), or it is
// applied and its answer is lost (ackResetRate, ackDropRate). The second is the dangerous one in
// the cloud — the write or the restore landed, yet the client saw a network error — and retries
// must be written for it.

export interface FaultRule {
  /** Operation name as the emulator's stats count it (e.g. 'RestoreObject', 'UpdateRow'), or '*'. */
  operation: string;
  /** Probability in [0, 1] of answering with the emulator's transient error (OSS 503, OTSServerBusy, …); nothing is applied. */
  errorRate?: number;
  /** Probability in [0, 1] of destroying the connection without an answer; nothing is applied. */
  resetRate?: number;
  /** Probability in [0, 1] of applying the request, then destroying the connection instead of answering. */
  ackResetRate?: number;
  /** Probability in [0, 1] of applying the request, then never answering (the client's timeout ends it). */
  ackDropRate?: number;
  /** Added delay before answering, in real milliseconds. */
  latencyMs?: number;
}

export interface FaultPlan {
  seed?: number;
  rules: FaultRule[];
}

export const FaultKind = {
  None: 'none',
  Error: 'error',
  Reset: 'reset',
  /** Applied, then the connection was destroyed. */
  AckReset: 'ack-reset',
  /** Applied, then the answer was never sent. */
  AckDrop: 'ack-drop',
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

export interface FaultDecision {
  readonly kind: FaultKind;
  readonly latencyMs: number;
}

/** Whether the request is to be applied before the decided fault strikes. */
export function appliesRequest(decision: FaultDecision): boolean {
  return decision.kind === FaultKind.None || decision.kind === FaultKind.AckReset || decision.kind === FaultKind.AckDrop;
}

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

const RATES = ['errorRate', 'resetRate', 'ackResetRate', 'ackDropRate'] as const;

export class FaultInjector {
  private rules: FaultRule[] = [];
  private random: () => number = seededRandom(1);
  private seed = 1;
  private readonly injected = new Map<FaultKind, number>();

  constructor(plan?: FaultPlan) {
    if (plan) this.configure(plan);
  }

  configure(plan: FaultPlan): void {
    if (plan === null || typeof plan !== 'object' || !Array.isArray(plan.rules)) throw new TypeError('a FaultPlan is {"seed"?: n, "rules": [...]}');
    if (plan.seed !== undefined && !Number.isInteger(plan.seed)) throw new TypeError(`fault plan seed must be an integer, got ${String(plan.seed)}`);
    for (const rule of plan.rules) validateRule(rule);
    this.rules = plan.rules.map((r) => ({ ...r }));
    this.seed = plan.seed ?? 1;
    this.random = seededRandom(this.seed);
  }

  clear(): void {
    this.rules = [];
  }

  decide(operation: string): FaultDecision {
    const rule = this.rules.find((r) => r.operation === operation) ?? this.rules.find((r) => r.operation === '*');
    if (!rule) return { kind: FaultKind.None, latencyMs: 0 };
    const latencyMs = rule.latencyMs ?? 0;
    // One roll per request, compared against the rates stacked in a fixed order, so adding a rate
    // to a plan never changes which requests the other rates hit.
    const roll = this.random();
    let bound = 0;
    const stacked: [number | undefined, FaultKind][] = [
      [rule.resetRate, FaultKind.Reset],
      [rule.errorRate, FaultKind.Error],
      [rule.ackResetRate, FaultKind.AckReset],
      [rule.ackDropRate, FaultKind.AckDrop],
    ];
    for (const [rate, kind] of stacked) {
      bound += rate ?? 0;
      if (roll < bound) {
        this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
        return { kind, latencyMs };
      }
    }
    return { kind: FaultKind.None, latencyMs };
  }

  /** The plan in force and how many faults of each kind it has injected (GET /-/faults). */
  describe(): { seed: number; rules: FaultRule[]; injected: Record<string, number> } {
    return { seed: this.seed, rules: this.rules.map((r) => ({ ...r })), injected: Object.fromEntries(this.injected) };
  }
}

function validateRule(rule: FaultRule): void {
  if (rule === null || typeof rule !== 'object') throw new TypeError('a fault rule is an object with an "operation"');
  if (typeof rule.operation !== 'string' || rule.operation === '') {
    throw new TypeError('fault rule needs an operation name or "*"');
  }
  let total = 0;
  for (const field of RATES) {
    const v = rule[field];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) {
      throw new TypeError(`fault rule ${field} must be a number in [0, 1], got ${String(v)}`);
    }
    total += v ?? 0;
  }
  if (total > 1 + 1e-9) throw new TypeError(`fault rule rates for ${rule.operation} add up to ${total}, more than 1`);
  if (rule.latencyMs !== undefined && !(Number.isFinite(rule.latencyMs) && rule.latencyMs >= 0 && rule.latencyMs <= 600_000)) {
    throw new TypeError(`fault rule latencyMs must be a number of milliseconds in [0, 600000], got ${String(rule.latencyMs)}`);
  }
}
