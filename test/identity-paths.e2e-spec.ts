import { randomUUID } from 'node:crypto';
import {
  definitionsDir,
  identifyMessage,
  post,
  trackMessage,
  waitForInboxDrained,
} from './factories/event.factory';
import { createKey } from './utils/keys';
import { sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

// identity.yaml names places in an event whose values are identities (Segment Unify's identifiers):
// traits.email and context.device.id by default, any path a deployment adds.
describe('identities from traits and context', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    const dir = await definitionsDir({
      traits: {
        'identity.yaml': {
          types: {
            email: { blocked: { patterns: ['@blocked\\.test$'] } },
            player_id: { priority: 90, paths: ['properties.player.id'] },
          },
        },
      },
    });
    t = await startTestApp({ traitDefinitionsDir: dir });
    key = await createKey(t, 'ingest');
  });
  afterAll(() => t.close());

  const identitiesOf = (userId: string) =>
    sql<{ type: string; value: string }>(
      t,
      `SELECT i.type, i.value FROM identity i
       WHERE i.profile_id = (SELECT profile_id FROM identity WHERE type = 'user_id' AND value = $1)
       ORDER BY i.type, i.value`,
      [userId],
    );

  it('an identify with traits.email adds the email, normalised, to the profile; a blocked one does not', async () => {
    const userId = `u-${randomUUID()}`;
    const email = `Ana.${randomUUID()}@Shop.IO`;
    const blockedUser = `u-${randomUUID()}`;
    const messages = [
      identifyMessage({ userId, traits: { email: ` ${email} ` } }),
      identifyMessage({ userId: blockedUser, traits: { email: 'someone@blocked.test' } }),
    ];
    expect((await post(t, '/v1/batch', { batch: messages }, key)).status).toBe(200);
    await waitForInboxDrained(t);
    expect(await identitiesOf(userId)).toEqual([
      { type: 'email', value: email.toLowerCase() },
      { type: 'user_id', value: userId },
    ]);
    expect(await identitiesOf(blockedUser)).toEqual([{ type: 'user_id', value: blockedUser }]);
    expect(
      await sql(
        t,
        `SELECT 1 FROM identity WHERE type = 'email' AND value = 'someone@blocked.test'`,
      ),
    ).toEqual([]);
    // The events themselves were stored, through the user id.
    const stored = await sql<{ identity_type: string }>(
      t,
      'SELECT identity_type FROM events WHERE message_id = ANY($1)',
      [messages.map((m) => m.messageId)],
    );
    expect(stored.map((r) => r.identity_type)).toEqual(['user_id', 'user_id']);
  });

  it('a device id in context and a custom path link an anonymous visitor to the player who signs in later', async () => {
    const anonymousId = `anon-${randomUUID()}`;
    const deviceId = `dev-${randomUUID()}`;
    const playerId = `p-${randomUUID()}`;
    const userId = `u-${randomUUID()}`;
    const browse = trackMessage({
      userId: undefined,
      anonymousId,
      event: 'Level Started',
      properties: { player: { id: playerId } },
      context: { device: { id: deviceId } },
    });
    // Signs in on the same device, with a new anonymous id: the device id links the two.
    const login = identifyMessage({
      userId,
      anonymousId: `anon-${randomUUID()}`,
      context: { device: { id: deviceId } },
    });
    // Values that are not strings or numbers are not identities.
    const odd = trackMessage({
      userId,
      event: 'Odd',
      context: { device: { id: { nested: true } } },
    });
    expect((await post(t, '/v1/batch', { batch: [browse, login, odd] }, key)).status).toBe(200);
    await waitForInboxDrained(t);
    const ids = await identitiesOf(userId);
    expect(ids).toEqual(
      expect.arrayContaining([
        { type: 'anonymous_id', value: anonymousId },
        { type: 'device_id', value: deviceId },
        { type: 'player_id', value: playerId },
        { type: 'user_id', value: userId },
      ]),
    );
    expect(ids.filter((i) => i.type === 'device_id')).toHaveLength(1);
  });
});
