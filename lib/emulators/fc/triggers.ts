// Wires the triggers that were created in the local FC API to local event sources, as FC, Log
// Service, OSS and EventBridge would: the runtime then runs each deployed function because one of
// its triggers fired.
//   http         the stack's HTTP listener routes to the function that has an HTTP trigger
//   log          a local Log trigger over the SLS emulator: [beginCursor, endCursor) per shard
//   oss          the OSS emulator's events for the bucket of sourceArn, filtered by events and key
//   eventbridge  the same events as CloudEvents (source acs.oss, type oss:<name>), filtered by
//                eventRuleFilterPattern
//   timer        "@every Nm", divided by the time scale
// A trigger that is updated is wired again; one that is deleted stops.
import { randomUUID } from 'node:crypto';
import type { OssEventRecord } from '../oss';
import { type LogTrigger, type SlsEmulator, startLogTrigger } from '../sls';
import type { EmulatorLog as Logger } from '../shared/log';
import { matchesPattern } from './event-pattern';
import type { TriggerRecord } from './model';
import type { LocalRuntime } from './runtime';
import { everyMs } from './trigger-config';

export interface TriggerWiringOptions {
  readonly runtime: LocalRuntime;
  readonly sls: SlsEmulator;
  readonly log: Logger;
  readonly timeScale: number;
  /** How often the local Log trigger runs (FC: triggerInterval, 3–600 s); local default 1 s. */
  readonly logIntervalMs: number;
  readonly accountId: string;
}

interface Wired {
  stop(): Promise<void> | void;
}

export class TriggerWiring {
  private readonly wired = new Map<string, Wired>();
  private readonly ossSubscribers = new Map<string, (record: OssEventRecord) => void>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** service/function of the function with an HTTP trigger. */
  private http: { service: string; fn: string } | undefined;

  constructor(private readonly options: TriggerWiringOptions) {}

  httpTarget(): { service: string; fn: string } | undefined {
    return this.http;
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

  async apply(service: string, fn: string, trigger: TriggerRecord): Promise<void> {
    const key = `${service}/${fn}/${trigger.triggerName}`;
    await this.remove(service, fn, trigger.triggerName);
    const config = trigger.triggerConfig;
    const invoke = (event: unknown) => this.track(this.invoke(service, fn, trigger.triggerName, event));
    switch (trigger.triggerType) {
      case 'http':
        this.http = { service, fn };
        this.wired.set(key, {
          stop: () => {
            this.http = undefined;
          },
        });
        return;
      case 'log': {
        if (config.enable === false) return;
        const project = String(trigger.sourceArn).split('project/')[1]!;
        const logTrigger: LogTrigger = await startLogTrigger({
          emulator: this.options.sls,
          project,
          logstore: (config.sourceConfig as { logstore: string }).logstore,
          intervalMs: this.options.logIntervalMs,
          startFrom: 'begin',
          parameter: (config.functionParameter as Record<string, unknown> | undefined) ?? {},
          invoke: async (event) => {
            const outcome = await this.options.runtime.invoke(service, fn, Buffer.from(JSON.stringify(event)));
            // A failed invocation is offered again, as FC retries a range (maxRetryTime).
            if (!outcome.ok) throw new Error(`${outcome.errorType}: ${outcome.errorMessage}`);
          },
          onError: (error) => this.options.log.warn('log trigger invocation failed; the range will be retried', { function: fn, error }),
        });
        this.wired.set(key, { stop: () => logTrigger.stop() });
        return;
      }
      case 'oss': {
        const bucket = String(trigger.sourceArn).split(':').pop()!;
        const events = config.events as string[];
        const filter = (config.filter as { key?: { prefix?: string; suffix?: string } } | undefined)?.key ?? {};
        this.ossSubscribers.set(key, (record) => {
          if (record.oss.bucket.name !== bucket) return;
          if (!events.some((e) => eventMatches(e, `oss:${record.eventName}`))) return;
          const objectKey = record.oss.object.key;
          if (!objectKey.startsWith(filter.prefix ?? '') || !objectKey.endsWith(filter.suffix ?? '')) return;
          invoke({ events: [record] });
        });
        this.wired.set(key, { stop: () => void this.ossSubscribers.delete(key) });
        return;
      }
      case 'eventbridge': {
        if (config.triggerEnable === false) return;
        const pattern = JSON.parse(String(config.eventRuleFilterPattern));
        this.ossSubscribers.set(key, (record) => {
          const event = cloudEvent(record, this.options.accountId);
          if (matchesPattern(pattern, event)) invoke(event);
        });
        this.wired.set(key, { stop: () => void this.ossSubscribers.delete(key) });
        return;
      }
      case 'timer': {
        if (config.enable === false) return;
        const interval = everyMs(String(config.cronExpression));
        if (interval === undefined) {
          this.options.log.warn('timer trigger not emulated locally (only "@every …" is)', { function: fn, cronExpression: config.cronExpression });
          return;
        }
        const timer = setInterval(
          () => invoke({ triggerTime: new Date().toISOString(), triggerName: trigger.triggerName, payload: String(config.payload ?? '') }),
          Math.max(250, interval / this.options.timeScale),
        );
        timer.unref();
        this.wired.set(key, { stop: () => clearInterval(timer) });
        return;
      }
    }
  }

  async remove(service: string, fn: string, trigger: string): Promise<void> {
    const key = `${service}/${fn}/${trigger}`;
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

  private async invoke(service: string, fn: string, trigger: string, event: unknown): Promise<void> {
    const outcome = await this.options.runtime.invoke(service, fn, Buffer.from(JSON.stringify(event)));
    if (!outcome.ok) this.options.log.warn('trigger invocation failed', { function: fn, trigger, error: `${outcome.errorType}: ${outcome.errorMessage}` });
  }

  private track(invocation: Promise<unknown>): void {
    const p = invocation.catch((error: unknown) => this.options.log.warn('trigger invocation failed', { error }));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
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
