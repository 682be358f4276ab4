// The settings the resilience work added, read once into the frozen configuration; a bad value
// fails with a message naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';

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
