// FC's RAM table, held in one place (lib/emulators/fc/authorization.ts): each operation's action and
// resource, written out here as FC's RAM reference and Alibaba's own policies name them.
import { describe, expect, it } from 'vitest';
import { accessDenied, accessFor, type FcOperation, type FcTarget, passRole } from '../../../../lib/emulators/fc/authorization';

const scope = { region: 'cn-hangzhou', accountId: '123' };
const base = 'acs:fc:cn-hangzhou:123:';

describe('accessFor', () => {
  it.each<[FcOperation, FcTarget, string]>([
    ['ListServices', {}, 'services/*'],
    ['CreateService', { service: 's' }, 'services/s'],
    ['GetService', { service: 's' }, 'services/s'],
    ['UpdateService', { service: 's' }, 'services/s'],
    ['DeleteService', { service: 's' }, 'services/s'],
    ['ListFunctions', { service: 's' }, 'services/s/functions/*'],
    ['CreateFunction', { service: 's', fn: 'f' }, 'services/s/functions/f'],
    ['UpdateFunction', { service: 's', fn: 'f' }, 'services/s/functions/f'],
    ['GetFunctionCode', { service: 's', fn: 'f' }, 'services/s/functions/f'],
    ['InvokeFunction', { service: 's', fn: 'f' }, 'services/s/functions/f'],
    ['InvokeFunction', { service: 's', fn: 'f', qualifier: 'LATEST' }, 'services/s/functions/f'],
    ['InvokeFunction', { service: 's', fn: 'f', qualifier: 'prod' }, 'services/s.prod/functions/f'],
    ['ListTriggers', { service: 's', fn: 'f' }, 'services/s/functions/f/triggers/*'],
    ['CreateTrigger', { service: 's', fn: 'f', trigger: 't' }, 'services/s/functions/f/triggers/t'],
    ['DeleteTrigger', { service: 's', fn: 'f', trigger: 't' }, 'services/s/functions/f/triggers/t'],
    ['ListCustomDomains', {}, 'custom-domains/*'],
    ['CreateCustomDomain', { domain: 'a.example.com' }, 'custom-domains/a.example.com'],
  ])('%s %o asks fc:%s on %s', (operation, target, resource) => {
    expect(accessFor(operation, target, scope)).toEqual({ action: `fc:${operation}`, resource: `${base}${resource}` });
  });

  it('asks ram:PassRole on the role as RAM names its resources', () => {
    expect(passRole('123', 'acs:ram::123:role/thaw-service')).toEqual({ action: 'ram:PassRole', resource: 'acs:ram:*:123:role/thaw-service' });
  });

  it("refuses with FC's AccessDenied wording", () => {
    const err = accessDenied({ action: 'fc:CreateService', resource: `${base}services/*` });
    expect(err).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: `the caller is not authorized to perform 'fc:CreateService' on resource '${base}services/*'.`,
    });
  });
});
