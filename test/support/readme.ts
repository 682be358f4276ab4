// Reads a table out of README.md, so tests can hold the README and the code to the same rules.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The rows (cells trimmed, header and rule left out) of the first table after `heading` whose header starts with `firstColumn`. */
export function readmeTable(heading: string, firstColumn: string): string[][] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`README.md has no heading "${heading}"`);
  const lines = text.slice(start).split('\n');
  const header = lines.findIndex((line) => new RegExp(`^\\|\\s*${firstColumn}\\s*\\|`).test(line));
  if (header === -1) throw new Error(`README.md has no table starting with "${firstColumn}" under "${heading}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(splitRow(line));
  }
  return rows;
}

/** Cells of a Markdown table row; `\|` inside a cell is not a separator. */
function splitRow(line: string): string[] {
  return line
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The `code` spans of a cell, in order. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}
