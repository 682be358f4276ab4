// What an operator reads: records by state (GET /v1/restores) and today's spending against the
// budgets with the records per state (GET /v1/usage). Both only read: no HEAD, no restore.
//
//   GET /v1/restores?state=RESTORING[,FAILED…]&bucket=&prefix=&order=key|newest|eta&limit=&cursor=
//   GET /v1/usage
import { InvalidInputError } from '../restore/errors';
import { validateBucket } from '../restore/object-ref';
import type { CostLimits } from '../policy/cost-policy';
import { readUsage } from '../policy/usage';
import { type CounterStore, LIST_ORDERS, LISTED_STATES, type ListOrder, MAX_LIST_LIMIT, type RecordQuery, type StateStore } from '../restore/ports';
import { FROZEN, type ObjectState, RESTORE_STATES } from '../restore/record';
import type { Timing } from '../restore/timing';
import { json } from './problem';
import { listedViewOf } from './representation';

const QUERY_PARAMETERS = ['state', 'bucket', 'prefix', 'order', 'limit', 'cursor'];
const DEFAULT_LIMIT = 100;
/** Records counted per state for /v1/usage at most; past it a count is a lower bound. */
export const COUNT_CAP = 10_000;
const STATES: readonly ObjectState[] = [...RESTORE_STATES, FROZEN];

export interface OperatorDeps {
  readonly store: StateStore;
  readonly counters: CounterStore;
  readonly limits: CostLimits;
  readonly timing: Timing;
  readonly defaults: { readonly days: number; readonly tier: string };
}

/** The listing query in a URL, every parameter checked by name. */
export function recordQueryOf(params: URLSearchParams, nowMs: number): RecordQuery {
  for (const name of new Set(params.keys())) {
    if (!QUERY_PARAMETERS.includes(name))
      throw new InvalidInputError(name.slice(0, 40), `is not a parameter of /v1/restores (use ${QUERY_PARAMETERS.join(', ')})`);
    if (params.getAll(name).length > 1) throw new InvalidInputError(name, 'may be given once');
  }
  const stateText = params.get('state');
  const states = stateText === null || stateText === '' ? LISTED_STATES : [...new Set(stateText.split(',').map((s) => s.trim()))];
  for (const state of states) {
    if (!(STATES as readonly string[]).includes(state))
      throw new InvalidInputError('state', `${JSON.stringify(state.slice(0, 40))} is not a state (${STATES.join(', ')})`);
  }
  const bucketText = params.get('bucket');
  const bucket = bucketText === null || bucketText === '' ? undefined : validateBucket(bucketText);
  const prefixText = params.get('prefix');
  const prefix = prefixText === null || prefixText === '' ? undefined : prefixText;
  if (prefix !== undefined && bucket === undefined) throw new InvalidInputError('prefix', 'needs a bucket');
  if (prefix !== undefined && Buffer.byteLength(prefix, 'utf8') > 1023) throw new InvalidInputError('prefix', 'is longer than any OSS key (1023 bytes)');
  const orderText = params.get('order');
  // Under a prefix the key order is a range of the index: its cost follows the page exactly.
  const order = (orderText === null || orderText === '' ? (prefix !== undefined ? 'key' : 'newest') : orderText) as ListOrder;
  if (!LIST_ORDERS.includes(order)) throw new InvalidInputError('order', `must be one of ${LIST_ORDERS.join(', ')}`);
  const limitText = params.get('limit');
  const limit = limitText === null || limitText === '' ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) throw new InvalidInputError('limit', `must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  const cursor = params.get('cursor') || undefined;
  if (cursor !== undefined && cursor.length > 8192) throw new InvalidInputError('cursor', 'is not a cursor this API returned');
  return { states: states as ObjectState[], bucket, prefix, order, limit, cursor, nowMs };
}

export async function listRecords(deps: OperatorDeps, params: URLSearchParams, nowMs: number): Promise<Response> {
  const query = recordQueryOf(params, nowMs);
  const page = await deps.store.list(query);
  return json(200, {
    states: query.states,
    order: query.order,
    records: page.records.map((r) => listedViewOf(r, deps.timing, nowMs)),
    cursor: page.cursor ?? null,
  });
}

export async function usage(deps: OperatorDeps, nowMs: number): Promise<Response> {
  const counts = await deps.store.countStates(nowMs, COUNT_CAP);
  const spent = await readUsage(deps.counters, deps.limits, nowMs, [...counts.byBucket.keys()]);
  const totals: Partial<Record<ObjectState, number>> = {};
  for (const perBucket of counts.byBucket.values()) {
    for (const [state, n] of Object.entries(perBucket) as [ObjectState, number][]) totals[state] = (totals[state] ?? 0) + n;
  }
  const { allow } = deps.limits;
  return json(200, {
    at: new Date(nowMs).toISOString(),
    day: spent.day,
    resetsAt: new Date(spent.resetsAtMs).toISOString(),
    rateLimit: spent.rateLimit,
    limits: {
      allow: allow === '*' ? '*' : allow.map((e) => (e.prefix ? `${e.bucket}/${e.prefix}` : e.bucket)),
      maxObjectBytes: deps.limits.maxObjectBytes,
      maxDays: deps.limits.maxDays,
      dailyRestores: deps.limits.dailyRestores,
      dailyBytes: deps.limits.dailyBytes,
      dailyByteDays: deps.limits.dailyByteDays,
      dailyNewRecords: deps.limits.dailyNewRecords,
      maxTier: deps.limits.maxTier,
      restoresPerSecond: deps.limits.restoresPerSecond,
    },
    defaults: { days: deps.defaults.days, tier: deps.defaults.tier },
    // Restores in the local stack run this many times faster; 1 in the cloud.
    timeScale: deps.timing.timeScale,
    states: totals,
    statesCapped: counts.capped,
    countCap: COUNT_CAP,
    buckets: spent.buckets.map((b) => ({ ...b, states: counts.byBucket.get(b.bucket) ?? {} })),
  });
}
