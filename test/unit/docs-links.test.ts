// The docs point only at what a reader of the repository can open: every relative link in README.md,
// docs/ and the READMEs beside the code reaches a file (and a heading, when it names one) inside the
// repository, and every `lib/…`, `test/…` or `functions/…` path they write in backticks exists;
// README.md and docs/ name no file outside the repository and no issue of a tracker its readers
// cannot see (the emulators' READMEs cite public issues of the vendors' SDK repositories as sources).
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allMarkdown, headingAnchors, linkTargets, projectDocs, proseOf, readDoc, ROOT } from '../support/markdown';

const DOCS = projectDocs();
const MARKDOWN = allMarkdown();

/** What a link or path written in `doc` fails on, or undefined when it holds. */
function brokenLink(doc: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: — not a file of ours
  const [path = '', anchor] = target.split('#', 2) as [string, string | undefined];
  const file = path === '' ? join(ROOT, doc) : resolve(ROOT, dirname(doc), decodeURIComponent(path));
  if (relative(ROOT, file).startsWith('..')) return 'points outside the repository';
  if (!existsSync(file)) return 'no such file';
  if (anchor === undefined || !file.endsWith('.md') || statSync(file).isDirectory()) return undefined;
  return headingAnchors(readDoc(relative(ROOT, file))).has(anchor) ? undefined : `no heading #${anchor} there`;
}

/** A file or folder of the repository; a module may be named without its extension (`lib/clock`). */
function exists(path: string): boolean {
  return ['', '.ts', '.mjs'].some((ext) => existsSync(join(ROOT, path + ext)));
}

/** The repository paths a page writes in backticks: lib/…, test/…, functions/…, docs/… (placeholders left out). */
function pathsNamed(text: string): string[] {
  return [...text.matchAll(/`((?:lib|test|functions|docs)\/[^`\s]*)`/g)].map((m) => m[1]!).filter((p) => !/[<>*{}…]/.test(p));
}

describe('docs: links and paths', () => {
  it('finds the pages', () => {
    expect(DOCS).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/architecture.md', 'docs/deploy.md']));
    expect(MARKDOWN).toEqual(expect.arrayContaining(['lib/emulators/oss/README.md', 'lib/emulators/fc/README.md']));
  });

  it.each(MARKDOWN)('%s: every relative link reaches a file, and a heading when it names one', (doc) => {
    const broken = linkTargets(readDoc(doc))
      .map((target) => [target, brokenLink(doc, target)] as const)
      .filter(([, problem]) => problem !== undefined)
      .map(([target, problem]) => `${target}: ${problem}`);
    expect(broken).toEqual([]);
  });

  it.each(MARKDOWN)('%s: every lib/, test/, functions/ or docs/ path it names exists', (doc) => {
    expect(pathsNamed(readDoc(doc)).filter((path) => !exists(path))).toEqual([]);
  });

  it.each(DOCS)('%s: names no file outside the repository and no tracker issue', (doc) => {
    const outside = /\.\.\/shared\/|\/work\/|\b(?:DESIGN|FACTS|STYLE)\.md\b|\bissues? #?\d+|\bdefect #?\d+/gi;
    expect(proseOf(readDoc(doc)).match(outside) ?? []).toEqual([]);
  });

  it('every page of docs/ has a row in the docs index', () => {
    const index = linkTargets(readDoc('docs/README.md')).map((t) => join('docs', t.split('#')[0]!));
    const pages = DOCS.filter((d) => d.startsWith('docs/') && !d.startsWith('docs/decisions/') && d !== 'docs/README.md');
    expect(pages.filter((page) => !index.includes(page))).toEqual([]);
  });

  it('every decision record has a row in the decisions index', () => {
    const index = linkTargets(readDoc('docs/decisions/README.md')).map((t) => join('docs/decisions', t));
    const records = DOCS.filter((d) => /^docs\/decisions\/\d{4}-/.test(d));
    expect(records.length).toBeGreaterThan(0);
    expect(records.filter((record) => !index.includes(record))).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('see links and images, not code', () => {
    const text = ['[a](x.md#h) ![b](img.png) [c](https://e.example/y) `[d](not-a-link.md)`', '```', '[e](in-a-fence.md)', '```'].join('\n');
    expect(linkTargets(text)).toEqual(['x.md#h', 'img.png', 'https://e.example/y']);
  });

  it('make anchors as GitHub does', () => {
    expect([...headingAnchors("# Title\n## `thaw status` and more\n## The 3 a.m. page\n## The functions' variables\n## Title")]).toEqual([
      'title',
      'thaw-status-and-more',
      'the-3-am-page',
      'the-functions-variables',
      'title-1',
    ]);
  });

  it('catch a missing file, a missing heading and a way out of the repository', () => {
    expect(brokenLink('docs/README.md', 'nowhere.md')).toBe('no such file');
    expect(brokenLink('docs/README.md', 'api.md#no-such-heading')).toBe('no heading #no-such-heading there');
    expect(brokenLink('docs/README.md', '../../outside.md')).toBe('points outside the repository');
    expect(brokenLink('docs/README.md', 'api.md#answers')).toBeUndefined();
    expect(brokenLink('README.md', '#the-loop')).toBeUndefined();
  });

  it('read paths in backticks, leaving placeholders out', () => {
    expect(pathsNamed('`lib/restore` `test/x.test.ts` `functions/<name>/index.ts` `sdk/<name>.js` `lib/a.ts`')).toEqual([
      'lib/restore',
      'test/x.test.ts',
      'lib/a.ts',
    ]);
  });
});
