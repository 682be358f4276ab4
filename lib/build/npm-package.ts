// Builds what the npm package ships, into dist/: the `thaw` command and `oss-thaw/client` as plain
// JavaScript that Node runs with no TypeScript loader, the client's type declarations, the
// functions' bundles prebuilt (so an installed package deploys without esbuild), and the notices
// of the third-party code inside. `npm run build:package` runs it (and `prepack`, where install
// scripts are not ignored); it needs the development dependencies, so it runs in a checkout only.
//
//   dist/thaw.js, dist/client.js   ESM entries; dist/chunk-*.js the code they share and the
//                                  commands each loads when it runs (code splitting)
//   dist/client.d.ts               the client's declarations (tsc)
//   dist/vendor.cjs                every npm package the command uses, CommonJS, each evaluated on first use
//   dist/vendor-files/<package>/   files of those packages that code reads by path (the SDKs' .proto files)
//   dist/functions/                the functions' bundles (lib/build/prebuilt.ts)
//   dist/THIRD-PARTY-NOTICES.txt   name, version, licence and licence text of each bundled package
//
// Why the npm packages are bundled rather than depended on: the published package then has no
// dependencies, so `npm install oss-thaw` runs no install script of anyone's (protobufjs, core-js
// and @alicloud/openapi-core have one; npm 10 runs them all) and pins exactly the code we tested.
// Why in a CommonJS file of their own: the tablestore SDK relies on sloppy-mode globals and fails
// inside an ES module, which is always strict; CommonJS runs every package as node_modules would.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile, type Plugin } from 'esbuild';
import { buildFunctions } from './bundle';
import { writePrebuilt } from './prebuilt';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');

/** The package's entry points: dist/<name>.js. */
const ENTRIES = { thaw: 'lib/bin/thaw.ts', client: 'lib/client/index.ts' } as const;

/**
 * Files of bundled packages that oss-thaw reads by path at run time, not by require: the emulators
 * and the Log Service reader load the schemas the SDKs ship, so both sides agree on field numbers.
 */
const KEPT_FILES: Record<string, readonly string[]> = {
  tablestore: ['package.json', 'lib/protocol/tablestore.proto', 'lib/protocol/tablestore_filter.proto'],
  '@alicloud/log': ['package.json', 'lib/sls.proto'],
};

/**
 * Optional requires inside bundled packages that are never taken and are not installed: urllib's
 * proxy support (ali-oss), ws's native speed-ups.
 */
const NEVER_LOADED = ['proxy-agent', 'bufferutil', 'utf-8-validate'];

export interface PackageBuild {
  /** Every file written under dist/, relative to the repository root. */
  readonly files: readonly string[];
  /** The npm packages bundled into vendor.cjs, by the name oss-thaw imports them. */
  readonly vendored: readonly string[];
}

export async function buildNpmPackage(): Promise<PackageBuild> {
  await rm(DIST, { recursive: true, force: true });
  await mkdir(DIST, { recursive: true });

  const scratch = await mkdtemp(join(tmpdir(), 'thaw-npm-package-'));
  let functionInputs: string[];
  try {
    const built = await buildFunctions({ outDir: scratch, quiet: true });
    await writePrebuilt(built, join(DIST, 'functions'));
    functionInputs = built.flatMap((b) => b.inputs);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  const vendored = new Set<string>();
  const cli = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: DIST,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    // The chunks hold the packages' `require` of vendor.cjs (an ES module has none of its own).
    banner: { js: "import { createRequire as __thawCreateRequire } from 'node:module';\nconst require = __thawCreateRequire(import.meta.url);" },
    plugins: [sourceLocations(), keptFilesResolver(), vendoredPackages(vendored)],
    logLevel: 'warning',
  });
  assertFlat(cli.metafile);

  const vendor = await build({
    absWorkingDir: ROOT,
    stdin: { contents: vendorEntry([...vendored].sort()), resolveDir: ROOT, loader: 'js', sourcefile: 'vendor-entry.js' },
    outfile: join(DIST, 'vendor.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    // Errors and classes keep the names the SDKs gave them; code compares err.name.
    keepNames: true,
    metafile: true,
    external: NEVER_LOADED,
    // No "use strict" at the top: tablestore needs sloppy mode (see the head of this file).
    tsconfigRaw: {},
    plugins: [protobufOptionalRequires()],
    logLevel: 'warning',
  });

  for (const [name, files] of Object.entries(KEPT_FILES)) {
    const from = dirname(fileURLToPath(import.meta.resolve(`${name}/package.json`)));
    for (const file of files) {
      await mkdir(dirname(join(DIST, 'vendor-files', name, file)), { recursive: true });
      await copyFile(join(from, file), join(DIST, 'vendor-files', name, file));
    }
  }

  await writeFile(join(DIST, 'client.d.ts'), await clientDeclarations());
  await writeFile(
    join(DIST, 'THIRD-PARTY-NOTICES.txt'),
    await thirdPartyNotices([
      ...Object.keys(vendor.metafile.inputs),
      ...functionInputs,
      ...Object.keys(KEPT_FILES).map((n) => `node_modules/${n}/package.json`),
    ]),
  );
  return { files: (await listFiles(DIST)).map((f) => relative(ROOT, f)), vendored: [...vendored].sort() };
}

/**
 * Code that finds a file beside itself (`new URL('./function-worker.mjs', import.meta.url)`, the
 * repository root as `new URL('../..', import.meta.url)`) keeps finding it once bundled:
 * `import.meta.url` becomes the URL its source file has inside the package. Every output file sits
 * directly in dist/ (assertFlat), so the package root is `../` of any chunk.
 */
function sourceLocations(): Plugin {
  return {
    name: 'source-locations',
    setup(b) {
      b.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, async (args) => {
        const rel = relative(ROOT, args.path);
        if (rel.startsWith('..') || rel.split(sep).includes('node_modules')) return undefined;
        const text = await readFile(args.path, 'utf8');
        if (!text.includes('import.meta')) return undefined;
        const other = /import\.meta\.(?!url\b)\w+/.exec(text);
        if (other) return { errors: [{ text: `${other[0]} is not mapped to the source location; use import.meta.url` }] };
        const url = `new URL(${JSON.stringify(rel.split(sep).join('/'))}, new URL('../', import.meta.url)).href`;
        return { contents: text.replaceAll('import.meta.url', url), loader: extname(args.path).includes('ts') ? 'ts' : 'js' };
      });
    },
  };
}

/**
 * `createRequire(…).resolve('<package>/…')` for a bundled package answers with the copy of its
 * file in dist/vendor-files/: the package is in vendor.cjs, not in node_modules.
 */
function keptFilesResolver(): Plugin {
  return {
    name: 'kept-files',
    setup(b) {
      b.onResolve({ filter: /^(node:)?module$/ }, (args) =>
        args.namespace === 'file' && !args.importer.includes(`${sep}node_modules${sep}`) ? { path: 'node:module', namespace: 'kept-files' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'kept-files' }, () => ({
        loader: 'js',
        resolveDir: ROOT,
        contents: `import { createRequire as nodeCreateRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
export * from 'node:module';
const KEPT = ${JSON.stringify(Object.keys(KEPT_FILES))};
export function createRequire(from) {
  const require = nodeCreateRequire(from);
  const resolve = (id, options) => {
    const name = KEPT.find((n) => id.startsWith(n + '/'));
    return name ? fileURLToPath(new URL('./vendor-files/' + id, import.meta.url)) : require.resolve(id, options);
  };
  return Object.assign((id) => require(id), require, { resolve });
}
`,
      }));
    },
  };
}

/** Each npm package oss-thaw imports becomes a property of vendor.cjs, recorded in `vendored`. */
function vendoredPackages(vendored: Set<string>): Plugin {
  return {
    name: 'vendored-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return undefined;
        // Loaded only to build the functions from source, which an installed package never does.
        if (args.path === 'esbuild') return { path: args.path, external: true };
        vendored.add(args.path);
        return { path: args.path, namespace: 'vendored' };
      });
      b.onResolve({ filter: /^\.\/vendor\.cjs$/, namespace: 'vendored' }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'vendored' }, (args) => ({
        loader: 'js',
        contents: `module.exports = require('./vendor.cjs')[${JSON.stringify(args.path)}];\n`,
      }));
    },
  };
}

/** vendor.cjs: one getter per package, so that a package is evaluated when first used, as a require from node_modules is. */
function vendorEntry(packages: readonly string[]): string {
  const getters = packages.map((p) => `  ${JSON.stringify(p)}: { enumerable: true, get: () => require(${JSON.stringify(p)}) },`);
  return `module.exports = Object.defineProperties({}, {\n${getters.join('\n')}\n});\n`;
}

/**
 * protobufjs finds `long` (64-bit integers), `buffer` and `fs` through a require by a computed
 * name, which a bundle cannot follow: without `long`, int64 fields would decode differently than
 * from node_modules. Name them statically.
 */
function protobufOptionalRequires(): Plugin {
  return {
    name: 'protobuf-optional-requires',
    setup(b) {
      b.onLoad({ filter: /[\\/]@protobufjs[\\/]inquire[\\/]index\.js$/ }, () => ({
        loader: 'js',
        contents: `module.exports = function inquire(name) {
  switch (name) {
    case 'long': return require('long');
    case 'buffer': return require('buffer');
    case 'fs': return require('fs');
    default: return null;
  }
};
`,
      }));
    },
  };
}

/** The package root must be `../` of every output (sourceLocations relies on it). */
function assertFlat(metafile: Metafile): void {
  for (const output of Object.keys(metafile.outputs)) {
    if (dirname(join(ROOT, output)) !== DIST) throw new Error(`${output} is not directly in dist/; import.meta.url mapping needs every output there`);
  }
}

/** The client's declarations, from tsc; they must stand alone (no relative import), since only this file ships. */
async function clientDeclarations(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'thaw-dts-'));
  try {
    // typescript's exports map names no bin: the path comes from its package.json.
    const tsc = join(dirname(fileURLToPath(import.meta.resolve('typescript/package.json'))), 'bin', 'tsc');
    await promisify(execFile)(
      process.execPath,
      [tsc, '--ignoreConfig', '--declaration', '--emitDeclarationOnly', '--outDir', out, '--module', 'preserve', '--moduleResolution', 'bundler'].concat([
        '--target',
        'es2022',
        '--lib',
        'es2023,es2024.string',
        '--types',
        'node',
        '--strict',
        '--skipLibCheck',
        '--esModuleInterop',
        ENTRIES.client,
      ]),
      { cwd: ROOT },
    );
    const text = await readFile(join(out, 'client', 'index.d.ts'), 'utf8');
    const relativeImport = /from\s+['"]\.{1,2}\//.exec(text);
    if (relativeImport) throw new Error(`client declarations import a sibling module (${relativeImport[0]}); dist/client.d.ts ships alone`);
    return `// oss-thaw/client — generated from lib/client/index.ts by tsc.\n${text}`;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Every bundled package with its licence text, found from the bundlers' inputs. */
async function thirdPartyNotices(inputs: readonly string[]): Promise<string> {
  const dirs = new Set<string>();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.split(sep).join('/'));
    if (m) dirs.add(m[1]!);
  }
  const sections: string[] = [];
  const seen = new Set<string>();
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(await readFile(join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: unknown };
    const id = `${pkg.name}@${pkg.version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const licenseFile = (await readdir(join(ROOT, dir))).filter((f) => /^(licen[cs]e|copying)/i.test(f)).sort()[0];
    const text = licenseFile
      ? (await readFile(join(ROOT, dir, licenseFile), 'utf8')).trim()
      : '(the package ships no licence file; its package.json names the licence)';
    sections.push(`${id}\nlicence: ${typeof pkg.license === 'string' ? pkg.license : JSON.stringify(pkg.license ?? 'not stated')}\n\n${text}\n`);
  }
  const rule = `\n${'-'.repeat(78)}\n`;
  return `oss-thaw bundles the following packages into dist/ (vendor.cjs and the functions' bundles).${rule}${sections.join(rule)}`;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out.sort();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  const { files } = await buildNpmPackage();
  const sizes = await Promise.all(files.map((f) => stat(join(ROOT, f)).then((s) => s.size)));
  process.stdout.write(
    `dist/: ${files.length} files, ${(sizes.reduce((a, b) => a + b, 0) / 1024 / 1024).toFixed(1)} MiB, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
