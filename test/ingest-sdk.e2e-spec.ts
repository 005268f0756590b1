import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { definitionsDir, waitForInboxDrained } from './factories/event.factory';
import { createKey } from './utils/keys';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const RudderAnalytics = require('@rudderstack/rudder-sdk-node') as new (
  writeKey: string,
  options: Record<string, unknown>,
) => { track(m: object): void; identify(m: object): void; flush(): Promise<unknown> };

interface FaultProxy {
  url: string;
  attempts: string[];
  close: () => Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// Sits between an SDK and the server. The first attempt of every batch IS delivered to the server
// (so it commits), but the SDK gets a 503 instead of the answer: its retry must not store twice.
async function faultProxy(target: string): Promise<FaultProxy> {
  const seen = new Set<string>();
  const attempts: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const json = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const parsed = JSON.parse(json.toString('utf8')) as {
        batch?: { messageId: string }[];
        messageId?: string;
      };
      const key = (parsed.batch ?? [parsed])
        .map((m) => m.messageId)
        .sort()
        .join(',');
      const first = !seen.has(key);
      seen.add(key);
      attempts.push(`${req.url} ${first ? 'first' : 'retry'}`);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([k]) => !['host', 'content-length', 'connection'].includes(k),
        ),
      ) as Record<string, string>;
      const upstream = await fetch(`${target}${req.url}`, { method: 'POST', headers, body: raw });
      const text = await upstream.text();
      res.writeHead(first ? 503 : upstream.status, { 'content-type': 'application/json' });
      res.end(first ? '{"error":"injected fault"}' : text);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('real Segment and RudderStack SDKs', () => {
  let t: TestApp;
  let key: string;
  let proxy: FaultProxy;

  beforeAll(async () => {
    const dir = await definitionsDir({
      traits: {
        'sdk.yaml': { source: { kind: 'event' }, traits: [{ name: 'plan_tier', type: 'string' }] },
      },
    });
    t = await startTestApp({ traitDefinitionsDir: dir });
    key = await createKey(t, 'ingest');
    proxy = await faultProxy(t.url);
  });
  afterAll(async () => {
    await proxy.close();
    await t.close();
  });

  it('@segment/analytics-node: identify, track and alias land once although each first attempt got a 503', async () => {
    const analytics = new SegmentAnalytics({
      writeKey: key,
      host: proxy.url,
      flushAt: 3,
      flushInterval: 200,
      maxRetries: 3,
    });
    const userId = `seg-${randomUUID()}`;
    const ids = { identify: randomUUID(), track: randomUUID(), alias: randomUUID() };
    analytics.identify({
      userId,
      messageId: ids.identify,
      traits: { plan_tier: 'gold', email: 'a@example.com' },
    });
    analytics.track({
      userId,
      messageId: ids.track,
      event: 'Level Completed',
      properties: { level: 3 },
    });
    analytics.alias({ userId, previousId: `anon-${randomUUID()}`, messageId: ids.alias });
    await analytics.closeAndFlush({ timeout: 20_000 });

    expect(proxy.attempts.filter((a) => a.endsWith('first')).length).toBeGreaterThan(0);
    expect(proxy.attempts.filter((a) => a.endsWith('retry')).length).toBeGreaterThan(0);
    const messageIds = Object.values(ids);
    expect(
      await count(t, 'SELECT count(*) AS n FROM event_inbox WHERE message_id = ANY($1)', [
        messageIds,
      ]),
    ).toBe(3);
    await waitForInboxDrained(t);
    const rows = await sql<{ type: string; n: string }>(
      t,
      'SELECT type, count(*) AS n FROM events WHERE message_id = ANY($1) GROUP BY type ORDER BY type',
      [messageIds],
    );
    expect(rows).toEqual([
      { type: 'alias', n: '1' },
      { type: 'identify', n: '1' },
      { type: 'track', n: '1' },
    ]);
    const [trait] = await sql<{ value: unknown; source_ref: unknown }>(
      t,
      `SELECT r.value, r.source_ref FROM trait_revision r JOIN trait_definition d ON d.id = r.trait_id
       JOIN identity i ON i.profile_id = r.profile_id WHERE d.name = 'plan_tier' AND i.type = 'user_id' AND i.value = $1`,
      [userId],
    );
    expect(trait).toEqual({ value: 'gold', source_ref: { messageId: ids.identify } });
  });

  it('@rudderstack/rudder-sdk-node: gzip batches land once through the same fault', async () => {
    const attemptsBefore = proxy.attempts.length;
    const rudder = new RudderAnalytics(key, {
      dataPlaneUrl: proxy.url,
      flushAt: 2,
      flushInterval: 200,
      retryCount: 3,
      logLevel: 'error',
    });
    const anonymousId = `anon-${randomUUID()}`;
    const ids = [randomUUID(), randomUUID()];
    rudder.identify({ anonymousId, messageId: ids[0], traits: { plan_tier: 'silver' } });
    rudder.track({
      anonymousId,
      messageId: ids[1],
      event: 'Item Bought',
      properties: { sku: 'x1' },
    });
    await rudder.flush();
    expect(proxy.attempts.length - attemptsBefore).toBeGreaterThanOrEqual(2);
    await waitForInboxDrained(t);
    const rows = await sql<{ message_id: string; identity_type: string }>(
      t,
      'SELECT message_id, identity_type FROM events WHERE message_id = ANY($1) ORDER BY message_id',
      [ids],
    );
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.identity_type === 'anonymous_id')).toBe(true);
  });
});
