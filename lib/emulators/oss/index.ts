// The OSS emulator's public surface: start it, seed it, read its stats, drive its clock.
import type { Server } from 'node:http';
import { type AccessControl, fullAccess } from '../shared/access';
import { systemClock, type EmulatorClock as Clock } from '../shared/clock';
import { warnIfExposed } from '../shared/control';
import { checkUserDefinedLogFields, type UserDefinedLogFields } from './access-log';
import type { StoredHeader } from './model';
import type { StorageClass } from './rules';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, type EmulatorFlags, type RunningEmulator } from '../shared/emulator';
import { FaultInjector, type FaultPlan } from '../shared/faults';
import { close, listen } from '../shared/http';
import type { OssAccessLogRecord } from './access-log';
import type { OssEventRecord } from './events';
import { isValidBucketName, isValidObjectKey } from './request';
import { createOssServer } from './server';
import { OssService, type OssStats } from './service';
import type { OssCredential } from './signature';

export type { OssAccessLogRecord } from './access-log';
export type { OssEventName, OssEventRecord } from './events';
export type { OssStats } from './service';
export type { OssCredential } from './signature';
export type { UserDefinedLogFields } from './access-log';
export { RestorePhase, restoreRequestXml } from './restore';
export { ARCHIVE_CLASSES, READS_NEEDING_RESTORE, RESTORE_RULES, STORAGE_CLASSES, TIERS, restoreDurationMs } from './rules';
export type { ArchiveClass, RestoreRule, StorageClass, Tier } from './rules';
export { localhostAgent, localhostEndpoint, loopbackLookup } from './localhost';

export const DEFAULT_REGION = 'oss-cn-hangzhou';
/** A fake 16-digit Alibaba Cloud account id. */
export const DEFAULT_OWNER_ID = '1000000000000001';
/** How often the system clock's ticker looks for finished restores and lapsed restored periods. */
const TICK_INTERVAL_MS = 50;

export interface OssEmulatorOptions {
  port?: number;
  host?: string;
  region?: string;
  /** Default: one pair, DEFAULT_ACCESS_KEY_ID / DEFAULT_ACCESS_KEY_SECRET, each the account owner (fullAccess). */
  credentials?: OssCredential[];
  /**
   * Who may sign and what each identity may do: the local cloud's RAM account. When given, it replaces
   * `credentials` for signing and every operation is authorized against it.
   */
  access?: AccessControl;
  /** Restore durations and restored periods are divided by this. */
  timeScale?: number;
  clock?: Clock;
  /**
   * Whether a 50 ms timer processes due restores by itself. Default: only when `clock` is not
   * given (the system clock); with a ManualClock call tick() after advancing it.
   */
  autoTick?: boolean;
  faults?: FaultPlan;
  ownerId?: string;
  onAccessLog?: (record: OssAccessLogRecord) => void;
  onEvent?: (event: OssEventRecord) => void;
}

export interface OssEmulator extends RunningEmulator {
  readonly region: string;
  readonly credentials: readonly OssCredential[];
  readonly faults: FaultInjector;
  createBucket(name: string, options?: { versioning?: boolean; storageClass?: StorageClass }): void;
  hasBucket(name: string): boolean;
  /** Writes an object as PutObject would (no event, no stats); returns the version id when versioned. */
  putObject(
    bucket: string,
    key: string,
    body: Buffer | string,
    options?: { storageClass?: StorageClass; contentType?: string; headers?: Partial<Record<StoredHeader, string>>; userMeta?: Record<string, string> },
  ): string | undefined;
  /**
   * PutUserDefinedLogFieldsConfig: request headers and query parameters the bucket's access-log
   * records carry in user_defined_log_fields (e.g. `x-oss-copy-source`, to see a copy's source).
   */
  configureUserDefinedLogFields(bucket: string, fields: UserDefinedLogFields | undefined): void;
  stats(): OssStats;
  resetStats(): void;
  /** Processes due transitions (restore completions, expiries) against the clock. */
  tick(): void;
}

export async function startOssEmulator(options: OssEmulatorOptions = {}): Promise<OssEmulator> {
  const timeScale = options.timeScale ?? 1;
  if (!(Number.isFinite(timeScale) && timeScale > 0)) throw new TypeError(`timeScale must be a positive number, got ${timeScale}`);
  const credentials = options.credentials ?? [{ accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET }];
  if (credentials.length === 0) throw new TypeError('the OSS emulator needs at least one credential');
  const clock = options.clock ?? systemClock;
  const region = options.region ?? DEFAULT_REGION;
  const ownerId = options.ownerId ?? DEFAULT_OWNER_ID;
  const service = new OssService(
    { region, ownerId, timeScale, clock, access: options.access ?? fullAccess(credentials, ownerId) },
    { onAccessLog: options.onAccessLog, onEvent: options.onEvent },
    new FaultInjector(options.faults),
  );
  const server: Server = createOssServer(service);
  const endpoint = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');

  // With the real clock, restores finish by themselves; with a ManualClock the test calls tick().
  const autoTick = options.autoTick ?? (options.clock === undefined || options.clock === systemClock);
  const ticker = autoTick ? setInterval(() => service.tick(), TICK_INTERVAL_MS) : undefined;
  ticker?.unref();

  const first = credentials[0]!;
  return {
    endpoint,
    region,
    credentials,
    faults: service.faults,
    describe: () => ({
      service: 'oss',
      endpoint,
      region,
      accessKeyId: first.accessKeyId,
      accessKeySecret: first.accessKeySecret,
    }),
    async close() {
      if (ticker) clearInterval(ticker);
      await close(server);
    },
    hasBucket: (name) => service.store.listBuckets().some((b) => b.name === name),
    createBucket(name, bucketOptions = {}) {
      if (!isValidBucketName(name)) throw new TypeError(`invalid OSS bucket name "${name}"`);
      const bucket = service.store.createBucket(name, clock.nowMs(), bucketOptions.storageClass);
      if (bucketOptions.versioning) bucket.versioning = 'Enabled';
    },
    putObject(bucketName, key, body, objectOptions = {}) {
      if (!isValidObjectKey(key)) throw new TypeError(`invalid OSS object key "${key}"`);
      const bucket = service.store.bucket(bucketName);
      const version = service.store.put(
        bucketName,
        key,
        {
          body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
          storageClass: objectOptions.storageClass ?? bucket.storageClass,
          contentType: objectOptions.contentType ?? 'application/octet-stream',
          storedHeaders: { ...objectOptions.headers },
          userMeta: { ...objectOptions.userMeta },
        },
        clock.nowMs(),
      );
      return bucket.versioning === undefined ? undefined : version.versionId;
    },
    configureUserDefinedLogFields(bucketName, fields) {
      service.store.bucket(bucketName);
      if (fields === undefined) service.logFields.delete(bucketName);
      else service.logFields.set(bucketName, checkUserDefinedLogFields(fields));
    },
    stats: () => service.stats(),
    resetStats: () => service.resetStats(),
    tick: () => service.tick(),
  };
}

/** `thaw emulator oss`: flags → options. lib/cli.ts prints describe() as the one line of JSON. */
export async function startFromFlags(flags: EmulatorFlags): Promise<RunningEmulator> {
  warnIfExposed('OSS', flags.host);
  return startOssEmulator({
    port: flags.port,
    host: flags.host,
    timeScale: flags.timeScale,
    region: flags.region,
    credentials:
      flags.accessKeyId !== undefined && flags.accessKeySecret !== undefined
        ? [{ accessKeyId: flags.accessKeyId, accessKeySecret: flags.accessKeySecret }]
        : undefined,
    faults: flags.seed === undefined ? undefined : { seed: flags.seed, rules: [] },
  });
}
