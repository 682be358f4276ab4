// Who signed a request, and whether that identity may do what it asks: the local cloud's answer
// to LocalStack's IAM enforcement. Every emulator takes an AccessControl; the RAM emulator's
// account (lib/emulators/ram) implements it from the roles, users and policies deployed into it,
// and `fullAccess` keeps a standalone emulator open to the keys it was given.
//
// An emulator (1) looks the access key up, (2) checks the signature with its secret and the
// security token against the key's, then (3) asks `authorize` with the action and resource its
// service's RAM reference names for the operation, and refuses with the service's own answer.
import type { TemporaryCredentials } from './credentials';

/** The identity behind an access key. */
export type Principal =
  /** The account owner's key: every right in its account (RAM: "the Alibaba Cloud account"). */
  | { readonly kind: 'account'; readonly accountId: string }
  /** A RAM user's key: what its attached policies allow. */
  | { readonly kind: 'user'; readonly accountId: string; readonly userName: string }
  /** STS credentials of an assumed role: what the role's attached policies allow. */
  | { readonly kind: 'role'; readonly accountId: string; readonly roleName: string; readonly sessionName: string };

export interface SigningKey extends TemporaryCredentials {
  readonly principal: Principal;
  /** STS credentials expire (epoch ms); long-term keys do not. */
  readonly expiresAtMs?: number;
}

export interface AccessRequest {
  /** As the service's RAM reference names it: "oss:GetObject", "ots:PutRow", "log:GetCursorOrData". */
  readonly action: string;
  /** The ARN: "acs:oss:cn-hangzhou:123:bucket/key", "acs:ots:cn-hangzhou:123:instance/x/table/t". */
  readonly resource: string;
  /** Condition keys of the request (acs:SourceIp, acs:SecureTransport, …). */
  readonly context?: Readonly<Record<string, string>>;
}

export type AccessDecision =
  | { readonly allowed: true }
  /** `explicit`: a Deny statement matched; otherwise nothing allowed it (implicit deny). */
  | { readonly allowed: false; readonly explicit: boolean };

export interface AccessControl {
  /** The key with this id, `'expired'` for STS credentials past their expiry, or undefined when unknown. */
  key(accessKeyId: string, nowMs: number): SigningKey | 'expired' | undefined;
  authorize(principal: Principal, request: AccessRequest): AccessDecision;
}

/** Today's standalone emulators: the given keys, each the account owner with every right. */
export function fullAccess(keys: readonly TemporaryCredentials[], accountId: string): AccessControl {
  return {
    key(accessKeyId) {
      const k = keys.find((c) => c.accessKeyId === accessKeyId);
      return k ? { ...k, principal: { kind: 'account', accountId } } : undefined;
    },
    authorize: () => ({ allowed: true }),
  };
}

/**
 * What the cloud's own services get from the account: FC running a function with its service role,
 * OSS and Log Service invoking a function with a trigger's role, EventBridge through its
 * service-linked role. Implemented by the RAM emulator's account.
 */
export interface CloudAccount extends AccessControl {
  readonly accountId: string;
  /**
   * STS credentials for a cloud service acting with a role (e.g. "fc.aliyuncs.com" with a function's
   * service role). Throws a RoleAssumptionError when the role does not exist or its trust policy does
   * not name that service.
   */
  assumeRoleForService(roleArn: string, service: string, sessionName: string, nowMs: number): SigningKey;
  /** Whether a service-linked role exists, e.g. "AliyunServiceRoleForEventBridgeSendToFC". */
  hasServiceLinkedRole(roleName: string): boolean;
  /** Whether the account has activated a cloud service that must be turned on first ("eventbridge"). */
  isActivated(service: string): boolean;
}

/** A role a service could not assume: the code says why, as STS would. */
export class RoleAssumptionError extends Error {
  constructor(
    readonly code: 'EntityNotExist.Role' | 'NoPermission' | 'InvalidParameter.RoleArn',
    message: string,
  ) {
    super(message);
    this.name = 'RoleAssumptionError';
  }
}
