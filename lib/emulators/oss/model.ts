// Buckets, objects and their versions, in memory. Versioning follows OSS: with versioning Enabled
// every write gets a new version id and DELETE adds a delete marker; Suspended writes the "null"
// version; a bucket that never had versioning keeps exactly one ("null") version per key.
import { createHash } from 'node:crypto';
import type { StorageClass } from './rules';
import { ossErrors } from './errors';
import type { RestoreState } from './restore';

export const NULL_VERSION_ID = 'null';

export type VersioningStatus = 'Enabled' | 'Suspended';

/** Who asked for a restore, kept so the FinishRestore event can name them. */
export interface RestoreOrigin {
  readonly requestId: string;
  readonly sourceIp: string;
  readonly principalId: string;
}

/**
 * Standard HTTP headers OSS stores with an object on PutObject, CopyObject (REPLACE) and
 * InitiateMultipartUpload, and returns on GetObject/HeadObject (PutObject API reference).
 */
export const STORED_HEADERS = ['Cache-Control', 'Content-Disposition', 'Content-Encoding', 'Content-Language', 'Expires'] as const;
export type StoredHeader = (typeof STORED_HEADERS)[number];

/** `Normal` for PutObject/CopyObject, `Multipart` for CompleteMultipartUpload (x-oss-object-type). */
export type ObjectType = 'Normal' | 'Multipart';

export interface ObjectVersion {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly deleteMarker: boolean;
  readonly body: Buffer;
  /** Upper-case hex MD5, without quotes. */
  readonly etag: string;
  readonly lastModifiedMs: number;
  readonly storageClass: StorageClass;
  readonly contentType: string;
  /** As received (header values are kept byte for byte). */
  readonly storedHeaders: Readonly<Partial<Record<StoredHeader, string>>>;
  readonly userMeta: Readonly<Record<string, string>>;
  readonly objectType: ObjectType;
  restore?: RestoreState;
  restoreOrigin?: RestoreOrigin;
  /** Set once tick() has emitted ObjectRestore:FinishRestore for the current restore. */
  restoreAnnounced?: boolean;
}

export interface Bucket {
  readonly name: string;
  readonly createdAtMs: number;
  /** The class objects get when a write names none. */
  readonly storageClass: StorageClass;
  versioning: VersioningStatus | undefined;
  /** Newest version first. */
  readonly versions: Map<string, ObjectVersion[]>;
  /** Multipart uploads in progress, by upload id, in the order they were initiated. */
  readonly uploads: Map<string, MultipartUpload>;
}

export interface UploadedPart {
  readonly partNumber: number;
  readonly body: Buffer;
  /** Upper-case hex MD5 of the part, without quotes. */
  readonly etag: string;
  readonly lastModifiedMs: number;
}

/** InitiateMultipartUpload's metadata, applied to the object by CompleteMultipartUpload. */
export interface MultipartUpload {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiatedAtMs: number;
  readonly storageClass: StorageClass;
  readonly contentType: string;
  readonly storedHeaders: Readonly<Partial<Record<StoredHeader, string>>>;
  readonly userMeta: Readonly<Record<string, string>>;
  readonly parts: Map<number, UploadedPart>;
}

export interface ObjectDraft {
  readonly body: Buffer;
  readonly storageClass: StorageClass;
  readonly contentType: string;
  readonly storedHeaders?: Readonly<Partial<Record<StoredHeader, string>>>;
  readonly userMeta: Readonly<Record<string, string>>;
  readonly objectType?: ObjectType;
  /** Multipart objects: the ETag is not the MD5 of the body. */
  readonly etag?: string;
}

export function md5Hex(body: Buffer): string {
  return createHash('md5').update(body).digest('hex').toUpperCase();
}

export class OssStore {
  private readonly buckets = new Map<string, Bucket>();
  /** Versions that have had a restore, so tick() need not scan every object. */
  private readonly withRestore = new Set<ObjectVersion>();
  private versionSeq = 0;
  private uploadSeq = 0;

  /** 32 upper-case hex digits, like OSS's upload ids; deterministic per store so runs repeat. */
  nextUploadId(bucket: string, key: string): string {
    this.uploadSeq += 1;
    return createHash('sha256').update(`${bucket}/${key}/upload/${this.uploadSeq}`).digest('hex').slice(0, 32).toUpperCase();
  }

  createBucket(name: string, nowMs: number, storageClass: StorageClass = 'Standard'): Bucket {
    if (this.buckets.has(name)) throw ossErrors.bucketAlreadyExists(name);
    const bucket: Bucket = { name, createdAtMs: nowMs, storageClass, versioning: undefined, versions: new Map(), uploads: new Map() };
    this.buckets.set(name, bucket);
    return bucket;
  }

  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw ossErrors.noSuchBucket(name);
    return bucket;
  }

  listBuckets(): Bucket[] {
    return [...this.buckets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  deleteBucket(name: string): void {
    const bucket = this.bucket(name);
    // DeleteBucket reference: objects and the parts of unfinished multipart uploads must go first.
    if (bucket.versions.size > 0 || bucket.uploads.size > 0) throw ossErrors.bucketNotEmpty(name);
    this.buckets.delete(name);
  }

  /** Writes a new current version and returns it. */
  put(bucketName: string, key: string, draft: ObjectDraft, nowMs: number): ObjectVersion {
    const bucket = this.bucket(bucketName);
    const version: ObjectVersion = {
      bucket: bucketName,
      key,
      versionId: this.nextVersionId(bucket, key),
      deleteMarker: false,
      body: draft.body,
      etag: draft.etag ?? md5Hex(draft.body),
      lastModifiedMs: nowMs,
      storageClass: draft.storageClass,
      contentType: draft.contentType,
      storedHeaders: draft.storedHeaders ?? {},
      userMeta: draft.userMeta,
      objectType: draft.objectType ?? 'Normal',
    };
    this.pushVersion(bucket, version);
    return version;
  }

  /** The current version (possibly a delete marker), or undefined. */
  current(bucketName: string, key: string): ObjectVersion | undefined {
    return this.bucket(bucketName).versions.get(key)?.[0];
  }

  version(bucketName: string, key: string, versionId: string): ObjectVersion | undefined {
    return this.bucket(bucketName)
      .versions.get(key)
      ?.find((v) => v.versionId === versionId);
  }

  /**
   * DeleteObject without versionId: removes the object, or adds a delete marker when the bucket
   * is versioned. Returns the marker, or the version removed.
   */
  deleteCurrent(bucketName: string, key: string, nowMs: number): { marker?: ObjectVersion; removed?: ObjectVersion } {
    const bucket = this.bucket(bucketName);
    if (bucket.versioning === undefined) {
      const removed = bucket.versions.get(key)?.[0];
      bucket.versions.delete(key);
      return { removed };
    }
    const marker: ObjectVersion = {
      bucket: bucketName,
      key,
      versionId: this.nextVersionId(bucket, key),
      deleteMarker: true,
      body: Buffer.alloc(0),
      etag: '',
      lastModifiedMs: nowMs,
      storageClass: 'Standard',
      contentType: '',
      storedHeaders: {},
      userMeta: {},
      objectType: 'Normal',
    };
    this.pushVersion(bucket, marker);
    return { marker };
  }

  /** DeleteObject with versionId: removes that version for good. */
  deleteVersion(bucketName: string, key: string, versionId: string): ObjectVersion | undefined {
    const bucket = this.bucket(bucketName);
    const versions = bucket.versions.get(key);
    const index = versions?.findIndex((v) => v.versionId === versionId) ?? -1;
    if (!versions || index === -1) return undefined;
    const [removed] = versions.splice(index, 1);
    if (versions.length === 0) bucket.versions.delete(key);
    return removed;
  }

  /** Records that a version now has a restore to watch. */
  noteRestore(version: ObjectVersion): void {
    this.withRestore.add(version);
  }

  /**
   * Versions with a restore that are still stored. Versions deleted or overwritten since are
   * dropped here, so a deleted object never announces a finished restore.
   */
  *restoredVersions(): Iterable<ObjectVersion> {
    for (const version of this.withRestore) {
      const stored = this.buckets.get(version.bucket)?.versions.get(version.key);
      if (!version.restore || !stored?.includes(version)) {
        this.withRestore.delete(version);
        continue;
      }
      yield version;
    }
  }

  private pushVersion(bucket: Bucket, version: ObjectVersion): void {
    const existing = bucket.versions.get(version.key) ?? [];
    // Only versions with their own id survive a write; a "null" version is replaced.
    const kept = bucket.versioning === undefined ? [] : existing.filter((v) => v.versionId !== version.versionId);
    bucket.versions.set(version.key, [version, ...kept]);
  }

  /** OSS-looking version ids ("CAEQ…"), deterministic per store so test runs repeat. */
  private nextVersionId(bucket: Bucket, key: string): string {
    if (bucket.versioning !== 'Enabled') return NULL_VERSION_ID;
    this.versionSeq += 1;
    const digest = createHash('sha256').update(`${bucket.name}/${key}/${this.versionSeq}`).digest('base64url');
    return `CAEQ${digest.slice(0, 40)}`;
  }
}
