import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lib/restore/errors';
import { mergeRestoreRequests, paramsForClass, validateRestoreRequest } from '../../../lib/restore/restore-request';

const DEFAULTS = { days: 1, tier: 'Standard' } as const;

describe('validateRestoreRequest', () => {
  it.each([
    [{ days: 0 }, 'days'],
    [{ days: 366 }, 'days'],
    [{ days: 1.5 }, 'days'],
    [{ days: '3' }, 'days'],
    [{ tier: 'Fast' }, 'tier'],
    [{ tier: 'expedited' }, 'tier'],
  ])('rejects %j naming the field %s', (input, field) => {
    expect(() => validateRestoreRequest(input)).toThrow(InvalidInputError);
    try {
      validateRestoreRequest(input);
    } catch (err) {
      expect((err as InvalidInputError).field).toBe(field);
    }
  });

  it('accepts the widest valid values', () => {
    expect(validateRestoreRequest({ days: 365, tier: 'Bulk' })).toEqual({ days: 365, tier: 'Bulk' });
    expect(validateRestoreRequest(undefined)).toEqual({});
    expect(validateRestoreRequest({ days: null, tier: null })).toEqual({});
  });
});

describe('paramsForClass', () => {
  it.each([
    ['Archive', {}, { days: 1 }],
    ['Archive', { days: 30, tier: 'Expedited' }, { days: 7 }],
    ['ColdArchive', {}, { days: 1, tier: 'Standard' }],
    ['ColdArchive', { days: 30, tier: 'Bulk' }, { days: 30, tier: 'Bulk' }],
    ['DeepColdArchive', { tier: 'Bulk' }, { days: 1, tier: 'Standard' }],
    ['DeepColdArchive', { days: 365, tier: 'Expedited' }, { days: 365, tier: 'Expedited' }],
  ] as const)('%s with %j → %j', (storageClass, request, expected) => {
    expect(paramsForClass(storageClass, request, DEFAULTS)).toEqual(expected);
  });
});

describe('mergeRestoreRequests', () => {
  it('keeps the longest period and the fastest tier', () => {
    expect(mergeRestoreRequests({ days: 2, tier: 'Bulk' }, { days: 5, tier: 'Expedited' })).toEqual({ days: 5, tier: 'Expedited' });
    expect(mergeRestoreRequests({}, { tier: 'Standard' })).toEqual({ tier: 'Standard' });
    expect(mergeRestoreRequests(undefined, undefined)).toEqual({});
  });
});
