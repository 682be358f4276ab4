// FC keeps a function's log lines in its service's logConfig logstore, written with the service role
// (FC "Configure logging": the role needs log:PostLogStoreLogs on that logstore; without a logConfig
// FC keeps no logs). Each line the instance prints to stdout or stderr is one log whose fields are
// FC 2.0's execution-log fields (doc-detail/171396): __topic__ = the service name, serviceName,
// functionName, qualifier, versionId, message. Lines are batched per service and written over Log
// Service's PutLogs wire with the role's credentials, so Log Service's own rules decide; a refusal
// is a warning, never a crash, and the lines still reach stderr (the runtime echoes them).
// An FC 3.0 function keeps its lines in its own logConfig logstore, written with its own role; the
// fields are the same less serviceName, and the topic is "FCLogs:<function>" (unconfirmed: FC 3.0's
// execution-log fields are not in the pages we found).
import { RoleAssumptionError } from '../shared/access';
import type { EmulatorClock as Clock } from '../shared/clock';
import type { EmulatorLog as Logger } from '../shared/log';
import { type LogEntry, putLogs } from './log-writer';
import type { ServiceRecord } from './model';
import type { RoleCredentials } from './role-credentials';
import { type Fc3FunctionSettings, type FunctionHome, homeKey } from './function-home';

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
  /** An FC 3.0 function's own role and logConfig. */
  readonly fc3FunctionOf?: (fn: string) => Fc3FunctionSettings | undefined;
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
  /** Lines by where they go: homeKey of the function (FC 3.0) or the service (FC 2.0). */
  private readonly pending = new Map<string, { home: FunctionHome; fn: string; lines: LogEntry[] }>();
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
    this.lineOf({ platform: 'fc2', service }, fn, line);
  }

  /** One line an instance printed, wherever the function lives. */
  lineOf(home: FunctionHome, fn: string, line: string): void {
    if (!this.options.endpoint) return;
    if (!this.settingsOf(home, fn)?.logConfig.project) return;
    // FC 2.0 batches per service; FC 3.0 per function (each has its own logstore).
    const key = home.platform === 'fc2' ? home.service : homeKey(home, fn);
    const batch = this.pending.get(key) ?? { home, fn, lines: [] };
    this.pending.set(key, batch);
    const { lines } = batch;
    if (lines.length >= MAX_PENDING_LINES) {
      lines.shift();
      this.counts.dropped += 1;
    }
    const message = line.slice(0, MAX_LINE_CHARS);
    lines.push({
      time: Math.floor(this.options.clock.nowMs() / 1000),
      contents:
        home.platform === 'fc2'
          ? { serviceName: home.service, functionName: fn, qualifier: 'LATEST', versionId: '', message }
          : { functionName: fn, qualifier: 'LATEST', versionId: '', message },
    });
  }

  private settingsOf(home: FunctionHome, fn: string): Fc3FunctionSettings | undefined {
    return home.platform === 'fc2' ? this.options.serviceOf(home.service) : this.options.fc3FunctionOf?.(fn);
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
    for (const [service, { home, fn, lines }] of [...this.pending]) {
      if (lines.length === 0) continue;
      const batch = lines.splice(0, MAX_BATCH);
      const record = this.settingsOf(home, fn);
      if (!record?.logConfig.project) continue;
      const { project, logstore } = record.logConfig;
      try {
        const credentials = this.options.roles.get(record.role, `fc-logs-${home.platform === 'fc2' ? service : `fc3-${fn}`}`.slice(0, 64));
        const topic = home.platform === 'fc2' ? service : `FCLogs:${fn}`;
        await putLogs({ endpoint: this.options.endpoint!, project, logstore, credentials, logs: batch, topic });
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
