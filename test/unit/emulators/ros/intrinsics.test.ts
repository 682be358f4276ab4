// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${…} in plain strings.
// The local ROS's built-in functions against the examples of ROS's own function pages
// ("Fn::Join", "Fn::Sub", "Fn::Select", "Fn::Split", "Conditions", "Pseudo parameters").
import { describe, expect, it } from 'vitest';
import { TemplateInvalid } from '../../../../lib/emulators/ros/errors';
import type { Json } from '../../../../lib/emulators/ros/template/document';
import { evaluate, NO_VALUE, Pending, type Scope } from '../../../../lib/emulators/ros/template/intrinsics';
import type { ResolvedParameter } from '../../../../lib/emulators/ros/template/parameters';

const param = (name: string, value: Json, type = 'String'): [string, ResolvedParameter] => [name, { name, type, text: String(value), value, noEcho: false }];

function scope(over: Partial<Scope> = {}): Scope {
  return {
    parameters: new Map([param('EnvType', 'prod'), param('Zones', ['a', 'b', 'c'], 'CommaDelimitedList'), param('Port', 80, 'Number')]),
    pseudo: { 'ALIYUN::StackName': 'my-stack', 'ALIYUN::Region': 'cn-hangzhou', 'ALIYUN::AccountId': '123' },
    condition: (name) =>
      ({ IsProd: true, IsDev: false })[name] ??
      (() => {
        throw new TemplateInvalid(`no condition ${name}`);
      })(),
    hasResource: (id) => id === 'MyRole' || id === 'Later',
    ref: (id) => (id === 'Later' ? new Pending(id) : 'my-role'),
    attribute: (id, name) => (id === 'Later' ? new Pending(`${id}.${name}`) : `acs:ram::123:role/my-role#${name}`),
    ...over,
  };
}

const run = (node: Json, s = scope()) => evaluate(node, s, 'test');

describe('ROS built-in functions', () => {
  it.each<[string, Json, unknown]>([
    ['Fn::Join of a list (Fn::Join page: a,b,c)', { 'Fn::Join': [',', ['a', 'b', 'c']] }, 'a,b,c'],
    ['Fn::Join with an empty delimiter joins with none', { 'Fn::Join': ['', ['a', 'b']] }, 'ab'],
    ['Fn::Join of a CommaDelimitedList parameter', { 'Fn::Join': ['-', { Ref: 'Zones' }] }, 'a-b-c'],
    ['Fn::Join writes a number as text', { 'Fn::Join': [':', ['port', { Ref: 'Port' }]] }, 'port:80'],
    ['Fn::Sub of pseudo parameters', { 'Fn::Sub': '${ALIYUN::StackName}-${ALIYUN::Region}' }, 'my-stack-cn-hangzhou'],
    ['Fn::Sub with a variable map', { 'Fn::Sub': ['www.${Domain}', { Domain: { Ref: 'EnvType' } }] }, 'www.prod'],
    ['Fn::Sub ${!Literal} is the text ${Literal} (Fn::Sub page)', { 'Fn::Sub': '${!Literal}-${EnvType}' }, '${Literal}-prod'],
    ['Fn::Sub ${Res.Attr} reads an attribute', { 'Fn::Sub': '${MyRole.Arn}' }, 'acs:ram::123:role/my-role#Arn'],
    ['Fn::Sub ${Res} is the resource Ref', { 'Fn::Sub': 'role=${MyRole}' }, 'role=my-role'],
    ['Fn::Split (Fn::Split page: "foo; bar; achoo")', { 'Fn::Split': [';', 'foo; bar; achoo'] }, ['foo', ' bar', ' achoo']],
    ['Fn::Select by index (Fn::Select page)', { 'Fn::Select': ['1', ['apples', 'grapes', 'oranges', 'mangoes']] }, 'grapes'],
    ['Fn::Select by a negative index', { 'Fn::Select': [-1, ['apples', 'grapes', 'oranges', 'mangoes']] }, 'mangoes'],
    ['Fn::Select with start:stop:step', { 'Fn::Select': ['0:4:2', ['apples', 'grapes', 'oranges', 'mangoes']] }, ['apples', 'oranges']],
    ['Fn::Select of a map key', { 'Fn::Select': ['key1', { key1: 'value1', key2: 'value2' }] }, 'value1'],
    ['Fn::Select answers its default past the end', { 'Fn::Select': ['9', ['a'], 'none'] }, 'none'],
    ['Fn::Select of a Split', { 'Fn::Select': ['2', { 'Fn::Split': [',', 'x,y,z'] }] }, 'z'],
    ['Fn::If picks by a condition', { 'Fn::If': ['IsProd', 'big', 'small'] }, 'big'],
    ['Fn::Equals compares text', { 'Fn::Equals': ['prod', { Ref: 'EnvType' }] }, true],
    ['Fn::Equals of a number and its text (unconfirmed rule)', { 'Fn::Equals': ['80', { Ref: 'Port' }] }, true],
    ['Fn::Not of a condition name', { 'Fn::Not': ['IsDev'] }, true],
    ['Fn::Not written without a list (Conditions page)', { 'Fn::Not': { 'Fn::Or': ['IsDev', 'IsProd'] } }, false],
    ['Fn::And of names and functions', { 'Fn::And': ['IsProd', { 'Fn::Equals': ['prod', { Ref: 'EnvType' }] }] }, true],
    ['Fn::Or', { 'Fn::Or': ['IsDev', 'IsDev'] }, false],
    ['Fn::GetAtt', { 'Fn::GetAtt': ['MyRole', 'Arn'] }, 'acs:ram::123:role/my-role#Arn'],
    ['Ref ALIYUN::NoValue removes a map entry', { Keep: 1, Drop: { Ref: 'ALIYUN::NoValue' } }, { Keep: 1 }],
    ['Ref ALIYUN::NoValue removes a list item', ['a', { Ref: 'ALIYUN::NoValue' }, 'b'], ['a', 'b']],
    [
      'Fn::If with ALIYUN::NoValue (Pseudo parameters page: DiskMappings)',
      { DiskMappings: { 'Fn::If': ['IsDev', [{ Size: 40 }], { Ref: 'ALIYUN::NoValue' }] }, VpcId: 'vpc-1' },
      { VpcId: 'vpc-1' },
    ],
  ])('%s', (_label, node, expected) => {
    expect(run(node)).toEqual(expected);
  });

  it('keeps NoValue at the top, where the caller removes the property', () => {
    expect(run({ Ref: 'ALIYUN::NoValue' })).toBe(NO_VALUE);
  });

  it.each<[string, Json]>([
    ['Ref of a resource not made yet', { Ref: 'Later' }],
    ['Fn::GetAtt of a resource not made yet', { 'Fn::GetAtt': ['Later', 'Arn'] }],
    ['Fn::Sub over a pending attribute', { 'Fn::Sub': 'x-${Later.Arn}' }],
    ['Fn::Join over a pending value', { 'Fn::Join': ['', ['x', { Ref: 'Later' }]] }],
  ])('%s is Pending', (_label, node) => {
    expect(run(node)).toBeInstanceOf(Pending);
  });

  it.each<[string, Json, RegExp]>([
    ['a Join delimiter that is a function', { 'Fn::Join': [{ Ref: 'EnvType' }, ['a']] }, /delimiter must be a string/],
    ['a Join of something not a list', { 'Fn::Join': [',', 'abc'] }, /values must be a list/],
    ['a Join of a nested list', { 'Fn::Join': [',', [['a']]] }, /is a list/],
    ['a Select index past the end without a default', { 'Fn::Select': ['4', ['a']] }, /index 4 is outside a list of 1/],
    ['Fn::And of one condition', { 'Fn::And': ['IsProd'] }, /at least two conditions/],
    ['Fn::If of an undeclared condition', { 'Fn::If': ['Nope', 1, 2] }, /no condition Nope/],
    ['Ref of an unknown name', { Ref: 'Nothing' }, /neither a parameter nor a resource/],
    ['Ref of an unknown pseudo parameter', { Ref: 'ALIYUN::Nope' }, /unknown pseudo parameter/],
    ['Fn::Sub of an unknown variable', { 'Fn::Sub': '${Nope}' }, /names no parameter, variable or resource/],
    ['Fn::Sub of a list', { 'Fn::Sub': '${Zones}' }, /is a list/],
    ['a function ROS has but the emulator does not evaluate', { 'Fn::FindInMap': ['m', 'a', 'b'] }, /Fn::FindInMap is not emulated/],
    ['a function with another key beside it', { 'Fn::Sub': 'x', Other: 1 }, /must be the only key/],
  ])('refuses %s', (_label, node, message) => {
    expect(() => run(node)).toThrow(message);
  });
});
