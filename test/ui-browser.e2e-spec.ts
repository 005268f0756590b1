import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, screenshot, WatchedPage } from './utils/browser';
import { startUiWorld, UiWorld } from './utils/ui-world';
import { ensureWebBuilt } from './utils/web-build';

jest.setTimeout(120_000);

// The built UI, served by the real server, over data written through the APIs, in Chromium.
// Every test fails on any console error or uncaught exception in the page.
describe('ops UI in a browser', () => {
  let w: UiWorld;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let current: WatchedPage | undefined;
  let allowedErrors: RegExp[] = [];

  beforeAll(async () => {
    await ensureWebBuilt();
    [w, { browser, close: closeBrowser }] = await Promise.all([startUiWorld(), launchBrowser()]);
  });

  afterAll(async () => {
    await closeBrowser?.();
    await w?.close();
  });

  afterEach(async () => {
    const errors = current?.errors.filter((e) => !allowedErrors.some((re) => re.test(e))) ?? [];
    await current?.context.close();
    current = undefined;
    allowedErrors = [];
    expect(errors).toEqual([]);
  });

  async function open(path = '/'): Promise<Page> {
    current = await openPage(browser, w.t.url);
    await current.page.goto(path);
    return current.page;
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  }

  async function signedIn(key: string, path: string): Promise<Page> {
    const page = await open(`/sign-in?next=${encodeURIComponent(path)}`);
    await signIn(page, key);
    return page;
  }

  const row = (page: Page, table: string, text: string | RegExp) =>
    page.getByRole('table', { name: table }).getByRole('row').filter({ hasText: text });

  it('signs in: a wrong key is refused with the reason, a good one opens the catalogue', async () => {
    const page = await open('/profiles');
    await page.waitForURL(/\/sign-in\?next=%2Fprofiles/);
    // The refused key answers 401, which the browser reports as a failed resource.
    allowedErrors = [/status of 401/];
    await page.getByLabel('API key').fill('tb_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('the API key is unknown or revoked').waitFor();
    await screenshot(page, 'sign-in');
    await signIn(page, w.keys.admin);
    await page.waitForURL(/\/profiles$/);
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual(['traitbase.apiKey']);
    expect(await page.evaluate('Object.keys(localStorage)')).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('catalogue: search, source, freshness and last run; lineage, versions and values per trait', async () => {
    const page = await signedIn(w.keys.admin, '/traits');
    await row(page, 'Traits', 'lifetime_value').waitFor();
    await expect(row(page, 'Traits', 'lifetime_value').textContent()).resolves.toMatch(
      /dbt.*analytics-engineering.*fresh · 2h.*succeeded.*60 read/,
    );
    await expect(row(page, 'Traits', 'churn_risk').textContent()).resolves.toMatch(
      /notebook.*data-science.*fresh · 2d.*succeeded/,
    );
    await screenshot(page, 'traits');

    await page.getByLabel('Search traits').fill('coin');
    await expect(
      page.getByRole('table', { name: 'Traits' }).getByRole('row').count(),
    ).resolves.toBe(2);
    await page.getByLabel('Search traits').fill('');
    await page
      .getByRole('radiogroup', { name: 'Source' })
      .getByText('notebook', { exact: true })
      .click();
    await expect(
      page.getByRole('table', { name: 'Traits' }).getByRole('link').allTextContents(),
    ).resolves.toEqual(['churn_risk']);

    await page.getByRole('link', { name: 'churn_risk' }).click();
    const lineage = page.getByRole('table', { name: 'Notebook lineage' });
    await expect(lineage.textContent()).resolves.toMatch(
      /notebooks\/churn_risk\.ipynb.*churn-2025\.01.*nb-2025-01/,
    );
    await page.getByRole('table', { name: 'Definition versions' }).getByText('initial').waitFor();
    await page.getByText('12 current values.').waitFor();
    await screenshot(page, 'trait-notebook');

    await page.goto('/traits/lifetime_value');
    const dbt = page.getByRole('table', { name: 'dbt lineage' });
    await expect(dbt.textContent()).resolves.toMatch(
      /model\.jaffle_shop\.customers.*model\.jaffle_shop\.stg_customers/,
    );
    await expect(page.getByRole('table', { name: 'Last run' }).textContent()).resolves.toMatch(
      /succeeded.*Read60/,
    );
    await page.getByText('60 current values.').waitFor();
    await screenshot(page, 'trait-dbt');
  });

  it('profile explorer: traits with provenance, a timeline, and the profile as of an earlier moment', async () => {
    const page = await signedIn(w.keys.admin, '/profiles');
    await page.getByRole('combobox', { name: 'Identity type' }).fill('user_id');
    await page.getByLabel('Identity value').fill(w.player);
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect(row(page, 'Traits', 'vip_tier').textContent()).resolves.toMatch(
      /vip_tier.*gold.*present.*api.*definition v1/,
    );
    await expect(row(page, 'Traits', 'lifetime_value').textContent()).resolves.toMatch(
      /3\.25.*dbt/,
    );
    await expect(row(page, 'Traits', 'churn_risk').textContent()).resolves.toMatch(
      /notebook.*model churn-2025\.01/,
    );
    await expect(row(page, 'Traits', 'contact_phone').textContent()).resolves.toContain(w.phone);
    await page.getByText('vip_tier: bronze → gold').waitFor();
    await screenshot(page, 'profile');

    await page.getByLabel('As of (UTC)').fill('2025-01-15T00:00:00');
    await page.waitForURL(/asOf=2025-01-15T00%3A00%3A00\.000Z/);
    await page.getByText('as of 2025-01-15 00:00:00 UTC').waitFor();
    await row(page, 'Traits', /^vip_tierbronze/).waitFor();
    await row(page, 'Traits', /^coins40/).waitFor();
    // The predictions were recorded today: not there yet on 15 January 2025.
    expect(await row(page, 'Traits', 'churn_risk').count()).toBe(0);
    await expect(page.getByText('vip_tier: bronze → gold').count()).resolves.toBe(0);
    await screenshot(page, 'profile-as-of');

    await page.getByRole('button', { name: 'Now for as of' }).click();
    await row(page, 'Traits', /^vip_tiergold/).waitFor();
    await page
      .getByRole('button', { name: /View the profile as of 2025-01-01T10:00:00/ })
      .first()
      .click();
    await row(page, 'Traits', /^coins40/).waitFor();
  });

  it('monitors: runs, invalid events with payloads, event health, refused merges', async () => {
    const page = await signedIn(w.keys.admin, '/monitors');
    await expect(row(page, 'Runs', 'model.jaffle_shop.customers').textContent()).resolves.toMatch(
      /dbt.*succeeded.*60/,
    );
    await row(page, 'Runs', 'notebooks/churn_risk.ipynb').waitFor();
    await screenshot(page, 'monitors-runs');

    await page.getByRole('tab', { name: 'Invalid events' }).click();
    const typeGroup = page.getByRole('button', { name: /Order Completed.*\/total must be number/ });
    await expect(typeGroup.textContent()).resolves.toMatch(/^2/);
    await typeGroup.click();
    await page.getByText('"total": "ten"').waitFor();
    await page
      .getByRole('button', { name: /Order Completed.*must have required property 'order_id'/ })
      .waitFor();
    await screenshot(page, 'monitors-invalid-events');

    await page.getByRole('tab', { name: 'Event health' }).click();
    await expect(row(page, 'Event health', 'Session Started').textContent()).resolves.toMatch(
      /silent/,
    );
    await screenshot(page, 'monitors-event-health');

    await page.getByRole('tab', { name: 'Merge protection' }).click();
    await page.getByRole('table', { name: 'Merge-protection violations' }).waitFor();
    await screenshot(page, 'monitors-identity');
    await expect(
      row(page, 'Merge-protection violations', 'anonymous_id:anon-shared').textContent(),
    ).resolves.toMatch(/merge refused.*user_id ≤ 1 \(would be 2\).*event · ui-b/);
  });

  it('a profile:read key sees no PII and no admin page', async () => {
    const page = await signedIn(w.keys.read, `/profiles?type=user_id&value=${w.player}`);
    await row(page, 'Traits', 'vip_tier').waitFor();
    await expect(page.getByRole('main').textContent()).resolves.not.toContain(w.phone);
    expect(await row(page, 'Traits', 'contact_phone').count()).toBe(0);
    await expect(
      page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents(),
    ).resolves.toEqual(['Traits', 'Profiles', 'Audiences']);
    await screenshot(page, 'profile-read-only');

    await page.goto('/traits/contact_phone');
    await page.getByText('This key may not read the values of this trait.').waitFor();
    expect(await page.getByRole('region', { name: 'Last run' }).count()).toBe(0);
    await screenshot(page, 'trait-read-only-pii');

    await page.goto('/traits');
    await row(page, 'Traits', 'lifetime_value').waitFor();
    await expect(page.getByRole('columnheader', { name: 'Last run' }).count()).resolves.toBe(0);

    await page.goto('/monitors');
    await page.getByText('This page needs a key with the admin scope').waitFor();
    await screenshot(page, 'monitors-read-only');
  });
});
