// A state store that is down: every claim fails as Tablestore does when it stays busy.
import { TransientError } from '../../lib/restore/errors';
import type { StateStore } from '../../lib/restore/ports';

export const downStore: StateStore = {
  getMany: async () => new Map(),
  create: async () => {
    throw new TransientError('OTSServerBusy');
  },
  update: async () => ({ ok: false }),
  listDue: async () => [],
  list: async () => {
    throw new TransientError('OTSServerBusy');
  },
  countStates: async () => {
    throw new TransientError('OTSServerBusy');
  },
};
