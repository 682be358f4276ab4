// The deployer's credentials and account, as Alibaba's own tools find them: the default chain of
// @alicloud/credentials (environment ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/_SECURITY_TOKEN → OIDC/RRSA
// (ALIBABA_CLOUD_ROLE_ARN, _OIDC_PROVIDER_ARN, _OIDC_TOKEN_FILE) → the aliyun CLI's
// ~/.aliyun/config.json → ~/.alibabacloud/credentials (ALIBABA_CLOUD_CREDENTIALS_FILE, profiles) →
// the ECS instance RAM role → ALIBABA_CLOUD_CREDENTIALS_URI), and the account id from STS
// GetCallerIdentity when it is not given. These are the deployer's, never a function's: the
// functions get theirs from FC (lib/wiring.ts).
import * as credentialsModule from '@alicloud/credentials';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as stsModule from '@alicloud/sts20150401';
import type { Credentials } from '../wiring';
import { CredentialsError, failureKind, NetworkError, reasonOf } from './errors';

/**
 * These SDKs are CommonJS with `exports.default = Client` (TypeScript's output); an ES import sees
 * the module object, whose `default` is the client (Node's CJS interop), or the client itself
 * (a bundler's). Either way, the class.
 */
function cjsDefault<T>(mod: unknown): T {
  const m = mod as { default?: { default?: unknown } };
  return (typeof m.default === 'function' ? m.default : (m.default?.default ?? m)) as T;
}
const Credential = cjsDefault<typeof credentialsModule.default>(credentialsModule);
const Sts = cjsDefault<typeof stsModule.default>(stsModule);

export interface DeployerCredentials extends Credentials {
  /** Which link of the chain gave them, e.g. "default/env" or "default/profile". */
  readonly source: string;
}

/** The first credentials the default chain finds; a CredentialsError naming where it looked when none. */
export async function deployerCredentials(): Promise<DeployerCredentials> {
  try {
    const found = await new Credential().getCredential();
    if (!found.accessKeyId || !found.accessKeySecret) throw new Error('the chain answered without an AccessKey');
    return {
      accessKeyId: found.accessKeyId,
      accessKeySecret: found.accessKeySecret,
      securityToken: found.securityToken || undefined,
      source: found.type ?? 'default',
    };
  } catch (err) {
    throw new CredentialsError(
      'no deployer credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure a profile ' +
        '(`aliyun configure`, or ~/.alibabacloud/credentials with ALIBABA_CLOUD_PROFILE), or run where an ECS RAM role, ' +
        `ALIBABA_CLOUD_CREDENTIALS_URI or OIDC (ALIBABA_CLOUD_ROLE_ARN + ALIBABA_CLOUD_OIDC_TOKEN_FILE) provides them (${reasonOf(err).slice(0, 200)})`,
      { cause: err },
    );
  }
}

export interface CallerIdentity {
  readonly accountId: string;
  readonly arn: string;
  /** "Account", "RAMUser" or "AssumedRoleUser". */
  readonly identityType: string;
}

/** STS GetCallerIdentity: who these credentials are, and in which account. Needs no permission. */
export async function callerIdentity(credentials: Credentials, endpoint: string | undefined, region: string): Promise<CallerIdentity> {
  const url = new URL(endpoint ?? `https://sts.${region}.aliyuncs.com`);
  const client = new Sts(
    new $OpenApiUtil.Config({
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      securityToken: credentials.securityToken,
      endpoint: url.host,
      protocol: url.protocol.replace(':', ''),
      regionId: region,
      readTimeout: 15_000,
      connectTimeout: 10_000,
    }),
  );
  try {
    const body = (await client.getCallerIdentity()).body;
    if (!body?.accountId) throw new Error('STS answered without an AccountId');
    return { accountId: body.accountId, arn: body.arn ?? '', identityType: body.identityType ?? '' };
  } catch (err) {
    const where = `STS at ${url.origin}`;
    if (failureKind(err) === 'network')
      throw new NetworkError(`${where} could not be reached (${reasonOf(err)}): check the network, or pass --account-id`, { cause: err });
    throw new CredentialsError(`${where} did not accept the deployer's credentials (${reasonOf(err)}): check the AccessKey, or pass --account-id`, {
      cause: err,
    });
  }
}
