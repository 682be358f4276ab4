// The Log trigger event, trusted only as far as it must be: the endpoint it names gets our signed
// requests, so it must be one of the region's Log Service endpoints (or the configured one); every
// field is type-checked; and the range is worked on only until the invocation's deadline.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock';
import type { AccessLogRecord, AccessLogSource } from '../../../lib/events/access-log';
import { handleAccessLogRange, MalformedTriggerEventError, parseLogTriggerEvent, RangeIncompleteError } from '../../../lib/events/log-trigger';
import { silentLogger } from '../../../lib/log';
import { Coordinator } from '../../../lib/restore/coordinator';
import { SlsDeadlineError } from '../../../lib/sls/errors';
import { MemoryStateStore } from '../../../lib/store/memory';
import { FakeObjectStore } from '../../support/fake-object-store';
import { ref, T0 } from '../../support/records';

const ACCESS_LOG = { project: 'oss-log-1234567890-cn-hangzhou', logstore: 'oss-log-store' };
const HANGZHOU = { region: 'cn-hangzhou', ...ACCESS_LOG };

function event(source: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    source: {
      endpoint: 'http://cn-hangzhou-intranet.log.aliyuncs.com',
      projectName: 'oss-log-1234567890-cn-hangzhou',
      logstoreName: 'oss-log-store',
      shardId: 0,
      beginCursor: 'MTc2NzIyNTYwMDAwMDAwMDAwMA==',
      endCursor: 'MTc2NzIyNTYwMDAwMDAwMDAwNQ==',
      ...source,
    },
    jobName: 'job',
    taskId: 'task',
    cursorTime: 1767225600,
    ...extra,
  };
}

describe('parseLogTriggerEvent: the endpoint', () => {
  it.each([
    ['the VPC endpoint, as FC sends it', 'http://cn-hangzhou-intranet.log.aliyuncs.com'],
    ['the public endpoint over https', 'https://cn-hangzhou.log.aliyuncs.com'],
    ['a bare host', 'cn-hangzhou.log.aliyuncs.com'],
    ['upper case and a trailing slash', 'HTTPS://CN-HANGZHOU.LOG.ALIYUNCS.COM/'],
    ['the default port written out', 'http://cn-hangzhou-intranet.log.aliyuncs.com:80'],
  ])('accepts %s', (_label, endpoint) => {
    expect(parseLogTriggerEvent(event({ endpoint }), HANGZHOU).source.endpoint).toBe(endpoint);
  });

  it.each([
    ['another host', 'http://collector.example.com'],
    ['another region', 'http://cn-shanghai-intranet.log.aliyuncs.com'],
    ['a look-alike suffix', 'http://cn-hangzhou.log.aliyuncs.com.example.com'],
    ['a look-alike prefix', 'http://evil-cn-hangzhou.log.aliyuncs.com'],
    ['credentials in the URL', 'http://user:pw@cn-hangzhou.log.aliyuncs.com'],
    ['another port', 'http://cn-hangzhou.log.aliyuncs.com:8080'],
    ['a path', 'http://cn-hangzhou.log.aliyuncs.com/x'],
    ['a query', 'http://cn-hangzhou.log.aliyuncs.com?x=1'],
    ['another scheme', 'ftp://cn-hangzhou.log.aliyuncs.com'],
    ['an IP address', 'http://100.100.100.200'],
    ['a userinfo trick', 'http://cn-hangzhou.log.aliyuncs.com@collector.example.com'],
  ])('refuses %s before any request is signed', (_label, endpoint) => {
    expect(() => parseLogTriggerEvent(event({ endpoint }), HANGZHOU)).toThrow(MalformedTriggerEventError);
    expect(() => parseLogTriggerEvent(event({ endpoint }), HANGZHOU)).toThrow('is not a Log Service endpoint');
  });

  it('accepts the configured endpoint exactly, on host and port, and the region’s beside it', () => {
    const rule = { region: 'cn-hangzhou', endpoint: 'http://127.0.0.1:4510', ...ACCESS_LOG };
    expect(parseLogTriggerEvent(event({ endpoint: 'http://127.0.0.1:4510' }), rule).source.endpoint).toBe('http://127.0.0.1:4510');
    expect(parseLogTriggerEvent(event({ endpoint: 'https://cn-hangzhou.log.aliyuncs.com' }), rule).source.endpoint).toBe(
      'https://cn-hangzhou.log.aliyuncs.com',
    );
    expect(() => parseLogTriggerEvent(event({ endpoint: 'http://127.0.0.1:4511' }), rule)).toThrow(
      'trusted: cn-hangzhou.log.aliyuncs.com, cn-hangzhou-intranet.log.aliyuncs.com, http://127.0.0.1:4510',
    );
    expect(() => parseLogTriggerEvent(event({ endpoint: 'https://127.0.0.1:4510' }), rule)).toThrow(MalformedTriggerEventError);
  });

  it('trusts nothing without a region or a configured endpoint, and says why', () => {
    expect(() => parseLogTriggerEvent(event({}), ACCESS_LOG)).toThrow('FC_REGION is not set and THAW_SLS_ENDPOINT names none');
  });
});

// The event's project and logstore are input too. Anyone allowed to invoke the function
// could name a logstore they can write to; only the configured access log is read.
describe('parseLogTriggerEvent: the project and logstore', () => {
  it.each([
    ['another project', { projectName: 'attacker-project' }],
    ['another logstore of the same project', { logstoreName: 'writable-copy' }],
    ['the trigger’s own execution log', { logstoreName: 'fc-trigger-log' }],
  ])('refuses %s, naming the configured one', (_label, source) => {
    expect(() => parseLogTriggerEvent(event(source), HANGZHOU)).toThrow(
      'is not the configured access log oss-log-1234567890-cn-hangzhou/oss-log-store (THAW_ACCESS_LOG_PROJECT / THAW_ACCESS_LOG_LOGSTORE)',
    );
  });

  it('trusts no event until both are configured', () => {
    expect(() => parseLogTriggerEvent(event({}), { region: 'cn-hangzhou' })).toThrow('THAW_ACCESS_LOG_PROJECT and THAW_ACCESS_LOG_LOGSTORE must name');
    expect(() => parseLogTriggerEvent(event({}), { region: 'cn-hangzhou', project: ACCESS_LOG.project })).toThrow(MalformedTriggerEventError);
  });
});

describe('parseLogTriggerEvent: the fields', () => {
  it('keeps what it checked and nothing else', () => {
    const parsed = parseLogTriggerEvent(Buffer.from(JSON.stringify(event({ shardId: 3 }, { parameter: { a: 1 }, extra: 'x' }))), HANGZHOU);
    expect(parsed).toEqual({
      source: {
        endpoint: 'http://cn-hangzhou-intranet.log.aliyuncs.com',
        projectName: 'oss-log-1234567890-cn-hangzhou',
        logstoreName: 'oss-log-store',
        shardId: 3,
        beginCursor: 'MTc2NzIyNTYwMDAwMDAwMDAwMA==',
        endCursor: 'MTc2NzIyNTYwMDAwMDAwMDAwNQ==',
      },
      jobName: 'job',
      taskId: 'task',
      cursorTime: 1767225600,
      parameter: { a: 1 },
    });
  });

  it.each([
    ['shardId true (read as shard 1 before)', { shardId: true }, 'source.shardId must be a non-negative integer, got boolean true'],
    ['shardId as a string', { shardId: '1' }, 'got "1"'],
    ['a fractional shardId', { shardId: 1.5 }, 'got number 1.5'],
    ['a shardId past 2^53', { shardId: 2 ** 60 }, 'source.shardId'],
    ['no shardId', { shardId: undefined }, 'got nothing'],
    ['shardId null', { shardId: null }, 'got null'],
    ['a numeric projectName', { projectName: 12 }, 'no source.projectName string'],
    ['a project name Log Service would refuse', { projectName: 'Oss_Log' }, 'is not a Log Service project name'],
    ['a logstore with a slash', { logstoreName: 'a/../b' }, 'is not a logstore name'],
    ['a cursor with a newline', { beginCursor: 'MTc2\nNzI=' }, 'source.beginCursor "MTc2\\nNzI=" is not a cursor'],
    ['a cursor of 10,000 characters', { endCursor: 'A'.repeat(10_000) }, 'source.endCursor'],
    ['an array as endpoint', { endpoint: ['x'] }, 'no source.endpoint string'],
  ])('refuses %s, naming the field', (_label, source, message) => {
    expect(() => parseLogTriggerEvent(event(source), HANGZHOU)).toThrow(message);
  });

  it.each([
    ['a numeric jobName', { jobName: 5 }, 'jobName must be a string, got number 5'],
    ['an object taskId', { taskId: {} }, 'taskId must be a string, got an object'],
    ['a string cursorTime', { cursorTime: '1767225600' }, 'cursorTime must be a number'],
    ['an array event', null, 'is not a JSON object'],
  ])('refuses %s', (_label, extra, message) => {
    const payload = extra === null ? [event({})] : event({}, extra);
    expect(() => parseLogTriggerEvent(payload, HANGZHOU)).toThrow(message);
  });

  it('refuses an event far larger than a Log trigger sends, before parsing it', () => {
    const huge = Buffer.from(JSON.stringify(event({}, { parameter: 'x'.repeat(100_000) })));
    expect(() => parseLogTriggerEvent(huge, HANGZHOU)).toThrow('more than 65536');
  });
});

/** A source that yields `records` and then either ends or stops at the deadline, as LogStoreReader does. */
function scriptedSource(records: AccessLogRecord[], end: 'ends' | 'deadline'): AccessLogSource & { options: unknown[] } {
  const options: unknown[] = [];
  return {
    options,
    async *pullRange(_shard, _begin, _end, opts) {
      options.push(opts);
      yield* records;
      if (end === 'deadline') throw new SlsDeadlineError('PullLogs');
    },
  };
}

function refused(key: string): AccessLogRecord {
  return {
    time: T0 / 1000,
    topic: 'oss_access_log',
    contents: {
      operation: 'GetObject',
      http_status: '403',
      error_code: 'InvalidObjectState',
      bucket: 'thaw-test',
      object: encodeURIComponent(key),
      requester_id: '1234567890',
    },
  };
}

describe('handleAccessLogRange at the deadline', () => {
  const range = parseLogTriggerEvent(event({}), HANGZHOU);

  it('passes the deadline to the reader, coordinates what was read, and fails the range so FC retries it', async () => {
    const clock = new ManualClock(T0);
    const objects = new FakeObjectStore(clock);
    for (const k of ['a', 'b']) objects.put(ref(k), 'Archive');
    const store = new MemoryStateStore();
    const source = scriptedSource([refused('a'), refused('b'), refused('a')], 'deadline');
    const deadlineAtMs = T0 + 60_000;
    const error = await handleAccessLogRange(
      range,
      { source, coordinator: new Coordinator({ store, objects, clock }), log: silentLogger },
      { deadlineAtMs },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeIncompleteError);
    expect(error).toMatchObject({ unread: true, summary: { restoreStarted: 2, unstarted: 0 } });
    expect((error as Error).message).toContain('the range was not read to its end before the deadline');
    expect(source.options).toEqual([expect.objectContaining({ deadlineAtMs })]);
    // What was read is recorded; the retry of the range finds it live and costs nothing.
    expect(store.all().map((r) => `${r.key} ${r.state}`)).toEqual(['a RESTORING', 'b RESTORING']);
  });

  it('stops reading once the coordinator left misses unstarted for the deadline', async () => {
    const clock = new ManualClock(T0);
    const objects = new FakeObjectStore(clock);
    objects.put(ref('a'), 'Archive');
    let pulled = 0;
    const source: AccessLogSource = {
      async *pullRange() {
        for (;;) {
          pulled++;
          yield refused('a');
        }
      },
    };
    // Already past the point where one OSS call could finish: nothing is claimed.
    const error = await handleAccessLogRange(
      range,
      { source, coordinator: new Coordinator({ store: new MemoryStateStore(), objects, clock }), log: silentLogger },
      { deadlineAtMs: T0 + 1_000, batchSize: 10 },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ unread: true, summary: { unstarted: 1 } });
    expect(pulled).toBe(10);
  });

  it('counts and logs a LogGroup skipped for its size, and still finishes the range', async () => {
    const clock = new ManualClock(T0);
    const objects = new FakeObjectStore(clock);
    objects.put(ref('a'), 'Archive');
    const errors: unknown[] = [];
    const log = { ...silentLogger, error: (msg: string, fields?: unknown) => errors.push([msg, fields]), child: () => log };
    const source: AccessLogSource = {
      async *pullRange(_s, _b, _e, opts) {
        opts?.onOversized?.({ sizeBytes: 300_000_000, limitBytes: 16_777_216 });
        yield refused('a');
      },
    };
    const result = await handleAccessLogRange(range, { source, coordinator: new Coordinator({ store: new MemoryStateStore(), objects, clock }), log });
    expect(result).toMatchObject({ records: 1, misses: 1, oversizedLogGroups: 1 });
    expect(errors).toEqual([['LogGroup over the page limit skipped', { shardId: 0, logGroupBytes: 300_000_000, pageLimitBytes: 16_777_216 }]]);
  });
});
