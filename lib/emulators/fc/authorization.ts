// What each FC 2.0 operation asks RAM, in one place: the action and the resource ARN, as FC's RAM
// reference names them (help.aliyun.com/zh/functioncompute/fc-2-0/developer-reference/api-fc-open-2021-04-06-*,
// "授权信息"; e.g. CreateService: fc:CreateService on acs:fc:{#regionId}:{#accountId}:services/{#serviceName},
// associated operations fc:EnableServiceSLSLogging and fc:EnableServiceInternetAccess).
//
//   operation            action                  resource (acs:fc:{region}:{uid}:…)
//   ListServices         fc:ListServices         services/*
//   CreateService        fc:CreateService        services/{s}
//   GetService           fc:GetService           services/{s}
//   UpdateService        fc:UpdateService        services/{s}
//   DeleteService        fc:DeleteService        services/{s}
//   ListFunctions        fc:ListFunctions        services/{s}/functions/*
//   CreateFunction       fc:CreateFunction       services/{s}/functions/{f}
//   Get/Update/DeleteFunction, GetFunctionCode    services/{s}/functions/{f}
//   InvokeFunction       fc:InvokeFunction       services/{s}/functions/{f}; with a qualifier other than
//                                                 LATEST services/{s}.{q}/functions/{f} (the form Alibaba's
//                                                 own tools grant: alibaba/funcraft src/lib/trigger.js
//                                                 makeInvocationRole; EventBridge's FC target ARN)
//   ListTriggers         fc:ListTriggers         services/{s}/functions/{f}/triggers/*
//   Create/Get/Update/DeleteTrigger               services/{s}/functions/{f}/triggers/{t}   (unconfirmed:
//                                                 the 2021-04-06 table lists CreateTrigger as "all resources")
//   ListCustomDomains    fc:ListCustomDomains    custom-domains/*
//   Create/Get/Update/DeleteCustomDomain          custom-domains/{d}
//   TagResource          fc:TagResource          tag   (FC 2.0 "Policies and sample policies", custom-policy
//   UntagResource        fc:UnTagResource        tag    table: acs:fc:<region>:<account-id>:tag, "a single tag";
//   GetResourceTags      fc:GetResourceTags      tag    the action is spelled UnTagResource there)
// Setting a service `role` or a trigger `invocationRole` passes a role to FC: the caller needs
// ram:PassRole on it (FC "Grant permissions to RAM users": ram:PassRole), resource
// acs:ram:*:{uid}:role/{name} (RAM's resource form, as RAM's own NoPermission answers print it).
// A refusal is 403 AccessDenied "the caller is not authorized to perform 'fc:CreateService' on
// resource 'acs:fc:cn-shanghai:…:services/*'." (FC's answer quoted in Serverless-Devs/Serverless-Devs#350).
import type { AccessRequest } from '../shared/access';
import { FcApiError } from './errors';

export interface FcScope {
  readonly region: string;
  readonly accountId: string;
}

export const fcArn = {
  services: (scope: FcScope) => `acs:fc:${scope.region}:${scope.accountId}:services/*`,
  service: (scope: FcScope, service: string) => `acs:fc:${scope.region}:${scope.accountId}:services/${service}`,
  functions: (scope: FcScope, service: string) => `${fcArn.service(scope, service)}/functions/*`,
  function: (scope: FcScope, service: string, fn: string, qualifier = 'LATEST') =>
    `acs:fc:${scope.region}:${scope.accountId}:services/${qualifier === 'LATEST' ? service : `${service}.${qualifier}`}/functions/${fn}`,
  triggers: (scope: FcScope, service: string, fn: string) => `${fcArn.function(scope, service, fn)}/triggers/*`,
  trigger: (scope: FcScope, service: string, fn: string, trigger: string) => `${fcArn.function(scope, service, fn)}/triggers/${trigger}`,
  customDomains: (scope: FcScope) => `acs:fc:${scope.region}:${scope.accountId}:custom-domains/*`,
  customDomain: (scope: FcScope, domain: string) => `acs:fc:${scope.region}:${scope.accountId}:custom-domains/${domain}`,
  tag: (scope: FcScope) => `acs:fc:${scope.region}:${scope.accountId}:tag`,
};

/** The role a `role`/`invocationRole` ARN names, as the resource of ram:PassRole. */
export function passRole(accountId: string, roleArn: string): AccessRequest {
  return { action: 'ram:PassRole', resource: `acs:ram:*:${accountId}:role/${roleArn.slice(roleArn.indexOf(':role/') + ':role/'.length)}` };
}

/** The names an API path carries, decoded. */
export interface FcTarget {
  readonly service?: string;
  readonly qualifier?: string;
  readonly fn?: string;
  readonly trigger?: string;
  readonly domain?: string;
}

export type FcOperation =
  | 'ListServices'
  | 'CreateService'
  | 'GetService'
  | 'UpdateService'
  | 'DeleteService'
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
  | 'ListCustomDomains'
  | 'CreateCustomDomain'
  | 'GetCustomDomain'
  | 'UpdateCustomDomain'
  | 'DeleteCustomDomain'
  | 'TagResource'
  | 'UntagResource'
  | 'GetResourceTags';

/** The action and resource RAM is asked about for an operation on a target (table above). */
export function accessFor(operation: FcOperation, target: FcTarget, scope: FcScope): AccessRequest {
  const s = target.service ?? '';
  const f = target.fn ?? '';
  const action = `fc:${operation}`;
  switch (operation) {
    case 'ListServices':
      return { action, resource: fcArn.services(scope) };
    case 'CreateService':
    case 'GetService':
    case 'UpdateService':
    case 'DeleteService':
      return { action, resource: fcArn.service(scope, s) };
    case 'ListFunctions':
      return { action, resource: fcArn.functions(scope, s) };
    case 'InvokeFunction':
      return { action, resource: fcArn.function(scope, s, f, target.qualifier) };
    case 'CreateFunction':
    case 'GetFunction':
    case 'UpdateFunction':
    case 'DeleteFunction':
    case 'GetFunctionCode':
      return { action, resource: fcArn.function(scope, s, f) };
    case 'ListTriggers':
      return { action, resource: fcArn.triggers(scope, s, f) };
    case 'CreateTrigger':
    case 'GetTrigger':
    case 'UpdateTrigger':
    case 'DeleteTrigger':
      return { action, resource: fcArn.trigger(scope, s, f, target.trigger ?? '') };
    case 'ListCustomDomains':
      return { action, resource: fcArn.customDomains(scope) };
    case 'CreateCustomDomain':
    case 'GetCustomDomain':
    case 'UpdateCustomDomain':
    case 'DeleteCustomDomain':
      return { action, resource: fcArn.customDomain(scope, target.domain ?? '') };
    case 'TagResource':
    case 'GetResourceTags':
      return { action, resource: fcArn.tag(scope) };
    case 'UntagResource':
      return { action: 'fc:UnTagResource', resource: fcArn.tag(scope) };
  }
}

export function accessDenied(request: AccessRequest): FcApiError {
  return new FcApiError(403, 'AccessDenied', `the caller is not authorized to perform '${request.action}' on resource '${request.resource}'.`);
}
