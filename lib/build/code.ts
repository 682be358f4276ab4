// A function's code package as FC takes it: a zip holding index.js (the esbuild bundle), the SDK
// files it loads on first use (sdk/*.js) and a package.json that says CommonJS, nothing else (no
// source map). The zip is deterministic (fixed
// entry times, fixed order), so an unchanged bundle has an unchanged checksum and is not uploaded
// again.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { BUNDLE_PACKAGE_JSON, type BuiltFunction } from './bundle';
import { functionBundles } from './function-bundles';
import { crc64 } from './crc64';

export interface FunctionCode {
  readonly name: string;
  readonly zip: Uint8Array;
  /** CRC-64 of the zip, as FC reports codeChecksum. */
  readonly checksum: string;
  /** The bundle the zip was made from. */
  readonly bundle: string;
}

/** DOS timestamps start in 1980; any fixed instant keeps the bytes stable. */
const ENTRY_TIME = new Date(Date.UTC(2020, 0, 1));

export async function zipFunction(built: Pick<BuiltFunction, 'name' | 'outfile'> & Partial<Pick<BuiltFunction, 'sdkFiles'>>): Promise<FunctionCode> {
  const bundle = await readFile(built.outfile);
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {
    'index.js': [new Uint8Array(bundle), { mtime: ENTRY_TIME }],
    'package.json': [new TextEncoder().encode(BUNDLE_PACKAGE_JSON), { mtime: ENTRY_TIME }],
  };
  for (const file of [...(built.sdkFiles ?? [])].sort()) entries[`sdk/${basename(file)}`] = [new Uint8Array(await readFile(file)), { mtime: ENTRY_TIME }];
  const zip = zipSync(entries, { level: 9, mtime: ENTRY_TIME });
  return { name: built.name, zip, checksum: crc64(zip), bundle: built.outfile };
}

/** Builds (or, installed, copies) every function and zips it. */
export async function buildCode(options: { outDir?: string; quiet?: boolean } = {}): Promise<Map<string, FunctionCode>> {
  const built = await functionBundles({ outDir: options.outDir, quiet: options.quiet ?? true });
  const code = new Map<string, FunctionCode>();
  for (const b of built) code.set(b.name, await zipFunction(b));
  return code;
}

export function zipPathOf(code: FunctionCode): string {
  return join(dirname(dirname(code.bundle)), `${code.name}.zip`);
}
