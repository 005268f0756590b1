import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { basicAuth, trackMessage } from './factories/event.factory';
import { TEST_REDIS_URL } from './utils/env';
import { createTestSchema, schemaClient, TestSchema } from './utils/test-schema';

const EVENTS = 20_000;
const PER_BATCH = 100;
const CONCURRENCY = 8;
const KILL_AFTER_BATCHES = 60;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('durable acceptance across a SIGKILL', () => {
  let db: TestSchema;
  let port: number;
  let server: ChildProcess | undefined;
  const adminKey = `admin_${randomBytes(16).toString('hex')}`;

  function start(): ChildProcess {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, '../src/main.ts')],
      {
        cwd: join(__dirname, '..'),
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          DATABASE_URL: db.url,
          DATABASE_SCHEMA: db.schema,
          REDIS_URL: TEST_REDIS_URL,
          PORT: String(port),
          TRAITBASE_ADMIN_KEY: adminKey,
          TRAIT_DEFINITIONS_DIR: `/nonexistent-${db.schema}`,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    return child;
  }

  async function waitUntilListening(deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/health/live`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await sleep(100);
    }
    throw new Error('server did not start');
  }

  async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = await schemaClient(db);
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    db = await createTestSchema();
    port = await freePort();
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    await sleep(500);
    await db.drop();
  });

  it(`stores and processes each of ${EVENTS} messageIds exactly once although the server was killed -9 mid-stream`, async () => {
    const deadline = Date.now() + 85_000;
    server = start();
    await waitUntilListening(deadline);

    const batches = Array.from({ length: EVENTS / PER_BATCH }, () =>
      Array.from({ length: PER_BATCH }, () =>
        trackMessage({ userId: `crash-${randomUUID().slice(0, 8)}` }),
      ),
    );
    let acked = 0;
    let attempts = 0;
    let killed = false;
    // A client with retries, as the SDKs behave: every batch is re-sent until it gets a 2xx.
    const send = async (batch: Record<string, unknown>[]) => {
      for (;;) {
        if (Date.now() > deadline) throw new Error('client gave up');
        attempts += 1;
        const res = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basicAuth(adminKey) },
          body: JSON.stringify({ batch }),
        }).catch(() => undefined);
        if (res?.ok) {
          acked += 1;
          if (acked === KILL_AFTER_BATCHES && !killed) {
            killed = true;
            server!.kill('SIGKILL');
          }
          return;
        }
        await sleep(50);
      }
    };
    const restarter = (async () => {
      while (!killed) await sleep(20);
      await new Promise((r) => server!.once('exit', r));
      server = start();
    })();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batches.length) await send(batches[next++]);
      }),
    );
    await restarter;
    expect(killed).toBe(true);
    expect(attempts).toBeGreaterThan(batches.length);

    for (;;) {
      const [pending] = await query<{ n: string }>(
        `SELECT count(*) AS n FROM event_inbox_pending`,
      );
      if (pending.n === '0') break;
      if (Date.now() > deadline) throw new Error(`${pending.n} messages still unprocessed`);
      await sleep(200);
    }
    const ids = batches.flat().map((m) => m.messageId as string);
    const [inbox] = await query<{ rows: string; distinct_ids: string; processed: string }>(
      `SELECT count(*) AS rows, count(DISTINCT message_id) AS distinct_ids,
              count(*) FILTER (WHERE failure IS NULL AND NOT EXISTS
                (SELECT 1 FROM event_inbox_pending p WHERE p.shard = i.shard AND p.id = i.id)) AS processed
       FROM event_inbox i WHERE message_id = ANY($1)`,
      [ids],
    );
    expect(inbox).toEqual({
      rows: String(EVENTS),
      distinct_ids: String(EVENTS),
      processed: String(EVENTS),
    });
    const [events] = await query<{ rows: string; distinct_ids: string }>(
      `SELECT count(*) AS rows, count(DISTINCT message_id) AS distinct_ids FROM events WHERE message_id = ANY($1)`,
      [ids],
    );
    expect(events).toEqual({ rows: String(EVENTS), distinct_ids: String(EVENTS) });
  }, 90_000);
});
