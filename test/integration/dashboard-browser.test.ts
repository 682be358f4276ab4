// The dashboard in a real browser: Chromium (the system's, or the one an npm package ships: see
// test/support/browser.ts) driven by playwright-core, started here with a fresh profile, against
// the API on loopback (memory stores, a fixed clock). It signs in once, reads the counts, the
// budgets, the in-flight timeline and the problems, and shows that the token lives in the tab only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChromium } from '../support/browser';
import { type DashboardDemo, startDashboardDemo } from '../support/dashboard-demo';

let demo: DashboardDemo;
let browser: Awaited<ReturnType<typeof startChromium>>;

beforeAll(async () => {
  demo = await startDashboardDemo({ inFlight: 40 });
  browser = await startChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function signedIn(viewport = { width: 1280, height: 900 }) {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  await page.goto(demo.url);
  await page.locator('#token').fill(demo.token);
  await page.locator('#signin button[type=submit]').click();
  await page.locator('#board').waitFor({ state: 'visible' });
  return page;
}

describe('the dashboard in Chromium', () => {
  it('asks for the token first, and shows nothing before it', async () => {
    const page = await browser.context.newPage();
    await page.goto(demo.url);
    await expect(page.locator('#signin').isVisible()).resolves.toBe(true);
    await expect(page.locator('#board').isVisible()).resolves.toBe(false);
    await page.close();
  });

  it('shows the records per state, the restores in flight against their ETAs, the budgets and the problems', async () => {
    const page = await signedIn();
    const count = (state: string) => page.locator(`.tile[data-state=${state}] .count`).textContent();
    expect(await count('RESTORING')).toBe('40');
    expect(await count('FAILED')).toBe('1');
    expect(await count('REFUSED')).toBe('1');
    expect(await count('DEFERRED')).toBe('1');
    expect(await count('NOT_ARCHIVED')).toBe('1');
    expect(await page.locator('#inflight-count').textContent()).toBe('40 in flight');
    expect(await page.locator('#timeline .row').count()).toBe(40);
    expect(await page.locator('#timeline .now').count()).toBe(1);
    const budget = await page.locator('#budgets .card').first().textContent();
    expect(budget).toContain('thaw-test');
    expect(budget).toContain('restores today40 / 2,000');
    const problems = await page.locator('#problems-body tr').allTextContents();
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain('daily-byte-budget');
    expect(problems.join('\n')).toContain('object-too-large');
    expect(problems.join('\n')).toContain('Transient');
    await page.close();
  });

  it('keeps the token for the tab only: a reload needs no token, a new tab asks again', async () => {
    const page = await signedIn();
    await page.reload();
    await page.locator('#board').waitFor({ state: 'visible' });
    const other = await browser.context.newPage();
    await other.goto(demo.url);
    await other.locator('#signin').waitFor({ state: 'visible' });
    await page.locator('#signout').click();
    await page.locator('#signin').waitFor({ state: 'visible' });
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.close();
    await other.close();
  });

  it('says so when the token is wrong, and forgets it', async () => {
    const page = await browser.context.newPage();
    await page.goto(demo.url);
    await page.locator('#token').fill('not-the-token');
    await page.locator('#signin button[type=submit]').click();
    await page.locator('#signin-error', { hasText: 'refused' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.close();
  });

  it('shows each failure, deferral and refusal whole on a phone: state, object and reason inside the box, no sideways scrolling', async () => {
    const page = await signedIn({ width: 390, height: 844 });
    const table = page.locator('section[aria-labelledby=h-problems] .scroll');
    const box = (await table.boundingBox())!;
    // The table's box does not scroll sideways: everything in it is laid out within its width.
    expect(await table.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    const rows = await page.locator('#problems-body tr').all();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      for (const [what, cell] of [
        ['state', row.locator('td:nth-child(2)')],
        ['object', row.locator('td.key')],
        ['reason', row.locator('td:nth-child(4)')],
      ] as const) {
        const text = (await cell.textContent()) ?? '';
        const at = (await cell.boundingBox())!;
        const where = `${what} "${text}" at x ${at.x}..${at.x + at.width} in a box at x ${box.x}..${box.x + box.width}`;
        expect(text.length, where).toBeGreaterThan(0);
        expect(at.x, where).toBeGreaterThanOrEqual(box.x);
        expect(at.x + at.width, where).toBeLessThanOrEqual(box.x + box.width + 0.5);
        // Wrapped inside its cell, never cut off there either.
        expect(await cell.evaluate((el) => el.scrollWidth - el.clientWidth), where).toBeLessThanOrEqual(0);
      }
    }
    await page.close();
  });

  it('fits a phone: nothing wider than the screen', async () => {
    const page = await signedIn({ width: 390, height: 844 });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });
});
