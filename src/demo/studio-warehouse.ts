import { Client } from 'pg';
import type { PlayerFeaturesRow, PlayerStatsRow } from './studio-tables';

// The studio's warehouse (WAREHOUSE_URL): schema analytics with the dbt model's output table, the
// churn notebook's features and the load's anchor. Every statement is idempotent: tables are
// created when missing and rows inserted when missing, so a re-run changes nothing.

const SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE TABLE IF NOT EXISTS analytics.demo_load (
  id int PRIMARY KEY CHECK (id = 1),
  anchor timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS analytics.player_stats (
  player_id text PRIMARY KEY,
  email text NOT NULL,
  ltv numeric(12, 2) NOT NULL,
  level int NOT NULL,
  country_code text NOT NULL,
  favourite_mode text NOT NULL,
  last_session_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS analytics.player_features (
  user_id text PRIMARY KEY,
  sessions_30d int NOT NULL,
  purchases_30d int NOT NULL,
  last_session_at timestamptz NOT NULL,
  churned boolean
);`;

export class StudioWarehouse {
  private constructor(private readonly client: Client) {}

  static async open(url: string): Promise<StudioWarehouse> {
    const client = new Client({ connectionString: url, application_name: 'traitbase-demo' });
    await client.connect();
    await client.query(SCHEMA_SQL);
    return new StudioWarehouse(client);
  }

  // The anchor of the first load (every time in the data is relative to it), recorded once.
  async anchor(now: Date): Promise<{ anchor: Date; first: boolean }> {
    const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const inserted = await this.client.query(
      'INSERT INTO analytics.demo_load (id, anchor) VALUES (1, $1) ON CONFLICT (id) DO NOTHING',
      [minute],
    );
    const { rows } = await this.client.query<{ anchor: Date }>(
      'SELECT anchor FROM analytics.demo_load WHERE id = 1',
    );
    return { anchor: rows[0].anchor, first: inserted.rowCount === 1 };
  }

  async fillPlayerStats(rows: readonly PlayerStatsRow[]): Promise<number> {
    const res = await this.client.query(
      `INSERT INTO analytics.player_stats
         (player_id, email, ltv, level, country_code, favourite_mode, last_session_at, updated_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::int[], $5::text[], $6::text[],
                            $7::timestamptz[], $8::timestamptz[])
       ON CONFLICT (player_id) DO NOTHING`,
      [
        rows.map((r) => r.player_id),
        rows.map((r) => r.email),
        rows.map((r) => r.ltv),
        rows.map((r) => r.level),
        rows.map((r) => r.country_code),
        rows.map((r) => r.favourite_mode),
        rows.map((r) => r.last_session_at),
        rows.map((r) => r.updated_at),
      ],
    );
    return res.rowCount ?? 0;
  }

  async fillPlayerFeatures(rows: readonly PlayerFeaturesRow[]): Promise<number> {
    const res = await this.client.query(
      `INSERT INTO analytics.player_features
         (user_id, sessions_30d, purchases_30d, last_session_at, churned)
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::timestamptz[], $5::boolean[])
       ON CONFLICT (user_id) DO NOTHING`,
      [
        rows.map((r) => r.user_id),
        rows.map((r) => r.sessions_30d),
        rows.map((r) => r.purchases_30d),
        rows.map((r) => r.last_session_at),
        rows.map((r) => r.churned),
      ],
    );
    return res.rowCount ?? 0;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
