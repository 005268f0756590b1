import { randomUUID } from 'node:crypto';
import { toAppConfig } from '../../src/config/configuration';
import { validateEnv } from '../../src/config/env.validation';
import { LedgerRetention } from '../../src/destinations/ledger/ledger-retention.service';
import { count, sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';

// More old rows than one delete pass takes (10,000), so the chunked loop runs more than once.
const OLD_ROWS = 10_050;

describe('ledger retention (LEDGER_RETENTION)', () => {
  let t: TestApp;
  // No destination row: no delivery lane picks up the outbox rows written here.
  const destinationId = randomUUID();

  beforeAll(async () => {
    // The setting as an operator writes it, through the same validation and parsing as at boot.
    const { ledgerRetentionSeconds } = toAppConfig(
      validateEnv({ DATABASE_URL: 'postgres://unused', LEDGER_RETENTION: '2h' }),
    );
    expect(ledgerRetentionSeconds).toBe(7200);
    t = await startTestApp({ ledgerRetentionSeconds });
  });
  afterAll(() => t.close());

  const ledger = (profileId: string, age: string, rows = 1) =>
    sql(
      t,
      `INSERT INTO data_flow_ledger (destination_id, destination_slug, profile_id, delivery_id, reason,
         subject, fields, response_status, delivered_at)
       SELECT $1, 'crm', $2, gen_random_uuid(), 'changed', 'ltv', '{"ltv": 1}', 200, now() - $3::interval
       FROM generate_series(1, $4)`,
      [destinationId, profileId, age, rows],
    );
  const outbox = (profileId: string, status: string, doneAgo: string | null) =>
    sql(
      t,
      `INSERT INTO destination_outbox (destination_id, profile_id, delivery_id, reason, payload,
         payload_hash, status, done_at, created_at)
       VALUES ($1, $2, gen_random_uuid(), 'changed', '{}', 'h', $3, now() - $4::interval, now() - interval '3 days')`,
      [destinationId, profileId, status, doneAgo ?? '0s'],
    );
  const rowsOf = (table: string, profileId: string) =>
    count(t, `SELECT count(*) AS n FROM ${table} WHERE profile_id = $1`, [profileId]);

  it('deletes ledger rows older than the retention, in chunks, and keeps younger ones', async () => {
    const old = randomUUID();
    const young = randomUUID();
    const edge = randomUUID();
    await ledger(old, '3 hours', OLD_ROWS);
    await ledger(young, '1 hour', 3);
    await ledger(edge, '119 minutes');
    const deleted = await t.app.get(LedgerRetention).expire();
    expect(deleted).toBe(OLD_ROWS);
    expect([
      await rowsOf('data_flow_ledger', old),
      await rowsOf('data_flow_ledger', young),
    ]).toEqual([0, 3]);
    expect(await rowsOf('data_flow_ledger', edge)).toBe(1);
    // A second pass finds nothing more to delete.
    await expect(t.app.get(LedgerRetention).expire()).resolves.toBe(0);
  });

  it('measures age from the time it is given', async () => {
    const profile = randomUUID();
    await ledger(profile, '1 hour');
    const inThreeHours = new Date(Date.now() + 3 * 3600_000);
    await expect(t.app.get(LedgerRetention).expire(inThreeHours)).resolves.toBeGreaterThanOrEqual(
      1,
    );
    expect(await rowsOf('data_flow_ledger', profile)).toBe(0);
  });

  it('deletes finished outbox rows after a day; keeps pending and dead ones', async () => {
    const profile = randomUUID();
    await outbox(profile, 'delivered', '2 days');
    await outbox(profile, 'skipped', '2 days');
    await outbox(profile, 'delivered', '1 hour');
    await outbox(profile, 'dead', '2 days');
    await outbox(profile, 'pending', null);
    await t.app.get(LedgerRetention).expire();
    const left = await sql<{ status: string }>(
      t,
      'SELECT status FROM destination_outbox WHERE profile_id = $1 ORDER BY status',
      [profile],
    );
    expect(left.map((r) => r.status)).toEqual(['dead', 'delivered', 'pending']);
  });
});
