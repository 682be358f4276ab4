// A plan is the list of steps a deploy or destroy would take, each with its reason, computed
// from what exists now. `--dry-run` prints it; otherwise the steps run in order. Every step is a
// create-or-update (or a delete of what exists), so running a plan again after it stopped half-way
// picks up where it stopped: that is how a deploy converges after a fault.
import { sleep as realSleep, systemClock } from '../clock';
import { retry } from '../retry';
import { StepFailedError } from './errors';

export type ResourceKind = 'role' | 'service' | 'function' | 'trigger' | 'tables';
export type Action = 'create' | 'update' | 'delete' | 'unchanged' | 'keep';

export interface Step {
  readonly kind: ResourceKind;
  /** e.g. "oss-thaw/http/access-log" for a trigger. */
  readonly name: string;
  readonly action: Action;
  /** Why this action: "not found", "code checksum 1 → 2", "in the template, same as deployed", … */
  readonly reasons: readonly string[];
  /** Absent for unchanged/keep steps. */
  readonly run?: () => Promise<void>;
}

export interface Plan {
  readonly steps: readonly Step[];
}

export function changes(plan: Plan): Step[] {
  return plan.steps.filter((s) => s.action !== 'unchanged' && s.action !== 'keep');
}

const MARK: Record<Action, string> = { create: '+', update: '~', delete: '-', unchanged: '=', keep: '=' };

/** One line per step, aligned: "+ create  function  oss-thaw/http  (not found)". */
export function formatPlan(plan: Plan): string {
  const width = Math.max(0, ...plan.steps.map((s) => s.name.length));
  return plan.steps.map((s) => `  ${MARK[s.action]} ${s.action.padEnd(9)} ${s.kind.padEnd(8)} ${s.name.padEnd(width)}  (${s.reasons.join('; ')})`).join('\n');
}

export function summary(plan: Plan): string {
  const count = (a: Action) => plan.steps.filter((s) => s.action === a).length;
  const parts = (['create', 'update', 'delete'] as const).filter((a) => count(a) > 0).map((a) => `${count(a)} to ${a}`);
  return parts.length === 0 ? 'no change' : parts.join(', ');
}

/** A step whose call failed this way is tried again (3 attempts in all): every step may be repeated. */
const STEP_RETRY = { baseMs: 500, maxMs: 4_000, maxAttempts: 3 };
const TRANSIENT_CODES = new Set([
  'InternalServerError',
  'ServiceUnavailable',
  'ConcurrentUpdateError',
  'ResourceThrottled',
  'Throttling',
  'Throttling.User',
  'InternalError',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'RequestTimeoutError',
]);

/** 5xx, throttling, a reset or timed-out connection: the same call may succeed if made again. */
export function isTransient(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown };
  if (typeof e?.code === 'number') return e.code >= 500 || e.code === 429;
  return TRANSIENT_CODES.has(String(e?.code ?? '')) || TRANSIENT_CODES.has(String(e?.name ?? ''));
}

/** Runs the steps in order, each with bounded retries of transient faults; the first failure stops the run and says what to do. */
export async function applyPlan(
  plan: Plan,
  progress: (step: Step) => void = () => undefined,
  sleep: (ms: number) => Promise<void> = realSleep,
): Promise<number> {
  let ran = 0;
  for (const step of plan.steps) {
    if (!step.run) continue;
    progress(step);
    const run = step.run;
    try {
      await retry(() => run(), { policy: STEP_RETRY, retryable: isTransient, clock: systemClock, random: Math.random, sleep });
    } catch (err) {
      const reason = describeError(err);
      throw new StepFailedError(
        `${step.action} ${step.kind} ${step.name} failed: ${reason}. The ${ran} step(s) before it are done; run the same command again to carry on (every step is create-or-update).`,
        { cause: err },
      );
    }
    ran++;
  }
  return ran;
}

export function describeError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  return `${code}${String(e?.message ?? err)}`;
}
