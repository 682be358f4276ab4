import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock';
import {
  RestorePhase,
  parseRestoreRequest,
  planRestore,
  restoreHeader,
  restorePhase,
  restoreRequestXml,
  type RestoreRequest,
  type RestoreState,
} from '../../../lib/emulators/oss/restore';
import type { StorageClass, Tier } from '../../../lib/emulators/oss/rules';
import { codeOf } from '../../support/errors';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);

function body(days?: number, tier?: Tier): RestoreRequest {
  return { days: days === undefined ? undefined : String(days), hasJobParameters: tier !== undefined, tier };
}

describe('restorePhase and the x-oss-restore header', () => {
  const state: RestoreState = { requestedAtMs: T0, tier: undefined, days: 1, completesAtMs: T0 + MINUTE, expiresAtMs: T0 + MINUTE + DAY };

  it.each([
    ['no restore', undefined, T0, RestorePhase.Frozen, undefined],
    ['just requested', state, T0, RestorePhase.Restoring, 'ongoing-request="true"'],
    ['1 ms before completion', state, T0 + MINUTE - 1, RestorePhase.Restoring, 'ongoing-request="true"'],
    ['at completion', state, T0 + MINUTE, RestorePhase.Restored, 'ongoing-request="false", expiry-date="Fri, 02 Jan 2026 00:01:00 GMT"'],
    ['1 ms before expiry', state, T0 + MINUTE + DAY - 1, RestorePhase.Restored, 'ongoing-request="false", expiry-date="Fri, 02 Jan 2026 00:01:00 GMT"'],
    ['at expiry', state, T0 + MINUTE + DAY, RestorePhase.Frozen, undefined],
  ])('%s', (_label, s, now, phase, header) => {
    expect(restorePhase(s, now)).toBe(phase);
    expect(restoreHeader(s, now)).toBe(header);
  });
});

describe('planRestore with a ManualClock', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock(T0);
  });
  const at = (timeScale = 1) => ({ nowMs: clock.nowMs(), timeScale });

  it.each<[StorageClass, Tier | undefined, number]>([
    ['Archive', undefined, MINUTE],
    ['ColdArchive', 'Expedited', HOUR],
    ['ColdArchive', 'Standard', 5 * HOUR],
    ['ColdArchive', 'Bulk', 12 * HOUR],
    ['DeepColdArchive', 'Expedited', 12 * HOUR],
    ['DeepColdArchive', 'Standard', 48 * HOUR],
  ])('%s %s completes after the nominal time', (storageClass, tier, duration) => {
    const outcome = planRestore(storageClass, undefined, body(2, tier), at());
    expect(outcome).toMatchObject({ status: 202, kind: 'started' });
    expect(outcome.state.completesAtMs).toBe(T0 + duration);
    expect(outcome.state.expiresAtMs).toBe(T0 + duration + 2 * DAY);
    clock.advance(duration - 1);
    expect(restorePhase(outcome.state, clock.nowMs())).toBe(RestorePhase.Restoring);
    clock.advance(1);
    expect(restorePhase(outcome.state, clock.nowMs())).toBe(RestorePhase.Restored);
  });

  it('defaults an Archive restore without a body to one day', () => {
    const outcome = planRestore('Archive', undefined, parseRestoreRequest(Buffer.alloc(0)), at());
    expect(outcome.state).toEqual({ requestedAtMs: T0, tier: undefined, days: 1, completesAtMs: T0 + MINUTE, expiresAtMs: T0 + MINUTE + DAY });
  });

  it('defaults a ColdArchive restore without JobParameters to the Standard tier', () => {
    expect(planRestore('ColdArchive', undefined, body(1), at()).state.tier).toBe('Standard');
  });

  it('divides restore time and restored period by the time scale', () => {
    const outcome = planRestore('Archive', undefined, body(1), at(60));
    expect(outcome.state.completesAtMs).toBe(T0 + 1_000);
    expect(outcome.state.expiresAtMs).toBe(T0 + 1_000 + 24 * MINUTE);
  });

  it('answers RestoreAlreadyInProgress to a second Archive restore while restoring', () => {
    const first = planRestore('Archive', undefined, body(1), at()).state;
    clock.advance(30_000);
    expect(codeOf(() => planRestore('Archive', first, body(1), at()))).toBe('RestoreAlreadyInProgress');
  });

  it.each<[Tier, Tier, string, string | undefined]>([
    ['Standard', 'Standard', 'RestoreAlreadyInProgress', '0016-00000701'],
    ['Bulk', 'Bulk', 'RestoreAlreadyInProgress', '0016-00000701'],
    // doc: a lower priority has its own error, EC 0016-00000715 (its Code is not documented).
    ['Standard', 'Bulk', 'InvalidArgument', '0016-00000715'],
    ['Expedited', 'Standard', 'InvalidArgument', '0016-00000715'],
  ])('a ColdArchive restore running at %s, asked again at %s, answers %s (EC %s)', (running, asked, code, ec) => {
    const first = planRestore('ColdArchive', undefined, body(1, running), at()).state;
    let thrown: { code?: string; ec?: string } | undefined;
    try {
      planRestore('ColdArchive', first, body(1, asked), at());
    } catch (err) {
      thrown = err as { code?: string; ec?: string };
    }
    expect(thrown).toMatchObject({ code, ec });
  });

  it('raises the priority of a running ColdArchive restore and never completes later', () => {
    const bulk = planRestore('ColdArchive', undefined, body(1, 'Bulk'), at()).state; // due T0 + 12 h
    clock.advance(2 * HOUR);
    const raised = planRestore('ColdArchive', bulk, body(1, 'Standard'), at());
    expect(raised).toMatchObject({ status: 202, kind: 'priority-raised' });
    expect(raised.state.tier).toBe('Standard');
    expect(raised.state.completesAtMs).toBe(T0 + 7 * HOUR);

    clock.advance(4 * HOUR + 30 * MINUTE); // T0 + 6.5 h: Expedited would finish at 7.5 h, later than 7 h
    const again = planRestore('ColdArchive', raised.state, body(1, 'Expedited'), at());
    expect(again.state.completesAtMs).toBe(T0 + 7 * HOUR);
    expect(again.state.tier).toBe('Expedited');
  });

  it('extends a restored period by Days, up to the class maximum (Archive: 7 days)', () => {
    const restored = planRestore('Archive', undefined, body(1), at()).state; // readable T0+1m .. T0+1m+1d
    clock.advance(2 * MINUTE);
    const extended = planRestore('Archive', restored, body(2), at());
    expect(extended).toMatchObject({ status: 200, kind: 'extended' });
    expect(extended.state.expiresAtMs).toBe(T0 + MINUTE + 3 * DAY);
    const capped = planRestore('Archive', extended.state, body(7), at());
    expect(capped.state.expiresAtMs).toBe(T0 + MINUTE + 7 * DAY);
  });

  it('starts over once a restored period has lapsed', () => {
    const first = planRestore('Archive', undefined, body(1), at()).state;
    clock.advance(MINUTE + DAY);
    const second = planRestore('Archive', first, body(1), at());
    expect(second).toMatchObject({ status: 202, kind: 'started' });
    expect(second.state.completesAtMs).toBe(T0 + MINUTE + DAY + MINUTE);
  });

  it.each<[string, StorageClass, RestoreRequest, string]>([
    ['Standard object', 'Standard', body(1), 'OperationNotSupported'],
    ['IA object', 'IA', body(1), 'OperationNotSupported'],
    ['Archive Days 0', 'Archive', body(0), 'MalformedXML'],
    ['Archive Days 8', 'Archive', body(8), 'MalformedXML'],
    ['Archive Days "a"', 'Archive', { days: 'a', hasJobParameters: false, tier: undefined }, 'MalformedXML'],
    ['ColdArchive Days 366', 'ColdArchive', body(366, 'Standard'), 'MalformedXML'],
    ['JobParameters on Archive', 'Archive', body(1, 'Standard'), 'MalformedXML'],
    ['unknown Tier', 'ColdArchive', { days: '1', hasJobParameters: true, tier: 'Test' }, 'MalformedXML'],
    ['DeepColdArchive Bulk', 'DeepColdArchive', body(1, 'Bulk'), 'MalformedXML'],
  ])('rejects %s', (_label, storageClass, request, code) => {
    expect(codeOf(() => planRestore(storageClass, undefined, request, at()))).toBe(code);
  });

  it('accepts Days 365 for ColdArchive', () => {
    expect(planRestore('ColdArchive', undefined, body(365, 'Bulk'), at()).state.days).toBe(365);
  });
});

describe('parseRestoreRequest', () => {
  it('reads Days and Tier as sent by the SDKs', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${restoreRequestXml(3, 'Bulk')}`;
    expect(parseRestoreRequest(Buffer.from(xml))).toEqual({ days: '3', hasJobParameters: true, tier: 'Bulk' });
  });

  it.each([
    ['not XML', '<RestoreRequest><Days>2</Days>'],
    ['an unknown node', '<RestoreRequest><Days>2</Days><Unknown/></RestoreRequest>'],
    ['GlacierJobParameters', '<RestoreRequest><Days>2</Days><GlacierJobParameters><Tier>Bulk</Tier></GlacierJobParameters></RestoreRequest>'],
    ['another root', '<Restore><Days>2</Days></Restore>'],
  ])('answers MalformedXML to %s', (_label, xml) => {
    expect(codeOf(() => parseRestoreRequest(Buffer.from(xml)))).toBe('MalformedXML');
  });
});
