// Bundles each function (functions/<name>/index.ts) into .build/<name>/index.js for Function
// Compute's Node runtimes: CommonJS, one file, SDKs included, with a package.json beside it that
// says CommonJS (the repository's own says "type": "module", so a bundle required inside the
// checkout would otherwise be read as ESM and export nothing). The source map is written beside
// the bundle for local debugging and never goes into the zip (lib/deploy/code.ts).
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const BUNDLE_PACKAGE_JSON = `${JSON.stringify({ type: 'commonjs' })}\n`;

export interface BuiltFunction {
  readonly name: string;
  readonly outfile: string;
  readonly bytes: number;
  /** The source files esbuild put into the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
}

export async function buildFunctions(options: { outDir?: string; quiet?: boolean; only?: readonly string[] } = {}): Promise<BuiltFunction[]> {
  const outDir = options.outDir ?? join(ROOT, '.build');
  const names = (await readdir(join(ROOT, 'functions'), { withFileTypes: true }))
    .filter((d) => d.isDirectory() && (!options.only || options.only.includes(d.name)))
    .map((d) => d.name);
  const built: BuiltFunction[] = [];
  for (const name of names.sort()) {
    const outfile = join(outDir, name, 'index.js');
    const result = await build({
      entryPoints: [join(ROOT, 'functions', name, 'index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      // Written beside the bundle, not referenced from it: the zip leaves it out.
      sourcemap: 'external',
      metafile: true,
      absWorkingDir: ROOT,
      // An optional require inside urllib (ali-oss) that is never taken.
      external: ['proxy-agent'],
      // tablestore relies on sloppy-mode globals; a top-level "use strict" (which esbuild emits
      // when tsconfig says strict) breaks it at run time. Bundle with an empty tsconfig.
      tsconfigRaw: {},
      logLevel: options.quiet ? 'silent' : 'warning',
    });
    await mkdir(join(outDir, name), { recursive: true });
    await writeFile(join(outDir, name, 'package.json'), BUNDLE_PACKAGE_JSON);
    const { size: bytes } = await stat(outfile);
    built.push({ name, outfile, bytes, inputs: Object.keys(result.metafile.inputs).sort() });
    if (!options.quiet) process.stdout.write(`${name}: ${outfile} (${(bytes / 1024).toFixed(0)} KiB)\n`);
  }
  return built;
}
