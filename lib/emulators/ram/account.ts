// One Alibaba Cloud account as RAM and STS see it: the owner's key (every right in the account),
// RAM users with access keys and attached policies, roles with trust policies and attached policies,
// custom and system policies, STS sessions, service-linked roles and activated services. It is the
// CloudAccount every emulator authorizes against; the RAM API (server.ts) and STS (../sts) are wires
// onto it. Rules, with their sources:
//   - a role's policies apply to its STS sessions; a user's to its keys; the owner may do anything in
//     its account ("RAM overview": the Alibaba Cloud account has full permissions on its resources)
//   - policy evaluation: policy.ts
//   - STS credentials: AccessKeyId starts with "STS.", carry a SecurityToken and an Expiration;
//     DurationSeconds 900 … the role's MaxSessionDuration (3600–43200, default 3600) (STS AssumeRole,
//     RAM CreateRole references)
//   - a role whose trust policy does not name the caller, or a caller without sts:AssumeRole on the
//     role's ARN, gets NoPermission; the owner's key cannot assume roles (STS doc 42775)
import { randomBytes } from 'node:crypto';
import type { AccessDecision, AccessRequest, CloudAccount, Principal, SigningKey } from '../shared/access';
import { RoleAssumptionError } from '../shared/access';
import type { EmulatorClock } from '../shared/clock';
import { RamError, ramErrors } from './errors';
import { type AssumingPrincipal, evaluate, MalformedPolicyError, type PolicyDocument, parsePolicy, trustAllows } from './policy';
import { SERVICE_LINKED_ROLE_PATH, SERVICE_LINKED_ROLES, SYSTEM_POLICIES } from './system-policies';

export type PolicyType = 'Custom' | 'System';
/** What RAM's TagResources can tag (ResourceType, RAM API 2015-05-01 TagResources). */
export type TaggedKind = 'role' | 'policy';

export interface RoleView {
  RoleId: string;
  RoleName: string;
  Arn: string;
  Description: string;
  AssumeRolePolicyDocument: string;
  MaxSessionDuration: number;
  CreateDate: string;
  UpdateDate: string;
  IsServiceLinkedRole?: boolean;
}

interface RoleState extends RoleView {
  trust: PolicyDocument;
  /** "<PolicyType>:<PolicyName>" → attach date. */
  attached: Map<string, string>;
  tags: Map<string, string>;
}

interface UserState {
  UserId: string;
  UserName: string;
  DisplayName: string;
  Comments: string;
  CreateDate: string;
  attached: Map<string, string>;
  keys: Set<string>;
}

export interface PolicyVersion {
  VersionId: string;
  IsDefaultVersion: boolean;
  PolicyDocument: string;
  CreateDate: string;
}

interface PolicyState {
  PolicyName: string;
  Description: string;
  CreateDate: string;
  versions: PolicyVersion[];
  nextVersion: number;
  parsed: Map<string, PolicyDocument>;
  tags: Map<string, string>;
}

interface LongTermKey {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly principal: Principal;
  readonly createDate: string;
}

interface Session extends SigningKey {
  readonly expiresAtMs: number;
  readonly roleKey: string;
}

export interface AccessKeyPair {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

/** What STS AssumeRole answers. */
export interface AssumedRole {
  readonly key: SigningKey & { readonly expiresAtMs: number; readonly securityToken: string };
  readonly assumedRoleUser: { readonly Arn: string; readonly AssumedRoleId: string };
}

export interface RamAccountOptions {
  readonly accountId: string;
  /** The Alibaba Cloud account's own key (its "root" AccessKey). */
  readonly ownerKey: AccessKeyPair;
  readonly clock: EmulatorClock;
}

/** RAM CreateRole: letters, digits, ".", "-", 1–64 characters. */
const ROLE_NAME = /^[A-Za-z0-9.-]{1,64}$/;
/** RAM CreatePolicy: letters, digits and "-", 1–128 characters. */
const POLICY_NAME = /^[A-Za-z0-9-]{1,128}$/;
/** RAM CreateUser: letters, digits, ".", "_", "-", 1–64 characters (Limits: 64). */
const USER_NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** STS AssumeRole RoleSessionName: letters, digits, ".", "@", "-", "_", 2–64 characters. */
const SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/;
const MAX_POLICY_VERSIONS = 5;
/** Tags one role or policy may carry: 20 (unconfirmed for RAM; 20 a call is RAM's TagResources bound, 20 a resource FC's and most services'). */
const MAX_TAGS_PER_RESOURCE = 20;
/** Limits (document_detail/28753): custom policies per role 5, system policies per role 20; per user 10 and 20. */
const ATTACH_LIMITS = { role: { Custom: 5, System: 20 }, user: { Custom: 10, System: 20 } } as const;
/** Limits: two AccessKey pairs per RAM user. */
const MAX_USER_KEYS = 2;
const MIN_SESSION_SECONDS = 900;
const DEFAULT_MAX_SESSION_SECONDS = 3600;
const MAX_MAX_SESSION_SECONDS = 43200;

const ALPHANUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789';
function randomText(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHANUM[b % ALPHANUM.length];
  return out;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class RamAccount implements CloudAccount {
  readonly accountId: string;
  private readonly clock: EmulatorClock;
  private readonly roles = new Map<string, RoleState>();
  private readonly users = new Map<string, UserState>();
  private readonly policies = new Map<string, PolicyState>();
  private readonly longTermKeys = new Map<string, LongTermKey>();
  private readonly sessions = new Map<string, Session>();
  private readonly activated = new Set<string>();
  private nextId = 1;

  constructor(options: RamAccountOptions) {
    this.accountId = options.accountId;
    this.clock = options.clock;
    this.longTermKeys.set(options.ownerKey.accessKeyId, {
      ...options.ownerKey,
      principal: { kind: 'account', accountId: this.accountId },
      createDate: this.now(),
    });
  }

  // ---- AccessControl ----------------------------------------------------------------------------

  key(accessKeyId: string, nowMs: number): SigningKey | 'expired' | undefined {
    const longTerm = this.longTermKeys.get(accessKeyId);
    if (longTerm) return { accessKeyId, accessKeySecret: longTerm.accessKeySecret, principal: longTerm.principal };
    const session = this.sessions.get(accessKeyId);
    if (!session) return undefined;
    return nowMs >= session.expiresAtMs ? 'expired' : session;
  }

  authorize(principal: Principal, request: AccessRequest): AccessDecision {
    if (principal.accountId !== this.accountId) return { allowed: false, explicit: false };
    if (principal.kind === 'account') return { allowed: true };
    const documents = principal.kind === 'user' ? this.userDocuments(principal.userName) : this.roleDocuments(principal.roleName);
    const result = evaluate(documents, request);
    return result === 'allow' ? { allowed: true } : { allowed: false, explicit: result === 'explicit-deny' };
  }

  // ---- CloudAccount -------------------------------------------------------------------------------

  assumeRoleForService(roleArn: string, service: string, sessionName: string, nowMs: number): SigningKey {
    const role = this.roleByArn(roleArn);
    if (!role) {
      if (!this.parseRoleArn(roleArn)) throw new RoleAssumptionError('InvalidParameter.RoleArn', `The parameter RoleArn is wrongly formed: ${roleArn}`);
      throw new RoleAssumptionError('EntityNotExist.Role', `The role not exists: ${roleArn}`);
    }
    if (!trustAllows(role.trust, { service })) {
      throw new RoleAssumptionError('NoPermission', `The trust policy of role ${role.RoleName} does not name the service ${service}.`);
    }
    return this.issueSession(role, sessionName.slice(0, 64) || service, role.MaxSessionDuration, nowMs).key;
  }

  hasServiceLinkedRole(roleName: string): boolean {
    return this.roles.get(roleName.toLowerCase())?.IsServiceLinkedRole === true;
  }

  isActivated(service: string): boolean {
    return this.activated.has(service.toLowerCase());
  }

  /**
   * Turns a cloud service on for the account. EventBridge is activated through the billing API
   * (BssOpenApi CreateInstance ProductCode "eventbridge", then EventBridge GetEventBridgeStatus:
   * terraform-provider-alicloud data_source_alicloud_event_bridge_service.go); that wire is not served,
   * so the local stack calls this instead.
   */
  activate(service: string): void {
    this.activated.add(service.toLowerCase());
  }

  // ---- STS --------------------------------------------------------------------------------------

  /**
   * STS AssumeRole for a RAM user or a role session: the caller needs sts:AssumeRole on the role's
   * ARN, and the role's trust policy must name the caller (or its account).
   */
  assumeRole(caller: Principal, roleArn: string, sessionName: string, durationSeconds: number | undefined, nowMs: number): AssumedRole {
    if (caller.kind === 'account') throw ramErrors.rootMayNotAssume();
    if (!SESSION_NAME.test(sessionName)) throw ramErrors.invalidParameter('RoleSessionName', 'is wrongly formed: 2–64 letters, digits, ".", "@", "-" or "_".');
    const parsed = this.parseRoleArn(roleArn);
    if (!parsed) throw ramErrors.invalidParameter('RoleArn', `is wrongly formed: ${roleArn}`);
    const callerArn = principalArn(caller);
    if (!this.authorize(caller, { action: 'sts:AssumeRole', resource: roleArn }).allowed) {
      throw ramErrors.noPermission();
    }
    const role = this.roleByArn(roleArn);
    if (!role) throw ramErrors.entityNotExist('Role', roleArn);
    const who: AssumingPrincipal = { ramArn: callerArn, accountId: caller.accountId };
    if (!trustAllows(role.trust, who)) {
      throw ramErrors.noPermission();
    }
    const duration = durationSeconds ?? DEFAULT_MAX_SESSION_SECONDS;
    if (!(Number.isInteger(duration) && duration >= MIN_SESSION_SECONDS && duration <= role.MaxSessionDuration)) {
      throw ramErrors.invalidParameter('DurationSeconds', `must be ${MIN_SESSION_SECONDS} to ${role.MaxSessionDuration} (the role's MaxSessionDuration).`);
    }
    return this.issueSession(role, sessionName, duration, nowMs);
  }

  private issueSession(role: RoleState, sessionName: string, durationSeconds: number, nowMs: number): AssumedRole {
    const accessKeyId = `STS.${randomText(26)}`;
    const session: Session = {
      accessKeyId,
      accessKeySecret: randomText(44),
      securityToken: `CAIS${randomBytes(180).toString('base64')}`,
      expiresAtMs: nowMs + durationSeconds * 1000,
      principal: { kind: 'role', accountId: this.accountId, roleName: role.RoleName, sessionName },
      roleKey: role.RoleName.toLowerCase(),
    };
    this.sessions.set(accessKeyId, session);
    this.forgetExpiredSessions(nowMs);
    return {
      key: session as AssumedRole['key'],
      assumedRoleUser: {
        Arn: `acs:ram::${this.accountId}:assumed-role/${role.RoleName.toLowerCase()}/${sessionName}`,
        AssumedRoleId: `${role.RoleId}:${sessionName}`,
      },
    };
  }

  /** Sessions expired for a day are dropped, so a long run does not keep every key it ever issued. */
  private forgetExpiredSessions(nowMs: number): void {
    for (const [id, s] of this.sessions) if (nowMs - s.expiresAtMs > 86_400_000) this.sessions.delete(id);
  }

  /** STS GetCallerIdentity. */
  callerIdentity(principal: Principal): Record<string, string> {
    const arn = principalArn(principal);
    switch (principal.kind) {
      case 'account':
        return { AccountId: this.accountId, Arn: arn, IdentityType: 'Account', PrincipalId: this.accountId, UserId: this.accountId };
      case 'user': {
        const user = this.users.get(principal.userName);
        const id = user?.UserId ?? '';
        return { AccountId: this.accountId, Arn: arn, IdentityType: 'RAMUser', PrincipalId: id, UserId: id };
      }
      case 'role': {
        const role = this.roles.get(principal.roleName.toLowerCase());
        const id = role?.RoleId ?? '';
        return { AccountId: this.accountId, Arn: arn, IdentityType: 'AssumedRoleUser', PrincipalId: `${id}:${principal.sessionName}`, RoleId: id };
      }
    }
  }

  // ---- roles ------------------------------------------------------------------------------------

  roleNames(): string[] {
    return [...this.roles.values()].map((r) => r.RoleName);
  }

  roleArn(roleName: string): string {
    return `acs:ram::${this.accountId}:role/${roleName.toLowerCase()}`;
  }

  createRole(input: { RoleName: string; AssumeRolePolicyDocument: string; Description?: string; MaxSessionDuration?: number }): RoleView {
    const name = input.RoleName;
    if (!ROLE_NAME.test(name))
      throw new RamError(400, 'InvalidParameter.RoleName.InvalidChars', 'The parameter "RoleName" contains invalid chars or is too long.');
    if (this.roles.has(name.toLowerCase())) throw ramErrors.entityAlreadyExists('Role', name);
    const maxSession = input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_SECONDS;
    checkMaxSession(maxSession);
    const role = this.newRole(name, input.AssumeRolePolicyDocument, input.Description ?? '', maxSession);
    return view(role);
  }

  private newRole(name: string, trustText: string, description: string, maxSession: number, serviceLinked = false): RoleState {
    const now = this.now();
    const role: RoleState = {
      RoleId: String(300000000000000000n + BigInt(this.nextId++)),
      RoleName: name,
      Arn: this.roleArn(name),
      Description: description,
      AssumeRolePolicyDocument: trustText,
      MaxSessionDuration: maxSession,
      CreateDate: now,
      UpdateDate: now,
      ...(serviceLinked ? { IsServiceLinkedRole: true } : {}),
      trust: parseDocument(trustText, 'trust'),
      attached: new Map(),
      tags: new Map(),
    };
    this.roles.set(name.toLowerCase(), role);
    return role;
  }

  getRole(name: string): RoleView {
    return view(this.role(name));
  }

  updateRole(name: string, changes: { NewAssumeRolePolicyDocument?: string; NewDescription?: string; NewMaxSessionDuration?: number }): RoleView {
    const role = this.role(name);
    if (changes.NewAssumeRolePolicyDocument) {
      role.trust = parseDocument(changes.NewAssumeRolePolicyDocument, 'trust');
      role.AssumeRolePolicyDocument = changes.NewAssumeRolePolicyDocument;
    }
    if (changes.NewDescription) role.Description = changes.NewDescription;
    if (changes.NewMaxSessionDuration !== undefined) {
      checkMaxSession(changes.NewMaxSessionDuration);
      role.MaxSessionDuration = changes.NewMaxSessionDuration;
    }
    role.UpdateDate = this.now();
    return view(role);
  }

  deleteRole(name: string): void {
    const role = this.role(name);
    if (role.attached.size > 0) throw ramErrors.deleteConflict('Role.Policy', `The role still has policies attached: ${role.RoleName}`);
    this.roles.delete(role.RoleName.toLowerCase());
  }

  /**
   * RAM CreateServiceLinkedRole: the role a service names, under /aliyun-service-role/, trusted by that
   * service and holding its system policy. A second call answers EntityAlreadyExists.Role (unconfirmed).
   */
  createServiceLinkedRole(serviceName: string, description?: string): RoleView {
    const spec = SERVICE_LINKED_ROLES[serviceName];
    if (!spec) {
      throw ramErrors.invalidParameter('ServiceName', `names no service-linked role the local RAM knows (${Object.keys(SERVICE_LINKED_ROLES).join(', ')}).`);
    }
    if (this.roles.has(spec.roleName.toLowerCase())) throw ramErrors.entityAlreadyExists('Role', spec.roleName);
    const trust = JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [serviceName] } }] });
    const role = this.newRole(spec.roleName, trust, description ?? spec.description, DEFAULT_MAX_SESSION_SECONDS, true);
    role.attached.set(`System:${spec.policyName}`, this.now());
    return { ...view(role), IsServiceLinkedRole: true };
  }

  /** The path RAM files a role under (service-linked roles have their own). */
  rolePath(name: string): string {
    return this.role(name).IsServiceLinkedRole ? SERVICE_LINKED_ROLE_PATH : '/';
  }

  // ---- tags (TagResources, UntagResources, ListTagResources: ResourceType role or policy) -------

  /**
   * Adds or replaces tags on every named resource, or on none: all must exist and stay within
   * MAX_TAGS_PER_RESOURCE (a key already there is replaced, not added). A deleted role or policy
   * takes its tags with it.
   */
  tagResources(kind: TaggedKind, names: readonly string[], tags: ReadonlyArray<readonly [string, string]>): void {
    const targets = names.map((n) => this.tagsOf(kind, n));
    for (const [i, current] of targets.entries()) {
      const after = new Set([...current.keys(), ...tags.map(([k]) => k)]);
      if (after.size > MAX_TAGS_PER_RESOURCE) {
        throw ramErrors.limitExceeded('Tag', `A ${kind} carries at most ${MAX_TAGS_PER_RESOURCE} tags: ${names[i]} would have ${after.size}.`);
      }
    }
    for (const current of targets) for (const [k, v] of tags) current.set(k, v);
  }

  untagResources(kind: TaggedKind, names: readonly string[], keys: readonly string[] | 'all'): void {
    const targets = names.map((n) => this.tagsOf(kind, n));
    for (const current of targets) {
      if (keys === 'all') current.clear();
      else for (const k of keys) current.delete(k);
    }
  }

  /** The tags of one role or custom policy, in the order they were added. */
  resourceTags(kind: TaggedKind, name: string): [string, string][] {
    return [...this.tagsOf(kind, name)];
  }

  /** Every role or custom policy that carries a tag (ListTagResources without ResourceNames). */
  taggedNames(kind: TaggedKind): string[] {
    const all =
      kind === 'role'
        ? [...this.roles.values()].map((r) => ({ name: r.RoleName, tags: r.tags }))
        : [...this.policies.values()].map((p) => ({ name: p.PolicyName, tags: p.tags }));
    return all.filter((r) => r.tags.size > 0).map((r) => r.name);
  }

  private tagsOf(kind: TaggedKind, name: string): Map<string, string> {
    // System policies are Alibaba's: only custom ones carry the account's tags (unconfirmed).
    return kind === 'role' ? this.role(name).tags : this.customPolicy(name).tags;
  }

  // ---- policies ---------------------------------------------------------------------------------

  createPolicy(name: string, documentText: string, description = ''): PolicyState {
    if (!POLICY_NAME.test(name))
      throw new RamError(400, 'InvalidParameter.PolicyName.InvalidChars', 'The parameter "PolicyName" contains invalid chars or is too long.');
    if (this.policies.has(name) || Object.hasOwn(SYSTEM_POLICIES, name)) throw ramErrors.entityAlreadyExists('Policy', name);
    const parsed = parseDocument(documentText, 'permission');
    const now = this.now();
    const policy: PolicyState = {
      PolicyName: name,
      Description: description,
      CreateDate: now,
      versions: [{ VersionId: 'v1', IsDefaultVersion: true, PolicyDocument: documentText, CreateDate: now }],
      nextVersion: 2,
      parsed: new Map([['v1', parsed]]),
      tags: new Map(),
    };
    this.policies.set(name, policy);
    return policy;
  }

  /** A policy of either type as GetPolicy shows it, with its default version. */
  getPolicy(name: string, type: PolicyType): { Policy: Record<string, unknown>; DefaultPolicyVersion: PolicyVersion } {
    if (type === 'System') {
      const system = SYSTEM_POLICIES[name];
      if (!system) throw ramErrors.entityNotExist('Policy', name);
      const version: PolicyVersion = { VersionId: 'v1', IsDefaultVersion: true, PolicyDocument: system.document, CreateDate: '2015-04-01T00:00:00Z' };
      return {
        Policy: {
          PolicyName: name,
          PolicyType: 'System',
          Description: system.description,
          DefaultVersion: 'v1',
          CreateDate: version.CreateDate,
          AttachmentCount: this.attachments('System', name),
        },
        DefaultPolicyVersion: version,
      };
    }
    const policy = this.customPolicy(name);
    return { Policy: this.policyView(policy), DefaultPolicyVersion: { ...defaultVersion(policy) } };
  }

  policyView(policy: PolicyState): Record<string, unknown> {
    return {
      PolicyName: policy.PolicyName,
      PolicyType: 'Custom',
      Description: policy.Description,
      DefaultVersion: defaultVersion(policy).VersionId,
      CreateDate: policy.CreateDate,
      AttachmentCount: this.attachments('Custom', policy.PolicyName),
    };
  }

  updatePolicyDescription(name: string, description: string): Record<string, unknown> {
    const policy = this.customPolicy(name);
    policy.Description = description;
    return this.policyView(policy);
  }

  createPolicyVersion(name: string, documentText: string, setAsDefault: boolean): PolicyVersion {
    const policy = this.customPolicy(name);
    if (policy.versions.length >= MAX_POLICY_VERSIONS)
      throw ramErrors.limitExceeded('Policy.Version', `The policy has ${MAX_POLICY_VERSIONS} versions; delete one first.`);
    const parsed = parseDocument(documentText, 'permission');
    const version: PolicyVersion = {
      VersionId: `v${policy.nextVersion++}`,
      IsDefaultVersion: setAsDefault,
      PolicyDocument: documentText,
      CreateDate: this.now(),
    };
    if (setAsDefault) for (const v of policy.versions) v.IsDefaultVersion = false;
    policy.versions.push(version);
    policy.parsed.set(version.VersionId, parsed);
    return { ...version };
  }

  listPolicyVersions(name: string, type: PolicyType): PolicyVersion[] {
    if (type === 'System') return [this.getPolicy(name, 'System').DefaultPolicyVersion];
    return this.customPolicy(name).versions.map((v) => ({ ...v }));
  }

  deletePolicyVersion(name: string, versionId: string): void {
    const policy = this.customPolicy(name);
    const version = policy.versions.find((v) => v.VersionId === versionId);
    if (!version) throw ramErrors.entityNotExist('Policy.Version', versionId);
    if (version.IsDefaultVersion) throw ramErrors.deleteConflict('PolicyVersion.Default', 'The default version of a policy cannot be deleted.');
    policy.versions = policy.versions.filter((v) => v !== version);
    policy.parsed.delete(versionId);
  }

  deletePolicy(name: string): void {
    const policy = this.customPolicy(name);
    for (const role of this.roles.values()) {
      if (role.attached.has(`Custom:${name}`)) throw ramErrors.deleteConflict('Policy.Role', `The policy is attached to role ${role.RoleName}.`);
    }
    for (const user of this.users.values()) {
      if (user.attached.has(`Custom:${name}`)) throw ramErrors.deleteConflict('Policy.User', `The policy is attached to user ${user.UserName}.`);
    }
    if (policy.versions.length > 1) throw ramErrors.deleteConflict('Policy.Version', 'The policy has versions other than the default; delete them first.');
    this.policies.delete(name);
  }

  /** AttachPolicyToRole / AttachPolicyToUser. */
  attachPolicy(target: 'role' | 'user', targetName: string, type: PolicyType, policyName: string): void {
    this.getPolicy(policyName, type); // EntityNotExist.Policy first
    const entity = target === 'role' ? this.role(targetName) : this.user(targetName);
    const key = `${type}:${policyName}`;
    const kind = target === 'role' ? 'Role.Policy' : 'User.Policy';
    if (entity.attached.has(key)) throw ramErrors.entityAlreadyExists(kind, policyName);
    const limit = ATTACH_LIMITS[target][type];
    if ([...entity.attached.keys()].filter((k) => k.startsWith(`${type}:`)).length >= limit) {
      throw ramErrors.limitExceeded(
        `Policy.${type}.${target === 'role' ? 'Role' : 'User'}`,
        `At most ${limit} ${type.toLowerCase()} policies can be attached to a ${target}.`,
      );
    }
    entity.attached.set(key, this.now());
  }

  detachPolicy(target: 'role' | 'user', targetName: string, type: PolicyType, policyName: string): void {
    const entity = target === 'role' ? this.role(targetName) : this.user(targetName);
    if (!entity.attached.delete(`${type}:${policyName}`)) {
      throw ramErrors.entityNotExist(target === 'role' ? 'Role.Policy' : 'User.Policy', policyName);
    }
  }

  /** ListPoliciesForRole / ListPoliciesForUser. */
  listPolicies(target: 'role' | 'user', targetName: string): Record<string, unknown>[] {
    const entity = target === 'role' ? this.role(targetName) : this.user(targetName);
    return [...entity.attached].map(([key, date]) => {
      const [type, name] = splitKey(key);
      const shown = this.getPolicy(name, type);
      return {
        PolicyName: name,
        PolicyType: type,
        Description: shown.Policy.Description,
        DefaultVersion: shown.DefaultPolicyVersion.VersionId,
        AttachDate: date,
      };
    });
  }

  // ---- users ------------------------------------------------------------------------------------

  createUser(input: { UserName: string; DisplayName?: string; Comments?: string }): Record<string, unknown> {
    const name = input.UserName;
    if (!USER_NAME.test(name))
      throw new RamError(400, 'InvalidParameter.UserName.InvalidChars', 'The parameter "UserName" contains invalid chars or is too long.');
    if (this.users.has(name)) throw ramErrors.entityAlreadyExists('User', name);
    const user: UserState = {
      UserId: String(200000000000000000n + BigInt(this.nextId++)),
      UserName: name,
      DisplayName: input.DisplayName ?? name,
      Comments: input.Comments ?? '',
      CreateDate: this.now(),
      attached: new Map(),
      keys: new Set(),
    };
    this.users.set(name, user);
    return userView(user);
  }

  getUser(name: string): Record<string, unknown> {
    return userView(this.user(name));
  }

  deleteUser(name: string): void {
    const user = this.user(name);
    if (user.attached.size > 0) throw ramErrors.deleteConflict('User.Policy', `The user still has policies attached: ${name}`);
    if (user.keys.size > 0) throw ramErrors.deleteConflict('User.AccessKey', `The user still has access keys: ${name}`);
    this.users.delete(name);
  }

  createAccessKey(userName: string): { AccessKeyId: string; AccessKeySecret: string; Status: 'Active'; CreateDate: string } {
    const user = this.user(userName);
    if (user.keys.size >= MAX_USER_KEYS) throw ramErrors.limitExceeded('User.AccessKey', `A RAM user has at most ${MAX_USER_KEYS} AccessKey pairs.`);
    const key: LongTermKey = {
      accessKeyId: `LTAI5t${randomText(18)}`,
      accessKeySecret: randomText(30),
      principal: { kind: 'user', accountId: this.accountId, userName: user.UserName },
      createDate: this.now(),
    };
    this.longTermKeys.set(key.accessKeyId, key);
    user.keys.add(key.accessKeyId);
    return { AccessKeyId: key.accessKeyId, AccessKeySecret: key.accessKeySecret, Status: 'Active', CreateDate: key.createDate };
  }

  deleteAccessKey(userName: string, accessKeyId: string): void {
    const user = this.user(userName);
    if (!user.keys.delete(accessKeyId)) throw ramErrors.entityNotExist('User.AccessKey', accessKeyId);
    this.longTermKeys.delete(accessKeyId);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private now(): string {
    return isoSeconds(this.clock.nowMs());
  }

  private role(name: string): RoleState {
    const role = this.roles.get(name.toLowerCase());
    if (!role) throw ramErrors.entityNotExist('Role', name);
    return role;
  }

  private user(name: string): UserState {
    const user = this.users.get(name);
    if (!user) throw ramErrors.entityNotExist('User', name);
    return user;
  }

  private customPolicy(name: string): PolicyState {
    const policy = this.policies.get(name);
    if (!policy) throw ramErrors.entityNotExist('Policy', name);
    return policy;
  }

  private attachments(type: PolicyType, name: string): number {
    const key = `${type}:${name}`;
    let n = 0;
    for (const e of [...this.roles.values(), ...this.users.values()]) if (e.attached.has(key)) n++;
    return n;
  }

  /** `acs:ram::<uid>:role/<name>` of this account, or undefined when not of that form. */
  private parseRoleArn(arn: string): string | undefined {
    const m = /^acs:ram::(\d+):role\/([^/]+)$/.exec(arn);
    return m && m[1] === this.accountId ? m[2] : undefined;
  }

  private roleByArn(arn: string): RoleState | undefined {
    const name = this.parseRoleArn(arn);
    return name === undefined ? undefined : this.roles.get(name.toLowerCase());
  }

  private documents(attached: ReadonlyMap<string, string>): PolicyDocument[] {
    return [...attached.keys()].map((key) => {
      const [type, name] = splitKey(key);
      if (type === 'System') return parseDocument(SYSTEM_POLICIES[name]!.document, 'permission');
      const policy = this.policies.get(name);
      return policy ? policy.parsed.get(defaultVersion(policy).VersionId)! : { statements: [] };
    });
  }

  private roleDocuments(roleName: string): PolicyDocument[] {
    const role = this.roles.get(roleName.toLowerCase());
    return role ? this.documents(role.attached) : [];
  }

  private userDocuments(userName: string): PolicyDocument[] {
    const user = this.users.get(userName);
    return user ? this.documents(user.attached) : [];
  }
}

/** The ARN STS and the trust policy name an identity by. */
export function principalArn(p: Principal): string {
  switch (p.kind) {
    case 'account':
      return `acs:ram::${p.accountId}:root`;
    case 'user':
      return `acs:ram::${p.accountId}:user/${p.userName}`;
    case 'role':
      return `acs:ram::${p.accountId}:assumed-role/${p.roleName.toLowerCase()}/${p.sessionName}`;
  }
}

function parseDocument(text: string, kind: 'permission' | 'trust'): PolicyDocument {
  try {
    return parsePolicy(text, kind);
  } catch (err) {
    if (err instanceof MalformedPolicyError) throw ramErrors.malformedPolicy(err.message);
    throw err;
  }
}

function checkMaxSession(seconds: number): void {
  if (!(Number.isInteger(seconds) && seconds >= DEFAULT_MAX_SESSION_SECONDS && seconds <= MAX_MAX_SESSION_SECONDS)) {
    throw ramErrors.invalidParameter('MaxSessionDuration', `must be ${DEFAULT_MAX_SESSION_SECONDS} to ${MAX_MAX_SESSION_SECONDS} seconds.`);
  }
}

function splitKey(key: string): [PolicyType, string] {
  const colon = key.indexOf(':');
  return [key.slice(0, colon) as PolicyType, key.slice(colon + 1)];
}

function defaultVersion(policy: PolicyState): PolicyVersion {
  return policy.versions.find((v) => v.IsDefaultVersion)!;
}

function view(role: RoleState): RoleView {
  const { trust: _t, attached: _a, tags: _g, ...rest } = role;
  return { ...rest };
}

function userView(user: UserState): Record<string, unknown> {
  return { UserId: user.UserId, UserName: user.UserName, DisplayName: user.DisplayName, Comments: user.Comments, CreateDate: user.CreateDate };
}
