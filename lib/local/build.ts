// Bundles each function (functions/<name>/index.ts) into .build/<name>/index.js for Function
// Compute's Node runtimes: CommonJS, one file, SDKs included.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BuiltFunction {
  readonly name: string;
  readonly outfile: string;
  readonly bytes: number;
}

export async function buildFunctions(options: { outDir?: string; quiet?: boolean } = {}): Promise<BuiltFunction[]> {
  const outDir = options.outDir ?? join(ROOT, '.build');
  const names = (await readdir(join(ROOT, 'functions'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  const built: BuiltFunction[] = [];
  for (const name of names.sort()) {
    const outfile = join(outDir, name, 'index.js');
    await build({
      entryPoints: [join(ROOT, 'functions', name, 'index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      sourcemap: 'linked',
      // An optional require inside urllib (ali-oss) that is never taken.
      external: ['proxy-agent'],
      // tablestore relies on sloppy-mode globals; a top-level "use strict" (which esbuild emits
      // when tsconfig says strict) breaks it at run time. Bundle with an empty tsconfig.
      tsconfigRaw: {},
      logLevel: options.quiet ? 'silent' : 'warning',
    });
    const { size: bytes } = await stat(outfile);
    built.push({ name, outfile, bytes });
    if (!options.quiet) process.stdout.write(`${name}: ${outfile} (${(bytes / 1024).toFixed(0)} KiB)\n`);
  }
  return built;
}
