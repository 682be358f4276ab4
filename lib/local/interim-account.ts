// The local stack's account until the RAM account (lib/emulators/ram, implementing CloudAccount with
// policies) is wired in: the owner's key, and STS keys minted when a cloud service assumes a role
// the RAM stand-in holds. It evaluates no policy (everything a known key asks is allowed), keeps
// EventBridge activated with its service-linked role, and tells the emulators that still take a
// list of keys about each STS key it mints, so a function's role credentials work there.
// Replace it with the RAM account: nothing else in the stack depends on more than CloudAccount.
import { randomBytes } from 'node:crypto';
import { type CloudAccount, RoleAssumptionError, type SigningKey } from '../emulators/shared/access';
import type { TemporaryCredentials } from '../emulators/shared/credentials';

/** STS's default session length (AssumeRole DurationSeconds default 3600). */
const SESSION_MS = 3_600_000;
const ROLE_ARN = /^acs:ram::(\d+):role\/([\w.-]{1,64})$/;

export interface InterimAccountOptions {
  readonly accountId: string;
  readonly owner: TemporaryCredentials;
  /** Whether the RAM stand-in holds a role of that name (case-insensitive, as RAM's are). */
  readonly roleExists: (name: string) => boolean;
  /** Told about every STS key minted (the emulators that take key lists add it). */
  readonly onKeyIssued?: (key: TemporaryCredentials) => void;
}

export class InterimAccount implements CloudAccount {
  private readonly issued = new Map<string, SigningKey & { readonly expiresAtMs: number }>();

  constructor(private readonly options: InterimAccountOptions) {}

  get accountId(): string {
    return this.options.accountId;
  }

  key(accessKeyId: string, nowMs: number): SigningKey | 'expired' | undefined {
    if (accessKeyId === this.options.owner.accessKeyId) return { ...this.options.owner, principal: { kind: 'account', accountId: this.accountId } };
    const key = this.issued.get(accessKeyId);
    if (!key) return undefined;
    return key.expiresAtMs <= nowMs ? 'expired' : key;
  }

  authorize(): { allowed: true } {
    return { allowed: true };
  }

  assumeRoleForService(roleArn: string, _service: string, sessionName: string, nowMs: number): SigningKey {
    const match = ROLE_ARN.exec(roleArn);
    if (!match || match[1] !== this.accountId)
      throw new RoleAssumptionError('InvalidParameter.RoleArn', `${roleArn} is not a role ARN of account ${this.accountId}`);
    if (!this.options.roleExists(match[2]!)) throw new RoleAssumptionError('EntityNotExist.Role', `The role not exists: ${roleArn}`);
    const key = {
      accessKeyId: `STS.${randomBytes(12).toString('hex')}`,
      accessKeySecret: randomBytes(24).toString('base64url'),
      securityToken: randomBytes(48).toString('base64url'),
      principal: { kind: 'role', accountId: this.accountId, roleName: match[2]!, sessionName } as const,
      expiresAtMs: nowMs + SESSION_MS,
    };
    this.issued.set(key.accessKeyId, key);
    this.options.onKeyIssued?.({ accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret, securityToken: key.securityToken });
    return key;
  }

  hasServiceLinkedRole(): boolean {
    return true;
  }

  isActivated(): boolean {
    return true;
  }
}
