import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../../../lib/emulators/fc/event-pattern';

const event = {
  source: 'acs.oss',
  type: 'oss:ObjectRestore:FinishRestore',
  subject: 'acs:oss:cn-hangzhou:123:bucket/logs/a.gz',
  data: { region: 'cn-hangzhou', oss: { object: { size: 5 } } },
};

describe('matchesPattern', () => {
  it.each([
    ['exact values', { source: ['acs.oss'], type: ['oss:ObjectCreated:PutObject', 'oss:ObjectRestore:FinishRestore'] }, true],
    ['a value not listed', { type: ['oss:ObjectCreated:PutObject'] }, false],
    ['a prefix', { subject: [{ prefix: 'acs:oss:cn-hangzhou:123:bucket/logs/' }] }, true],
    ['another bucket', { subject: [{ prefix: 'acs:oss:cn-hangzhou:123:other/' }] }, false],
    ['a suffix', { subject: [{ suffix: '.gz' }] }, true],
    ['anything-but', { source: [{ 'anything-but': ['acs.ecs'] }] }, true],
    ['exists false on a present field', { source: [{ exists: false }] }, false],
    ['a nested field', { data: { region: ['cn-hangzhou'] } }, true],
    ['a nested field that differs', { data: { region: ['cn-beijing'] } }, false],
    ['a field the event lacks', { nothing: ['x'] }, false],
  ])('%s', (_label, pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  it('refuses matchers it does not know', () => {
    expect(() => matchesPattern({ data: { oss: { object: { size: [{ numeric: ['>', 1] }] } } } }, event)).toThrow('does not know "numeric"');
  });
});
