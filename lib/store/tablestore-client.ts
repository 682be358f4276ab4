// What the Tablestore adapters and the admin client share: the SDK client, calls with bounded retries through the one
// retry helper, and the mapping of OTS errors to our error family.
import TableStore from 'tablestore';
import { type Clock, sleep, systemClock } from '../clock';
import { AccessDeniedError, MalformedRequestError, TransientError } from '../restore/errors';
import { retry } from '../retry';
import type { Cell } from './tablestore-columns';

export interface TablestoreSettings {
  readonly endpoint: string;
  readonly instance: string;
  /** The records table; the counters table is `<table>_counters`, the due index `<table>_due`. */
  readonly table: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
  /** Attempts per call for transient faults (5xx, timeouts, network), the first included. */
  readonly maxAttempts?: number;
  /**
   * Attempts when the service says it is busy or throttling. It refused before doing anything,
   * so repeating is always safe; the SDK's own policy allows 20.
   */
  readonly busyAttempts?: number;
  readonly timeoutMs?: number;
  /** Waits between retries; injected so tests of busy faults do not spend real seconds. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1) for the retry jitter. */
  readonly random?: () => number;
  readonly clock?: Clock;
}

/** BatchGetRow takes at most 100 rows per request, BatchWriteRow 200. */
export const BATCH_GET_LIMIT = 100;
export const BATCH_WRITE_LIMIT = 200;

/** Backoff between attempts: 50–100 ms first, doubling, at most 2 s. */
const BACKOFF = { baseMs: 100, maxMs: 2_000 };

/** The fields of a tablestore SDK error we read: `code` is the HTTP status, `message` the raw body. */
export interface OtsError extends Error {
  code?: number | string;
}

/** One row of a BatchGetRow / BatchWriteRow answer. */
export interface BatchRow {
  isOk: boolean;
  errorCode?: string | null;
  errorMessage?: string | null;
  primaryKey: { name: string; value: unknown }[] | null;
  attributes: Cell[] | null;
}

export class OtsClient {
  readonly sdk: TableStore.Client;
  readonly maxAttempts: number;
  readonly busyAttempts: number;
  private readonly environment: { clock: Clock; sleep: (ms: number) => Promise<void>; random: () => number };

  /** `Sdk`: the SDK's client class, or one that encodes an operation the SDK lacks (tablestore-admin.ts). */
  constructor(settings: TablestoreSettings, Sdk: new (config: TableStore.ClientConfig) => TableStore.Client = TableStore.Client) {
    this.maxAttempts = settings.maxAttempts ?? 4;
    this.busyAttempts = settings.busyAttempts ?? 10;
    this.environment = { clock: settings.clock ?? systemClock, sleep: settings.sleep ?? sleep, random: settings.random ?? Math.random };
    this.sdk = new Sdk({
      endpoint: settings.endpoint,
      instancename: settings.instance,
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.accessKeySecret,
      stsToken: settings.securityToken,
      // The SDK's retry policy is process-global and retries only reads on 5xx; we retry
      // ourselves (below), knowing which calls are safe to repeat.
      maxRetries: 0,
      httpOptions: { timeout: settings.timeoutMs ?? 10_000 },
    });
  }

  /**
   * Runs an SDK call with bounded retries for transient faults. Writes pass `repeatable` only
   * when a repeat is safe: conditional writes are (the adapter checks its own landing), increments
   * are not. Busy answers are refused before execution, so any call may repeat them.
   */
  async call<T>(operation: string, table: string, fn: () => Promise<T>, options: { repeatable?: boolean } = {}): Promise<T> {
    const repeatable = options.repeatable ?? ['BatchGetRow', 'GetRange', 'GetRow', 'DescribeTable', 'ListTable'].includes(operation);
    try {
      return await retry(fn, {
        ...this.environment,
        policy: { ...BACKOFF, maxAttempts: this.maxAttempts },
        retryable: (err) => {
          const busy = isBusy(err as OtsError);
          if (!(mapError(err as OtsError, operation, table) instanceof TransientError) || !(repeatable || busy)) return false;
          return busy ? this.busyAttempts : true;
        },
      });
    } catch (err) {
      throw mapError(err as OtsError, operation, table);
    }
  }

  /**
   * Repeats `attempt` while it reports rows the service refused as busy or transiently failed
   * (a batch can fail row by row): `attempt` sends what is still pending and returns the rows to
   * try again; after the attempts run out the last error stands.
   */
  async untilRowsSettle(operation: string, table: string, attempt: () => Promise<number>, maxAttempts: number): Promise<void> {
    await retry(
      async () => {
        const pending = await attempt();
        if (pending > 0) throw new RowsPendingError(`${operation} ${table}: ${pending} row(s) still failing`);
      },
      { ...this.environment, policy: { ...BACKOFF, maxAttempts }, retryable: (err) => err instanceof RowsPendingError },
    );
  }
}

/** Some rows of a batch are still failing transiently; the batch goes on with just those. */
class RowsPendingError extends TransientError {}

/** The error of one failed row of a batch, mapped like a whole request's. */
export function rowError(row: BatchRow, operation: string, table: string): Error {
  return mapError(
    { name: 'OTSError', code: row.errorCode ?? 'OTSError', message: `${row.errorCode ?? ''} ${row.errorMessage ?? ''}` } as OtsError,
    operation,
    table,
  );
}

export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function') return (value as { toNumber(): number }).toNumber();
  return Number(value);
}

/** The service's message inside an SDK error, without the protobuf framing bytes. */
export function otsMessage(err: OtsError): string {
  return String(err.message ?? '')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/** The OTS error code inside an SDK error (the SDK keeps it in the raw message). */
export function otsCode(err: OtsError): string | undefined {
  const text = String(err.message ?? '');
  return /\b(OTS[A-Za-z]+)\b/.exec(text)?.[1];
}

export function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && otsCode(err as OtsError) === 'OTSConditionCheckFail';
}

/** Refused before execution: repeating is always safe. */
export const BUSY_CODES = new Set(['OTSServerBusy', 'OTSNotEnoughCapacityUnit', 'OTSOperationThrottled', 'OTSQuotaExhausted']);

export function isBusy(err: OtsError): boolean {
  const code = otsCode(err);
  return code !== undefined && BUSY_CODES.has(code);
}

export const TRANSIENT_CODES = new Set([
  ...BUSY_CODES,
  'OTSTimeout',
  'OTSInternalServerError',
  'OTSServerUnavailable',
  'OTSPartitionUnavailable',
  'OTSTableNotReady',
  'OTSRowOperationConflict',
]);

/** Condition failures pass through untouched (callers test them); the rest become our errors. */
export function mapError(err: OtsError, operation: string, table: string): Error {
  if (isConditionFailure(err)) return err;
  if (err instanceof TransientError || err instanceof AccessDeniedError || err instanceof MalformedRequestError) return err;
  const code = otsCode(err);
  const status = typeof err.code === 'number' ? err.code : Number(err.code);
  const what = `${operation} ${table}: ${code ?? err.code ?? err.name}`;
  if ((code && TRANSIENT_CODES.has(code)) || status >= 500 || !Number.isFinite(status) || err.name === 'NetworkingError' || err.code === 'NetworkingError') {
    return new TransientError(what, { cause: err });
  }
  if (code === 'OTSAuthFailed' || status === 401 || status === 403) {
    // The service's own words say which refusal it is: Tablestore answers a wrong key and an
    // instance's network ACL alike with OTSAuthFailed (403).
    const message = otsMessage(err);
    const hint = /instance ACL/i.test(message)
      ? "the instance's network ACL refuses this network"
      : 'check the credentials, the instance name and the RAM policy';
    return new AccessDeniedError(`${operation} ${table}: ${message || code || err.code}: ${hint}`, { cause: err });
  }
  // OTSParameterInvalid, OTSObjectNotExist (table missing), size limits: our bug or our setup.
  return new MalformedRequestError(`${operation} ${table}: ${otsMessage(err) || err.code}`, { cause: err });
}
