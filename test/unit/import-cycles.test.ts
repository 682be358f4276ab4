// No import cycle between the files of lib/ and functions/. The layer test (architecture.test.ts)
// holds imports between modules to docs/architecture.md; inside a module, or across modules the
// table lets import each other, files could still import one another in a ring, which makes load
// order decide what a module sees. Type-only imports count too, as they do for the layer table: a
// ring of types still ties the files to change together, and none exists today.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstCycle, relativeSpecifiers, resolveSpecifier, sources } from '../support/imports';
import { ROOT } from '../support/markdown';

/**
 * Each file of lib/ and functions/ with the files it imports. A specifier that names no file is left
 * out: it cannot close a ring (tsc refuses an unresolved import; the one such text today is a
 * `require('./vendor.cjs')` that lib/build/npm-package.ts writes into dist/).
 */
function importGraph(): Map<string, string[]> {
  const files = [...sources('lib'), ...sources('functions')];
  return new Map(
    files.map((file) => {
      const specifiers = relativeSpecifiers(readFileSync(join(ROOT, file), 'utf8'));
      return [file, specifiers.flatMap((spec) => resolveSpecifier(file, spec) ?? [])];
    }),
  );
}

describe('imports between the files of lib/ and functions/', () => {
  it('form no cycle', () => {
    const cycle = firstCycle(importGraph());
    expect(cycle && `import cycle: ${cycle.join(' → ')}`).toBeUndefined();
  });

  it('are read from every source file, and resolved to files', () => {
    // A graph read from nothing would have no cycle either: it must hold the files and their imports.
    const graph = importGraph();
    expect(graph.get('lib/bin/thaw.ts')).toContain('lib/cli/main.ts');
    expect(graph.get('functions/http/index.ts')?.length).toBeGreaterThan(0);
    expect([...graph.values()].flat().filter((to) => !graph.has(to))).toEqual([]);
  });
});

describe('the check itself', () => {
  it.each([
    ['a ring of three', { 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts'] }, ['a.ts', 'b.ts', 'c.ts', 'a.ts']],
    ['a file importing itself', { 'a.ts': ['a.ts'] }, ['a.ts', 'a.ts']],
    ['a ring reached from outside it', { 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['b.ts'] }, ['b.ts', 'c.ts', 'b.ts']],
  ])('names %s, from the first file back to it', (_label, edges, cycle) => {
    expect(firstCycle(new Map(Object.entries(edges)))).toEqual(cycle);
  });

  it.each([
    ['a chain', { 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': [] }],
    ['a diamond', { 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['d.ts'], 'c.ts': ['d.ts'], 'd.ts': [] }],
  ])('finds none in %s', (_label, edges) => {
    expect(firstCycle(new Map(Object.entries(edges)))).toBeUndefined();
  });

  it.each([
    ['a TypeScript file named as its output', 'lib/cli/main.ts', './command.js', 'lib/cli/command.ts'],
    ['a file without its extension', 'lib/cli/main.ts', '../clock', 'lib/clock.ts'],
    ['an .mjs file by its name', 'lib/bin/thaw.mjs', './launch.mjs', 'lib/bin/launch.mjs'],
    ["a folder's index", 'functions/http/index.ts', '../../lib/api', 'lib/api/index.ts'],
  ])('resolves %s', (_label, from, spec, file) => {
    const files = new Set(['lib/cli/command.ts', 'lib/clock.ts', 'lib/bin/launch.mjs', 'lib/api/index.ts']);
    expect(resolveSpecifier(from, spec, (path) => files.has(path))).toBe(file);
  });
});
