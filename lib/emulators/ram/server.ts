// The RAM API (version 2015-05-01, RPC style; rpc.ts) over an account (account.ts), so
// `@alicloud/ram` drives it unmodified. Every call is authorized first: the caller needs the RAM
// action on the resource the RAM API reference names ("RAM authorization" of each API, e.g.
// ram:CreateRole on acs:ram:*:<uid>:role/<RoleName>); the owner's key may do everything. Served:
//   roles      CreateRole GetRole UpdateRole DeleteRole, CreateServiceLinkedRole
//   policies   CreatePolicy GetPolicy UpdatePolicyDescription CreatePolicyVersion ListPolicyVersions DeletePolicyVersion
//              DeletePolicy (PolicyType Custom or System where RAM accepts both)
//   attaching  AttachPolicyToRole DetachPolicyFromRole ListPoliciesForRole,
//              AttachPolicyToUser DetachPolicyFromUser ListPoliciesForUser
//   users      CreateUser GetUser DeleteUser CreateAccessKey DeleteAccessKey
//   tags       TagResources UntagResources ListTagResources (ResourceType role or policy; tags.ts)
// Error codes are the documented ones (EntityNotExist.Role, EntityAlreadyExists.Role,
// DeleteConflict.Role.Policy, …); the messages are ours.
import { createServer, type Server } from 'node:http';
import type { Principal } from '../shared/access';
import type { EmulatorClock as Clock } from '../shared/clock';
import { type PolicyType, RamAccount } from './account';
import { ramErrors } from './errors';
import { pageOf, resourceNames, resourceType, tagKeys, tagList } from './tags';
import { type RpcCall, readRpcCall, serveRpc } from './rpc';

export interface RamStandInOptions {
  readonly accountId?: string;
  /** The owner's key, when no account is given. */
  readonly credentials?: { accessKeyId: string; accessKeySecret: string };
  readonly clock: Clock;
  /** The account to serve; made from accountId and credentials when absent. */
  readonly account?: RamAccount;
}

const SERVED = 'roles, policies, users, service-linked roles and the tags of roles and policies';

export class RamStandIn {
  readonly account: RamAccount;
  private readonly clock: Clock;

  constructor(options: RamStandInOptions) {
    this.clock = options.clock;
    if (options.account) this.account = options.account;
    else {
      if (!options.accountId || !options.credentials) throw new TypeError('the RAM stand-in needs an account, or an accountId and the owner credentials');
      this.account = new RamAccount({ accountId: options.accountId, ownerKey: options.credentials, clock: options.clock });
    }
  }

  server(): Server {
    return createServer((req, res) => {
      void serveRpc(req, res, 'ram.aliyuncs.com', async () => this.run(await readRpcCall(req, this.account, this.clock)));
    });
  }

  /** Role names currently held (for tests). */
  roleNames(): string[] {
    return this.account.roleNames();
  }

  private arn(kind: 'role' | 'user' | 'policy', name: string): string {
    return `acs:ram::${this.account.accountId}:${kind}/${kind === 'role' ? name.toLowerCase() : name}`;
  }

  /** RAM authorization of the API: the action is ram:<Action>, on the resource the API names. */
  private authorize(principal: Principal, action: string, resource: string, context: Record<string, string>): void {
    if (!this.account.authorize(principal, { action: `ram:${action}`, resource, context }).allowed) throw ramErrors.noPermission();
  }

  private run(call: RpcCall): Record<string, unknown> {
    const { action, param: p } = call;
    const a = this.account;
    const context = { 'acs:SourceIp': call.sourceIp, 'acs:SecureTransport': 'false' };
    const allow = (resource: string, extra: Record<string, string> = {}) => this.authorize(call.key.principal, action, resource, { ...context, ...extra });
    const policyType = (): PolicyType => {
      const t = p('PolicyType');
      if (t !== 'Custom' && t !== 'System') throw ramErrors.invalidParameter('PolicyType', 'must be Custom or System.');
      return t;
    };
    const optionalNumber = (name: string): number | undefined => {
      const v = p(name, false);
      if (v === '') return undefined;
      if (!/^\d{1,6}$/.test(v)) throw ramErrors.invalidParameter(name, 'must be a number of seconds.');
      return Number(v);
    };
    switch (action) {
      case 'CreateRole':
        allow(this.arn('role', p('RoleName')));
        return {
          Role: a.createRole({
            RoleName: p('RoleName'),
            AssumeRolePolicyDocument: p('AssumeRolePolicyDocument'),
            Description: p('Description', false),
            MaxSessionDuration: optionalNumber('MaxSessionDuration'),
          }),
        };
      case 'GetRole':
        allow(this.arn('role', p('RoleName')));
        return { Role: a.getRole(p('RoleName')) };
      case 'UpdateRole':
        allow(this.arn('role', p('RoleName')));
        return {
          Role: a.updateRole(p('RoleName'), {
            NewAssumeRolePolicyDocument: p('NewAssumeRolePolicyDocument', false) || undefined,
            NewDescription: p('NewDescription', false) || undefined,
            NewMaxSessionDuration: optionalNumber('NewMaxSessionDuration'),
          }),
        };
      case 'DeleteRole':
        allow(this.arn('role', p('RoleName')));
        a.deleteRole(p('RoleName'));
        return {};
      case 'CreateServiceLinkedRole': {
        // RAM authorization: ram:CreateServiceLinkedRole, condition key ram:ServiceName.
        const serviceName = p('ServiceName');
        allow(this.arn('role', '*'), { 'ram:ServiceName': serviceName });
        return { Role: a.createServiceLinkedRole(serviceName, p('Description', false) || undefined) };
      }
      case 'CreatePolicy': {
        allow(this.arn('policy', p('PolicyName')));
        const policy = a.createPolicy(p('PolicyName'), p('PolicyDocument'), p('Description', false));
        return { Policy: a.policyView(policy) };
      }
      case 'UpdatePolicyDescription':
        allow(this.arn('policy', p('PolicyName')));
        return { Policy: a.updatePolicyDescription(p('PolicyName'), p('NewDescription', false)) };
      case 'GetPolicy':
        allow(this.arn('policy', p('PolicyName')));
        return a.getPolicy(p('PolicyName'), policyType());
      case 'CreatePolicyVersion':
        allow(this.arn('policy', p('PolicyName')));
        return { PolicyVersion: a.createPolicyVersion(p('PolicyName'), p('PolicyDocument'), p('SetAsDefault', false) === 'true') };
      case 'ListPolicyVersions':
        allow(this.arn('policy', p('PolicyName')));
        return { PolicyVersions: { PolicyVersion: a.listPolicyVersions(p('PolicyName'), policyType()) } };
      case 'DeletePolicyVersion':
        allow(this.arn('policy', p('PolicyName')));
        a.deletePolicyVersion(p('PolicyName'), p('VersionId'));
        return {};
      case 'DeletePolicy':
        allow(this.arn('policy', p('PolicyName')));
        a.deletePolicy(p('PolicyName'));
        return {};
      case 'AttachPolicyToRole':
        allow(this.arn('role', p('RoleName')));
        a.attachPolicy('role', p('RoleName'), policyType(), p('PolicyName'));
        return {};
      case 'DetachPolicyFromRole':
        allow(this.arn('role', p('RoleName')));
        a.detachPolicy('role', p('RoleName'), policyType(), p('PolicyName'));
        return {};
      case 'ListPoliciesForRole':
        allow(this.arn('role', p('RoleName')));
        return { Policies: { Policy: a.listPolicies('role', p('RoleName')) } };
      case 'AttachPolicyToUser':
        allow(this.arn('user', p('UserName')));
        a.attachPolicy('user', p('UserName'), policyType(), p('PolicyName'));
        return {};
      case 'DetachPolicyFromUser':
        allow(this.arn('user', p('UserName')));
        a.detachPolicy('user', p('UserName'), policyType(), p('PolicyName'));
        return {};
      case 'ListPoliciesForUser':
        allow(this.arn('user', p('UserName')));
        return { Policies: { Policy: a.listPolicies('user', p('UserName')) } };
      case 'CreateUser':
        allow(this.arn('user', p('UserName')));
        return {
          User: a.createUser({ UserName: p('UserName'), DisplayName: p('DisplayName', false) || undefined, Comments: p('Comments', false) || undefined }),
        };
      case 'GetUser':
        allow(this.arn('user', p('UserName')));
        return { User: a.getUser(p('UserName')) };
      case 'DeleteUser':
        allow(this.arn('user', p('UserName')));
        a.deleteUser(p('UserName'));
        return {};
      case 'CreateAccessKey':
        allow(this.arn('user', p('UserName')));
        return { AccessKey: a.createAccessKey(p('UserName')) };
      case 'DeleteAccessKey':
        allow(this.arn('user', p('UserName')));
        a.deleteAccessKey(p('UserName'), p('UserAccessKeyId'));
        return {};
      case 'TagResources':
      case 'UntagResources':
      case 'ListTagResources':
        return this.tags(call, allow);
      default:
        throw ramErrors.actionNotFound(action, SERVED);
    }
  }

  /**
   * RAM tagging (TagResources / UntagResources / ListTagResources) of roles and custom policies, with
   * the parameters tags.ts reads. RAM authorization: ram:<Action> on "All Resources" (RAM API
   * reference, TagResources / UntagResources / ListTagResources "RAM authorization"), so only a grant
   * on "*" allows it. A name that does not exist answers EntityNotExist.Role / EntityNotExist.Policy
   * and nothing is tagged (unconfirmed). ListTagResources answers {TagResources: [{ResourceName,
   * ResourceType, TagKey, TagValue}], NextToken} (@alicloud/ram20150501 ListTagResourcesResponseBody);
   * a Tag filter keeps the resources carrying every given tag (a filter without a Value: the key).
   */
  private tags(call: RpcCall, allow: (resource: string) => void): Record<string, unknown> {
    allow('*');
    const a = this.account;
    const kind = resourceType(call.params);
    if (call.action === 'TagResources') {
      const names = resourceNames(call.params, true);
      a.tagResources(
        kind,
        names,
        tagList(call.params, true).map(([k, v]) => [k, v ?? ''] as const),
      );
      return {};
    }
    if (call.action === 'UntagResources') {
      const names = resourceNames(call.params, true);
      const all = call.param('All', false) === 'true';
      const keys = tagKeys(call.params);
      if (!all && keys.length === 0) throw ramErrors.missingParameter('TagKeys');
      a.untagResources(kind, names, all ? 'all' : keys);
      return {};
    }
    const wanted = tagList(call.params, false);
    const page = pageOf(call.params);
    const names = resourceNames(call.params, false);
    const rows = (names.length > 0 ? names : a.taggedNames(kind)).flatMap((name) => {
      const tags = a.resourceTags(kind, name);
      const matches = wanted.every(([wk, wv]) => tags.some(([k, v]) => k === wk && (wv === undefined || wv === v)));
      return matches ? tags.map(([k, v]) => ({ ResourceType: kind, ResourceName: name, TagKey: k, TagValue: v })) : [];
    });
    const shown = rows.slice(page.start, page.start + page.size);
    const next = page.start + page.size < rows.length ? { NextToken: String(page.start + page.size) } : {};
    return { TagResources: shown, ...next };
  }
}
