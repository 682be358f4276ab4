// The local Function Compute on loopback, as the stack assembles it but with a FakeAccount a test
// can change: the FC 2.0 API (with each HTTP trigger at /2016-08-15/proxy/…), the custom-domain
// listener, the runtime with child-process instances, trigger wiring to an OSS and a Log Service
// emulator (both asking the same account), and function logs written to Log Service with the
// service role. Tests drive it with
// @alicloud/fc2, ali-oss and the Log Service wire.
import FC from '@alicloud/fc2';
import { zipSync } from 'fflate';
import { fcApiServer } from '../../lib/emulators/fc/fc2-api';
import { FunctionLogs } from '../../lib/emulators/fc/function-logs';
import { customDomainServer } from '../../lib/emulators/fc/http-trigger';
import { FunctionComputeModel } from '../../lib/emulators/fc/model';
import { RoleCredentials } from '../../lib/emulators/fc/role-credentials';
import { LocalRuntime } from '../../lib/emulators/fc/runtime';
import { TriggerWiring } from '../../lib/emulators/fc/triggers';
import { DEFAULT_OWNER_ID, type OssEmulator, startOssEmulator } from '../../lib/emulators/oss';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../../lib/emulators/shared/emulator';
import { close, listen } from '../../lib/emulators/shared/http';
import { type SlsEmulator, startSlsEmulator } from '../../lib/emulators/sls';
import { LogStoreReader, type PulledLog } from '../../lib/sls/index';
import { FakeAccount } from './fake-account';

export const REGION = 'cn-hangzhou';
export const OWNER = { accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET };

/** The wall clock moved by `offsetMs`: what a test advances to make STS keys age. */
export class OffsetClock {
  offsetMs = 0;
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }
}

export interface Warning {
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

type Body = Record<string, unknown>;
type Answer = Promise<{ headers: Record<string, string | undefined>; data: unknown }>;

/** @alicloud/fc2 2.6.6 with the calls lib/deploy's typings leave out (it ships no types). */
export type FcClient = FC & {
  getFunctionCode(service: string, fn: string): Answer;
  createCustomDomain(domainName: string, options?: Body): Answer;
  getCustomDomain(domainName: string): Answer;
  listCustomDomains(options?: Body): Answer;
  updateCustomDomain(domainName: string, options?: Body): Answer;
  deleteCustomDomain(domainName: string): Answer;
};

export interface LocalFc {
  readonly endpoint: string;
  readonly domainEndpoint: string;
  readonly account: FakeAccount;
  readonly clock: OffsetClock;
  readonly model: FunctionComputeModel;
  readonly oss: OssEmulator;
  readonly sls: SlsEmulator;
  readonly wiring: TriggerWiring;
  readonly functionLogs: FunctionLogs;
  /** Every line an instance printed, as echoed to stderr. */
  readonly lines: string[];
  readonly warnings: Warning[];
  /** @alicloud/fc2 against this FC, with the owner's key unless told otherwise. */
  client(credentials?: { accessKeyId: string; accessKeySecret: string; securityToken?: string }): FcClient;
  close(): Promise<void>;
}

/** A code zip holding index.js with `source`. */
export function codeOf(source: string): { zipFile: string } {
  return { zipFile: Buffer.from(zipSync({ 'index.js': new TextEncoder().encode(source) }, { mtime: new Date(Date.UTC(2020, 0, 1)) })).toString('base64') };
}

export async function startLocalFc(options: { logIntervalMs?: number } = {}): Promise<LocalFc> {
  const clock = new OffsetClock();
  const account = new FakeAccount({ accountId: DEFAULT_OWNER_ID, owner: OWNER, clock });
  // Log Service and OSS ask the same account, so a role's grants decide there too.
  const sls = await startSlsEmulator({ access: account, ownerId: DEFAULT_OWNER_ID });
  let wiring: TriggerWiring | undefined;
  const oss = await startOssEmulator({ access: account, ownerId: DEFAULT_OWNER_ID, onEvent: (e) => wiring?.ossEvent(e) });
  const lines: string[] = [];
  const warnings: Warning[] = [];
  const log = {
    warn: (message: string, fields?: Record<string, unknown>) => void warnings.push({ message, fields }),
    error: (message: string, fields?: Record<string, unknown>) => void warnings.push({ message, fields }),
  };
  const scope = { region: REGION, accountId: DEFAULT_OWNER_ID };
  const model = new FunctionComputeModel(clock, scope);
  const serviceOf = (name: string) => model.listServices().find((s) => s.serviceName === name);
  const roles = new RoleCredentials(account, 'fc.aliyuncs.com', clock);
  const functionLogs = new FunctionLogs({ endpoint: sls.endpoint, serviceOf, roles, log, clock, flushIntervalMs: 50 });
  const runtime = new LocalRuntime({ accountId: DEFAULT_OWNER_ID, region: REGION, serviceOf, roles, logs: functionLogs, log, echo: (l) => lines.push(l) });
  wiring = new TriggerWiring({ runtime, slsEndpoint: sls.endpoint, account, scope, clock, log, timeScale: 1, logIntervalMs: options.logIntervalMs ?? 100 });
  const triggers = wiring;
  let changes: Promise<void> = Promise.resolve();
  model.onChange((change) => {
    const code = change.kind === 'function' ? runtime.deploy(change.service, change.function, change.code) : undefined;
    changes = changes
      .then(async () => {
        if (change.kind === 'function') await code;
        else if (change.kind === 'function-deleted') runtime.remove(change.service, change.function);
        else if (change.kind === 'trigger') await triggers.apply(change.service, change.function, change.trigger);
        else await triggers.remove(change.service, change.function, change.trigger);
      })
      .catch((error: unknown) => log.error('the local runtime could not take a change', { error }));
  });
  const api = fcApiServer({ model, invoker: runtime, account, scope, log, stats: () => ({ triggers: triggers.stats(), functionLogs: functionLogs.stats() }) });
  const endpoint = await listen(api);
  const domains = customDomainServer({ model, invoker: runtime, access: account, scope, clock, log });
  const domainEndpoint = await listen(domains);
  return {
    endpoint,
    domainEndpoint,
    account,
    clock,
    model,
    oss,
    sls,
    wiring: triggers,
    functionLogs,
    lines,
    warnings,
    client: (credentials = OWNER) =>
      new FC(DEFAULT_OWNER_ID, {
        accessKeyID: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        securityToken: credentials.securityToken,
        region: REGION,
        endpoint,
      }) as unknown as FcClient,
    async close() {
      await close(api);
      await close(domains);
      await triggers.close();
      await functionLogs.close();
      await runtime.close();
      await oss.close();
      await sls.close();
    },
  };
}

/** Every log of a logstore, read over Log Service's wire with the owner's key. */
export async function readLogstore(sls: SlsEmulator, project: string, logstore: string): Promise<PulledLog[]> {
  const reader = new LogStoreReader({ endpoint: sls.endpoint, project, logstore, ...OWNER });
  try {
    const logs: PulledLog[] = [];
    for (const { shardID } of await reader.listShards()) {
      for await (const log of reader.pullRange(shardID, await reader.getCursor(shardID, 'begin'), await reader.getCursor(shardID, 'end'))) logs.push(log);
    }
    return logs;
  } finally {
    reader.close();
  }
}

/** Polls `probe` until it answers something other than undefined (a bound on a hang, not a speed). */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, attempts = 200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}
