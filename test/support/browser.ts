// The browser every browser test (and the docs' dashboard screenshot) drives with playwright-core: Debian's
// Chromium when the machine has it, otherwise the headless Chromium that the npm package
// @sparticuz/chromium carries inside itself (bin/chromium.br, brotli-compressed; the package has no
// install script and downloads nothing), so `npm ci && npm test` needs nothing but Node and npm.
import { existsSync } from 'node:fs';
import { access, constants, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** The flags every browser test starts Chromium with: no sandbox (root), no network of its own, nothing kept. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// One unpacked copy per version of the package, kept with the checkout's node_modules (and gone with it).
const CACHE = join(ROOT, 'node_modules', '.cache', 'oss-thaw-chromium');

let packaged: Promise<string> | undefined;

/** The Chromium binary to launch: the system's when installed, else the packaged one, unpacked once. */
export async function chromiumExecutable(): Promise<string> {
  try {
    await access(SYSTEM_CHROMIUM, constants.X_OK);
    return SYSTEM_CHROMIUM;
  } catch {
    // The package's npm tarball carries the x64 build only (its "files" leave bin/arm64 out).
    if (process.arch !== 'x64')
      throw new Error(`no Chromium at ${SYSTEM_CHROMIUM}, and @sparticuz/chromium ships one for x64 only (this is ${process.arch}): install Chromium`);
    packaged ??= unpackPackagedChromium();
    return packaged;
  }
}

/**
 * The package's own executablePath() unpacks into os.tmpdir() (/tmp/chromium, /tmp/fonts, the
 * SwiftShader libraries beside them) and trusts any /tmp/chromium it finds: a second test file that
 * starts while the first is still writing gets a half-written binary (seen here: ETXTBSY), a run
 * killed mid-write leaves one for good, and another checkout's version is taken as ours. So each
 * unpack goes into a fresh folder of its own, renamed into place only when whole: a rename onto a
 * folder that exists fails, so the loser of a race drops its copy and uses the winner's.
 */
async function unpackPackagedChromium(): Promise<string> {
  const { version } = JSON.parse(await readFile(join(ROOT, 'node_modules', '@sparticuz', 'chromium', 'package.json'), 'utf8')) as { version: string };
  const home = join(CACHE, version);
  const binary = join(home, 'chromium');
  if (existsSync(binary)) return binary;
  await mkdir(CACHE, { recursive: true });
  const staging = await mkdtemp(join(CACHE, `.unpacking-${version}-`));
  try {
    const { default: Chromium } = await import('@sparticuz/chromium');
    // executablePath() reads os.tmpdir() (that is, TMPDIR) only before its first await (build/esm/index.js
    // and lambdafs.js of 147.0.0), so TMPDIR names the staging folder for that synchronous part alone.
    const saved = process.env.TMPDIR;
    let unpacking: Promise<string>;
    process.env.TMPDIR = staging;
    try {
      unpacking = Chromium.executablePath();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    const unpacked = await unpacking;
    if (unpacked !== join(staging, 'chromium'))
      throw new Error(`@sparticuz/chromium ${version} unpacked to ${unpacked}, not into ${staging}: test/support/browser.ts needs updating for this version`);
    try {
      await rename(staging, home);
    } catch (err) {
      // Another test file finished first: its copy is whole, ours is removed below.
      if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return binary;
}

/** Chromium with a fresh profile of its own, removed again by close(). */
export async function startChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const executablePath = await chromiumExecutable();
  const profile = await mkdtemp(join(tmpdir(), 'thaw-chromium-'));
  // faketime's LD_PRELOAD (the suite's clock-moved run) hangs Chromium's start here (observed); the
  // page takes every time it shows from the API, whose clock stays moved, so the browser runs unfaked.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name, value]) => value !== undefined && name !== 'LD_PRELOAD' && !name.startsWith('FAKETIME')),
  ) as Record<string, string>;
  // launchPersistentContext passes the profile as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_FLAGS, env });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
