// A wire-level Tablestore emulator: the unmodified `tablestore` SDK talks to it as to the cloud
// (protobuf + PlainBuffer over signed HTTP). Routes: server.ts. Deliberate differences from the
// service: secondary indexes are updated synchronously (secondary-index.ts); wordings the
// service does not document are marked where they are produced.
import { type AccessControl, fullAccess } from '../shared/access';
import { systemClock, type EmulatorClock as Clock } from '../shared/clock';
import { warnIfExposed } from '../shared/control';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, type EmulatorFlags, type RunningEmulator } from '../shared/emulator';
import { FaultInjector, seededRandom, type FaultPlan } from '../shared/faults';
import { close, HeldConnections, listen } from '../shared/http';
import { DEFAULT_NETWORK_TYPE_ACL, Instance, NETWORK_TYPES, type NetworkType } from './instance';
import { SnapshotFile } from './persistence';
import { TablestoreStats, createTablestoreServer, type TablestoreStatsJson } from './server';
import type { Credential } from './signature';
import { checkInstanceName } from './validation';

export type { Credential } from './signature';
export type { TablestoreStatsJson } from './server';
export { OtsError, otsErrors } from './errors';
export { DEFAULT_NETWORK_TYPE_ACL, NETWORK_TYPES, type NetworkType } from './instance';

export interface TablestoreEmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** Instance name clients must send in x-ots-instancename (3–16 letters, digits, hyphens). */
  readonly instance?: string;
  /** Accepted keys; the first signs describe(). Defaults to the project's local dev key. */
  readonly credentials?: readonly Credential[];
  /** Time for data (cell versions, time_to_live). Defaults to the system clock. */
  readonly clock?: Clock;
  /** Wall clock the client's x-ots-date is checked against (15 min). Defaults to the system clock. */
  readonly wallClock?: Clock;
  readonly faults?: FaultPlan;
  /** Seed for fault plans posted without one, and for request ids. */
  readonly seed?: number;
  /** When set, state is loaded from and saved to a JSON snapshot in this directory. */
  readonly dataDir?: string;
  /** Who may sign and what each identity may do: the local cloud's RAM account; replaces `credentials`. */
  readonly access?: AccessControl;
  /** Named in RAM resources (acs:ots:<region>:<ownerId>:instance/…). */
  readonly region?: string;
  readonly ownerId?: string;
  /**
   * The instance's network ACL (NetworkTypeACL). Default: with an `access` (the local cloud), what a new
   * instance gets, VPC and CLASSIC but not INTERNET; standalone, all three, so clients on the public
   * endpoint keep working as before.
   */
  readonly networkTypeAcl?: readonly NetworkType[];
  /** Port of the VPC endpoint (the second listener; 0 picks one). */
  readonly vpcPort?: number;
}

/** GetInstance (Tablestore OpenAPI 2020-12-09) as far as the emulator models an instance. */
export interface InstanceDescription {
  readonly InstanceName: string;
  readonly RegionId: string;
  readonly UserId: string;
  readonly InstanceStatus: 'normal';
  readonly NetworkTypeACL: NetworkType[];
}

export interface RunningTablestoreEmulator extends RunningEmulator {
  readonly instance: string;
  /** The instance's VPC endpoint: requests arriving here come from the VPC network type. */
  readonly vpcEndpoint: string;
  /** GetInstance's answer (served in process: the 2020-12-09 control API is not on the wire). */
  describeInstance(): InstanceDescription;
  /** UpdateInstance NetworkTypeACL. */
  setNetworkTypeAcl(acl: readonly NetworkType[]): void;
  readonly faults: FaultInjector;
  stats(): TablestoreStatsJson;
  resetStats(): void;
}

function requestIds(seed: number): () => string {
  const random = seededRandom(seed ^ 0x5eed);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
}

export async function startTablestoreEmulator(options: TablestoreEmulatorOptions = {}): Promise<RunningTablestoreEmulator> {
  const instanceName = options.instance ?? 'thaw';
  try {
    checkInstanceName(instanceName);
  } catch {
    throw new TypeError(`a Tablestore instance name is 3–16 letters, digits or hyphens, starting with a letter: "${instanceName}"`);
  }
  const credentials = options.credentials ?? [{ accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET }];
  const first = credentials[0];
  if (!first) throw new TypeError('the tablestore emulator needs at least one credential');
  const seed = options.seed ?? options.faults?.seed ?? 1;
  const faults = new FaultInjector(options.faults ? { seed, ...options.faults } : undefined);
  const snapshot = options.dataDir ? new SnapshotFile(options.dataDir, instanceName) : undefined;
  const instance = snapshot?.load() ?? new Instance(instanceName);
  const stats = new TablestoreStats();

  const ownerId = options.ownerId ?? '1000000000000001';
  const region = options.region ?? 'cn-hangzhou';
  const setAcl = (acl: readonly NetworkType[]) => {
    for (const t of acl) if (!NETWORK_TYPES.includes(t)) throw new TypeError(`NetworkTypeACL entries are ${NETWORK_TYPES.join(', ')}; got "${t}"`);
    instance.networkTypeAcl = new Set(acl);
  };
  setAcl(options.networkTypeAcl ?? (options.access ? DEFAULT_NETWORK_TYPE_ACL : NETWORK_TYPES));
  const context = {
    instance,
    access: options.access ?? fullAccess(credentials, ownerId),
    region,
    ownerId,
    clock: options.clock ?? systemClock,
    wallClock: options.wallClock ?? systemClock,
    faults,
    defaultSeed: seed,
    stats,
    ...(snapshot ? { snapshot } : {}),
    nextRequestId: requestIds(seed),
    held: new HeldConnections(),
  };
  const server = createTablestoreServer(context, 'INTERNET');
  const vpcServer = createTablestoreServer(context, 'VPC');
  const endpoint = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const vpcEndpoint = await listen(vpcServer, options.vpcPort ?? 0, options.host ?? '127.0.0.1').catch(async (err: unknown) => {
    await close(server);
    throw err;
  });

  let closed = false;
  return {
    endpoint,
    vpcEndpoint,
    instance: instanceName,
    faults,
    describeInstance: () => ({
      InstanceName: instanceName,
      RegionId: region,
      UserId: ownerId,
      InstanceStatus: 'normal',
      NetworkTypeACL: [...instance.networkTypeAcl],
    }),
    setNetworkTypeAcl: setAcl,
    describe: () => ({
      service: 'tablestore',
      endpoint,
      instance: instanceName,
      accessKeyId: first.accessKeyId,
      accessKeySecret: first.accessKeySecret,
    }),
    stats: () => stats.toJSON(),
    resetStats: () => stats.reset(),
    close: async () => {
      if (closed) return;
      closed = true;
      await close(server);
      await close(vpcServer);
      snapshot?.saveNow(instance);
    },
  };
}

/** `thaw emulator tablestore [--port] [--host] [--instance] [--access-key-id/--access-key-secret] [--seed] [--data-dir]`. */
export function startFromFlags(flags: EmulatorFlags): Promise<RunningTablestoreEmulator> {
  warnIfExposed('Tablestore', flags.host);
  return startTablestoreEmulator({
    port: flags.port,
    host: flags.host,
    ...(flags.instance !== undefined ? { instance: flags.instance } : {}),
    ...(flags.accessKeyId !== undefined && flags.accessKeySecret !== undefined
      ? { credentials: [{ accessKeyId: flags.accessKeyId, accessKeySecret: flags.accessKeySecret }] }
      : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
  });
}
