// Who may import whom, as docs/architecture.md's layer table says: every import between modules of
// lib/ and functions/ (type-only ones included) must be one its row allows, and every module must
// have a row. The table is the rule; this test keeps the code and the page from drifting apart.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relativeSpecifiers, sources } from '../support/imports';
import { codeSpans, docTable, ROOT } from '../support/markdown';

/** The module a path of lib/ or functions/ belongs to: `functions`, a top-level file such as `lib/clock.ts`, or a folder such as `lib/restore`. */
function moduleOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'functions') return 'functions';
  if (parts.length > 2) return `${parts[0]}/${parts[1]}`;
  if (existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isDirectory()) return path;
  const file = ['', '.ts', '.mts', '.mjs', '.js'].map((ext) => path.replace(/\.(js|mjs)$/, '') + ext).find((p) => existsSync(join(ROOT, p)));
  return file ?? path;
}

const FILES = [...sources('lib'), ...sources('functions')];

/** Every import from one module to another: [from file, to path, from module, to module]. */
const EDGES = FILES.flatMap((file) =>
  relativeSpecifiers(readFileSync(join(ROOT, file), 'utf8')).map((spec) => {
    const to = relative(ROOT, resolve(ROOT, dirname(file), spec));
    return { file, to, from: moduleOf(file), into: moduleOf(to) };
  }),
).filter((edge) => edge.from !== edge.into);

const ROWS = docTable('docs/architecture.md', '## Layers: who may import whom', 'module').map((row) => ({
  modules: codeSpans(row[0]!),
  allowed: row[2] === 'nothing' ? [] : codeSpans(row[2]!),
}));
const ALLOWED = new Map(ROWS.flatMap((row) => row.modules.map((m) => [m, row.allowed] as const)));
const MODULES = [...new Set(FILES.map(moduleOf))].sort();

describe('docs/architecture.md: who may import whom', () => {
  it('has a row for every module of lib/ and functions/, and no row for a module that does not exist', () => {
    expect(MODULES.filter((m) => !ALLOWED.has(m))).toEqual([]);
    expect([...ALLOWED.keys()].filter((m) => !MODULES.includes(m))).toEqual([]);
  });

  it('names each module in one row only, and allows only modules that exist', () => {
    const named = ROWS.flatMap((row) => row.modules);
    expect(named.length).toBe(new Set(named).size);
    expect([...new Set(ROWS.flatMap((row) => row.allowed))].filter((m) => !MODULES.includes(m))).toEqual([]);
  });

  it.each(MODULES)('%s imports only what its row allows', (module) => {
    const allowed = ALLOWED.get(module) ?? [];
    const refused = EDGES.filter((e) => e.from === module && !allowed.includes(e.into)).map((e) => `${e.file} → ${e.to}`);
    expect(refused).toEqual([]);
  });

  it('keeps the rules the page states in words', () => {
    // The core, the emulators and the CLI: a row edited to allow more must fail here too.
    expect(ALLOWED.get('lib/restore')).toEqual(['lib/clock.ts', 'lib/log.ts', 'lib/retry.ts']);
    expect(ALLOWED.get('lib/emulators')).toEqual([]);
    expect(ROWS.filter((row) => row.allowed.includes('lib/cli')).flatMap((row) => row.modules)).toEqual(['lib/bin']);
  });

  it('the CLI dispatcher is imported by the thaw entry point alone', () => {
    const importers = FILES.filter((file) =>
      relativeSpecifiers(readFileSync(join(ROOT, file), 'utf8')).some(
        (spec) => moduleOf(relative(ROOT, resolve(ROOT, dirname(file), spec))) === 'lib/cli' && /cli\/main$|\.\/main$/.test(spec),
      ),
    );
    expect(importers).toEqual(['lib/bin/thaw.ts']);
  });
});

describe('the check itself', () => {
  it('sees every form an import can take', () => {
    const text = [
      "import { a } from '../restore/coordinator';",
      "import type { Clock } from '../clock';",
      "export { b } from './sls/lz4';",
      "const c = await import('./commands/deploy');",
      "const d = require('../config');",
      "import './side-effect';",
      "import { e } from 'fast-xml-parser';",
    ].join('\n');
    expect(relativeSpecifiers(text).sort()).toEqual(['../clock', '../config', '../restore/coordinator', './commands/deploy', './side-effect', './sls/lz4']);
  });

  it('names modules as the table does', () => {
    expect(moduleOf('functions/http/index.ts')).toBe('functions');
    expect(moduleOf('lib/restore/coordinator')).toBe('lib/restore');
    expect(moduleOf('lib/clock')).toBe('lib/clock.ts');
    expect(moduleOf('lib/sls')).toBe('lib/sls');
    expect(moduleOf('lib/bin/thaw.mjs')).toBe('lib/bin');
  });
});
