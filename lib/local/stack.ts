// The local stack: OSS and Tablestore emulators, the functions of template.yml wired to their
// triggers as FC would, and a seeded demo bucket. `thaw start` and `thaw dev` run it.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { sha256Hex } from '../api/auth';
import { startOssEmulator } from '../emulators/oss';
import { close, listen } from '../emulators/shared/http';
import { startTablestoreEmulator } from '../emulators/tablestore';
import { jsonLogger, type Logger, type LogLevel } from '../log';
import { TablestoreStateStore } from '../store/tablestore';
import { ensureTables } from '../store/tablestore-schema';
import { DEMO_BUCKET, DEMO_OBJECTS } from './demo';
import { httpTriggerServer, loadFunction, type LocalFunction } from './runtime';
import { readTemplate } from './template';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TABLE = 'thaw_restores';

export interface StackOptions {
  /** Port of the HTTP function (0 picks one). */
  readonly port?: number;
  /** Divides every emulated restore duration (and the ETAs the API reports). */
  readonly timeScale?: number;
  /** THAW_ALLOW for the stack; default: the demo bucket. */
  readonly allow?: string;
  readonly logLevel?: LogLevel;
}

export interface StackDescription {
  readonly api: string;
  readonly apiToken: string;
  readonly oss: { endpoint: string; region: string; accessKeyId: string; accessKeySecret: string };
  readonly tablestore: { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
}

export interface Stack {
  readonly functions: ReadonlyMap<string, LocalFunction>;
  describe(): StackDescription;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const timeScale = options.timeScale ?? 1;
  const log: Logger = jsonLogger({ level: options.logLevel ?? 'info', fields: { component: 'local-stack' } });
  const oss = await startOssEmulator({ timeScale });
  const tablestore = await startTablestoreEmulator();
  const ossInfo = oss.describe() as unknown as StackDescription['oss'];
  const tsInfo = tablestore.describe() as unknown as StackDescription['tablestore'];

  oss.createBucket(DEMO_BUCKET);
  for (const o of DEMO_OBJECTS) oss.putObject(DEMO_BUCKET, o.key, o.body, { storageClass: o.storageClass });

  const apiToken = `thaw_${randomBytes(18).toString('base64url')}`;
  // What FC would pass as EnvironmentVariables, pointed at the emulators.
  const environment: Record<string, string> = {
    THAW_ALLOW: options.allow ?? process.env.THAW_ALLOW ?? DEMO_BUCKET,
    THAW_API_TOKEN_SHA256: sha256Hex(apiToken),
    THAW_OSS_ENDPOINT: oss.endpoint,
    THAW_OSS_REGION: ossInfo.region,
    THAW_TABLESTORE_ENDPOINT: tablestore.endpoint,
    THAW_TABLESTORE_INSTANCE: tsInfo.instance,
    THAW_TABLE: TABLE,
    THAW_TIME_SCALE: String(timeScale),
    THAW_LOG_LEVEL: options.logLevel ?? 'info',
  };
  Object.assign(process.env, environment);

  // The deploy path creates the tables the same way (thaw tables create).
  await ensureTables(new TablestoreStateStore({ ...tsInfo, table: TABLE }));

  const credentials = { accessKeyId: ossInfo.accessKeyId, accessKeySecret: ossInfo.accessKeySecret };
  const specs = await readTemplate(join(ROOT, 'template.yml'));
  const functions = new Map<string, LocalFunction>();
  for (const spec of specs) functions.set(spec.name, await loadFunction(ROOT, spec, credentials, log));

  const servers: Server[] = [];
  let api = '';
  for (const fn of functions.values()) {
    for (const trigger of fn.spec.triggers) {
      if (trigger.type === 'HTTP') {
        const server = httpTriggerServer(fn);
        api = await listen(server, options.port ?? 0);
        servers.push(server);
      }
    }
  }

  return {
    functions,
    describe: () => ({ api, apiToken, oss: pick(ossInfo, ['endpoint', 'region', 'accessKeyId', 'accessKeySecret']), tablestore: pick(tsInfo, ['endpoint', 'instance', 'accessKeyId', 'accessKeySecret']) }),
    async close() {
      for (const server of servers) await close(server);
      await oss.close();
      await tablestore.close();
    },
  };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}
