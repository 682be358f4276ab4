// FC keeps a function's log lines in its service's logConfig logstore, written with the service role
// (FC "Configure logging": the role needs log:PostLogStoreLogs on that logstore; without a logConfig
// FC keeps no logs). Each line the instance prints to stdout or stderr is one log whose fields are
// FC 2.0's execution-log fields (doc-detail/171396): __topic__ = the service name, serviceName,
// functionName, qualifier, versionId, message. Lines are batched per service and written over Log
// Service's PutLogs wire with the role's credentials, so Log Service's own rules decide; a refusal
// is a warning, never a crash, and the lines still reach stderr (the runtime echoes them).
import { RoleAssumptionError } from '../shared/access';
import type { EmulatorClock as Clock } from '../shared/clock';
import type { EmulatorLog as Logger } from '../shared/log';
import { type LogEntry, putLogs } from './log-writer';
import type { ServiceRecord } from './model';
import type { RoleCredentials } from './role-credentials';

/** Lines held per service while Log Service is slow or refusing; older ones are dropped first. */
const MAX_PENDING_LINES = 5_000;
/** PutLogs takes at most 4,096 logs per LogGroup (Log Service limits); a batch stays well under it. */
const MAX_BATCH = 1_000;
/** FC truncates long lines (unconfirmed where); a log field here holds at most 32 KiB. */
const MAX_LINE_CHARS = 32 * 1024;

export interface FunctionLogsOptions {
  /** Log Service endpoint FC writes to (in the cloud: the region's); undefined keeps nothing. */
  readonly endpoint: string | undefined;
  readonly serviceOf: (service: string) => ServiceRecord | undefined;
  /** FC's credentials for service roles (fc.aliyuncs.com). */
  readonly roles: RoleCredentials;
  readonly log: Logger;
  readonly clock: Clock;
  readonly flushIntervalMs?: number;
}

export interface FunctionLogStats {
  written: number;
  refused: number;
  dropped: number;
}

export class FunctionLogs {
  private readonly pending = new Map<string, LogEntry[]>();
  private readonly failing = new Set<string>();
  private readonly counts: FunctionLogStats = { written: 0, refused: 0, dropped: 0 };
  private readonly timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: FunctionLogsOptions) {
    this.timer = options.endpoint ? setInterval(() => void this.flush(), options.flushIntervalMs ?? 200) : undefined;
    this.timer?.unref();
  }

  /** One line an instance of `service/fn` printed. */
  line(service: string, fn: string, line: string): void {
    if (!this.options.endpoint) return;
    const record = this.options.serviceOf(service);
    if (!record?.logConfig.project) return;
    const lines = this.pending.get(service) ?? [];
    this.pending.set(service, lines);
    if (lines.length >= MAX_PENDING_LINES) {
      lines.shift();
      this.counts.dropped += 1;
    }
    lines.push({
      time: Math.floor(this.options.clock.nowMs() / 1000),
      contents: { serviceName: service, functionName: fn, qualifier: 'LATEST', versionId: '', message: line.slice(0, MAX_LINE_CHARS) },
    });
  }

  /** Writes what is pending; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  stats(): FunctionLogStats {
    return { ...this.counts };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private async writePending(): Promise<void> {
    for (const [service, lines] of [...this.pending]) {
      if (lines.length === 0) continue;
      const batch = lines.splice(0, MAX_BATCH);
      const record = this.options.serviceOf(service);
      if (!record?.logConfig.project) continue;
      const { project, logstore } = record.logConfig;
      try {
        const credentials = this.options.roles.get(record.role, `fc-logs-${service}`.slice(0, 64));
        await putLogs({ endpoint: this.options.endpoint!, project, logstore, credentials, logs: batch, topic: service });
        this.counts.written += batch.length;
        this.failing.delete(service);
      } catch (error) {
        this.counts.refused += batch.length;
        // One warning per service until a write succeeds again: a refusing logstore must not flood stderr.
        if (!this.failing.has(service)) {
          this.failing.add(service);
          this.options.log.warn('function logs were not written to the service logstore', {
            service,
            project,
            logstore,
            role: record.role,
            error: error instanceof RoleAssumptionError ? `${error.code}: ${error.message}` : (error as Error).message,
          });
        }
      }
    }
  }
}
