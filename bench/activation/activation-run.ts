import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AudiencesService } from '../../src/audiences/storage/audiences.service';
import { createApp } from '../../src/bootstrap';
import type { AppConfig } from '../../src/config/configuration';
import { DestinationsService } from '../../src/destinations/storage/destinations.service';
import { TraitWriter } from '../../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from '../../test/factories/trait-definition.factory';
import { BENCH_DATABASE_URL, createSchema, dropSchema, withClient } from '../lib/bench-db';

export interface ActivationRun {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  // Records per second of the rate-limited destination, measured at its sink.
  limitedRate: number;
}

const SECRET_ENV = 'BENCH_ACTIVATION_SECRET';
const AUDIENCE = 'bench_players';
// Players written per call of the write path.
const WRITE_ROWS = 10_000;

// One sync: `changes` audience entries — as many new players, written through the product's write
// path with a level that puts each in the audience; the incremental evaluator records each entry
// on the change feed, and the feed, the outbox and a delivery lane carry it to a node:http sink on
// 127.0.0.1. A second destination limited to `limit` records/s receives `limited` trait changes.
export async function activationRun(
  changes: number,
  limit: number,
  redisUrl: string,
): Promise<ActivationRun> {
  process.env[SECRET_ENV] = randomBytes(16).toString('hex');
  const schema = await createSchema('act', true);
  let received = 0;
  // When the last record of the measured destination arrived (the limited one may still be going).
  let lastAt = 0;
  const limitedAt: number[] = [];
  const sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = (JSON.parse(Buffer.concat(chunks).toString()) as { batch: unknown[] }).batch.length;
      if (req.url === '/limited') for (let i = 0; i < n; i++) limitedAt.push(Date.now());
      else {
        received += n;
        lastAt = Date.now();
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const config: AppConfig = {
    databaseUrl: BENCH_DATABASE_URL,
    databaseSchema: schema,
    redisUrl,
    warehouseUrl: BENCH_DATABASE_URL,
    port: 0,
    traitDefinitionsDir: `/nonexistent-${schema}`,
    adminKey: undefined,
    notebookPython: '/usr/bin/python3',
    role: 'all',
    apiKeyCacheMs: 0,
    introspection: false,
    feedRetentionSeconds: 86_400,
    ledgerRetentionSeconds: 86_400,
  };
  const level = traitSpec({ type: 'number' });
  const tier = traitSpec({ type: 'number' });
  await insertTraitDefinitions(BENCH_DATABASE_URL, schema, [level, tier]);
  const app = await createApp(config, 'warn');
  await app.init();
  try {
    // Evaluated in full only when asked: a scheduled pass must not land inside the measurement.
    await app.get(AudiencesService).save(
      {
        slug: AUDIENCE,
        name: 'Bench',
        rule: { trait: level.name, op: 'gte', value: 1 },
        schedule: '0 0 1 1 *',
      },
      { kind: 'api', savedBy: 'bench' },
    );
    const destinations = app.get(DestinationsService);
    const hook = {
      kind: 'webhook',
      secret_env: SECRET_ENV,
      identities: ['user_id'],
      batch_size: 500,
    };
    await destinations.save(
      'bench',
      { ...hook, name: 'Bench', url: `${base}/hook`, audiences: [AUDIENCE] },
      { kind: 'api' },
    );
    await destinations.save(
      'limited',
      {
        ...hook,
        name: 'Limited',
        url: `${base}/limited`,
        traits: [tier.name],
        batch_size: Math.max(1, Math.round(limit / 10)),
        rate_limit: limit,
      },
      { kind: 'api' },
    );
    await new Promise((r) => setTimeout(r, 2500)); // the lanes start
    const users = Array.from({ length: changes }, () => ({ type: 'user_id', value: randomUUID() }));
    const writer = app.get(TraitWriter);
    const provenance = { sourceKind: 'api', sourceRef: {}, runId: null };
    const limited = Math.round(limit * 5);
    await writer.write({
      rows: users.slice(0, limited).map((identity) => ({ identity, trait: tier.name, value: 1 })),
      provenance,
    });
    const start = Date.now();
    for (let i = 0; i < users.length; i += WRITE_ROWS)
      await writer.write({
        rows: users
          .slice(i, i + WRITE_ROWS)
          .map((identity) => ({ identity, trait: level.name, value: 1 })),
        provenance,
      });
    const total = users.length;
    while (received < total || limitedAt.length < Math.min(limited, users.length)) {
      if (Date.now() - start > 600_000)
        throw new Error(`only ${received} of ${total} records arrived`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (lastAt - start) / 1000;
    // The sink counts a batch when it arrives; its ledger rows commit after the answer.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [{ n }] = await withClient((c) =>
        c
          .query(
            `SELECT count(*)::int AS n FROM "${schema}".data_flow_ledger WHERE destination_slug = 'bench'`,
          )
          .then((r) => r.rows as { n: number }[]),
      );
      if (n >= total) break;
      if (Date.now() > deadline) throw new Error(`ledger holds ${n} of ${total} records`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Committed (the feed row's time) → delivered (the ledger's), counted on the server.
    const [lat] = await withClient((c) =>
      c
        .query(
          `SELECT count(*)::int AS n,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
        FROM (SELECT extract(epoch FROM l.delivered_at - f.at) * 1000 AS ms
              FROM "${schema}".data_flow_ledger l
              JOIN "${schema}".destination_outbox o ON o.delivery_id = l.delivery_id
              JOIN "${schema}".change_feed f ON f.position = o.feed_position
              WHERE l.destination_slug = 'bench') x`,
        )
        .then((r) => r.rows as { n: number; p50: number; p99: number }[]),
    );
    if (lat.n !== total) throw new Error(`ledger holds ${lat.n} of ${total} records`);
    const span = (limitedAt[limitedAt.length - 1] - limitedAt[0]) / 1000;
    return {
      records: total,
      seconds,
      recordsPerSecond: total / seconds,
      p50Ms: lat.p50,
      p99Ms: lat.p99,
      limitedRate: span > 0 ? (limitedAt.length - Math.max(1, Math.round(limit / 10))) / span : 0,
    };
  } finally {
    await app.close();
    await new Promise((r) => sink.close(r));
    await dropSchema(schema);
  }
}
