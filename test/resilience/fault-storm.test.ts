// 50 fresh function instances at once over duplicate-heavy misses, while the OSS and Tablestore
// emulators fail 20% of requests: 5% answered with their transient error before anything is
// applied, 5% reset before, 5% applied and then reset, 5% applied and never answered (the client's
// timeout ends them). Each instance starts cold (its table check under the same faults) and runs
// the access-log path; a failed invocation is retried as FC retries a Log trigger range (three
// more times, maxRetryTime in template.yml), each time on a fresh instance. Then the faults stop
// and the sweeper runs. Whatever the interleaving, no object may be billed twice (one 202 per
// object), and no miss may be lost: every object ends with a record of its running restore.
import { setImmediate as yieldTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { loadConfig } from '../../lib/config';
import { seededRandom } from '../../lib/emulators/shared/faults';
import type { AccessLogRecord } from '../../lib/events/access-log';
import { handleAccessLogRange } from '../../lib/events/log-trigger';
import { silentLogger } from '../../lib/log';
import { objectRef, recordId } from '../../lib/restore/object-ref';
import { sweep } from '../../lib/restore/sweep';
import { buildServices } from '../../lib/wiring';
import { type ResilienceStack, startResilienceStack } from './stack';

const BUCKET = 'thaw-storm';
const OBJECTS = 200;
const INVOCATIONS = 50;
const MISSES_PER_INVOCATION = 200;
const FC_RETRIES = 3;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
// Keys as users name them: spaces, unicode, +, %, ?, #, and a deep prefix.
const keyOf = (i: number) => [`logs/2025/12/part ${i}.gz`, `data/ü-${i}+x.parquet`, `q/what?${i}#frag`, `pct/100%-${i}`][i % 4]!;

function refusedRead(key: string): AccessLogRecord {
  const object = encodeURIComponent(key);
  return {
    time: T0 / 1000 - 60,
    topic: 'oss_access_log',
    contents: {
      operation: 'GetObject',
      http_status: '403',
      error_code: 'InvalidObjectState',
      bucket: BUCKET,
      object,
      request_uri: `/${object}`,
      requester_id: '1',
    },
  };
}

describe('resilience: 50 invocations under 20% faults, lost acknowledgements included', () => {
  let stack: ResilienceStack;
  beforeAll(async () => {
    stack = await startResilienceStack(BUCKET, 'thaw_storm');
    for (let i = 0; i < OBJECTS; i++) stack.oss.putObject(BUCKET, keyOf(i), 'x', { storageClass: 'Archive' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  // About 20 s of CPU on this 2-core machine (50 instances and both emulators in one process),
  // more beside other test files or under faketime: the timeout bounds a hang, not the speed.
  it('bills each object once and loses no miss, through cold starts, FC retries and the sweeper', async () => {
    // Short client timeouts, so an answer that never comes costs 2 s, not 10 (shorter ones would
    // also cut off answers that are merely late: 50 instances and both emulators share this process).
    const config = loadConfig(stack.env({ THAW_OSS_TIMEOUT_MS: '2000', THAW_TABLESTORE_TIMEOUT_MS: '2000', THAW_LEASE_SECONDS: '10' }));
    const clock = new ManualClock(T0);
    const instance = (seed: number) =>
      buildServices(config, stack.credentials, { clock, log: silentLogger, sleep: async () => void (await yieldTurn()), random: seededRandom(seed) });
    // Each invocation reads its own range: 200 misses drawn from the same 200 objects, so every
    // object is missed ~50 times across invocations, and twice within some.
    const ranges = Array.from({ length: INVOCATIONS }, (_, n) =>
      Array.from({ length: MISSES_PER_INVOCATION }, (_, i) => refusedRead(keyOf((i * 7 + n * 13) % OBJECTS))),
    );
    const event = {
      source: { endpoint: 'http://cn-hangzhou-intranet.log.aliyuncs.com', projectName: 'p', logstoreName: 'l', shardId: 0, beginCursor: 'A', endCursor: 'B' },
    };

    stack.faults({ seed: 42, rules: [{ operation: '*', errorRate: 0.05, resetRate: 0.05, ackResetRate: 0.05, ackDropRate: 0.05 }] });
    const attempts = await Promise.all(
      ranges.map(async (records, n) => {
        for (let attempt = 0; ; attempt++) {
          const services = instance(1_000 * n + attempt);
          try {
            await services.ready();
            await handleAccessLogRange(event, {
              source: {
                pullRange: async function* () {
                  yield* records;
                },
              },
              coordinator: services.coordinator,
              log: silentLogger,
            });
            return attempt + 1;
          } catch (err) {
            if (attempt === FC_RETRIES) return { gaveUp: String(err) };
          }
        }
      }),
    );
    const injected = stack.injected();
    stack.faults(undefined);

    // The faults struck: every kind, on both services.
    for (const kinds of [injected.oss, injected.tablestore]) {
      for (const kind of ['error', 'reset', 'ack-reset', 'ack-drop']) expect(kinds[kind], kind).toBeGreaterThan(0);
    }
    expect(attempts.filter((a) => typeof a !== 'number')).toEqual([]);

    // Faults off; the sweeper runs as its timer would, later (leases lapsed, retryAt passed).
    for (let run = 0; run < 3; run++) {
      clock.advance(2 * 3_600_000);
      const services = instance(9_000 + run);
      await services.ready();
      await sweep({ ...services, log: silentLogger }, { limit: 1_000 });
    }

    const ids = Array.from({ length: OBJECTS }, (_, i) => recordId(objectRef({ bucket: BUCKET, key: keyOf(i) })));
    const records = await instance(9_999).store.getMany(ids);
    const states = ids.map((id) => records.get(id)?.state ?? 'NO RECORD (lost)');
    expect(states.filter((s) => s !== 'RESTORING' && s !== 'RESTORED')).toEqual([]);
    // One billed restore per object: never two, however many answers were lost and retried.
    const billed = stack.billed();
    expect(Array.from({ length: OBJECTS }, (_, i) => billed.get(`${BUCKET}/${encodeURIComponent(keyOf(i))}`) ?? 0)).toEqual(Array(OBJECTS).fill(1));
    expect([...billed.values()].reduce((a, b) => a + b, 0)).toBe(OBJECTS);

    if (process.env.THAW_RESILIENCE_REPORT) {
      const restoreCalls = stack.log.filter((r) => r.operation === 'RestoreObject').length;
      process.stdout.write(
        `${JSON.stringify({ injected, attempts: attempts.reduce((n: number, a) => n + (a as number), 0), restoreCalls, billed: OBJECTS })}\n`,
      );
    }
  }, 180_000);
});
