// STS credentials a cloud service holds for a role it acts with: FC for a service's role
// (fc.aliyuncs.com), OSS and Log Service for a trigger's invocationRole, each asking the account as
// that service. A role's credentials are reused until shortly before they expire, as FC does with
// the keys it hands a function ("valid for 36 hours", FC Node.js "Context"; how early FC renews
// them is unconfirmed: five minutes here).
import type { CloudAccount, SigningKey } from '../shared/access';
import type { EmulatorClock as Clock } from '../shared/clock';

const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

export class RoleCredentials {
  private readonly held = new Map<string, SigningKey>();

  constructor(
    private readonly account: CloudAccount,
    /** The service principal that assumes the roles, e.g. "fc.aliyuncs.com". */
    private readonly service: string,
    private readonly clock: Clock,
  ) {}

  /** Credentials of `roleArn` for this service; throws the account's RoleAssumptionError. */
  get(roleArn: string, sessionName: string): SigningKey {
    const now = this.clock.nowMs();
    const key = this.held.get(roleArn);
    if (key && (key.expiresAtMs === undefined || key.expiresAtMs - RENEW_BEFORE_EXPIRY_MS > now)) return key;
    this.held.delete(roleArn);
    const fresh = this.account.assumeRoleForService(roleArn, this.service, sessionName, now);
    this.held.set(roleArn, fresh);
    return fresh;
  }

  /** Whether the role's current credentials still allow `action` on `resource` (RAM decides). */
  allows(key: SigningKey, action: string, resource: string): boolean {
    return this.account.authorize(key.principal, { action, resource }).allowed;
  }
}
