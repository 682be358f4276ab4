// `thaw tables create`: creates oss-thaw's Tablestore tables if they are missing (idempotent).
// thaw deploy does the same; the functions never do (their role has no ots:CreateTable).
// This runs it alone, e.g. from a machine inside an instance's VPC. Credentials come from the
// default chain, like every deployer command; a refusal is one line saying what refused it.
import { reader } from '../config';
import { TablestoreAdmin } from '../store/tablestore-admin';
import { prepareTables } from '../store/tablestore-upgrade';
import { deployerCredentials } from './credentials';
import { failureKind, NetworkError, PermissionError, PrerequisiteError, reasonOf } from './errors';

export async function createTables(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const read = reader(env);
  const endpoint = read.string('THAW_TABLESTORE_ENDPOINT', { required: true });
  const instance = read.string('THAW_TABLESTORE_INSTANCE', { required: true });
  const admin = new TablestoreAdmin({
    endpoint,
    instance,
    table: read.string('THAW_TABLE', { default: 'thaw_restores', pattern: /^[A-Za-z_][A-Za-z0-9_]{0,254}$/ }),
    maxAttempts: 1,
    ...(await deployerCredentials()),
  });
  let result: { created: string[]; added: string[] };
  try {
    result = await prepareTables(admin);
  } catch (err) {
    const where = `Tablestore instance ${instance} at ${endpoint}`;
    const kind = failureKind(err);
    if (kind === 'network') throw new NetworkError(`${where} could not be reached: ${reasonOf(err)}`, { cause: err });
    if (kind === 'credentials' || kind === 'permission')
      throw new PermissionError(
        `${where} refused the credentials or the permission (${reasonOf(err)}): ots:ListTable, DescribeTable, CreateTable, CreateIndex and AddDefinedColumn are needed on it`,
        {
          cause: err,
        },
      );
    if (kind === 'acl')
      throw new PrerequisiteError(`${where} refused this network (${reasonOf(err)}): run it from the instance's VPC, or allow the Internet on the instance`, {
        cause: err,
      });
    throw new PrerequisiteError(`${where}: ${reasonOf(err)}`, { cause: err });
  }
  const { created, added } = result;
  if (created.length) process.stdout.write(`created: ${created.join(', ')}\n`);
  if (added.length) process.stdout.write(`added: ${added.join(', ')}\n`);
  if (!created.length && !added.length) process.stdout.write(`tables already exist: ${admin.table}, ${admin.countersTable}\n`);
}
