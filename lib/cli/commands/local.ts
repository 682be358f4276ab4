// `thaw start` (npm start) and `thaw dev`: the local stack, with a guide or one line of JSON.
import type { LogLevel } from '../../log';
import { DEFAULT_PLATFORM, type Platform, PLATFORMS } from '../../deploy/platform';
import { runLocalStack } from '../../local/start';
import { command, type Values } from '../command';
import { UsageError } from '../exit-codes';

const LOCAL_OPTIONS = {
  port: { type: 'string', value: 'PORT', help: "port of the API (the HTTP trigger's listener); 0 picks a free one" },
  'time-scale': { type: 'string', value: 'N', help: 'divide every emulated restore duration by N (≥ 1)' },
  'log-level': { type: 'string', value: 'LEVEL', default: 'info', help: 'debug, info, warn or error (the functions and the stack)' },
  platform: { type: 'string', value: 'fc2|fc3', default: DEFAULT_PLATFORM, help: 'the Function Compute the stack deploys to (FC 3.0, or FC 2.0)' },
} as const;

function settings(name: string, values: Values<typeof LOCAL_OPTIONS>, defaults: { port: number; timeScale: number }) {
  const port = Number(values.port ?? defaults.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`, { command: name });
  const timeScale = Number(values['time-scale'] ?? defaults.timeScale);
  if (!(Number.isFinite(timeScale) && timeScale >= 1))
    throw new UsageError(`--time-scale must be a number ≥ 1, got "${values['time-scale']}"`, { command: name });
  const logLevel = values['log-level'] as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new UsageError('--log-level must be debug, info, warn or error', { command: name });
  if (!(PLATFORMS as readonly string[]).includes(values.platform)) throw new UsageError(`--platform takes ${PLATFORMS.join(' or ')}`, { command: name });
  return { port, timeScale, logLevel, platform: values.platform as Platform };
}

export const startCommand = command({
  name: 'start',
  summary: 'run the local stack (emulators + the deployed functions) with a demo bucket, and show the loop live',
  details: 'Defaults: --port 8080, --time-scale 60 (restores run 60x faster). Ctrl-C stops everything.',
  options: LOCAL_OPTIONS,
  async run({ values }) {
    await runLocalStack({ ...settings('start', values, { port: 8080, timeScale: 60 }), json: false, demo: true });
  },
});

export const devCommand = command({
  name: 'dev',
  summary: 'the same stack for scripts and tests: --json prints one line (endpoints, keys, token) and nothing else',
  details: 'Defaults: --port 0 (any free port), --time-scale 1.',
  options: { ...LOCAL_OPTIONS, json: { type: 'boolean', default: false, help: 'print one line of JSON instead of the guide' } },
  async run({ values }) {
    await runLocalStack({ ...settings('dev', values, { port: 0, timeScale: 1 }), json: values.json, demo: false });
  },
});
