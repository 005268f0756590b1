import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { stringify } from 'yaml';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { trackingPlanRegressions } from '../src/events/plan/plan-regressions';
import {
  definitionsDir,
  enqueueTrack,
  identifyMessage,
  post,
  trackMessage,
  waitForInboxDrained,
} from './factories/event.factory';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

const SIGNUP_V1 = {
  type: 'object',
  required: ['form_id'],
  properties: { form_id: { type: 'string' } },
};
const HEALTH = `{ eventHealth { key type event expectedMin window count silent lastSeenAt } }`;

describe('tracking plan: sources, silence, schema changes, poison messages', () => {
  let t: TestApp;
  let dir: string;
  let open: string;
  let strict: string;

  beforeAll(async () => {
    dir = await definitionsDir({
      events: {
        'signup.yaml': {
          event: 'Signup Form Submitted',
          expected: { min: 3, per: '1h' },
          versions: { '1-0-0': SIGNUP_V1 },
        },
        'quiet.yaml': {
          event: 'Never Sent',
          expected: { min: 1, per: '1h' },
          versions: { '1-0-0': { type: 'object' } },
        },
        '_sources.yaml': {
          default: { unplanned: 'allow' },
          sources: { 'checkout-web': { unplanned: 'reject' } },
        },
      },
    });
    t = await startTestApp({ traitDefinitionsDir: dir });
    open = await createKey(t, 'ingest');
    strict = (await t.app.get(ApiKeysService).create('checkout-web', ['ingest'])).key;
  });
  afterAll(() => t.close());

  it('rejects unplanned track events for a source set to reject, accepts them elsewhere', async () => {
    const unplanned = () => trackMessage({ event: `Made Up ${randomUUID()}` });
    const fromStrict = await post(t, '/v1/track', unplanned(), strict);
    expect(fromStrict.status).toBe(400);
    expect(fromStrict.body.rejected[0].reasons).toEqual([
      {
        pointer: '/event',
        rule: expect.stringContaining(
          'not in the tracking plan, and source checkout-web rejects unplanned events',
        ),
      },
    ]);
    expect((await post(t, '/v1/track', unplanned(), open)).status).toBe(200);
    // Planned events and non-track calls still pass from the strict source.
    expect(
      (
        await post(
          t,
          '/v1/track',
          trackMessage({ event: 'Signup Form Submitted', properties: { form_id: 'f' } }),
          strict,
        )
      ).status,
    ).toBe(200);
    expect((await post(t, '/v1/identify', identifyMessage(), strict)).status).toBe(200);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(
      /traitbase_events_invalid_total\{event="\(unplanned\)",reason="unplanned"\} 1/,
    );
  });

  it('flags a planned event that receives less than its expected rate, in eventHealth and /metrics', async () => {
    await waitForInboxDrained(t);
    const before = await gql<any>(t.url, HEALTH, {}, t.adminKey);
    expect(before.errors).toBeUndefined();
    const byKey = (res: any) =>
      Object.fromEntries(res.data.eventHealth.map((h: any) => [h.key, h]));
    expect(byKey(before)['track:Never Sent']).toMatchObject({
      count: 0,
      silent: true,
      expectedMin: 1,
      window: '1h',
      lastSeenAt: null,
    });
    expect(byKey(before)['track:Signup Form Submitted']).toMatchObject({ count: 1, silent: true });

    const more = [1, 2].map(() =>
      trackMessage({ event: 'Signup Form Submitted', properties: { form_id: 'f' } }),
    );
    expect((await post(t, '/v1/batch', { batch: more }, open)).status).toBe(200);
    await waitForInboxDrained(t);
    const after = await gql<any>(t.url, HEALTH, {}, t.adminKey);
    expect(byKey(after)['track:Signup Form Submitted']).toMatchObject({ count: 3, silent: false });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('traitbase_event_silent{event="track:Never Sent"} 1');
    expect(metrics).toContain('traitbase_event_silent{event="track:Signup Form Submitted"} 0');
  });

  it('defs plan flags a new schema version that would reject events accepted in the last 7 days', async () => {
    await waitForInboxDrained(t);
    const unchanged = await trackingPlanRegressions(t.app.get(DataSource), dir);
    expect(unchanged).toEqual([]);
    const stricter = { ...SIGNUP_V1, required: ['form_id', 'variant'] };
    await writeFile(
      join(dir, 'events', 'signup.yaml'),
      stringify({
        event: 'Signup Form Submitted',
        expected: { min: 3, per: '1h' },
        versions: { '1-0-0': SIGNUP_V1, '2-0-0': stricter },
      }),
    );
    const flagged = await trackingPlanRegressions(t.app.get(DataSource), dir);
    expect(flagged).toEqual([
      {
        key: 'track:Signup Form Submitted',
        version: '2-0-0',
        rejected: 3,
        checked: 3,
        example: "/properties/variant: must have required property 'variant'",
      },
    ]);
  });

  it('sets a message that cannot be applied aside as failed, with the reason, and goes on', async () => {
    // A row as an older release might have left it: accepted, but not applicable (userId too long).
    const userId = 'x'.repeat(2000);
    const poisonId = randomUUID();
    await enqueueTrack(t, 'legacy', { messageId: poisonId, userId, event: 'Legacy' }, 60);
    const after = trackMessage({ userId });
    after.userId = `ok-${randomUUID()}`;
    expect((await post(t, '/v1/track', after, open)).status).toBe(200);
    await waitForInboxDrained(t);
    const [row] = await sql<any>(
      t,
      `SELECT failure, EXISTS (SELECT 1 FROM event_inbox_pending p WHERE p.id = i.id) AS queued
       FROM event_inbox i WHERE message_id = $1`,
      [poisonId],
    );
    expect(row).toMatchObject({
      queued: false,
      failure: expect.stringContaining('longer than 1024'),
    });
    expect(
      await count(t, 'SELECT count(*) AS n FROM events WHERE message_id = $1', [after.messageId]),
    ).toBe(1);
    const failed = await gql<any>(
      t.url,
      `{ failedEvents(limit: 10) { messageId failure } }`,
      {},
      t.adminKey,
    );
    expect(failed.data.failedEvents).toEqual(
      expect.arrayContaining([{ messageId: poisonId, failure: expect.stringContaining('userId') }]),
    );
  });

  it('rejects text Postgres cannot store without failing the other requests', async () => {
    const nul = trackMessage({ properties: { note: 'a\u0000b' } });
    const lone = trackMessage({ properties: { note: '\ud800' } });
    const fine = trackMessage();
    const [a, b, c] = await Promise.all(
      [nul, lone, fine].map((m) => post(t, '/v1/track', m, open)),
    );
    expect(a.status).toBe(400);
    expect(a.body.rejected[0].reasons[0].rule).toContain('NUL');
    expect(b.status).toBe(400);
    expect(c.status).toBe(200);
  });
});
