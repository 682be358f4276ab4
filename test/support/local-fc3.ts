// The local Function Compute with its FC 3.0 API on loopback, as the stack assembles it, with a
// FakeAccount a test can change: the FC endpoint (FC 2.0 and FC 3.0 APIs, FC 3.0 HTTP-trigger
// addresses), the custom-domain listener, the runtime with child-process instances, trigger wiring to
// an OSS and a Log Service emulator that ask the same account, and function logs written with each
// function's own role. Tests drive it with @alicloud/fc20230330 unmodified.
import FC3 from '@alicloud/fc20230330';
import { zipSync } from 'fflate';
import { fcApiServer } from '../../lib/emulators/fc/fc2-api';
import { Fc3Api } from '../../lib/emulators/fc/fc3-api';
import { Fc3Model } from '../../lib/emulators/fc/fc3-model';
import { FunctionLogs } from '../../lib/emulators/fc/function-logs';
import { customDomainServer } from '../../lib/emulators/fc/http-trigger';
import { FunctionComputeModel } from '../../lib/emulators/fc/model';
import { RoleCredentials } from '../../lib/emulators/fc/role-credentials';
import { LocalRuntime } from '../../lib/emulators/fc/runtime';
import { TriggerWiring } from '../../lib/emulators/fc/triggers';
import { DEFAULT_OWNER_ID, type OssEmulator, startOssEmulator } from '../../lib/emulators/oss';
import { close, listen } from '../../lib/emulators/shared/http';
import { type SlsEmulator, startSlsEmulator } from '../../lib/emulators/sls';
import { FakeAccount } from './fake-account';
import { OffsetClock, OWNER, REGION, type Warning } from './local-fc';

export { eventually, OWNER, REGION, readLogstore } from './local-fc';

export interface LocalFc3 {
  readonly endpoint: string;
  readonly domainEndpoint: string;
  readonly account: FakeAccount;
  readonly clock: OffsetClock;
  readonly model: Fc3Model;
  readonly api: Fc3Api;
  readonly oss: OssEmulator;
  readonly sls: SlsEmulator;
  readonly wiring: TriggerWiring;
  readonly lines: string[];
  readonly warnings: Warning[];
  /** @alicloud/fc20230330 against this FC, with the owner's key unless told otherwise. */
  client(credentials?: { accessKeyId: string; accessKeySecret: string; securityToken?: string }): FC3;
  close(): Promise<void>;
}

/** A code zip holding index.js with `source`, base64 as CreateFunction takes it. */
export function zipOf(source: string): string {
  return Buffer.from(zipSync({ 'index.js': new TextEncoder().encode(source) }, { mtime: new Date(Date.UTC(2020, 0, 1)) })).toString('base64');
}

export async function startLocalFc3(options: { logIntervalMs?: number } = {}): Promise<LocalFc3> {
  const clock = new OffsetClock();
  const account = new FakeAccount({ accountId: DEFAULT_OWNER_ID, owner: OWNER, clock });
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
  const fc2 = new FunctionComputeModel(clock, scope);
  const model = new Fc3Model(clock, scope, (name) => fc2.customDomainFor(name) !== undefined);
  const serviceOf = (name: string) => fc2.listServices().find((s) => s.serviceName === name);
  const fc3FunctionOf = (name: string) => model.findFunction(name);
  const roles = new RoleCredentials(account, 'fc.aliyuncs.com', clock);
  const functionLogs = new FunctionLogs({ endpoint: sls.endpoint, serviceOf, fc3FunctionOf, roles, log, clock, flushIntervalMs: 50 });
  const runtime = new LocalRuntime({
    accountId: DEFAULT_OWNER_ID,
    region: REGION,
    serviceOf,
    fc3FunctionOf,
    roles,
    logs: functionLogs,
    log,
    echo: (l) => lines.push(l),
  });
  wiring = new TriggerWiring({ runtime, slsEndpoint: sls.endpoint, account, scope, clock, log, timeScale: 1, logIntervalMs: options.logIntervalMs ?? 100 });
  const triggers = wiring;
  let changes: Promise<void> = Promise.resolve();
  model.onChange((change) => {
    const code = change.kind === 'function' ? runtime.deployFc3(change.function, change.code) : undefined;
    changes = changes
      .then(async () => {
        if (change.kind === 'function') await code;
        else if (change.kind === 'function-deleted') runtime.removeFc3(change.function);
        else if (change.kind === 'trigger') await triggers.applyFc3(change.function, change.trigger);
        else await triggers.removeFc3(change.function, change.trigger);
      })
      .catch((error: unknown) => log.error('the local runtime could not take a change', { error }));
  });
  const api = new Fc3Api({ model, invoker: runtime, account, scope, log, clock, ossEndpoint: oss.endpoint, asyncRetryDelayMs: () => 20 });
  const server = fcApiServer({ model: fc2, invoker: runtime, account, scope, log, fc3: api, stats: () => ({ triggers: triggers.stats(), fc3: api.stats() }) });
  const endpoint = await listen(server);
  const domains = customDomainServer({ model: fc2, invoker: runtime, access: account, scope, clock, log, fc3: api });
  const domainEndpoint = await listen(domains);
  return {
    endpoint,
    domainEndpoint,
    account,
    clock,
    model,
    api,
    oss,
    sls,
    wiring: triggers,
    lines,
    warnings,
    client: (credentials = OWNER) =>
      new FC3({
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        ...(credentials.securityToken ? { securityToken: credentials.securityToken } : {}),
        endpoint: endpoint.replace(/^http:\/\//, ''),
        protocol: 'http',
        regionId: REGION,
        readTimeout: 30_000,
      } as never),
    async close() {
      await close(server);
      await close(domains);
      await api.close();
      await triggers.close();
      await functionLogs.close();
      await runtime.close();
      await oss.close();
      await sls.close();
    },
  };
}
