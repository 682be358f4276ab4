// The RAM policy engine against tables, mostly the documentation's own examples ("Policy structure and
// syntax", "Policy elements", "Conditional operators", the OSS and Tablestore RAM pages).
import { describe, expect, it } from 'vitest';
import {
  type Evaluation,
  evaluate,
  ipInRange,
  MAX_POLICY_DOCUMENT_CHARS,
  MalformedPolicyError,
  parsePolicy,
  trustAllows,
  wildcardMatch,
} from '../../../../lib/emulators/ram/policy';

const doc = (...statements: object[]) => JSON.stringify({ Version: '1', Statement: statements });
const run = (documents: string[], action: string, resource: string, context: Record<string, string> = {}): Evaluation =>
  evaluate(
    documents.map((d) => parsePolicy(d)),
    { action, resource, context },
  );

describe('wildcardMatch', () => {
  it.each<[string, string, boolean]>([
    ['*', '', true],
    ['acs:oss:*:*:myphotos/hangzhou/2015/*', 'acs:oss:cn-hangzhou:123:myphotos/hangzhou/2015/a.jpg', true],
    ['acs:oss:*:*:myphotos/hangzhou/2015/*', 'acs:oss:cn-hangzhou:123:myphotos/hangzhou/2016/a.jpg', false],
    ['ots:BatchGet*', 'ots:BatchGetRow', true],
    ['log:Get?ursorOrData', 'log:GetCursorOrData', true],
    ['log:Get?ursorOrData', 'log:GetursorOrData', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
  ])('%s against %s → %s', (pattern, text, expected) => {
    expect(wildcardMatch(pattern, text)).toBe(expected);
  });
});

describe('ipInRange', () => {
  it.each<[string, string, boolean]>([
    ['192.168.0.1', '192.168.0.1', true],
    ['192.168.0.77', '192.168.0.0/24', true],
    ['192.168.1.77', '192.168.0.0/24', false],
    ['10.1.2.3', '0.0.0.0/0', true],
    ['10.1.2.3', '10.1.2.3/33', false],
  ])('%s in %s → %s', (ip, range, expected) => {
    expect(ipInRange(ip, range)).toBe(expected);
  });
});

describe('evaluate: explicit Deny > Allow > implicit deny', () => {
  const allowAll = doc({ Effect: 'Allow', Action: 'oss:*', Resource: '*' });
  // OSS doc 0003-00000201: a RAM user denied PutBucketReferer on mybucket.
  const denyReferer = doc({ Effect: 'Deny', Action: ['oss:PutBucketReferer'], Resource: ['acs:oss:*:*:mybucket'] });

  it.each<[string, string[], string, string, Evaluation]>([
    ['no policy at all', [], 'oss:GetObject', 'acs:oss:cn-hangzhou:1:mybucket/k', 'implicit-deny'],
    ['an Allow that matches', [allowAll], 'oss:GetObject', 'acs:oss:cn-hangzhou:1:mybucket/k', 'allow'],
    ['a Deny that matches beside the Allow', [allowAll, denyReferer], 'oss:PutBucketReferer', 'acs:oss:cn-hangzhou:1:mybucket', 'explicit-deny'],
    ['the Deny for another bucket', [allowAll, denyReferer], 'oss:PutBucketReferer', 'acs:oss:cn-hangzhou:1:otherbucket', 'allow'],
    ['an Allow for another service', [allowAll], 'ots:GetRow', 'acs:ots:cn-hangzhou:1:instance/i/table/t', 'implicit-deny'],
    ['action names in another case (unconfirmed: matched without case)', [allowAll], 'OSS:getobject', 'acs:oss:cn-hangzhou:1:b/k', 'allow'],
    [
      'the Tablestore read-only list against a write',
      [doc({ Effect: 'Allow', Action: ['ots:BatchGet*', 'ots:Describe*', 'ots:Get*', 'ots:List*'], Resource: '*' })],
      'ots:PutRow',
      'acs:ots:cn-hangzhou:1:instance/i/table/t',
      'implicit-deny',
    ],
    [
      'the Tablestore read-only list against GetRange',
      [doc({ Effect: 'Allow', Action: ['ots:BatchGet*', 'ots:Describe*', 'ots:Get*', 'ots:List*'], Resource: '*' })],
      'ots:GetRange',
      'acs:ots:cn-hangzhou:1:instance/i/table/t',
      'allow',
    ],
    ['NotAction: everything but RAM', [doc({ Effect: 'Allow', NotAction: 'ram:*', Resource: '*' })], 'oss:GetObject', 'acs:oss:*:1:b/k', 'allow'],
    [
      'NotAction: not the excluded action',
      [doc({ Effect: 'Allow', NotAction: 'ram:*', Resource: '*' })],
      'ram:CreateUser',
      'acs:ram::1:user/u',
      'implicit-deny',
    ],
    [
      'NotResource: everything but the secret prefix',
      [doc({ Effect: 'Allow', Action: 'oss:GetObject', NotResource: 'acs:oss:*:*:b/secret/*' })],
      'oss:GetObject',
      'acs:oss:cn-hangzhou:1:b/secret/x',
      'implicit-deny',
    ],
    [
      'NotResource: a key outside it',
      [doc({ Effect: 'Allow', Action: 'oss:GetObject', NotResource: 'acs:oss:*:*:b/secret/*' })],
      'oss:GetObject',
      'acs:oss:cn-hangzhou:1:b/public/x',
      'allow',
    ],
    [
      'a Deny by NotResource outside the allowed prefix',
      [allowAll, doc({ Effect: 'Deny', Action: 'oss:*', NotResource: ['acs:oss:*:*:b/public/*'] })],
      'oss:GetObject',
      'acs:oss:cn-hangzhou:1:b/private/x',
      'explicit-deny',
    ],
    [
      'resources match with case',
      [doc({ Effect: 'Allow', Action: 'oss:GetObject', Resource: 'acs:oss:*:*:b/Key' })],
      'oss:GetObject',
      'acs:oss:r:1:b/key',
      'implicit-deny',
    ],
  ])('%s', (_label, documents, action, resource, expected) => {
    expect(run(documents, action, resource)).toBe(expected);
  });
});

describe('evaluate: conditions', () => {
  // Conditional operators page, StringLike example: list only the hangzhou/2015/ prefix.
  const listPrefix = doc({
    Effect: 'Allow',
    Action: ['oss:ListObjects'],
    Resource: ['acs:oss:*:*:myphotos'],
    Condition: { StringLike: { 'oss:Prefix': 'hangzhou/2015/*' } },
  });
  // Tablestore UpdateInstancePolicy example: IpAddress and StringEquals together.
  const fromIps = doc({
    Effect: 'Allow',
    Action: ['ots:*'],
    Resource: ['acs:ots:*:13791:instance/myinstance*'],
    Condition: { StringEquals: { 'ots:TLSVersion': ['1.2'] }, IpAddress: { 'acs:SourceIp': ['192.168.0.1', '172.16.0.1'] } },
  });
  const until = doc({ Effect: 'Allow', Action: 'oss:*', Resource: '*', Condition: { DateLessThan: { 'acs:CurrentTime': '2019-08-12T17:00:00+08:00' } } });
  const secure = doc({ Effect: 'Allow', Action: 'oss:*', Resource: '*', Condition: { Bool: { 'acs:SecureTransport': 'true' } } });
  const notFrom = doc({ Effect: 'Deny', Action: 'oss:*', Resource: '*', Condition: { NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } } });
  const small = doc({ Effect: 'Allow', Action: 'oss:*', Resource: '*', Condition: { NumericLessThanEquals: { 'oss:MaxKeys': 100 } } });
  const team = doc({ Effect: 'Allow', Action: 'ecs:*', Resource: '*', Condition: { StringEqualsIgnoreCase: { 'acs:ResourceTag/team': ['dev'] } } });
  const myphotos = 'acs:oss:cn-hangzhou:1:myphotos';

  it.each<[string, string[], string, string, Record<string, string>, Evaluation]>([
    ['StringLike: the prefix listed', [listPrefix], 'oss:ListObjects', myphotos, { 'oss:Prefix': 'hangzhou/2015/06/' }, 'allow'],
    ['StringLike: another prefix', [listPrefix], 'oss:ListObjects', myphotos, { 'oss:Prefix': 'beijing/' }, 'implicit-deny'],
    ['StringLike: no prefix in the request (unconfirmed: a missing key fails)', [listPrefix], 'oss:ListObjects', myphotos, {}, 'implicit-deny'],
    ['condition keys without regard to case (unconfirmed)', [listPrefix], 'oss:ListObjects', myphotos, { 'OSS:prefix': 'hangzhou/2015/x' }, 'allow'],
    [
      'both blocks hold',
      [fromIps],
      'ots:GetRow',
      'acs:ots:r:13791:instance/myinstance1/table/t',
      { 'ots:TLSVersion': '1.2', 'acs:SourceIp': '172.16.0.1' },
      'allow',
    ],
    [
      'one block fails',
      [fromIps],
      'ots:GetRow',
      'acs:ots:r:13791:instance/myinstance1/table/t',
      { 'ots:TLSVersion': '1.1', 'acs:SourceIp': '172.16.0.1' },
      'implicit-deny',
    ],
    [
      'the IP is none of the values',
      [fromIps],
      'ots:GetRow',
      'acs:ots:r:13791:instance/myinstance1/table/t',
      { 'ots:TLSVersion': '1.2', 'acs:SourceIp': '172.16.0.2' },
      'implicit-deny',
    ],
    ['DateLessThan before the date', [until], 'oss:GetObject', 'x', { 'acs:CurrentTime': '2019-08-12T08:59:59Z' }, 'allow'],
    ['DateLessThan after the date', [until], 'oss:GetObject', 'x', { 'acs:CurrentTime': '2019-08-12T09:00:01Z' }, 'implicit-deny'],
    ['Bool true', [secure], 'oss:GetObject', 'x', { 'acs:SecureTransport': 'true' }, 'allow'],
    ['Bool false', [secure], 'oss:GetObject', 'x', { 'acs:SecureTransport': 'false' }, 'implicit-deny'],
    [
      'NotIpAddress Deny from outside the range',
      [secure, notFrom],
      'oss:GetObject',
      'x',
      { 'acs:SecureTransport': 'true', 'acs:SourceIp': '192.0.2.1' },
      'explicit-deny',
    ],
    [
      'NotIpAddress Deny from inside the range',
      [secure, notFrom],
      'oss:GetObject',
      'x',
      { 'acs:SecureTransport': 'true', 'acs:SourceIp': '10.2.3.4' },
      'allow',
    ],
    ['NumericLessThanEquals within', [small], 'oss:ListObjects', 'x', { 'oss:MaxKeys': '100' }, 'allow'],
    ['NumericLessThanEquals over', [small], 'oss:ListObjects', 'x', { 'oss:MaxKeys': '101' }, 'implicit-deny'],
    ['NumericLessThanEquals not a number', [small], 'oss:ListObjects', 'x', { 'oss:MaxKeys': 'lots' }, 'implicit-deny'],
    ['StringEqualsIgnoreCase', [team], 'ecs:StartInstance', 'x', { 'acs:ResourceTag/team': 'DEV' }, 'allow'],
  ])('%s', (_label, documents, action, resource, context, expected) => {
    expect(run(documents, action, resource, context)).toBe(expected);
  });
});

describe('parsePolicy refuses what CreatePolicy refuses (MalformedPolicyDocument)', () => {
  const stmt = { Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' };
  it.each<[string, string, string]>([
    ['not JSON', '{Version: 1', 'not valid JSON'],
    ['no Version', JSON.stringify({ Statement: [stmt] }), 'Version must be the string "1"'],
    ['Version 2', JSON.stringify({ Version: '2', Statement: [stmt] }), 'Version must be the string "1"'],
    ['Version as a number', JSON.stringify({ Version: 1, Statement: [stmt] }), 'Version must be the string "1"'],
    ['an empty Statement', JSON.stringify({ Version: '1', Statement: [] }), 'non-empty list'],
    ['an unknown top-level element', JSON.stringify({ Version: '1', Statement: [stmt], Id: 'x' }), 'unknown element "Id"'],
    ['Effect in lower case', doc({ ...stmt, Effect: 'allow' }), 'Effect must be "Allow" or "Deny"'],
    ['both Action and NotAction', doc({ ...stmt, NotAction: 'oss:PutObject' }), 'exactly one of Action and NotAction'],
    ['neither Resource nor NotResource', doc({ Effect: 'Allow', Action: 'oss:GetObject' }), 'exactly one of Resource and NotResource'],
    ['an action without its service', doc({ ...stmt, Action: 'GetObject' }), 'is not "*" or "<service>:<Action>"'],
    ['an empty action list', doc({ ...stmt, Action: [] }), 'non-empty'],
    ['an unknown statement element', doc({ ...stmt, Sids: 'x' }), 'unknown element "Sids"'],
    [
      'an unknown condition operator (unconfirmed: refused)',
      doc({ ...stmt, Condition: { StringMatches: { 'acs:SourceIp': 'x' } } }),
      'operator "StringMatches"',
    ],
    ['a Principal in an identity policy', doc({ ...stmt, Principal: { Service: ['fc.aliyuncs.com'] } }), 'Principal belongs in trust policies'],
    ['a document over the size limit', doc({ ...stmt, Resource: ['x'.repeat(MAX_POLICY_DOCUMENT_CHARS)] }), `at most ${MAX_POLICY_DOCUMENT_CHARS}`],
  ])('%s', (_label, text, message) => {
    expect(() => parsePolicy(text)).toThrow(MalformedPolicyError);
    expect(() => parsePolicy(text)).toThrow(message);
  });

  it('accepts a single string where a list is allowed, and Sid', () => {
    expect(parsePolicy(doc({ Sid: 'read', Effect: 'Allow', Action: 'oss:GetObject', Resource: 'acs:oss:*:*:b/*' })).statements).toHaveLength(1);
  });

  it('refuses a trust policy without a Principal, or with an unknown kind', () => {
    expect(() => parsePolicy(doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'trust')).toThrow('needs a Principal');
    expect(() => parsePolicy(doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: ['x'] } }), 'trust')).toThrow('Service, RAM and Federated');
  });
});

describe('trustAllows (a role trust policy and sts:AssumeRole)', () => {
  const trust = (principal: object, extra: object[] = []) =>
    parsePolicy(doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal }, ...extra), 'trust');
  const user = { ramArn: 'acs:ram::123:user/alice', accountId: '123' };
  it.each<[string, ReturnType<typeof trust>, Parameters<typeof trustAllows>[1], boolean]>([
    ['the service it names', trust({ Service: ['fc.aliyuncs.com'] }), { service: 'fc.aliyuncs.com' }, true],
    ['another service', trust({ Service: ['fc.aliyuncs.com'] }), { service: 'log.aliyuncs.com' }, false],
    ['a RAM user of the account named as root', trust({ RAM: ['acs:ram::123:root'] }), user, true],
    ['a RAM user of the account named by id', trust({ RAM: ['123'] }), user, true],
    ['a RAM user of another account', trust({ RAM: ['acs:ram::999:root'] }), user, false],
    ['the RAM user named by ARN', trust({ RAM: ['acs:ram::123:user/alice'] }), user, true],
    ['another RAM user named by ARN', trust({ RAM: ['acs:ram::123:user/bob'] }), user, false],
    ['a service where only RAM is named', trust({ RAM: ['acs:ram::123:root'] }), { service: 'fc.aliyuncs.com' }, false],
    [
      'a Deny in the trust policy for that user',
      trust({ RAM: ['acs:ram::123:root'] }, [{ Effect: 'Deny', Action: 'sts:AssumeRole', Principal: { RAM: ['acs:ram::123:user/alice'] } }]),
      user,
      false,
    ],
  ])('%s', (_label, document, who, expected) => {
    expect(trustAllows(document, who)).toBe(expected);
  });
});
