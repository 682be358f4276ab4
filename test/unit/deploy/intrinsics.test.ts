// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${…} in plain strings.
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateConditions, type Scope } from '../../../lib/deploy/intrinsics';

const scope: Scope = {
  parameters: { Bucket: 'b1', List: ['a/', 'b/x/'], Limit: 500 },
  accountId: '123',
  region: 'cn-hangzhou',
  stackName: 'st',
  attribute: (id, attr) => {
    if (id === 'Role' && attr === 'Arn') return 'acs:ram::123:role/r';
    throw new Error(`no ${id}.${attr}`);
  },
};

describe('evaluate', () => {
  it.each([
    ['a Ref to a parameter', { Ref: 'Bucket' }, 'b1'],
    ['a Ref to a Number parameter', { Ref: 'Limit' }, 500],
    ['pseudo parameters', { 'Fn::Sub': '${ALIYUN::StackName}@${ALIYUN::Region}:${ALIYUN::AccountId}' }, 'st@cn-hangzhou:123'],
    ['a Sub with a parameter and an attribute', { 'Fn::Sub': 'x-${Bucket}-${Role.Arn}' }, 'x-b1-acs:ram::123:role/r'],
    ['a Sub literal ${!…}', { 'Fn::Sub': '${!Bucket}' }, '${Bucket}'],
    ['a Sub with local variables', { 'Fn::Sub': ['${A}/${Bucket}', { A: { Ref: 'Limit' } }] }, '500/b1'],
    ['a Join of a list parameter', { 'Fn::Join': [',', { Ref: 'List' }] }, 'a/,b/x/'],
    ['a Split', { 'Fn::Split': [',', 'p,q'] }, ['p', 'q']],
    [
      'the allow-list ARNs of template.yml',
      { 'Fn::Split': [',', { 'Fn::Join': ['', ['acs:oss:*:*:', { 'Fn::Join': ['*,acs:oss:*:*:', { Ref: 'List' }] }, '*']] }] },
      ['acs:oss:*:*:a/*', 'acs:oss:*:*:b/x/*'],
    ],
    ['a GetAtt', { 'Fn::GetAtt': ['Role', 'Arn'] }, 'acs:ram::123:role/r'],
    ['nested objects and lists', { a: [{ Ref: 'Bucket' }, 1, true, null] }, { a: ['b1', 1, true, null] }],
  ])('evaluates %s', (_label, input, expected) => {
    expect(evaluate(input, scope, 'here')).toEqual(expected);
  });

  it.each([
    ['an intrinsic thaw does not evaluate', { 'Fn::Select': ['0', ['a']] }, /here: Fn::Select is not one of the intrinsics thaw evaluates/],
    ['an Fn::If on a condition the template lacks', { 'Fn::If': ['Nope', 1, 2] }, /here: no condition named Nope/],
    ['ALIYUN::NoValue standing for the whole value', { Ref: 'ALIYUN::NoValue' }, /here: Ref ALIYUN::NoValue stands for nothing here/],
    ['a Ref to nothing', { Ref: 'Nope' }, /here: Ref Nope names no parameter/],
    ['a Join of a non-list', { 'Fn::Join': [',', 'x'] }, /Fn::Join needs a list/],
    ['an object inside a string', { 'Fn::Sub': ['${A}', { A: { x: 1 } }] }, /an object cannot be placed inside a string/],
    ['an unknown attribute', { 'Fn::GetAtt': ['Role', 'Name'] }, /no Role.Name/],
  ])('refuses %s', (_label, input, message) => {
    expect(() => evaluate(input, scope, 'here')).toThrow(message);
  });
});

describe('conditions', () => {
  const base = { parameters: { Domain: '', Cert: 'pem', Flag: 'true' }, accountId: '123', region: 'cn-hangzhou', stackName: 'st', attribute: scope.attribute };
  const conditions = evaluateConditions(
    {
      HasDomain: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Domain' }, ''] }] },
      HasCert: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Cert' }, ''] }] },
      Both: { 'Fn::And': [{ Condition: 'HasDomain' }, { Condition: 'HasCert' }] },
      Either: { 'Fn::Or': [{ Condition: 'HasDomain' }, { Condition: 'HasCert' }] },
      Flagged: { 'Fn::Equals': ['true', { Ref: 'Flag' }] },
    },
    base,
  );

  it('evaluates Fn::Equals, Fn::Not, Fn::And, Fn::Or and conditions naming conditions', () => {
    expect(conditions).toEqual({ HasDomain: false, HasCert: true, Both: false, Either: true, Flagged: true });
  });

  it.each([
    ['Fn::If picks the branch of its condition', { 'Fn::If': ['HasCert', 'yes', 'no'] }, 'yes'],
    ['Fn::If on a false condition', { 'Fn::If': ['HasDomain', 'yes', 'no'] }, 'no'],
    ['ALIYUN::NoValue drops a property', { a: 1, b: { 'Fn::If': ['HasDomain', 2, { Ref: 'ALIYUN::NoValue' }] } }, { a: 1 }],
    ['ALIYUN::NoValue drops a list item', [1, { 'Fn::If': ['HasDomain', 2, { Ref: 'ALIYUN::NoValue' }] }, 3], [1, 3]],
  ])('%s', (_label, input, expected) => {
    expect(evaluate(input, { ...scope, conditions }, 'here')).toEqual(expected);
  });

  it.each([
    ['a condition naming itself', { Loop: { 'Fn::Not': [{ Condition: 'Loop' }] } }, /Loop refers to itself/],
    ['a condition that is not one', { Odd: { Ref: 'Flag' } }, /a condition must be Fn::Equals/],
    ['Fn::And with one condition', { One: { 'Fn::And': [{ 'Fn::Equals': [1, 1] }] } }, /Fn::And takes 2 to 10 conditions/],
  ])('refuses %s', (_label, section, message) => {
    expect(() => evaluateConditions(section, base)).toThrow(message);
  });
});
