import { MemoryCounterStore } from '../../lib/store/memory';
import { describeCounterStoreContract } from './counter-store.contract';

describeCounterStoreContract('memory', async () => ({ store: new MemoryCounterStore(), close: async () => {} }));
