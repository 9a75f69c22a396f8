/**
 * The dashboard's Quality section in a real headless Chromium: order, the program's medians, flagged
 * and worse-than-median signals marked in colour and words, the users behind each flag on a laptop,
 * cards within the screen on a phone; screenshots in test-artifacts/.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { publishRun } from '../../lambdas/publish/publisher.ts';
import { ARTIFACTS, launchChromium, openDashboard as openChromiumDashboard } from './chromium.ts';
import { buildFixtureLake, R, TEST_RECIPIENTS } from './fixture.ts';

/** The few browser globals the page functions below use (the project compiles without the DOM lib). */
declare const document: {
  readonly body: { readonly dataset: Record<string, string | undefined> };
  readonly documentElement: { readonly scrollWidth: number };
};
interface BrowserWindow {
  getComputedStyle(element: unknown): { readonly backgroundColor: string; readonly color: string };
}

let browser: Browser;
let html: string;

/**
 * Opens the dashboard in a fresh context that refuses every request, and waits for its charts; the
 * context closes when the test ends, so no page keeps drawing behind the next test's.
 */
async function openDashboard(viewport: { width: number; height: number }, mobile: boolean) {
  const opened = await openChromiumDashboard(browser, html, viewport, mobile);
  onTestFinished(() => opened.page.context().close());
  return opened;
}

beforeAll(async () => {
  const lake = await buildFixtureLake({ withQuality: true });
  try {
    const result = await publishRun({
      engine: lake.engine,
      store: lake.store,
      runDate: R,
      recipients: TEST_RECIPIENTS,
    });
    html = Buffer.from((await lake.store.get(result.dashboardKey)) as Uint8Array).toString('utf8');
  } finally {
    await lake.dispose();
  }
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

describe('the Quality section in Chromium', () => {
  it('shows each partner against the medians, flagged first, flags and worse signals marked', async () => {
    // Act
    const { page, problems, requests } = await openDashboard({ width: 1366, height: 900 }, false);
    const quality = page.locator('#quality');
    const rows = quality.locator('table tbody tr');
    await expect(quality.locator('.quality-summary').textContent()).resolves.toBe(
      '3 of 6 partners flagged: kol_beta kol_alpha aff_two',
    );

    // Assess: flagged by score (kol_beta 22, kol_alpha 48, aff_two 55), then the others by score
    // (content_blog 40, aff_one 81, organic 90), under the medians of the 4 partners that count.
    await expect(quality.locator('table tbody th').allTextContents()).resolves.toEqual([
      'Program median 4 partners',
      'Beta Signals kol_beta',
      'Alpha Crypto <Live> & "Friends" kol_alpha',
      'YieldHunters aff_two',
      'Chain Chronicle content_blog',
      'CoinCompare aff_one',
      'organic',
    ]);
    // KYC (.60 + .70) / 2; FTD (.16 + .22) / 2; fast (.05 + .10) / 2; (30 + 40) / 2 s; devices
    // (.04 + .12) / 2; funding (.01 + .02) / 2; bonus .03 of three; score (48 + 55) / 2 = 51.5.
    await expect(rows.nth(0).locator('td').allTextContents()).resolves.toEqual([
      '—',
      '65%',
      '19%',
      '7.5%',
      '35.0 s',
      '8.0%',
      '1.5%',
      '3.0%',
      '52',
      '—',
    ]);
    // kol_beta: KYC 55% and FTD 16% below the median; 40 s is slower, so not worse; its three
    // flags' shares flagged.
    await expect(rows.nth(1).locator('td').allTextContents()).resolves.toEqual([
      '130',
      '55% (worse than the median)',
      '16% (worse than the median)',
      '5.0%',
      '40.0 s',
      '15% (flagged)',
      '8.0% (flagged)',
      '20% (flagged)',
      '22',
      'bonus_abuse shared_devices shared_funding',
    ]);
    // kol_alpha: fast sign-ups flagged; 6.5 s is quicker than the median 35 s.
    await expect(rows.nth(2).locator('td').nth(3).textContent()).resolves.toBe('30% (flagged)');
    await expect(rows.nth(2).locator('td').nth(4).textContent()).resolves.toBe(
      '6.5 s (worse than the median)',
    );
    // content_blog is worse on every share but has 12 sign-ups: no flag, amber only.
    await expect(rows.nth(4).locator('.signal-flagged').count()).resolves.toBe(0);
    await expect(rows.nth(4).locator('td').last().textContent()).resolves.toBe('—');
    // Flagged white on red; worse than the median in amber text.
    const flagged = await rows
      .nth(1)
      .locator('.signal-flagged')
      .evaluateAll((cells) =>
        cells.map((cell) => (globalThis as unknown as BrowserWindow).getComputedStyle(cell).backgroundColor),
      );
    expect(flagged).toEqual(['rgb(220, 38, 38)', 'rgb(220, 38, 38)', 'rgb(220, 38, 38)']);
    const worse = await rows
      .nth(1)
      .locator('.signal-worse')
      .evaluateAll((cells) =>
        cells.map((cell) => (globalThis as unknown as BrowserWindow).getComputedStyle(cell).color),
      );
    expect(worse).toEqual(['rgb(180, 83, 9)', 'rgb(180, 83, 9)']);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await quality.screenshot({ path: join(ARTIFACTS, 'dashboard-quality.png') });
  });

  it('lists the users behind each flag of each flagged partner, and how many more', async () => {
    // Act
    const { page } = await openDashboard({ width: 1366, height: 900 }, false);
    const cards = page.locator('#quality article.quality-users');

    // Assess
    await expect(cards.locator('h3').allTextContents()).resolves.toEqual([
      'Beta Signals kol_beta',
      'Alpha Crypto <Live> & "Friends" kol_alpha',
      'YieldHunters aff_two',
    ]);
    const beta = await cards.nth(0).locator('li').allTextContents();
    expect(beta[0]).toBe('bonus_abuse 1 user: u_2026-11-20_kol_beta_0 (95% withdrawn)');
    // 7 users, 5 shown: R - 1's three, then R's first two.
    expect(beta[1]).toBe(
      'shared_devices 7 users: ' +
        'u_2026-11-21_kol_beta_0 (with u_2026-11-21_kol_beta_1, u_2026-11-21_kol_beta_2), ' +
        'u_2026-11-21_kol_beta_1 (with u_2026-11-21_kol_beta_0, u_2026-11-21_kol_beta_2), ' +
        'u_2026-11-21_kol_beta_2 (with u_2026-11-21_kol_beta_0, u_2026-11-21_kol_beta_1), ' +
        'u_2026-11-22_kol_beta_0 (with u_2026-11-22_organic_0), ' +
        'u_2026-11-22_kol_beta_1 (with u_2026-11-22_organic_0) and 2 more',
    );
    expect(beta[2]).toBe('shared_funding no users listed for this date');
    await expect(cards.nth(1).locator('li').allTextContents()).resolves.toEqual([
      'fast_signups 2 users: u_2026-11-22_kol_alpha_0 (3.2 s after the click), u_2026-11-22_kol_alpha_1 (0.8 s after the click)',
    ]);
  });

  it('fits a phone: the table stacks as cards and the user lists wrap', async () => {
    // Act
    const { page, problems, requests } = await openDashboard({ width: 390, height: 844 }, true);

    // Assess
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    const beta = page.locator('#quality table tbody tr').nth(1);
    await expect(page.locator('#quality thead').isVisible()).resolves.toBe(false);
    await expect(beta.locator('td[data-label="Bonus abuse"]').isVisible()).resolves.toBe(true);
    for (const box of [
      await beta.boundingBox(),
      await page.locator('#quality article.quality-users').nth(0).boundingBox(),
    ]) {
      expect(box?.x).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 999)).toBeLessThanOrEqual(390);
    }
    await page.locator('#quality').screenshot({ path: join(ARTIFACTS, 'dashboard-quality-phone.png') });
  });
});
