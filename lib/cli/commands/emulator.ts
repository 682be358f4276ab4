// `thaw emulator oss|tablestore|sls`: one emulator on its own, for a client under test.
import type { EmulatorFlags, RunningEmulator } from '../../emulators/shared/emulator';
import { command } from '../command';
import { UsageError } from '../exit-codes';
import { untilSignalled } from '../../shutdown';

const EMULATORS: Record<string, () => Promise<{ startFromFlags(flags: EmulatorFlags): Promise<RunningEmulator> }>> = {
  oss: () => import('../../emulators/oss/index'),
  tablestore: () => import('../../emulators/tablestore/index'),
  sls: () => import('../../emulators/sls/index'),
};

export const emulatorCommand = command({
  name: 'emulator',
  positionals: 'oss|tablestore|sls',
  summary: 'run one emulator; prints one line of JSON (endpoint, credentials) and serves until SIGINT',
  options: {
    port: { type: 'string', value: 'PORT', default: '0', help: 'port to listen on; 0 picks a free one' },
    host: { type: 'string', value: 'HOST', default: '127.0.0.1', help: 'address to listen on' },
    'time-scale': { type: 'string', value: 'N', default: '1', help: 'divide emulated restore durations by N' },
    'access-key-id': { type: 'string', value: 'ID', help: 'the access key id clients sign with (with --access-key-secret)' },
    'access-key-secret': { type: 'string', value: 'SECRET', help: 'its secret' },
    region: { type: 'string', value: 'REGION', help: 'region the emulator answers for (OSS: oss-cn-hangzhou)' },
    instance: { type: 'string', value: 'NAME', help: 'Tablestore instance name' },
    seed: { type: 'string', value: 'N', help: 'seed of the fault injection' },
    'data-dir': { type: 'string', value: 'DIR', help: 'keep the emulator state in DIR across restarts' },
  },
  async run({ values, positionals }) {
    const [name, ...extra] = positionals;
    const load = name ? EMULATORS[name] : undefined;
    if (!load || extra.length > 0) throw new UsageError(`the emulator must be one of ${Object.keys(EMULATORS).join(', ')}`, { command: 'emulator' });
    const port = integerFlag('--port', values.port, 0, 65535);
    const timeScale = Number(values['time-scale']);
    if (!(Number.isFinite(timeScale) && timeScale > 0))
      throw new UsageError(`--time-scale must be a positive number, got "${values['time-scale']}"`, { command: 'emulator' });
    if ((values['access-key-id'] === undefined) !== (values['access-key-secret'] === undefined)) {
      throw new UsageError('--access-key-id and --access-key-secret go together', { command: 'emulator' });
    }
    const flags: EmulatorFlags = {
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
    const emulator = await (await load()).startFromFlags(flags);
    // Listen before announcing: a SIGTERM right after the line must still close cleanly.
    const signalled = untilSignalled();
    process.stdout.write(`${JSON.stringify(emulator.describe())}\n`);
    await signalled;
    await emulator.close();
  },
});

function integerFlag(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`, { command: 'emulator' });
  return n;
}
