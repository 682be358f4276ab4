import OSS from 'ali-oss';
import { ManualClock } from '../../lib/clock';
import { startOssEmulator } from '../../lib/emulators/oss';
import { AliOssObjectStore } from '../../lib/oss/object-store';
import { FakeObjectStore } from '../support/fake-object-store';
import { describeObjectStoreContract } from './object-store.contract';

describeObjectStoreContract('fake (unit tests)', async () => {
  const objects = new FakeObjectStore(new ManualClock());
  return {
    objects,
    put: async (ref, storageClass, body) => objects.put(ref, storageClass, Buffer.byteLength(body)),
    close: async () => {},
  };
});

describeObjectStoreContract('ali-oss over the OSS emulator', async () => {
  const emulator = await startOssEmulator();
  const creds = emulator.describe() as { accessKeyId: string; accessKeySecret: string };
  const client = new OSS({ endpoint: emulator.endpoint, ...creds, bucket: 'thaw-contract' });
  await client.putBucket('thaw-contract');
  return {
    objects: new AliOssObjectStore({ endpoint: emulator.endpoint, ...creds }),
    put: async (ref, storageClass, body) => {
      await client.put(ref.key, Buffer.from(body), { headers: { 'x-oss-storage-class': storageClass } });
    },
    close: () => emulator.close(),
  };
});
