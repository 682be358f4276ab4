// The same StateStore contract, against the Tablestore adapter and the Tablestore emulator over
// loopback, through the real tablestore SDK.
import { startTablestoreEmulator } from '../../lib/emulators/tablestore';
import { TablestoreStateStore } from '../../lib/store/tablestore';
import { ensureTables } from '../../lib/store/tablestore-schema';
import { describeStateStoreContract } from './state-store.contract';

describeStateStoreContract('tablestore', async () => {
  const emulator = await startTablestoreEmulator();
  const { endpoint, instance, accessKeyId, accessKeySecret } = emulator.describe() as Record<string, string>;
  const store = new TablestoreStateStore({
    endpoint: endpoint!,
    instance: instance!,
    table: 'thaw_contract',
    accessKeyId: accessKeyId!,
    accessKeySecret: accessKeySecret!,
  });
  await ensureTables(store);
  return { store, close: () => emulator.close() };
});
