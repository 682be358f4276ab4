// Reads the imports of the project's own sources, for the tests that hold them to a rule: the layer
// table of docs/architecture.md (test/unit/architecture.test.ts) and no cycle between files
// (test/unit/import-cycles.test.ts). One reader, so both tests see the same imports.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ROOT } from './markdown';

const SOURCE = /\.(ts|mts|mjs|js)$/;

/** Every source file under `dir` (relative to the repository's root), declaration files left out. */
export function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative module specifier of a source: imports and exports (type-only too), import(), require(). */
export function relativeSpecifiers(text: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\bfrom\s*['"](\.[^'"]+)['"]/g,
    /\bimport\s*['"](\.[^'"]+)['"]/g,
    /\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]!));
}

/**
 * The file a relative specifier of `from` names, as TypeScript's bundler resolution finds it: the
 * path itself, the path with `.js`/`.mjs` read as its TypeScript source, an extension added, or the
 * folder's index; undefined when no file answers (`exists` is swapped in by the tests).
 */
export function resolveSpecifier(from: string, spec: string, exists: (path: string) => boolean = isFile): string | undefined {
  const path = normalize(join(dirname(from), spec));
  const stem = path.replace(/\.(js|mjs)$/, '');
  const candidates = [path, ...['.ts', '.mts', '.mjs', '.js'].map((ext) => stem + ext), ...['ts', 'js'].map((ext) => join(path, `index.${ext}`))];
  return candidates.find(exists);
}

function isFile(path: string): boolean {
  const full = join(ROOT, path);
  return existsSync(full) && statSync(full).isFile();
}

/**
 * The first cycle of an import graph (file → the files it imports), as the path that closes it:
 * `[a, b, …, a]`; undefined when there is none. Files are visited in sorted order, so the same graph
 * always names the same cycle.
 */
export function firstCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    const open = path.indexOf(file);
    if (open !== -1) return [...path.slice(open), file];
    if (done.has(file)) return undefined;
    path.push(file);
    for (const next of [...(graph.get(file) ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(file);
    return undefined;
  };
  for (const file of [...graph.keys()].sort()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}
