import type { Client } from 'pg';
import { runMigrations } from '../../src/database/migrate';
import { insertTraitDefinitions, traitSpec } from '../../test/factories/trait-definition.factory';
import { BENCH_DATABASE_URL, prewarmSchema, vacuumAnalyze, withClient } from '../lib/bench-db';

// bench/audience's dataset, generated in SQL (seeded hashes, generate_series) and cached in its own
// schema by size: profiles with five traits each (three of them read by the rule), ten events per
// profile over 60 days (none within a day of the rule's 30-day window edge, so the answer does not
// depend on when in the dataset's life it is counted), and a block of "hot" profiles that meet every condition but level, whose
// level the incremental measurement moves across the threshold.
export const EVENTS_PER_PROFILE = 10;
const VERSION = 'v2';
// Event windows are measured from now: a dataset older than this is made again.
const MAX_AGE_HOURS = 24;

export const TRAITS = ['lifetime_value', 'country', 'level', 'plan', 'churn_score'];

export function datasetSchema(profiles: number): string {
  return `aud_data_${VERSION}_${profiles}`;
}

export function hotProfiles(profiles: number): number {
  return Math.min(20_000, Math.floor(profiles / 10));
}

// [0, 1) from the profile or event number and a salt.
const r = (n: string, salt: number) =>
  `((hashint8extended(${n}::bigint, ${salt}) & 2147483647) / 2147483648.0)`;
const pid = (n: string) => `md5('p' || ${n})::uuid`;
// An event's age: 0–28 or 31–60 days. The window edge (30 days back) moves up to a day later while
// the dataset is in use (MAX_AGE_HOURS); no event crosses it, so every count made from the dataset
// (the evaluation, the hand-written statement) finds the same members whenever it runs.
const EVENT_AGE = (n: string) =>
  `(${r(n, 7)} * 57 + CASE WHEN ${r(n, 7)} * 57 >= 28 THEN 3 ELSE 0 END) * interval '1 day'`;

async function fresh(c: Client, schema: string): Promise<boolean> {
  const { rows } = await c.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'bench_dataset') AS ok`,
    [schema],
  );
  if (!rows[0].ok) return false;
  const { rows: made } = await c.query<{ age: number }>(
    `SELECT extract(epoch FROM now() - made_at) / 3600 AS age FROM "${schema}".bench_dataset WHERE usable`,
  );
  return made.length === 1 && made[0].age < MAX_AGE_HOURS;
}

export async function ensureDataset(profiles: number, log: (m: string) => void): Promise<string> {
  const schema = datasetSchema(profiles);
  if (await withClient((c) => fresh(c, schema))) {
    log(`dataset ${schema} cached`);
    return schema;
  }
  await withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  await runMigrations(BENCH_DATABASE_URL, schema);
  await insertTraitDefinitions(BENCH_DATABASE_URL, schema, [
    traitSpec({ name: 'lifetime_value', type: 'number' }),
    traitSpec({ name: 'country', type: 'category', values: ['KH', 'TH', 'VN', 'ID', 'PH'] }),
    traitSpec({ name: 'level', type: 'number' }),
    traitSpec({ name: 'plan', type: 'string' }),
    traitSpec({ name: 'churn_score', type: 'number' }),
  ]);
  const started = Date.now();
  await withClient(async (c) => generate(c, profiles), schema);
  await withClient(async (c) => {
    await vacuumAnalyze(c, schema);
    await c.query(
      `CREATE TABLE "${schema}".bench_dataset AS SELECT now() AS made_at, true AS usable`,
    );
  });
  log(
    `dataset ${schema}: ${profiles} profiles generated in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return schema;
}

async function generate(c: Client, n: number): Promise<void> {
  const hot = hotProfiles(n);
  await c.query(`INSERT INTO profile (id, revision, created_at)
    SELECT ${pid('i')}, 1, now() - interval '90 days' FROM generate_series(1, ${n}) i`);
  await c.query(`INSERT INTO identity (type, value, profile_id, source_kind)
    SELECT 'user_id', 'u' || i, ${pid('i')}, 'api' FROM generate_series(1, ${n}) i`);
  // Hot profiles (i ≤ hot): lifetime value 100, country KH, level 5 — in the audience but for level.
  const value = `CASE d.name
    WHEN 'lifetime_value' THEN to_jsonb(CASE WHEN i <= ${hot} THEN 100 ELSE round((${r('i', 1)} * 200)::numeric, 2) END)
    WHEN 'country' THEN to_jsonb(CASE WHEN i <= ${hot} THEN 'KH' ELSE (ARRAY['KH','TH','VN','ID','PH'])[1 + floor(${r('i', 2)} * 5)::int] END)
    WHEN 'level' THEN to_jsonb(CASE WHEN i <= ${hot} THEN 5 ELSE floor(${r('i', 3)} * 60)::int END)
    WHEN 'plan' THEN to_jsonb((ARRAY['free','plus','pro'])[1 + floor(${r('i', 4)} * 3)::int])
    ELSE to_jsonb(round(${r('i', 5)}::numeric, 4)) END`;
  await c.query(`INSERT INTO trait_revision (profile_id, trait_id, value, valid_from, definition_version,
      source_kind, identity_type, identity_value, profile_revision)
    SELECT ${pid('i')}, d.id, ${value}, now() - interval '60 days', 1, 'api', 'user_id', 'u' || i, 1
    FROM generate_series(1, ${n}) i CROSS JOIN trait_definition d`);
  await c.query(`INSERT INTO trait_value (profile_id, trait_id, value, valid_from, last_observed_at, revision_id)
    SELECT profile_id, trait_id, value, valid_from, valid_from, id FROM trait_revision`);
  await c.query('DROP INDEX events_profile_time_idx');
  await c.query('DROP INDEX events_event_time_idx');
  const events = n * EVENTS_PER_PROFILE;
  const who = `1 + floor(${r('j', 6)} * ${n})::bigint`;
  await c.query(`INSERT INTO events (timestamp, inbox_id, source_id, message_id, type, event, profile_id,
      identity_type, identity_value, properties, received_at)
    SELECT ts, j, 's', 'm' || j, 'track', name, ${pid('k')}, 'user_id', 'u' || k,
           jsonb_build_object('revenue', round((${r('j', 8)} * 40)::numeric, 2)), ts
    FROM (SELECT j, ${who} AS k, now() - ${EVENT_AGE('j')} AS ts,
                 (ARRAY['Session Started','Session Started','Level Up','Shop Viewed','Order Completed'])[1 + floor(${r('j', 9)} * 5)::int] AS name
          FROM generate_series(1, ${events}) j) x`);
  // Hot profiles: three orders over 10 in the last ten days.
  await c.query(`INSERT INTO events (timestamp, inbox_id, source_id, message_id, type, event, profile_id,
      identity_type, identity_value, properties, received_at)
    SELECT now() - (o * interval '3 days'), ${events} + i * 3 + o, 's', 'h' || i || '-' || o, 'track',
           'Order Completed', ${pid('i')}, 'user_id', 'u' || i, '{"revenue": 25}', now()
    FROM generate_series(1, ${hot}) i CROSS JOIN generate_series(1, 3) o`);
  await c.query('CREATE INDEX "events_profile_time_idx" ON "events" ("profile_id", "timestamp")');
  await c.query('CREATE INDEX "events_event_time_idx" ON "events" ("event", "timestamp")');
}

// A dataset marked unusable is made again by the next run.
export async function markDataset(schema: string, usable: boolean): Promise<void> {
  await withClient((c) => c.query(`UPDATE "${schema}".bench_dataset SET usable = $1`, [usable]));
}

export async function warm(schema: string): Promise<void> {
  await withClient((c) => prewarmSchema(c, schema));
}
