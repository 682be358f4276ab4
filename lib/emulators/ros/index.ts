// The local Resource Orchestration Service: `startRosEmulator` serves the ROS API on loopback and
// makes stacks' resources in the local cloud through its APIs (RAM, FC, OSS, Tablestore, Log Service). It
// imports nothing from the product: its template engine is its own reading of ROS's documentation.
import type { Server } from 'node:http';
import { type EmulatorClock, systemClock } from '../shared/clock';
import { type AccessControl, fullAccess } from '../shared/access';
import type { TemporaryCredentials } from '../shared/credentials';
import type { RunningEmulator } from '../shared/emulator';
import { close, listen } from '../shared/http';
import { type EmulatorLog, silentEmulatorLog } from '../shared/log';
import type { CloudEndpoints } from './resources/handler';
import { rosApiServer } from './server';
import { StackStore } from './stacks';

export interface RosEmulatorOptions {
  /** The local account (RAM): callers' keys and what they may do. ROS acts in the local cloud with the caller's key. */
  readonly access?: AccessControl;
  /** Without `access`: these keys, each the account owner. */
  readonly keys?: readonly TemporaryCredentials[];
  readonly accountId: string;
  readonly region?: string;
  readonly endpoints: CloudEndpoints;
  readonly clock?: EmulatorClock;
  readonly log?: EmulatorLog;
  readonly port?: number;
}

export interface RosEmulator extends RunningEmulator {
  readonly store: StackStore;
  /** `endpoint` without the scheme, as the OpenAPI SDKs take it (with protocol: 'http'). */
  readonly host: string;
}

export async function startRosEmulator(options: RosEmulatorOptions): Promise<RosEmulator> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentEmulatorLog;
  const region = options.region ?? 'cn-hangzhou';
  const store = new StackStore({ accountId: options.accountId, region, endpoints: options.endpoints, clock, log });
  const access = options.access ?? fullAccess(options.keys ?? [], options.accountId);
  const server: Server = rosApiServer({ store, access, accountId: options.accountId, region, clock, log });
  const endpoint = await listen(server, options.port ?? 0);
  return {
    endpoint,
    host: endpoint.replace(/^http:\/\//, ''),
    store,
    describe: () => ({ endpoint, region, accountId: options.accountId }),
    async close() {
      await store.idle();
      await close(server);
    },
  };
}
