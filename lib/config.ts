// Configuration is read once from the environment into a typed, frozen object. Every problem
// names the variable, so a misconfigured deployment fails at cold start with a clear message.
import { type AuthSettings, legacyTokens } from './api/auth';
import { type ConfiguredToken, parseConfiguredTokens } from './api/tokens';
import type { LogLevel } from './log';
import { type AllowList, parseAllowList } from './policy/allow-list';
import { ossEndpoint } from './oss/endpoint';
import { type CostLimits, DEFAULT_LIMITS } from './policy/cost-policy';
import { isTier, type Tier } from './restore/storage-class';

export class ConfigError extends Error {
  readonly code = 'ConfigInvalid';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface ThawConfig {
  readonly oss: {
    readonly endpoint: string;
    readonly region?: string;
    readonly timeoutMs: number;
  };
  readonly tablestore: {
    readonly endpoint: string;
    readonly instance: string;
    readonly table: string;
    /** Per Tablestore request. */
    readonly timeoutMs: number;
  };
  /**
   * Which Log trigger events and records the access-log function trusts: the event must name this
   * project and logstore, and only records whose requester signed in restore anything unless
   * anonymous is set (a public-read bucket's anonymous readers).
   */
  readonly accessLog: {
    readonly project?: string;
    readonly logstore?: string;
    readonly anonymous: boolean;
  };
  /** Where the access-log function may pull from, and how much it may hold at once. */
  readonly sls: {
    /** The function's region (FC_REGION): a Log trigger event may name its public or VPC endpoint. */
    readonly region?: string;
    /** One more endpoint a Log trigger event may name (THAW_SLS_ENDPOINT), e.g. a local emulator's. */
    readonly endpoint?: string;
    /** Largest PullLogs page, compressed or decompressed, that is read into memory. */
    readonly maxPageBytes: number;
  };
  readonly restore: {
    readonly defaultDays: number;
    readonly defaultTier: Tier;
    readonly leaseMs: number;
    /** Divides nominal restore durations; only the local stack sets it. */
    readonly timeScale: number;
  };
  readonly sweep: {
    /** Due records re-driven per sweeper run. */
    readonly limit: number;
  };
  readonly limits: CostLimits;
  readonly auth: AuthSettings;
  readonly logLevel: LogLevel;
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env = process.env): ThawConfig {
  const read = reader(env);
  const config: ThawConfig = {
    oss: {
      endpoint: read.ossEndpoint('THAW_OSS_ENDPOINT'),
      region: read.string('THAW_OSS_REGION') || undefined,
      timeoutMs: read.integer('THAW_OSS_TIMEOUT_MS', { default: 10_000, min: 100, max: 120_000 }),
    },
    tablestore: {
      endpoint: read.string('THAW_TABLESTORE_ENDPOINT', { required: true }),
      instance: read.string('THAW_TABLESTORE_INSTANCE', { required: true }),
      table: read.string('THAW_TABLE', { default: 'thaw_restores', pattern: /^[A-Za-z_][A-Za-z0-9_]{0,254}$/ }),
      timeoutMs: read.integer('THAW_TABLESTORE_TIMEOUT_MS', { default: 10_000, min: 100, max: 120_000 }),
    },
    accessLog: {
      project: read.string('THAW_ACCESS_LOG_PROJECT', { pattern: /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/ }) || undefined,
      logstore: read.string('THAW_ACCESS_LOG_LOGSTORE', { pattern: /^[a-z0-9][a-z0-9_-]{0,61}[a-z0-9]$/ }) || undefined,
      anonymous: read.boolean('THAW_ACCESS_LOG_ANONYMOUS', false),
    },
    sls: {
      // Set by Function Compute in every instance; a Log trigger fires functions of its own region.
      region: read.string('FC_REGION', { pattern: /^[a-z]{2}(-[a-z0-9]+)+$/ }) || undefined,
      endpoint: read.endpoint('THAW_SLS_ENDPOINT'),
      // A LogGroup is at most 5 MB (Log Service limits); a page of several is read in halves when
      // it exceeds the limit, so the floor leaves room for one whole group.
      maxPageBytes: read.integer('THAW_SLS_MAX_PAGE_BYTES', { default: 16 * 1024 * 1024, min: 8 * 1024 * 1024, max: 256 * 1024 * 1024 }),
    },
    restore: {
      defaultDays: read.integer('THAW_DEFAULT_DAYS', { default: 1, min: 1, max: 365 }),
      defaultTier: read.choice('THAW_DEFAULT_TIER', isTier, 'Expedited, Standard or Bulk', 'Standard'),
      leaseMs: read.integer('THAW_LEASE_SECONDS', { default: 60, min: 5, max: 3600 }) * 1000,
      timeScale: read.number('THAW_TIME_SCALE', { default: 1, min: 1, max: 1_000_000 }),
    },
    sweep: {
      limit: read.integer('THAW_SWEEP_LIMIT', { default: 500, min: 1, max: 100_000 }),
    },
    limits: {
      allow: read.allowList('THAW_ALLOW'),
      maxObjectBytes: read.integer('THAW_MAX_OBJECT_BYTES', { default: DEFAULT_LIMITS.maxObjectBytes, min: 0, max: Number.MAX_SAFE_INTEGER }),
      maxDays: read.integer('THAW_MAX_DAYS', { default: DEFAULT_LIMITS.maxDays, min: 1, max: 365 }),
      dailyRestores: read.integer('THAW_DAILY_RESTORES', { default: DEFAULT_LIMITS.dailyRestores, min: 0, max: 10_000_000 }),
      dailyBytes: read.integer('THAW_DAILY_BYTES', { default: DEFAULT_LIMITS.dailyBytes, min: 0, max: Number.MAX_SAFE_INTEGER }),
      dailyByteDays: read.integer('THAW_DAILY_BYTE_DAYS', { default: DEFAULT_LIMITS.dailyByteDays, min: 0, max: Number.MAX_SAFE_INTEGER }),
      dailyNewRecords: read.integer('THAW_DAILY_NEW_RECORDS', { default: DEFAULT_LIMITS.dailyNewRecords, min: 0, max: 100_000_000 }),
      maxTier: read.choice('THAW_MAX_TIER', isTier, 'Expedited, Standard or Bulk', DEFAULT_LIMITS.maxTier),
      // OSS guidance is about 500 restores/s per account and region; stay well below it.
      restoresPerSecond: read.integer('THAW_RESTORES_PER_SECOND', { default: DEFAULT_LIMITS.restoresPerSecond, min: 1, max: 450 }),
    },
    auth: read.auth(),
    logLevel: read.choice('THAW_LOG_LEVEL', (v): v is LogLevel => ['debug', 'info', 'warn', 'error'].includes(v), 'debug, info, warn or error', 'info'),
  };
  if (config.restore.defaultDays > config.limits.maxDays) {
    throw new ConfigError('THAW_DEFAULT_DAYS', `must be at most THAW_MAX_DAYS (${config.limits.maxDays}), got ${config.restore.defaultDays}`);
  }
  // A claim must outlast a HEAD and a RestoreObject that each take the whole OSS timeout.
  if (config.restore.leaseMs < 2 * config.oss.timeoutMs + 2_000) {
    throw new ConfigError(
      'THAW_LEASE_SECONDS',
      `must be at least ${Math.ceil((2 * config.oss.timeoutMs + 2_000) / 1000)} with THAW_OSS_TIMEOUT_MS=${config.oss.timeoutMs}`,
    );
  }
  return deepFreeze(config);
}

export function reader(env: Env) {
  const raw = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  return {
    string(name: string, opts: { required?: boolean; default?: string; pattern?: RegExp } = {}): string {
      const v = raw(name) ?? opts.default;
      if (v === undefined) {
        if (opts.required) throw new ConfigError(name, 'is required');
        return '';
      }
      if (opts.pattern && !opts.pattern.test(v)) throw new ConfigError(name, `"${v}" does not match ${opts.pattern}`);
      return v;
    },
    number(name: string, opts: { default: number; min: number; max: number }): number {
      const v = raw(name);
      if (v === undefined) return opts.default;
      const n = Number(v);
      if (!Number.isFinite(n) || n < opts.min || n > opts.max) {
        throw new ConfigError(name, `must be a number from ${opts.min} to ${opts.max}, got "${v}"`);
      }
      return n;
    },
    integer(name: string, opts: { default: number; min: number; max: number }): number {
      const v = raw(name);
      if (v === undefined) return opts.default;
      const n = Number(v);
      if (!Number.isInteger(n) || n < opts.min || n > opts.max) {
        throw new ConfigError(name, `must be an integer from ${opts.min} to ${opts.max}, got "${v}"`);
      }
      return n;
    },
    /** An http(s) URL or a bare host name, nothing after the host and port. */
    endpoint(name: string): string | undefined {
      const v = raw(name);
      if (v === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`);
      } catch {
        throw new ConfigError(name, `"${v}" is not a host name or an http(s) URL`);
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
        throw new ConfigError(name, `"${v}" must be an http(s) endpoint with nothing after the host and port`);
      }
      return v.replace(/\/+$/, '');
    },
    boolean(name: string, fallback: boolean): boolean {
      const v = raw(name)?.toLowerCase();
      if (v === undefined) return fallback;
      if (v === 'true' || v === '1' || v === 'yes') return true;
      if (v === 'false' || v === '0' || v === 'no') return false;
      throw new ConfigError(name, `must be true or false, got "${v}"`);
    },
    allowList(name: string): AllowList {
      const v = raw(name);
      if (v === undefined) throw new ConfigError(name, 'is required: a comma-separated list of bucket or bucket/prefix entries, or * for every bucket');
      try {
        return parseAllowList(v);
      } catch (err) {
        throw new ConfigError(name, (err as Error).message);
      }
    },
    /** A bare host means https; plain http only to this machine (lib/oss/endpoint.ts). */
    ossEndpoint(name: string): string {
      const v = this.string(name, { required: true });
      try {
        return ossEndpoint(v);
      } catch (err) {
        throw new ConfigError(name, (err as Error).message);
      }
    },
    auth(): AuthSettings {
      const anonymous = this.boolean('THAW_API_ANONYMOUS', false);
      let tokens: ConfiguredToken[];
      try {
        tokens = parseConfiguredTokens(raw('THAW_API_TOKENS') ?? '');
      } catch (err) {
        throw new ConfigError('THAW_API_TOKENS', (err as Error).message);
      }
      // The first release's form: digests only, every scope. Still read so a deployment keeps
      // working while it moves its tokens to THAW_API_TOKENS.
      const hashes = (raw('THAW_API_TOKEN_SHA256') ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
      for (const h of hashes) {
        if (!/^[0-9a-f]{64}$/.test(h))
          throw new ConfigError('THAW_API_TOKEN_SHA256', 'must be comma-separated SHA-256 hex digests (64 hex digits each) of the API tokens');
      }
      // No tokens: the API refuses every call but anonymous ones when allowed (closed by default);
      // functions without an HTTP trigger need no tokens at all. createApi logs it loudly.
      return { tokens: [...tokens, ...legacyTokens(hashes)], anonymous };
    },
    choice<T extends string>(name: string, is: (v: string) => v is T, expected: string, fallback: T): T {
      const v = raw(name);
      if (v === undefined) return fallback;
      if (!is(v)) throw new ConfigError(name, `must be ${expected}, got "${v}"`);
      return v;
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
