// docs/state-machine.md "What OSS answers, and what we do", row by row: each row's OSS answer goes through the
// ali-oss adapter's mapping (lib/oss/object-store.ts) and the pure rules (lib/restore/transitions.ts),
// and what they record must be what the row says. A row without a case here, or a case without
// its row, fails too: the table and the code cannot drift apart.
import { describe, expect, it } from 'vitest';
import { headOf, mapError, type OssError, restoreAnswerOf } from '../../../lib/oss/object-store';
import type { Intent } from '../../../lib/restore/decide';
import type { ObjectHead, PolicyRefusal, RestoreAnswer } from '../../../lib/restore/ports';
import { effectiveState, type RestoreRecord } from '../../../lib/restore/record';
import { DEFAULT_SETTINGS } from '../../../lib/restore/settings';
import {
  afterAdmission,
  afterFailure,
  afterHead,
  afterRestore,
  claimRecord,
  type Cycle,
  type CycleStep,
  type TransitionSettings,
} from '../../../lib/restore/transitions';
import { DEFAULT_TIMING } from '../../../lib/restore/timing';
import { codeSpans, docTable } from '../../support/markdown';
import { record, ref, T0 } from '../../support/records';

const HOUR = 3_600_000;
const SETTINGS: TransitionSettings = { ...DEFAULT_SETTINGS, timing: DEFAULT_TIMING };
const LEASE = { leaseUntilMs: T0 + 60_000, leaseOwner: 'w/1' };
const READ: Intent = { kind: 'request', lastReadAtMs: T0 };

/** A ColdArchive restore at Standard that OSS accepted an hour ago. */
const RUNNING = record('k', {
  state: 'RESTORING',
  storageClass: 'ColdArchive',
  sizeBytes: 100,
  tier: 'Standard',
  days: 3,
  requestedAtMs: T0 - HOUR,
  etaAtMs: T0 + 4 * HOUR,
  retryAtMs: T0,
  leaseUntilMs: undefined,
  leaseOwner: undefined,
});

function cycle(previous: RestoreRecord | undefined, intent: Intent = READ, versionId = ''): Cycle {
  const o = {
    id: previous?.id ?? record('k', { versionId }).id,
    ref: ref('k', 'thaw-test', versionId),
    request: {},
    firstSeenAtMs: T0,
    source: 'access-log' as const,
  };
  return { claimed: claimRecord(o, previous, T0, LEASE), previous, intent, nowMs: T0 };
}

const headers = (h: Record<string, string>) => headOf({ 'content-length': '100', ...h }, ref('k'));
const ossError = (status: number, code: string, name = 'Error'): OssError => Object.assign(new Error(code), { status, code, name });

/** What a step records, in the words of the table's last column: a state, or the next call. */
function recorded(step: CycleStep): string {
  if (step.kind === 'admit') return 'policy';
  if (step.kind === 'restore') return 'RestoreObject';
  if (step.kind === 'current-version') return 'CURRENT_VERSION';
  return effectiveState({ ...record('k'), ...step.changes } as RestoreRecord, T0);
}

const coldHead = (restore: 'frozen' | 'restoring'): ObjectHead => ({ found: true, storageClass: 'ColdArchive', sizeBytes: 100, restore: { kind: restore } });
const ADMIT_FRESH = {
  kind: 'admit',
  object: { storageClass: 'ColdArchive', sizeBytes: 100, restore: 'frozen' },
  wanted: { days: 1, tier: 'Standard' },
} as const;
const ADMIT_RAISE = {
  kind: 'admit',
  object: { storageClass: 'ColdArchive', sizeBytes: 100, restore: 'restoring' },
  wanted: { days: 1, tier: 'Expedited' },
} as const;
const RESTORE_FRESH = { kind: 'restore', object: ADMIT_FRESH.object, params: { days: 1, tier: 'Standard' } } as const;
const RAISE = { kind: 'request', tier: 'Expedited', lastReadAtMs: T0 } as const;

/** What each row's OSS answer leads to. Keys are the row's first two cells. */
const CASES: Record<string, () => CycleStep> = {
  'HeadObject | 200, `x-oss-storage-class` Standard/IA': () => afterHead(cycle(undefined), headers({ 'x-oss-storage-class': 'IA' }), SETTINGS),
  'HeadObject | 200, no `x-oss-restore`': () => afterHead(cycle(undefined), headers({ 'x-oss-storage-class': 'ColdArchive' }), SETTINGS),
  'HeadObject | 200, no `x-oss-restore`, after a restore OSS accepted, no read failed since it started': () =>
    afterHead(cycle(RUNNING, { kind: 'request', lastReadAtMs: T0 - 2 * HOUR }), headers({ 'x-oss-storage-class': 'ColdArchive' }), SETTINGS),
  'HeadObject | 200, `x-oss-restore: ongoing-request="true"`': () =>
    afterHead(cycle(undefined), headers({ 'x-oss-storage-class': 'ColdArchive', 'x-oss-restore': 'ongoing-request="true"' }), SETTINGS),
  'HeadObject | 200, `ongoing-request="true"`, a faster tier asked': () =>
    afterHead(cycle(RUNNING, RAISE), headers({ 'x-oss-storage-class': 'ColdArchive', 'x-oss-restore': 'ongoing-request="true"' }), SETTINGS),
  'HeadObject | 200, `ongoing-request="false", expiry-date="…"`': () =>
    afterHead(
      cycle(undefined),
      headers({ 'x-oss-storage-class': 'Archive', 'x-oss-restore': 'ongoing-request="false", expiry-date="Fri, 02 Jan 2026 00:00:00 GMT"' }),
      SETTINGS,
    ),
  'HeadObject | 200, `x-oss-version-id` for a miss without a versionId': () =>
    afterHead(cycle(undefined), headers({ 'x-oss-storage-class': 'Archive', 'x-oss-version-id': 'CAEQ1' }), SETTINGS),
  'HeadObject | 404 (no body; error XML base64 in `x-oss-err`)': () => afterHead(cycle(undefined), { found: false }, SETTINGS),
  'policy | over `THAW_MAX_OBJECT_BYTES`, or no tier as slow as `THAW_MAX_TIER`': () =>
    afterAdmission(cycle(undefined), ADMIT_FRESH, { kind: 'refused', reason: 'object-too-large' }, SETTINGS),
  'policy | daily budget or rate limit': () => afterAdmission(cycle(undefined), ADMIT_FRESH, BUDGET, SETTINGS),
  'policy | daily budget or rate limit, for a tier raise': () => afterAdmission(cycle(RUNNING, RAISE), ADMIT_RAISE, BUDGET, SETTINGS),
  'RestoreObject | `202 Accepted`': () => afterRestore(cycle(undefined), RESTORE_FRESH, 'restoreStarted', SETTINGS),
  'RestoreObject | `202 Accepted` to a tier raise': () =>
    afterRestore(cycle(RUNNING, RAISE), { kind: 'restore', object: ADMIT_RAISE.object, params: { days: 1, tier: 'Expedited' } }, 'restoreStarted', SETTINGS),
  'RestoreObject | `409 RestoreAlreadyInProgress`': () => restoreAnswered(ossError(409, 'RestoreAlreadyInProgress')),
  'RestoreObject | `200 OK` (already restored; period extended)': () => restoreAnswered(ossError(200, 'UnknownError')),
  'RestoreObject | `400 OperationNotSupported` (Standard/IA)': () => restoreAnswered(ossError(400, 'OperationNotSupported')),
  'RestoreObject | `404 NoSuchKey` / `NoSuchVersion`': () => restoreAnswered(ossError(404, 'NoSuchVersion')),
  'any | `400 MalformedXML` / `InvalidArgument`': () => failed(ossError(400, 'MalformedXML')),
  'any | `403 SignatureDoesNotMatch` / `InvalidAccessKeyId` / `AccessDenied`': () => failed(ossError(403, 'SignatureDoesNotMatch')),
  'any | 5xx, 429, network (status -1), timeout (-2), non-XML body': () => failed(ossError(-2, 'ResponseTimeoutError', 'ResponseTimeoutError')),
  'any | a failure while checking or raising a running restore': () => failed(ossError(503, 'ServiceUnavailable'), RUNNING),
};

const BUDGET: PolicyRefusal = { kind: 'deferred', reason: 'daily-restore-budget', retryAtMs: T0 + 24 * HOUR };

/** A RestoreObject that ali-oss threw for: an answer (restoreAnswerOf) or a failure. */
function restoreAnswered(err: OssError): CycleStep {
  const answer: RestoreAnswer | undefined = restoreAnswerOf(err);
  if (!answer) return failed(err);
  return afterRestore(cycle(undefined), RESTORE_FRESH, answer, SETTINGS, T0 + 24 * HOUR);
}

function failed(err: OssError, previous?: RestoreRecord): CycleStep {
  return afterFailure(cycle(previous), mapError(err, 'RestoreObject', ref('k')), SETTINGS, () => 0.5);
}

const ROWS = docTable('docs/state-machine.md', '## What OSS answers, and what we do', 'call');

describe('docs/state-machine.md: what OSS answers, and what we do', () => {
  it('has a case for every row, and a row for every case', () => {
    const keys = ROWS.map(([call, answer]) => `${call} | ${answer}`);
    expect(keys.filter((k) => !(k in CASES))).toEqual([]);
    expect(Object.keys(CASES).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it.each(ROWS.map((row) => [`${row[0]} | ${row[1]}`, row[3]!] as const))('%s → %s', (key, weRecord) => {
    const step = CASES[key]?.();
    expect(step, `no case for the row "${key}"`).toBeDefined();
    expect(recorded(step!)).toBe(codeSpans(weRecord)[0]);
  });
});

describe('transitions, beyond the state each row names', () => {
  it('a refused raise keeps every field of the running restore, and says what was refused', () => {
    const step = CASES['policy | daily budget or rate limit, for a tier raise']!();
    expect(step).toMatchObject({
      kind: 'record',
      result: 'restoring',
      raiseRefused: BUDGET,
      changes: { state: 'RESTORING', tier: 'Standard', requestedAtMs: T0 - HOUR, etaAtMs: T0 + 4 * HOUR, days: 3, reason: undefined },
    });
  });

  it("a raise asks OSS for the running restore's Days and the faster tier", () => {
    expect(CASES['HeadObject | 200, `ongoing-request="true"`, a faster tier asked']!()).toMatchObject({
      kind: 'admit',
      wanted: { days: 3, tier: 'Expedited' },
    });
  });

  it('a granted raise keeps the cycle start and takes the earlier ETA', () => {
    expect(CASES['RestoreObject | `202 Accepted` to a tier raise']!()).toMatchObject({
      result: 'restoreStarted',
      changes: { state: 'RESTORING', tier: 'Expedited', requestedAtMs: T0 - HOUR, etaAtMs: T0 + HOUR },
    });
  });

  it('configuration errors and our bugs wait an hour; transient ones back off from 30 s', () => {
    expect(CASES['any | `403 SignatureDoesNotMatch` / `InvalidAccessKeyId` / `AccessDenied`']!()).toMatchObject({
      loud: true,
      changes: { retryAtMs: T0 + HOUR },
    });
    expect(CASES['any | `400 MalformedXML` / `InvalidArgument`']!()).toMatchObject({ loud: true, changes: { retryAtMs: T0 + HOUR } });
    expect(CASES['any | 5xx, 429, network (status -1), timeout (-2), non-XML body']!()).toMatchObject({
      loud: false,
      changes: { state: 'FAILED', attempts: 1, retryAtMs: T0 + 22_500 },
    });
  });

  it('a copy that came and went unseen keeps the cycle start and expires now', () => {
    expect(CASES['HeadObject | 200, no `x-oss-restore`, after a restore OSS accepted, no read failed since it started']!()).toMatchObject({
      result: 'frozen',
      changes: { state: 'RESTORED', requestedAtMs: T0 - HOUR, expiresAtMs: T0 },
    });
  });

  it('a copy that expired unseen is restored again for a read that failed after the cycle started', () => {
    const step = afterHead(cycle(RUNNING, { kind: 'request', lastReadAtMs: T0 - HOUR }), coldHead('frozen'), SETTINGS);
    expect(step).toMatchObject({ kind: 'admit' });
  });

  it('a status read that finds the copy gone records it expired, never a restore', () => {
    expect(recorded(afterHead(cycle(RUNNING, { kind: 'refresh' }), coldHead('frozen'), SETTINGS))).toBe('FROZEN');
  });

  it('a miss naming a version follows no version id HEAD reports', () => {
    expect(recorded(afterHead(cycle(undefined, READ, 'CAEQ1'), headers({ 'x-oss-storage-class': 'Archive', 'x-oss-version-id': 'CAEQ1' }), SETTINGS))).toBe(
      'policy',
    );
  });
});
