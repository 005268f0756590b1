import { randomBytes } from 'node:crypto';
import { save, user, writeTraits } from '../audiences/audience-helpers';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from '../factories/trait-definition.factory';
import { HttpSink, validSignature } from '../utils/http-sink';
import { createKey } from '../utils/keys';
import { sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';
import { ask, DATA_FLOW, saveDestination } from './destination-helpers';

const SECRET_ENV = `TB_TEST_HOOK_${randomBytes(4).toString('hex').toUpperCase()}`;
const SECRET = randomBytes(16).toString('hex');
const EMAIL = /[^@\s"]+@[^@\s"]+\.[a-z]+/i;

describe('activation: audiences and traits to destinations', () => {
  let t: TestApp;
  let sink: HttpSink;
  let other: HttpSink;
  const ltv = traitSpec({ type: 'number' });
  const email = traitSpec({ type: 'string', pii: true });
  const audience = uniqueName('whales');

  beforeAll(async () => {
    process.env[SECRET_ENV] = SECRET;
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [ltv, email]);
    const saved = await save(t, t.adminKey, {
      slug: audience,
      name: 'Whales',
      rule: { trait: ltv.name, op: 'gt', value: 50 },
    });
    expect(saved.errors).toBeUndefined();
    sink = await new HttpSink().start();
    other = await new HttpSink().start();
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
    await other.close();
  });

  const hook = (url: string, extra: Record<string, unknown> = {}) => ({
    name: 'CRM',
    kind: 'webhook',
    url,
    secret_env: SECRET_ENV,
    headers: { 'x-team': 'growth' },
    audiences: [audience],
    traits: [ltv.name, email.name],
    identities: ['user_id'],
    mapping: { [ltv.name]: 'ltv', [email.name]: 'email' },
    timestamp_format: 'epoch_ms',
    backoff_ms: 50,
    max_attempts: 3,
    ...extra,
  });

  it('rejects bad destinations naming the field and rule, and only for admin', async () => {
    const bad = await saveDestination(t, 'crm', {
      name: 'x',
      kind: 'webhook',
      url: 'ftp://x',
      batch_size: 0,
      audiences: [audience],
    });
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.errors[0].extensions.details).toMatchObject({
      'config.url': expect.stringContaining('must match'),
      'config.batch_size': expect.any(String),
    });
    const noSecret = await saveDestination(t, 'crm', {
      name: 'x',
      kind: 'webhook',
      url: 'http://x',
      audiences: [audience],
    });
    expect(noSecret.errors[0].extensions.details).toEqual({
      'config.secret_env': 'is required for a webhook: payloads are signed with HMAC-SHA256',
    });
    const reader = await createKey(t, 'profile:read');
    const denied = await saveDestination(t, 'crm', hook(sink.url), reader);
    expect(denied.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('sends entered and exited records, signed, with emails hashed, and records each in the ledger', async () => {
    const saved = await saveDestination(t, 'crm', hook(sink.url));
    expect(saved.errors).toBeUndefined();
    expect(JSON.stringify(saved.data)).not.toContain(SECRET);
    const player = user();
    await writeTraits(t, player, { [ltv.name]: 100, [email.name]: 'Ana@Example.com' });
    await waitFor('entered', () =>
      sink.records().some((r) => r.type === 'entered' && r.fields.user_id === player.value),
    );
    await writeTraits(t, player, { [ltv.name]: 10 });
    await waitFor('exited', () =>
      sink.records().some((r) => r.type === 'exited' && r.fields.user_id === player.value),
    );
    const mine = sink.records().filter((r) => r.fields.user_id === player.value);
    expect(mine.map((r) => [r.type, r.audience, r.fields.ltv])).toEqual([
      ['entered', audience, 100],
      // A member's listed trait changed (before the audience was re-evaluated)…
      ['changed', null, 10],
      // …then the exit, with the values as they are.
      ['exited', audience, 10],
    ]);
    expect(mine[0].fields.email).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof mine[0].at).toBe('number');
    for (const r of sink.received) {
      expect(validSignature(SECRET, r)).toBe(true);
      expect(r.headers['x-team']).toBe('growth');
      expect(r.raw).not.toMatch(EMAIL);
    }
    const flow = await ask(t, DATA_FLOW, { identity: player });
    expect(
      flow.data.dataFlow.map((e: any) => [e.destination, e.reason, e.subject, e.responseStatus]),
    ).toEqual([
      ['crm', 'exited', `audience:${audience}`, 200],
      ['crm', 'changed', ltv.name, 200],
      ['crm', 'entered', `audience:${audience}`, 200],
    ]);
    expect(flow.data.dataFlow[2].fields).toEqual(mine[0].fields);
    expect(new Set(flow.data.dataFlow.map((e: any) => e.deliveryId))).toEqual(
      new Set(mine.map((r) => r.deliveryId)),
    );
    const explained = await ask(
      t,
      `query E($identity: IdentityInput!, $at: DateTime!) {
      explain(identity: $identity, at: $at) { dataFlow { destination reason deliveredAt } } }`,
      {
        identity: player,
        at: new Date().toISOString(),
      },
    );
    expect(explained.data.explain.dataFlow.map((e: any) => e.reason)).toEqual([
      'exited',
      'changed',
      'entered',
    ]);
  });

  it('backfills current members once: a second run with no changes sends nothing', async () => {
    const player = user();
    await writeTraits(t, player, { [ltv.name]: 70 });
    await waitFor('entered', () => sink.records().some((r) => r.fields.user_id === player.value));
    const before = sink.received.length;
    const queued = await ask(t, 'mutation { backfillDestination(destination: "crm") }', {});
    expect(queued.data.backfillDestination).toBeGreaterThan(0);
    await waitFor('backfill handled', async () => {
      const [r] = await sql<{ n: string }>(
        t,
        `SELECT count(*) AS n FROM destination_outbox WHERE status = 'pending'`,
      );
      return Number(r.n) === 0;
    });
    expect(sink.received.length).toBe(before);
  });

  it('waits for Retry-After on 429, dead-letters after N failures and replays them, while another destination keeps its pace', async () => {
    expect(
      (await saveDestination(t, 'other', hook(other.url, { name: 'Other' }))).errors,
    ).toBeUndefined();
    let throttled = 0;
    sink.respond = () =>
      throttled++ === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 };
    const a = user();
    await writeTraits(t, a, { [ltv.name]: 90 });
    await waitFor(
      'delivered after 429',
      () => sink.records().some((r) => r.fields.user_id === a.value),
      { timeoutMs: 15_000 },
    );
    const mine = sink.received.filter((r) => r.raw.includes(a.value));
    expect(mine.map((r) => r.status)).toEqual([429, 200]);
    expect(mine[1].at - mine[0].at).toBeGreaterThanOrEqual(950);

    // crm is down (500s): its records die after 3 attempts; `other` keeps receiving meanwhile.
    sink.respond = () => ({ status: 500 });
    const down = user();
    await writeTraits(t, down, { [ltv.name]: 95 });
    await waitFor('other receives', () =>
      other.records().some((r) => r.fields.user_id === down.value),
    );
    const dead = await waitFor('dead letter', async () => {
      const res = await ask(
        t,
        'query { deadLetters(destination: "crm") { deliveryId profileId error attempts } }',
        {},
      );
      return res.data.deadLetters.length > 0 && res.data.deadLetters;
    });
    expect(dead[0]).toMatchObject({ error: 'HTTP 500', attempts: 3 });
    sink.respond = () => ({ status: 200 });
    const replayed = await ask(t, 'mutation { replayDeadLetters(destination: "crm") }', {});
    expect(replayed.data.replayDeadLetters).toBe(dead.length);
    await waitFor('replayed', () =>
      sink.records().some((r) => r.deliveryId === dead[0].deliveryId),
    );
  });

  it('scopes: profile:read reads the ledger, never sees personal values sent in clear', async () => {
    expect(
      (await saveDestination(t, 'clear', hook(other.url, { name: 'Clear', clear: [email.name] })))
        .errors,
    ).toBeUndefined();
    const p = user();
    await writeTraits(t, p, { [ltv.name]: 99, [email.name]: 'bo@example.com' });
    await waitFor('clear email', () =>
      other.records().some((r) => r.fields.email === 'bo@example.com'),
    );
    const reader = await createKey(t, 'profile:read');
    const pii = await createKey(t, 'profile:read:pii');
    await waitFor(
      'ledger',
      async () => (await ask(t, DATA_FLOW, { identity: p }, reader)).data.dataFlow.length >= 3,
    );
    const seen = await ask(t, DATA_FLOW, { identity: p }, reader);
    const clear = seen.data.dataFlow.find((e: any) => e.destination === 'clear');
    expect(clear.fields.email).toBeNull();
    const full = await ask(t, DATA_FLOW, { identity: p }, pii);
    expect(full.data.dataFlow.find((e: any) => e.destination === 'clear').fields.email).toBe(
      'bo@example.com',
    );
    // Every payload to destinations whose policy hashes emails holds none in clear.
    for (const r of sink.received) expect(r.raw).not.toMatch(EMAIL);
  });
});
