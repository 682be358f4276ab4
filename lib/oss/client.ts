// An ali-oss client bound to one bucket, configured as every caller of ours needs it: the
// functions' ObjectStore (our own retries, so none in the SDK) and thaw restore's listing.
import OSS from 'ali-oss';
import { ossEndpoint } from './endpoint';

export interface OssCredentialSettings {
  /** e.g. https://oss-cn-hangzhou-internal.aliyuncs.com (a bare host is https), or http://127.0.0.1:PORT for the emulator. */
  readonly endpoint: string;
  readonly region?: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export function ossClient(settings: OssCredentialSettings, bucket: string, options: { timeoutMs: number; retryMax?: number }): OSS {
  return new OSS({
    // https unless the endpoint is this machine (ossEndpoint throws for plain http elsewhere).
    endpoint: ossEndpoint(settings.endpoint),
    // ali-oss treats an explicit `region: undefined` (or stsToken) as given and fails; omit them instead.
    ...(settings.region ? { region: settings.region } : {}),
    accessKeyId: settings.accessKeyId,
    accessKeySecret: settings.accessKeySecret,
    // With an STS token ali-oss warns, on every client it makes, that it cannot refresh it: the
    // functions make a new client for each set of credentials FC hands them (servicesCache in
    // lib/wiring.ts), so the client never needs to, and the interval (given, with no refresh
    // function to call) only quiets the warning that would fill every function log.
    ...(settings.securityToken ? { stsToken: settings.securityToken, refreshSTSTokenInterval: 300_000 } : {}),
    bucket,
    timeout: options.timeoutMs,
    ...(options.retryMax !== undefined ? { retryMax: options.retryMax } : {}),
  } as OSS.Options);
}
