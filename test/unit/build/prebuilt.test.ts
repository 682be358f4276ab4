// The functions' bundles as the npm package ships them: each SDK file once, copied back into the
// layout a from-source build writes, so zips made from either are the same bytes.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltFunction } from '../../../lib/build/bundle';
import { zipFunction } from '../../../lib/build/code';
import { copyPrebuilt, writePrebuilt } from '../../../lib/build/prebuilt';

let root: string;

/** A from-source build's output for one function, with the given SDK files. */
async function built(name: string, sdks: Record<string, string>): Promise<BuiltFunction> {
  const dir = join(root, 'build', name);
  await mkdir(join(dir, 'sdk'), { recursive: true });
  await writeFile(join(dir, 'index.js'), `exports.handler = () => ${JSON.stringify(name)};\n`);
  await writeFile(join(dir, 'package.json'), '{"type":"commonjs"}\n');
  const sdkFiles: string[] = [];
  for (const [file, text] of Object.entries(sdks)) {
    await writeFile(join(dir, 'sdk', file), text);
    sdkFiles.push(join(dir, 'sdk', file));
  }
  return {
    name,
    outfile: join(dir, 'index.js'),
    bytes: 0,
    files: ['index.js', 'package.json', ...Object.keys(sdks).map((f) => `sdk/${f}`)],
    sdkFiles,
    inputs: [`functions/${name}/index.ts`],
  };
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'thaw-prebuilt-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writePrebuilt', () => {
  it('keeps each SDK file once, beside one folder per function and a manifest', async () => {
    const functions = [await built('http', { 'ali-oss.js': 'oss', 'tablestore.js': 'ots' }), await built('sweeper', { 'tablestore.js': 'ots' })];
    await writePrebuilt(functions, join(root, 'dist'));
    expect((await readdir(join(root, 'dist'))).sort()).toEqual(['http', 'manifest.json', 'package.json', 'sdk', 'sweeper']);
    expect((await readdir(join(root, 'dist', 'sdk'))).sort()).toEqual(['ali-oss.js', 'tablestore.js']);
    expect(await readdir(join(root, 'dist', 'sweeper'))).toEqual(['index.js']);
    expect(JSON.parse(await readFile(join(root, 'dist', 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    expect(JSON.parse(await readFile(join(root, 'dist', 'manifest.json'), 'utf8'))).toEqual([
      { name: 'http', sdks: ['ali-oss.js', 'tablestore.js'], inputs: ['functions/http/index.ts'] },
      { name: 'sweeper', sdks: ['tablestore.js'], inputs: ['functions/sweeper/index.ts'] },
    ]);
  });

  it('refuses SDK files that differ between functions, since only one copy ships', async () => {
    const functions = [await built('http', { 'tablestore.js': 'ots v1' }), await built('sweeper', { 'tablestore.js': 'ots v2' })];
    await expect(writePrebuilt(functions, join(root, 'dist'))).rejects.toThrow('sdk/tablestore.js differs between functions');
  });
});

describe('copyPrebuilt', () => {
  it('lays the bundles out as a from-source build does, and zips them to the same bytes', async () => {
    const source = [await built('http', { 'ali-oss.js': 'oss', 'tablestore.js': 'ots' }), await built('sweeper', { 'tablestore.js': 'ots' })];
    await writePrebuilt(source, join(root, 'dist'));
    const copied = await copyPrebuilt(join(root, 'dist'), { outDir: join(root, 'out'), quiet: true });
    expect(copied.map((c) => [c.name, c.files])).toEqual([
      ['http', ['index.js', 'package.json', 'sdk/ali-oss.js', 'sdk/tablestore.js']],
      ['sweeper', ['index.js', 'package.json', 'sdk/tablestore.js']],
    ]);
    expect(copied[1]).toMatchObject({
      outfile: join(root, 'out', 'sweeper', 'index.js'),
      sdkFiles: [join(root, 'out', 'sweeper', 'sdk', 'tablestore.js')],
      inputs: ['functions/sweeper/index.ts'],
    });
    for (const [i, c] of copied.entries()) expect((await zipFunction(c)).checksum).toBe((await zipFunction(source[i]!)).checksum);
  });

  it('copies only the functions asked for, and leaves no stale SDK file of an earlier build', async () => {
    await writePrebuilt([await built('http', { 'tablestore.js': 'ots' }), await built('sweeper', { 'tablestore.js': 'ots' })], join(root, 'dist'));
    await mkdir(join(root, 'out', 'http', 'sdk'), { recursive: true });
    await writeFile(join(root, 'out', 'http', 'sdk', 'ali-oss.js'), 'left over');
    const copied = await copyPrebuilt(join(root, 'dist'), { outDir: join(root, 'out'), quiet: true, only: ['http'] });
    expect(copied.map((c) => c.name)).toEqual(['http']);
    expect(await readdir(join(root, 'out'))).toEqual(['http']);
    expect(await readdir(join(root, 'out', 'http', 'sdk'))).toEqual(['tablestore.js']);
  });

  it('says the package is incomplete when there is no manifest', async () => {
    await expect(copyPrebuilt(join(root, 'missing'), { outDir: join(root, 'out'), quiet: true })).rejects.toThrow(
      /neither the functions' sources nor their prebuilt bundles .*reinstall the package/,
    );
  });
});
