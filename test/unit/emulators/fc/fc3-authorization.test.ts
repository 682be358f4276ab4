// The FC 3.0 RAM table (fc3-authorization.ts) and the async destinations FC 3.0 takes (fc3-model.ts),
// with expected values written out.
import { describe, expect, it } from 'vitest';
import { fc3AccessFor, type Fc3Operation } from '../../../../lib/emulators/fc/fc3-authorization';
import { destinationKind } from '../../../../lib/emulators/fc/fc3-model';

const scope = { region: 'cn-hangzhou', accountId: '123' };

describe('fc3AccessFor', () => {
  it.each<[Fc3Operation, Record<string, string>, string, string]>([
    ['ListFunctions', {}, 'fc:ListFunctions', 'acs:fc:cn-hangzhou:123:functions/*'],
    ['CreateFunction', { fn: 'f' }, 'fc:CreateFunction', 'acs:fc:cn-hangzhou:123:functions/f'],
    ['InvokeFunction', { fn: 'f' }, 'fc:InvokeFunction', 'acs:fc:cn-hangzhou:123:functions/f'],
    ['ListTriggers', { fn: 'f' }, 'fc:ListTriggers', 'acs:fc:cn-hangzhou:123:functions/f/triggers/*'],
    ['UpdateTrigger', { fn: 'f', trigger: 't' }, 'fc:UpdateTrigger', 'acs:fc:cn-hangzhou:123:functions/f/triggers/t'],
    ['PutAsyncInvokeConfig', { fn: 'f' }, 'fc:PutFunctionAsyncInvokeConfig', 'acs:fc:cn-hangzhou:123:functions/f'],
    ['DeleteConcurrencyConfig', { fn: 'f' }, 'fc:DeleteConcurrencyConfig', 'acs:fc:cn-hangzhou:123:functions/f'],
    ['ListCustomDomains', {}, 'fc:ListCustomDomains', 'acs:fc:cn-hangzhou:123:custom-domains/*'],
    ['CreateCustomDomain', { domain: 'a.example.com' }, 'fc:CreateCustomDomain', 'acs:fc:cn-hangzhou:123:custom-domains/a.example.com'],
    ['TagResources', { fn: 'f' }, 'fc:TagResources', 'acs:fc:cn-hangzhou:123:functions/f'],
  ])('%s asks %s', (operation, target, action, resource) => {
    expect(fc3AccessFor(operation, target, scope)).toEqual({ action, resource });
  });
});

describe('destinationKind', () => {
  it.each([
    ['acs:fc:cn-hangzhou:123:functions/dlq', { type: 'fc', name: 'dlq' }],
    ['acs:mns:cn-hangzhou:123:/queues/dead-letters/messages', { type: 'mns-queue', name: 'dead-letters' }],
    ['acs:mns:cn-hangzhou:123:/topics/t1/messages', { type: 'mns-topic', name: 't1' }],
    ['acs:eventbridge:cn-hangzhou:123:eventbus/default', { type: 'eventbridge', name: 'default' }],
    ['acs:fc:cn-shanghai:123:functions/dlq', undefined],
    ['acs:fc:cn-hangzhou:999:functions/dlq', undefined],
    ['acs:fc:cn-hangzhou:123:services/s/functions/dlq', undefined],
    ['acs:oss:cn-hangzhou:123:bucket', undefined],
  ])('%s', (arn, kind) => {
    expect(destinationKind(arn, scope)).toEqual(kind);
  });
});
