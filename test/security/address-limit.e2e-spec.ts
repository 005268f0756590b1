import { createClient } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import WebSocket from 'ws';
import { ApiKeysService } from '../../src/api-keys/api-keys.service';
import type { RateLimit } from '../../src/api-keys/rate-limit';
import { captureLogs } from '../utils/logs';
import { startTestApp, TestApp } from '../utils/test-app';

jest.setTimeout(90_000);

// Requests that cannot be counted against a key are counted per client address (OWASP API4 and
// API2: unrestricted resource consumption, broken authentication — key guessing). Each test sends
// from its own loopback address (127.0.0.0/8 all reaches the server on 127.0.0.1).
const FIVE_A_MINUTE: RateLimit = { requests: 5, windowSeconds: 60 };

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { error?: { code: string; message: string } };
}

function send(
  base: string,
  from: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: opts.method ?? 'GET',
        localAddress: from,
        headers: { 'content-type': 'application/json', ...opts.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            body: text ? (JSON.parse(text) as Answer['body']) : {},
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const profilePath = () =>
  `/v1/profiles/${encodeURIComponent(`email:${randomUUID()}@example.com`)}/traits`;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
// Of the key format, so the lookup really runs.
const guessedKey = () => `tb_${randomUUID().slice(0, 8)}_${randomUUID().replace(/-/g, '')}`;

describe('per-address limit on requests without a valid key', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ addressLimit: FIVE_A_MINUTE });
    key = (await t.app.get(ApiKeysService).create(`addr-${randomUUID()}`, ['profile:read'])).key;
  });
  afterAll(() => t.close());

  it('answers 401 to guessed keys, then 429 in the error shape to everything from that address, never naming it in logs', async () => {
    const from = '127.0.0.2';
    for (let i = 0; i < 5; i++) {
      const res = await send(t.url, from, profilePath(), { headers: bearer(guessedKey()) });
      expect(res.status).toBe(401);
      expect(res.body.error?.message).toBe('the API key is unknown or revoked');
    }
    const logged = captureLogs();
    const refused = await send(t.url, from, profilePath(), {
      headers: bearer(guessedKey()),
    }).finally(logged.stop);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.body).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(
          /^too many requests from this address without a valid key or with an unreadable body \(limit 5 per 60s\); retry after \d+s$/,
        ),
      },
    });
    expect(logged.text()).toContain('an address reached its limit of 5/60s');
    expect(logged.text()).not.toContain(from);

    // Refused before the key is looked up: a valid key from that address waits too; GraphQL,
    // ingestion and a missing key likewise.
    expect((await send(t.url, from, profilePath(), { headers: bearer(key) })).status).toBe(429);
    const graphql = await send(t.url, from, '/graphql', {
      method: 'POST',
      headers: bearer(key),
      body: JSON.stringify({ query: '{ viewer { name } }' }),
    });
    expect(graphql.status).toBe(429);
    expect(JSON.stringify(graphql.body)).toContain('"code":"RATE_LIMITED"');
    expect(
      (await send(t.url, from, '/v1/batch', { method: 'POST', body: '{"batch":[]}' })).status,
    ).toBe(429);
    // Health is not the API: load balancers keep seeing it.
    expect((await send(t.url, from, '/health')).status).toBe(200);

    // Another address is not affected.
    const other = await send(t.url, '127.0.0.3', profilePath(), { headers: bearer(key) });
    expect(other.status).toBe(404);
  });

  it('counts a missing key, a GraphQL request without a key and a refused write key alike', async () => {
    const from = '127.0.0.4';
    expect((await send(t.url, from, profilePath())).status).toBe(401);
    const gqlNoKey = await send(t.url, from, '/graphql', {
      method: 'POST',
      body: JSON.stringify({ query: '{ viewer { name } }' }),
    });
    expect(JSON.stringify(gqlNoKey.body)).toContain('UNAUTHENTICATED');
    const batch = (writeKey: string) =>
      send(t.url, from, '/v1/batch', {
        method: 'POST',
        body: JSON.stringify({ writeKey, batch: [] }),
      });
    expect((await batch(guessedKey())).status).toBe(401);
    expect((await batch(guessedKey())).status).toBe(401);
    expect((await batch(guessedKey())).status).toBe(401);
    expect((await batch(guessedKey())).status).toBe(429);
  });

  it('counts a GraphQL request without a key once, however many root fields it has', async () => {
    const from = '127.0.0.7';
    const query = '{ a: viewer { name } b: viewer { name } c: viewer { name } }';
    const ask = () =>
      send(t.url, from, '/graphql', { method: 'POST', body: JSON.stringify({ query }) });
    for (let i = 0; i < 5; i++)
      expect(JSON.stringify((await ask()).body)).toContain('UNAUTHENTICATED');
    expect((await ask()).status).toBe(429);
  });

  it('counts bodies that cannot be read, and refused connection_init messages', async () => {
    const from = '127.0.0.5';
    for (let i = 0; i < 3; i++) {
      const res = await send(t.url, from, '/v1/batch', { method: 'POST', body: '{"batch": [' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { code: 'INVALID_INPUT', message: 'body: is not valid JSON' },
      });
    }
    class FromAddress extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { localAddress: from });
      }
    }
    for (let i = 0; i < 2; i++) {
      let dispose = () => undefined as unknown;
      const closed = await new Promise<number>((resolve) => {
        const client = createClient({
          url: `${t.url.replace(/^http/, 'ws')}/graphql`,
          webSocketImpl: FromAddress,
          connectionParams: { apiKey: guessedKey() },
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => undefined,
          on: { closed: (e) => resolve((e as { code: number }).code) },
        });
        dispose = () => client.dispose();
      });
      dispose();
      expect(closed).toBe(4403);
    }
    // That was five: the sixth goes over, and then the address is refused whatever it sends.
    expect((await send(t.url, from, profilePath())).status).toBe(429);
    expect((await send(t.url, from, profilePath(), { headers: bearer(key) })).status).toBe(429);
  });
});

describe('behind a proxy (TRUST_PROXY)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ addressLimit: { requests: 2, windowSeconds: 60 }, trustProxy: true });
  });
  afterAll(() => t.close());

  it("counts the client X-Forwarded-For names, not the proxy's address", async () => {
    const via = (client: string) => ({ ...bearer(guessedKey()), 'x-forwarded-for': client });
    for (let i = 0; i < 2; i++)
      expect(
        (await send(t.url, '127.0.0.6', profilePath(), { headers: via('203.0.113.9') })).status,
      ).toBe(401);
    expect(
      (await send(t.url, '127.0.0.6', profilePath(), { headers: via('203.0.113.9') })).status,
    ).toBe(429);
    expect(
      (await send(t.url, '127.0.0.6', profilePath(), { headers: via('203.0.113.10') })).status,
    ).toBe(401);
  });
});
