// The settings the resilience work added, read once into the frozen configuration; a bad value
// fails with a message naming the variable.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';
import { codeSpans, docTable } from '../support/markdown';

const REQUIRED = {
  THAW_ALLOW: 'thaw-test',
  THAW_OSS_ENDPOINT: 'https://oss-cn-hangzhou-internal.aliyuncs.com',
  THAW_TABLESTORE_ENDPOINT: 'https://thaw.cn-hangzhou.ots-internal.aliyuncs.com',
  THAW_TABLESTORE_INSTANCE: 'thaw',
};

describe('loadConfig: Log Service, page size and Tablestore timeout', () => {
  it('defaults: no region or endpoint trusted, 16 MiB pages, 10 s Tablestore requests', () => {
    const config = loadConfig(REQUIRED);
    expect(config.sls).toEqual({ region: undefined, endpoint: undefined, maxPageBytes: 16_777_216 });
    expect(config.tablestore.timeoutMs).toBe(10_000);
    expect(Object.isFrozen(config.sls)).toBe(true);
  });

  it('reads the function’s region from FC_REGION and one more endpoint from THAW_SLS_ENDPOINT', () => {
    const config = loadConfig({
      ...REQUIRED,
      FC_REGION: 'cn-hangzhou',
      THAW_SLS_ENDPOINT: 'http://127.0.0.1:4510/',
      THAW_SLS_MAX_PAGE_BYTES: '8388608',
      THAW_TABLESTORE_TIMEOUT_MS: '2500',
    });
    expect(config.sls).toEqual({ region: 'cn-hangzhou', endpoint: 'http://127.0.0.1:4510', maxPageBytes: 8_388_608 });
    expect(config.tablestore.timeoutMs).toBe(2_500);
  });

  it.each([
    ['THAW_SLS_ENDPOINT', 'http://cn-hangzhou.log.aliyuncs.com/path', 'nothing after the host and port'],
    ['THAW_SLS_ENDPOINT', 'ftp://cn-hangzhou.log.aliyuncs.com', 'http(s) endpoint'],
    ['THAW_SLS_ENDPOINT', 'http://user:pw@host', 'nothing after the host and port'],
    ['THAW_SLS_ENDPOINT', 'http://[', 'is not a host name'],
    ['THAW_SLS_MAX_PAGE_BYTES', '1048576', 'from 8388608 to 268435456'],
    ['THAW_TABLESTORE_TIMEOUT_MS', '0', 'from 100 to 120000'],
    ['FC_REGION', 'Hangzhou', 'does not match'],
  ])('refuses %s=%s, naming the variable', (variable, value, message) => {
    let error: unknown;
    try {
      loadConfig({ ...REQUIRED, [variable]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toContain(message);
  });
});

// The limits a caller cannot move, who may call, and which access log is trusted.
describe('loadConfig: cost bounds, tokens and the access log', () => {
  it('defaults: Days at most 7, a byte-day and a new-record budget, no token, nothing anonymous, no access log trusted', () => {
    const config = loadConfig(REQUIRED);
    expect(config.limits).toMatchObject({ maxDays: 7, dailyByteDays: 2 ** 40, dailyNewRecords: 20_000 });
    expect(config.auth).toEqual({ tokens: [], anonymous: false });
    expect(config.accessLog).toEqual({ project: undefined, logstore: undefined, anonymous: false });
  });

  it('reads scoped tokens beside the first release’s digests, which keep every scope', () => {
    const digest = 'c'.repeat(64);
    const config = loadConfig({ ...REQUIRED, THAW_API_TOKENS: `abcd1234:read:${'a'.repeat(64)}`, THAW_API_TOKEN_SHA256: digest });
    expect(config.auth.tokens).toEqual([
      { id: 'abcd1234', scopes: ['read'], sha256: 'a'.repeat(64) },
      { id: 'sha256-cccccccc', scopes: ['read', 'restore'], sha256: digest },
    ]);
  });

  it('reads the access log it trusts', () => {
    const config = loadConfig({
      ...REQUIRED,
      THAW_ACCESS_LOG_PROJECT: 'oss-log-123-cn-hangzhou',
      THAW_ACCESS_LOG_LOGSTORE: 'oss-log-store',
      THAW_ACCESS_LOG_ANONYMOUS: 'true',
    });
    expect(config.accessLog).toEqual({ project: 'oss-log-123-cn-hangzhou', logstore: 'oss-log-store', anonymous: true });
  });

  it.each([
    ['a bare host', 'oss-cn-hangzhou-internal.aliyuncs.com', 'https://oss-cn-hangzhou-internal.aliyuncs.com'],
    ['https', 'https://oss-cn-hangzhou.aliyuncs.com/', 'https://oss-cn-hangzhou.aliyuncs.com'],
    ['the emulator over http on loopback', 'http://127.0.0.1:9000', 'http://127.0.0.1:9000'],
  ])('settles THAW_OSS_ENDPOINT’s scheme: %s', (_label, value, endpoint) => {
    expect(loadConfig({ ...REQUIRED, THAW_OSS_ENDPOINT: value }).oss.endpoint).toBe(endpoint);
  });

  it.each([
    ['THAW_MAX_DAYS', '0', 'from 1 to 365'],
    ['THAW_MAX_DAYS', '366', 'from 1 to 365'],
    ['THAW_DAILY_NEW_RECORDS', '-1', 'integer from 0'],
    ['THAW_API_TOKENS', 'not-a-token', 'must be <id>:<scopes>:<sha256>'],
    ['THAW_OSS_ENDPOINT', 'http://oss-cn-hangzhou.aliyuncs.com', 'plain http to oss-cn-hangzhou.aliyuncs.com'],
    ['THAW_ACCESS_LOG_PROJECT', 'Bad_Project', 'does not match'],
    ['THAW_ACCESS_LOG_ANONYMOUS', 'maybe', 'true or false'],
  ])('refuses %s=%s, naming the variable', (variable, value, message) => {
    expect(() => loadConfig({ ...REQUIRED, [variable]: value })).toThrow(expect.objectContaining({ variable, message: expect.stringContaining(message) }));
  });

  it('refuses default Days above the cap', () => {
    expect(() => loadConfig({ ...REQUIRED, THAW_DEFAULT_DAYS: '10' })).toThrow('THAW_DEFAULT_DAYS: must be at most THAW_MAX_DAYS (7), got 10');
    expect(loadConfig({ ...REQUIRED, THAW_DEFAULT_DAYS: '10', THAW_MAX_DAYS: '30' }).restore.defaultDays).toBe(10);
  });
});

describe('docs/configuration.md: the variables', () => {
  const variablesOf = (heading: string) => docTable('docs/configuration.md', heading, 'variable').flatMap((r) => codeSpans(r[0]!));
  const NAME = /^(THAW|FC|RAM|STS)_[A-Z0-9_]+$/;

  describe("the functions' variables", () => {
    // Every variable lib/config.ts reads has a row, and every row names one it reads.
    const read = new Set([...readFileSync('lib/config.ts', 'utf8').matchAll(/'((?:THAW|FC)_[A-Z0-9_]+)'/g)].map((m) => m[1]!));
    const rows = variablesOf("## The functions' variables");

    it('lists every variable the functions read', () => {
      expect([...read].filter((v) => !rows.includes(v)).sort()).toEqual([]);
    });

    it('lists nothing the functions do not read', () => {
      expect(rows.filter((v) => NAME.test(v) && !read.has(v)).sort()).toEqual([]);
    });
  });

  describe("the command line's variables", () => {
    // What the thaw commands take from their environment: env.NAME, env['NAME'], or a config
    // reader's 'NAME' (thaw tables create reads the functions' Tablestore variables that way).
    const TOOLING = ['lib/cli', 'lib/operator', 'lib/deploy', 'lib/local'];
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [readFileSync(join(dir, e.name), 'utf8')] : [],
      );
    const texts = TOOLING.flatMap(sources);
    const read = new Set(
      texts.flatMap((text) => [
        ...[...text.matchAll(/\benv(?:\.|\[')((?:THAW|FC|RAM|STS)_[A-Z0-9_]+)/g)].map((m) => m[1]!),
        ...[...text.matchAll(/\bread\.\w+\('((?:THAW|FC)_[A-Z0-9_]+)'/g)].map((m) => m[1]!),
      ]),
    );
    const rows = variablesOf("## The command line's variables");

    it('finds what the commands read', () => {
      expect([...read]).toContain('THAW_API_TOKEN');
      expect([...read]).toContain('THAW_TABLESTORE_INSTANCE');
    });

    it('lists every variable the commands read', () => {
      expect([...read].filter((v) => !rows.includes(v)).sort()).toEqual([]);
    });

    it('lists nothing the commands do not read', () => {
      expect(rows.filter((v) => NAME.test(v) && !read.has(v)).sort()).toEqual([]);
    });
  });
});
