import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ApiKeysService } from '../../src/api-keys/api-keys.service';
import type { RateLimit } from '../../src/api-keys/rate-limit';
import type { Scope } from '../../src/api-keys/scopes';
import { createApp } from '../../src/bootstrap';
import { REDIS } from '../../src/redis/redis.module';
import { post, trackMessage } from '../factories/event.factory';
import { gql } from '../utils/graphql-request';
import { captureLogs } from '../utils/logs';
import { subscribe, wsClient } from '../utils/subscriptions';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';

jest.setTimeout(90_000);

// The server's default in this file; keys below mostly carry limits of their own.
const DEFAULT: RateLimit = { requests: 5, windowSeconds: 60 };
const THREE_A_MINUTE: RateLimit = { requests: 3, windowSeconds: 60 };

// tb_<prefix>_<secret>; the secret (base64url) may itself hold underscores.
const secretOf = (key: string) => key.split('_').slice(2).join('_');

describe('per-key rate limits (OWASP API4: unrestricted resource consumption)', () => {
  let t: TestApp;
  const clients: ReturnType<typeof wsClient>[] = [];

  beforeAll(async () => {
    t = await startTestApp({ rateLimit: DEFAULT });
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t.close();
  });

  const keyWith = async (limit: RateLimit | null, ...scopes: Scope[]) => {
    const created = await t.app
      .get(ApiKeysService)
      .create(`rate-${randomUUID()}`, scopes.length ? scopes : ['profile:read'], limit);
    return { ...created, prefix: created.key.split('_')[1] };
  };
  // A profile that does not exist: 404, which counts like any other answer.
  const email = () => `rate-${randomUUID()}@example.com`;
  const rest = async (key: string, base = t.url, identity = `email:${email()}`) => {
    const res = await fetch(`${base}/v1/profiles/${encodeURIComponent(identity)}/traits`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: await res.text(),
    };
  };
  const viewer = (key: string) =>
    gql<{ viewer: { name: string } }>(t.url, '{ viewer { name } }', {}, key);

  it('refuses the 4th REST request of a 3-a-minute key with 429, Retry-After and the error shape, leaking nothing', async () => {
    const limited = await keyWith(THREE_A_MINUTE);
    for (let i = 0; i < 3; i++) expect((await rest(limited.key)).status).toBe(404);
    const mail = email();
    const logged = captureLogs();
    const refused = await rest(limited.key, t.url, `email:${mail}`).finally(logged.stop);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    const body = JSON.parse(refused.body) as { error: Record<string, unknown> };
    expect(body).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(
          /^rate limit of 3 requests per 60s exceeded for this key; retry after \d+s$/,
        ),
      },
    });
    // The log names the key by id, and nothing else of it or of the request.
    expect(logged.text()).toContain(`key ${limited.id} reached its limit of 3/60s`);
    for (const secret of [limited.key, limited.prefix, secretOf(limited.key), mail]) {
      expect(logged.text()).not.toContain(secret);
    }
    for (const secret of [
      limited.key,
      limited.prefix,
      secretOf(limited.key),
      limited.id,
      limited.name,
      mail,
    ]) {
      expect(refused.body).not.toContain(secret);
    }
  });

  it('counts each key apart: another key, and a key over its limit on health and metrics, are unaffected', async () => {
    const [a, b] = [await keyWith(THREE_A_MINUTE), await keyWith(THREE_A_MINUTE)];
    for (let i = 0; i < 4; i++) await rest(a.key);
    expect((await rest(a.key)).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await rest(b.key)).status).toBe(404);
    for (const path of ['/health', '/health/live', '/metrics']) {
      const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${a.key}` } });
      expect([path, res.status]).toEqual([path, 200]);
    }
  });

  it('answers GraphQL over its limit with 429, Retry-After and extensions.code RATE_LIMITED; an operation counts once', async () => {
    const limited = await keyWith(THREE_A_MINUTE);
    // Three root fields, one operation: one request of the three.
    const many = await gql(
      t.url,
      '{ a: viewer { name } b: viewer { name } c: viewer { name } }',
      {},
      limited.key,
    );
    expect(many.status).toBe(200);
    expect(many.errors).toBeUndefined();
    for (let i = 0; i < 2; i++) expect((await viewer(limited.key)).status).toBe(200);
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${limited.key}` },
      body: JSON.stringify({ query: '{ a: viewer { name } b: viewer { name } }' }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const text = await res.text();
    const body = JSON.parse(text) as {
      data: unknown;
      errors: { extensions: Record<string, unknown> }[];
    };
    expect(body.data).toBeNull();
    // Both fields are refused; graphql-js reports the first error of a non-null root.
    expect(body.errors.length).toBeGreaterThanOrEqual(1);
    for (const e of body.errors) {
      expect(e.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    }
    for (const secret of [limited.key, limited.prefix, limited.id, limited.name])
      expect(text).not.toContain(secret);
  });

  it('applies RATE_LIMIT to keys without a limit of their own, and a key’s own limit over it', async () => {
    const plain = await keyWith(null);
    // A key can read the limit it is counted against (this counts too).
    const own = `{ viewer { rateLimit { requests windowSeconds } } }`;
    expect((await gql(t.url, own, {}, plain.key)).data).toEqual({ viewer: { rateLimit: DEFAULT } });
    for (let i = 1; i < DEFAULT.requests; i++) expect((await viewer(plain.key)).status).toBe(200);
    expect((await viewer(plain.key)).status).toBe(429);

    const generous = await keyWith({ requests: DEFAULT.requests + 3, windowSeconds: 60 });
    expect((await gql(t.url, own, {}, generous.key)).data).toEqual({
      viewer: { rateLimit: { requests: DEFAULT.requests + 3, windowSeconds: 60 } },
    });
    for (let i = 1; i < DEFAULT.requests + 3; i++)
      expect((await viewer(generous.key)).status).toBe(200);
    expect((await viewer(generous.key)).status).toBe(429);

    // Changed later (keys set-limit): a new limit takes effect at once here (API_KEY_CACHE_MS=0).
    expect(
      await t.app.get(ApiKeysService).setRateLimit(plain.id, { requests: 100, windowSeconds: 60 }),
    ).toBe(true);
    expect((await viewer(plain.key)).status).toBe(200);
  });

  it('keeps counting when Redis has lost its scripts (a restart, SCRIPT FLUSH)', async () => {
    const limited = await keyWith(THREE_A_MINUTE);
    expect((await rest(limited.key)).status).toBe(404);
    await t.app.get<Redis>(REDIS).script('FLUSH');
    for (let i = 0; i < 2; i++) expect((await rest(limited.key)).status).toBe(404);
    expect((await rest(limited.key)).status).toBe(429);
  });

  it('lets a key in again once its window has passed', async () => {
    const limited = await keyWith({ requests: 2, windowSeconds: 1 });
    // Sent together they share a window unless the machine stalls; then the next try does.
    await waitFor('a refusal', async () => {
      const answers = await Promise.all(Array.from({ length: 6 }, () => rest(limited.key)));
      return answers.some((a) => a.status === 429);
    });
    await waitFor(
      'the key to be admitted again',
      async () => (await rest(limited.key)).status === 404,
      {
        everyMs: 200,
        timeoutMs: 30_000,
      },
    );
  });

  it('counts a burst on two servers sharing Redis together', async () => {
    const second: NestFastifyApplication = await createApp({ ...t.config, role: 'api' }, 'warn');
    await second.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = second.getHttpServer().address();
      const secondUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const limited = await keyWith({ requests: 4, windowSeconds: 60 });
      const burst = await Promise.all(
        Array.from({ length: 10 }, (_, i) => rest(limited.key, i % 2 ? secondUrl : t.url)),
      );
      expect(burst.filter((a) => a.status === 404)).toHaveLength(4);
      expect(burst.filter((a) => a.status === 429)).toHaveLength(6);
    } finally {
      await second.close();
    }
  });

  it('limits ingestion by write key with 429 in the error shape', async () => {
    const writeKey = await keyWith({ requests: 2, windowSeconds: 60 }, 'ingest');
    const userId = `rate-${randomUUID()}`;
    for (let i = 0; i < 2; i++) {
      expect((await post(t, '/v1/track', trackMessage({ userId }), writeKey.key)).status).toBe(200);
    }
    const refused = await post(t, '/v1/track', trackMessage({ userId }), writeKey.key);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    // The key in the body (Segment's writeKey) is the same key, counted the same way.
    const inBody = await post(t, '/v1/track', {
      ...trackMessage({ userId }),
      writeKey: writeKey.key,
    });
    expect(inBody.status).toBe(429);
    const text = JSON.stringify(refused.body);
    for (const secret of [writeKey.key, writeKey.prefix, userId])
      expect(text).not.toContain(secret);
  });

  it('counts subscription starts over graphql-ws', async () => {
    const limited = await keyWith({ requests: 1, windowSeconds: 60 });
    const c = wsClient(t.url, limited.key);
    clients.push(c);
    const identity = { type: 'email', value: email() };
    // No such profile: refused by the resolver, after being counted.
    const first = subscribe(c, { identity });
    await first.done;
    expect(JSON.stringify(first.errors)).toContain('no profile has the identity');
    const second = subscribe(c, { identity });
    await second.done;
    const said = JSON.stringify(second.errors);
    expect(said).toContain('RATE_LIMITED');
    expect(said).toMatch(/rate limit of 1 requests per 60s exceeded/);
    expect(said).not.toContain(identity.value);
  });

  it('fails open while Redis is unreachable, and counts again once it is back', async () => {
    const limited = await keyWith({ requests: 1, windowSeconds: 60 });
    await rest(limited.key);
    expect((await rest(limited.key)).status).toBe(429);
    const redis = t.app.get<Redis>(REDIS);
    redis.disconnect();
    try {
      expect((await rest(limited.key)).status).toBe(404);
    } finally {
      await redis.connect();
    }
    await waitFor('the limit to apply again', async () => (await rest(limited.key)).status === 429);
  });
});
