// The one switch from a record's state to an HTTP answer (lib/api/representation.ts), held to the
// state table of docs/state-machine.md ("what a caller is told") and the answers table of docs/api.md.
import { describe, expect, it } from 'vitest';
import { answerFor, type Answer } from '../../../lib/api/representation';
import { DeferReason, FROZEN, type ObjectState, RefusedReason, RESTORE_STATES, type RestoreRecord } from '../../../lib/restore/record';
import { codeSpans, docTable } from '../../support/markdown';
import { record, T0 } from '../../support/records';

/** Every kind of record a caller can meet, per state it reads as: one per reason where a state has reasons. */
const SAMPLES: Record<ObjectState, RestoreRecord[]> = {
  CLAIMED: [record('k')],
  RESTORING: [record('k', { state: 'RESTORING', etaAtMs: T0 + 60_000, leaseUntilMs: undefined })],
  RESTORED: [record('k', { state: 'RESTORED', expiresAtMs: T0 + 1, leaseUntilMs: undefined })],
  FROZEN: [record('k', { state: 'RESTORED', expiresAtMs: T0, leaseUntilMs: undefined })],
  NOT_ARCHIVED: [record('k', { state: 'NOT_ARCHIVED', storageClass: 'IA', leaseUntilMs: undefined })],
  NOT_FOUND: [record('k', { state: 'NOT_FOUND', leaseUntilMs: undefined })],
  DEFERRED: Object.values(DeferReason).map((reason) => record('k', { state: 'DEFERRED', reason, retryAtMs: T0 + 1000, leaseUntilMs: undefined })),
  REFUSED: Object.values(RefusedReason).map((reason) => record('k', { state: 'REFUSED', reason, storageClass: 'DeepColdArchive', leaseUntilMs: undefined })),
  FAILED: [record('k', { state: 'FAILED', retryAtMs: T0 + 1000, leaseUntilMs: undefined })],
  CURRENT_VERSION: [record('k', { state: 'CURRENT_VERSION', currentVersionId: 'v1', leaseUntilMs: undefined })],
};

/** The states a caller is answered for (a CURRENT_VERSION record answers as the record it names). */
const ANSWERED: ObjectState[] = [...RESTORE_STATES.filter((s) => s !== 'CURRENT_VERSION'), FROZEN];

const said = (a: Answer) => (a.error ? `${a.status} ${a.error.code}` : String(a.status));
const answersOf = (state: ObjectState) => [...new Set(SAMPLES[state].map((r) => said(answerFor(r, T0))))];

describe('answerFor', () => {
  it.each([
    ['CLAIMED', ['202']],
    ['RESTORING', ['202']],
    ['RESTORED', ['200']],
    ['FROZEN', ['410 RestoreExpired']],
    ['NOT_ARCHIVED', ['409 NotArchived']],
    ['NOT_FOUND', ['404 NoSuchKey']],
    ['DEFERRED', ['429']],
    ['REFUSED', ['403 ObjectTooLarge', '403 TierNotAllowed', '400 UnaddressableKey']],
    ['FAILED', ['503']],
    ['CURRENT_VERSION', ['404 NoSuchRestore']],
  ] as const)('answers %s with %j', (state, expected) => {
    expect(answersOf(state)).toEqual(expected);
  });
});

describe('docs/state-machine.md: the record and its states', () => {
  const rows = docTable('docs/state-machine.md', '## The record and its states', 'state');

  it('lists every state, and only those', () => {
    expect(rows.map((r) => codeSpans(r[0]!)[0]).sort()).toEqual([...RESTORE_STATES, FROZEN].sort());
  });

  it.each(rows.map((r) => [codeSpans(r[0]!)[0] as ObjectState, r[3]!] as const).filter(([state]) => state !== 'CURRENT_VERSION'))(
    'tells a caller of %s what the API answers: %s',
    (state, told) => {
      const statuses = codeSpans(told).filter((span) => /^\d{3}( \w+)?$/.test(span));
      expect(statuses.sort()).toEqual(answersOf(state).sort());
    },
  );

  it('says a CURRENT_VERSION record answers as the record it names', () => {
    expect(rows.find((r) => r[0] === '`CURRENT_VERSION`')?.[3]).toBe("what that version's record says");
  });
});

describe('docs/api.md: the answers', () => {
  const rows = docTable('docs/api.md', '## Answers', 'status');

  it.each(ANSWERED.flatMap((state) => answersOf(state).map((answer) => [answer, state] as const)))('has a row for %s, naming %s', (answer, state) => {
    const [status, code] = answer.split(' ');
    const row = rows.find(([cell]) => cell!.startsWith(status!) && (code === undefined || codeSpans(cell!).includes(code)));
    expect(row, `no status row for ${answer}`).toBeDefined();
    expect(codeSpans(row![1]!)).toContain(state);
  });
});
