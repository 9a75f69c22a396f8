/**
 * The headless Chromium the dashboard tests share: how it is launched, and a page that refuses and
 * records every request and every console problem.
 */
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where the browser tests write their screenshots. */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

/** The few browser globals the page functions below use (the project compiles without the DOM lib). */
declare const document: { readonly body: { readonly dataset: Record<string, string | undefined> } };

/** What a page asked for and complained about. */
export interface PageLog {
  readonly problems: string[];
  readonly requests: string[];
}

/** Debian's Chromium, headless, with nothing that reaches the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** Opens `content` in a fresh context that refuses and records every request and every console problem. */
export async function openPage(
  browser: Browser,
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

/** Opens a dashboard's HTML and waits for its charts. */
export async function openDashboard(
  browser: Browser,
  html: string,
  viewport: { width: number; height: number },
  mobile: boolean,
): Promise<{ page: Page } & PageLog> {
  const opened = await openPage(browser, html, viewport, mobile);
  await opened.page.waitForFunction(() => document.body.dataset.chartsRendered !== undefined, null, {
    timeout: 15_000,
  });
  return opened;
}
