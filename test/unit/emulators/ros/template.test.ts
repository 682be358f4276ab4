// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${…} in plain strings.
// The local ROS's template checks: parameters ("Parameters"), conditions ("Conditions"), property
// tables per resource type, dependency order, and the YAML short forms.
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../../lib/emulators/ros/template/document';
import { planScope, planStack, resolveProperties } from '../../../../lib/emulators/ros/template/plan';
import { RESOURCE_TYPES } from '../../../../lib/emulators/ros/template/resource-types';

const PSEUDO = {
  'ALIYUN::StackName': 's1',
  'ALIYUN::StackId': 'id-1',
  'ALIYUN::Region': 'cn-hangzhou',
  'ALIYUN::AccountId': '123',
  'ALIYUN::TenantId': '123',
  'ALIYUN::ResourceGroupId': '',
};

const trust = { Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['fc.aliyuncs.com'] } }] };

function plan(template: Record<string, unknown>, given: Record<string, string> = {}) {
  return planStack(
    parseTemplate(JSON.stringify({ ROSTemplateFormatVersion: '2015-09-01', ...template })),
    new Map(Object.entries(given)),
    PSEUDO,
    RESOURCE_TYPES,
  );
}

const role = (name: string, extra: Record<string, unknown> = {}) => ({
  Type: 'ALIYUN::RAM::Role',
  Properties: { RoleName: name, AssumeRolePolicyDocument: trust, ...extra },
});

describe('parameters', () => {
  const p = (def: Record<string, unknown>, value?: string) =>
    plan({ Parameters: { P: def }, Resources: {} }, value === undefined ? {} : { P: value }).parameters.get('P')!;

  it.each<[string, Record<string, unknown>, string | undefined, unknown]>([
    ['a String with its Default', { Type: 'String', Default: 'x' }, undefined, 'x'],
    ['a Number', { Type: 'Number', MinValue: 1, MaxValue: 10 }, '7', 7],
    ['a CommaDelimitedList', { Type: 'CommaDelimitedList' }, 'a,b', ['a', 'b']],
    ['an empty CommaDelimitedList is one empty item (unconfirmed rule)', { Type: 'CommaDelimitedList', Default: '' }, undefined, ['']],
    ['a Json', { Type: 'Json' }, '{"a":[1]}', { a: [1] }],
    ['a Boolean', { Type: 'Boolean' }, 'true', true],
    ['an allowed value', { Type: 'String', AllowedValues: ['false', 'true'] }, 'true', 'true'],
    ['a value matching its pattern', { Type: 'String', AllowedPattern: '^[a-z]+$' }, 'abc', 'abc'],
  ])('%s', (_label, def, value, expected) => {
    expect(p(def, value).value).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string | undefined, RegExp]>([
    ['no value and no Default', { Type: 'String' }, undefined, /has no value and no Default/],
    ['a value not allowed', { Type: 'String', AllowedValues: ['a'] }, 'b', /not one of the AllowedValues/],
    ['a Default that breaks its own pattern', { Type: 'String', Default: 'ABC', AllowedPattern: '^[a-z]+$' }, undefined, /does not match AllowedPattern/],
    ['a String too long', { Type: 'String', MaxLength: 2 }, 'abc', /longer than MaxLength 2/],
    ['a String too short', { Type: 'String', MinLength: 2 }, 'a', /shorter than MinLength 2/],
    ['a Number out of range', { Type: 'Number', MaxValue: 5 }, '6', /more than MaxValue 5/],
    ['a Number that is not one', { Type: 'Number' }, 'six', /is not a number/],
    ['an unknown type', { Type: 'Integer' }, '1', /unknown type "Integer"/],
    ['a value kept in OOS', { Type: 'ALIYUN::OOS::Parameter::Value' }, 'x', /not emulated/],
    ['a function in a definition', { Type: 'String', Default: { Ref: 'X' } }, undefined, /Default must be a String/],
    ['an unknown definition key', { Type: 'String', Typo: 1 }, 'x', /unknown property "Typo"/],
  ])('refuses %s', (_label, def, value, message) => {
    expect(() => p(def, value)).toThrow(message);
  });

  it('refuses a parameter name with more than letters and digits, and a value for an undeclared parameter', () => {
    expect(() => plan({ Parameters: { 'my-param': { Type: 'String', Default: 'x' } }, Resources: {} })).toThrow(/letters and digits only/);
    expect(() => plan({ Resources: {} }, { Ghost: 'x' })).toThrow(/Ghost is not declared/);
  });
});

describe('conditions', () => {
  // The Conditions page's example, evaluated for each EnvType.
  const conditions = {
    DevEnv: { 'Fn::Equals': ['Dev', { Ref: 'EnvType' }] },
    UTEnv: { 'Fn::Equals': ['UT', { Ref: 'EnvType' }] },
    PREEnv: { 'Fn::Not': { 'Fn::Or': ['DevEnv', 'UTEnv'] } },
    ProdEnv: { 'Fn::And': [{ 'Fn::Equals': ['Prod', { Ref: 'EnvType' }] }, 'PREEnv'] },
  };
  it.each([
    ['Dev', { DevEnv: true, UTEnv: false, PREEnv: false, ProdEnv: false }],
    ['UT', { DevEnv: false, UTEnv: true, PREEnv: false, ProdEnv: false }],
    ['Prod', { DevEnv: false, UTEnv: false, PREEnv: true, ProdEnv: true }],
    ['Pre', { DevEnv: false, UTEnv: false, PREEnv: true, ProdEnv: false }],
  ])('EnvType %s', (env, expected) => {
    const p = plan({ Parameters: { EnvType: { Type: 'String' } }, Conditions: conditions, Resources: {} }, { EnvType: env });
    expect(Object.fromEntries(p.conditions)).toEqual(expected);
  });

  it('leaves out a resource whose Condition is false, and refuses a Ref to it', () => {
    const t = { Parameters: { On: { Type: 'String', Default: 'no' } }, Conditions: { IsOn: { 'Fn::Equals': [{ Ref: 'On' }, 'yes'] } } };
    expect([...plan({ ...t, Resources: { R: { ...role('r'), Condition: 'IsOn' } } }).resources.keys()]).toEqual([]);
    expect(() => plan({ ...t, Resources: { R: { ...role('r'), Condition: 'IsOn' }, S: role('s', { Description: { Ref: 'R' } }) } })).toThrow(
      /neither a parameter nor a resource/,
    );
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a condition that is not Equals/And/Or/Not at its outermost', { C: { 'Fn::Select': ['0', ['a']] } }, /must be Fn::Equals, Fn::And, Fn::Or or Fn::Not/],
    ['a cycle', { A: { 'Fn::Not': ['B'] }, B: { 'Fn::Not': ['A'] } }, /depends on itself/],
    ['a Ref of a resource', { C: { 'Fn::Equals': [{ Ref: 'R' }, 'x'] } }, /neither a parameter nor a resource/],
  ])('refuses %s', (_label, conds, message) => {
    expect(() => plan({ Conditions: conds, Resources: { R: role('r') } })).toThrow(message);
  });
});

describe('resource properties (as ROS documents each type)', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an undocumented property', { Type: 'ALIYUN::FC::Service', Properties: { ServiceName: 's', Colour: 'red' } }, /unknown property Colour/],
    [
      'an undocumented nested property',
      { Type: 'ALIYUN::FC::Service', Properties: { ServiceName: 's', LogConfig: { Project: 'p', Store: 'l' } } },
      /unknown property Store/,
    ],
    [
      'a missing required property',
      { Type: 'ALIYUN::FC::Function', Properties: { ServiceName: 's', FunctionName: 'f', Runtime: 'nodejs20' } },
      /property Handler is required/,
    ],
    [
      'a value of the wrong type',
      { Type: 'ALIYUN::FC::Function', Properties: { ServiceName: 's', FunctionName: 'f', Runtime: 'x', Handler: 'i.h', MemorySize: 'lots' } },
      /MemorySize must be an Integer/,
    ],
    [
      'a value out of range',
      { Type: 'ALIYUN::RAM::Role', Properties: { RoleName: 'r', AssumeRolePolicyDocument: trust, MaxSessionDuration: 60 } },
      /MaxSessionDuration 60 is less than 3600/,
    ],
    ['a name against its pattern', { Type: 'ALIYUN::FC::Service', Properties: { ServiceName: '9lives' } }, /does not match/],
    [
      'a trigger type ROS does not list',
      { Type: 'ALIYUN::FC::Trigger', Properties: { ServiceName: 's', FunctionName: 'f', TriggerName: 't', TriggerType: 'eventbridge', TriggerConfig: {} } },
      /TriggerType "eventbridge" is not one of oss, log, tablestore, timer, mns_topic, cdn_events, http/,
    ],
    [
      'an OSS trigger without an InvocationRole',
      {
        Type: 'ALIYUN::FC::Trigger',
        Properties: { ServiceName: 's', FunctionName: 'f', TriggerName: 't', TriggerType: 'oss', TriggerConfig: {}, SourceArn: 'acs:oss:r:1:b' },
      },
      /InvocationRole is required when TriggerType is oss/,
    ],
    [
      'an FC 3.0 custom domain without AuthConfig',
      { Type: 'ALIYUN::FC3::CustomDomain', Properties: { DomainName: 'a.example.com', Protocol: 'HTTP' } },
      /AuthConfig is required/,
    ],
    [
      'an OTS table with five primary-key columns',
      {
        Type: 'ALIYUN::OTS::Table',
        Properties: { InstanceName: 'inst', TableName: 't', PrimaryKey: ['a', 'b', 'c', 'd', 'e'].map((Name) => ({ Name, Type: 'STRING' })) },
      },
      /PrimaryKey size 5 is more than 4/,
    ],
    ['an unknown resource type', { Type: 'ALIYUN::ECS::Instance', Properties: {} }, /type ALIYUN::ECS::Instance is not one the local ROS knows/],
    [
      'an unknown attribute',
      { Type: 'ALIYUN::FC::Service', Properties: { ServiceName: 's', Role: { 'Fn::GetAtt': ['Other', 'Nope'] } } },
      /has no attribute Nope \(Arn, RoleId, RoleName\)/,
    ],
  ])('refuses %s', (_label, resource, message) => {
    expect(() => plan({ Resources: { R: resource, Other: role('other') } })).toThrow(message);
  });

  it('coerces values to their documented types, as ROS does', () => {
    const p = plan({
      Parameters: { Mem: { Type: 'String', Default: '256' } },
      Resources: {
        F: {
          Type: 'ALIYUN::FC::Function',
          Properties: { ServiceName: 's', FunctionName: 'f', Runtime: 'nodejs20', Handler: 'i.h', MemorySize: { Ref: 'Mem' } },
        },
      },
    });
    const f = p.resources.get('F')!;
    expect(
      resolveProperties(
        'F',
        f.declaration,
        RESOURCE_TYPES[f.type]!,
        planScope(p, RESOURCE_TYPES, () => undefined),
      ).MemorySize,
    ).toBe(256);
  });
});

describe('dependencies', () => {
  it('orders resources after what they Ref, Fn::GetAtt, Fn::Sub or DependsOn', () => {
    const p = plan({
      Resources: {
        Trigger: {
          Type: 'ALIYUN::FC::Trigger',
          Properties: {
            ServiceName: { 'Fn::GetAtt': ['Service', 'ServiceName'] },
            FunctionName: { Ref: 'Fn' },
            TriggerName: 't',
            TriggerType: 'timer',
            TriggerConfig: {},
          },
        },
        Fn: { Type: 'ALIYUN::FC::Function', DependsOn: 'Service', Properties: { ServiceName: 'svc', FunctionName: 'f', Runtime: 'nodejs20', Handler: 'i.h' } },
        Service: { Type: 'ALIYUN::FC::Service', Properties: { ServiceName: 'svc', Role: { 'Fn::Sub': '${Role.Arn}' } } },
        Role: role('r'),
      },
    });
    expect(p.order).toEqual(['Role', 'Service', 'Fn', 'Trigger']);
  });

  it('refuses a cycle and a DependsOn of nothing', () => {
    expect(() => plan({ Resources: { A: role('a', { Description: { Ref: 'B' } }), B: role('b', { Description: { Ref: 'A' } }) } })).toThrow(
      /circular dependency between resources A, B/,
    );
    expect(() => plan({ Resources: { A: { ...role('a'), DependsOn: ['Ghost'] } } })).toThrow(/DependsOn Ghost/);
  });
});

describe('the template document', () => {
  it('reads the YAML short forms as their long forms', () => {
    const yaml = [
      "ROSTemplateFormatVersion: '2015-09-01'",
      'Parameters:',
      '  Name: {Type: String, Default: x}',
      'Resources:',
      '  R:',
      '    Type: ALIYUN::RAM::Role',
      '    Properties:',
      "      RoleName: !Sub '${ALIYUN::StackName}-${Name}'",
      '      Description: !Join [",", !Split [";", "a;b"]]',
      '      AssumeRolePolicyDocument: {Version: "1", Statement: [{Action: "sts:AssumeRole", Effect: Allow, Principal: {Service: [fc.aliyuncs.com]}}]}',
      '  S:',
      '    Type: ALIYUN::RAM::Role',
      '    Properties:',
      '      RoleName: !GetAtt R.RoleName',
      '      AssumeRolePolicyDocument: {Version: "1", Statement: []}',
    ].join('\n');
    const t = parseTemplate(yaml);
    expect(t.Resources.R!.Properties!.RoleName).toEqual({ 'Fn::Sub': '${ALIYUN::StackName}-${Name}' });
    expect(t.Resources.R!.Properties!.Description).toEqual({ 'Fn::Join': [',', { 'Fn::Split': [';', 'a;b'] }] });
    expect(t.Resources.S!.Properties!.RoleName).toEqual({ 'Fn::GetAtt': ['R', 'RoleName'] });
  });

  it.each<[string, string, RegExp]>([
    ['another format version', JSON.stringify({ ROSTemplateFormatVersion: '2010-09-09', Resources: {} }), /must be "2015-09-01"/],
    ['an unknown section', JSON.stringify({ ROSTemplateFormatVersion: '2015-09-01', Resourses: {} }), /unknown template section "Resourses"/],
    [
      'the Serverless transform (not emulated)',
      JSON.stringify({ ROSTemplateFormatVersion: '2015-09-01', Transform: 'Aliyun::Serverless-2018-04-03' }),
      /"Transform" is not emulated/,
    ],
    [
      'a resource key ROS does not allow',
      JSON.stringify({ ROSTemplateFormatVersion: '2015-09-01', Resources: { R: { Type: 'X', Propertys: {} } } }),
      /has "Propertys"/,
    ],
    ['a "/" in a resource id', JSON.stringify({ ROSTemplateFormatVersion: '2015-09-01', Resources: { 'a/b': { Type: 'X' } } }), /contains "\/"/],
    ['a template over 524,288 bytes', `{"ROSTemplateFormatVersion":"2015-09-01","Description":"${'x'.repeat(524_288)}"}`, /over 524288 bytes/],
    ['something that is no template', '[1, 2', /neither JSON nor YAML/],
  ])('refuses %s', (_label, body, message) => {
    expect(() => parseTemplate(body)).toThrow(message);
  });
});
