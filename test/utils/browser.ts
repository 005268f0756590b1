import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'ui');

// Debian's Chromium, headless, quiet (no background network, no component updates), in a profile
// directory of its own that is removed with it.
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'traitbase-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      `--disk-cache-dir=${join(profile, 'cache')}`,
    ],
    env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// A page that records every console error and uncaught exception, for the test to assert none.
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

// With `requests`, a request that fails (network error; navigation aborts aside) or answers 4xx/5xx
// is recorded too.
export async function openPage(
  browser: Browser,
  baseURL: string,
  { requests = false }: { requests?: boolean } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 800 },
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    // A "Failed to load resource" line carries the request's URL in its location.
    if (msg.type() === 'error') {
      const url = msg.location().url;
      errors.push(`console: ${msg.text()}${url ? ` (${url})` : ''}`);
    }
  });
  page.on('pageerror', (err) => errors.push(`page: ${err.message}`));
  if (requests) {
    page.on('requestfailed', (req) => {
      const failure = req.failure()?.errorText ?? 'failed';
      if (failure !== 'net::ERR_ABORTED')
        errors.push(`request: ${req.method()} ${req.url()} ${failure}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400)
        errors.push(`response: ${res.status()} ${res.request().method()} ${res.url()}`);
    });
  }
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// With UI_DOC_SCREENSHOTS=1, the page as a 1280×800 window into docs/img/ (the README's pictures).
export async function docScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.UI_DOC_SCREENSHOTS !== '1') return;
  const dir = join(__dirname, '..', '..', 'docs', 'img');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}
