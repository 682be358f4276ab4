// The function logstore's index: without one the FC console cannot query the functions' log lines
// (and neither can `thaw logs`). The deploy creates it, or adds the keys an existing index lacks
// (keeping every key it has: the logstore is the user's); destroy removes it only when it is still
// exactly the one the deploy makes.
import { isNotFound, type SlsAdmin, type SlsIndex } from '../sls/admin';
import { FUNCTION_LOG_INDEX, functionLogIndexGaps, mergeFunctionLogIndex } from '../sls/function-log-index';
import type { DeployStep } from './plan';

export async function logIndexStep(admin: SlsAdmin, logstore: string): Promise<DeployStep> {
  const name = `${admin.project}/${logstore}`;
  const current = await currentIndex(admin, logstore);
  if (!current) {
    return {
      kind: 'log index',
      name,
      action: 'create',
      reasons: ['not found: the FC console cannot query the function logs'],
      run: () => admin.createIndex(logstore, FUNCTION_LOG_INDEX),
    };
  }
  const gaps = functionLogIndexGaps(current);
  if (gaps.length === 0) return { kind: 'log index', name, action: 'unchanged', reasons: ['has every key the functions log'] };
  return {
    kind: 'log index',
    name,
    action: 'update',
    reasons: [`${gaps.join('; ')} added (the keys it has stay)`],
    run: () => admin.updateIndex(logstore, mergeFunctionLogIndex(current)),
  };
}

export async function logIndexDeletion(admin: SlsAdmin, logstore: string): Promise<DeployStep | undefined> {
  const name = `${admin.project}/${logstore}`;
  const current = await currentIndex(admin, logstore);
  if (!current) return undefined;
  const ours =
    Object.keys(FUNCTION_LOG_INDEX.keys ?? {})
      .sort()
      .join() ===
    Object.keys(current.keys ?? {})
      .sort()
      .join();
  if (!ours) return { kind: 'log index', name, action: 'keep', reasons: ['it has keys the deploy did not make'] };
  return { kind: 'log index', name, action: 'delete', reasons: ['made by the deploy'], run: () => admin.deleteIndex(logstore) };
}

async function currentIndex(admin: SlsAdmin, logstore: string): Promise<SlsIndex | undefined> {
  try {
    return await admin.getIndex(logstore);
  } catch (err) {
    if (isNotFound(err, 'IndexConfigNotExist') || isNotFound(err, 'LogStoreNotExist')) return undefined;
    throw err;
  }
}
