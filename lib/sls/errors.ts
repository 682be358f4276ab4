// Errors raised by the Log Service client. A flat family: each has a literal `code` to branch on and,
// where it helps, the HTTP status and request id the service sent.

/**
 * The service answered with an error body `{"errorCode","errorMessage"}` (or a non-200 without one).
 * The code is a field; the message is the service's own, without the code in front of it.
 */
export class SlsServiceError extends Error {
  override readonly name = 'SlsServiceError';
  constructor(
    /** The service's errorCode, e.g. `InvalidCursor`, `SignatureNotMatch`, `ShardNotExist`. */
    readonly code: string,
    message: string,
    readonly status: number,
    readonly requestId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A 200 answer whose body could not be used: bad compression, wrong size, undecodable protobuf. */
export class SlsBadResponseError extends Error {
  override readonly name = 'SlsBadResponseError';
  readonly code = 'SlsBadResponse' as const;
  constructor(
    message: string,
    readonly requestId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The connection failed, reset or timed out before a full answer arrived. */
export class SlsNetworkError extends Error {
  override readonly name = 'SlsNetworkError';
  readonly code = 'SlsNetworkError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Every attempt of a retryable call failed; `cause` is the last failure. */
export class SlsRetriesExhaustedError extends Error {
  override readonly name = 'SlsRetriesExhaustedError';
  readonly code = 'SlsRetriesExhausted' as const;
  constructor(
    readonly operation: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    const code = (cause as { code?: unknown })?.code;
    super(`${operation} failed after ${attempts} attempts: ${typeof code === 'string' ? `${code} ` : ''}${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
  }
}

/** Status/code pairs that a later attempt can succeed on: server faults and read/write throttling. */
export function isRetryableSlsError(error: unknown): boolean {
  if (error instanceof SlsNetworkError || error instanceof SlsBadResponseError) return true;
  if (error instanceof SlsServiceError) {
    if (error.status >= 500 || error.status === 429) return true;
    return THROTTLING_CODES.has(error.code);
  }
  return false;
}

// Quota errors come back as 403 but clear up by themselves; the SDKs retry them too.
const THROTTLING_CODES = new Set([
  'ReadQuotaExceed',
  'ShardReadQuotaExceed',
  'WriteQuotaExceed',
  'ShardWriteQuotaExceed',
  'ExceedQuota',
  'ServerBusy',
  'RequestTimeout',
]);

/**
 * An answer larger than the reader may hold (the configured page limit): refused by its declared
 * size or while streaming, before it is buffered or decompressed. Not retryable as it is; a
 * PullLogs page is asked for again with fewer LogGroups (reader.ts). `headers` are the answer's.
 */
export class SlsResponseTooLargeError extends Error {
  override readonly name = 'SlsResponseTooLargeError';
  readonly code = 'SlsResponseTooLarge' as const;
  constructor(
    readonly limitBytes: number,
    /** What the answer declared or had sent when it was cut off. */
    readonly sizeBytes: number,
    readonly headers: Readonly<Record<string, string | string[] | undefined>>,
  ) {
    super(`the answer is ${sizeBytes} bytes or more, over the limit of ${limitBytes}`);
  }
}

/** The invocation's deadline left no room for another request; what is unread is left to a retry. */
export class SlsDeadlineError extends Error {
  override readonly name = 'SlsDeadlineError';
  readonly code = 'SlsDeadline' as const;
  constructor(readonly operation: string) {
    super(`${operation} not started: the deadline leaves no room for another request`);
  }
}
