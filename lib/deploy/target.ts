// Which FC endpoint, account and region a command talks to: the same flags and environment for
// `thaw deploy`, `thaw destroy` and `thaw invoke` (--endpoint / FC_ENDPOINT, --account-id /
// FC_ACCOUNT_ID, --region / ALIBABA_CLOUD_REGION), credentials from ALIBABA_CLOUD_ACCESS_KEY_ID /
// _SECRET / _SECURITY_TOKEN. Pointed at the local stack's FC API, the stack tells the rest itself
// (GET /-/stack): its account, region, RAM stand-in, data endpoints and parameter values.
import FC from '@alicloud/fc2';
import { type Credentials, credentialsFrom } from '../wiring';
import type { Target } from './clients';
import { codeOf, unless } from './clients';
import { ParameterError } from './errors';
import type { DeployerEndpoints } from './prerequisites';

export interface TargetFlags {
  endpoint?: string;
  'account-id'?: string;
  region?: string;
  'ram-endpoint'?: string;
}

/** What the local stack answers on GET /-/stack. */
export interface LocalStackInfo {
  readonly accountId: string;
  readonly region: string;
  readonly ramEndpoint: string;
  readonly endpoints: DeployerEndpoints;
  /** Template parameter values pointing at the local stack's own emulators. */
  readonly parameters: Record<string, string>;
}

export interface ResolvedTarget {
  readonly target: Target;
  /** Present when the endpoint is the local stack's FC API. */
  readonly local?: LocalStackInfo;
}

export async function resolveTarget(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedTarget> {
  const endpoint = flags.endpoint ?? env.FC_ENDPOINT;
  const credentials = credentialsFrom(undefined, env);
  const local = endpoint && isLoopback(endpoint) ? await localStackInfo(endpoint, credentials) : undefined;
  const accountId = flags['account-id'] ?? env.FC_ACCOUNT_ID ?? local?.accountId;
  if (!accountId) throw new ParameterError('--account-id (or FC_ACCOUNT_ID) is required: the Alibaba Cloud account (uid) to deploy into');
  const region = flags.region ?? env.ALIBABA_CLOUD_REGION ?? local?.region ?? 'cn-hangzhou';
  return {
    target: {
      accountId,
      region,
      fcEndpoint: endpoint,
      ramEndpoint: flags['ram-endpoint'] ?? env.RAM_ENDPOINT ?? local?.ramEndpoint,
      credentials,
    },
    local,
  };
}

function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
  } catch {
    return false;
  }
}

async function localStackInfo(endpoint: string, credentials: Credentials): Promise<LocalStackInfo | undefined> {
  try {
    // The local FC API answers only its owner's signed request (FC's signature over the path).
    const headers: Record<string, string> = { date: new Date().toUTCString() };
    if (credentials.securityToken) headers['x-fc-security-token'] = credentials.securityToken;
    headers.authorization = FC.getSignature(credentials.accessKeyId, credentials.accessKeySecret, 'GET', '/-/stack', headers);
    const res = await fetch(`${endpoint.replace(/\/+$/, '')}/-/stack`, { headers, signal: AbortSignal.timeout(5_000) });
    return res.ok ? ((await res.json()) as LocalStackInfo) : undefined;
  } catch {
    // Not the local stack (or not up): treated as any FC endpoint.
    return undefined;
  }
}

/**
 * The deployed service of a stack: `thaw deploy` names it after the stack; ROS names it
 * <stack>-<LogicalId>-<hash>, found by prefix.
 */
export async function findService(fc: FC, stack: string, logicalId = 'oss-thaw'): Promise<string> {
  if (await unless(['ServiceNotFound'], () => fc.getService(stack))) return stack;
  let services: { serviceName?: unknown }[] = [];
  try {
    services = (await fc.listServices({ prefix: `${stack}-${logicalId}-`, limit: 100 })).data.services ?? [];
  } catch (err) {
    if (codeOf(err) !== 'AccessDenied') throw err;
  }
  const names = services.map((s) => String(s.serviceName));
  if (names.length === 1) return names[0]!;
  throw new ParameterError(
    names.length === 0
      ? `no service "${stack}" (thaw deploy) or "${stack}-${logicalId}-*" (a ROS stack named ${stack}); pass --service`
      : `several services match stack ${stack}: ${names.join(', ')}; pass --service`,
  );
}
