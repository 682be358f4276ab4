// A stand-in for the slice of Alibaba Cloud's RAM API (version 2015-05-01, RPC style) that
// `thaw deploy` and `thaw destroy` use, so the local stack exercises the role path too:
//   CreateRole GetRole UpdateRole DeleteRole, CreatePolicy GetPolicy CreatePolicyVersion
//   ListPolicyVersions DeletePolicyVersion DeletePolicy, AttachPolicyToRole DetachPolicyFromRole
//   ListPoliciesForRole.
// Requests carry their parameters in the query (GET) or a form body (POST) and are signed as RPC
// APIs are (SignatureMethod HMAC-SHA1, SignatureVersion 1.0: HMAC of
// "METHOD&%2F&" + percent-encoded sorted parameters, keyed with "<secret>&"). Error codes are the
// documented ones (EntityNotExist.Role, EntityAlreadyExists.Role, DeleteConflict.Role.Policy, …);
// the messages are ours. Nothing here is authorised by policy: every caller with the key may do all.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { EmulatorClock as Clock } from '../shared/clock';
import { readBody } from '../shared/http';

class RamError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface RoleState {
  RoleId: string;
  RoleName: string;
  Arn: string;
  Description: string;
  AssumeRolePolicyDocument: string;
  MaxSessionDuration: number;
  CreateDate: string;
  UpdateDate: string;
  attached: Map<string, string>;
}

interface PolicyVersion {
  VersionId: string;
  IsDefaultVersion: boolean;
  PolicyDocument: string;
  CreateDate: string;
}

interface PolicyState {
  PolicyName: string;
  PolicyType: 'Custom';
  Description: string;
  CreateDate: string;
  versions: PolicyVersion[];
  nextVersion: number;
}

export interface RamStandInOptions {
  readonly accountId: string;
  readonly credentials: { accessKeyId: string; accessKeySecret: string };
  readonly clock: Clock;
}

const ROLE_NAME = /^[A-Za-z0-9.-]{1,64}$/;
/** Service names of the service-linked roles this stand-in can make, and the role each makes. */
const SERVICE_LINKED_ROLES: Record<string, string> = {
  'sendevent-fc.eventbridge.aliyuncs.com': 'AliyunServiceRoleForEventBridgeSendToFC',
};
const POLICY_NAME = /^[A-Za-z0-9-]{1,128}$/;
/** RAM keeps at most five versions of a custom policy. */
const MAX_POLICY_VERSIONS = 5;

export class RamStandIn {
  private readonly roles = new Map<string, RoleState>();
  private readonly policies = new Map<string, PolicyState>();

  constructor(private readonly options: RamStandInOptions) {}

  server(): Server {
    return createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        const e = err instanceof RamError ? err : new RamError(500, 'InternalError', 'The request processing has failed due to some unknown error.');
        reply(res, e.status, { Code: e.code, Message: e.message });
      });
    });
  }

  /** Role names currently held (for tests). */
  roleNames(): string[] {
    return [...this.roles.values()].map((r) => r.RoleName);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const body = await readBody(req, 1024 * 1024);
    const raw = method === 'POST' ? body.toString('utf8') : url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
    const params = new Map<string, string>();
    for (const [k, v] of new URLSearchParams(raw)) params.set(k, v);
    this.verify(method, params);
    const action = params.get('Action') ?? '';
    const p = (name: string, required = true): string => {
      const v = params.get(name);
      if (required && (v === undefined || v === ''))
        throw new RamError(400, `MissingParameter`, `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
      return v ?? '';
    };
    reply(res, 200, { RequestId: randomUUID(), ...this.run(action, p) });
  }

  private run(action: string, p: (name: string, required?: boolean) => string): Record<string, unknown> {
    const now = new Date(this.options.clock.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    switch (action) {
      case 'CreateRole': {
        const name = p('RoleName');
        if (!ROLE_NAME.test(name))
          throw new RamError(400, 'InvalidParameter.RoleName.InvalidChars', `The parameter "RoleName" contains invalid chars or is too long.`);
        if (this.roles.has(name.toLowerCase())) throw new RamError(409, 'EntityAlreadyExists.Role', `The role already exists: ${name}`);
        const role: RoleState = {
          RoleId: String(300000000000000000n + BigInt(this.roles.size + 1)),
          RoleName: name,
          Arn: `acs:ram::${this.options.accountId}:role/${name.toLowerCase()}`,
          Description: p('Description', false),
          AssumeRolePolicyDocument: policyDocument(p('AssumeRolePolicyDocument'), 'AssumeRolePolicyDocument'),
          MaxSessionDuration: Number(p('MaxSessionDuration', false) || 3600),
          CreateDate: now,
          UpdateDate: now,
          attached: new Map(),
        };
        this.roles.set(name.toLowerCase(), role);
        return { Role: roleView(role) };
      }
      case 'GetRole':
        return { Role: roleView(this.role(p('RoleName'))) };
      case 'CreateServiceLinkedRole': {
        // RAM CreateServiceLinkedRole: the role of a cloud service, named by the service
        // (EventBridge → FC: sendevent-fc.eventbridge.aliyuncs.com → AliyunServiceRoleForEventBridgeSendToFC).
        const service = p('ServiceName');
        const name = SERVICE_LINKED_ROLES[service];
        if (!name) throw new RamError(400, 'InvalidParameter.ServiceName', `The service ${service} has no service-linked role here.`);
        if (this.roles.has(name.toLowerCase())) throw new RamError(409, 'EntityAlreadyExists.Role', `The role already exists: ${name}`);
        const role: RoleState = {
          RoleId: String(300000000000000000n + BigInt(this.roles.size + 1)),
          RoleName: name,
          Arn: `acs:ram::${this.options.accountId}:role/aliyun-service-role/${name.toLowerCase()}`,
          Description: `Service-linked role of ${service}`,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: '1',
            Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [service] } }],
          }),
          MaxSessionDuration: 3600,
          CreateDate: now,
          UpdateDate: now,
          attached: new Map(),
        };
        this.roles.set(name.toLowerCase(), role);
        return { Role: roleView(role) };
      }
      case 'UpdateRole': {
        const role = this.role(p('RoleName'));
        const doc = p('NewAssumeRolePolicyDocument', false);
        if (doc) role.AssumeRolePolicyDocument = policyDocument(doc, 'NewAssumeRolePolicyDocument');
        const description = p('NewDescription', false);
        if (description) role.Description = description;
        role.UpdateDate = now;
        return { Role: roleView(role) };
      }
      case 'DeleteRole': {
        const role = this.role(p('RoleName'));
        if (role.attached.size > 0) throw new RamError(409, 'DeleteConflict.Role.Policy', `The role still has policies attached: ${role.RoleName}`);
        this.roles.delete(role.RoleName.toLowerCase());
        return {};
      }
      case 'CreatePolicy': {
        const name = p('PolicyName');
        if (!POLICY_NAME.test(name))
          throw new RamError(400, 'InvalidParameter.PolicyName.InvalidChars', 'The parameter "PolicyName" contains invalid chars or is too long.');
        if (this.policies.has(name)) throw new RamError(409, 'EntityAlreadyExists.Policy', `The policy already exists: ${name}`);
        const policy: PolicyState = {
          PolicyName: name,
          PolicyType: 'Custom',
          Description: p('Description', false),
          CreateDate: now,
          versions: [{ VersionId: 'v1', IsDefaultVersion: true, PolicyDocument: policyDocument(p('PolicyDocument'), 'PolicyDocument'), CreateDate: now }],
          nextVersion: 2,
        };
        this.policies.set(name, policy);
        return { Policy: policyView(policy) };
      }
      case 'UpdatePolicyDescription': {
        const policy = this.policy(p('PolicyName'), 'Custom');
        policy.Description = p('NewDescription', false);
        return { Policy: policyView(policy) };
      }
      case 'GetPolicy': {
        const policy = this.policy(p('PolicyName'), p('PolicyType'));
        return { Policy: policyView(policy), DefaultPolicyVersion: { ...policy.versions.find((v) => v.IsDefaultVersion)! } };
      }
      case 'CreatePolicyVersion': {
        const policy = this.policy(p('PolicyName'), 'Custom');
        if (policy.versions.length >= MAX_POLICY_VERSIONS)
          throw new RamError(409, 'LimitExceeded.Policy.Version', `The policy has ${MAX_POLICY_VERSIONS} versions; delete one first.`);
        const version: PolicyVersion = {
          VersionId: `v${policy.nextVersion++}`,
          IsDefaultVersion: p('SetAsDefault', false) === 'true',
          PolicyDocument: policyDocument(p('PolicyDocument'), 'PolicyDocument'),
          CreateDate: now,
        };
        if (version.IsDefaultVersion) for (const v of policy.versions) v.IsDefaultVersion = false;
        policy.versions.push(version);
        return { PolicyVersion: { ...version } };
      }
      case 'ListPolicyVersions': {
        const policy = this.policy(p('PolicyName'), p('PolicyType'));
        return { PolicyVersions: { PolicyVersion: policy.versions.map((v) => ({ ...v })) } };
      }
      case 'DeletePolicyVersion': {
        const policy = this.policy(p('PolicyName'), 'Custom');
        const id = p('VersionId');
        const version = policy.versions.find((v) => v.VersionId === id);
        if (!version) throw new RamError(404, 'EntityNotExist.Policy.Version', `The policy version does not exist: ${id}`);
        if (version.IsDefaultVersion) throw new RamError(409, 'DeleteConflict.PolicyVersion.Default', 'The default version of a policy cannot be deleted.');
        policy.versions = policy.versions.filter((v) => v !== version);
        return {};
      }
      case 'DeletePolicy': {
        const policy = this.policy(p('PolicyName'), 'Custom');
        for (const role of this.roles.values()) {
          if (role.attached.has(policy.PolicyName)) throw new RamError(409, 'DeleteConflict.Policy.Role', `The policy is attached to role ${role.RoleName}.`);
        }
        if (policy.versions.length > 1)
          throw new RamError(409, 'DeleteConflict.Policy.Version', 'The policy has versions other than the default; delete them first.');
        this.policies.delete(policy.PolicyName);
        return {};
      }
      case 'AttachPolicyToRole': {
        const policy = this.policy(p('PolicyName'), p('PolicyType'));
        const role = this.role(p('RoleName'));
        if (role.attached.has(policy.PolicyName)) throw new RamError(409, 'EntityAlreadyExists.Role.Policy', `The policy is already attached to the role.`);
        role.attached.set(policy.PolicyName, now);
        return {};
      }
      case 'DetachPolicyFromRole': {
        const role = this.role(p('RoleName'));
        const name = p('PolicyName');
        if (!role.attached.delete(name)) throw new RamError(404, 'EntityNotExist.Role.Policy', `The policy is not attached to the role: ${name}`);
        return {};
      }
      case 'ListPoliciesForRole': {
        const role = this.role(p('RoleName'));
        return {
          Policies: {
            Policy: [...role.attached].map(([name, date]) => {
              const policy = this.policies.get(name);
              return {
                PolicyName: name,
                PolicyType: 'Custom',
                Description: policy?.Description ?? '',
                DefaultVersion: policy?.versions.find((v) => v.IsDefaultVersion)?.VersionId,
                AttachDate: date,
              };
            }),
          },
        };
      }
      default:
        throw new RamError(
          400,
          'InvalidAction.NotFound',
          `Specified api "${action}" is not found (the local RAM stand-in serves ${'roles and custom policies'} only).`,
        );
    }
  }

  private verify(method: string, params: Map<string, string>): void {
    const given = params.get('Signature');
    if (params.get('AccessKeyId') !== this.options.credentials.accessKeyId) {
      throw new RamError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    }
    if (!given || params.get('SignatureMethod') !== 'HMAC-SHA1' || params.get('SignatureVersion') !== '1.0') {
      throw new RamError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
    }
    const canonical = [...params]
      .filter(([k]) => k !== 'Signature')
      .map(([k, v]) => [percent(k), percent(v)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const stringToSign = `${method}&${percent('/')}&${percent(canonical)}`;
    const expected = Buffer.from(createHmac('sha1', `${this.options.credentials.accessKeySecret}&`).update(stringToSign).digest('base64'));
    const actual = Buffer.from(given);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new RamError(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`);
    }
  }

  private role(name: string): RoleState {
    const role = this.roles.get(name.toLowerCase());
    if (!role) throw new RamError(404, 'EntityNotExist.Role', `The role not exists: ${name}`);
    return role;
  }

  private policy(name: string, type: string): PolicyState {
    const policy = type === 'Custom' ? this.policies.get(name) : undefined;
    if (!policy) throw new RamError(404, 'EntityNotExist.Policy', `The policy not exists: ${name}`);
    return policy;
  }
}

/** RFC 3986 percent-encoding, as RPC signatures use it. */
function percent(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function policyDocument(text: string, name: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new RamError(400, 'MalformedPolicyDocument', `The parameter "${name}" is not valid JSON.`);
  }
  const d = doc as { Version?: unknown; Statement?: unknown };
  if (d?.Version !== '1' || !Array.isArray(d.Statement) || d.Statement.length === 0) {
    throw new RamError(400, 'MalformedPolicyDocument', `The parameter "${name}" must be a policy document with Version "1" and a Statement list.`);
  }
  return text;
}

function roleView(role: RoleState): Record<string, unknown> {
  const { attached: _attached, ...view } = role;
  return { ...view };
}

function policyView(policy: PolicyState): Record<string, unknown> {
  return {
    PolicyName: policy.PolicyName,
    PolicyType: policy.PolicyType,
    Description: policy.Description,
    DefaultVersion: policy.versions.find((v) => v.IsDefaultVersion)?.VersionId,
    CreateDate: policy.CreateDate,
  };
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
  res.end(JSON.stringify(status === 200 ? body : { RequestId: randomUUID(), HostId: 'ram.aliyuncs.com', ...body }));
}
