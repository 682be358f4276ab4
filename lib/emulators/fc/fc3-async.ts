// Asynchronous invocations of FC 3.0 functions (InvokeFunction with x-fc-invocation-type: Async):
// FC queues the event, answers 202 at once, runs it, retries a failed run up to
// maxAsyncRetryAttempts times (default 3) while the event is younger than maxAsyncEventAgeInSeconds
// (default 86400), and then hands the outcome to the function's destinations
// (PutAsyncInvokeConfig; FC "Destinations for asynchronous invocations"): onSuccess after a
// successful run, onFailure once the retries or the event's age are spent.
//
// A destination is delivered with the function's own role, which must allow it (FC's note, as
// alicloud_fc_function_async_invoke_config repeats it: "Ensure the FC Function RAM Role has necessary
// permissions for the destination, such as mns:SendMessage, mns:PublishMessage or fc:InvokeFunction"):
//   FC function     fc:InvokeFunction on its ARN; emulated: the destination function is invoked with
//                   the record below as its event (once; its own retries: unconfirmed)
//   MNS queue/topic mns:SendMessage / mns:PublishMessage on the destination ARN; EventBridge bus
//                   eventbridge:PutEvents on acs:eventbridge:{r}:{uid}:eventbus/{bus}: no MNS or
//                   EventBridge emulator exists, so the record is kept in an outbox (deliveries())
// A destination the role may not reach, or a function without a role, drops the record with a
// warning and a counter. The record (FC's "result callback" context; field names as FC documents
// them, their exact values unconfirmed):
//   {timestamp, requestContext {requestId, functionArn, condition, approximateInvokeCount},
//    requestPayload, responseContext {statusCode, functionError}, responsePayload}
// Retry delays are FC's "exponential backoff" scaled down for a laptop: delayMs(attempt) (unconfirmed
// intervals); the clock is injected for the event's age.
import { RoleAssumptionError } from '../shared/access';
import type { CloudAccount } from '../shared/access';
import type { EmulatorClock as Clock } from '../shared/clock';
import type { EmulatorLog as Logger } from '../shared/log';
import type { FcScope } from './authorization';
import { type DestinationKind, destinationKind, type Fc3Model } from './fc3-model';
import type { RoleCredentials } from './role-credentials';
import type { InvocationOutcome } from './runtime';

/** Records held for destinations no emulator receives; the oldest go first. */
const MAX_OUTBOX = 1_000;
/** Events waiting to run or be retried, per stack: past this, new async invocations are refused. */
export const MAX_QUEUED_EVENTS = 10_000;

export interface DestinationRecord {
  readonly timestamp: number;
  readonly requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
  readonly requestPayload: string;
  readonly responseContext: { statusCode: number; functionError: string };
  readonly responsePayload: string;
}

export interface Delivery {
  readonly destination: string;
  readonly kind: DestinationKind['type'];
  readonly record: DestinationRecord;
}

export interface AsyncStats {
  queued: number;
  succeeded: number;
  failed: number;
  retried: number;
  delivered: number;
  /** Records a destination did not take: the role was missing or refused. */
  refused: number;
}

export interface AsyncInvocationsOptions {
  readonly model: Fc3Model;
  readonly invoke: (fn: string, event: Buffer) => Promise<InvocationOutcome>;
  readonly account: CloudAccount;
  /** FC's credentials for function roles (fc.aliyuncs.com). */
  readonly roles: RoleCredentials;
  readonly scope: FcScope;
  readonly clock: Clock;
  readonly log: Logger;
  /** Wait before retry `attempt` (1-based); default 1 s × 2^(attempt-1), at most 30 s. */
  readonly retryDelayMs?: (attempt: number) => number;
}

interface Pending {
  readonly fn: string;
  readonly requestId: string;
  readonly payload: Buffer;
  readonly enqueuedAtMs: number;
  attempts: number;
}

export class AsyncInvocations {
  private readonly outbox: Delivery[] = [];
  private readonly counts: AsyncStats = { queued: 0, succeeded: 0, failed: 0, retried: 0, delivered: 0, refused: 0 };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: AsyncInvocationsOptions) {}

  /** Whether another event can be queued (the queue is bounded). */
  get full(): boolean {
    return this.counts.queued >= MAX_QUEUED_EVENTS;
  }

  enqueue(fn: string, payload: Buffer, requestId: string): void {
    this.counts.queued += 1;
    this.run({ fn, requestId, payload, enqueuedAtMs: this.options.clock.nowMs(), attempts: 0 });
  }

  /** Records handed to MNS or EventBridge destinations (no emulator of theirs receives them). */
  deliveries(): Delivery[] {
    return this.outbox.map((d) => structuredClone(d));
  }

  stats(): AsyncStats {
    return { ...this.counts };
  }

  /** Stops retries and waits for runs in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private run(event: Pending): void {
    if (this.closed) return;
    const p = this.attempt(event).catch((error: unknown) => this.options.log.warn('async invocation failed', { function: event.fn, error }));
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private async attempt(event: Pending): Promise<void> {
    const { model } = this.options;
    if (!model.findFunction(event.fn)) {
      // Deleted while queued: nothing left to run or to deliver to.
      this.counts.queued -= 1;
      return;
    }
    const config = model.effectiveAsyncConfig(event.fn);
    event.attempts += 1;
    let outcome: InvocationOutcome;
    try {
      outcome = await this.options.invoke(event.fn, event.payload);
    } catch (error) {
      outcome = { ok: false, errorMessage: error instanceof Error ? error.message : String(error), errorType: (error as Error)?.name ?? 'Error' };
    }
    if (outcome.ok) {
      this.counts.queued -= 1;
      this.counts.succeeded += 1;
      const to = config.destinationConfig.onSuccess?.destination;
      if (to) await this.deliver(event, to, 'Success', outcome);
      return;
    }
    const ageMs = this.options.clock.nowMs() - event.enqueuedAtMs;
    const retriesLeft = event.attempts <= config.maxAsyncRetryAttempts;
    const young = ageMs < config.maxAsyncEventAgeInSeconds * 1000;
    if (retriesLeft && young && !this.closed) {
      this.counts.retried += 1;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.run(event);
      }, this.delayMs(event.attempts));
      timer.unref();
      this.timers.add(timer);
      return;
    }
    this.counts.queued -= 1;
    this.counts.failed += 1;
    this.options.log.warn('async invocation failed for good', {
      function: event.fn,
      requestId: event.requestId,
      attempts: event.attempts,
      error: outcome.errorMessage,
    });
    const to = config.destinationConfig.onFailure?.destination;
    // (unconfirmed) conditions: the function's error type, or EventMaxAgeExceeded when its age ran out.
    if (to) await this.deliver(event, to, young ? outcome.errorType || 'UnhandledInvocationError' : 'EventMaxAgeExceeded', outcome);
  }

  private delayMs(attempt: number): number {
    return this.options.retryDelayMs?.(attempt) ?? Math.min(30_000, 1_000 * 2 ** (attempt - 1));
  }

  private async deliver(event: Pending, destination: string, condition: string, outcome: InvocationOutcome): Promise<void> {
    const { model, scope, account, roles, log } = this.options;
    const kind = destinationKind(destination, scope);
    const fn = model.findFunction(event.fn);
    if (!kind || !fn) return;
    const record: DestinationRecord = {
      timestamp: this.options.clock.nowMs(),
      requestContext: { requestId: event.requestId, functionArn: fn.functionArn, condition, approximateInvokeCount: event.attempts },
      requestPayload: event.payload.toString('utf8'),
      responseContext: { statusCode: 200, functionError: outcome.ok ? '' : 'UnhandledInvocationError' },
      responsePayload: outcome.ok
        ? typeof outcome.result === 'string'
          ? outcome.result
          : JSON.stringify(outcome.result ?? null)
        : JSON.stringify({ errorMessage: outcome.errorMessage, errorType: outcome.errorType }),
    };
    const { action, resource } = destinationAccess(kind, destination, scope);
    let refusal: string | undefined;
    if (!fn.role) refusal = `function '${event.fn}' has no role to deliver to ${destination} with`;
    else {
      try {
        const key = roles.get(fn.role, `fc3-${event.fn}`.slice(0, 64));
        if (!account.authorize(key.principal, { action, resource }).allowed) refusal = `the role ${fn.role} is not allowed ${action} on ${resource}`;
      } catch (error) {
        if (!(error instanceof RoleAssumptionError)) throw error;
        refusal = `the role ${fn.role} cannot be assumed: ${error.code}: ${error.message}`;
      }
    }
    if (refusal) {
      this.counts.refused += 1;
      log.warn('an async invocation record was not delivered to its destination', { function: event.fn, destination, reason: refusal });
      return;
    }
    this.counts.delivered += 1;
    if (kind.type === 'fc') {
      const target = kind.name;
      if (!model.findFunction(target)) {
        log.warn('the destination function does not exist', { function: event.fn, destination });
        return;
      }
      const delivered = await this.options.invoke(target, Buffer.from(JSON.stringify(record)));
      if (!delivered.ok) log.warn('the destination function failed', { destination, error: delivered.errorMessage });
      return;
    }
    if (this.outbox.length >= MAX_OUTBOX) this.outbox.shift();
    this.outbox.push({ destination, kind: kind.type, record });
  }
}

/** What the function's role must be allowed to deliver to a destination. */
export function destinationAccess(kind: DestinationKind, destination: string, scope: FcScope): { action: string; resource: string } {
  switch (kind.type) {
    case 'fc':
      return { action: 'fc:InvokeFunction', resource: destination };
    case 'mns-queue':
      return { action: 'mns:SendMessage', resource: destination };
    case 'mns-topic':
      return { action: 'mns:PublishMessage', resource: destination };
    case 'eventbridge':
      return { action: 'eventbridge:PutEvents', resource: `acs:eventbridge:${scope.region}:${scope.accountId}:eventbus/${kind.name}` };
  }
}
