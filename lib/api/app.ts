// The HTTP API on Web Request/Response, independent of any platform: functions/http adapts FC's
// events to it, tests call it directly.
//
//   POST /v1/restores/{bucket}/{key}[?versionId=]   body {days?, tier?}   report a miss / ask for a restore
//   GET  /v1/restores/{bucket}/{key}[?versionId=]                         the record (refreshed past its ETA)
//   GET  /v1/restores?state=&bucket=&prefix=&order=&limit=&cursor=        records by state (operator-reads.ts)
//   GET  /v1/usage                                                         budgets, rate, records per state
//   POST /v1/batch/restore, /v1/batch/status                               many objects at once (batch.ts)
//   GET  /v1/health, and the dashboard: GET / (dashboard/), no token; its data calls need one
//
// Every call but those names a token (auth.ts) before anything else is read — the body included —
// and the token's scope decides what it may do: read (status, listings, usage, batch status) or
// restore (POST a restore, batch restore). The token's id names the caller in every log line.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { CostLimits } from '../policy/cost-policy';
import type { Coordinator, ObjectOutcome } from '../restore/coordinator';
import { errorValue, InvalidInputError, isRetryable } from '../restore/errors';
import { hasDotSegment, objectRef } from '../restore/object-ref';
import type { CounterStore, RestorePolicy, StateStore } from '../restore/ports';
import { RefusedReason, type RestoreRecord } from '../restore/record';
import { validateRestoreRequest } from '../restore/restore-request';
import type { Timing } from '../restore/timing';
import { type AuthSettings, authenticate, type Caller, requireScope } from './auth';
import { batch, MAX_BATCH_BODY_BYTES } from './batch';
import { readJson } from './body';
import { dashboardFile } from './dashboard/files';
import { listRecords, usage } from './operator-reads';
import { isBatchPath, type Route, route } from './paths';
import { ApiProblem, internalErrorResponse, json, problemResponse, unavailable } from './problem';
import { type Answer, answerFor, type Lowered, loweredOf, recordBudgetProblem, refusedAnswer, viewOf } from './representation';
import type { TokenScope } from './tokens';

export interface ApiDeps {
  readonly coordinator: Coordinator;
  readonly store: StateStore;
  readonly policy: RestorePolicy;
  readonly auth: AuthSettings;
  readonly timing: Timing;
  readonly clock: Clock;
  readonly log: Logger;
  /** Budgets and rate, for /v1/usage. */
  readonly counters: CounterStore;
  readonly limits: CostLimits;
  /** Days and tier a restore gets when the caller names none (THAW_DEFAULT_DAYS / _TIER). */
  readonly defaults: { readonly days: number; readonly tier: string };
}

export interface RequestContext {
  /** The path as sent, percent-encoding intact (FC's rawPath); defaults to the URL's. */
  readonly rawPath?: string;
  readonly requestId?: string;
  /** When the platform will cut the invocation off (FC timeout), so work ends cleanly before. */
  readonly deadlineAtMs?: number;
}

/** The largest request body a single-object call reads. */
export const MAX_BODY_BYTES = 4096;

/**
 * The largest body the API reads on this path: it refuses a larger one by its declared length,
 * or cuts it off while it streams, before anything past the limit is buffered. Only the batch
 * endpoints take more than a single-object call (100 objects need room).
 */
export function bodyLimitOf(rawPath: string): number {
  return isBatchPath(rawPath) ? MAX_BATCH_BODY_BYTES : MAX_BODY_BYTES;
}

export type ApiHandler = (request: Request, context?: RequestContext) => Promise<Response>;

const RESTORE_BODY = '{"days"?: number, "tier"?: "Expedited" | "Standard" | "Bulk"}';

export function createApi(deps: ApiDeps): ApiHandler {
  if (deps.auth.tokens.length === 0 && !deps.auth.anonymous) {
    deps.log.error('THAW_API_TOKENS is empty: the API will refuse every call (thaw token new makes a token and its configured form)');
  }
  return async (request, context = {}) => {
    const requestId = context.requestId ?? randomUUID();
    const call = { log: deps.log.child({ requestId }), caller: undefined as Caller | undefined };
    const started = deps.clock.nowMs();
    let response: Response;
    try {
      response = await dispatch(deps, request, context, call);
    } catch (err) {
      if (err instanceof ApiProblem) {
        response = problemResponse(err, requestId);
      } else if (err instanceof InvalidInputError) {
        response = problemResponse(new ApiProblem(400, 'InvalidInput', err.message), requestId);
      } else if (isRetryable(err)) {
        // The state store or OSS is unavailable for now: a caller should come back, not give up.
        call.log.warn('request failed transiently', { error: errorValue(err) });
        response = unavailable(requestId);
      } else {
        call.log.error('request failed', { error: errorValue(err) });
        response = internalErrorResponse(requestId);
      }
    }
    response.headers.set('x-request-id', requestId);
    call.log.info('http', { method: request.method, status: response.status, tokenId: call.caller?.tokenId ?? null, durationMs: deps.clock.nowMs() - started });
    return response;
  };
}

/** What a route may be called with, and the scope each method needs. */
function scopeOf(target: Exclude<Route, { kind: 'unknown' | 'health' | 'page' }>, method: string): TokenScope {
  const allowed: Record<string, Record<string, TokenScope>> = {
    list: { GET: 'read' },
    usage: { GET: 'read' },
    batch: target.kind === 'batch' && target.action === 'status' ? { POST: 'read' } : { POST: 'restore' },
    restore: { GET: 'read', POST: 'restore' },
  };
  const methods = allowed[target.kind]!;
  const scope = methods[method];
  if (!scope) throw methodNotAllowed(Object.keys(methods).join(', '));
  return scope;
}

async function dispatch(deps: ApiDeps, request: Request, context: RequestContext, call: { log: Logger; caller: Caller | undefined }): Promise<Response> {
  const url = new URL(request.url);
  const target = route(context.rawPath ?? url.pathname);
  if (target.kind === 'unknown') {
    throw new ApiProblem(404, 'NoSuchRoute', 'Unknown path; see /v1/restores/{bucket}/{key}, /v1/restores, /v1/usage, /v1/batch/restore and /v1/health.');
  }
  if (target.kind === 'health') {
    if (request.method !== 'GET') throw methodNotAllowed('GET');
    return json(200, { status: 'ok' });
  }
  // The page holds no data: every call it makes carries the token.
  if (target.kind === 'page') {
    if (request.method !== 'GET') throw methodNotAllowed('GET');
    return dashboardFile(target.file);
  }
  // Before anything else of the request is read, the body included.
  const caller = authenticate(deps.auth, request.headers.get('authorization'));
  call.caller = caller;
  const log = call.log.child({ tokenId: caller.tokenId });
  call.log = log;
  const scope = scopeOf(target, request.method);
  // Anonymous callers (THAW_API_ANONYMOUS) read and ask for one object at a time, nothing more.
  if (caller.anonymous && target.kind !== 'restore') {
    throw new ApiProblem(401, 'Unauthorized', 'This call needs a token; without one, only /v1/restores/{bucket}/{key} may be read or asked for.', {
      'www-authenticate': 'Bearer realm="oss-thaw"',
    });
  }
  requireScope(caller, scope);
  const nowMs = deps.clock.nowMs();
  if (target.kind === 'list') return listRecords(deps, url.searchParams, nowMs);
  if (target.kind === 'usage') return usage(deps, nowMs);
  if (target.kind === 'batch') {
    return batch({ ...deps, nowMs: () => deps.clock.nowMs() }, target.action, request, { deadlineAtMs: context.deadlineAtMs, log });
  }

  const ref = objectRef({ bucket: target.bucket, key: target.key, versionId: url.searchParams.get('versionId') ?? undefined });
  if (!deps.policy.inScope(ref)) {
    throw new ApiProblem(403, 'NotAllowed', `oss-thaw is not allowed to restore objects in ${ref.bucket}/${ref.key} (THAW_ALLOW).`);
  }
  // Refused up front, before any work: no SDK call can address such a key.
  if (hasDotSegment(ref.key)) throw problemOf(refusedAnswer(RefusedReason.UNADDRESSABLE_KEY));

  if (request.method === 'POST') {
    // Validated here so a bad Days or tier is a 400 naming the field before any work starts.
    const asked = validateRestoreRequest(restoreBodyOf(await readJson(request, MAX_BODY_BYTES, RESTORE_BODY, { required: false })));
    if (caller.anonymous && (asked.days !== undefined || asked.tier !== undefined)) {
      throw new ApiProblem(401, 'Unauthorized', "Only a token may choose Days or a tier; without one, a restore gets the deployment's defaults.", {
        'www-authenticate': 'Bearer realm="oss-thaw"',
      });
    }
    // THAW_MAX_DAYS and THAW_MAX_TIER lower what was asked before the policy sees it; the answer says so.
    const granted = deps.policy.clampRequest(asked);
    const lowered = loweredOf(asked, granted);
    const miss = { ...ref, source: 'http' as const, seenAtMs: deps.clock.nowMs(), request: granted };
    const { outcomes } = await deps.coordinator.request([miss], { deadlineAtMs: context.deadlineAtMs, log });
    const outcome = outcomes[0]!;
    const raise = outcome.raiseRefused ? { tier: granted.tier, refusal: outcome.raiseRefused } : undefined;
    return recordResponse(deps, await settled(deps, outcome), raise, lowered);
  }
  // GET: a status read refreshes a RESTORING record past its ETA (HEAD only), never starts a restore.
  const { outcomes } = await deps.coordinator.refresh([ref], { deadlineAtMs: context.deadlineAtMs, log });
  const record = await settled(deps, outcomes[0]!);
  if (!record) {
    log.debug('no record', { bucket: ref.bucket });
    throw new ApiProblem(404, 'NoSuchRestore', 'No restore has been requested for this object; POST to the same path to request one.');
  }
  return recordResponse(deps, record);
}

/** The record after a batch; when another worker won the claim, read what it wrote. */
async function settled(deps: ApiDeps, outcome: ObjectOutcome): Promise<RestoreRecord | undefined> {
  if (outcome.record) return outcome.record;
  if (outcome.result === 'untracked') return undefined;
  if (outcome.result === 'dailyRecordBudget') {
    const answer = recordBudgetProblem(outcome.retryAtMs!, deps.clock.nowMs());
    throw new ApiProblem(answer.status, answer.error.code, answer.error.message, { 'retry-after': String(answer.retryAfterSeconds) });
  }
  if (outcome.result === 'unrecorded') {
    throw new ApiProblem(503, 'ServiceUnavailable', 'The state store is unavailable; try again shortly.', { 'retry-after': '5' });
  }
  return (await deps.store.getMany([outcome.id])).get(outcome.id);
}

function recordResponse(deps: ApiDeps, record: RestoreRecord | undefined, raise?: Parameters<typeof viewOf>[3], lowered?: Lowered): Response {
  if (!record) throw new ApiProblem(503, 'ServiceUnavailable', 'The restore record could not be read; try again shortly.', { 'retry-after': '2' });
  const nowMs = deps.clock.nowMs();
  const answer = answerFor(record, nowMs);
  if (answer.error) throw problemOf(answer);
  const view = { ...viewOf(record, deps.timing, nowMs, raise), ...(lowered ? { lowered } : {}) };
  return json(answer.status, view, view.retryAfterSeconds === null ? {} : { 'retry-after': String(view.retryAfterSeconds) });
}

function problemOf(answer: Answer): ApiProblem {
  return new ApiProblem(answer.status, answer.error?.code ?? 'InternalError', answer.error?.message ?? '');
}

/** A restore request's body: an object with at most days and tier. */
function restoreBodyOf(body: unknown): { days?: unknown; tier?: unknown } | undefined {
  if (body === undefined) return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiProblem(400, 'InvalidInput', `The body must be a JSON object: ${RESTORE_BODY}.`);
  }
  const unknown = Object.keys(body).filter((k) => k !== 'days' && k !== 'tier');
  if (unknown.length) {
    // Field names are strings, but not ours: echo a few, shortened.
    throw new ApiProblem(
      400,
      'InvalidInput',
      `Unknown field(s) in the body: ${unknown
        .slice(0, 5)
        .map((k) => JSON.stringify(k.slice(0, 40)))
        .join(', ')}.`,
    );
  }
  return body as { days?: unknown; tier?: unknown };
}

function methodNotAllowed(allow: string): ApiProblem {
  return new ApiProblem(405, 'MethodNotAllowed', `Use ${allow}.`, { allow });
}
