// The identity of one object version, validated the way OSS names things, and the digest that
// becomes its record's primary key.
import { createHash } from 'node:crypto';
import { describeInput, InvalidInputError } from './errors';

export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  /** '' means "the current version" (unversioned buckets, or no versionId given). */
  readonly versionId: string;
}

/** OSS keys are 1–1023 bytes of UTF-8 (OSS naming rules). */
export const MAX_KEY_BYTES = 1023;

// OSS bucket names: 3–63 characters of lowercase letters, digits and hyphens, starting and
// ending with a letter or digit.
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
// OSS version ids are opaque base64-like strings (and the literal "null" for the null version).
const VERSION_ID = /^[A-Za-z0-9+/=._-]{1,256}$/;

export function validateBucket(bucket: unknown): string {
  if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket)) {
    throw new InvalidInputError(
      'bucket',
      `${describeInput(bucket)} is not a valid OSS bucket name (3-63 lowercase letters, digits or hyphens, starting and ending with a letter or digit)`,
    );
  }
  return bucket;
}

export function validateKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidInputError('key', 'must be a non-empty string');
  }
  if (!key.isWellFormed()) {
    throw new InvalidInputError('key', 'must be valid UTF-8 (it contains a lone surrogate)');
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new InvalidInputError('key', `is ${bytes} bytes of UTF-8; OSS allows at most ${MAX_KEY_BYTES}`);
  }
  if (key.startsWith('/') || key.startsWith('\\')) {
    throw new InvalidInputError('key', 'must not start with "/" or "\\"');
  }
  return key;
}

export function validateVersionId(versionId: unknown): string {
  if (versionId === undefined || versionId === null || versionId === '') return '';
  if (typeof versionId !== 'string' || !VERSION_ID.test(versionId)) {
    throw new InvalidInputError('versionId', `${describeInput(versionId)} is not a valid OSS version id`);
  }
  return versionId;
}

/**
 * Whether a key has a "." or ".." path segment ("a/../b", "./x"). OSS stores such keys, but the
 * SDKs normalise the request path and sign the key as written, so OSS answers 403 to every call:
 * oss-thaw cannot address them and refuses them up front (REFUSED, reason unaddressable-key).
 */
export function hasDotSegment(key: string): boolean {
  return key.split('/').some((segment) => segment === '.' || segment === '..');
}

export function objectRef(input: { bucket: unknown; key: unknown; versionId?: unknown }): ObjectRef {
  return {
    bucket: validateBucket(input.bucket),
    key: validateKey(input.key),
    versionId: validateVersionId(input.versionId),
  };
}

/**
 * The record's primary key. bucket + key can exceed Tablestore's 1 KB primary-key limit, so the
 * key is a digest; its hex characters are uniformly spread, which also spreads partitions.
 */
export function recordId(ref: ObjectRef): string {
  // JSON keeps the three parts apart whatever characters a key holds.
  return createHash('sha256')
    .update(JSON.stringify([ref.bucket, ref.key, ref.versionId]))
    .digest('hex')
    .slice(0, 32);
}

export function describeRef(ref: ObjectRef): string {
  return ref.versionId ? `${ref.bucket}/${ref.key}?versionId=${ref.versionId}` : `${ref.bucket}/${ref.key}`;
}
