// The fast tier (`npm run test:unit`): the unit tests and the port contract suites, which run in
// this process against the memory stores, scripted fakes and emulators on loopback: no child
// processes, no browser, no `thaw dev`. Test files share a worker's module cache (isolate: false):
// they set no globals, environment or module mocks, so only the per-file start-up is saved.
// `npm test` still runs everything, each file isolated.
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

export default defineConfig({
  ...base,
  // Not mergeConfig: it would append this include to the base's (every test).
  test: { ...base.test, include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts'], isolate: false },
});
