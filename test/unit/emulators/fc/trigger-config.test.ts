import { describe, expect, it } from 'vitest';
import { validateTrigger, type TriggerInput } from '../../../../lib/emulators/fc/trigger-config';

const ROLE = 'acs:ram::123:role/invoke';
const valid: Record<string, TriggerInput> = {
  http: { triggerName: 'h', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] } },
  log: {
    triggerName: 'l',
    triggerType: 'log',
    sourceArn: 'acs:log:cn-hangzhou:123:project/oss-log-123-cn-hangzhou',
    invocationRole: ROLE,
    triggerConfig: {
      sourceConfig: { logstore: 'oss-log-store' },
      jobConfig: { maxRetryTime: 3, triggerInterval: 60 },
      logConfig: { project: 'p1', logstore: 'ls' },
      functionParameter: {},
      enable: true,
    },
  },
  oss: {
    triggerName: 'o',
    triggerType: 'oss',
    sourceArn: 'acs:oss:cn-hangzhou:123:my-bucket',
    invocationRole: ROLE,
    triggerConfig: { events: ['oss:ObjectCreated:*', 'oss:ObjectRemoved:DeleteObject'], filter: { key: { prefix: 'a/', suffix: '' } } },
  },
  timer: { triggerName: 't', triggerType: 'timer', triggerConfig: { cronExpression: '@every 1m', enable: true } },
  eventbridge: {
    triggerName: 'e',
    triggerType: 'eventbridge',
    invocationRole: ROLE,
    triggerConfig: { triggerEnable: true, eventRuleFilterPattern: '{"source":["acs.oss"]}', eventSourceConfig: { eventSourceType: 'Default' } },
  },
};

const with_ = (type: string, change: (t: any) => void): TriggerInput => {
  const t = structuredClone(valid[type]!) as any;
  change(t);
  return t;
};

describe('validateTrigger', () => {
  it.each(Object.keys(valid))('accepts a documented %s trigger', (type) => {
    expect(() => validateTrigger(valid[type]!)).not.toThrow();
  });

  it('takes triggerConfig as a JSON string too (the 2021-04-06 API)', () => {
    expect(validateTrigger({ ...valid.timer!, triggerConfig: JSON.stringify(valid.timer!.triggerConfig) })).toEqual(valid.timer!.triggerConfig);
  });

  it.each([
    ['an unknown type', with_('timer', (t) => (t.triggerType = 'cron')), /triggerType "cron" is not supported/],
    ['an HTTP authType of its own', with_('http', (t) => (t.triggerConfig.authType = 'ANONYMOUS')), /authType must be anonymous or function/],
    ['an HTTP method FC does not have', with_('http', (t) => t.triggerConfig.methods.push('TRACE')), /"TRACE" is not one of/],
    ['a Log trigger without an invocation role', with_('log', (t) => delete t.invocationRole), /invocationRole is required for a log trigger/],
    ['a triggerInterval under 3 s', with_('log', (t) => (t.triggerConfig.jobConfig.triggerInterval = 2)), /triggerInterval must be an integer from 3 to 600/],
    ['maxRetryTime over 100', with_('log', (t) => (t.triggerConfig.jobConfig.maxRetryTime = 101)), /maxRetryTime must be an integer from 0 to 100/],
    ['a misspelt key', with_('log', (t) => (t.triggerConfig.Enable = true)), /triggerConfig.Enable is not a field of this trigger type/],
    ['a Log sourceArn that is not a project', with_('log', (t) => (t.sourceArn = 'acs:log:cn-hangzhou:123:project/*')), /sourceArn must be acs:log/],
    [
      'FinishRestore on the OSS trigger',
      with_('oss', (t) => t.triggerConfig.events.push('oss:ObjectRestore:FinishRestore')),
      /FinishRestore is an EventBridge OSS event/,
    ],
    [
      'ObjectRemoved:* (not a documented wildcard)',
      with_('oss', (t) => (t.triggerConfig.events = ['oss:ObjectRemoved:*'])),
      /"oss:ObjectRemoved:\*" is not an event of the OSS trigger/,
    ],
    ['an OSS sourceArn without a bucket', with_('oss', (t) => (t.sourceArn = 'acs:oss:cn-hangzhou:123')), /sourceArn must be acs:oss/],
    ['a timer under a minute', with_('timer', (t) => (t.triggerConfig.cronExpression = '@every 30s')), /neither "@every <n>m\|h" nor a 6-field cron/],
    [
      'an event pattern that is not JSON',
      with_('eventbridge', (t) => (t.triggerConfig.eventRuleFilterPattern = '{source')),
      /eventRuleFilterPattern must be a JSON string/,
    ],
    [
      'an unknown event source type',
      with_('eventbridge', (t) => (t.triggerConfig.eventSourceConfig.eventSourceType = 'OSS')),
      /eventSourceType must be one of Default/,
    ],
    ['an invocation role that is no ARN', with_('oss', (t) => (t.invocationRole = 'my-role')), /invocationRole "my-role" is not a RAM role ARN/],
  ])('refuses %s', (_label, input, message) => {
    expect(() => validateTrigger(input)).toThrow(message);
  });
});
