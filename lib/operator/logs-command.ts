// `thaw logs`: the functions' lines from the function logstore, read with GetLogs (so the logstore
// needs an index: lib/sls FUNCTION_LOG_INDEX), from a time or followed live.
//
// Following polls GetLogs over a window that starts a little before the newest line seen, because
// Log Service makes a line searchable some seconds after it arrives and lines carry their writer's
// time. Lines of the window that were already printed are recognised by their content and counted,
// so an identical line logged twice in one second still prints twice, and none prints twice.
import { createHash } from 'node:crypto';
import { sleep as defaultSleep, systemClock, type Clock } from '../clock';
import { readParametersFile } from '../deploy/parameters';
import { SlsAdmin, type GetLogsRequest, type GetLogsResult, SlsServiceError } from '../sls/index';
import { ApiCallError } from './api-client';
import { atLeast, type FunctionLogLine, functionLogLine, jsonOf, terminalLine } from './logs-format';
import { OperatorUsageError, processTerminal, type Terminal } from './restore-command';

/** The flags of `thaw logs`, as lib/cli/commands/logs.ts declares and parses them. */
export interface LogsFlags {
  readonly project?: string;
  readonly logstore?: string;
  readonly parameters?: string;
  readonly endpoint?: string;
  readonly function?: string;
  readonly 'request-id'?: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly level?: string;
  readonly since?: string;
  readonly from?: string;
  readonly follow: boolean;
  readonly json: boolean;
  readonly interval: string;
}

/** What thaw logs reads through; SlsAdmin in production, the same over an emulator in tests. */
export interface LogSearch {
  getLogs(logstore: string, request: GetLogsRequest, options?: { signal?: AbortSignal }): Promise<GetLogsResult>;
  close(): void;
}

export interface LogsEnvironment {
  readonly clock?: Clock;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly terminal?: Pick<Terminal, 'out'>;
  /** Ends --follow (Ctrl-C in the CLI). */
  readonly signal?: AbortSignal;
  readonly search?: (target: LogTarget) => LogSearch;
}

export interface LogTarget {
  endpoint: string;
  project: string;
  logstore: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** Rows GetLogs answers per page (it answers at most 100). */
const PAGE = 100;
/** Pages read per window; past this a window's lines are cut, with a note (50,000 lines). */
const MAX_PAGES = 500;
/** How far before the newest line seen each follow poll looks again (late-arriving lines). */
export const LOOKBACK_S = 60;
const LEVELS = ['debug', 'info', 'warn', 'error'];

/** `10m`, `2h`, `30s`, `1d` → seconds. */
export function parseSince(text: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!m) throw new OperatorUsageError(`--since takes a duration such as 30s, 10m, 2h or 1d, got "${text}"`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** Double quotes inside a search phrase are escaped with a backslash (Search syntax). */
function phrase(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * The search statement: only the function narrows on the server, by the line's own `function` (ours on
 * both platforms) or FC's functionName (FC 2.0 names a function as we do; FC 3.0's runtime lines, which
 * are not ours, carry only `<stack>-<function>` and so are left out when --function is given).
 */
export function searchQuery(values: Pick<LogsFlags, 'function'>): string {
  if (!values.function) return '*';
  return `message.function: ${phrase(values.function)} or functionName: ${phrase(values.function)}`;
}

/** The exact filters, applied to each parsed line. */
export function lineFilter(values: Pick<LogsFlags, 'request-id' | 'bucket' | 'key' | 'level' | 'function'>): (line: FunctionLogLine) => boolean {
  return (line) =>
    (!values.function || line.function === values.function) &&
    (!values['request-id'] || line.requestId === values['request-id']) &&
    (!values.bucket || line.fields.bucket === values.bucket) &&
    (!values.key || line.fields.key === values.key) &&
    atLeast(line, values.level);
}

/** A line's identity within a window: its time and every field, hashed. */
function fingerprint(row: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const k of Object.keys(row).sort()) hash.update(`${k}\u0000${row[k]}\u0000`);
  return hash.digest('base64');
}

async function resolveTarget(values: LogsFlags, env: NodeJS.ProcessEnv): Promise<LogTarget> {
  const parameters = values.parameters ? await readParametersFile(values.parameters) : {};
  const project = values.project ?? parameters.FunctionLogProject ?? env.THAW_LOG_PROJECT;
  const logstore = values.logstore ?? parameters.FunctionLogstore ?? env.THAW_LOGSTORE;
  if (!project || !logstore) {
    throw new OperatorUsageError('name the function logstore: --project and --logstore, or --parameters FILE with FunctionLogProject and FunctionLogstore');
  }
  const region = env.ALIBABA_CLOUD_REGION;
  const endpoint = values.endpoint ?? env.THAW_SLS_ENDPOINT ?? (region ? `${region}.log.aliyuncs.com` : undefined);
  if (!endpoint) throw new OperatorUsageError('name the Log Service endpoint: --endpoint, THAW_SLS_ENDPOINT or ALIBABA_CLOUD_REGION');
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId || !accessKeySecret)
    throw new OperatorUsageError('ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are needed to read Log Service');
  const target: LogTarget = { endpoint, project, logstore, accessKeyId, accessKeySecret };
  if (env.ALIBABA_CLOUD_SECURITY_TOKEN) target.securityToken = env.ALIBABA_CLOUD_SECURITY_TOKEN;
  return target;
}

/** A Log Service refusal, said in terms of what to do about it (its code named in the text). */
function explain(err: unknown, target: LogTarget): unknown {
  if (!(err instanceof SlsServiceError)) return err;
  const where = `${target.project}/${target.logstore}`;
  switch (err.code) {
    case 'IndexConfigNotExist':
      return new ApiCallError(`the logstore ${where} has no index, and GetLogs needs one (IndexConfigNotExist); thaw deploy creates it`, err.status);
    case 'ProjectNotExist':
    case 'LogStoreNotExist':
      return new ApiCallError(`${where}: ${err.code}: ${err.message} — check --project and --logstore`, err.status);
    case 'Unauthorized':
    case 'SignatureNotMatch':
    case 'InvalidAccessKeyId':
      return new ApiCallError(
        `Log Service refused the credentials (${err.code}: ${err.message}); check ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET and log:GetLogStoreLogs on ${where}`,
        err.status,
      );
    default:
      return new ApiCallError(`Log Service answered ${err.code}: ${err.message}`, err.status);
  }
}

export async function logsCommand(
  values: LogsFlags,
  positionals: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  environment: LogsEnvironment = {},
): Promise<number> {
  if (positionals.length > 0) throw new OperatorUsageError('thaw logs takes no positional arguments');
  if (values.since && values.from) throw new OperatorUsageError('--since and --from are alternatives');
  if (values.level && !LEVELS.includes(values.level)) throw new OperatorUsageError(`--level takes ${LEVELS.join(', ')}`);
  const intervalS = Number(values.interval);
  if (!(Number.isFinite(intervalS) && intervalS >= 1 && intervalS <= 300)) throw new OperatorUsageError('--interval takes 1 to 300 seconds');
  const clock = environment.clock ?? systemClock;
  const nowS = Math.floor(clock.nowMs() / 1000);
  let startS: number;
  if (values.from) {
    const ms = Date.parse(values.from);
    if (Number.isNaN(ms)) throw new OperatorUsageError(`--from takes an ISO time such as 2026-01-01T12:00:00Z, got "${values.from}"`);
    startS = Math.floor(ms / 1000);
  } else startS = nowS - parseSince(values.since ?? '10m');

  const target = await resolveTarget(values, env);
  const search = (environment.search ?? ((t: LogTarget) => new SlsAdmin(t)))(target);
  const terminal = environment.terminal ?? processTerminal;
  const follower = new LogFollower(search, target.logstore, searchQuery(values), lineFilter(values), (line) =>
    terminal.out(`${values.json ? jsonOf(line) : terminalLine(line)}\n`),
  );
  const sleep = environment.sleep ?? defaultSleep;
  try {
    await follower.poll(startS, Math.floor(clock.nowMs() / 1000) + 1, environment.signal);
    while (values.follow && !environment.signal?.aborted) {
      try {
        await sleep(intervalS * 1000, environment.signal);
      } catch (err) {
        if (environment.signal?.aborted) break;
        throw err;
      }
      await follower.poll(startS, Math.floor(clock.nowMs() / 1000) + 1, environment.signal);
    }
  } catch (err) {
    if (environment.signal?.aborted) return 0;
    throw explain(err, target);
  } finally {
    search.close();
  }
  return 0;
}

/**
 * Reads windows of the logstore in time order and prints each line once. `poll(start, end)` reads
 * [max(start, newest seen − LOOKBACK_S), end); a line seen before in that window is not printed again.
 */
export class LogFollower {
  /** Lines printed per fingerprint, with their time, for the part of the window that is read again. */
  private readonly printed = new Map<string, { count: number; timeS: number }>();
  private newestS: number | undefined;

  constructor(
    private readonly search: LogSearch,
    private readonly logstore: string,
    private readonly query: string,
    private readonly keep: (line: FunctionLogLine) => boolean,
    private readonly print: (line: FunctionLogLine) => void,
  ) {}

  async poll(startS: number, endS: number, signal?: AbortSignal): Promise<void> {
    const fromS = Math.max(startS, (this.newestS ?? startS) - LOOKBACK_S);
    if (fromS >= endS) return;
    const rows = await this.window(fromS, endS, signal);
    const seen = new Map<string, number>();
    for (const row of rows) {
      const id = fingerprint(row);
      const occurrence = (seen.get(id) ?? 0) + 1;
      seen.set(id, occurrence);
      const before = this.printed.get(id);
      if (before && before.count >= occurrence) continue;
      const timeS = Number(row.__time__) || 0;
      this.printed.set(id, { count: occurrence, timeS });
      if (this.newestS === undefined || timeS > this.newestS) this.newestS = timeS;
      const line = functionLogLine(row);
      if (this.keep(line)) this.print(line);
    }
    // Lines older than the next window's start can never be read again: forget them.
    const nextFrom = (this.newestS ?? startS) - LOOKBACK_S;
    for (const [id, entry] of this.printed) if (entry.timeS < nextFrom) this.printed.delete(id);
  }

  /** Every row of [fromS, endS), oldest first, paged by offset; the service answers at most 100 a page. */
  private async window(fromS: number, endS: number, signal?: AbortSignal): Promise<Record<string, string>[]> {
    const rows: Record<string, string>[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.search.getLogs(
        this.logstore,
        { from: fromS, to: endS, query: this.query, line: PAGE, offset: page * PAGE, reverse: false },
        { signal },
      );
      rows.push(...answer.rows);
      if (answer.rows.length < PAGE) return rows;
    }
    this.print({
      timeS: endS,
      time: new Date(endS * 1000).toISOString(),
      level: 'warn',
      service: '',
      function: 'thaw',
      requestId: undefined,
      message: `more than ${MAX_PAGES * PAGE} lines in one window; the rest of it is not shown (narrow it with --function or --since)`,
      fields: {},
    });
    return rows;
  }
}
