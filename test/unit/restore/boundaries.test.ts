// The core's boundaries, held by a test: it imports no SDK, and the coordinator
// stays small enough to read in one sitting (its rules live in transitions.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const DIR = 'lib/restore';
const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

describe('lib/restore', () => {
  it.each(files)('%s imports only the core, lib/{clock,log,retry} and node built-ins', (file) => {
    const imports = [...readFileSync(`${DIR}/${file}`, 'utf8').matchAll(/^import[^;]*?from '([^']+)'/gms)].map((m) => m[1]!);
    expect(imports.filter((from) => !/^(\.\/|\.\.\/(clock|log|retry)$|node:)/.test(from))).toEqual([]);
  });

  it('keeps the coordinator under 350 lines', () => {
    expect(readFileSync(`${DIR}/coordinator.ts`, 'utf8').trimEnd().split('\n').length).toBeLessThan(350);
  });
});
