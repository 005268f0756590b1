import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { waitForFullRuns } from './audiences/audience-helpers';
import { launchBrowser, openPage, screenshot, WatchedPage } from './utils/browser';
import { gql } from './utils/graphql-request';
import { startUiWorld, UiWorld } from './utils/ui-world';
import { waitFor } from './utils/wait';
import { ensureWebBuilt } from './utils/web-build';

jest.setTimeout(180_000);

// The rule the test builds in the browser, as the API should receive it.
const RULE = {
  all: [
    { trait: 'coins', op: 'gte', value: 200 },
    { event: 'Order Completed', within: '30d' },
  ],
};
const PREVIEW = `query($rule: JSON!, $asOf: DateTime) { audiencePreview(rule: $rule, asOf: $asOf) { size } }`;

// The audience builder, the audience pages, and the audience on a profile, in Chromium over the
// real server. Every test fails on any console error or uncaught exception in the page.
describe('ops UI: audiences in a browser', () => {
  let w: UiWorld;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let current: WatchedPage | undefined;

  beforeAll(async () => {
    await ensureWebBuilt();
    [w, { browser, close: closeBrowser }] = await Promise.all([startUiWorld(), launchBrowser()]);
    // Three more buyers (users 5–7, who hold 200+ coins): with user 1 the rule matches four.
    const at = new Date().toISOString();
    const batch = [5, 6, 7].map((u) => ({
      type: 'track',
      event: 'Order Completed',
      userId: String(u),
      properties: { order_id: `o-${u}`, total: 20 },
      messageId: `ui-aud-${u}-${Date.now()}`,
      timestamp: at,
    }));
    const res = await fetch(`${w.t.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${w.keys.ingest}` },
      body: JSON.stringify({ batch }),
    });
    expect(res.status).toBeLessThan(300);
    await waitFor('the orders applied', async () => (await apiSize()) === 4);
  });

  afterAll(async () => {
    await closeBrowser?.();
    await w?.close();
  });

  afterEach(async () => {
    const errors = current?.errors ?? [];
    await current?.context.close();
    current = undefined;
    expect(errors).toEqual([]);
  });

  async function apiSize(asOf?: string): Promise<number> {
    const res = await gql(w.t.url, PREVIEW, { rule: RULE, asOf }, w.keys.admin);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return (res.data as { audiencePreview: { size: number } }).audiencePreview.size;
  }

  async function signedIn(key: string, path: string): Promise<Page> {
    current = await openPage(browser, w.t.url);
    const { page } = current;
    await page.goto(`/sign-in?next=${encodeURIComponent(path)}`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
    return page;
  }

  const row = (page: Page, table: string, text: string | RegExp) =>
    page.getByRole('table', { name: table }).getByRole('row').filter({ hasText: text });

  async function pick(
    page: Page,
    scope: ReturnType<Page['getByRole']>,
    label: string,
    option: string,
  ) {
    await scope.getByLabel(label, { exact: true }).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  const previewSize = (page: Page) => page.getByTestId('preview-size');

  it('builds, previews, saves and finds an audience; its member shows the trait, as of before the save it is absent', async () => {
    const page = await signedIn(w.keys.admin, '/audiences');
    await row(page, 'Audiences', 'Gold players').waitFor();
    await expect(row(page, 'Audiences', 'Gold players').textContent()).resolves.toMatch(
      /audience:gold_players.*live-ops.*yaml · read-only/,
    );
    await screenshot(page, 'audiences');
    await page.getByRole('link', { name: 'New audience' }).click();

    await page.getByLabel('Slug').fill('ui_buyers');
    await page.getByLabel('Name').fill('Buyers with coins');
    await page.getByLabel('Owner').fill('live-ops');
    const traitCondition = page.getByRole('group', { name: 'Trait condition' });
    await pick(page, traitCondition, 'Trait', 'coins (number)');
    await pick(page, traitCondition, 'Operator', 'at least');
    await traitCondition.getByLabel('Value').fill('200');
    await page.getByRole('button', { name: 'Add event condition' }).click();
    const eventCondition = page.getByRole('group', { name: 'Event condition' });
    await eventCondition.getByLabel('Event', { exact: true }).fill('Order Completed');
    await page.keyboard.press('Escape');

    // The size shown while editing is the size the API gives for the same rule.
    const expected = await apiSize();
    expect(expected).toBe(4);
    await waitFor('the preview', async () => (await previewSize(page).textContent()) === '4');
    await row(page, 'Sample members', /coins: 990/).waitFor();
    await screenshot(page, 'audience-builder');

    // As of a day in January 2025 nobody had ordered yet.
    const past = '2025-01-15T00:00:00.000Z';
    expect(await apiSize(past)).toBe(0);
    await page.getByLabel('Preview as of (UTC)').fill('2025-01-15T00:00:00');
    await waitFor('the preview as of', async () => (await previewSize(page).textContent()) === '0');
    await page.getByRole('button', { name: 'Now' }).click();
    await waitFor('the preview now', async () => (await previewSize(page).textContent()) === '4');

    const beforeSave = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
    await page.getByRole('button', { name: 'Save audience' }).click();
    await page.waitForURL(/\/audiences\/ui_buyers$/);
    // Members are written by the full evaluation a save starts in the worker; on a loaded machine it
    // can finish after the page first asked, so the page is read again once it has.
    await waitForFullRuns(w.t, 'ui_buyers', 1, 120_000);
    await page.reload();
    await row(page, 'Members', 'user_id:1').waitFor({ timeout: 30_000 });
    const saved = await gql(
      w.t.url,
      `{ audience(slug: "ui_buyers") { rule size } }`,
      {},
      w.keys.admin,
    );
    expect(saved.data).toEqual({ audience: { rule: RULE, size: 4 } });
    await expect(row(page, 'Audience versions', 'v1').textContent()).resolves.toMatch(
      /Buyers with coins/,
    );
    await screenshot(page, 'audience-detail');

    // In the catalogue, as a trait of source audience.
    await page.getByRole('link', { name: 'Traits', exact: true }).click();
    await page.getByLabel('Search traits').fill('ui_buyers');
    await expect(row(page, 'Traits', 'audience:ui_buyers').textContent()).resolves.toMatch(
      /audience/,
    );
    await screenshot(page, 'traits-audience');

    // A member's profile: the membership with its provenance; gone as of before the save.
    await page.goto('/audiences/ui_buyers');
    await page
      .getByRole('table', { name: 'Members' })
      .getByRole('link', { name: 'user_id:1' })
      .click();
    await page.waitForURL(/\/profiles\?type=user_id&value=1/);
    await expect(row(page, 'Traits', 'audience:ui_buyers').textContent()).resolves.toMatch(
      /audience:ui_buyers.*true.*present.*audience.*definition v1.*run/,
    );
    await screenshot(page, 'profile-with-audience');

    await page.getByLabel('As of (UTC)').fill(beforeSave.toISOString().slice(0, 19));
    await page
      .getByText(`as of ${beforeSave.toISOString().slice(0, 19).replace('T', ' ')} UTC`)
      .waitFor();
    await row(page, 'Traits', /^vip_tiergold/).waitFor();
    expect(await row(page, 'Traits', 'audience:ui_buyers').count()).toBe(0);
    await screenshot(page, 'profile-before-save');

    // Why? explains the moment: values with their causes and the audiences then.
    await page.getByRole('button', { name: 'Now for as of' }).click();
    await row(page, 'Traits', 'audience:ui_buyers').waitFor();
    await page.getByText('Entered audience ui_buyers').waitFor();
    await page.getByRole('button', { name: 'Why? (explain)' }).click();
    const dialog = page.getByRole('dialog');
    await expect(
      row(page, 'Explained values', 'audience:ui_buyers').textContent(),
    ).resolves.toMatch(/true.*audience/);
    await dialog.getByText('ui_buyers', { exact: true }).waitFor();
    await screenshot(page, 'profile-explain');
  });

  // Runs once the API has profileChanged (the realtime work): until then the page only reads.
  const live = readFileSync(join(__dirname, '..', 'schema.gql'), 'utf8').includes(
    'profileChanged(',
  );
  (live ? it : it.skip)(
    'a value written through the API appears on the open profile without a reload',
    async () => {
      const page = await signedIn(w.keys.admin, '/profiles?type=user_id&value=6');
      await row(page, 'Traits', /^coins240/).waitFor();
      await page.getByText('live', { exact: true }).waitFor();
      // The subscription opens a moment after the page: a write before it would not be pushed, so
      // write a new value until one appears (never a reload).
      const write = `mutation($input: WriteTraitsInput!) { writeTraits(input: $input) { accepted } }`;
      let coins = 4320;
      await waitFor('a pushed value on the page', async () => {
        coins += 1;
        const rows = [{ identity: { type: 'user_id', value: '6' }, trait: 'coins', value: coins }];
        const res = await gql(w.t.url, write, { input: { rows } }, w.keys.ingest);
        expect(res.errors).toBeUndefined();
        const shown = row(page, 'Traits', new RegExp(`^coins${coins.toLocaleString('en')}`));
        return shown.waitFor({ timeout: 3000 }).then(
          () => true,
          () => false,
        );
      });
      await page
        .getByText(`coins: ${(coins - 1).toLocaleString('en')} → ${coins.toLocaleString('en')}`)
        .or(page.getByText(`coins: 240 → ${coins.toLocaleString('en')}`))
        .first()
        .waitFor();
      await screenshot(page, 'profile-live');
    },
  );

  it('a YAML audience is read-only; versions compare; archive asks first', async () => {
    const page = await signedIn(w.keys.admin, '/audiences/gold_players');
    await page.getByText('Defined in a file').waitFor();
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Archive' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Export YAML' }).waitFor();
    await screenshot(page, 'audience-yaml');

    // A second version through the API, compared line by line in the page.
    const save = `mutation($input: SaveAudienceInput!) { saveAudience(input: $input) { version } }`;
    const input = {
      slug: 'ui_tiers',
      name: 'Silver',
      rule: { trait: 'vip_tier', op: 'eq', value: 'silver' },
    };
    await gql(w.t.url, save, { input }, w.keys.admin);
    const res = await gql(
      w.t.url,
      save,
      { input: { ...input, rule: { trait: 'vip_tier', op: 'in', value: ['silver', 'gold'] } } },
      w.keys.admin,
    );
    expect(res.data).toEqual({ saveAudience: { version: 2 } });
    await page.goto('/audiences/ui_tiers');
    const diff = page.getByLabel('Changes from version 1 to 2');
    await diff.locator('[data-diff=removed]').filter({ hasText: '"op": "eq"' }).waitFor();
    await diff.locator('[data-diff=added]').filter({ hasText: '"op": "in"' }).waitFor();
    await screenshot(page, 'audience-versions');

    await page.getByRole('button', { name: 'Archive' }).click();
    await page.getByRole('button', { name: 'Archive audience' }).click();
    await page.getByText('archived', { exact: true }).waitFor();
  });

  it('a profile:read key reads audiences but cannot build one', async () => {
    const page = await signedIn(w.keys.read, '/audiences');
    await row(page, 'Audiences', 'Gold players').waitFor();
    expect(await page.getByRole('link', { name: 'New audience' }).count()).toBe(0);
    await page.goto('/audiences/new');
    await page.getByText('Building audiences needs a key with the audience:write scope.').waitFor();
    await page.goto('/audiences/gold_players');
    await row(page, 'Members', 'user_id:').first().waitFor();
    await expect(page.getByRole('main').textContent()).resolves.not.toContain(w.phone);
    await screenshot(page, 'audience-read-only');
  });
});
