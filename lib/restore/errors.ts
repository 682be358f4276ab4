// Our errors: a flat family with a literal `code`. OSS and Tablestore codes stay inside the
// adapters; the HTTP edge maps these codes to statuses (lib/api), nothing else does.

export abstract class ThawError extends Error {
  abstract readonly code: string;
  /** True when the same call may succeed if tried again (throttling, 5xx, network). */
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A miss or request that names no valid object (bad bucket name, key, versionId, days, tier). */
export class InvalidInputError extends ThawError {
  readonly code = 'InvalidInput';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A dependency is unavailable for now (5xx, throttling, timeout, reset); retry with backoff. */
export class TransientError extends ThawError {
  readonly code = 'Transient';
  override readonly retryable = true;
}

/**
 * The cloud refused our credentials or permissions. Retrying will not help and hiding it would
 * leave misses silently unserved, so it is loud.
 */
export class AccessDeniedError extends ThawError {
  readonly code = 'AccessDenied';
}

/**
 * The service says our request was malformed (MalformedXML, InvalidArgument, a bad
 * Tablestore parameter). That is a bug in oss-thaw, never in the caller: loud.
 */
export class MalformedRequestError extends ThawError {
  readonly code = 'MalformedRequest';
}

/** A store answer we do not understand (e.g. a row whose columns are not a RestoreRecord). */
export class CorruptRecordError extends ThawError {
  readonly code = 'CorruptRecord';
}

/**
 * No OSS call may start unless it can finish inside its claim's lease and the invocation:
 * retryable later, by whoever holds the object then.
 */
export class DeadlineReachedError extends TransientError {}

export function isRetryable(err: unknown): boolean {
  return err instanceof ThawError && err.retryable;
}

/** A short, secret-free description of an error for records and logs. */
export function describeError(err: unknown): string {
  if (err instanceof ThawError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * A value from a caller, as an error message may show it: a string, shortened and quoted; anything
 * else by its kind only. Messages go back to callers and into logs, so nothing but strings is
 * echoed — an array or object could be as large (or as deeply nested) as a body allows.
 */
export function describeInput(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
