import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { projectFromHost } from '../../../lib/emulators/sls/index';
import { previousCursor } from '../../../lib/sls/cursor';
import { resolveProjectEndpoint } from '../../../lib/sls/endpoint';
import { lz4BlockDecompress, lz4BlockStore, Lz4FormatError } from '../../../lib/sls/lz4';
import { authorizationHeader } from '../../../lib/sls/signature';

const require = createRequire(import.meta.url);

describe('lz4BlockDecompress', () => {
  it('expands literals and an overlapping back-reference', () => {
    // token 0x38: 3 literals "abc", then a match of 8+4 bytes at offset 3; token 0x50: 5 final literals.
    const block = Buffer.from([0x38, 0x61, 0x62, 0x63, 0x03, 0x00, 0x50, 0x58, 0x59, 0x5a, 0x31, 0x32]);
    expect(lz4BlockDecompress(block, 20).toString('latin1')).toBe('abcabcabcabcabcXYZ12');
  });

  it.each([
    ['an offset pointing before the start', Buffer.from([0x10, 0x61, 0x05, 0x00, 0x00]), 10],
    ['a zero offset', Buffer.from([0x10, 0x61, 0x00, 0x00, 0x00]), 10],
    ['literals past the end of the block', Buffer.from([0x50, 0x61]), 5],
    ['output longer than the declared size', Buffer.from([0x30, 0x61, 0x62, 0x63]), 2],
    ['output shorter than the declared size', Buffer.from([0x30, 0x61, 0x62, 0x63]), 4],
    ['an empty block', Buffer.alloc(0), 0],
  ])('rejects %s', (_label, block, size) => {
    expect(() => lz4BlockDecompress(block, size)).toThrow(Lz4FormatError);
  });
});

describe('lz4BlockStore', () => {
  it.each([0, 1, 14, 15, 16, 269, 270, 271, 5000])('round-trips %i bytes', (length) => {
    const data = Buffer.alloc(length, 0).map((_, i) => (i * 31) & 0xff);
    expect(lz4BlockDecompress(lz4BlockStore(data), length).equals(Buffer.from(data))).toBe(true);
  });
});

describe('resolveProjectEndpoint', () => {
  it.each([
    [
      'cn-hangzhou.log.aliyuncs.com',
      { protocol: 'https:', connectHost: 'p1.cn-hangzhou.log.aliyuncs.com', port: 443, hostHeader: 'p1.cn-hangzhou.log.aliyuncs.com' },
    ],
    // The Log trigger event names the VPC endpoint with http://; our signed requests
    // (and the STS token) still go over https ("All API endpoints support HTTP and HTTPS", SLS SDK basic settings).
    [
      'http://cn-hangzhou-intranet.log.aliyuncs.com',
      { protocol: 'https:', connectHost: 'p1.cn-hangzhou-intranet.log.aliyuncs.com', port: 443, hostHeader: 'p1.cn-hangzhou-intranet.log.aliyuncs.com' },
    ],
    ['http://10.1.2.3:4567', { protocol: 'https:', connectHost: '10.1.2.3', port: 4567, hostHeader: 'p1.10.1.2.3:4567' }],
    ['http://127.0.0.1:4567', { protocol: 'http:', connectHost: '127.0.0.1', port: 4567, hostHeader: 'p1.127.0.0.1:4567' }],
    ['127.0.0.1:4567', { protocol: 'http:', connectHost: '127.0.0.1', port: 4567, hostHeader: 'p1.127.0.0.1:4567' }],
    ['http://localhost:80/', { protocol: 'http:', connectHost: 'localhost', port: 80, hostHeader: 'p1.localhost' }],
  ])('resolves %s', (endpoint, expected) => {
    expect(resolveProjectEndpoint(endpoint, 'p1')).toEqual(expected);
  });

  it('rejects an endpoint that is not a URL', () => {
    expect(() => resolveProjectEndpoint('ftp://example.com', 'p1')).toThrow(TypeError);
    expect(() => resolveProjectEndpoint('  ', 'p1')).toThrow(TypeError);
  });
});

describe('projectFromHost', () => {
  it.each([
    ['oss-log-1-cn-hangzhou.cn-hangzhou.log.aliyuncs.com', 'oss-log-1-cn-hangzhou'],
    ['my-project.127.0.0.1:8080', 'my-project'],
    ['my-project.localhost:8080', 'my-project'],
    ['My-Project.example.internal', 'my-project'],
    ['cn-hangzhou.log.aliyuncs.com', undefined],
    ['127.0.0.1:8080', undefined],
    ['localhost', undefined],
    ['[::1]:8080', undefined],
    ['sls-emulator:8080', undefined],
  ])('reads %s as %s', (host, project) => {
    expect(projectFromHost(host)).toBe(project);
  });
});

describe('previousCursor', () => {
  it('steps back one position', () => {
    // "1447299606896632356" → "1447299606896632355"
    expect(previousCursor('MTQ0NzI5OTYwNjg5NjYzMjM1Ng==')).toBe('MTQ0NzI5OTYwNjg5NjYzMjM1NQ==');
  });

  it('has nothing before position zero or for non-numeric cursors', () => {
    expect(previousCursor('MA==')).toBeUndefined();
    expect(previousCursor('bm90LWEtbnVtYmVy')).toBeUndefined();
  });
});

describe('authorizationHeader', () => {
  it('matches what @alicloud/log signs for the same request', () => {
    const Client = require('@alicloud/log') as new (
      config: Record<string, string>,
    ) => {
      _sign(verb: string, path: string, queries: Record<string, string>, headers: Record<string, string>, credentials: unknown): string;
    };
    const sdk = new Client({ accessKeyId: 'AKID', accessKeySecret: 'secret', endpoint: 'cn-hangzhou.log.aliyuncs.com' });
    const headers = {
      date: 'Mon, 03 Jan 2010 08:33:47 GMT',
      'content-type': 'application/x-protobuf',
      'content-md5': '72A15D7DE7EE9E7BB86461FFEA9499AB',
      'x-log-apiversion': '0.6.0',
      'x-log-signaturemethod': 'hmac-sha1',
      'x-log-bodyrawsize': '1234',
      'x-acs-security-token': 'sts-token',
    };
    const queries = { type: 'log', cursor: 'MTQ0NzI5OTYwNjg5NjYzMjM1Ng==', count: '10', end_cursor: 'MTQ0NzI5OTYwNjg5NjYzMjM2Ng==' };
    const expected = sdk._sign('GET', '/logstores/access/shards/0', queries, headers, { accessKeyId: 'AKID', accessKeySecret: 'secret' });
    const ours = authorizationHeader('AKID', 'secret', {
      method: 'GET',
      path: '/logstores/access/shards/0',
      query: Object.entries(queries),
      headers,
    });
    expect(ours).toBe(expected);
  });
});
