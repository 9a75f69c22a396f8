/**
 * The dashboard in a real headless Chromium: every chart drawn with data, no console errors, no
 * network request, escaped text, no sideways scrolling on a phone; screenshots in test-artifacts/.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishRun } from '../../lambdas/publish/publisher.ts';
import { buildFixtureLake, R, TEST_RECIPIENTS } from './fixture.ts';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

/** The charts of the fixture's dashboard: trends (3), cohorts (2), funnel (2), one per segment dimension (6). */
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
declare const Chart: {
  getChart(canvas: CanvasElement): { data: { datasets: { data: unknown[] }[] } } | undefined;
};

interface PageLog {
  readonly problems: string[];
  readonly requests: string[];
}

let browser: Browser;
let html: string;
let digestHtml: string;

/** Opens a page in a fresh context that refuses and records every request and every console problem. */
async function openPage(
  content: string,
  viewport: { width: number; height: number },
  mobile: boolean,
): Promise<{ page: Page } & PageLog> {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: mobile ? 2 : 1,
    isMobile: mobile,
    hasTouch: mobile,
  });
  const log: PageLog = { problems: [], requests: [] };
  await context.route('**/*', async (route) => {
    log.requests.push(route.request().url());
    await route.abort();
  });
  const page = await context.newPage();
  page.on('request', (request) => log.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      log.problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => log.problems.push(`pageerror: ${error.message}`));
  await page.setContent(content, { waitUntil: 'load' });
  return { page, ...log };
}

/** Opens the dashboard and waits for its charts. */
async function openDashboard(
  viewport: { width: number; height: number },
  mobile: boolean,
): Promise<{ page: Page } & PageLog> {
  const opened = await openPage(html, viewport, mobile);
  await opened.page.waitForFunction(() => document.body.dataset.chartsRendered !== undefined, null, {
    timeout: 15_000,
  });
  return opened;
}

beforeAll(async () => {
  const lake = await buildFixtureLake();
  try {
    const result = await publishRun({
      engine: lake.engine,
      store: lake.store,
      runDate: R,
      recipients: TEST_RECIPIENTS,
    });
    html = Buffer.from((await lake.store.get(result.dashboardKey)) as Uint8Array).toString('utf8');
    const kol = result.digests.find((digest) => digest.email === 'kol@example.com');
    const mail = await simpleParser(Buffer.from((await lake.store.get(kol?.key ?? '')) as Uint8Array));
    digestHtml = mail.html || '';
  } finally {
    await lake.dispose();
  }
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
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
    const { page, problems, requests } = await openDashboard({ width: 1366, height: 900 }, false);

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
    const { page } = await openDashboard({ width: 1366, height: 900 }, false);
    expect(await page.locator('live').count()).toBe(0);
    await expect(page.locator('#partners tbody th').first().textContent()).resolves.toContain(
      'Alpha Crypto <Live> & "Friends"',
    );
    await expect(page.locator('#recommendations').textContent()).resolves.toContain(
      'CAC rose 79% week over week & ROI < target: trim until it recovers.',
    );
  });

  it('states each change in words as well as arrows and colour', async () => {
    const { page } = await openDashboard({ width: 1366, height: 900 }, false);
    const cac = page.locator('.kpi', { hasText: 'CAC' }).first();
    await expect(cac.locator('.kpi-value').textContent()).resolves.toBe('$168');
    await expect(cac.locator('.kpi-change .change').first().textContent()).resolves.toBe(
      '▲ +32%, up 32% from $127, worse vs the previous 7 days',
    );
    await expect(cac.locator('.kpi-change .change').first().getAttribute('class')).resolves.toContain(
      'tone-bad',
    );
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
