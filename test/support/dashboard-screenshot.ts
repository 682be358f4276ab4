// Writes the dashboard screenshot docs/operations.md shows, from the same seeded API as the browser test:
//   node --import tsx test/support/dashboard-screenshot.ts [out.png]   (default lib/api/dashboard/screenshot.png)
// Run by hand when the page changes; no test writes it.
import { fileURLToPath } from 'node:url';
import { startChromium } from './browser';
import { startDashboardDemo } from './dashboard-demo';

const out = process.argv[2] ?? fileURLToPath(new URL('../../lib/api/dashboard/screenshot.png', import.meta.url));
const demo = await startDashboardDemo({ inFlight: 24 });
const browser = await startChromium();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(demo.url);
  await page.locator('#token').fill(demo.token);
  await page.locator('#signin button[type=submit]').click();
  await page.locator('#board').waitFor({ state: 'visible' });
  await page.screenshot({ path: out, fullPage: true });
  process.stdout.write(`${out}\n`);
} finally {
  await browser.close();
  await demo.close();
}
