// `thaw tables create`: creates oss-thaw's Tablestore tables if they are missing (idempotent).
// thaw deploy does the same; the functions never do (their role has no ots:CreateTable).
// This runs it alone, e.g. from a machine inside an instance's VPC.
import { reader } from '../config';
import { TablestoreStateStore } from '../store/tablestore';
import { prepareTables } from '../store/tablestore-upgrade';
import { credentialsFrom } from '../wiring';

export async function createTables(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const read = reader(env);
  const store = new TablestoreStateStore({
    endpoint: read.string('THAW_TABLESTORE_ENDPOINT', { required: true }),
    instance: read.string('THAW_TABLESTORE_INSTANCE', { required: true }),
    table: read.string('THAW_TABLE', { default: 'thaw_restores', pattern: /^[A-Za-z_][A-Za-z0-9_]{0,254}$/ }),
    ...credentialsFrom(undefined, env),
  });
  const { created, added } = await prepareTables(store);
  if (created.length) process.stdout.write(`created: ${created.join(', ')}\n`);
  if (added.length) process.stdout.write(`added: ${added.join(', ')}\n`);
  if (!created.length && !added.length) process.stdout.write(`tables already exist: ${store.table}, ${store.countersTable}\n`);
}
