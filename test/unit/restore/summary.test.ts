// One spelling per fact: an object's result is the key of its count in the batch summary, and a
// record the batch left alone reports its state in the state's own word.
import { describe, expect, it } from 'vitest';
import { emptySummary, heldResult, OBJECT_RESULTS, summarise } from '../../../lib/restore/summary';

describe('BatchSummary', () => {
  it('counts each result under the result itself, nothing else', () => {
    expect(Object.keys(emptySummary()).sort()).toEqual(['deduplicated', 'distinct', 'durationMs', 'invalid', 'seen', ...OBJECT_RESULTS].sort());
    const summary = summarise(
      { seen: 4, invalid: 0, valid: 4 },
      [
        { result: 'restoreStarted', misses: 2, calledOss: true },
        { result: 'restoring', misses: 1, calledOss: false },
        { result: 'claimed', misses: 1, calledOss: false },
      ],
      5,
    );
    expect(summary).toMatchObject({ seen: 4, distinct: 3, restoreStarted: 1, restoring: 1, claimed: 1, deduplicated: 3, durationMs: 5 });
  });
});

describe('heldResult', () => {
  it.each([
    ['CLAIMED', 'claimed'],
    ['RESTORING', 'restoring'],
    ['RESTORED', 'restored'],
    ['FROZEN', 'frozen'],
    ['NOT_ARCHIVED', 'notArchived'],
    ['NOT_FOUND', 'notFound'],
    ['DEFERRED', 'deferred'],
    ['REFUSED', 'refused'],
    ['FAILED', 'failed'],
    ['CURRENT_VERSION', 'untracked'],
  ] as const)('a held %s record reads as %s', (state, result) => {
    expect(heldResult(state)).toBe(result);
  });
});
