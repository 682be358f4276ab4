// The demo bucket the local stack seeds: one object per storage class, and a key with the
// characters that trip naive URL handling.
import type { StorageClass } from '../restore/storage-class';

export const DEMO_BUCKET = 'thaw-demo';

export const DEMO_OBJECTS: readonly { key: string; storageClass: StorageClass; body: string }[] = [
  { key: 'standard/readme.txt', storageClass: 'Standard', body: 'Standard objects are readable as they are.\n' },
  { key: 'ia/notes.txt', storageClass: 'IA', body: 'Infrequent Access is readable too.\n' },
  { key: 'archive/report-2023.csv', storageClass: 'Archive', body: 'month,revenue\n2023-01,1200\n2023-02,1350\n' },
  { key: 'cold/logs-2022.tar', storageClass: 'ColdArchive', body: 'pretend this is a tarball of 2022 logs\n' },
  { key: 'deep/backup-2019.tar', storageClass: 'DeepColdArchive', body: 'pretend this is a 2019 backup\n' },
  { key: 'archive/ünïcode +plus %percent.txt', storageClass: 'Archive', body: 'odd keys round-trip\n' },
];
