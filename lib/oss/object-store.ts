// ObjectStore over ali-oss: HEAD and RestoreObject, with every OSS answer mapped to our words.
// Branches on HTTP status + OSS Code, never on EC (Alibaba says EC values may change).
import type OSS from 'ali-oss';
import { AccessDeniedError, MalformedRequestError, TransientError } from '../restore/errors';
import { describeRef, type ObjectRef } from '../restore/object-ref';
import type { ObjectHead, ObjectRestoreStatus, ObjectStore, RestoreAnswer } from '../restore/ports';
import type { ClassRestoreParams } from '../restore/restore-request';
import { type ArchiveClass, isStorageClass } from '../restore/storage-class';
import { type OssCredentialSettings, ossClient } from './client';
import { parseRestoreHeader, UnparsableRestoreHeaderError } from './restore-header';

export interface OssSettings extends OssCredentialSettings {
  /** Per-request timeout in ms. */
  readonly timeoutMs?: number;
}

/** The fields of an ali-oss error we read (ali-oss attaches them to a plain Error). */
export interface OssError extends Error {
  status?: number;
  code?: string;
  requestId?: string;
}

export class AliOssObjectStore implements ObjectStore {
  // ali-oss binds a client to one bucket; useBucket() mutates shared state, so keep one per bucket.
  private readonly clients = new Map<string, OSS>();

  constructor(private readonly settings: OssSettings) {}

  async head(ref: ObjectRef): Promise<ObjectHead> {
    let headers: OssHeaders;
    try {
      const result = await this.client(ref.bucket).head(ref.key, versionOption(ref) as OSS.HeadObjectOptions);
      headers = (result.res as unknown as { headers: OssHeaders }).headers;
    } catch (err) {
      const e = err as OssError;
      if (e.status === 404) return { found: false };
      throw mapError(e, 'HeadObject', ref);
    }
    return headOf(headers, ref);
  }

  async restore(ref: ObjectRef, storageClass: ArchiveClass, params: ClassRestoreParams): Promise<RestoreAnswer> {
    // ali-oss sends JobParameters only when `type` is ColdArchive/DeepColdArchive (and Days
    // defaults to 2), so we always pass the object's real class and our own Days.
    const options: Record<string, unknown> = { type: storageClass, Days: params.days, ...versionOption(ref) };
    if (params.tier) options.JobParameters = params.tier;
    try {
      await this.client(ref.bucket).restore(ref.key, options as OSS.RequestOptions);
      return 'restoreStarted';
    } catch (err) {
      const answer = restoreAnswerOf(err as OssError);
      if (answer) return answer;
      throw mapError(err as OssError, 'RestoreObject', ref);
    }
  }

  private client(bucket: string): OSS {
    let client = this.clients.get(bucket);
    if (!client) {
      // We retry with our own backoff and deadline; the SDK must not add hidden retries.
      client = ossClient(this.settings, bucket, { timeoutMs: this.settings.timeoutMs ?? 10_000, retryMax: 0 });
      this.clients.set(bucket, client);
    }
    return client;
  }
}

type OssHeaders = Record<string, string | undefined>;

/** What a HEAD's headers say about the object; throws when they are not what OSS sends. */
export function headOf(headers: OssHeaders, ref: ObjectRef): ObjectHead {
  const storageClass = headers['x-oss-storage-class'] ?? 'Standard';
  if (!isStorageClass(storageClass)) {
    throw new MalformedRequestError(`HeadObject ${describeRef(ref)}: unknown x-oss-storage-class "${storageClass}"`);
  }
  let restore: ObjectRestoreStatus;
  try {
    restore = parseRestoreHeader(headers['x-oss-restore']);
  } catch (err) {
    if (err instanceof UnparsableRestoreHeaderError) throw new MalformedRequestError(`HeadObject ${describeRef(ref)}: ${err.message}`);
    throw err;
  }
  // The size feeds the size limit and the byte budget: an answer without a usable one is refused.
  const sizeBytes = Number(headers['content-length']);
  if (headers['content-length'] === undefined || !Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
    throw new MalformedRequestError(`HeadObject ${describeRef(ref)}: no usable Content-Length (${JSON.stringify(headers['content-length'] ?? null)})`);
  }
  // The version OSS resolved: a read without a versionId reads this one (sent once versioning was ever on).
  const versionId = headers['x-oss-version-id'] || undefined;
  return { found: true, storageClass, sizeBytes, restore, ...(versionId ? { versionId } : {}) };
}

/**
 * The answers to RestoreObject that ali-oss throws but that are answers, not failures. ali-oss
 * resolves only 202; a 200 ("already restored, period extended") arrives as an error.
 */
export function restoreAnswerOf(e: OssError): RestoreAnswer | undefined {
  if (e.status === 200) return 'restored';
  if (e.status === 409 && e.code === 'RestoreAlreadyInProgress') return 'restoring';
  if (e.status === 404) return 'notFound';
  if (e.status === 400 && e.code === 'OperationNotSupported') return 'notArchived';
  return undefined;
}

function versionOption(ref: ObjectRef): { versionId?: string } {
  return ref.versionId ? { versionId: ref.versionId } : {};
}

/** Everything that is not a definite answer: transient, our bug, or a configuration problem. */
export function mapError(e: OssError, operation: string, ref: ObjectRef): Error {
  const what = `${operation} ${describeRef(ref)}: ${e.status ?? '?'} ${e.code ?? e.name}${e.requestId ? ` (request ${e.requestId})` : ''}`;
  // ali-oss raises a response timeout without a status.
  if (e.name === 'ResponseTimeoutError' || e.name === 'ConnectionTimeoutError' || e.name === 'RequestError') {
    return new TransientError(what, { cause: e });
  }
  // No status at all: the SDK threw before any exchange (a bug or bad settings on our side).
  if (e.status === undefined) return new MalformedRequestError(`${what}: ${e.message}`, { cause: e });
  const status = e.status;
  // -1 network error, -2 timeout (ali-oss); 5xx; a 5xx or proxy body that is not XML has no code.
  if (status <= 0 || status >= 500 || status === 429 || e.code === 'RequestError' || e.code === 'ConnectionTimeoutError') {
    return new TransientError(what, { cause: e });
  }
  if (status === 401 || status === 403) return new AccessDeniedError(`${what}: check the credentials and the RAM policy`, { cause: e });
  // 400 MalformedXML / InvalidArgument and anything else unexpected: we sent something wrong.
  return new MalformedRequestError(what, { cause: e });
}
