// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${…} in plain strings.
// Two beliefs about ROS's functions, side by side: the product's (lib/deploy/intrinsics.ts, what
// `thaw deploy` evaluates) and the local ROS's own (lib/emulators/ros/template/intrinsics.ts,
// written separately from ROS's pages). On every form template.yml uses they must agree; where
// they differ, the case says so and why, so a change to either one is seen.
import { describe, expect, it } from 'vitest';
import { evaluate as deployEvaluate } from '../../../../lib/deploy/intrinsics';
import type { Json } from '../../../../lib/emulators/ros/template/document';
import { evaluate as rosEvaluate, type Scope } from '../../../../lib/emulators/ros/template/intrinsics';
import type { ResolvedParameter } from '../../../../lib/emulators/ros/template/parameters';

const PARAMETERS: Record<string, Json> = {
  AllowList: ['archive-a/', 'bucket-b/logs/'],
  EmptyAllowList: [''],
  TablestoreInstance: 'thaw',
  TableName: 'thaw_restores',
  OssTimeoutMs: 10000,
  VpcId: '',
};
let CONDITIONS: Record<string, boolean> = { AllBuckets: false, InVpc: false, HasAllowList: true };
const ATTRIBUTE = (id: string, name: string) => `acs:ram::123:role/${id.toLowerCase()}#${name}`;

function viaDeploy(node: Json): unknown {
  return deployEvaluate(
    node,
    { parameters: PARAMETERS as never, accountId: '123', region: 'cn-hangzhou', stackName: 's1', attribute: ATTRIBUTE, conditions: CONDITIONS },
    'cross-check',
  );
}

function viaRos(node: Json): unknown {
  const scope: Scope = {
    parameters: new Map(
      Object.entries(PARAMETERS).map(([name, value]) => [name, { name, type: 'String', text: String(value), value, noEcho: false } as ResolvedParameter]),
    ),
    pseudo: { 'ALIYUN::StackName': 's1', 'ALIYUN::Region': 'cn-hangzhou', 'ALIYUN::AccountId': '123' },
    condition: (name) => CONDITIONS[name]!,
    hasResource: (id) => id === 'HttpRole',
    ref: () => 'HttpRole',
    attribute: ATTRIBUTE,
  };
  return rosEvaluate(node, scope, 'cross-check');
}

const ACTIONS = ['oss:GetObject', 'oss:RestoreObject'];
/** template.yml's restore statement (a roles' first), then a second statement that stays whatever the first does. */
const allowListStatements = (list: string): Json => [
  {
    'Fn::If': [
      'AllBuckets',
      { Effect: 'Allow', Action: ACTIONS, Resource: ['acs:oss:*:*:*'] },
      {
        'Fn::If': [
          'HasAllowList',
          {
            Effect: 'Allow',
            Action: ACTIONS,
            Resource: { 'Fn::Split': [',', { 'Fn::Join': ['', ['acs:oss:*:*:', { 'Fn::Join': ['*,acs:oss:*:*:', { Ref: list }] }, '*']] }] },
          },
          { Ref: 'ALIYUN::NoValue' },
        ],
      },
    ],
  },
  { Effect: 'Allow', Action: ['ots:ListTable'], Resource: ['t'] },
];

describe('the product and the local ROS read template.yml alike', () => {
  it.each<[string, Json, unknown]>([
    ['a role name', { 'Fn::Sub': '${ALIYUN::StackName}-http' }, 's1-http'],
    [
      'a table ARN',
      { 'Fn::Sub': 'acs:ots:${ALIYUN::Region}:${ALIYUN::AccountId}:instance/${TablestoreInstance}/table/${TableName}_due' },
      'acs:ots:cn-hangzhou:123:instance/thaw/table/thaw_restores_due',
    ],
    ['a Number parameter as an environment variable', { 'Fn::Sub': '${OssTimeoutMs}' }, '10000'],
    [
      'the allow-list grants',
      allowListStatements('AllowList'),
      [
        { Effect: 'Allow', Action: ACTIONS, Resource: ['acs:oss:*:*:archive-a/*', 'acs:oss:*:*:bucket-b/logs/*'] },
        { Effect: 'Allow', Action: ['ots:ListTable'], Resource: ['t'] },
      ],
    ],
    ['THAW_ALLOW', { 'Fn::If': ['AllBuckets', '*', { 'Fn::Join': [',', { Ref: 'AllowList' }] }] }, 'archive-a/,bucket-b/logs/'],
    ['a VpcConfig left out', { VpcConfig: { 'Fn::If': ['InVpc', { VpcId: { Ref: 'VpcId' } }, { Ref: 'ALIYUN::NoValue' }] }, Role: 'r' }, { Role: 'r' }],
    ['a service role', { 'Fn::GetAtt': ['HttpRole', 'Arn'] }, 'acs:ram::123:role/httprole#Arn'],
    ['a literal ${…}', { 'Fn::Sub': '${!Literal}' }, '${Literal}'],
    [
      'a Sub with a variable map',
      { 'Fn::Sub': ['acs:log:${ALIYUN::Region}:${ALIYUN::AccountId}:project/${Project}', { Project: { Ref: 'TableName' } }] },
      'acs:log:cn-hangzhou:123:project/thaw_restores',
    ],
  ])('%s', (_label, node, expected) => {
    expect({ deploy: viaDeploy(node), ros: viaRos(node) }).toEqual({ deploy: expected, ros: expected });
  });

  it('drop the restore statement of an empty AllowList (it would otherwise read acs:oss:*:*:*, every bucket)', () => {
    CONDITIONS = { ...CONDITIONS, HasAllowList: false };
    try {
      const expected = [{ Effect: 'Allow', Action: ['ots:ListTable'], Resource: ['t'] }];
      const node = allowListStatements('EmptyAllowList');
      expect({ deploy: viaDeploy(node), ros: viaRos(node) }).toEqual({ deploy: expected, ros: expected });
    } finally {
      CONDITIONS = { ...CONDITIONS, HasAllowList: true };
    }
  });

  it('differs on a list inside Fn::Join: thaw deploy joins it in, the local ROS refuses it (ROS joins strings; unconfirmed for nested lists)', () => {
    const node: Json = { 'Fn::Join': [',', ['a', { Ref: 'AllowList' }]] };
    expect(viaDeploy(node)).toBe('a,archive-a/,bucket-b/logs/');
    expect(() => viaRos(node)).toThrow(/is a list; only strings can be joined/);
  });
});
