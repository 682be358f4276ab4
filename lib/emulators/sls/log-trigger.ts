// A local stand-in for Function Compute's Log (SLS) trigger. Per shard, every interval, it takes the range
// [last end cursor, current end cursor) and invokes the function with the event FC sends:
//   {parameter, source:{endpoint, projectName, logstoreName, shardId, beginCursor, endCursor},
//    jobName, taskId, cursorTime}
// The function pulls the logs of that range itself. If the invocation throws, the same range is offered
// again at the next interval, so a range is delivered until it succeeds. Like the service, a shard with
// no new data is not invoked (unless `invokeWhenEmpty`), but a handler must cope with empty ranges anyway.
import { randomBytes, randomUUID } from 'node:crypto';
import { systemClock, type EmulatorClock as Clock } from '../shared/clock';
import type { SlsCredential } from './auth';
import { SlsClient } from './client';

/**
 * The cursor one position before `cursor` (cursors are base64 of a decimal position, as the
 * service's are), or undefined when it is not such a cursor or is the first one. The trigger asks
 * for the receive time of the range's last LogGroup with it, as the Python SDK does.
 */
export function previousCursor(cursor: string): string | undefined {
  const decoded = Buffer.from(cursor, 'base64').toString('latin1');
  if (!/^\d{1,40}$/.test(decoded)) return undefined;
  const position = BigInt(decoded);
  return position === 0n ? undefined : Buffer.from((position - 1n).toString(), 'latin1').toString('base64');
}

export interface LogTriggerEvent {
  parameter: Record<string, unknown>;
  source: {
    endpoint: string;
    projectName: string;
    logstoreName: string;
    shardId: number;
    beginCursor: string;
    endCursor: string;
  };
  jobName: string;
  taskId: string;
  /** Unix seconds at which the service received the last LogGroup of the range (now, for an empty range). */
  cursorTime: number;
}

export interface LogTriggerOptions {
  /** A running emulator (its endpoint and first credential are used), or the endpoint and key below. */
  emulator?: { readonly endpoint: string; readonly credentials: readonly SlsCredential[] };
  endpoint?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  /**
   * Asked before each pass instead of the fixed key above: a cloud service's STS credentials for a
   * role (FC's Log trigger reads with its role's), renewed as they expire. A throw fails the pass.
   */
  credentials?: () => SlsCredential;
  project: string;
  logstore: string;
  /** FC's triggerInterval (3–600 s there); any positive value here. */
  intervalMs: number;
  invoke: (event: LogTriggerEvent) => Promise<void>;
  clock?: Clock;
  jobName?: string;
  /** The trigger's "function configuration", passed through as `parameter`. */
  parameter?: Record<string, unknown>;
  /** Where a shard starts: new data only (`end`, the default) or everything already stored. */
  startFrom?: 'begin' | 'end';
  /** Also invoke for ranges with no new data. */
  invokeWhenEmpty?: boolean;
  /** When false, no timer runs; call runOnce() (deterministic tests). Default true. */
  autoStart?: boolean;
  /** Told about failed invocations and failed SLS calls. */
  onError?: (error: unknown, event?: LogTriggerEvent) => void;
}

export interface LogTriggerInvocation {
  shardId: number;
  beginCursor: string;
  endCursor: string;
  ok: boolean;
  /** True when this range had failed before and was offered again. */
  retried: boolean;
  error?: unknown;
}

export interface LogTriggerRun {
  invocations: LogTriggerInvocation[];
  /** Failures talking to Log Service itself (the run is repeated at the next interval). */
  errors: unknown[];
}

export interface LogTrigger {
  readonly jobName: string;
  /** One pass over every shard; runs never overlap. */
  runOnce(): Promise<LogTriggerRun>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

interface ShardProgress {
  /** Where the next range starts. */
  next: string;
  /** A range whose invocation failed; offered again before anything new. */
  pending?: { begin: string; end: string };
}

export async function startLogTrigger(options: LogTriggerOptions): Promise<LogTrigger> {
  if (!(Number.isFinite(options.intervalMs) && options.intervalMs > 0)) {
    throw new TypeError(`intervalMs must be a positive number, got ${String(options.intervalMs)}`);
  }
  const credential = options.emulator?.credentials[0];
  const endpointOption = options.endpoint ?? options.emulator?.endpoint;
  const accessKeyId = options.accessKeyId ?? credential?.accessKeyId;
  const accessKeySecret = options.accessKeySecret ?? credential?.accessKeySecret;
  const securityToken = options.securityToken ?? credential?.securityToken;
  if (!endpointOption || ((!accessKeyId || !accessKeySecret) && !options.credentials)) {
    throw new TypeError('startLogTrigger needs an emulator, or an endpoint with accessKeyId and accessKeySecret');
  }
  const endpoint: string = endpointOption;
  const clock = options.clock ?? systemClock;
  const jobName = options.jobName ?? randomBytes(20).toString('hex');
  let held: { client: SlsClient; accessKeyId: string } | undefined;
  const clientNow = (): SlsClient => {
    const key = options.credentials?.() ?? { accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret!, securityToken };
    if (held?.accessKeyId !== key.accessKeyId) {
      held = { client: new SlsClient({ endpoint, project: options.project, ...key, maxAttempts: 3 }), accessKeyId: key.accessKeyId };
    }
    return held.client;
  };
  const logstore = options.logstore;
  const progress = new Map<number, ShardProgress>();

  const first = clientNow();
  for (const shard of await first.listShards(logstore)) {
    progress.set(shard.shardID, { next: await first.getCursor(logstore, shard.shardID, options.startFrom ?? 'end') });
  }

  const nowSeconds = () => Math.floor(clock.nowMs() / 1000);

  async function cursorTimeOf(client: SlsClient, shardId: number, begin: string, end: string): Promise<number> {
    const last = begin === end ? undefined : previousCursor(end);
    if (last === undefined) return nowSeconds();
    try {
      return await client.getCursorTime(logstore, shardId, last);
    } catch {
      return nowSeconds();
    }
  }

  async function run(): Promise<LogTriggerRun> {
    const result: LogTriggerRun = { invocations: [], errors: [] };
    let shardIds: number[];
    let client: SlsClient;
    try {
      client = clientNow();
      shardIds = (await client.listShards(logstore)).map((s) => s.shardID).sort((a, b) => a - b);
    } catch (err) {
      result.errors.push(err);
      options.onError?.(err);
      return result;
    }
    for (const shardId of shardIds) {
      try {
        let state = progress.get(shardId);
        if (!state) {
          // A shard that appeared after the trigger started (a split) is read from its beginning.
          state = { next: await client.getCursor(logstore, shardId, 'begin') };
          progress.set(shardId, state);
        }
        const retried = state.pending !== undefined;
        const range = state.pending ?? { begin: state.next, end: await client.getCursor(logstore, shardId, 'end') };
        if (range.begin === range.end && !options.invokeWhenEmpty) continue;
        const event: LogTriggerEvent = {
          parameter: { ...(options.parameter ?? {}) },
          source: {
            endpoint,
            projectName: options.project,
            logstoreName: options.logstore,
            shardId,
            beginCursor: range.begin,
            endCursor: range.end,
          },
          jobName,
          taskId: randomUUID(),
          cursorTime: await cursorTimeOf(client, shardId, range.begin, range.end),
        };
        try {
          await options.invoke(event);
          state.next = range.end;
          state.pending = undefined;
          result.invocations.push({ shardId, beginCursor: range.begin, endCursor: range.end, ok: true, retried });
        } catch (error) {
          // FC retries a failed invocation with the same cursors; nothing after it is delivered first.
          state.pending = range;
          result.invocations.push({ shardId, beginCursor: range.begin, endCursor: range.end, ok: false, retried, error });
          options.onError?.(error, event);
        }
      } catch (err) {
        result.errors.push(err);
        options.onError?.(err);
      }
    }
    return result;
  }

  let stopped = false;
  let chain: Promise<unknown> = Promise.resolve();
  let running = false;
  const runOnce = (): Promise<LogTriggerRun> => {
    if (stopped) return Promise.reject(new Error('the Log trigger is stopped'));
    const next = chain.then(async () => {
      running = true;
      try {
        return await run();
      } finally {
        running = false;
      }
    });
    chain = next.catch(() => undefined);
    return next;
  };

  let timer: NodeJS.Timeout | undefined;
  if (options.autoStart !== false) {
    timer = setInterval(() => {
      if (!running && !stopped) runOnce().catch((err) => options.onError?.(err));
    }, options.intervalMs);
    timer.unref();
  }

  return {
    jobName,
    runOnce,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      await chain;
    },
  };
}
