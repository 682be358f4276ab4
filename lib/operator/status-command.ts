// `thaw status [bucket[/prefix]]`
//
// What is thawing and what it costs, in a terminal: records per state (GET /v1/usage), today's
// budgets and the rate, then the records of each state with their ETA, tier, age and reason
// (GET /v1/restores; the ones in flight, CLAIMED and RESTORING, by ETA, the rest newest first). --json prints the same as one
// JSON object for scripts.
import { systemClock } from '../clock';
import { validateBucket } from '../restore/object-ref';
import type { Json } from './api-client';
import { formatBytes, formatCount, formatDuration, table } from './format';
import { printableTerminal } from './printable-output';
import { apiFrom, OperatorUsageError, processTerminal, type Terminal } from './restore-command';

const STATE_ORDER = ['CLAIMED', 'RESTORING', 'RESTORED', 'FROZEN', 'DEFERRED', 'FAILED', 'REFUSED', 'NOT_ARCHIVED', 'NOT_FOUND'];
const IN_FLIGHT = new Set(['CLAIMED', 'RESTORING']);

/** The flags of `thaw status`, as lib/cli/commands/operator.ts declares and parses them. */
export interface StatusFlags {
  readonly state?: string;
  readonly limit: string;
  readonly api?: string;
  readonly json: boolean;
}

export async function statusCommand(
  values: StatusFlags,
  positionals: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  terminal: Terminal = processTerminal,
): Promise<number> {
  terminal = printableTerminal(terminal);
  if (positionals.length > 1) throw new OperatorUsageError('thaw status takes at most one bucket[/prefix]');
  const target = positionals[0]?.replace(/^oss:\/\//, '');
  const slash = target?.indexOf('/') ?? -1;
  const bucket = target ? validateBucketArg(slash === -1 ? target : target.slice(0, slash)) : undefined;
  const prefix = target && slash !== -1 ? target.slice(slash + 1) || undefined : undefined;
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new OperatorUsageError('--limit must be an integer from 1 to 1000');
  const states = values.state ? values.state.split(',').map((s) => s.trim().toUpperCase()) : STATE_ORDER;
  const api = apiFrom(values.api, env);

  const usage = await api.usage();
  const pages: Record<string, Json> = {};
  for (const state of states) {
    const params: Record<string, string> = { state, limit: String(limit), order: IN_FLIGHT.has(state) ? 'eta' : 'newest' };
    if (bucket) params.bucket = bucket;
    if (prefix) {
      params.prefix = prefix;
      // Under a prefix the key order costs what the page holds; ETA and age still show per record.
      params.order = 'key';
    }
    pages[state] = await api.list(params);
  }
  if (values.json) {
    terminal.out(`${JSON.stringify({ usage, records: Object.fromEntries(Object.entries(pages).map(([s, p]) => [s, p.records])) })}\n`);
    return 0;
  }
  const nowMs = Date.parse(usage.at) || systemClock.nowMs();
  const out: string[] = [];
  const scope = bucket ? `${bucket}${prefix ? `/${prefix}` : ''}` : 'every bucket';
  out.push(`oss-thaw at ${usage.at.slice(0, 19).replace('T', ' ')} UTC: ${scope}`);
  const counts = bucket ? (usage.buckets.find((b: Json) => b.bucket === bucket)?.states ?? {}) : usage.states;
  const capped = new Set<string>(usage.statesCapped);
  out.push(
    '',
    table(
      ['state', `records${bucket ? ` in ${bucket}` : ''}`],
      STATE_ORDER.map((s) => [s, `${capped.has(s) ? '≥ ' : ''}${formatCount(counts[s] ?? 0)}`]),
    ),
  );
  out.push('', `budgets today (${usage.day} UTC, start again ${usage.resetsAt.slice(0, 16).replace('T', ' ')} UTC):`);
  const budgetRows = (usage.buckets as Json[])
    .filter((b) => !bucket || b.bucket === bucket)
    .map((b) => [
      b.bucket,
      `${formatCount(b.restoresToday)} / ${formatCount(usage.limits.dailyRestores)}`,
      `${formatBytes(b.bytesToday)} / ${formatBytes(usage.limits.dailyBytes)}`,
    ]);
  out.push(budgetRows.length ? table(['bucket', 'restores', 'bytes'], budgetRows) : '  nothing spent');
  out.push(`rate: ${usage.rateLimit.thisSecond} / ${usage.rateLimit.restoresPerSecond} restores this second`);
  for (const state of states) {
    const records = (pages[state]?.records ?? []) as Json[];
    if (records.length === 0) continue;
    const more = pages[state]?.cursor ? ` (first ${records.length}; --limit for more)` : '';
    out.push('', `${state}${more}`);
    out.push(
      table(
        ['object', 'class', 'tier', 'size', 'age', IN_FLIGHT.has(state) ? 'ETA' : 'updated', 'reason', 'next try'],
        records.map((r) => [
          `${r.bucket}/${r.key}${r.versionId ? `?versionId=${r.versionId}` : ''}`,
          r.storageClass ?? '-',
          r.tier ?? '-',
          r.sizeBytes === null ? '-' : formatBytes(r.sizeBytes),
          formatDuration(nowMs - Date.parse(r.firstSeenAt)),
          IN_FLIGHT.has(state) ? relative(r.etaAt, nowMs) : relative(r.updatedAt, nowMs),
          r.reason ?? r.lastError?.code ?? '',
          r.retryAt ? relative(r.retryAt, nowMs) : '',
        ]),
      ),
    );
  }
  terminal.out(`${out.join('\n')}\n`);
  return 0;
}

function relative(iso: string | null, nowMs: number): string {
  if (!iso) return '-';
  const ms = Date.parse(iso) - nowMs;
  return ms >= 0 ? `in ${formatDuration(ms)}` : `${formatDuration(-ms)} ago`;
}

function validateBucketArg(bucket: string): string {
  try {
    return validateBucket(bucket);
  } catch (err) {
    throw new OperatorUsageError((err as Error).message);
  }
}
