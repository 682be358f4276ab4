// Lists a prefix with the operator's own OSS credentials: ListObjectsV2 through ali-oss, 1,000 keys
// a page, each with its storage class, size and RestoreInfo (OSS: "How do I check whether objects
// are restored": absent = not restored or expired; ongoing-request="true" = restoring;
// ongoing-request="false", expiry-date=… = readable until then). Bounded: past `maxObjects` it
// stops and says so rather than holding an unbounded listing in memory.
import { printable } from '../api/printable';
import { type OssCredentialSettings, ossClient } from '../oss/client';
import { isStorageClass } from '../restore/storage-class';
import type { ListedObject } from './plan';

export class ListingError extends Error {
  readonly code = 'ListingFailed';
}

interface ListV2Page {
  objects: { name: string; size: number; storageClass: string; restoreInfo?: { ongoingRequest: boolean; expiryDate?: Date } }[] | null;
  isTruncated: boolean;
  nextContinuationToken: string | null;
}

export async function listPrefix(
  settings: OssCredentialSettings,
  bucket: string,
  prefix: string,
  options: { maxObjects: number; onPage?: (listed: number) => void; signal?: AbortSignal },
): Promise<ListedObject[]> {
  const client = ossClient(settings, bucket, { timeoutMs: 30_000 });
  const listed: ListedObject[] = [];
  let token: string | undefined;
  do {
    if (options.signal?.aborted) throw new ListingError('listing stopped');
    let page: ListV2Page;
    try {
      page = (await client.listV2({ prefix, 'max-keys': '1000', ...(token ? { 'continuation-token': token } : {}) } as never, {})) as unknown as ListV2Page;
    } catch (err) {
      const e = err as { status?: number; code?: string; message?: string };
      // OSS's words, shown to an operator: made printable.
      throw new ListingError(
        printable(`ListObjectsV2 oss://${bucket}/${prefix}: ${e.status ?? ''} ${e.code ?? ''} ${e.message ?? ''}`.replace(/\s+/g, ' ').trim()),
      );
    }
    for (const o of page.objects ?? []) {
      if (listed.length >= options.maxObjects) {
        throw new ListingError(`oss://${bucket}/${prefix} holds more than ${options.maxObjects} objects: narrow the prefix, or raise --max-objects`);
      }
      // A class OSS adds later is treated as readable: nothing to restore.
      const storageClass = isStorageClass(o.storageClass) ? o.storageClass : 'Standard';
      const info = o.restoreInfo;
      listed.push({
        key: o.name,
        sizeBytes: Number(o.size),
        storageClass,
        restore: !info ? 'frozen' : info.ongoingRequest ? 'restoring' : 'restored',
        ...(info && !info.ongoingRequest && info.expiryDate ? { expiresAtMs: info.expiryDate.getTime() } : {}),
      });
    }
    options.onPage?.(listed.length);
    token = page.isTruncated ? (page.nextContinuationToken ?? undefined) : undefined;
  } while (token);
  return listed;
}
