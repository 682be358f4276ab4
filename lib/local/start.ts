// `thaw start` (npm start) and `thaw dev`: run the local stack and say how to use it.
import { parseArgs } from 'node:util';
import { untilSignalled, UsageError } from '../cli';
import type { LogLevel } from '../log';
import { DEMO_BUCKET, DEMO_OBJECTS } from './demo';
import { type StackDescription, startStack } from './stack';

interface RunOptions {
  port: number;
  timeScale: number;
  json: boolean;
  logLevel: LogLevel;
}

function parse(argv: string[], defaults: { port: number; timeScale: number }): RunOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: String(defaults.port) },
      'time-scale': { type: 'string', default: String(defaults.timeScale) },
      json: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  const timeScale = Number(values['time-scale']);
  if (!(Number.isFinite(timeScale) && timeScale >= 1)) throw new UsageError(`--time-scale must be a number ≥ 1, got "${values['time-scale']}"`);
  const logLevel = values['log-level'] as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new UsageError('--log-level must be debug, info, warn or error');
  return { port, timeScale, json: values.json, logLevel };
}

/** `thaw dev [--port 0] [--json] [--time-scale N]` */
export async function dev(argv: string[]): Promise<void> {
  await run(parse(argv, { port: 0, timeScale: 1 }));
}

/** `thaw start` / `npm start`: the stack on port 8080, restores 60× faster, and a guide. */
export async function start(argv: string[]): Promise<void> {
  await run(parse(argv, { port: 8080, timeScale: 60 }));
}

async function run(options: RunOptions): Promise<void> {
  const stack = await startStack({ port: options.port, timeScale: options.timeScale, logLevel: options.json ? options.logLevel : 'warn' });
  const info = stack.describe();
  process.stdout.write(options.json ? `${JSON.stringify(info)}\n` : guide(info, options.timeScale));
  await untilSignalled();
  await stack.close();
}

function guide(info: StackDescription, timeScale: number): string {
  const archived = DEMO_OBJECTS.find((o) => o.storageClass === 'Archive')!.key;
  const url = (key: string) => `${info.api}/v1/restores/${DEMO_BUCKET}/${encodeURIComponent(key)}`;
  const objects = DEMO_OBJECTS.map((o) => `    ${o.storageClass.padEnd(16)} ${o.key}`).join('\n');
  return `
oss-thaw is running locally against embedded emulators${timeScale > 1 ? ` (restores run ${timeScale}x faster)` : ''}.

  API         ${info.api}
  API token   ${info.apiToken}
  OSS         ${info.oss.endpoint}   region ${info.oss.region}
              accessKeyId ${info.oss.accessKeyId}   accessKeySecret ${info.oss.accessKeySecret}
  Tablestore  ${info.tablestore.endpoint}   instance ${info.tablestore.instance}

Demo bucket ${DEMO_BUCKET}:
${objects}

Try it:
  export TOKEN=${info.apiToken}
  # ask for a restore (202 + Retry-After), then ask again until it says RESTORED (200)
  curl -s -X POST -H "Authorization: Bearer $TOKEN" '${url(archived)}'
  curl -s -H "Authorization: Bearer $TOKEN" '${url(archived)}'
  # a Standard object needs no restore (409 NotArchived); an unknown one is 404
  curl -s -X POST -H "Authorization: Bearer $TOKEN" '${url('standard/readme.txt')}'
  # what OSS itself saw (RestoreObject calls per object)
  curl -s ${info.oss.endpoint}/-/stats

Ctrl-C stops everything.
`;
}
