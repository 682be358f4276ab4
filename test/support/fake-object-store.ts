// A scripted ObjectStore for unit tests of the coordinator: it stages faults (transient errors,
// denied credentials) that are awkward to produce otherwise. The real ali-oss adapter is tested
// against the OSS emulator, and the ObjectStore contract suite runs against both.
import type { ManualClock } from '../../lib/clock';
import { MalformedRequestError } from '../../lib/restore/errors';
import { describeRef, type ObjectRef } from '../../lib/restore/object-ref';
import type { ObjectHead, ObjectRestoreStatus, ObjectStore, RestoreAnswer } from '../../lib/restore/ports';
import type { ClassRestoreParams } from '../../lib/restore/restore-request';
import { type ArchiveClass, type StorageClass, type Tier, tierRank } from '../../lib/restore/storage-class';

interface FakeObject {
  storageClass: StorageClass;
  sizeBytes: number;
  restore: ObjectRestoreStatus;
  /** The tier of the running restore, so a faster one is a raise (202), as OSS answers. */
  tier?: Tier;
  versionId?: string;
}

export class FakeObjectStore implements ObjectStore {
  readonly objects = new Map<string, FakeObject>();
  /** Versioned keys: bucket/key → the current version's id. */
  readonly current = new Map<string, string>();
  readonly calls: { op: 'head' | 'restore'; object: string; storageClass?: ArchiveClass; params?: ClassRestoreParams }[] = [];
  /** Errors to throw, in order, before answering normally. */
  readonly failures: { head: Error[]; restore: Error[] } = { head: [], restore: [] };

  constructor(private readonly clock: ManualClock) {}

  /** An object; with `ref.versionId`, a version of a versioned key, which becomes its current version. */
  put(ref: ObjectRef, storageClass: StorageClass, sizeBytes = 100, restore: ObjectRestoreStatus = { kind: 'frozen' }): void {
    this.objects.set(describeRef(ref), { storageClass, sizeBytes, restore, ...(ref.versionId ? { versionId: ref.versionId } : {}) });
    if (ref.versionId) this.current.set(`${ref.bucket}/${ref.key}`, ref.versionId);
  }

  count(op: 'head' | 'restore'): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  async head(ref: ObjectRef): Promise<ObjectHead> {
    this.calls.push({ op: 'head', object: describeRef(ref) });
    const failure = this.failures.head.shift();
    if (failure) throw failure;
    const o = this.find(ref);
    if (!o) return { found: false };
    return { found: true, storageClass: o.storageClass, sizeBytes: o.sizeBytes, restore: o.restore, ...(o.versionId ? { versionId: o.versionId } : {}) };
  }

  async restore(ref: ObjectRef, storageClass: ArchiveClass, params: ClassRestoreParams): Promise<RestoreAnswer> {
    this.calls.push({ op: 'restore', object: describeRef(ref), storageClass, params });
    const failure = this.failures.restore.shift();
    if (failure) throw failure;
    const o = this.find(ref);
    if (!o) return 'notFound';
    if (o.storageClass === 'Standard' || o.storageClass === 'IA') return 'notArchived';
    if (o.restore.kind === 'restoring') {
      // As the OSS emulator answers a lower priority mid-restore (400 InvalidArgument, EC 0016-00000715).
      if (params.tier && o.tier && tierRank(params.tier) > tierRank(o.tier)) {
        throw new MalformedRequestError(`RestoreObject ${describeRef(ref)}: 400 InvalidArgument (the restore priority cannot be decreased)`);
      }
      if (!params.tier || !o.tier || tierRank(params.tier) === tierRank(o.tier)) return 'restoring';
      o.tier = params.tier;
      return 'restoreStarted';
    }
    if (o.restore.kind === 'restored') {
      o.restore = { kind: 'restored', expiresAtMs: this.clock.nowMs() + params.days * 86_400_000 };
      return 'restored';
    }
    o.restore = { kind: 'restoring' };
    o.tier = params.tier;
    return 'restoreStarted';
  }

  private find(ref: ObjectRef): FakeObject | undefined {
    const current = ref.versionId ? undefined : this.current.get(`${ref.bucket}/${ref.key}`);
    return this.objects.get(describeRef(current ? { ...ref, versionId: current } : ref));
  }
}
