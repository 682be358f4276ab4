// Which FC endpoint, account and region a command talks to, and with whose credentials: the same
// flags and environment for `thaw deploy`, `destroy`, `doctor` and `invoke` (--endpoint /
// FC_ENDPOINT, --account-id / FC_ACCOUNT_ID, --region / ALIBABA_CLOUD_REGION, --ram-endpoint /
// RAM_ENDPOINT, --sts-endpoint / STS_ENDPOINT). Credentials come from Alibaba's default chain
// (credentials.ts); the account id, when not given, from STS GetCallerIdentity. Pointed at the local
// stack's FC API, the stack tells the rest itself (GET /-/stack): its account, region, RAM and STS
// stand-ins, data endpoints and parameter values.
import FC from '@alicloud/fc2';
import type { Target } from './clients';
import { codeOf, unless } from './clients';
import { callerIdentity, deployerCredentials } from './credentials';
import { ParameterError } from './errors';
import type { DeployerEndpoints } from './preflight';

export interface TargetFlags {
  endpoint?: string;
  'account-id'?: string;
  region?: string;
  'ram-endpoint'?: string;
  'sts-endpoint'?: string;
}

/** What the local stack answers on GET /-/stack. */
export interface LocalStackInfo {
  readonly accountId: string;
  readonly region: string;
  readonly ramEndpoint: string;
  readonly stsEndpoint?: string;
  readonly endpoints: Partial<DeployerEndpoints>;
  /** Template parameter values pointing at the local stack's own emulators. */
  readonly parameters: Record<string, string>;
}

export interface ResolvedTarget {
  readonly target: Target;
  /** Present when the endpoint is the local stack's FC API. */
  readonly local?: LocalStackInfo;
  /** Which link of the credentials chain answered. */
  readonly credentialsSource: string;
}

export async function resolveTarget(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedTarget> {
  const endpoint = flags.endpoint ?? env.FC_ENDPOINT;
  const credentials = await deployerCredentials();
  const local = endpoint && isLoopback(endpoint) ? await localStackInfo(endpoint, credentials) : undefined;
  const region = flags.region ?? env.ALIBABA_CLOUD_REGION ?? local?.region ?? 'cn-hangzhou';
  const stsEndpoint = flags['sts-endpoint'] ?? env.STS_ENDPOINT ?? local?.stsEndpoint;
  let accountId = flags['account-id'] ?? env.FC_ACCOUNT_ID ?? local?.accountId;
  if (!accountId) accountId = (await callerIdentity(credentials, stsEndpoint, region)).accountId;
  if (!/^\d{1,32}$/.test(accountId)) throw new ParameterError(`--account-id "${accountId}" is not an Alibaba Cloud account id (digits)`);
  return {
    target: {
      accountId,
      region,
      fcEndpoint: endpoint,
      ramEndpoint: flags['ram-endpoint'] ?? env.RAM_ENDPOINT ?? local?.ramEndpoint,
      stsEndpoint,
      credentials,
    },
    local,
    credentialsSource: credentials.source,
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

/** GET /-/stack on the local FC API, signed as every FC request is. */
async function localStackInfo(endpoint: string, credentials: { accessKeyId: string; accessKeySecret: string }): Promise<LocalStackInfo | undefined> {
  try {
    const path = '/-/stack';
    const headers: Record<string, string> = { date: new Date().toUTCString(), 'content-type': 'application/json' };
    // The local FC API checks this route's signature as FC's: over the path under /2016-08-15.
    headers.authorization = FC.getSignature(credentials.accessKeyId, credentials.accessKeySecret, 'GET', `/2016-08-15${path}`, headers);
    const res = await fetch(`${endpoint.replace(/\/+$/, '')}${path}`, { headers, signal: AbortSignal.timeout(5_000) });
    return res.ok ? ((await res.json()) as LocalStackInfo) : undefined;
  } catch {
    // Not the local stack (or not up): treated as any FC endpoint.
    return undefined;
  }
}

/**
 * The deployed service of a stack's function: thaw deploy and thaw package name it <stack>-<service
 * logical id> (one service per function); the previous release put every function in <stack>.
 */
export async function findService(fc: FC, stack: string, functionName: string): Promise<string> {
  const candidates = [`${stack}-${functionName}`, `${stack}-api`, stack];
  for (const service of candidates) {
    if (await unless(['ServiceNotFound', 'FunctionNotFound'], () => fc.getFunction(service, functionName))) return service;
  }
  let services: { serviceName?: unknown }[] = [];
  try {
    services = (await fc.listServices({ prefix: `${stack}-`, limit: 100 })).data.services ?? [];
  } catch (err) {
    if (codeOf(err) !== 'AccessDenied') throw err;
  }
  for (const s of services) {
    const service = String(s.serviceName);
    if (await unless(['ServiceNotFound', 'FunctionNotFound'], () => fc.getFunction(service, functionName))) return service;
  }
  throw new ParameterError(`no function ${functionName} in a service of stack ${stack} (${candidates.join(', ')}, ${stack}-*): pass --service`);
}
