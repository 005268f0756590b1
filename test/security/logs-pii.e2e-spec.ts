import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../utils/env';
import { freePort, startServerProcess, waitForHealth } from '../utils/server-process';
import { dropSchema } from '../utils/test-schema';
import { waitFor } from '../utils/wait';

jest.setTimeout(120_000);

const DEFINITIONS = `source: { kind: api }
traits:
  - { name: contact_email, type: string, pii: true }
  - { name: level, type: number }
`;

// The service as it runs in production (its own process, JSON logs at debug, the most verbose
// level) through a session that handles personal data: every log line is read afterwards, and
// none may hold an email, a personal value, an API key or an event's payload.
describe('logs hold no personal data or secrets', () => {
  const schema = `t_logpii_${randomBytes(5).toString('hex')}`;
  const defs = mkdtempSync(join(tmpdir(), 'traitbase-logdefs-'));
  afterAll(async () => {
    await dropSchema(schema);
    rmSync(defs, { recursive: true, force: true });
  });

  it('logs ids and counts only, through writes, events, failures and an erasure', async () => {
    writeFileSync(join(defs, 'contact.yaml'), DEFINITIONS);
    const port = await freePort();
    const adminKey = `admin_${randomBytes(16).toString('hex')}`;
    const server = startServerProcess({
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: TEST_REDIS_URL,
      PORT: String(port),
      TRAIT_DEFINITIONS_DIR: defs,
      TRAITBASE_ADMIN_KEY: adminKey,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'debug',
    });
    const base = `http://127.0.0.1:${port}`;
    const tag = randomUUID().slice(0, 8);
    const email = `pii.${tag}@example.com`;
    const userId = `player-${tag}`;
    const secretProp = `street-${tag}-42`;
    const phone = `+855${randomBytes(4).readUInt32BE() % 100_000_000}`;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${adminKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const gql = async (query: string, variables: Record<string, unknown>) =>
      (await call('POST', '/graphql', { query, variables })).json() as Promise<any>;
    try {
      await waitForHealth(server, port);
      const WRITE = `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { accepted rejected { index reason } } }`;
      const written = await gql(WRITE, {
        input: {
          rows: [
            { identity: { type: 'user_id', value: userId }, trait: 'contact_email', value: email },
            { identity: { type: 'email', value: email }, trait: 'level', value: 3 },
            // Failing rows that quote values: an email as a number, as a trait name, as a type.
            { identity: { type: 'user_id', value: userId }, trait: 'level', value: email },
            { identity: { type: 'user_id', value: userId }, trait: email, value: 1 },
            { identity: { type: email, value: phone }, trait: 'level', value: 1 },
          ],
        },
      });
      expect(written.data.writeTraits.accepted).toBe(2);
      const events = [
        { type: 'identify', userId, traits: { email, phone }, messageId: randomUUID() },
        {
          type: 'track',
          userId,
          event: 'Address Set',
          properties: { street: secretProp, email },
          messageId: randomUUID(),
        },
        // Invalid: rejected and kept in the invalid-events log, not in the logs.
        { type: 'track', userId, event: 'Bad', properties: [secretProp], messageId: randomUUID() },
        { type: 'track', userId: { email }, event: 'Bad', messageId: randomUUID() },
      ];
      expect((await call('POST', '/v1/batch', { batch: events })).status).toBe(200);
      await call('POST', '/v1/track', `{"userId": "${email}", "event": `); // malformed body
      await call('GET', `/v1/profiles/email:${encodeURIComponent(email)}/traits?verbose=true`);
      await call('GET', `/v1/profiles/email:nobody.${tag}@example.com/traits`);
      await gql(
        `query P($id: IdentityInput!) { profile(identity: $id) { id traits { name value } } }`,
        {
          id: { type: 'email', value: `missing.${tag}@example.com` },
        },
      );
      await gql(`query { profile(identity: {type: "email", value: "${email}"}) { nope } }`, {});
      await waitFor('the events to be processed', async () => {
        const res = await call('GET', `/v1/profiles/user_id:${userId}/traits`);
        return res.status === 200;
      });
      const erase = await call('DELETE', `/v1/profiles/email:${encodeURIComponent(email)}`);
      expect(erase.status).toBe(202);
      const { id } = (await erase.json()) as { id: string };
      await waitFor('the erasure', async () => {
        const res = await call('GET', `/v1/erasures/${id}`);
        return ((await res.json()) as { status: string }).status === 'done';
      });
      // Replayed after the erasure: dropped, and not logged either.
      await call('POST', '/v1/batch', {
        batch: events.map((e) => ({ ...e, messageId: randomUUID() })),
      });
    } finally {
      await server.stop();
    }
    const { stdout, stderr } = server.output();
    const lines = `${stdout}\n${stderr}`.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(20); // debug lines of every request were written
    const secrets = [
      email,
      email.toLowerCase(),
      `pii.${tag}`,
      encodeURIComponent(email),
      userId,
      secretProp,
      phone,
      adminKey,
      adminKey.slice(6),
    ];
    const leaks = lines.filter((l) => secrets.some((s) => l.includes(s)));
    expect(leaks).toEqual([]);
    // No event payload either: no properties or traits objects.
    expect(lines.filter((l) => /"(properties|traits)"\s*:/.test(l))).toEqual([]);
  });
});
