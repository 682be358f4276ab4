// What each FC 3.0 operation asks RAM, in one place. FC 3.0's RAM reference ("RAM authorization",
// help.aliyun.com/zh/functioncompute/api-fc-2023-03-30-ram; RamCode fc, resource-level) names the
// actions fc:<Operation> and the function resource acs:fc:{#regionId}:{#accountId}:functions/{#functionName}
// (resourceCode Function, serviceCode FCV3: FC 3.0's API metadata, e.g. fc:CreateSession); its
// table lists some actions on all resources (fc:GetConcurrencyConfig, fc:PutFunctionAsyncInvokeConfig).
// A resource on "all resources" is still asked here on the function, so a grant on functions/* or *
// allows it either way and a narrower one is not silently wider than the cloud's (unconfirmed choice).
//
//   operation                 action                              resource (acs:fc:{region}:{uid}:…)
//   ListFunctions             fc:ListFunctions                    functions/*
//   Create/Get/Update/DeleteFunction, GetFunctionCode             functions/{f}
//   InvokeFunction            fc:InvokeFunction                   functions/{f}  (qualifier LATEST; versions
//                                                                 and aliases are not emulated)
//   ListTriggers              fc:ListTriggers                     functions/{f}/triggers/*        (unconfirmed:
//   Create/Get/Update/DeleteTrigger                               functions/{f}/triggers/{t}       the 2023-03-30
//                                                                 CreateTrigger page discloses no authorization)
//   Put/Get/DeleteAsyncInvokeConfig  fc:PutFunctionAsyncInvokeConfig, fc:GetFunctionAsyncInvokeConfig,
//                                    fc:DeleteFunctionAsyncInvokeConfig   functions/{f}  (the Put name is the
//                                                                 RAM table's; Get/Delete follow it: unconfirmed)
//   Put/Get/DeleteConcurrencyConfig  fc:<Operation>               functions/{f}
//   ListCustomDomains         fc:ListCustomDomains                custom-domains/*
//   Create/Get/Update/DeleteCustomDomain                          custom-domains/{d}
//   TagResources, UntagResources, ListTagResources  fc:<Operation> functions/{f} (each resource asked)
// A function `role` or trigger `invocationRole` passes a role to FC: ram:PassRole on
// acs:ram:*:{uid}:role/{name} (FC "Grant permissions to RAM users", as for FC 2.0).
// A refusal is 403 AccessDenied "the caller is not authorized to perform '…' on resource '…'."
import type { AccessRequest } from '../shared/access';
import type { FcScope } from './authorization';

export const fc3Arn = {
  functions: (scope: FcScope) => `acs:fc:${scope.region}:${scope.accountId}:functions/*`,
  function: (scope: FcScope, fn: string) => `acs:fc:${scope.region}:${scope.accountId}:functions/${fn}`,
  triggers: (scope: FcScope, fn: string) => `${fc3Arn.function(scope, fn)}/triggers/*`,
  trigger: (scope: FcScope, fn: string, trigger: string) => `${fc3Arn.function(scope, fn)}/triggers/${trigger}`,
  customDomains: (scope: FcScope) => `acs:fc:${scope.region}:${scope.accountId}:custom-domains/*`,
  customDomain: (scope: FcScope, domain: string) => `acs:fc:${scope.region}:${scope.accountId}:custom-domains/${domain}`,
};

export type Fc3Operation =
  | 'ListFunctions'
  | 'CreateFunction'
  | 'GetFunction'
  | 'UpdateFunction'
  | 'DeleteFunction'
  | 'GetFunctionCode'
  | 'InvokeFunction'
  | 'ListTriggers'
  | 'CreateTrigger'
  | 'GetTrigger'
  | 'UpdateTrigger'
  | 'DeleteTrigger'
  | 'PutAsyncInvokeConfig'
  | 'GetAsyncInvokeConfig'
  | 'DeleteAsyncInvokeConfig'
  | 'PutConcurrencyConfig'
  | 'GetConcurrencyConfig'
  | 'DeleteConcurrencyConfig'
  | 'ListCustomDomains'
  | 'CreateCustomDomain'
  | 'GetCustomDomain'
  | 'UpdateCustomDomain'
  | 'DeleteCustomDomain'
  | 'TagResources'
  | 'UntagResources'
  | 'ListTagResources';

/** The names an FC 3.0 API path (or body) carries, decoded. */
export interface Fc3Target {
  readonly fn?: string;
  readonly trigger?: string;
  readonly domain?: string;
}

/** The RAM action of an operation: fc:<Operation>, but for the async-invoke configuration (RAM table). */
export function fc3Action(operation: Fc3Operation): string {
  switch (operation) {
    case 'PutAsyncInvokeConfig':
      return 'fc:PutFunctionAsyncInvokeConfig';
    case 'GetAsyncInvokeConfig':
      return 'fc:GetFunctionAsyncInvokeConfig';
    case 'DeleteAsyncInvokeConfig':
      return 'fc:DeleteFunctionAsyncInvokeConfig';
    default:
      return `fc:${operation}`;
  }
}

/** The action and resource RAM is asked about for an operation on a target (table above). */
export function fc3AccessFor(operation: Fc3Operation, target: Fc3Target, scope: FcScope): AccessRequest {
  const action = fc3Action(operation);
  const fn = target.fn ?? '';
  switch (operation) {
    case 'ListFunctions':
      return { action, resource: fc3Arn.functions(scope) };
    case 'ListTriggers':
      return { action, resource: fc3Arn.triggers(scope, fn) };
    case 'CreateTrigger':
    case 'GetTrigger':
    case 'UpdateTrigger':
    case 'DeleteTrigger':
      return { action, resource: fc3Arn.trigger(scope, fn, target.trigger ?? '') };
    case 'ListCustomDomains':
      return { action, resource: fc3Arn.customDomains(scope) };
    case 'CreateCustomDomain':
    case 'GetCustomDomain':
    case 'UpdateCustomDomain':
    case 'DeleteCustomDomain':
      return { action, resource: fc3Arn.customDomain(scope, target.domain ?? '') };
    default:
      return { action, resource: fc3Arn.function(scope, fn) };
  }
}
