import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

// A named (prepared) statement: Postgres parses it once per connection and, once its plans stop
// depending on the values, plans it once too. For the statements of hot paths whose plan does not
// depend on their values' size (json recordsets, a few keys). `name` must be unique per statement
// text across the app: node-postgres refuses a name reused with another text.
export function queryNamed<R extends QueryResultRow = QueryResultRow>(
  on: Pool | PoolClient,
  name: string,
  text: string,
  values: unknown[],
): Promise<QueryResult<R>> {
  return on.query<R>({ name, text, values });
}

// For a transaction whose named statements each touch a few rows, whatever their parameters hold
// (a small write, the resolution of a few identities): one generic plan per connection. Left to
// choose, Postgres kept planning some of them afresh on every call (0.25–0.35 ms of bind each in the
// statement log) for the same index lookups.
export const GENERIC_PLANS = 'SET LOCAL plan_cache_mode = force_generic_plan';
// For a transaction whose plans depend on how much its parameters hold (a large batch).
export const CUSTOM_PLANS = 'SET LOCAL plan_cache_mode = force_custom_plan';

// A statement on the hot read path, run on the pg pool behind the app's DataSource without
// TypeORM's per-query work, as a named statement (queryNamed).
export async function queryPrepared<R extends QueryResultRow>(
  db: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const pool = (db.driver as PostgresDriver).master as Pool;
  return (await queryNamed<R>(pool, name, text, values)).rows;
}
