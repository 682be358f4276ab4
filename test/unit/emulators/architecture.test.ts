// The emulators stand for the services, so they must not share the product's beliefs: nothing
// under lib/emulators imports from outside lib/emulators, except Node's builtins and npm packages.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const EMULATORS = join(ROOT, 'lib', 'emulators');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier: static imports and exports, import(), require(). */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]!);
  return found;
}

function outsideImports(file: string): string[] {
  return specifiers(readFileSync(file, 'utf8')).filter((spec) => {
    if (spec.startsWith('node:')) return false;
    if (!spec.startsWith('.') && !spec.startsWith('/')) return false; // an npm package
    const target = resolve(dirname(file), spec);
    return relative(EMULATORS, target).startsWith('..');
  });
}

describe('lib/emulators', () => {
  const files = sources(EMULATORS);

  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s imports nothing from the product', (_name, file) => {
    expect(outsideImports(file)).toEqual([]);
  });

  it('the check itself sees the forms an import can take', () => {
    const text = [
      "import { a } from '../../restore/storage-class';",
      "import type { Clock } from '../../clock';",
      "export { b } from '../../sls/lz4';",
      "const c = await import('../../sls/reader');",
      "const d = require('../../config');",
      "import './side-effect';",
      "import { e } from 'fast-xml-parser';",
    ].join('\n');
    expect(specifiers(text)).toEqual([
      '../../restore/storage-class',
      '../../clock',
      '../../sls/lz4',
      'fast-xml-parser',
      './side-effect',
      '../../sls/reader',
      '../../config',
    ]);
  });
});
