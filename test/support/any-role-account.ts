// An account for the deploy tests (test/support/deploy-target.ts): the owner's key, and STS keys
// minted for any role a cloud service assumes, whether or not RAM holds it, because those tests pass
// roles by --role that no test made. It evaluates no policy (a known key may do everything) and
// keeps EventBridge activated with its service-linked role. The FC emulator's own tests use
// FakeAccount; the local stack the RAM account (lib/emulators/ram).
import { randomBytes } from 'node:crypto';
import { type CloudAccount, RoleAssumptionError, type SigningKey } from '../../lib/emulators/shared/access';
import type { TemporaryCredentials } from '../../lib/emulators/shared/credentials';

/** STS's default session length (AssumeRole DurationSeconds default 3600). */
const SESSION_MS = 3_600_000;
const ROLE_ARN = /^acs:ram::(\d+):role\/([\w.-]{1,64})$/;

export interface AnyRoleAccountOptions {
  readonly accountId: string;
  readonly owner: TemporaryCredentials;
}

export class AnyRoleAccount implements CloudAccount {
  private readonly issued = new Map<string, SigningKey & { readonly expiresAtMs: number }>();

  constructor(private readonly options: AnyRoleAccountOptions) {}

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
    const key = {
      accessKeyId: `STS.${randomBytes(12).toString('hex')}`,
      accessKeySecret: randomBytes(24).toString('base64url'),
      securityToken: randomBytes(48).toString('base64url'),
      principal: { kind: 'role', accountId: this.accountId, roleName: match[2]!, sessionName } as const,
      expiresAtMs: nowMs + SESSION_MS,
    };
    this.issued.set(key.accessKeyId, key);
    return key;
  }

  hasServiceLinkedRole(): boolean {
    return true;
  }

  isActivated(): boolean {
    return true;
  }
}
