// Bundles each function (functions/<name>/index.ts) into .build/<name>/ for Function Compute's
// Node runtimes: CommonJS, with a package.json beside it that says CommonJS (the repository's own
// says "type": "module", so a bundle required inside the checkout would otherwise be read as ESM and
// export nothing). The source map is written beside the bundle for local debugging and never goes
// into the zip (lib/build/code.ts).
//
// The cloud SDKs (tablestore, ali-oss) are not in index.js: each is bundled into its own file under
// sdk/, and index.js loads it on first use, through a stand-in that forwards to the SDK once
// something touches it. Loading a bundle then compiles only oss-thaw's own code (V8 compiling the
// 1.8 MB bundle and lazily compiling the SDKs' set-up dominated a cold load), and an invocation
// that needs one service never loads the other (the sweeper's empty runs, status reads). The source
// keeps its plain static imports: laziness is the bundle's concern alone.
//
// This is the from-source build of a checkout. esbuild is a development dependency, loaded only
// here: an installed package ships these bundles prebuilt (lib/build/prebuilt.ts) and has no esbuild.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where build output goes unless told: `.build/` of the folder the command runs in, never the package's own folder. */
export function defaultBuildDir(): string {
  return join(process.cwd(), '.build');
}

export const BUNDLE_PACKAGE_JSON = `${JSON.stringify({ type: 'commonjs' })}\n`;

/** The SDKs loaded on first use, each shipped as sdk/<name>.js beside index.js. */
export const LAZY_SDKS = ['tablestore', 'ali-oss'] as const;

export interface BuiltFunction {
  readonly name: string;
  /** index.js, the entry FC loads. */
  readonly outfile: string;
  readonly bytes: number;
  /** Every file of the code package, relative to its folder (index.js, package.json, sdk/*.js), source maps left out. */
  readonly files: readonly string[];
  /** The SDK files index.js loads on first use, absolute paths. */
  readonly sdkFiles: readonly string[];
  /** The source files esbuild put into the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
}

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  absWorkingDir: ROOT,
  // An optional require inside urllib (ali-oss) that is never taken.
  external: ['proxy-agent'],
  // tablestore relies on sloppy-mode globals; a top-level "use strict" (which esbuild emits
  // when tsconfig says strict) breaks it at run time. Bundle with an empty tsconfig.
  tsconfigRaw: {},
};

/**
 * Replaces `import X from '<sdk>'` with a stand-in that requires ./sdk/<sdk>.js the first time any
 * property is read, the SDK is called or constructed. `__esModule` is answered without loading,
 * since esbuild's interop reads it when the importing module initialises.
 */
function lazySdks(used: Set<string>): Plugin {
  const filter = new RegExp(`^(${LAZY_SDKS.map((s) => s.replace(/[.-]/g, '\\$&')).join('|')})$`);
  return {
    name: 'lazy-sdks',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-sdk' }));
      b.onResolve({ filter: /^\.\/sdk\// }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-sdk' }, (args) => {
        used.add(args.path);
        return {
          loader: 'js',
          contents: `let sdk;
const load = () => (sdk ??= require(${JSON.stringify(`./sdk/${args.path}.js`)}));
module.exports = new Proxy(function lazySdk() {}, {
  get: (_, p) => (p === '__esModule' ? undefined : Reflect.get(load(), p)),
  has: (_, p) => p in load(),
  construct: (_, a) => Reflect.construct(load(), a),
  apply: (_, t, a) => Reflect.apply(load(), t, a),
});
`,
        };
      });
    },
  };
}

export interface BuildFunctionsOptions {
  readonly outDir?: string;
  readonly quiet?: boolean;
  readonly only?: readonly string[];
}

/** The function sources of a checkout (functions/<name>/index.ts); an installed package has none. */
export const FUNCTIONS_SOURCE = join(ROOT, 'functions');

/** Bundles every function from its TypeScript source with esbuild. */
export async function buildFunctions(options: BuildFunctionsOptions = {}): Promise<BuiltFunction[]> {
  const { build } = await import('esbuild');
  // Paths come back as the caller gave them; a relative one means the current folder, for esbuild too
  // (whose own base is the repository root).
  const outDir = options.outDir ?? defaultBuildDir();
  const names = (await readdir(FUNCTIONS_SOURCE, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && (!options.only || options.only.includes(d.name)))
    .map((d) => d.name);
  const built: BuiltFunction[] = [];
  for (const name of names.sort()) {
    const dir = join(outDir, name);
    const outfile = join(dir, 'index.js');
    // A stale sdk/ file of an earlier build must not ride along in the zip.
    await rm(join(dir, 'sdk'), { recursive: true, force: true });
    const used = new Set<string>();
    const result = await build({
      ...COMMON,
      entryPoints: [join(ROOT, 'functions', name, 'index.ts')],
      outfile: resolve(outfile),
      // Written beside the bundle, not referenced from it: the zip leaves it out.
      sourcemap: 'external',
      metafile: true,
      plugins: [lazySdks(used)],
      logLevel: options.quiet ? 'silent' : 'warning',
    });
    const sdkFiles: string[] = [];
    for (const sdk of [...used].sort()) {
      const sdkFile = join(dir, 'sdk', `${sdk}.js`);
      await build({
        ...COMMON,
        stdin: { contents: `module.exports = require(${JSON.stringify(sdk)});`, resolveDir: ROOT, loader: 'js' },
        outfile: resolve(sdkFile),
        logLevel: options.quiet ? 'silent' : 'warning',
      });
      sdkFiles.push(sdkFile);
    }
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), BUNDLE_PACKAGE_JSON);
    const { size: bytes } = await stat(outfile);
    const files = ['index.js', 'package.json', ...sdkFiles.map((f) => relative(dir, f))];
    built.push({
      name,
      outfile,
      bytes,
      files,
      sdkFiles,
      inputs: Object.keys(result.metafile.inputs)
        .filter((i) => !i.startsWith('lazy-sdk:'))
        .sort(),
    });
    if (!options.quiet) {
      const sdkBytes = (await Promise.all(sdkFiles.map((f) => stat(f)))).reduce((n, s) => n + s.size, 0);
      process.stdout.write(`${name}: ${outfile} (${(bytes / 1024).toFixed(0)} KiB, SDKs loaded on first use ${(sdkBytes / 1024).toFixed(0)} KiB)\n`);
    }
  }
  return built;
}
