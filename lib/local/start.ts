// `thaw start` (npm start) and `thaw dev`: run the local stack and say how to use it.
import { untilSignalled } from '../shutdown';
import { sleep } from '../clock';
import type { LogLevel } from '../log';
import type { Platform } from '../deploy/platform';
import { DEMO_BUCKET, DEMO_OBJECTS } from './demo';
import { type StackDescription, startStack } from './stack';
import { controlFetch, controlSignature } from '../emulators/shared/control';

export interface LocalStackRun {
  readonly port: number;
  readonly timeScale: number;
  readonly logLevel: LogLevel;
  /** One line of JSON (endpoints, keys, token) instead of the guide. */
  readonly json: boolean;
  /** Show the loop live once the stack is up (npm start). */
  readonly demo: boolean;
  readonly platform?: Platform;
}

export async function runLocalStack(options: LocalStackRun): Promise<void> {
  // npm start shows the deploy into the local FC API as it happens; --json prints one line only.
  if (!options.json) process.stdout.write('Starting the emulators, building the functions and deploying template.yml into the local FC API...\n');
  const stack = await startStack({
    port: options.port,
    timeScale: options.timeScale,
    platform: options.platform,
    logLevel: options.json ? options.logLevel : 'warn',
    out: options.json ? undefined : (text) => process.stdout.write(text),
  });
  const info = stack.describe();
  // Listen before announcing: a SIGTERM right after the line must still close cleanly.
  const signalled = untilSignalled();
  process.stdout.write(options.json ? `${JSON.stringify(info)}\n` : guide(info, options.timeScale));
  const stopDemo = new AbortController();
  const demo = options.demo
    ? showTheLoop(info, stopDemo.signal).catch((err: unknown) => {
        if (!stopDemo.signal.aborted) process.stdout.write(`demo stopped: ${(err as Error).message}\n`);
      })
    : undefined;
  await signalled;
  stopDemo.abort();
  await demo;
  await stack.close();
}

/**
 * What `npm start` shows first: an application reads an archived object, fails, and with no API
 * call the access log starts the restore; when it is done the read succeeds.
 */
async function showTheLoop(info: StackDescription, signal: AbortSignal): Promise<void> {
  const { default: OSS } = await import('ali-oss');
  const say = (line: string) => process.stdout.write(`  [${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const key = DEMO_OBJECTS.find((o) => o.storageClass === 'Archive')!.key;
  const oss = new OSS({ endpoint: info.oss.endpoint, accessKeyId: info.oss.accessKeyId, accessKeySecret: info.oss.accessKeySecret, bucket: DEMO_BUCKET });
  process.stdout.write(`\nThe loop, live (no API call): an application reads ${DEMO_BUCKET}/${key}\n`);
  try {
    await oss.get(key);
  } catch (err) {
    say(`GET → ${(err as { status?: number }).status} ${(err as { code?: string }).code}: the object is archived`);
  }
  say('OSS writes the failed GET to its access log → Log Service → Log trigger → access-log function');
  const url = `${info.api}/v1/restores/${DEMO_BUCKET}/${encodeURIComponent(key)}`;
  let last = '';
  for (let i = 0; i < 600; i++) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${info.apiToken}` }, signal });
    const body = res.status === 404 ? undefined : ((await res.json()) as { state: string; etaAt: string | null; expiresAt: string | null });
    const state = body?.state ?? 'no record yet';
    if (state !== last) {
      say(`record: ${state}${body?.etaAt ? ` (ETA ${body.etaAt})` : ''}${body?.expiresAt ? ` (readable until ${body.expiresAt})` : ''}`);
      last = state;
    }
    if (state === 'RESTORED') break;
    await sleep(200, signal);
  }
  const { content } = await oss.get(key);
  say(`GET → 200, ${content.length} bytes: ${JSON.stringify(content.toString().split('\n')[0])}…`);
  const stats = (await (await controlFetch(`${info.oss.endpoint}/-/stats`, {}, info.oss)).json()) as { restores: Record<string, number> };
  say(`RestoreObject calls for it, counted by the OSS emulator: ${stats.restores[`${DEMO_BUCKET}/${key}`] ?? 0}`);
  process.stdout.write('\nEverything keeps running; try the commands above. Ctrl-C stops it.\n');
}

function guide(info: StackDescription, timeScale: number): string {
  // The live demo reads the first Archive object; the guide suggests the other one.
  const archived = DEMO_OBJECTS.filter((o) => o.storageClass === 'Archive')[1]!.key;
  const url = (key: string) => `${info.api}/v1/restores/${DEMO_BUCKET}/${encodeURIComponent(key)}`;
  const objects = DEMO_OBJECTS.map((o) => `    ${o.storageClass.padEnd(16)} ${o.key}`).join('\n');
  return `
oss-thaw is running locally against embedded emulators${timeScale > 1 ? ` (restores run ${timeScale}x faster)` : ''}.

  API         ${info.api}
  API token   ${info.apiToken}
  OSS         ${info.oss.endpoint}   region ${info.oss.region}
              accessKeyId ${info.oss.accessKeyId}   accessKeySecret ${info.oss.accessKeySecret}
  Tablestore  ${info.tablestore.endpoint}   instance ${info.tablestore.instance}
  Log Service ${info.sls.endpoint}   project ${info.sls.project}   logstore ${info.sls.logstore}

Demo bucket ${DEMO_BUCKET}:
${objects}

Try it:
  export TOKEN=${info.apiToken}
  # ask for a restore (202 + Retry-After), then ask again until it says RESTORED (200)
  curl -s -X POST -H "Authorization: Bearer $TOKEN" '${url(archived)}'
  curl -s -H "Authorization: Bearer $TOKEN" '${url(archived)}'
  # a Standard object needs no restore (409 NotArchived); an unknown one is 404
  curl -s -X POST -H "Authorization: Bearer $TOKEN" '${url('standard/readme.txt')}'
  # what OSS itself saw (RestoreObject calls per object); control routes are signed with the owner key
  curl -s -H 'Authorization: THAW-CONTROL ${info.oss.accessKeyId}:${controlSignature(info.oss.accessKeySecret, 'GET', '/-/stats', '')}' ${info.oss.endpoint}/-/stats
  # the local FC API: run the sweeper now, or see what a deploy would change (npm start deployed
  # template.yml into it with the same code as \`thaw deploy\`)
  export ALIBABA_CLOUD_ACCESS_KEY_ID=${info.fc.accessKeyId} ALIBABA_CLOUD_ACCESS_KEY_SECRET=${info.fc.accessKeySecret}
  npx thaw invoke sweeper --endpoint ${info.fc.endpoint}
  npx thaw deploy --dry-run --endpoint ${info.fc.endpoint}
`;
}
