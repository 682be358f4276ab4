// The deployable artifact: esbuild bundles of every function load in a plain Node process (no
// tsx) and the HTTP one answers through the FC 3.0 calling convention against the emulators.
// Guards the esbuild + tablestore trap (a top-level "use strict" breaks tablestore at run time).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newToken } from '../../lib/api/tokens';
import { startOssEmulator, type OssEmulator } from '../../lib/emulators/oss';
import { startTablestoreEmulator } from '../../lib/emulators/tablestore';
import { type BuiltFunction, buildFunctions } from '../../lib/build/bundle';
import { objectRef, recordId } from '../../lib/restore/object-ref';
import { TablestoreStateStore } from '../../lib/store/tablestore';
import { TablestoreAdmin } from '../../lib/store/tablestore-admin';
import { ensureTables } from '../../lib/store/tablestore-schema';
import { childEnv } from '../support/child-env';

const TOKEN = newToken(['read', 'restore']);

const run = promisify(execFile);

// Invokes the bundle's handler once per event given on argv, printing each result as a line.
const INVOKE = `
const { handler } = require(process.argv[1]);
const creds = { accessKeyId: process.env.KEY_ID, accessKeySecret: process.env.KEY_SECRET };
(async () => {
  for (const event of process.argv.slice(2)) {
    const result = await handler(Buffer.from(event), { requestId: 'r1', credentials: creds, function: { name: 'f', timeout: 30 } });
    process.stdout.write(JSON.stringify(result) + '\\n');
  }
})().catch((err) => { console.error(err); process.exit(1); });
`;

describe('function bundles', () => {
  let outDir: string;
  let built: BuiltFunction[];
  let oss: OssEmulator;
  let tablestore: Awaited<ReturnType<typeof startTablestoreEmulator>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'thaw-bundle-'));
    await mkdir('.build', { recursive: true });
    built = await buildFunctions({ outDir, quiet: true });
    oss = await startOssEmulator();
    oss.createBucket('thaw-bundle');
    oss.putObject('thaw-bundle', 'plain.txt', 'x', { storageClass: 'Standard' });
    oss.putObject('thaw-bundle', 'cold.bin', 'x', { storageClass: 'ColdArchive' });
    oss.putObject('thaw-bundle', 'rewritten.bin', 'x', { storageClass: 'Archive' });
    tablestore = await startTablestoreEmulator();
    // The tables are made at deploy time (thaw deploy), as in the cloud: the functions only check them.
    const ts = tablestore.describe() as { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
    await ensureTables(new TablestoreAdmin({ ...ts, table: 'thaw_bundle' }));
    const creds = oss.describe() as { accessKeyId: string; accessKeySecret: string };
    // Extends the parent's environment: under faketime the bundles must share the emulators' clock.
    env = childEnv({
      KEY_ID: creds.accessKeyId,
      KEY_SECRET: creds.accessKeySecret,
      THAW_ALLOW: 'thaw-bundle',
      THAW_API_TOKENS: TOKEN.configured,
      THAW_OSS_ENDPOINT: oss.endpoint,
      THAW_TABLESTORE_ENDPOINT: ts.endpoint,
      THAW_TABLESTORE_INSTANCE: ts.instance,
      THAW_TABLE: 'thaw_bundle',
      THAW_LOG_LEVEL: 'error',
    });
  });
  afterAll(async () => {
    await oss?.close();
    await tablestore?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('builds one CommonJS bundle per function, with the SDKs in files of their own', () => {
    expect(built.map((b) => b.name)).toEqual(['access-log', 'http', 'storage-event', 'sweeper']);
    for (const b of built) {
      expect(b.files).toEqual(['index.js', 'package.json', 'sdk/ali-oss.js', 'sdk/tablestore.js']);
      // oss-thaw's own code only: the SDKs (1.7 MB together) are not compiled when the bundle loads.
      expect(b.bytes).toBeLessThan(200_000);
      expect(b.bytes).toBeGreaterThan(20_000);
    }
  });

  it('loads no SDK when the bundle loads, and the one an invocation needs when it runs', async () => {
    const sweeper = built.find((b) => b.name === 'sweeper')!;
    const loadedSdks = `
      const sdks = () => Object.keys(require.cache).filter((f) => f.includes('/sdk/')).map((f) => f.split('/').pop()).sort().join(',');
      const { handler } = require(process.argv[1]);
      const atLoad = sdks();
      handler(Buffer.from('{}'), { requestId: 'r', credentials: { accessKeyId: process.env.KEY_ID, accessKeySecret: process.env.KEY_SECRET }, function: { timeout: 30 } })
        .then(() => console.log(JSON.stringify({ atLoad, afterSweep: sdks() })));
    `;
    const { stdout } = await run(process.execPath, ['-e', loadedSdks, sweeper.outfile], { env });
    // An empty sweep reads the due index and calls no OSS: ali-oss is never loaded.
    expect(JSON.parse(stdout)).toEqual({ atLoad: '', afterSweep: 'tablestore.js' });
  });

  it('exports its handlers when required inside the checkout, whose package.json says "type": "module"', async () => {
    // Built under the repository's own .build/, where the nearest package.json would otherwise be ours.
    const inside = await mkdtemp(join('.build', 'bundle-test-'));
    try {
      const [http] = await buildFunctions({ outDir: inside, quiet: true, only: ['http'] });
      expect(JSON.parse(await readFile(join(inside, 'http', 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
      const { stdout } = await run(
        process.execPath,
        ['-e', 'console.log(Object.keys(require(process.argv[1])).sort().join(","))', join(process.cwd(), http!.outfile)],
        {
          env: childEnv(),
        },
      );
      expect(stdout.trim()).toBe('fc2Handler,handler');
      // The source map stays beside the bundle, unreferenced (the zip leaves it out).
      expect(await readFile(`${http!.outfile}.map`, 'utf8')).toContain('"sources"');
      expect(await readFile(http!.outfile, 'utf8')).not.toContain('sourceMappingURL');
    } finally {
      await rm(inside, { recursive: true, force: true });
    }
  });

  it('serves the API from the http bundle through the FC 3.0 convention', async () => {
    const http = built.find((b) => b.name === 'http')!;
    const event = (method: string, rawPath: string) =>
      JSON.stringify({
        version: 'v1',
        rawPath,
        headers: { authorization: `Bearer ${TOKEN.token}` },
        queryParameters: {},
        body: '',
        isBase64Encoded: false,
        requestContext: { http: { method } },
      });
    const { stdout } = await run(
      process.execPath,
      [
        '-e',
        INVOKE,
        http.outfile,
        event('GET', '/v1/health'),
        event('POST', '/v1/restores/thaw-bundle/plain.txt'),
        event('POST', '/v1/restores/thaw-bundle/cold.bin'),
      ],
      { env },
    );
    const [health, plain, cold] = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(health).toMatchObject({ statusCode: 200 });
    expect(plain.statusCode).toBe(409);
    expect(JSON.parse(plain.body).error.code).toBe('NotArchived');
    expect(cold.statusCode).toBe(202);
    expect(JSON.parse(cold.body)).toMatchObject({ state: 'RESTORING', storageClass: 'ColdArchive', tier: 'Standard' });
  });

  it('answers 503 + Retry-After, not a crash, when the state store is unreachable at cold start', async () => {
    const http = built.find((b) => b.name === 'http')!;
    const event = JSON.stringify({
      version: 'v1',
      rawPath: '/v1/health',
      headers: {},
      queryParameters: {},
      body: '',
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET' } },
    });
    const { stdout } = await run(process.execPath, ['-e', INVOKE, http.outfile, event], { env: { ...env, THAW_TABLESTORE_ENDPOINT: 'http://127.0.0.1:9' } });
    const result = JSON.parse(stdout);
    expect(result.statusCode).toBe(503);
    expect(result.headers['retry-after']).toBe('5');
  });

  it('fails a cold start on a missing table with an error that names it and the fix, and creates nothing', async () => {
    const sweeper = built.find((b) => b.name === 'sweeper')!;
    const failed = await run(process.execPath, ['-e', INVOKE, sweeper.outfile, '{}'], { env: { ...env, THAW_TABLE: 'thaw_undeployed' } }).then(
      () => undefined,
      (err: { stderr: string }) => err.stderr,
    );
    expect(failed).toContain("code: 'TablesMissing'");
    expect(failed).toContain('tables thaw_undeployed, thaw_undeployed_counters are missing in Tablestore instance');
    expect(failed).toContain('run thaw deploy (or thaw tables create)');
    // Readable text, not the SDK's raw protobuf bytes.
    expect([...(failed ?? '')].filter((c) => c.charCodeAt(0) < 9)).toEqual([]);
    const ts = tablestore.describe() as { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
    expect(await new TablestoreStateStore({ ...ts, table: 'thaw_undeployed' }).missingTables()).toEqual(['thaw_undeployed', 'thaw_undeployed_counters']);
  });

  it('creates the tables with `thaw tables create`, and says so once they exist', async () => {
    const fresh = { ...env, THAW_TABLE: 'thaw_cli', ALIBABA_CLOUD_ACCESS_KEY_ID: env.KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: env.KEY_SECRET };
    const first = await run(process.execPath, ['lib/bin/thaw.mjs', 'tables', 'create'], { env: fresh });
    expect(first.stdout).toBe('created: thaw_cli, thaw_cli_counters\n');
    const again = await run(process.execPath, ['lib/bin/thaw.mjs', 'tables', 'create'], { env: fresh });
    expect(again.stdout).toBe('tables already exist: thaw_cli, thaw_cli_counters\n');
  });

  it('runs the sweeper bundle (the Tablestore due index) and the storage-event bundle', async () => {
    const http = built.find((b) => b.name === 'http')!;
    const sweeper = built.find((b) => b.name === 'sweeper')!;
    const events = built.find((b) => b.name === 'storage-event')!;
    const swept = await run(process.execPath, ['-e', INVOKE, sweeper.outfile, '{}'], { env });
    expect(JSON.parse(swept.stdout)).toMatchObject({ due: 0 });

    // A record of its own, written by the http bundle on the clock every process here shares.
    const post = JSON.stringify({
      version: 'v1',
      rawPath: '/v1/restores/thaw-bundle/rewritten.bin',
      headers: { authorization: `Bearer ${TOKEN.token}` },
      queryParameters: {},
      body: '',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST' } },
    });
    const posted = await run(process.execPath, ['-e', INVOKE, http.outfile, post], { env });
    expect(JSON.parse(posted.stdout)).toMatchObject({ statusCode: 202 });
    const ts = tablestore.describe() as { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string };
    const id = recordId(objectRef({ bucket: 'thaw-bundle', key: 'rewritten.bin' }));
    const store = new TablestoreStateStore({ ...ts, table: 'thaw_bundle' });
    const written = (await store.getMany([id])).get(id)!;
    expect(written).toMatchObject({ state: 'RESTORING' });

    // The object is rewritten a second after the record was written: the record no longer describes it.
    const rewrite = (atMs: number) =>
      JSON.stringify({
        events: [
          {
            eventName: 'ObjectCreated:PutObject',
            eventSource: 'acs:oss',
            eventTime: new Date(atMs).toISOString(),
            region: 'cn-hangzhou',
            oss: { bucket: { name: 'thaw-bundle' }, object: { key: 'rewritten.bin', size: 1 } },
          },
        ],
      });
    const late = await run(process.execPath, ['-e', INVOKE, events.outfile, rewrite(written.updatedAtMs - 1000)], { env });
    // An event from before the record's write is old news: its HEAD already saw that object.
    expect(JSON.parse(late.stdout)).toMatchObject({ invalidated: 0 });
    const applied = await run(process.execPath, ['-e', INVOKE, events.outfile, rewrite(written.updatedAtMs + 1000)], { env });
    expect(JSON.parse(applied.stdout)).toMatchObject({ invalidated: 1 });
    expect((await store.getMany([id])).get(id)).toMatchObject({ version: written.version + 1, invalidatedAtMs: expect.any(Number) });
  });
});
