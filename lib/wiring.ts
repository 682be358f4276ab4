// Builds the object graph a function needs from configuration and credentials, once per set of
// credentials: FC hands out temporary STS credentials that rotate, so a change rebuilds the graph
// and anything else reuses it across invocations (warm starts).
import { createApi, type ApiHandler } from './api/app';
import { type Clock, systemClock } from './clock';
import type { ThawConfig } from './config';
import { jsonLogger, type Logger } from './log';
import { AliOssObjectStore } from './oss/object-store';
import { CostPolicy } from './policy/cost-policy';
import { Coordinator } from './restore/coordinator';
import type { CounterStore, ObjectStore, StateStore } from './restore/ports';
import { DEFAULT_TIMING, type Timing } from './restore/timing';
import { MemoryCounterStore } from './store/memory';
import { TablestoreStateStore } from './store/tablestore';
import { TablestoreCounterStore } from './store/tablestore-counters';
import { requireTables } from './store/tables';

export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** The fields of an FC context we read. */
export interface FcContext {
  readonly requestId?: string;
  readonly credentials?: { accessKeyId?: string; accessKeySecret?: string; securityToken?: string };
  readonly function?: { readonly name?: string; readonly timeout?: number };
}

/** Credentials from the FC context (the function's role), else from the environment. */
export function credentialsFrom(context: FcContext | undefined, env: NodeJS.ProcessEnv = process.env): Credentials {
  const c = context?.credentials;
  if (c?.accessKeyId && c.accessKeySecret) {
    return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken || undefined };
  }
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId || !accessKeySecret) {
    throw new Error('No credentials: give the function a RAM role, or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET');
  }
  return { accessKeyId, accessKeySecret, securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined };
}

export interface Services {
  readonly config: ThawConfig;
  readonly store: StateStore;
  readonly counters: CounterStore;
  readonly objects: ObjectStore;
  readonly policy: CostPolicy;
  readonly coordinator: Coordinator;
  readonly timing: Timing;
  readonly clock: Clock;
  readonly log: Logger;
  readonly api: ApiHandler;
  /**
   * Resolves once the tables are known to exist (checked on first use, through the store's
   * retries); a failure is not cached, so the next invocation checks again. A missing table is a
   * TablesMissingError naming it: functions never create tables (thaw deploy does).
   */
  ready(): Promise<void>;
}

export interface ServiceOverrides {
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Waits between retries and their jitter (tests of faults spend no real seconds, and replay). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Replaces Tablestore (tests, single-process tools); the counters then live in memory too. */
  readonly store?: StateStore;
}

export function buildServices(config: ThawConfig, credentials: Credentials, overrides: ServiceOverrides = {}): Services {
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? jsonLogger({ level: config.logLevel });
  const retries = { sleep: overrides.sleep, random: overrides.random, clock };
  const tablestore = overrides.store ? undefined : new TablestoreStateStore({ ...config.tablestore, ...credentials, ...retries });
  const store: StateStore = overrides.store ?? tablestore!;
  const counters: CounterStore = overrides.store ? new MemoryCounterStore() : new TablestoreCounterStore({ ...config.tablestore, ...credentials, ...retries });
  const objects = new AliOssObjectStore({ ...config.oss, ...credentials });
  const policy = new CostPolicy(config.limits, counters);
  const timing: Timing = { ...DEFAULT_TIMING, timeScale: config.restore.timeScale };
  const coordinator = new Coordinator({
    store,
    objects,
    policy,
    clock,
    timing,
    log,
    sleep: overrides.sleep,
    random: overrides.random,
    settings: {
      defaultDays: config.restore.defaultDays,
      defaultTier: config.restore.defaultTier,
      leaseMs: config.restore.leaseMs,
      ossCallTimeoutMs: config.oss.timeoutMs,
    },
  });
  // Built on first use: only the HTTP function serves the API (and needs tokens configured).
  let api: ApiHandler | undefined;
  let tablesReady: Promise<void> | undefined;
  return {
    ready() {
      if (!tablestore) return Promise.resolve();
      tablesReady ??= requireTables(tablestore).catch((err: unknown) => {
        tablesReady = undefined;
        throw err;
      });
      return tablesReady;
    },
    config,
    store,
    counters,
    objects,
    policy,
    coordinator,
    timing,
    clock,
    log,
    get api() {
      api ??= createApi({
        coordinator,
        store,
        policy,
        auth: config.auth,
        timing,
        clock,
        log,
        counters,
        limits: config.limits,
        defaults: { days: config.restore.defaultDays, tier: config.restore.defaultTier },
      });
      return api;
    },
  };
}

/** Keeps one Services per credentials; rebuilds when FC rotates them. */
export function servicesCache(build: (credentials: Credentials) => Services): (credentials: Credentials) => Services {
  let key: string | undefined;
  let cached: Services | undefined;
  return (credentials) => {
    const next = `${credentials.accessKeyId}\n${credentials.securityToken ?? ''}`;
    if (!cached || key !== next) {
      cached = build(credentials);
      key = next;
    }
    return cached;
  };
}
