/**
 * The dashboard in a real headless Chromium: every chart drawn with data, no console errors, no
 * network request, escaped text, no sideways scrolling on a phone; screenshots in test-artifacts/.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { renderDashboard } from '../../lambdas/publish/dashboard.ts';
import { loadPublishModel } from '../../lambdas/publish/load-model.ts';
import type { PublishModel } from '../../lambdas/publish/model.ts';
import { publishRun } from '../../lambdas/publish/publisher.ts';
import {
  ARTIFACTS,
  launchChromium,
  openDashboard as openChromiumDashboard,
  openPage as openChromiumPage,
  type PageLog,
} from './chromium.ts';
import { buildFixtureLake, R, TEST_RECIPIENTS } from './fixture.ts';

// The tracker tables join the registry with their builders (issue 17); the section needs them there.

/**
 * The charts of the fixture's dashboard: trends (3), cohorts (2), funnel (2), one per segment
 * dimension (6), one per campaign (3, by campaign id).
 */
const EXPECTED_CHARTS = [
  'spend',
  'signups',
  'cac',
  'ltv',
  'roi',
  'funnel',
  'funnel-channels',
  'segment-lifecycle',
  'segment-value_tier',
  'segment-funnel_stage',
  'segment-tenure_bucket',
  'segment-trade_frequency',
  'segment-product_mix',
  'campaign-playbook-winback',
  'campaign-spring-kyc',
  'campaign-vip-bonus',
];

/** The few browser globals the page functions below use (the project compiles without the DOM lib). */
interface CanvasElement {
  readonly width: number;
  readonly height: number;
  readonly dataset: Record<string, string | undefined>;
}
declare const document: {
  readonly body: { readonly dataset: Record<string, string | undefined> };
  readonly documentElement: { readonly scrollWidth: number };
  readonly scripts: { readonly length: number };
  querySelectorAll(selector: string): Iterable<CanvasElement>;
};
/** What the colour check reads of an element's style. */
interface BrowserWindow {
  getComputedStyle(element: unknown): { readonly backgroundColor: string };
}
declare const Chart: {
  getChart(canvas: CanvasElement): { data: { datasets: { data: unknown[] }[] } } | undefined;
};

let browser: Browser;
let model: PublishModel;
let html: string;
let digestHtml: string;

/**
 * Opens `content` in a fresh context that refuses and records every request and console problem;
 * the context closes when the test ends, so no page keeps drawing behind the next test's.
 */
async function openPage(content: string, viewport: { width: number; height: number }, mobile: boolean) {
  const opened = await openChromiumPage(browser, content, viewport, mobile);
  onTestFinished(() => opened.page.context().close());
  return opened;
}

/** Opens the dashboard and waits for its charts; the context closes when the test ends. */
async function openDashboard(viewport: { width: number; height: number }, mobile: boolean) {
  const opened = await openChromiumDashboard(browser, html, viewport, mobile);
  onTestFinished(() => opened.page.context().close());
  return opened;
}

let laptop: Promise<{ page: Page } & PageLog> | undefined;

/**
 * The dashboard on a laptop (1366 x 900), opened by the first test that asks and kept until the
 * file ends: the tests below only read it, so each need not draw every chart again.
 */
function laptopDashboard(): Promise<{ page: Page } & PageLog> {
  laptop ??= openChromiumDashboard(browser, html, { width: 1366, height: 900 }, false);
  return laptop;
}

beforeAll(async () => {
  const lake = await buildFixtureLake({ withTrackers: true });
  try {
    const result = await publishRun({
      engine: lake.engine,
      store: lake.store,
      runDate: R,
      recipients: TEST_RECIPIENTS,
    });
    html = Buffer.from((await lake.store.get(result.dashboardKey)) as Uint8Array).toString('utf8');
    model = await loadPublishModel(lake.engine, R);
    const kol = result.digests.find((digest) => digest.email === 'kol@example.com');
    const mail = await simpleParser(Buffer.from((await lake.store.get(kol?.key ?? '')) as Uint8Array));
    digestHtml = mail.html || '';
  } finally {
    await lake.dispose();
  }
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

describe('the dashboard in Chromium', () => {
  it('would notice a request (control: a page that fetches an image)', async () => {
    const { requests } = await openPage(
      '<img src="http://127.0.0.1:9/pixel.png">',
      { width: 400, height: 300 },
      false,
    );
    expect(requests).toContain('http://127.0.0.1:9/pixel.png');
  });

  it('renders every chart with data on a laptop, with no errors and no network', async () => {
    // Act
    const { page, problems, requests } = await laptopDashboard();

    // Assess
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll('canvas[data-chart]')].map((canvas) => {
        const chart = Chart.getChart(canvas);
        return {
          id: canvas.dataset.chart,
          width: canvas.width,
          height: canvas.height,
          datasets: chart?.data.datasets.length ?? 0,
          points:
            chart?.data.datasets.reduce((n, set) => n + set.data.filter((v) => v !== null).length, 0) ?? 0,
        };
      }),
    );
    expect(charts.map((chart) => chart.id)).toEqual(EXPECTED_CHARTS);
    for (const chart of charts) {
      expect(chart.datasets, chart.id).toBeGreaterThan(0);
      expect(chart.points, chart.id).toBeGreaterThan(0);
      expect(chart.width * chart.height, chart.id).toBeGreaterThan(0);
    }
    expect(await page.evaluate(() => document.body.dataset.chartsRendered)).toBe(
      String(EXPECTED_CHARTS.length),
    );
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  it('shows partner names from the CSV as text, never as markup', async () => {
    const { page } = await laptopDashboard();
    expect(await page.locator('live').count()).toBe(0);
    await expect(page.locator('#partners tbody th').first().textContent()).resolves.toContain(
      'Alpha Crypto <Live> & "Friends"',
    );
    await expect(page.locator('#recommendations').textContent()).resolves.toContain(
      'CAC rose 79% week over week & ROI < target: trim until it recovers.',
    );
  });

  it("shows each partner's matured ROI beside the projection at the value horizon and the payback day", async () => {
    const { page } = await laptopDashboard();
    const headers = await page.locator('#partners thead th').allTextContents();
    expect(headers.slice(-4)).toEqual(['ROI d7', 'ROI d30', 'ROI 180d projected', 'Payback']);
    const yieldHunters = page.locator('#partners tbody tr', { hasText: 'YieldHunters' });
    const cells = (await yieldHunters.locator('td').allTextContents()).slice(-4);
    // partner_roi_forecast of the fixture: aff_two at -80% / -35% matured, +25% (5% to 45%) projected.
    expect(cells).toEqual(['-80%', '-35%', '25% (5.0% to 45%)', 'day 140 (110 to 200)']);
  });

  it('states each change in words as well as arrows and colour', async () => {
    const { page } = await laptopDashboard();
    const cac = page.locator('.kpi', { hasText: 'CAC' }).first();
    await expect(cac.locator('.kpi-value').textContent()).resolves.toBe('$168');
    await expect(cac.locator('.kpi-change .change').first().textContent()).resolves.toBe(
      '▲ +32%, up 32% from $127, worse vs the previous 7 days',
    );
    await expect(cac.locator('.kpi-change .change').first().getAttribute('class')).resolves.toContain(
      'tone-bad',
    );
    // GMV: 2,926,000 against 2,635,000 (test/publish/load-model.test.ts works them out).
    const gmv = page.locator('.kpi', { hasText: 'GMV' }).first();
    await expect(gmv.locator('.kpi-value').textContent()).resolves.toBe('$2.93M');
    await expect(gmv.locator('.kpi-change .change').first().getAttribute('class')).resolves.toContain(
      'tone-good',
    );
  });

  it("lists R's alerts, most severe first, each value against its expected range", async () => {
    // Act
    const { page } = await laptopDashboard();
    const rows = page.locator('#alerts tbody tr');

    // Assess: test/publish/fixture.ts, KPI_ALERT_ROWS: all nine of R (the digest shows eight), the
    // tracking outage first, kol_alpha's sign-ups (1.07 half-widths outside) last.
    await expect(rows.count()).resolves.toBe(9);
    await expect(rows.nth(0).locator('th, td').allTextContents()).resolves.toEqual([
      'Tracking YieldHunters',
      'critical ▼',
      '0',
      '8',
      '1–22',
      'YieldHunters had spend but recorded no sign-up, against 8 expected (range 1 to 22): check its tracking.',
    ]);
    await expect(rows.nth(1).locator('th, td').nth(4).textContent()).resolves.toBe('$650–$1,350');
    await expect(rows.nth(8).locator('th').textContent()).resolves.toBe(
      'Sign-ups Alpha Crypto <Live> & "Friends"',
    );
  });

  it('shows the plan, worst first, each target against its forecast', async () => {
    // Act
    const { page } = await laptopDashboard();
    const rows = page.locator('#plan tbody tr');

    // Assess: test/publish/fixture.ts, PLAN_ROWS; kol spend: 24000 to date, 30000 * 22/30 = 22000
    // expected, 8400 / 7 = 1200 a day, 24000 + 1200 * 8 = 33600, 112%
    await expect(rows.count()).resolves.toBe(4);
    await expect(rows.nth(0).locator('th, td').allTextContents()).resolves.toEqual([
      'Spend kol channel',
      '2026-11 day 22 of 30',
      'over plan',
      '$30.0k',
      '$24.0k',
      '$22.0k',
      '$1,200',
      '$33.6k',
      '112%',
    ]);
    await expect(rows.nth(1).locator('th, td').nth(2).textContent()).resolves.toBe('off track');
    await expect(rows.nth(2).locator('th, td').nth(2).textContent()).resolves.toBe('at risk');
    // 375 sign-ups in 7 days: 53.6 a day.
    await expect(rows.nth(2).locator('th, td').nth(6).textContent()).resolves.toBe('53.6');
    await expect(rows.nth(3).locator('th, td').nth(2).textContent()).resolves.toBe('on track');
  });

  it('shows each campaign with its arms, verdict, intervals drawn and an SRM warning', async () => {
    // Act
    const { page } = await laptopDashboard();
    const cards = page.locator('#campaigns article.campaign');

    // Assess: by campaign id, so the playbook campaign (named by its id) comes first.
    await expect(cards.count()).resolves.toBe(3);
    await expect(cards.locator('h3').allTextContents()).resolves.toEqual([
      'playbook:winback playbook holdout sample-ratio mismatch',
      'Spring KYC push spring-kyc · CRM team win',
      'VIP deposit bonus vip-bonus inconclusive',
    ]);
    const spring = cards.nth(1);
    await expect(spring.locator('.campaign-facts').textContent()).resolves.toBe(
      'Treatment 900 · control 100 · in both arms 3 · cost $1,800 · ROI on net revenue 0%',
    );
    // kyc: 0.05 = +5.0 pp, CI 0.03-0.07, CS 0.01-0.09, relative 0.5 = +50%, 0.05 * 900 = 45.
    await expect(spring.locator('tbody tr').first().locator('th, td').allTextContents()).resolves.toEqual([
      'KYC verified primary',
      '+5.0 pp',
      '+3.0 to +7.0 pp',
      '+1.0 to +9.0 pp',
      '+50%',
      '< 0.001',
      '+45 KYC verifications',
      'win',
    ]);
    await expect(spring.locator('.warning').count()).resolves.toBe(0);
    await expect(cards.nth(0).locator('.warning').textContent()).resolves.toMatch(
      /^Sample-ratio mismatch \(p < 0\.001\): The arms are not split the way the campaign was designed/,
    );
    // The interval chart: the uplift point, the fixed CI and the always-valid range around it.
    const ranges = await page.evaluate(() => {
      const canvas = [...document.querySelectorAll('canvas[data-chart="campaign-spring-kyc"]')][0];
      return canvas === undefined ? [] : Chart.getChart(canvas)?.data.datasets.map((set) => set.data);
    });
    expect(ranges).toEqual([[0.05], [[0.03, 0.07]], [[0.01, 0.09]]]);
  });

  it('gives campaigns whose ids clean to the same text charts of their own', () => {
    // Prepare: `a:b` and `a-b` both clean to `a-b`.
    const spring = model.campaigns.find((c) => c.campaignId === 'spring-kyc');
    if (spring === undefined) throw new Error('the fixture has spring-kyc');
    const campaigns = [
      { ...spring, campaignId: 'a:b' },
      { ...spring, campaignId: 'a-b' },
    ];

    // Act
    const page = renderDashboard({ ...model, campaigns });

    // Assess
    expect([...page.matchAll(/data-chart="(campaign-[^"]+)"/g)].map((m) => m[1])).toEqual([
      'campaign-a-b',
      'campaign-a-b-2',
    ]);
  });

  it("shows each source and partner's reconciliation, most severe first, status marked", async () => {
    // Act
    const { page } = await laptopDashboard();
    const tracking = page.locator('#tracking');
    const week = tracking.locator('table').nth(0);

    // Assess: 7 days: broken kol_alpha 0 vs 42 and unmapped 12 vs 0; warn kol_beta (+10) and
    // content_blog (+1); then ok by gap: aff_one 5, organic 2 and aff_two 2 (AppsFlyer first), 0.
    await expect(tracking.locator('.tracking-summary').textContent()).resolves.toBe(
      'Last 7 days: 2 broken 2 warn 4 ok',
    );
    await expect(week.locator('tbody th').allTextContents()).resolves.toEqual([
      'Alpha Crypto <Live> & "Friends" kol_alpha',
      'unmapped',
      'Beta Signals kol_beta',
      'Chain Chronicle content_blog',
      'CoinCompare aff_one',
      'organic',
      'YieldHunters aff_two',
      'unmapped',
    ]);
    await expect(week.locator('tbody tr').nth(0).locator('td').allTextContents()).resolves.toEqual([
      'AppsFlyer',
      'broken',
      '0 / 42',
      '-100%',
      '0',
      '0 / 9',
      '—',
      'no data: AppsFlyer reports no sign-ups for this partner',
    ]);
    await expect(week.locator('tbody tr').nth(1).locator('td').last().textContent()).resolves.toBe(
      'unmapped key: AppsFlyer "tiktokglobal_int" needs a tracker-map row (and 1 more unmapped key)',
    );
    // Impact's payout: $540 over 7 days; aff_one at exactly +10% is ok, with no cause.
    await expect(week.locator('tbody tr').nth(6).locator('td').nth(6).textContent()).resolves.toBe('$540');
    await expect(week.locator('tbody tr').nth(4).locator('td').nth(3).textContent()).resolves.toBe('+10%');
    await expect(week.locator('tbody tr').nth(4).locator('td').last().textContent()).resolves.toBe('—');
    // Broken is white on red, warn dark amber on amber: marked by colour as well as the word.
    const colours = await week
      .locator('.tag.status-broken, .tag.status-warn')
      .evaluateAll((tags) =>
        tags.map((tag) => (globalThis as unknown as BrowserWindow).getComputedStyle(tag).backgroundColor),
      );
    expect(colours).toEqual([
      'rgb(220, 38, 38)',
      'rgb(220, 38, 38)',
      'rgb(254, 243, 199)',
      'rgb(254, 243, 199)',
    ]);
    // 30 days: the months' own statuses, aff_two warn at -10/90 with $2,400.
    const month = tracking.locator('table').nth(1);
    await expect(month.locator('tbody tr').nth(2).locator('th, td').allTextContents()).resolves.toEqual([
      'YieldHunters aff_two',
      'Impact',
      'warn',
      '80 / 90',
      '-11%',
      '0',
      '11 / 12',
      '$2,400',
      'gap: Impact counts 10 users fewer than the platform',
    ]);
    await tracking.screenshot({ path: join(ARTIFACTS, 'dashboard-tracking.png') });
  });

  it('fits a phone without sideways scrolling', async () => {
    // Act
    const { page, problems, requests } = await openDashboard({ width: 390, height: 844 }, true);

    // Assess
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.body.dataset.chartsRendered)).toBe(
      String(EXPECTED_CHARTS.length),
    );
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    // The tracking tables stack as cards: no header row, each value labelled, inside the screen.
    const tracking = page.locator('#tracking table').nth(0).locator('tbody tr').nth(0);
    await expect(page.locator('#tracking thead').first().isVisible()).resolves.toBe(false);
    await expect(tracking.locator('td[data-label="Status"]').isVisible()).resolves.toBe(true);
    const card = await tracking.boundingBox();
    expect(card?.x).toBeGreaterThanOrEqual(0);
    expect((card?.x ?? 0) + (card?.width ?? 999)).toBeLessThanOrEqual(390);
    await page.locator('#tracking').screenshot({ path: join(ARTIFACTS, 'dashboard-tracking-phone.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
  });
});

describe("a digest's HTML in Chromium", () => {
  it('renders on a phone-width mail pane without scripts, as a screenshot for review', async () => {
    // Act
    const { page, problems, requests } = await openPage(digestHtml, { width: 420, height: 900 }, true);

    // Assess
    expect(await page.evaluate(() => document.scripts.length)).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'digest-kol.png'), fullPage: true });
  });
});
