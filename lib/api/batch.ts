// Many objects of one bucket in one call, through the same coordinator, policy and records as a
// single POST or GET: `thaw restore` submits a prefix with it.
//
//   POST /v1/batch/restore  {"bucket", "objects": [{"key", "versionId"?}], "days"?, "tier"?}   request()
//   POST /v1/batch/status   {"bucket", "objects": [{"key", "versionId"?}]}                     refresh()
//
// At most MAX_BATCH_OBJECTS objects. The answer is 200 with one result per object, in order, each
// carrying the status and error code the single-object endpoint would answer, and the record's
// view: a batch never hides one object's refusal behind another's success.
import { InvalidInputError } from '../restore/errors';
import type { Logger } from '../log';
import type { Coordinator, ObjectOutcome } from '../restore/coordinator';
import { hasDotSegment, type ObjectRef, objectRef, recordId, validateBucket } from '../restore/object-ref';
import type { RestorePolicy, StateStore } from '../restore/ports';
import { RefusedReason, type RestoreRecord } from '../restore/record';
import { type RestoreRequest, validateRestoreRequest } from '../restore/restore-request';
import type { Timing } from '../restore/timing';
import { readJson } from './body';
import { ApiProblem, json } from './problem';
import { answerFor, loweredOf, recordBudgetProblem, refusedAnswer, viewOf } from './representation';

export const MAX_BATCH_OBJECTS = 100;
/** 100 keys of up to 1023 bytes each, as JSON, with room to spare. */
export const MAX_BATCH_BODY_BYTES = 256 * 1024;

export interface BatchDeps {
  readonly coordinator: Coordinator;
  readonly store: StateStore;
  readonly policy: RestorePolicy;
  readonly timing: Timing;
  readonly nowMs: () => number;
}

interface BatchBody {
  readonly bucket: string;
  /** In the order given; `ref` is undefined where the object itself was invalid. */
  readonly objects: readonly { readonly key: unknown; readonly versionId?: unknown; readonly ref?: ObjectRef; readonly invalid?: string }[];
  readonly request: RestoreRequest;
}

/** One object's entry in the answer's `results`: the status and error the single-object endpoint would answer, and the record's view. */
interface ObjectAnswer {
  readonly key: unknown;
  readonly versionId: unknown;
  readonly status: number;
  readonly error?: { readonly code: string; readonly message: string };
  readonly [field: string]: unknown;
}

export async function batch(
  deps: BatchDeps,
  action: 'restore' | 'status',
  request: Request,
  options: { deadlineAtMs?: number; log: Logger },
): Promise<Response> {
  const body = parseBody(await readJson(request, MAX_BATCH_BODY_BYTES, shapeOf(action), { required: true }), action);
  // THAW_MAX_DAYS and THAW_MAX_TIER lower what was asked before the policy sees it; the answer says so.
  const granted = action === 'restore' ? deps.policy.clampRequest(body.request) : body.request;
  const lowered = loweredOf(body.request, granted);
  const results: (ObjectAnswer | undefined)[] = body.objects.map((o) => {
    if (o.invalid) return { key: o.key, versionId: o.versionId ?? null, status: 400, error: { code: 'InvalidInput', message: o.invalid } };
    const ref = o.ref!;
    if (!deps.policy.inScope(ref)) {
      return problem(ref, 403, 'NotAllowed', `oss-thaw is not allowed to restore objects in ${ref.bucket}/${ref.key} (THAW_ALLOW).`);
    }
    if (hasDotSegment(ref.key)) {
      const answer = refusedAnswer(RefusedReason.UNADDRESSABLE_KEY);
      return problem(ref, answer.status, answer.error!.code, answer.error!.message);
    }
    return undefined;
  });
  const work = body.objects.filter((_, i) => results[i] === undefined).map((o) => o.ref!);
  const seenAtMs = deps.nowMs();
  const { outcomes } =
    action === 'restore'
      ? await deps.coordinator.request(
          work.map((ref) => ({ ...ref, source: 'cli' as const, seenAtMs, request: granted })),
          { deadlineAtMs: options.deadlineAtMs, log: options.log },
        )
      : await deps.coordinator.refresh(work, { deadlineAtMs: options.deadlineAtMs, log: options.log });
  const records = await settledRecords(deps.store, outcomes);
  const nowMs = deps.nowMs();
  body.objects.forEach((o, i) => {
    if (results[i]) return;
    const ref = o.ref!;
    const outcome = outcomeFor(outcomes, ref);
    results[i] = resultOf(deps, ref, outcome, outcome ? records.get(outcome.id) : undefined, action, nowMs);
  });
  const counts: Record<string, number> = {};
  for (const r of results) counts[String(r!.status)] = (counts[String(r!.status)] ?? 0) + 1;
  return json(200, {
    results,
    statuses: counts,
    restoreStarted: outcomes.filter((o) => o.result === 'restoreStarted').length,
    ...(lowered ? { lowered } : {}),
  });
}

function shapeOf(action: 'restore' | 'status'): string {
  return action === 'restore'
    ? '{"bucket": string, "objects": [{"key": string, "versionId"?: string}], "days"?: number, "tier"?: string}'
    : '{"bucket": string, "objects": [{"key": string, "versionId"?: string}]}';
}

function parseBody(raw: unknown, action: 'restore' | 'status'): BatchBody {
  const shape = shapeOf(action);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ApiProblem(400, 'InvalidInput', `The body must be a JSON object: ${shape}.`);
  const allowed = action === 'restore' ? ['bucket', 'objects', 'days', 'tier'] : ['bucket', 'objects'];
  const unknown = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new InvalidInputError(unknown[0]!.slice(0, 40), `is not a field of the body (${shape})`);
  const b = raw as { bucket?: unknown; objects?: unknown; days?: unknown; tier?: unknown };
  const bucket = validateBucket(b.bucket);
  if (!Array.isArray(b.objects) || b.objects.length === 0 || b.objects.length > MAX_BATCH_OBJECTS) {
    throw new InvalidInputError('objects', `must be a list of 1 to ${MAX_BATCH_OBJECTS} objects`);
  }
  const request = action === 'restore' ? validateRestoreRequest({ days: b.days, tier: b.tier }) : {};
  const objects = b.objects.map((o: unknown, i: number) => {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return { key: null, invalid: `objects[${i}]: must be {"key": string, "versionId"?: string}` };
    const extra = Object.keys(o).filter((k) => k !== 'key' && k !== 'versionId');
    const { key, versionId } = o as { key?: unknown; versionId?: unknown };
    if (extra.length) return { key, versionId, invalid: `objects[${i}].${extra[0]!.slice(0, 40)}: is not a field of an object (key, versionId)` };
    try {
      return { key, versionId, ref: objectRef({ bucket, key, versionId }) };
    } catch (err) {
      return { key, versionId, invalid: `objects[${i}].${(err as Error).message}` };
    }
  });
  return { bucket, objects, request };
}

/** The record each outcome ended on; where another worker held the claim, what it wrote. */
async function settledRecords(store: StateStore, outcomes: readonly ObjectOutcome[]): Promise<Map<string, RestoreRecord>> {
  const records = new Map<string, RestoreRecord>();
  const unread: string[] = [];
  for (const o of outcomes) {
    if (o.record) records.set(o.id, o.record);
    else if (o.result !== 'untracked' && o.result !== 'unrecorded' && o.result !== 'unstarted' && o.result !== 'dailyRecordBudget') unread.push(o.id);
  }
  for (const [id, r] of unread.length ? await store.getMany(unread) : []) records.set(id, r);
  return records;
}

/** The outcome of an object's own record, or (a key without a versionId) of the version HEAD resolved. */
function outcomeFor(outcomes: readonly ObjectOutcome[], ref: ObjectRef): ObjectOutcome | undefined {
  const id = recordId(ref);
  return outcomes.find((o) => o.id === id) ?? (ref.versionId === '' ? outcomes.find((o) => o.ref.key === ref.key) : undefined);
}

function resultOf(
  deps: BatchDeps,
  ref: ObjectRef,
  outcome: ObjectOutcome | undefined,
  record: RestoreRecord | undefined,
  action: 'restore' | 'status',
  nowMs: number,
): ObjectAnswer {
  if (outcome?.result === 'dailyRecordBudget') {
    const answer = recordBudgetProblem(outcome.retryAtMs!, nowMs);
    return {
      ...problem(ref, answer.status, answer.error.code, answer.error.message),
      reason: 'daily-record-budget',
      retryAfterSeconds: answer.retryAfterSeconds,
    };
  }
  if (outcome?.result === 'unrecorded' || outcome?.result === 'unstarted') {
    // Nothing durable happened for it: the caller sends it again.
    return { ...problem(ref, 503, 'ServiceUnavailable', 'Not done in this call; send it again.'), retryAfterSeconds: 2 };
  }
  if (!record) {
    if (action === 'status') return problem(ref, 404, 'NoSuchRestore', 'No restore has been requested for this object.');
    return { ...problem(ref, 503, 'ServiceUnavailable', 'The restore record could not be read; send it again.'), retryAfterSeconds: 2 };
  }
  const answer = answerFor(record, nowMs);
  const view = viewOf(record, deps.timing, nowMs);
  return { ...view, key: view.key, versionId: view.versionId, status: answer.status, ...(answer.error ? { error: answer.error } : {}) };
}

function problem(ref: ObjectRef, status: number, code: string, message: string): ObjectAnswer {
  return { key: ref.key, versionId: ref.versionId || null, status, error: { code, message } };
}
