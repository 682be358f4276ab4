// The `thaw` command: local emulators, the local stack, table setup and bundling.
// Each subcommand lives in its own module and is imported only when used, so `thaw emulator oss`
// does not pay for loading the Tablestore SDK.
import { parseArgs } from 'node:util';
import type { EmulatorFlags, RunningEmulator } from './emulators/shared/emulator';

const USAGE = `usage: thaw <command>

  thaw start [--port 8080] [--time-scale 60]
                                     run the local stack (emulators + functions) with a demo bucket
  thaw dev [--port 0] [--json] [--time-scale N]
                                     the same; --json prints one line of JSON (endpoints, token) only
  thaw emulator oss|tablestore|sls   run one emulator; prints one line of JSON, serves until SIGINT
      [--port 0] [--host 127.0.0.1] [--time-scale N] [--access-key-id ID --access-key-secret SECRET]
      [--region oss-cn-hangzhou] [--instance NAME] [--seed N] [--data-dir DIR]
  thaw build                         bundle each function into .build/<name>/index.js with esbuild
  thaw deploy [--dry-run] [--endpoint URL --account-id ID --region R] [--stack oss-thaw]
      [--parameters FILE] [--parameter Name=Value ...] [--role LogicalId=ARN ...]
      [--oss-endpoint URL --tablestore-endpoint URL --sls-endpoint URL]
                                     create or update template.yml's roles, service, functions, triggers
                                     and tables through the FC 2.0 and RAM APIs; --dry-run only plans
  thaw destroy [--yes] [--delete-tables] [--dry-run] (same target flags)
                                     remove what deploy made; the tables stay unless --delete-tables
  thaw package --bucket B [--prefix P] [--oss-endpoint URL] [--output FILE] [--omit-eventbridge]
                                     zips to OSS and .build/template.packaged.yml (oss:// CodeUris) for ROS
  thaw invoke <function> [--event JSON] [--endpoint URL --account-id ID --region R] [--service S | --stack S] [--async]
                                     invoke a function through the FC API (@alicloud/fc2): local or deployed
  thaw tables create                 create the Tablestore tables if missing, and give older ones the new
                                     indexes (THAW_TABLESTORE_ENDPOINT, THAW_TABLESTORE_INSTANCE, THAW_TABLE,
                                     ALIBABA_CLOUD_ACCESS_KEY_*)
  thaw status [bucket[/prefix]] [--state S,...] [--limit 20] [--api URL] [--json]
                                     records per state with ETA, tier, age and reason; today's budgets
                                     (the API at --api or THAW_API_URL, default http://127.0.0.1:8080; THAW_API_TOKEN)
  thaw restore oss://bucket/prefix [--days N] [--tier T] [--dry-run] [--wait] [--yes]
      [--api URL] [--prices FILE] [--max-objects 100000] [--wait-timeout SECONDS] [--json]
                                     list the prefix (THAW_OSS_ENDPOINT, ALIBABA_CLOUD_ACCESS_KEY_*), show
                                     the plan and its cost, then restore through the API, resumably
`;

export class UsageError extends Error {}

export async function main(argv: string[]): Promise<void> {
  try {
    await run(argv);
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code === 'OperatorUsage' ||
      String((err as { code?: string }).code).startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`thaw: ${(err as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    // Configuration and environment problems get one line, not a stack trace.
    const code = (err as { code?: string }).code;
    if (
      (err as Error).name === 'ConfigError' ||
      code === 'EADDRINUSE' ||
      /^No credentials/.test((err as Error).message) ||
      [
        'TemplateInvalid',
        'ParameterInvalid',
        'PrerequisiteMissing',
        'PermissionMissing',
        'StepFailed',
        'ApiCallFailed',
        'ListingFailed',
        'PriceTableInvalid',
      ].includes(String(code))
    ) {
      process.stderr.write(`thaw: ${(err as Error).message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'emulator':
      return runEmulator(rest);
    case 'start': {
      const { start } = await import('./local/start');
      return start(rest);
    }
    case 'dev': {
      const { dev } = await import('./local/start');
      return dev(rest);
    }
    case 'deploy': {
      const { deployCommand } = await import('./deploy/cli');
      return deployCommand(rest);
    }
    case 'destroy': {
      const { destroyCommand } = await import('./deploy/cli');
      return destroyCommand(rest);
    }
    case 'package': {
      const { packageCommand } = await import('./deploy/cli');
      return packageCommand(rest);
    }
    case 'invoke': {
      const { invoke } = await import('./local/invoke');
      return invoke(rest);
    }
    case 'tables': {
      if (rest[0] !== 'create') throw new UsageError('usage: thaw tables create');
      const { createTables } = await import('./local/tables');
      return createTables();
    }
    case 'status': {
      const { statusCommand } = await import('./operator/status-command');
      process.exitCode = await statusCommand(rest);
      return;
    }
    case 'restore': {
      const { restoreCommand } = await import('./operator/restore-command');
      process.exitCode = await restoreCommand(rest);
      return;
    }
    case 'build': {
      const { buildFunctions } = await import('./local/build');
      await buildFunctions();
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

const EMULATORS: Record<string, () => Promise<{ startFromFlags(flags: EmulatorFlags): Promise<RunningEmulator> }>> = {
  oss: () => import('./emulators/oss/index'),
  tablestore: () => import('./emulators/tablestore/index'),
  sls: () => import('./emulators/sls/index'),
};

async function runEmulator(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const load = name ? EMULATORS[name] : undefined;
  if (!load) throw new UsageError(`emulator must be one of ${Object.keys(EMULATORS).join(', ')}`);
  const flags = parseEmulatorFlags(rest);
  const emulator = await (await load()).startFromFlags(flags);
  // Listen before announcing: a SIGTERM right after the line must still close cleanly.
  const signalled = untilSignalled();
  process.stdout.write(`${JSON.stringify(emulator.describe())}\n`);
  await signalled;
  await emulator.close();
}

export function parseEmulatorFlags(argv: string[]): EmulatorFlags {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'time-scale': { type: 'string', default: '1' },
      'access-key-id': { type: 'string' },
      'access-key-secret': { type: 'string' },
      region: { type: 'string' },
      instance: { type: 'string' },
      seed: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const port = integerFlag('--port', values.port, 0, 65535);
  const timeScale = Number(values['time-scale']);
  if (!(Number.isFinite(timeScale) && timeScale > 0)) {
    throw new UsageError(`--time-scale must be a positive number, got "${values['time-scale']}"`);
  }
  if ((values['access-key-id'] === undefined) !== (values['access-key-secret'] === undefined)) {
    throw new UsageError('--access-key-id and --access-key-secret go together');
  }
  return {
    port,
    host: values.host,
    timeScale,
    accessKeyId: values['access-key-id'],
    accessKeySecret: values['access-key-secret'],
    region: values.region,
    instance: values.instance,
    seed: values.seed === undefined ? undefined : integerFlag('--seed', values.seed, 0, 2 ** 32 - 1),
    dataDir: values['data-dir'],
  };
}

function integerFlag(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/** Resolves on the first SIGINT or SIGTERM, so servers can close cleanly. */
export function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
