// `thaw restore oss://bucket/prefix [--days N] [--tier T] [--dry-run] [--wait] [--yes]`
//
// Lists the prefix with the operator's own OSS credentials, shows the plan (plan.ts), asks before
// spending, then submits through the deployment's API (submit.ts), so the same coordinator,
// budgets, rate limit and records apply as to every other source. --wait follows the restores
// until the objects are readable (wait.ts). Ctrl-C stops cleanly; running it again carries on.
import { createInterface } from 'node:readline/promises';
import { sleep, systemClock } from '../clock';
import { ossEndpoint } from '../oss/endpoint';
import { parseAllowList } from '../policy/allow-list';
import { validateBucket } from '../restore/object-ref';
import { validateRestoreRequest } from '../restore/restore-request';
import { isTier, type Tier } from '../restore/storage-class';
import { ThawApi } from './api-client';
import { formatBytes, formatCount, formatDuration, formatMoney, table } from './format';
import { listPrefix } from './oss-listing';
import { type DeploymentLimits, planRestore, RATE_SHARE, type RestorePlan } from './plan';
import { printable, printableTerminal } from './printable-output';
import { DEFAULT_PRICES, type PriceTable, readPriceTable } from './prices';
import { progress } from './progress';
import { submitAll } from './submit';
import { waitUntilReadable } from './wait';

export class OperatorUsageError extends Error {
  readonly code = 'OperatorUsage';
}

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

export interface Terminal {
  readonly stdoutIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  out(text: string): void;
  ask(question: string): Promise<string>;
}

export const processTerminal: Terminal = {
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stdinIsTTY: Boolean(process.stdin.isTTY),
  out: (text) => void process.stdout.write(text),
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    // Ctrl-C at the prompt is a "no" (readline would otherwise only pause the input).
    const cancel = new AbortController();
    rl.on('SIGINT', () => cancel.abort());
    try {
      return await rl.question(question, { signal: cancel.signal });
    } catch {
      return '';
    } finally {
      rl.close();
    }
  },
};

/** oss://bucket/prefix → its parts, the bucket checked as OSS names buckets. */
export function parseOssUrl(text: string | undefined): { bucket: string; prefix: string } {
  const match = /^oss:\/\/([^/]+)(?:\/(.*))?$/.exec(text ?? '');
  if (!match) throw new OperatorUsageError(`expected oss://bucket/prefix, got "${text ?? ''}"`);
  try {
    return { bucket: validateBucket(match[1]), prefix: match[2] ?? '' };
  } catch (err) {
    throw new OperatorUsageError((err as Error).message);
  }
}

/** THAW_OSS_ENDPOINT with its scheme settled (a bare host is https; plain http only to this machine). */
function ossEndpointOrUsage(text: string): string {
  try {
    return ossEndpoint(text);
  } catch (err) {
    throw new OperatorUsageError(`THAW_OSS_ENDPOINT ${(err as Error).message}`);
  }
}

/** The API's address and token, from --api / THAW_API_URL and THAW_API_TOKEN; `stop` ends retries, never a call under way. */
export function apiFrom(flag: string | undefined, env: NodeJS.ProcessEnv, stop?: AbortSignal): ThawApi {
  const token = env.THAW_API_TOKEN?.trim();
  if (!token) throw new OperatorUsageError('THAW_API_TOKEN is not set: export the API token of the deployment (npm start prints the local one)');
  return new ThawApi({ apiUrl: flag ?? env.THAW_API_URL ?? DEFAULT_API_URL, token, stop });
}

/** The flags of `thaw restore`, as lib/cli/commands/operator.ts declares and parses them. */
export interface RestoreFlags {
  readonly days?: string;
  readonly tier?: string;
  readonly 'dry-run': boolean;
  readonly wait: boolean;
  readonly yes: boolean;
  readonly api?: string;
  readonly prices?: string;
  readonly 'max-objects': string;
  readonly 'wait-timeout': string;
  readonly json: boolean;
}

export async function restoreCommand(
  values: RestoreFlags,
  positionals: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  terminal: Terminal = processTerminal,
): Promise<number> {
  terminal = printableTerminal(terminal);
  if (positionals.length !== 1) throw new OperatorUsageError('thaw restore takes one oss://bucket/prefix');
  const { bucket, prefix } = parseOssUrl(positionals[0]);
  const days = values.days === undefined ? undefined : Number(values.days);
  if (values.tier !== undefined && !isTier(values.tier)) throw new OperatorUsageError(`--tier must be Expedited, Standard or Bulk, got "${values.tier}"`);
  let request: { days?: number; tier?: Tier };
  try {
    request = validateRestoreRequest({ days, tier: values.tier });
  } catch (err) {
    throw new OperatorUsageError(`--${(err as Error).message}`);
  }
  const maxObjects = Number(values['max-objects']);
  if (!Number.isInteger(maxObjects) || maxObjects < 1 || maxObjects > 10_000_000)
    throw new OperatorUsageError('--max-objects must be an integer from 1 to 10000000');
  const waitTimeoutS = Number(values['wait-timeout']);
  if (!Number.isFinite(waitTimeoutS) || waitTimeoutS <= 0) throw new OperatorUsageError('--wait-timeout must be a number of seconds > 0');
  const endpointText = env.THAW_OSS_ENDPOINT?.trim();
  if (!endpointText)
    throw new OperatorUsageError('THAW_OSS_ENDPOINT is not set: the OSS endpoint to list the prefix with (e.g. https://oss-cn-hangzhou.aliyuncs.com)');
  const endpoint = ossEndpointOrUsage(endpointText);
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId || !accessKeySecret)
    throw new OperatorUsageError('ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET must be set: your own credentials list the prefix');
  const prices: PriceTable = values.prices ? await readPriceTable(values.prices) : DEFAULT_PRICES;

  // First Ctrl-C: stop sending, let the calls in flight finish (the deployment acts on a call it
  // received whether or not we wait, so only its answer tells what happened). Second: quit at once.
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
    terminal.out('\nstopping: the calls in flight finish, nothing new is sent (Ctrl-C again quits at once)\n');
  };
  process.on('SIGINT', onSigint);
  try {
    const api = apiFrom(values.api, env, stop.signal);
    const usage = await api.usage();
    const listed = await listPrefix(
      { endpoint, region: env.THAW_OSS_REGION || undefined, accessKeyId, accessKeySecret, securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined },
      bucket,
      prefix,
      { maxObjects, signal: stop.signal },
    );
    const budget = (usage.buckets as { bucket: string; restoresLeft: number; bytesLeft: number; byteDaysLeft?: number }[]).find((b) => b.bucket === bucket);
    const limits: DeploymentLimits = {
      allow: usage.limits.allow === '*' ? '*' : parseAllowList((usage.limits.allow as string[]).join(',')),
      maxObjectBytes: usage.limits.maxObjectBytes,
      // A deployment older than these limits answers without them: it had none.
      maxDays: usage.limits.maxDays ?? 365,
      maxTier: usage.limits.maxTier,
      defaults: { days: usage.defaults.days, tier: usage.defaults.tier },
      restoresLeft: budget?.restoresLeft ?? usage.limits.dailyRestores,
      bytesLeft: budget?.bytesLeft ?? usage.limits.dailyBytes,
      byteDaysLeft: budget?.byteDaysLeft ?? usage.limits.dailyByteDays ?? Number.POSITIVE_INFINITY,
      restoresPerSecond: usage.limits.restoresPerSecond,
      timeScale: usage.timeScale ?? 1,
    };
    const plan = planRestore({ bucket, objects: listed, request, limits, prices, nowMs: systemClock.nowMs() });
    if (values.json)
      terminal.out(
        `${JSON.stringify({ plan: { ...plan, submit: plan.submit.length }, prices: { currency: prices.currency, region: prices.region, sources: prices.sources } })}\n`,
      );
    else terminal.out(describePlan(`oss://${bucket}/${prefix}`, plan, limits, prices, usage));
    if (values['dry-run']) {
      if (!values.json) terminal.out('\ndry run: nothing was sent; no RestoreObject was called.\n');
      return 0;
    }
    if (plan.submit.length === 0) {
      terminal.out('\nnothing to restore.\n');
      return 0;
    }
    if (!values.yes) {
      if (!terminal.stdinIsTTY) throw new OperatorUsageError('thaw restore asks before spending: pass --yes when stdin is not a terminal');
      const cost = plan.costUnknownFor.length ? `at least ${formatMoney(plan.cost, plan.currency)}` : `about ${formatMoney(plan.cost, plan.currency)}`;
      const answer = await terminal.ask(`\nRestore ${formatCount(plan.restores)} objects (${formatBytes(plan.restoreBytes)}) for ${cost}? [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim())) {
        terminal.out('not restored.\n');
        return 1;
      }
    }

    const pace = Math.max(1, Math.floor(limits.restoresPerSecond * RATE_SHARE));
    const bar = progress({ label: 'submitted', total: plan.submit.length, tty: terminal.stdoutIsTTY, write: terminal.out });
    const result = await submitAll({
      batch: (body) => api.batch('restore', body),
      bucket,
      request,
      keys: plan.submit.map((o) => o.key),
      pace,
      clock: systemClock,
      sleep,
      signal: stop.signal,
      onProgress: (c) =>
        bar.update(
          c.outcomes.restoring +
            c.outcomes.restored +
            c.outcomes.deferred +
            c.outcomes.refused +
            c.outcomes.failed +
            c.outcomes.notFound +
            c.outcomes.notArchived,
          `restoring ${c.outcomes.restoring} · restored ${c.outcomes.restored} · deferred ${c.outcomes.deferred} · failed ${c.outcomes.failed}`,
        ),
    });
    bar.stop();
    const o = result.outcomes;
    const stoppedWith = result.unsent.length + result.notYet.length + result.unanswered.length;
    terminal.out(
      `\n${formatCount(plan.submit.length - stoppedWith)} of ${formatCount(plan.submit.length)} answered: ${o.restoring} restoring, ${o.restored} restored, ${o.deferred} deferred by the budget (run this again after the budget resets to restore them), ${o.refused} refused, ${o.notFound} gone, ${o.failed} failed; RestoreObject calls these requests made: ${result.restoreStarted} (a deferral the sweeper re-drove first is counted there)\n`,
    );
    for (const p of result.problems.slice(0, 10))
      terminal.out(`  ${p.status} ${printable(p.code)}${p.reason ? ` (${printable(p.reason)})` : ''}: ${printable(p.key)}\n`);
    if (result.problems.length > 10) terminal.out(`  … and ${result.problems.length - 10} more (thaw status ${bucket}/${prefix})\n`);
    if (stoppedWith > 0) {
      terminal.out(
        `stopped with ${formatCount(result.unsent.length)} not sent: run the same command again to carry on (the records are the checkpoint; nothing is restored twice)\n`,
      );
      if (result.notYet.length > 0)
        terminal.out(
          `  ${formatCount(result.notYet.length)} sent and answered "not yet" (rate limit or a passing failure): the deployment's sweeper restores them when they are due, or the same command again\n`,
        );
      if (result.unanswered.length > 0)
        terminal.out(
          `  ${formatCount(result.unanswered.length)} sent without an answer (the call failed): the same command again finds out what became of them\n`,
        );
      return 130;
    }
    if (!values.wait) {
      terminal.out(`follow it with: thaw status ${bucket}/${prefix}   (or run again with --wait)\n`);
      return result.problems.some((p) => p.status === 503) ? 1 : 0;
    }
    const waitBar = progress({ label: 'readable', total: result.accepted.length, tty: terminal.stdoutIsTTY, write: terminal.out });
    const waited = await waitUntilReadable({
      status: (body) => api.batch('status', body),
      bucket,
      keys: result.accepted,
      clock: systemClock,
      sleep,
      deadlineAtMs: systemClock.nowMs() + waitTimeoutS * 1000,
      signal: stop.signal,
      onProgress: (readable, total) => waitBar.update(readable, `of ${total}`),
    });
    waitBar.stop();
    terminal.out(
      `\n${formatCount(waited.readable)} readable, ${formatCount(waited.pending.length)} still restoring, ${formatCount(waited.gaveUp.length)} not to be waited for\n`,
    );
    for (const g of waited.gaveUp.slice(0, 10)) terminal.out(`  ${g.status} ${printable(g.code)}: ${printable(g.key)}\n`);
    return waited.pending.length === 0 && waited.gaveUp.length === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** The plan as an operator reads it before saying yes. */
export function describePlan(
  target: string,
  plan: RestorePlan,
  limits: DeploymentLimits,
  prices: PriceTable,
  usage: { day: string; resetsAt: string },
): string {
  const rows = plan.lines.map((l) => [
    l.storageClass,
    l.tier ?? '-',
    String(l.days),
    formatCount(l.objects),
    formatBytes(l.bytes),
    formatCount(l.restoring),
    formatCount(l.restored),
    formatCount(l.toRestore),
    formatCount(l.laterDays),
    formatDuration(l.restoreMs),
    l.costUnknown ? (l.cost > 0 ? `≥ ${formatMoney(l.cost, prices.currency)}` : 'unknown') : formatMoney(l.cost, prices.currency),
  ]);
  const lines = [
    `${target}: ${formatCount(plan.objects)} objects, ${formatBytes(plan.bytes)}`,
    '',
    rows.length
      ? table(['class', 'tier', 'days', 'objects', 'bytes', 'restoring', 'restored', 'to restore', 'later days', 'ready within', 'cost'], rows)
      : '(no archived object oss-thaw may restore)',
    '',
    `not archived (read them directly): ${formatCount(plan.notArchived.objects)} objects, ${formatBytes(plan.notArchived.bytes)}`,
    `refused by the policy: ${plan.refused.outOfScope} outside THAW_ALLOW, ${plan.refused.objectTooLarge} over THAW_MAX_OBJECT_BYTES (${formatBytes(limits.maxObjectBytes)}), ${plan.refused.tierNotAllowed} with no tier as slow as THAW_MAX_TIER (${limits.maxTier})`,
    `budget left today (${usage.day} UTC): ${formatCount(limits.restoresLeft)} restores, ${formatBytes(limits.bytesLeft)}; ${formatCount(plan.laterDays)} wait for a later day's budget (run this again after ${usage.resetsAt.slice(0, 16).replace('T', ' ')} UTC: a deferral is not a queue)`,
    `pace: ${Math.max(1, Math.floor(limits.restoresPerSecond * RATE_SHARE))} objects/s (${Math.round(RATE_SHARE * 100)}% of the rate limit of ${limits.restoresPerSecond}/s): sending takes about ${formatDuration(plan.submitMs)}; each class is readable within its "ready within" after that`,
    `cost: ${plan.costUnknownFor.length ? `at least ${formatMoney(plan.cost, plan.currency)} (no price for ${plan.costUnknownFor.join(', ')})` : formatMoney(plan.cost, plan.currency)} for ${formatCount(plan.restores)} restores of ${formatBytes(plan.restoreBytes)} (retrieval per GB + per request + the temporary copy for its days)`,
    `prices: ${prices.region}, ${prices.currency}${prices === DEFAULT_PRICES ? ', the defaults (docs/operations.md, Prices: sources and dates); --prices FILE for yours' : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}
