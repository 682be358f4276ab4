// The functions' bundles as the npm package ships them, built at packing time (lib/build/npm-package.ts)
// so that an installed oss-thaw deploys without esbuild or the TypeScript sources. The SDK files are
// the same bytes in every function, so the package holds each once:
//
//   dist/functions/manifest.json    [{ name, sdks, inputs }]
//   dist/functions/<name>/index.js  the bundle FC loads
//   dist/functions/sdk/<sdk>.js     tablestore, ali-oss (each loaded on first use)
//
// A build copies them into its build folder in the layout a from-source build writes
// (<name>/index.js, <name>/package.json, <name>/sdk/*.js), so zipping, `thaw package` and the local
// stack cannot tell the two apart, and nothing is ever written inside the installed package.
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BUNDLE_PACKAGE_JSON, type BuildFunctionsOptions, type BuiltFunction, defaultBuildDir } from './bundle';

interface ManifestEntry {
  readonly name: string;
  /** SDK file names under sdk/, e.g. "tablestore.js". */
  readonly sdks: readonly string[];
  readonly inputs: readonly string[];
}

const MANIFEST = 'manifest.json';

/** Writes freshly built functions into `dir` in the shipped layout. */
export async function writePrebuilt(built: readonly BuiltFunction[], dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'sdk'), { recursive: true });
  // The files here are CommonJS; the package's own package.json says "type": "module".
  await writeFile(join(dir, 'package.json'), BUNDLE_PACKAGE_JSON);
  const sdkBytes = new Map<string, Buffer>();
  const manifest: ManifestEntry[] = [];
  for (const b of built) {
    await mkdir(join(dir, b.name), { recursive: true });
    await copyFile(b.outfile, join(dir, b.name, 'index.js'));
    for (const file of b.sdkFiles) {
      const bytes = await readFile(file);
      const name = basename(file);
      const seen = sdkBytes.get(name);
      // One copy serves every function only because the builds are byte-identical; say so if not.
      if (seen && !seen.equals(bytes)) throw new Error(`sdk/${name} differs between functions; the package keeps one copy of each SDK file`);
      if (!seen) {
        sdkBytes.set(name, bytes);
        await writeFile(join(dir, 'sdk', name), bytes);
      }
    }
    manifest.push({ name: b.name, sdks: b.sdkFiles.map((f) => basename(f)).sort(), inputs: b.inputs });
  }
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Copies the shipped bundles in `dir` into the build folder, laid out as a from-source build. */
export async function copyPrebuilt(dir: string, options: BuildFunctionsOptions = {}): Promise<BuiltFunction[]> {
  const outDir = options.outDir ?? defaultBuildDir();
  let manifest: ManifestEntry[];
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as ManifestEntry[];
  } catch (err) {
    throw new Error(
      `this oss-thaw has neither the functions' sources nor their prebuilt bundles (${join(dir, MANIFEST)}: ${(err as Error).message}); reinstall the package`,
    );
  }
  const built: BuiltFunction[] = [];
  for (const entry of manifest.filter((e) => !options.only || options.only.includes(e.name))) {
    const target = join(outDir, entry.name);
    // A stale sdk/ file of an earlier build must not ride along in the zip.
    await rm(join(target, 'sdk'), { recursive: true, force: true });
    await mkdir(join(target, 'sdk'), { recursive: true });
    const outfile = join(target, 'index.js');
    await copyFile(join(dir, entry.name, 'index.js'), outfile);
    await writeFile(join(target, 'package.json'), BUNDLE_PACKAGE_JSON);
    const sdkFiles: string[] = [];
    for (const sdk of entry.sdks) {
      const file = join(target, 'sdk', sdk);
      await copyFile(join(dir, 'sdk', sdk), file);
      sdkFiles.push(file);
    }
    const { size: bytes } = await stat(outfile);
    built.push({ name: entry.name, outfile, bytes, files: ['index.js', 'package.json', ...entry.sdks.map((s) => `sdk/${s}`)], sdkFiles, inputs: entry.inputs });
    if (!options.quiet) process.stdout.write(`${entry.name}: ${outfile} (prebuilt, ${(bytes / 1024).toFixed(0)} KiB)\n`);
  }
  return built;
}
