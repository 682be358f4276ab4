import { describe, expect, it } from 'vitest';
import { listPage } from '../../../lib/emulators/oss/listing';
import { QueryParams, isValidBucketName, isValidObjectKey, resolveAddressing } from '../../../lib/emulators/oss/request';

describe('resolveAddressing', () => {
  it.each([
    [
      'virtual-hosted object (ali-oss with an IP endpoint)',
      'thaw-demo.oss-cn-hangzhou.aliyuncs.com',
      '/a%20b/c%2Bd.txt',
      'thaw-demo',
      'a b/c+d.txt',
      'virtual-hosted',
    ],
    ['virtual-hosted bucket', 'thaw-demo.oss-cn-hangzhou.aliyuncs.com', '/', 'thaw-demo', undefined, 'virtual-hosted'],
    ['ali-oss ListBuckets (empty first label)', '.oss-cn-hangzhou.aliyuncs.com', '/', undefined, undefined, 'virtual-hosted'],
    ['the service endpoint', 'oss-cn-hangzhou.aliyuncs.com:8080', '/', undefined, undefined, 'virtual-hosted'],
    ['<bucket>.localhost', 'thaw-demo.localhost:9000', '/k', 'thaw-demo', 'k', 'virtual-hosted'],
    ['path-style object on an IP', '127.0.0.1:9000', '/thaw-demo/dir/k', 'thaw-demo', 'dir/k', 'path'],
    ['path-style bucket', '127.0.0.1:9000', '/thaw-demo', 'thaw-demo', undefined, 'path'],
    ['path-style bucket with slash', 'localhost:9000', '/thaw-demo/', 'thaw-demo', undefined, 'path'],
    ['path-style service', '[::1]:9000', '/', undefined, undefined, 'path'],
  ])('%s', (_label, host, path, bucket, key, style) => {
    expect(resolveAddressing(host, path)).toEqual({ bucket, key, style });
  });

  it('answers InvalidURI to a path that does not decode', () => {
    expect(() => resolveAddressing('127.0.0.1', '/b/%E0%A4%A')).toThrow(expect.objectContaining({ code: 'InvalidURI' }));
  });
});

describe('QueryParams', () => {
  it('keeps order, decodes, treats a bare name as empty, and keeps "+"', () => {
    const q = QueryParams.parse('restore&versionId=CAEQ%2B1&prefix=a+b');
    expect(q.entries).toEqual([
      ['restore', ''],
      ['versionId', 'CAEQ+1'],
      ['prefix', 'a+b'],
    ]);
    expect(q.has('restore')).toBe(true);
    expect(q.get('missing')).toBeUndefined();
  });
});

describe('names', () => {
  it.each([
    ['abc', true],
    ['thaw-demo-01', true],
    ['ab', false],
    ['Thaw', false],
    ['-thaw', false],
    ['thaw-', false],
    ['thaw_demo', false],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
  ])('bucket name %s valid: %s', (name, valid) => {
    expect(isValidBucketName(name)).toBe(valid);
  });

  it.each([
    ['k', true],
    ['dir/k', true],
    ['/k', false],
    ['\\k', false],
    ['', false],
    ['é'.repeat(511), true], // 1022 bytes
    ['a'.repeat(1024), false],
  ])('object key %s valid: %s', (key, valid) => {
    expect(isValidObjectKey(key)).toBe(valid);
  });
});

describe('listPage', () => {
  const keys = ['a/1', 'a/2', 'b', 'c/x/1', 'c/y', 'd'];

  it('rolls keys up to common prefixes at the delimiter and pages by entries', () => {
    expect(listPage(keys, { prefix: '', after: '', delimiter: '/', maxKeys: 3 })).toEqual({
      keys: ['b'],
      commonPrefixes: ['a/', 'c/'],
      truncated: true,
      next: 'c/',
    });
    expect(listPage(keys, { prefix: '', after: 'c/', delimiter: '/', maxKeys: 3 })).toEqual({
      keys: ['d'],
      commonPrefixes: [],
      truncated: false,
      next: undefined,
    });
  });

  it('lists under a prefix without a delimiter', () => {
    expect(listPage(keys, { prefix: 'c/', after: '', delimiter: '', maxKeys: 100 }).keys).toEqual(['c/x/1', 'c/y']);
  });
});
