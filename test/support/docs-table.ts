// Reads a table out of a page under docs/, so tests can hold a docs page and the code to the same list.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function docsPage(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../docs/${name}`, import.meta.url)), 'utf8');
}

/** The rows (cells trimmed) of the first table after `heading` whose header starts with `firstColumn`. */
export function docsTable(page: string, heading: string, firstColumn: string): string[][] {
  const text = docsPage(page);
  const start = text.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`docs/${page} has no heading "${heading}"`);
  const lines = text.slice(start).split('\n');
  const header = lines.findIndex((line) => new RegExp(`^\\|\\s*${firstColumn}\\s*\\|`).test(line));
  if (header === -1) throw new Error(`docs/${page} has no table starting with "${firstColumn}" under "${heading}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}
