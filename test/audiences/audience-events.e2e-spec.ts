import { randomUUID } from 'node:crypto';
import { post, trackMessage, waitForInboxDrained } from '../factories/event.factory';
import { createKey } from '../utils/keys';
import { sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';
import { flipDelays, fullRuns, membership, save, waitForFullRuns } from './audience-helpers';

const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('audiences over event history', () => {
  let t: TestApp;
  let ingest: string;
  let writer: string;

  beforeAll(async () => {
    t = await startTestApp();
    ingest = await createKey(t, 'ingest');
    writer = await createKey(t, 'audience:write');
  });
  afterAll(() => t.close());

  async function track(
    userId: string,
    event: string,
    at: string,
    properties: Record<string, unknown> = {},
  ) {
    const res = await post(
      t,
      '/v1/track',
      trackMessage({ userId, event, timestamp: at, properties }),
      ingest,
    );
    expect(res.status).toBe(200);
  }

  async function profileOf(userId: string): Promise<string> {
    return waitFor(`profile of ${userId}`, async () => {
      const [row] = await sql<{ profile_id: string }>(
        t,
        `SELECT profile_id FROM identity WHERE type = 'user_id' AND value = $1`,
        [userId],
      );
      return row?.profile_id;
    });
  }

  it('records each stored event on the change feed (kind event, name the event)', async () => {
    const u = randomUUID();
    await track(u, 'Shop Viewed', ago(HOUR));
    await waitForInboxDrained(t);
    const rows = await sql<{ kind: string; name: string; after: any; provenance: any }>(
      t,
      `SELECT kind, name, after, provenance FROM change_feed WHERE profile_id = $1 AND kind = 'event'`,
      [await profileOf(u)],
    );
    expect(rows).toEqual([
      {
        kind: 'event',
        name: 'Shop Viewed',
        after: { type: 'track', timestamp: expect.any(String) },
        provenance: expect.objectContaining({
          sourceKind: 'event',
          sourceRef: { messageId: expect.any(String) },
        }),
      },
    ]);
  });

  it('funnel: view then purchase within a day matches, purchase before view does not', async () => {
    const inOrder = randomUUID();
    const reversed = randomUUID();
    const tooSlow = randomUUID();
    await track(inOrder, 'Shop Viewed', ago(5 * HOUR));
    await track(reversed, 'Order Completed', ago(5 * HOUR));
    await track(reversed, 'Shop Viewed', ago(4 * HOUR));
    await track(tooSlow, 'Shop Viewed', ago(60 * HOUR));
    await track(tooSlow, 'Order Completed', ago(4 * HOUR));
    await waitForInboxDrained(t);
    const res = await save(t, writer, {
      slug: 'shop_to_order',
      name: 'Viewed the shop, then ordered within a day',
      rule: { funnel: [{ event: 'Shop Viewed' }, { event: 'Order Completed' }], within: '1d' },
    });
    expect(res.errors).toBeUndefined();
    await waitForFullRuns(t, 'shop_to_order');
    expect(await membership(t, 'shop_to_order', await profileOf(reversed))).toBeNull();
    expect(await membership(t, 'shop_to_order', await profileOf(tooSlow))).toBeNull();
    expect(await membership(t, 'shop_to_order', await profileOf(inOrder))).toBeNull();

    // The event that completes the funnel flips membership, incrementally (bench/audience measures how fast).
    await track(inOrder, 'Order Completed', ago(HOUR));
    const inOrderId = await profileOf(inOrder);
    await waitFor(
      'funnel entry',
      async () => (await membership(t, 'shop_to_order', inOrderId)) === true,
      {
        timeoutMs: 30_000,
        everyMs: 20,
      },
    );
    expect(await fullRuns(t, 'shop_to_order')).toHaveLength(1);
    // Within 2 s of the event's commit (the feed's times).
    const delays = await flipDelays(t, 'shop_to_order', inOrderId, 'Order Completed');
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeLessThanOrEqual(2000);
  });

  it('"viewed but did not order within a day" and counts with property filters', async () => {
    const abandoned = randomUUID();
    const bought = randomUUID();
    const recent = randomUUID();
    await track(abandoned, 'Shop Viewed', ago(30 * HOUR));
    await track(bought, 'Shop Viewed', ago(30 * HOUR));
    await track(bought, 'Order Completed', ago(29 * HOUR), { revenue: 20 });
    await track(bought, 'Order Completed', ago(28 * HOUR), { revenue: 15 });
    await track(bought, 'Order Completed', ago(27 * HOUR), { revenue: 5 });
    // Viewed an hour ago: the day has not passed yet.
    await track(recent, 'Shop Viewed', ago(HOUR));
    await waitForInboxDrained(t);
    await save(t, writer, {
      slug: 'abandoned_shop',
      name: 'Viewed the shop, no order within a day',
      rule: {
        funnel: [{ event: 'Shop Viewed' }],
        then_not: { event: 'Order Completed' },
        within: '1d',
      },
    });
    await save(t, writer, {
      slug: 'repeat_buyers',
      name: 'Two orders over 10 in 30 days',
      rule: {
        event: 'Order Completed',
        count: { gte: 2 },
        within: '30d',
        where: [{ property: 'revenue', op: 'gt', value: 10 }],
      },
    });
    await waitForFullRuns(t, 'abandoned_shop');
    await waitForFullRuns(t, 'repeat_buyers');
    const [a, b, r] = await Promise.all([abandoned, bought, recent].map(profileOf));
    expect(await membership(t, 'abandoned_shop', a)).toBe(true);
    expect(await membership(t, 'abandoned_shop', b)).toBeNull();
    expect(await membership(t, 'abandoned_shop', r)).toBeNull();
    expect(await membership(t, 'repeat_buyers', b)).toBe(true);
    expect(await membership(t, 'repeat_buyers', a)).toBeNull();
  });
});
