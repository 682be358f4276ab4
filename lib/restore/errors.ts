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

/**
 * An error as a value: what crosses a layer, goes into a log line or is stored in a record
 * (`lastError`). The code is a field, never the head of the message, so nobody parses it back.
 */
export interface ErrorValue {
  /** Our literal code (ThawError.code); for anyone else's error its string `code`, else its name. */
  readonly code: string;
  readonly message: string;
  /** Whether the same call may succeed if tried again (ThawError.retryable; false for anyone else's error). */
  readonly retryable: boolean;
}

/** The longest message an ErrorValue keeps: it goes into logs and records, and SDK messages can be long. */
const MAX_MESSAGE_CHARS = 1000;

export function errorValue(err: unknown): ErrorValue {
  const message = (err instanceof Error ? err.message : String(err)).slice(0, MAX_MESSAGE_CHARS);
  if (err instanceof ThawError) return { code: err.code, message, retryable: err.retryable };
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Za-z][\w.]{0,63}$/.test(code)) return { code, message, retryable: false };
  return { code: err instanceof Error && err.name ? err.name : 'Error', message, retryable: false };
}

export function isRetryable(err: unknown): boolean {
  return err instanceof ThawError && err.retryable;
}

/**
 * A value from outside (a caller's body, a trigger event), as an error message may show it: a
 * string shortened and quoted, a number or boolean as itself (short by nature), anything else by
 * its kind only. Messages go back to callers and into logs, so an array or object is never echoed:
 * it could be as large (or as deeply nested) as a body allows. The one such describer: the API,
 * the storage events and the Log trigger events all use it.
 */
export function describeInput(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
