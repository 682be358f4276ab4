// `thaw build`: the functions' bundles, as deploy and package zip them.
import { buildFunctions } from '../../build/bundle';
import { command } from '../command';

export const buildCommand = command({
  name: 'build',
  summary: 'bundle each function into .build/<name>/index.js with esbuild (deploy and package do this themselves)',
  options: {},
  async run() {
    await buildFunctions();
  },
});
