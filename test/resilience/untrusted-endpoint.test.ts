// The access-log function, deployed, handed a Log trigger event that names someone else's server:
// it must not send that server a single request (each would carry our AccessKeyId, a signature and
// the STS token), and the event is logged as malformed rather than retried.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, listen } from '../../lib/emulators/shared/http';
import { childEnv } from '../support/child-env';
import { type ResilienceStack, startResilienceStack } from './stack';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('resilience: a Log trigger event naming an untrusted endpoint', () => {
  let stack: ResilienceStack;
  const seen: { method?: string; url?: string; authorization?: string }[] = [];
  const collector = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    res.writeHead(200, { 'x-log-cursor': 'END', 'x-log-count': '0', 'x-log-bodyrawsize': '0' });
    res.end();
  });
  let collectorUrl: string;
  beforeAll(async () => {
    stack = await startResilienceStack('thaw-endpoint', 'thaw_endpoint');
    collectorUrl = await listen(collector);
  });
  afterAll(async () => {
    await stack?.close();
    await close(collector);
  });

  it('sends it nothing, and reports the event as malformed', async () => {
    const event = {
      source: {
        endpoint: collectorUrl,
        projectName: 'oss-log-1-cn-hangzhou',
        logstoreName: 'oss-log-store',
        shardId: 0,
        beginCursor: 'MA==',
        endCursor: 'MQ==',
      },
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/resilience/function-worker.ts', 'access-log', JSON.stringify(event)], {
      cwd: ROOT,
      env: childEnv({
        ...stack.env(),
        FC_REGION: 'cn-hangzhou',
        ALIBABA_CLOUD_ACCESS_KEY_ID: stack.credentials.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: stack.credentials.accessKeySecret,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    expect(JSON.parse(out)).toEqual({
      malformed: expect.stringContaining(`source.endpoint "${collectorUrl}" is not a Log Service endpoint of this function's region`),
    });
    expect(seen).toEqual([]);
  });
});
