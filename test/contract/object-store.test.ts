import OSS from 'ali-oss';
import { ManualClock } from '../../lib/clock';
import { startOssEmulator } from '../../lib/emulators/oss';
import { AliOssObjectStore } from '../../lib/oss/object-store';
import { FakeObjectStore } from '../support/fake-object-store';
import { describeObjectStoreContract } from './object-store.contract';

describeObjectStoreContract('fake (unit tests)', async () => {
  const objects = new FakeObjectStore(new ManualClock());
  let versions = 0;
  return {
    objects,
    put: async (ref, storageClass, body) => objects.put(ref, storageClass, Buffer.byteLength(body)),
    putVersion: async (key, storageClass, body) => {
      const versionId = `CAEQfake${++versions}`;
      objects.put({ bucket: 'thaw-contract-v', key, versionId }, storageClass, Buffer.byteLength(body));
      return { bucket: 'thaw-contract-v', versionId };
    },
    close: async () => {},
  };
});

describeObjectStoreContract('ali-oss over the OSS emulator', async () => {
  const emulator = await startOssEmulator();
  const creds = emulator.describe() as { accessKeyId: string; accessKeySecret: string };
  const client = new OSS({ endpoint: emulator.endpoint, ...creds, bucket: 'thaw-contract' });
  await client.putBucket('thaw-contract');
  emulator.createBucket('thaw-contract-v', { versioning: true });
  return {
    objects: new AliOssObjectStore({ endpoint: emulator.endpoint, ...creds }),
    put: async (ref, storageClass, body) => {
      await client.put(ref.key, Buffer.from(body), { headers: { 'x-oss-storage-class': storageClass } });
    },
    putVersion: async (key, storageClass, body) => {
      const versionId = emulator.putObject('thaw-contract-v', key, body, { storageClass })!;
      return { bucket: 'thaw-contract-v', versionId };
    },
    close: () => emulator.close(),
  };
});
