// The alerts' settings from a template's parameter values (who is told, thresholds), and what an
// existing index of the function logstore lacks for the queries, with the index to write over it.
import { describe, expect, it } from 'vitest';
import { notificationOf, observabilitySettings } from '../../../lib/observability/notification';
import { DEFAULT_THRESHOLDS, resourceName, thresholdsOf } from '../../../lib/observability/settings';
import { FUNCTION_LOG_INDEX, functionLogIndexGaps, LOG_TOKENS, mergeFunctionLogIndex } from '../../../lib/sls/function-log-index';

describe('who is told', () => {
  it.each([
    ['nothing given', {}, { kind: 'none' }],
    ['an action policy', { AlertActionPolicyId: ' ops ' }, { kind: 'action-policy', actionPolicyId: 'ops' }],
    [
      'a webhook, custom by default',
      { AlertWebhookUrl: 'https://hooks.example.com/x' },
      { kind: 'webhook', type: 'custom', url: 'https://hooks.example.com/x' },
    ],
    [
      'a Lark webhook with its signing key',
      { AlertWebhookUrl: 'https://open.feishu.cn/hook/1', AlertWebhookType: 'lark', AlertWebhookSecret: 's' },
      { kind: 'webhook', type: 'lark', url: 'https://open.feishu.cn/hook/1', secret: 's' },
    ],
  ])('%s', (_label, parameters, expected) => {
    expect(notificationOf(parameters)).toEqual(expected);
  });

  it.each([
    ['both an action policy and a webhook', { AlertActionPolicyId: 'ops', AlertWebhookUrl: 'https://x.example' }, 'alternatives'],
    ['a webhook that is not a URL', { AlertWebhookUrl: 'hooks' }, 'AlertWebhookUrl is not a URL'],
    ['a webhook over ftp', { AlertWebhookUrl: 'ftp://x.example' }, 'http(s)'],
    ['an unknown webhook type', { AlertWebhookUrl: 'https://x.example', AlertWebhookType: 'teams' }, 'AlertWebhookType must be'],
  ])('refuses %s, naming the parameter', (_label, parameters, message) => {
    expect(() => notificationOf(parameters)).toThrow(message);
  });
});

describe('thresholds', () => {
  it('take the defaults, and whole numbers the parameters give (minutes of lag as ms)', () => {
    expect(thresholdsOf({})).toEqual(DEFAULT_THRESHOLDS);
    expect(thresholdsOf({ AlertFailedRestores: '2', AlertAccessLogLagMinutes: '30', AlertBudgetUsePct: '' })).toEqual({
      ...DEFAULT_THRESHOLDS,
      failedRestores: 2,
      accessLogLagMs: 1_800_000,
    });
  });

  it.each([
    ['a fraction', { AlertFailedRestores: '2.5' }, 'AlertFailedRestores must be a whole number'],
    ['a share over 100', { AlertApi5xxPct: '150' }, 'AlertApi5xxPct must be a whole number from 0 to 100'],
    ['a word', { AlertFunctionErrors: 'many' }, 'AlertFunctionErrors'],
  ])('refuse %s', (_label, parameters, message) => {
    expect(() => thresholdsOf(parameters)).toThrow(message);
  });

  it('need the logstores the template names', () => {
    expect(() => observabilitySettings('oss-thaw', { FunctionLogProject: 'p' })).toThrow('FunctionLogstore');
  });

  it('name resources after the stack, in lower case, or say the stack name is too long', () => {
    expect(resourceName('OSS-Thaw', 'overview')).toBe('oss-thaw-overview');
    expect(() => resourceName('x'.repeat(60), 'failed-restores')).toThrow('shorten the stack name');
  });
});

describe('an existing index of the function logstore', () => {
  const text = { type: 'text' as const, token: LOG_TOKENS, doc_value: true };

  it('lacks nothing when it is ours', () => {
    expect(functionLogIndexGaps(FUNCTION_LOG_INDEX)).toEqual([]);
  });

  it('lacks keys, a JSON message and sub-keys with analytics: each said', () => {
    const message = FUNCTION_LOG_INDEX.keys!.message!;
    const withoutStatus = Object.fromEntries(Object.entries(message.json_keys!).filter(([k]) => k !== 'status'));
    expect(functionLogIndexGaps({ line: FUNCTION_LOG_INDEX.line, keys: { serviceName: text, message: { type: 'text', token: LOG_TOKENS } } })).toEqual([
      'keys functionName, qualifier',
      'message indexed as text, not json',
    ]);
    expect(
      functionLogIndexGaps({
        keys: {
          ...FUNCTION_LOG_INDEX.keys,
          message: { ...message, json_keys: { ...withoutStatus, bucket: { type: 'text', token: LOG_TOKENS, doc_value: false } } },
        },
      }),
    ).toEqual(['message sub-keys bucket, status']);
  });

  it('is merged into ours keeping every key and sub-key its owner added', () => {
    const theirs = {
      line: { token: [' '] },
      keys: { owner: text, message: { type: 'json' as const, token: LOG_TOKENS, json_keys: { tenant: text } } },
    };
    const merged = mergeFunctionLogIndex(theirs);
    expect(merged.line).toEqual({ token: [' '] });
    expect(Object.keys(merged.keys!).sort()).toEqual(['functionName', 'message', 'owner', 'qualifier', 'serviceName']);
    expect(merged.keys!.message!.json_keys).toMatchObject({ tenant: text, outcome: text, status: { type: 'long', doc_value: true } });
    expect(functionLogIndexGaps(merged)).toEqual([]);
    // A text message becomes the JSON index the queries need.
    expect(mergeFunctionLogIndex({ keys: { message: { type: 'text', token: LOG_TOKENS } } }).keys!.message!.type).toBe('json');
  });
});
