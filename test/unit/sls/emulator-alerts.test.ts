// The Log Service emulator's alert evaluation: evaluate expressions as "Specify evaluate
// expressions" describes them (arithmetic, 64-bit floats, true only), set operations between
// queries, and the alert resource data records (webhook integrations, action policies).
import { describe, expect, it } from 'vitest';
import { type AlertRule, evaluateCondition, evaluateRule, parseCondition, validateAlert } from '../../../lib/emulators/sls/alerts';
import { parseRecord, ResourceRecords } from '../../../lib/emulators/sls/resource-records';

const row = (values: Record<string, string>[]) => (q: number, name: string) => values[q]?.[name];

describe('evaluate expressions', () => {
  it.each([
    ['arithmetic before comparison', 'errors * 100 >= requests * 5', [{ errors: '2', requests: '20' }], true],
    ['the same below the share', 'errors * 100 >= requests * 5', [{ errors: '1', requests: '40' }], false],
    ['modulo', 'pv % 100 > 0 && uv > 0', [{ pv: '150', uv: '1' }], true],
    ['a negative number in parentheses', 'x + (-100) < 100', [{ x: '150' }], true],
    ['a result that is a number is not true', '100 + 100', [{}], false],
    ['numbers compare as numbers', 'lag > 900000', [{ lag: '1200000' }], true],
    ['text compares as text', 'state == "RESTORED"', [{ state: 'RESTORED' }], true],
    ['a field of the second query', '$0.refused > 0 && $1.ranges == 0', [{ refused: '3' }, { ranges: '0' }], true],
    // "null" (an aggregate over no rows) is not a number: it compares as text, and "null" > "1" holds.
    // A rule must not let such a row through (the lag rule groups, so no lines answer no row).
    ['a value that is not a number compares as text', 'lag > 1', [{ lag: 'null' }], true],
    ['a field the row does not have is false', 'lag > 1', [{}], false],
  ] as const)('%s: %s', (_label, condition, values, expected) => {
    expect(evaluateCondition(parseCondition(condition), row(values as unknown as Record<string, string>[]))).toBe(expected);
  });

  it.each([
    ['a negative number without parentheses', 'x < -1', 'enclosed in parentheses'],
    ['a variable name with an underscore', 'error_count > 1', 'only letters and digits'],
    ['a regular-expression match', 'x =~ "a"', 'is not emulated'],
    ['more than 128 characters', `${'a > 1 && '.repeat(15)}a > 1`, 'longer than 128 characters'],
  ])('refuses %s', (_label, condition, message) => {
    expect(() => parseCondition(condition)).toThrow(message);
  });
});

function rule(queries: number, joins: { type: string; condition?: string }[], condition: string): AlertRule {
  return {
    name: 'r',
    displayName: 'r',
    description: '',
    status: 'ENABLED',
    createTime: 0,
    lastModifiedTime: 0,
    schedule: { type: 'FixedRate', interval: '1m' },
    configuration: {
      version: '2.0',
      queryList: Array.from({ length: queries }, (_, i) => ({ store: `s${i}`, query: '*', start: '-15m', end: 'now' })),
      joinConfigurations: joins,
      severityConfigurations: [{ severity: 8, evalCondition: { condition, countCondition: '' } }],
      policyConfiguration: { alertPolicyId: 'sls.builtin.dynamic' },
    },
  };
}

describe('set operations between queries', () => {
  const results: Record<string, Record<string, string>[]> = {
    s0: [
      { bucket: 'a', refused: '3' },
      { bucket: 'b', refused: '1' },
    ],
    s1: [{ bucket: 'a', handled: '2' }],
  };
  const run = (r: AlertRule) => evaluateRule(r, 0, (_p, store) => results[store]!);

  it.each([
    ['cross_join pairs every row with every row', 'cross_join', '', '$0.refused > 0', ['a', 'b']],
    ['inner_join keeps the pairs its condition accepts', 'inner_join', '$0.bucket == $1.bucket', '$0.refused > 0', ['a']],
    ['left_exclude keeps the left rows without a match', 'left_exclude', '$0.bucket == $1.bucket', '$0.refused > 0', ['b']],
    ['left_join keeps them with an empty right', 'left_join', '$0.bucket == $1.bucket', '$0.refused > 0', ['a', 'b']],
  ])('%s', (_label, type, on, condition, buckets) => {
    const result = run(rule(2, [{ type, condition: on }], condition));
    expect(result.fired).toBe(true);
    expect(result.matched.map((m) => m['$0.bucket'])).toEqual(buckets);
  });

  it('refuses, at creation, a set operation it cannot evaluate', () => {
    const r = rule(2, [{ type: 'full_join', condition: '' }], 'x > 1');
    expect(() => validateAlert({ displayName: 'r', configuration: r.configuration, schedule: r.schedule })).toThrow('full_join is not emulated');
  });
});

describe('alert resource data', () => {
  const policy = (fields: Record<string, unknown> = {}) => {
    const value = { action_policy_id: 'ops', action_policy_name: 'Ops', labels: {}, is_default: false, primary_policy_script: 'fire(type="email")', ...fields };
    return { id: String(value.action_policy_id), tag: String(value.action_policy_name), value: JSON.stringify(value) };
  };

  it('creates, reads, updates, lists and deletes a record', () => {
    const records = new ResourceRecords(() => 1_000_000);
    records.create('sls.alert.action_policy', policy());
    expect(records.get('sls.alert.action_policy', 'ops')).toMatchObject({ id: 'ops', tag: 'Ops', createTime: 1000 });
    records.update('sls.alert.action_policy', 'ops', policy({ primary_policy_script: 'fire(type="dingtalk")' }));
    expect(JSON.parse(records.get('sls.alert.action_policy', 'ops').value).primary_policy_script).toBe('fire(type="dingtalk")');
    expect(records.list('sls.alert.action_policy', 0, 10)).toMatchObject({ count: 1, total: 1 });
    expect(() => records.create('sls.alert.action_policy', policy())).toThrow('already exists');
    records.delete('sls.alert.action_policy', ['ops']);
    expect(() => records.get('sls.alert.action_policy', 'ops')).toThrow(expect.objectContaining({ code: 'ResourceRecordNotExist', status: 404 }));
  });

  it.each([
    ['an id that is not the value’s', { ...policy(), id: 'other' }, 'id must equal value.action_policy_id'],
    ['a value that is not JSON', { ...policy(), value: '{' }, 'value is not JSON'],
    ['a missing script', policy({ primary_policy_script: undefined }), 'value.primary_policy_script must be a string'],
  ])('refuses %s', (_label, body, message) => {
    expect(() => parseRecord('sls.alert.action_policy', body as Record<string, unknown>)).toThrow(message);
  });

  it('refuses a webhook of an unknown type or without an http(s) URL', () => {
    const webhook = (type: string, url: string) => {
      const value = { id: 'w', name: 'W', type, url, method: 'POST', headers: [] };
      return { id: 'w', tag: 'W', value: JSON.stringify(value) };
    };
    expect(() => parseRecord('sls.alert.action_webhook', webhook('teams', 'https://x.example'))).toThrow('value.type must be one of');
    expect(() => parseRecord('sls.alert.action_webhook', webhook('slack', 'ftp://x'))).toThrow('http(s) URL');
    expect(parseRecord('sls.alert.action_webhook', webhook('lark', 'https://open.feishu.cn/x'))).toMatchObject({ id: 'w' });
  });
});
