import { MemoryStateStore } from '../../lib/store/memory';
import { describeStateStoreContract } from './state-store.contract';

describeStateStoreContract('memory', async () => ({ store: new MemoryStateStore(), close: async () => {} }));
