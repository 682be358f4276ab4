// Reads the Markdown docs (README.md and docs/) so tests can hold them and the code to the same
// rules: the tables a page keeps (states, OSS answers, HTTP answers, configuration, layers), and
// the links and paths it names.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A Markdown file's text; `file` is relative to the repository's root, e.g. `docs/api.md`. */
export function readDoc(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/**
 * The rows (cells trimmed, header and rule left out) of the first table in the section `heading`
 * of `file` (up to the next heading of the same or a higher level) whose header starts with
 * `firstColumn`.
 */
export function docTable(file: string, heading: string, firstColumn: string): string[][] {
  const lines = readDoc(file).split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`${file} has no heading "${heading}"`);
  const level = /^#+/.exec(heading)?.[0].length ?? 0;
  const end = lines.findIndex((line, i) => i > start && new RegExp(`^#{1,${level}} `).test(line));
  const section = lines.slice(start + 1, end === -1 ? undefined : end);
  const header = section.findIndex((line) => new RegExp(`^\\|\\s*${firstColumn}\\s*\\|`).test(line));
  if (header === -1) throw new Error(`${file} has no table starting with "${firstColumn}" under "${heading}"`);
  const rows: string[][] = [];
  for (const line of section.slice(header + 2)) {
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

function markdownUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownUnder(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** README.md and every Markdown file under docs/, relative to the root: the project's documentation. */
export function projectDocs(): string[] {
  return ['README.md', ...markdownUnder('docs')];
}

/** The documentation and every README beside the code (the emulators'), relative to the root. */
export function allMarkdown(): string[] {
  return [...projectDocs(), ...markdownUnder('lib'), ...markdownUnder('functions'), ...markdownUnder('test')];
}

/** The text outside fenced code blocks (a link or path inside an example is not the page's own). */
export function proseOf(text: string): string {
  return text.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '');
}

/** Every inline link and image target, `[text](target)` and `![alt](target)`, outside code. */
export function linkTargets(text: string): string[] {
  const prose = proseOf(text).replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

/**
 * The anchors a page's headings get, as GitHub makes them: lower case, punctuation other than `-`
 * and `_` dropped, each space a `-`, and `-1`, `-2`, … after a repeated one.
 */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of proseOf(text).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = match[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  // An explicit anchor (`<a id="runbook-api-5xx"></a>`) is a target too, as GitHub renders it: the
  // alerts link to their runbook steps by such ids, which stay put when a heading's wording changes.
  for (const match of proseOf(text).matchAll(/<a id="([^"]+)"><\/a>/g)) anchors.add(match[1]!);
  return anchors;
}
