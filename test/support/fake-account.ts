// A small CloudAccount for tests of the FC emulator until the RAM account lands: the owner's key,
// RAM users and roles with Allow grants (wildcards * and ? in actions and resources), trust by
// service name, STS keys that expire, service-linked roles and activated services a test can add or
// take away. It evaluates only Allow grants (no Deny, no conditions): enough to show a role lacking
// one grant failing visibly and healing once the grant is added.
import { randomBytes } from 'node:crypto';
import {
  type AccessDecision,
  type AccessRequest,
  type CloudAccount,
  type Principal,
  RoleAssumptionError,
  type SigningKey,
} from '../../lib/emulators/shared/access';
import type { EmulatorClock } from '../../lib/emulators/shared/clock';
import type { TemporaryCredentials } from '../../lib/emulators/shared/credentials';

export interface Grant {
  readonly action: string;
  readonly resource: string;
}

interface Role {
  trusts: Set<string>;
  grants: Grant[];
}

export interface FakeAccountOptions {
  readonly accountId: string;
  readonly owner: TemporaryCredentials;
  readonly clock: EmulatorClock;
  /** STS session length (default one hour). */
  readonly sessionMs?: number;
  /** Told about every STS key minted (emulators that take key lists add it). */
  readonly onKeyIssued?: (key: TemporaryCredentials) => void;
}

export class FakeAccount implements CloudAccount {
  readonly roles = new Map<string, Role>();
  readonly activated = new Set<string>(['eventbridge']);
  readonly serviceLinkedRoles = new Set<string>(['AliyunServiceRoleForEventBridgeSendToFC']);
  private readonly users = new Map<string, { key: TemporaryCredentials; name: string; grants: Grant[] }>();
  private readonly issued = new Map<string, SigningKey & { expiresAtMs: number }>();
  /** Every role assumption asked for: role name and service. */
  readonly assumptions: { role: string; service: string }[] = [];

  constructor(private readonly options: FakeAccountOptions) {}

  get accountId(): string {
    return this.options.accountId;
  }

  roleArn(name: string): string {
    return `acs:ram::${this.accountId}:role/${name.toLowerCase()}`;
  }

  /** A role trusting `services`, holding `grants`; answers its ARN. */
  addRole(name: string, services: string[], grants: Grant[] = []): string {
    this.roles.set(name.toLowerCase(), { trusts: new Set(services), grants: [...grants] });
    return this.roleArn(name);
  }

  grant(role: string, grant: Grant): void {
    this.role(role).grants.push(grant);
  }

  revoke(role: string, action: string): void {
    const r = this.role(role);
    r.grants = r.grants.filter((g) => g.action !== action);
  }

  trust(role: string, service: string): void {
    this.role(role).trusts.add(service);
  }

  addUser(name: string, grants: Grant[] = []): TemporaryCredentials {
    const key = { accessKeyId: `LTAI${randomBytes(8).toString('hex')}`, accessKeySecret: randomBytes(16).toString('hex') };
    this.users.set(key.accessKeyId, { key, name, grants: [...grants] });
    return key;
  }

  grantUser(accessKeyId: string, grant: Grant): void {
    this.users.get(accessKeyId)!.grants.push(grant);
  }

  /** Ends an STS key's life now, as its expiry would. */
  expire(accessKeyId: string): void {
    const key = this.issued.get(accessKeyId);
    if (key) key.expiresAtMs = 0;
  }

  key(accessKeyId: string, nowMs: number): SigningKey | 'expired' | undefined {
    if (accessKeyId === this.options.owner.accessKeyId) return { ...this.options.owner, principal: { kind: 'account', accountId: this.accountId } };
    const user = this.users.get(accessKeyId);
    if (user) return { ...user.key, principal: { kind: 'user', accountId: this.accountId, userName: user.name } };
    const key = this.issued.get(accessKeyId);
    if (!key) return undefined;
    return key.expiresAtMs <= nowMs ? 'expired' : key;
  }

  authorize(principal: Principal, request: AccessRequest): AccessDecision {
    if (principal.kind === 'account') return principal.accountId === this.accountId ? { allowed: true } : { allowed: false, explicit: false };
    const grants =
      principal.kind === 'user'
        ? ([...this.users.values()].find((u) => u.name === principal.userName)?.grants ?? [])
        : (this.roles.get(principal.roleName.toLowerCase())?.grants ?? []);
    const allowed = grants.some((g) => matches(g.action, request.action, true) && matches(g.resource, request.resource, false));
    return allowed ? { allowed: true } : { allowed: false, explicit: false };
  }

  assumeRoleForService(roleArn: string, service: string, sessionName: string, nowMs: number): SigningKey {
    const match = /^acs:ram::(\d+):role\/([\w.-]+)$/.exec(roleArn);
    if (!match || match[1] !== this.accountId) throw new RoleAssumptionError('InvalidParameter.RoleArn', `${roleArn} is not a role of ${this.accountId}`);
    const name = match[2]!.toLowerCase();
    this.assumptions.push({ role: name, service });
    const role = this.roles.get(name);
    if (!role) throw new RoleAssumptionError('EntityNotExist.Role', `The role not exists: ${roleArn}`);
    if (!role.trusts.has(service)) throw new RoleAssumptionError('NoPermission', `${service} is not trusted by ${roleArn}`);
    const key = {
      accessKeyId: `STS.${randomBytes(10).toString('hex')}`,
      accessKeySecret: randomBytes(16).toString('hex'),
      securityToken: randomBytes(32).toString('base64url'),
      principal: { kind: 'role', accountId: this.accountId, roleName: name, sessionName } as const,
      expiresAtMs: nowMs + (this.options.sessionMs ?? 3_600_000),
    };
    this.issued.set(key.accessKeyId, key);
    this.options.onKeyIssued?.({ accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret, securityToken: key.securityToken });
    return key;
  }

  hasServiceLinkedRole(roleName: string): boolean {
    return this.serviceLinkedRoles.has(roleName);
  }

  isActivated(service: string): boolean {
    return this.activated.has(service);
  }

  private role(name: string): Role {
    const r = this.roles.get(name.toLowerCase());
    if (!r) throw new Error(`no role ${name}`);
    return r;
  }
}

function matches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}
