import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

// A statement on the hot read path, run on the pg pool behind the app's DataSource without
// TypeORM's per-query work, as a named (prepared) statement: Postgres parses and plans it once per
// connection. `name` must be unique per statement text.
export async function queryPrepared<R extends QueryResultRow>(
  db: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const pool = (db.driver as PostgresDriver).master as Pool;
  return (await pool.query<R>({ name, text, values })).rows;
}
