// A plan is the list of steps a deploy or destroy would take, each with its reason, computed
// from what exists now. `--dry-run` prints it; otherwise the steps run in order. Every step is a
// create-or-update (or a delete of what exists), so running a plan again after it stopped half-way
// picks up where it stopped: that is how a deploy converges after a fault.
import { sleep as realSleep, systemClock } from '../clock';
import { retry } from '../retry';
import { failureKind, reasonOf, StepFailedError } from './errors';

export type ResourceKind =
  | 'role'
  | 'service-linked role'
  | 'service'
  | 'function'
  | 'async invocation'
  | 'concurrency'
  | 'tags'
  | 'trigger'
  | 'domain'
  | 'tables'
  | 'log index'
  | 'dashboard'
  | 'alert'
  | 'action policy'
  | 'webhook';
/** `blocked`: the step cannot be taken as things are (e.g. a same-named role someone else made); nothing runs. */
export type Action = 'create' | 'update' | 'delete' | 'unchanged' | 'keep' | 'blocked';

export interface DeployStep {
  readonly kind: ResourceKind;
  /** e.g. "oss-thaw/http/access-log" for a trigger. */
  readonly name: string;
  readonly action: Action;
  /** Why this action: "not found", "code checksum 1 → 2", "in the template, same as deployed", … */
  readonly reasons: readonly string[];
  /** Absent for unchanged/keep/blocked steps. */
  readonly run?: () => Promise<void>;
  /**
   * The step uses a RAM role this run creates or changes. RAM is eventually consistent (Funcraft
   * retries every RAM-dependent call; Alibaba's Serverless plugin sleeps after creating a role), so
   * a refusal that names the role is retried for a while before the step fails.
   */
  readonly usesNewRole?: boolean;
}

export interface DeployPlan {
  readonly steps: readonly DeployStep[];
}

export function changes(plan: DeployPlan): DeployStep[] {
  return plan.steps.filter((s) => s.action !== 'unchanged' && s.action !== 'keep');
}

export function blocked(plan: DeployPlan): DeployStep[] {
  return plan.steps.filter((s) => s.action === 'blocked');
}

const MARK: Record<Action, string> = { create: '+', update: '~', delete: '-', unchanged: '=', keep: '=', blocked: '!' };

/** One line per step, aligned: "+ create  function  oss-thaw/http  (not found)". */
export function formatPlan(plan: DeployPlan): string {
  const width = Math.max(0, ...plan.steps.map((s) => s.name.length));
  const kinds = Math.max(0, ...plan.steps.map((s) => s.kind.length));
  return plan.steps
    .map((s) => `  ${MARK[s.action]} ${s.action.padEnd(9)} ${s.kind.padEnd(kinds)} ${s.name.padEnd(width)}  (${s.reasons.join('; ')})`)
    .join('\n');
}

export function summary(plan: DeployPlan): string {
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

/** 5xx, throttling, a reset or timed-out connection: the same step may succeed if run again. */
export function isRetryableStepFailure(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown };
  if (typeof e?.code === 'number') return e.code >= 500 || e.code === 429;
  return TRANSIENT_CODES.has(String(e?.code ?? '')) || TRANSIENT_CODES.has(String(e?.name ?? ''));
}

/**
 * A step that uses a role created or changed in this run: RAM's change may not have reached the
 * service yet. About a minute in all (no documented bound; Funcraft retries such calls, Alibaba's
 * Serverless plugin sleeps after creating a role).
 */
const PROPAGATION_RETRY = { baseMs: 2_000, maxMs: 15_000, maxAttempts: 7 };

/** A refusal that a role not yet visible to the service would explain. */
export function isRolePropagation(err: unknown): boolean {
  if (isRetryableStepFailure(err)) return true;
  const kind = failureKind(err);
  const text = reasonOf(err);
  return kind === 'permission' || (kind !== 'network' && /role/i.test(text));
}

/** Runs the steps in order, each with bounded retries of transient faults; the first failure stops the run and says what to do. */
export async function applyPlan(
  plan: DeployPlan,
  progress: (step: DeployStep) => void = () => undefined,
  sleep: (ms: number) => Promise<void> = realSleep,
): Promise<number> {
  let ran = 0;
  for (const step of plan.steps) {
    if (!step.run) continue;
    progress(step);
    const run = step.run;
    try {
      const [policy, retryable] = step.usesNewRole ? [PROPAGATION_RETRY, isRolePropagation] : [STEP_RETRY, isRetryableStepFailure];
      await retry(() => run(), { policy, retryable, clock: systemClock, random: Math.random, sleep });
    } catch (err) {
      const reason = describeStepFailure(err);
      throw new StepFailedError(
        `${step.action} ${step.kind} ${step.name} failed: ${reason}. The ${ran} step(s) before it are done; run the same command again to carry on (every step is create-or-update).`,
        { cause: err },
      );
    }
    ran++;
  }
  return ran;
}

/** What went wrong, and what kind of wrong: a refused permission, an unreachable network, … */
export function describeStepFailure(err: unknown): string {
  const kind = failureKind(err);
  const label: Record<typeof kind, string> = {
    network: 'the service could not be reached',
    credentials: 'the credentials were refused',
    permission: 'permission denied',
    acl: "refused by the resource's network ACL",
    missing: 'not found',
    region: 'wrong region',
    other: '',
  };
  return `${label[kind] ? `${label[kind]}: ` : ''}${reasonOf(err)}`;
}
