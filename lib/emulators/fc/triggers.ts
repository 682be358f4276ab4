// Wires the triggers created in the local FC API to local event sources, each invoking the way its
// service does (FC trigger docs), so a role that would fail in a real account fails here too:
//   http         nothing to wire: http-trigger.ts serves each trigger at its own address
//   oss          the OSS emulator's events for the bucket of sourceArn, filtered by events and key;
//                OSS assumes the trigger's invocationRole (trusting oss.aliyuncs.com) and invokes
//                only when that role may fc:InvokeFunction the function
//   log          a Log Service ETL job (SLS ETLJob roleArn): it reads the source logstore over Log
//                Service's wire with the role's STS credentials (trusting log.aliyuncs.com), so Log
//                Service's own rules apply; invokes with fc:InvokeFunction; writes its execution log
//                into the trigger's logConfig logstore with log:PostLogStoreLogs
//   eventbridge  the OSS events as CloudEvents (source acs.oss, type oss:<name>) matching
//                eventRuleFilterPattern, delivered through the service-linked role
//                AliyunServiceRoleForEventBridgeSendToFC (EventBridge "Service-linked roles": its
//                policy allows fc:InvokeFunction on *); without it, or with EventBridge no longer
//                activated, events are dropped
//   timer        "@every Nm", divided by the time scale; no role
// FC 3.0 functions are wired the same way (applyFc3): the same sources and roles, against the
// function's FC 3.0 ARN acs:fc:{region}:{uid}:functions/{name} (FC 3.0 RAM reference), counted under
// "fc3/<function>/<trigger>".
// A refused invocation is never silent: a warning (the first of a run of refusals) and a
// per-trigger counter (stats(), GET /-/stats). A trigger that is updated is wired again; one that
// is deleted stops.
import { randomUUID } from 'node:crypto';
import type { OssEventRecord } from '../oss';
import type { CloudAccount } from '../shared/access';
import { RoleAssumptionError } from '../shared/access';
import type { EmulatorClock as Clock } from '../shared/clock';
import type { EmulatorLog as Logger } from '../shared/log';
import { type LogTrigger, startLogTrigger } from '../sls';
import { type FcScope, fcArn } from './authorization';
import { fc3Arn } from './fc3-authorization';
import { matchesPattern } from './event-pattern';
import { putLogs } from './log-writer';
import type { TriggerRecord } from './model';
import { RoleCredentials } from './role-credentials';
import type { InvocationOutcome } from './runtime';
import { everyMs } from './trigger-config';

/** EventBridge "Service-linked roles": how EventBridge invokes FC. */
export const EVENTBRIDGE_SEND_TO_FC = 'AliyunServiceRoleForEventBridgeSendToFC';

export interface TriggerInvoker {
  invoke(service: string, fn: string, event: Buffer): Promise<InvocationOutcome>;
  /** An FC 3.0 function's event handler. */
  invokeFc3?(fn: string, event: Buffer): Promise<InvocationOutcome>;
}

/** The function a trigger fires, whichever API made it. */
interface Target {
  /** The stats key: "service/function/trigger", or "fc3/function/trigger". */
  readonly key: string;
  readonly fn: string;
  readonly functionArn: string;
  invoke(event: Buffer): Promise<InvocationOutcome>;
}

export interface TriggerWiringOptions {
  readonly runtime: TriggerInvoker;
  /** Log Service endpoint the Log trigger reads from and writes its execution log to. */
  readonly slsEndpoint: string;
  readonly account: CloudAccount;
  readonly scope: FcScope;
  readonly clock: Clock;
  readonly log: Logger;
  readonly timeScale: number;
  /** How often the local Log trigger runs (FC: triggerInterval, 3–600 s); local default 1 s. */
  readonly logIntervalMs: number;
}

export interface TriggerCounts {
  /** Invocations made (whatever the function answered). */
  invocations: number;
  /** Invocations the function failed. */
  failed: number;
  /** Events or ranges the event source could not deliver: its role was refused, or absent. */
  refused: number;
}

interface Wired {
  stop(): Promise<void> | void;
}

/** An invocation the event source was not allowed to make. */
class Refusal extends Error {
  override readonly name = 'Refusal';
}

export class TriggerWiring {
  private readonly wired = new Map<string, Wired>();
  private readonly ossSubscribers = new Map<string, (record: OssEventRecord) => void>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly counts = new Map<string, TriggerCounts>();
  /** Triggers whose last delivery was refused: the next refusal is not warned about again. */
  private readonly refusing = new Set<string>();
  private readonly ossRoles: RoleCredentials;
  private readonly logRoles: RoleCredentials;

  constructor(private readonly options: TriggerWiringOptions) {
    this.ossRoles = new RoleCredentials(options.account, 'oss.aliyuncs.com', options.clock);
    this.logRoles = new RoleCredentials(options.account, 'log.aliyuncs.com', options.clock);
  }

  /** Every OSS emulator event goes through here. */
  ossEvent(record: OssEventRecord): void {
    for (const [key, deliver] of this.ossSubscribers) {
      try {
        deliver(record);
      } catch (error) {
        // One trigger's bad pattern must not keep the event from the others (or fail the OSS request).
        this.options.log.warn('trigger could not match an OSS event', { trigger: key, error });
      }
    }
  }

  /** Counters per trigger ("service/function/trigger"). */
  stats(): Record<string, TriggerCounts> {
    return Object.fromEntries([...this.counts].map(([k, v]) => [k, { ...v }]));
  }

  async apply(service: string, fn: string, trigger: TriggerRecord): Promise<void> {
    await this.wire(
      {
        key: `${service}/${fn}/${trigger.triggerName}`,
        fn,
        functionArn: fcArn.function(this.options.scope, service, fn, trigger.qualifier),
        invoke: (event) => this.options.runtime.invoke(service, fn, event),
      },
      trigger,
    );
  }

  /** Wires a trigger of an FC 3.0 function (only LATEST exists locally, so the ARN has no qualifier). */
  async applyFc3(fn: string, trigger: TriggerRecord): Promise<void> {
    const runtime = this.options.runtime;
    await this.wire(
      {
        key: `fc3/${fn}/${trigger.triggerName}`,
        fn,
        functionArn: fc3Arn.function(this.options.scope, fn),
        invoke: (event) =>
          runtime.invokeFc3 ? runtime.invokeFc3(fn, event) : Promise.resolve({ ok: false, errorMessage: 'no FC 3.0 runtime', errorType: 'NotImplemented' }),
      },
      trigger,
    );
  }

  private async wire(target: Target, trigger: TriggerRecord): Promise<void> {
    const { key, functionArn } = target;
    await this.unwire(key);
    const config = trigger.triggerConfig;
    switch (trigger.triggerType) {
      case 'http':
        return;
      case 'log':
        if (config.enable === false) return;
        this.wired.set(key, this.logJob(target, trigger));
        return;
      case 'oss': {
        const bucket = String(trigger.sourceArn).split(':').pop()!;
        const events = config.events as string[];
        const filter = (config.filter as { key?: { prefix?: string; suffix?: string } } | undefined)?.key ?? {};
        this.ossSubscribers.set(key, (record) => {
          if (record.oss.bucket.name !== bucket) return;
          if (!events.some((e) => eventMatches(e, `oss:${record.eventName}`))) return;
          const objectKey = record.oss.object.key;
          if (!objectKey.startsWith(filter.prefix ?? '') || !objectKey.endsWith(filter.suffix ?? '')) return;
          this.track(
            (async () => {
              // OSS invokes with the trigger's role (FC OSS trigger: trusted entity oss.aliyuncs.com).
              const refusal = this.roleRefusal(this.ossRoles, String(trigger.invocationRole), `oss-${trigger.triggerName}`, functionArn);
              if (refusal) return this.refused(key, 'OSS could not invoke the function of its trigger', refusal);
              await this.invoke(target, { events: [record] });
            })(),
          );
        });
        this.wired.set(key, { stop: () => void this.ossSubscribers.delete(key) });
        return;
      }
      case 'eventbridge': {
        if (config.triggerEnable === false) return;
        const pattern = JSON.parse(String(config.eventRuleFilterPattern));
        this.ossSubscribers.set(key, (record) => {
          const event = cloudEvent(record, this.options.account.accountId);
          if (!matchesPattern(pattern, event)) return;
          const account = this.options.account;
          if (!account.isActivated('eventbridge')) return this.refused(key, 'EventBridge dropped an event', 'EventBridge is not activated in the account');
          if (!account.hasServiceLinkedRole(EVENTBRIDGE_SEND_TO_FC)) {
            return this.refused(key, 'EventBridge dropped an event', `the service-linked role ${EVENTBRIDGE_SEND_TO_FC} does not exist`);
          }
          this.track(this.invoke(target, event));
        });
        this.wired.set(key, { stop: () => void this.ossSubscribers.delete(key) });
        return;
      }
      case 'timer': {
        if (config.enable === false) return;
        const interval = everyMs(String(config.cronExpression));
        if (interval === undefined) {
          this.options.log.warn('timer trigger not emulated locally (only "@every …" is)', { function: target.fn, cronExpression: config.cronExpression });
          return;
        }
        const timer = setInterval(
          () =>
            this.track(
              this.invoke(target, {
                triggerTime: new Date(this.options.clock.nowMs()).toISOString(),
                triggerName: trigger.triggerName,
                payload: String(config.payload ?? ''),
              }),
            ),
          Math.max(250, interval / this.options.timeScale),
        );
        timer.unref();
        this.wired.set(key, { stop: () => clearInterval(timer) });
        return;
      }
    }
  }

  async remove(service: string, fn: string, trigger: string): Promise<void> {
    await this.unwire(`${service}/${fn}/${trigger}`);
  }

  async removeFc3(fn: string, trigger: string): Promise<void> {
    await this.unwire(`fc3/${fn}/${trigger}`);
  }

  private async unwire(key: string): Promise<void> {
    const wired = this.wired.get(key);
    this.wired.delete(key);
    await wired?.stop();
  }

  /** Stops every source, then lets invocations already started finish. */
  async close(): Promise<void> {
    for (const w of this.wired.values()) await w.stop();
    this.wired.clear();
    this.ossSubscribers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * The Log trigger as Log Service runs it: a job reading the source logstore with the trigger's
   * role. A job that cannot start (the role cannot be assumed, or may not list the shards) is
   * retried every interval, so granting what was missing heals it.
   */
  private logJob(target: Target, trigger: TriggerRecord): Wired {
    const { key, functionArn } = target;
    const config = trigger.triggerConfig;
    const role = String(trigger.invocationRole);
    const project = String(trigger.sourceArn).split('project/')[1]!;
    const executionLogstore = config.logConfig as { project: string; logstore: string };
    const jobName = randomUUID().replace(/-/g, '');
    let job: LogTrigger | undefined;
    let stopped = false;
    const start = async (): Promise<void> => {
      try {
        job = await startLogTrigger({
          endpoint: this.options.slsEndpoint,
          credentials: () => this.logRoles.get(role, `log-${trigger.triggerName}`),
          project,
          logstore: (config.sourceConfig as { logstore: string }).logstore,
          intervalMs: this.options.logIntervalMs,
          startFrom: 'begin',
          jobName,
          clock: this.options.clock,
          parameter: (config.functionParameter as Record<string, unknown> | undefined) ?? {},
          invoke: async (event) => {
            const refusal = this.roleRefusal(this.logRoles, role, `log-${trigger.triggerName}`, functionArn);
            if (refusal) {
              this.refused(key, 'the Log trigger could not invoke its function; the range is offered again', refusal);
              throw new Refusal(refusal);
            }
            const outcome = await this.invoke(target, event);
            await this.executionLog(key, role, trigger, executionLogstore, {
              jobName: event.jobName,
              taskId: event.taskId,
              shardId: String(event.source.shardId),
              beginCursor: event.source.beginCursor,
              endCursor: event.source.endCursor,
              status: outcome.ok ? 'Succeeded' : 'Failed',
              message: outcome.ok ? '' : `${outcome.errorType}: ${outcome.errorMessage}`,
            });
            // A failed invocation is offered again, as FC retries a range (maxRetryTime).
            if (!outcome.ok) throw new Error(`${outcome.errorType}: ${outcome.errorMessage}`);
          },
          onError: (error) => {
            if (error instanceof Refusal) return;
            this.refused(key, 'the Log trigger could not read its source logstore with its role', describe(error));
          },
        });
        if (stopped) await job.stop();
      } catch (error) {
        this.refused(key, 'the Log trigger could not start reading its source logstore with its role', describe(error));
        if (!stopped) retry = setTimeout(() => void start(), this.options.logIntervalMs);
        retry?.unref();
      }
    };
    let retry: NodeJS.Timeout | undefined;
    const starting = start();
    return {
      stop: async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        await starting;
        await job?.stop();
      },
    };
  }

  /**
   * The trigger's execution log, written with its role into its logConfig logstore
   * (LogTriggerConfig.logConfig: "触发函数的过程中发生的异常和函数执行统计信息会记录到该 Logstore";
   * its fields are unconfirmed: these name the range and the outcome).
   */
  private async executionLog(
    key: string,
    role: string,
    trigger: TriggerRecord,
    target: { project: string; logstore: string },
    contents: Record<string, string>,
  ): Promise<void> {
    try {
      await putLogs({
        endpoint: this.options.slsEndpoint,
        project: target.project,
        logstore: target.logstore,
        credentials: this.logRoles.get(role, `log-${trigger.triggerName}`),
        logs: [{ time: Math.floor(this.options.clock.nowMs() / 1000), contents: { triggerName: trigger.triggerName, ...contents } }],
      });
    } catch (error) {
      this.options.log.warn('the Log trigger could not write its execution log', {
        trigger: key,
        logstore: `${target.project}/${target.logstore}`,
        error: describe(error),
      });
    }
  }

  /** Why the role may not invoke the function, or undefined when it may. */
  private roleRefusal(roles: RoleCredentials, role: string, session: string, functionArn: string): string | undefined {
    try {
      const key = roles.get(role, session);
      return roles.allows(key, 'fc:InvokeFunction', functionArn) ? undefined : `the role ${role} is not allowed fc:InvokeFunction on ${functionArn}`;
    } catch (error) {
      if (error instanceof RoleAssumptionError) return `the role ${role} cannot be assumed: ${error.code}: ${error.message}`;
      throw error;
    }
  }

  private refused(key: string, message: string, reason: string): void {
    this.count(key).refused += 1;
    if (this.refusing.has(key)) return;
    this.refusing.add(key);
    this.options.log.warn(message, { trigger: key, reason, refused: this.count(key).refused });
  }

  private async invoke(target: Target, event: unknown): Promise<InvocationOutcome> {
    const { key, fn } = target;
    this.refusing.delete(key);
    const counts = this.count(key);
    counts.invocations += 1;
    let outcome: InvocationOutcome;
    try {
      outcome = await target.invoke(Buffer.from(JSON.stringify(event)));
    } catch (error) {
      outcome = { ok: false, errorMessage: describe(error), errorType: (error as Error).name ?? 'Error' };
    }
    if (!outcome.ok) {
      counts.failed += 1;
      this.options.log.warn('trigger invocation failed', { function: fn, trigger: key, error: `${outcome.errorType}: ${outcome.errorMessage}` });
    }
    return outcome;
  }

  private count(key: string): TriggerCounts {
    const c = this.counts.get(key) ?? { invocations: 0, failed: 0, refused: 0 };
    this.counts.set(key, c);
    return c;
  }

  private track(invocation: Promise<unknown>): void {
    const p = invocation.catch((error: unknown) => this.options.log.warn('trigger invocation failed', { error }));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}

function describe(error: unknown): string {
  if (error instanceof RoleAssumptionError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** An OSS trigger event name pattern: exact, or "…:*" for every name under it. */
function eventMatches(pattern: string, name: string): boolean {
  return pattern === name || (pattern.endsWith(':*') && name.startsWith(pattern.slice(0, -1)));
}

/** An OSS event as EventBridge delivers it: a CloudEvent whose data is the OSS trigger record. */
function cloudEvent(record: OssEventRecord, accountId: string): Record<string, unknown> {
  return {
    id: randomUUID(),
    source: 'acs.oss',
    specversion: '1.0',
    type: `oss:${record.eventName}`,
    subject: `acs:oss:${record.region}:${accountId}:${record.oss.bucket.name}/${record.oss.object.key}`,
    time: record.eventTime,
    datacontenttype: 'application/json;charset=utf-8',
    aliyunaccountid: accountId,
    aliyunregionid: record.region,
    data: record,
  };
}
