// The same CounterStore contract, against the Tablestore adapter and the Tablestore emulator over
// loopback, through the real tablestore SDK.
import { startTablestoreEmulator } from '../../lib/emulators/tablestore';
import { TablestoreStateStore } from '../../lib/store/tablestore';
import { TablestoreCounterStore } from '../../lib/store/tablestore-counters';
import { ensureTables } from '../../lib/store/tablestore-schema';
import { describeCounterStoreContract } from './counter-store.contract';

describeCounterStoreContract('tablestore', async () => {
  const emulator = await startTablestoreEmulator();
  const { endpoint, instance, accessKeyId, accessKeySecret } = emulator.describe() as Record<string, string>;
  const settings = { endpoint: endpoint!, instance: instance!, table: 'thaw_contract', accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret! };
  await ensureTables(new TablestoreStateStore(settings));
  return { store: new TablestoreCounterStore(settings), close: () => emulator.close() };
});
