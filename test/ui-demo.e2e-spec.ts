import type { Browser, Locator, Page } from 'playwright-core';
import { docScreenshot, launchBrowser, openPage, screenshot, WatchedPage } from './utils/browser';
import { DemoServer, startDemoServer } from './utils/demo-server';
import { waitFor } from './utils/wait';
import { ensureWebBuilt } from './utils/web-build';

// Every page of the built UI on the demo studio (`traitbase demo`, loaded into a real server), in
// Chromium, with the operator's admin key and with a profile:read key. Any console error, uncaught
// exception, failed request or 4xx/5xx answer fails the test; so does a page that shows an error.
// With UI_DOC_SCREENSHOTS=1 it writes the README's pictures of the UI (docs/img/).
jest.setTimeout(300_000);

interface Demo {
  keys: { admin: string; game: string };
  audiences: { slug: string; size: number }[];
}

interface Audience {
  slug: string;
  name: string;
}

interface Trait {
  name: string;
  sourceKind: string;
  pii: boolean;
}

describe('ops UI on the demo data', () => {
  let s: DemoServer;
  let demo: Demo;
  let readKey: string;
  let traits: Trait[];
  let audiences: Audience[];
  let member: string;
  let loadedAt: string;
  let before: string;
  let piiValues: string[];
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let current: WatchedPage | undefined;

  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.keys.admin}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: any; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    s = await startDemoServer();
    // Whole seconds, as the pickers take them.
    before = new Date(Date.now() - 1000).toISOString().slice(0, 19);
    const loaded = await s.cli(['demo', '--json']);
    expect(loaded).toMatchObject({ code: 0 });
    demo = JSON.parse(loaded.stdout) as Demo;
    loadedAt = new Date(Date.now() + 1000).toISOString().slice(0, 19);
    const key = await s.cli([
      'keys',
      'create',
      '--name',
      'ui-demo-read',
      '--scope',
      'profile:read',
    ]);
    expect(key.code).toBe(0);
    readKey = key.stdout.trim();
    traits = (await gql('{ traitDefinitions { name sourceKind pii } }')).traitDefinitions;
    audiences = (await gql('{ audiences { slug name } }')).audiences;
    const members = await gql(
      '{ audience(slug: "at_risk_spenders") { members(first: 1) { nodes { profile { identities { type value } } } } } }',
    );
    member = members.audience.members.nodes[0].profile.identities.find(
      (i: { type: string }) => i.type === 'user_id',
    ).value;
    const pii = traits.filter((t) => t.pii).map((t) => t.name);
    const values = await gql(
      'query($id: String!, $names: [String!]) { profile(identity: {type: "user_id", value: $id}) { traits(names: $names) { value } } }',
      { id: member, names: pii },
    );
    piiValues = values.profile.traits
      .map((t: { value: unknown }) => t.value)
      .filter((v: unknown): v is string => typeof v === 'string');
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await s?.close();
  });

  afterEach(async () => {
    const errors = current?.errors ?? [];
    await current?.context.close();
    current = undefined;
    expect(errors).toEqual([]);
  });

  async function signedIn(key: string): Promise<Page> {
    current = await openPage(browser, s.url, { requests: true });
    const page = current.page;
    await page.goto('/sign-in');
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
    return page;
  }

  // Opens a page inside the app and waits until it has loaded everything it asks for.
  async function visit(page: Page, path: string, ready: (page: Page) => Promise<unknown>) {
    await page.goto(path);
    await ready(page);
    await page.waitForLoadState('networkidle');
    await page
      .locator('[aria-label^="Loading"]')
      .first()
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    const failed = await page
      .getByRole('alert')
      .filter({ hasText: /Could not load/ })
      .allTextContents();
    expect({ path, failed }).toEqual({ path, failed: [] });
  }

  const heading = (text: string) => (page: Page) =>
    page.getByRole('heading', { name: text, exact: false }).first().waitFor();
  const table = (name: string) => (page: Page) =>
    page.getByRole('table', { name }).first().waitFor();
  const row = (page: Page, name: string, text: string | RegExp) =>
    page.getByRole('table', { name }).getByRole('row').filter({ hasText: text });

  async function pick(page: Page, scope: Locator, label: string, option: string) {
    await scope.getByLabel(label, { exact: true }).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  it('an admin key: the catalogue, every trait, with audiences showing their last run', async () => {
    const page = await signedIn(demo.keys.admin);
    await visit(page, '/traits', table('Traits'));
    for (const a of demo.audiences) {
      const r = row(page, 'Traits', `audience:${a.slug}`);
      await expect(r.textContent()).resolves.not.toContain('no runs');
      // The last run that did work, not an idle incremental one (docs/ui.md#last-run); a full
      // evaluation shows the audience's size then and who entered and exited.
      await expect(r.textContent()).resolves.toMatch(
        /succeeded.*(\d+ members · \d+ entered · \d+ exited · full evaluation|[1-9]\d* read · \d+ changed · incremental)/,
      );
    }
    await screenshot(page, 'demo-traits');
    await docScreenshot(page, 'traits');
    const shot = new Set<string>();
    for (const t of traits) {
      await visit(page, `/traits/${encodeURIComponent(t.name)}`, table('Definition versions'));
      if (t.sourceKind === 'audience') {
        const run = page.getByRole('table', { name: 'Last run' });
        await expect(run.textContent()).resolves.toMatch(/succeeded/);
        // The run id in full, with a button that copies it.
        const id = await run.locator('[data-run-id]').getAttribute('data-run-id');
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        await expect(run.textContent()).resolves.toContain(id);
        await run.getByRole('button', { name: `Copy run id ${id}` }).waitFor();
      }
      if (t.name === 'lifetime_value') {
        await expect(
          page.getByRole('table', { name: 'dbt lineage' }).textContent(),
        ).resolves.toMatch(/model\.game\.player_stats/);
        await docScreenshot(page, 'trait-lifetime-value');
      }
      if (!shot.has(t.sourceKind)) {
        shot.add(t.sourceKind);
        await screenshot(page, `demo-trait-${t.sourceKind}`);
      }
    }
  });

  it('an admin key: a profile with full run ids, as of and known at', async () => {
    const page = await signedIn(demo.keys.admin);
    await visit(page, `/profiles?type=user_id&value=${member}`, table('Traits'));
    await row(page, 'Traits', 'audience:at_risk_spenders').waitFor();
    const ids = await page
      .getByRole('table', { name: 'Traits' })
      .locator('[data-run-id]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByText(`${member}@players.example.com`).first().waitFor();
    // As it is now: changes pushed by profileChanged appear without a reload.
    await page.getByText('live', { exact: true }).waitFor();
    await screenshot(page, 'demo-profile');
    await docScreenshot(page, 'profile');

    // Known at a moment after the load: the same values, read from what had been recorded then.
    await page.getByLabel('Known at (UTC)').fill(loadedAt);
    await page.waitForURL(/knownAt=/);
    await page.getByText(/^known at /).waitFor();
    await row(page, 'Traits', 'audience:at_risk_spenders').waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'demo-profile-known-at');
    // Explain passes the picker's knownAt: the moment of the load, as known a moment ago.
    // One picker right after the other: neither change is lost.
    const knownNow = new Date(Date.now() - 1000).toISOString().slice(0, 19);
    await page.getByLabel('As of (UTC)').fill(loadedAt);
    await page.getByLabel('Known at (UTC)').fill(knownNow);
    // The address as the page has it (not as the driver last heard of it), named on a failure.
    const want = { asOf: `${loadedAt}.000Z`, knownAt: `${knownNow}.000Z` };
    let address = '';
    await waitFor('both pickers in the address', async () => {
      address = await page.evaluate<string>('window.location.search');
      const has = new URLSearchParams(address);
      return has.get('asOf') === want.asOf && has.get('knownAt') === want.knownAt;
    }).catch((e: Error) => {
      throw new Error(`${e.message}: it is ${address}, not ${JSON.stringify(want)}`);
    });
    await row(page, 'Traits', 'audience:at_risk_spenders').waitFor();
    await page.getByRole('button', { name: 'Why? (explain)' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText(`as known at ${knownNow.replace('T', ' ')} UTC`).waitFor();
    await drawer
      .getByRole('table', { name: 'Explained values' })
      .getByRole('row')
      .filter({ hasText: 'audience:at_risk_spenders' })
      .waitFor();
    await drawer
      .getByText(`Corrections recorded after ${knownNow.replace('T', ' ')} UTC`)
      .waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'demo-profile-explain-known-at');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    // Known at a moment before the load: nothing had been recorded of this player.
    await page.getByLabel('Known at (UTC)').fill(before);
    await page.getByText(`No profile has the identity user_id:${member}`).waitFor();
    await page.getByRole('button', { name: 'Now for known at' }).click();
    await row(page, 'Traits', 'audience:at_risk_spenders').waitFor();

    await page.getByRole('button', { name: 'Why? (explain)' }).click();
    await page.getByRole('dialog').getByText('Explain').first().waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'demo-profile-explain');
    await docScreenshot(page, 'profile-explain');
  });

  it('an admin key: audiences, the builder, and every monitor', async () => {
    const page = await signedIn(demo.keys.admin);
    await visit(page, '/audiences', table('Audiences'));
    await screenshot(page, 'demo-audiences');
    for (const a of audiences) {
      await visit(page, `/audiences/${a.slug}`, heading(a.name));
      await screenshot(page, `demo-audience-${a.slug}`);
    }
    await visit(page, '/audiences/new', (p) => p.getByText('Preview').first().waitFor());
    await screenshot(page, 'demo-audience-builder');
    // A rule on the demo's players, previewed while it is built (not saved); the size shown is the
    // one the API gives for the same rule.
    await page.getByLabel('Slug').fill('recent_buyers');
    await page.getByLabel('Name').fill('Recent big buyers');
    await page.getByLabel('Owner').fill('live-ops');
    const traitCondition = page.getByRole('group', { name: 'Trait condition' });
    await pick(page, traitCondition, 'Trait', 'lifetime_value (number)');
    await pick(page, traitCondition, 'Operator', 'at least');
    await traitCondition.getByLabel('Value').fill('20');
    await page.getByRole('button', { name: 'Add event condition' }).click();
    const eventCondition = page.getByRole('group', { name: 'Event condition' });
    await eventCondition.getByLabel('Event', { exact: true }).fill('Order Completed');
    await page.keyboard.press('Escape');
    const rule = {
      all: [
        { trait: 'lifetime_value', op: 'gte', value: 20 },
        { event: 'Order Completed', within: '30d' },
      ],
    };
    const { audiencePreview } = await gql(
      'query($rule: JSON!) { audiencePreview(rule: $rule) { size } }',
      { rule },
    );
    expect(audiencePreview.size).toBeGreaterThan(0);
    const size = page.getByTestId('preview-size');
    await waitFor(
      'the preview',
      async () => (await size.textContent()) === audiencePreview.size.toLocaleString('en'),
    );
    const sample = page.getByRole('table', { name: 'Sample members' });
    await sample.getByRole('row').nth(1).waitFor();
    // last_active_at in UTC as on every page, not as the API's ISO string.
    await expect(sample.textContent()).resolves.toMatch(
      /last_active_at: \d{4}-\d\d-\d\d [\d:]{8} UTC/,
    );
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'demo-audience-builder-rule');
    await docScreenshot(page, 'audience-builder');
    await visit(page, '/monitors', table('Runs'));
    await row(page, 'Runs', 'at_risk_spenders').first().waitFor();
    // Every run that finished took a duration of zero or more (started and finished by one clock).
    const negative = page.getByRole('table', { name: 'Runs' }).getByText(/^-\d/);
    await expect(negative.count()).resolves.toBe(0);
    await screenshot(page, 'demo-monitors-runs');
    await docScreenshot(page, 'monitors-runs');
    for (const [tab, name] of [
      ['Invalid events', 'invalid-events'],
      ['Event health', 'event-health'],
      ['Merge protection', 'identity'],
    ]) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForLoadState('networkidle');
      await screenshot(page, `demo-monitors-${name}`);
    }
    await visit(page, '/no-such-page', (p) => p.getByRole('main').waitFor());
  });

  it('a profile:read key: no PII and no admin page anywhere', async () => {
    expect(piiValues.length).toBeGreaterThan(0);
    const page = await signedIn(readKey);
    await expect(
      page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents(),
    ).resolves.toEqual(['Traits', 'Profiles', 'Audiences']);
    const noPii = async () => {
      const text = (await page.getByRole('main').textContent()) ?? '';
      for (const v of piiValues) expect(text).not.toContain(v);
      expect(text).not.toMatch(/@players\.example\.com/);
    };
    await visit(page, '/traits', table('Traits'));
    await expect(page.getByRole('columnheader', { name: 'Last run' }).count()).resolves.toBe(0);
    await noPii();
    await screenshot(page, 'demo-read-traits');
    for (const t of traits) {
      await visit(page, `/traits/${encodeURIComponent(t.name)}`, (p) =>
        p.getByRole('link', { name: '← All traits' }).waitFor(),
      );
      expect(await page.getByRole('region', { name: 'Last run' }).count()).toBe(0);
      await noPii();
    }
    await visit(page, `/profiles?type=user_id&value=${member}`, table('Traits'));
    await noPii();
    await screenshot(page, 'demo-read-profile');
    await visit(page, '/audiences', table('Audiences'));
    for (const a of audiences) {
      await visit(page, `/audiences/${a.slug}`, heading(a.name));
      await noPii();
    }
    await screenshot(page, 'demo-read-audience');
    await visit(page, '/monitors', (p) =>
      p.getByText('This page needs a key with the admin scope').waitFor(),
    );
    await screenshot(page, 'demo-read-monitors');
  });
});
