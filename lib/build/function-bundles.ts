// The functions' bundles wherever oss-thaw runs: built from the TypeScript sources in a checkout,
// copied from the ones the npm package ships prebuilt when it is installed (no sources, no esbuild
// there). Either way they land in the build folder (--build-dir, default .build/ of the current
// folder), never inside the package.
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type BuildFunctionsOptions, type BuiltFunction, buildFunctions, FUNCTIONS_SOURCE } from './bundle';
import { copyPrebuilt } from './prebuilt';

/** Where the npm package keeps the prebuilt bundles (lib/build/npm-package.ts writes them). */
export const PREBUILT_FUNCTIONS = fileURLToPath(new URL('../../dist/functions', import.meta.url));

export async function functionBundles(options: BuildFunctionsOptions = {}): Promise<BuiltFunction[]> {
  // The sources decide, not the prebuilt folder: a checkout that was packed once has both, and
  // must keep building what it has in front of it.
  const fromSource = await access(FUNCTIONS_SOURCE).then(
    () => true,
    () => false,
  );
  return fromSource ? buildFunctions(options) : copyPrebuilt(PREBUILT_FUNCTIONS, options);
}
