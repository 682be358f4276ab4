import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../lib/clock';
import { zipSync } from 'fflate';
import { FunctionComputeModel } from '../../../../lib/emulators/fc/model';

const code = { zipFile: Buffer.from(zipSync({ 'index.js': new TextEncoder().encode('exports.handler=async()=>1') })).toString('base64') };
const ROLE = 'acs:ram::123:role/r';

function model() {
  const m = new FunctionComputeModel(new ManualClock(Date.UTC(2026, 0, 1)), { region: 'cn-hangzhou', accountId: '123' });
  m.createService({ serviceName: 's' });
  m.createFunction('s', { functionName: 'f', handler: 'index.handler', runtime: 'nodejs20', code });
  m.createFunction('s', { functionName: 'g', handler: 'index.handler', runtime: 'nodejs20', code });
  return m;
}

const oss = (name: string, events: string[], prefix = '') => ({
  triggerName: name,
  triggerType: 'oss',
  sourceArn: 'acs:oss:cn-hangzhou:123:bucket-a',
  invocationRole: ROLE,
  triggerConfig: { events, filter: { key: { prefix, suffix: '' } } },
});

describe('FunctionComputeModel', () => {
  it('stamps times from its clock and checksums the code', () => {
    const fn = model().getFunction('s', 'f');
    expect(fn).toMatchObject({ createdTime: '2026-01-01T00:00:00.000Z', codeSize: expect.any(Number), codeChecksum: expect.stringMatching(/^\d+$/) });
  });

  it('refuses a second OSS trigger on the bucket whose events and key filter overlap', () => {
    const m = model();
    m.createTrigger('s', 'f', oss('a', ['oss:ObjectCreated:*'], 'logs/'));
    expect(() => m.createTrigger('s', 'g', oss('b', ['oss:ObjectCreated:PutObject'], 'logs/2024/'))).toThrow(/conflicts with trigger 'a' of s\/f/);
    // Disjoint prefixes, or disjoint events, do not conflict.
    expect(() => m.createTrigger('s', 'g', oss('c', ['oss:ObjectCreated:PutObject'], 'data/'))).not.toThrow();
    expect(() => m.createTrigger('s', 'g', oss('d', ['oss:ObjectRemoved:DeleteObject'], 'logs/'))).not.toThrow();
  });

  it('keeps an HTTP trigger alone on its function', () => {
    const m = model();
    m.createTrigger('s', 'f', { triggerName: 'h', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] } });
    expect(() => m.createTrigger('s', 'f', { triggerName: 't', triggerType: 'timer', triggerConfig: { cronExpression: '@every 1m', enable: true } })).toThrow(
      /cannot have an HTTP trigger together with other triggers/,
    );
  });

  it('refuses code that is not a zip', () => {
    expect(() =>
      model().createFunction('s', {
        functionName: 'h',
        handler: 'index.handler',
        runtime: 'nodejs20',
        code: { zipFile: Buffer.from('not a zip').toString('base64') },
      }),
    ).toThrow('code.zipFile is not a zip file');
  });

  it('updates a trigger in place, keeping its type, source and id', () => {
    const m = model();
    const created = m.createTrigger('s', 'f', oss('a', ['oss:ObjectCreated:*']));
    const updated = m.updateTrigger('s', 'f', 'a', { triggerConfig: { events: ['oss:ObjectRemoved:DeleteObject'] } });
    expect(updated).toMatchObject({
      triggerId: created.triggerId,
      triggerType: 'oss',
      sourceArn: created.sourceArn,
      triggerConfig: { events: ['oss:ObjectRemoved:DeleteObject'] },
    });
  });

  it('answers an eventbridge trigger with the rule FC made for it and without the invocationRole sent', () => {
    const m = model();
    const pattern = JSON.stringify({ source: ['acs.oss'] });
    const created = m.createTrigger('s', 'f', {
      triggerName: 'eb',
      triggerType: 'eventbridge',
      invocationRole: ROLE,
      triggerConfig: { triggerEnable: true, eventRuleFilterPattern: pattern, eventSourceConfig: { eventSourceType: 'Default' } },
    });
    expect(created.sourceArn).toBe('acs:eventbridge:cn-hangzhou:123:eventbus/default/rule/s-f-eb');
    expect(created).not.toHaveProperty('invocationRole');
    // An update keeps the rule.
    expect(m.updateTrigger('s', 'f', 'eb', { triggerConfig: { ...created.triggerConfig, triggerEnable: false } }).sourceArn).toBe(created.sourceArn);
  });

  it('makes at most 10 rules on the system event bus', () => {
    const m = model();
    const body = (name: string) => ({
      triggerName: name,
      triggerType: 'eventbridge',
      triggerConfig: { triggerEnable: true, eventRuleFilterPattern: '{}', eventSourceConfig: { eventSourceType: 'Default' } },
    });
    for (let i = 0; i < 10; i++) m.createTrigger('s', 'f', body(`eb${i}`));
    expect(() => m.createTrigger('s', 'g', body('eleventh'))).toThrow(/already holds 10 rules/);
  });

  it.each([
    ['FC_FUNCTION_NAME', /"FC_FUNCTION_NAME" is reserved by Function Compute/],
    ['topic', /"topic" is reserved by Function Compute/],
    ['1ST', /must start with a letter/],
    ['A-B', /must start with a letter and hold only letters, digits and _/],
  ])('refuses the environment variable %s', (name, message) => {
    expect(() => model().updateFunction('s', 'f', { environmentVariables: { [name]: 'x' } })).toThrow(message);
  });
});
