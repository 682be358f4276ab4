// Where a deploy goes and with which credentials: the FC 2.0 API through @alicloud/fc2, the FC 3.0
// API through @alicloud/fc20230330 (both on the account's FC endpoint), RAM through Alibaba's RAM
// SDK (@alicloud/ram, RPC API 2015-05-01). Endpoints default to the public ones of the region; the
// local stack announces its own.
import FC from '@alicloud/fc2';
import Ram from '@alicloud/ram';
import type { Credentials } from '../wiring';
import { Fc3Client } from './fc3-client';

export interface Target {
  readonly accountId: string;
  /** FC region, e.g. cn-hangzhou. */
  readonly region: string;
  /** Default: https://<account>.<region>.fc.aliyuncs.com */
  readonly fcEndpoint?: string;
  /** Default: https://ram.aliyuncs.com */
  readonly ramEndpoint?: string;
  /** Default: https://sts.<region>.aliyuncs.com */
  readonly stsEndpoint?: string;
  readonly credentials: Credentials;
}

export interface Clients {
  /** FC 2.0 (API 2016-08-15). */
  readonly fc: FC;
  /** FC 3.0 (API 2023-03-30). */
  readonly fc3: Fc3Client;
  readonly ram: Ram;
}

export function clientsFor(target: Target): Clients {
  const { accessKeyId, accessKeySecret, securityToken } = target.credentials;
  return {
    fc: new FC(target.accountId, {
      accessKeyID: accessKeyId,
      accessKeySecret,
      securityToken,
      region: target.region,
      // The SDK's own default endpoint is http://: the cloud is reached over TLS only.
      ...(target.fcEndpoint ? { endpoint: target.fcEndpoint } : { secure: true }),
      timeout: 120_000,
    }),
    fc3: new Fc3Client({ accountId: target.accountId, region: target.region, endpoint: target.fcEndpoint, credentials: target.credentials }),
    ram: new Ram({ accessKeyId, accessKeySecret, securityToken, endpoint: target.ramEndpoint ?? 'https://ram.aliyuncs.com', opts: { timeout: 30_000 } }),
  };
}

/** The error code an Alibaba SDK put on an error (FC: err.code; RAM: err.code). */
export function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Resolves to undefined when the SDK call failed with one of `codes` (e.g. a 404 for "not there"). */
export async function unless<T>(codes: readonly string[], call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (codes.includes(codeOf(err) ?? '')) return undefined;
    throw err;
  }
}

/** JSON with sorted keys, so two documents compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
