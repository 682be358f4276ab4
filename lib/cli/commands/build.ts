// `thaw build`: the functions' bundles, as deploy and package zip them.
import { functionBundles } from '../../build/function-bundles';
import { command } from '../command';

export const buildCommand = command({
  name: 'build',
  summary:
    'write each function bundle to .build/<name>/ (built with esbuild in a checkout, prebuilt in the npm package; deploy and package do this themselves)',
  options: {
    'build-dir': { type: 'string', value: 'DIR', help: 'where the bundles go (default .build/ of the current folder)' },
  },
  async run({ values }) {
    await functionBundles({ outDir: values['build-dir'] });
  },
});
