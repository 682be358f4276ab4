// What an operation handler receives and returns; no node:http here, so handlers are testable
// by calling them directly.
import type { EmulatorClock as Clock } from '../shared/clock';
import type { OssEventName } from './events';
import type { Bucket, ObjectVersion, OssStore } from './model';
import { restoreHeader } from './restore';
import type { QueryParams } from './request';
import type { AccessControl } from '../shared/access';
import type { HeaderBag } from './signature';
import { httpDate, xmlDocument } from './xml';

export interface OssConfig {
  readonly region: string;
  readonly ownerId: string;
  readonly timeScale: number;
  readonly clock: Clock;
  /** Who may sign and what each identity may do (the RAM account, or fullAccess for a standalone emulator). */
  readonly access: AccessControl;
}

export interface OssRequest {
  readonly requestId: string;
  readonly receivedAtMs: number;
  readonly method: string;
  /** As received: URL-encoded path and query. */
  readonly rawUrl: string;
  readonly rawPath: string;
  readonly query: QueryParams;
  /** Lower-case names, as node:http gives them. */
  readonly headers: HeaderBag;
  readonly clientIp: string;
  readonly body: Buffer;
}

export interface OssResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Facts a handler learns that the access log wants. */
export interface LogFacts {
  objectSize?: number;
  storageClass?: string;
  deltaDataSize?: number;
  restorePriority?: string;
}

export interface OperationContext {
  readonly req: OssRequest;
  readonly nowMs: number;
  readonly principalId: string;
  readonly facts: LogFacts;
  readonly store: OssStore;
  readonly config: OssConfig;
  /** Announces an OSS trigger event for a successful operation. */
  emit(eventName: OssEventName, version: ObjectVersion, deltaSize: number): void;
  /** The same for an event about an object that is not (yet) a stored version: multipart steps. */
  emitFor(eventName: OssEventName, object: EventObject): void;
}

/** What an event says about its object when there is no stored version to describe it. */
export interface EventObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
}

export function header(req: OssRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): OssResponse {
  return { status, headers };
}

export function xmlResponse(root: string, status = 200, headers: Record<string, string> = {}): OssResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/xml', ...headers },
    body: Buffer.from(`${xmlDocument(root)}\n`, 'utf8'),
  };
}

/** x-oss-version-id is sent once a bucket has had versioning switched on. */
export function versionHeaders(bucket: Bucket, version: ObjectVersion): Record<string, string> {
  return bucket.versioning === undefined ? {} : { 'x-oss-version-id': version.versionId };
}

/** Headers GET and HEAD share: ETag, Last-Modified, class, restore state, user metadata. */
export function objectHeaders(bucket: Bucket, version: ObjectVersion, nowMs: number): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': version.contentType,
    ETag: `"${version.etag}"`,
    'Last-Modified': httpDate(version.lastModifiedMs),
    'Accept-Ranges': 'bytes',
    'x-oss-object-type': version.objectType,
    'x-oss-storage-class': version.storageClass,
    ...versionHeaders(bucket, version),
  };
  for (const [name, value] of Object.entries(version.storedHeaders)) headers[name] = value;
  const restore = restoreHeader(version.restore, nowMs);
  if (restore !== undefined) headers['x-oss-restore'] = restore;
  for (const [name, value] of Object.entries(version.userMeta)) headers[`x-oss-meta-${name}`] = value;
  return headers;
}
