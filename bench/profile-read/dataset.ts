import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../../src/api-keys/api-keys.service';
import type { Scope } from '../../src/api-keys/scopes';
import { apiKeysService } from '../../src/cli/cli-services';
import { toAppConfig } from '../../src/config/configuration';
import { validateEnv } from '../../src/config/env.validation';
import { dataSourceOptions } from '../../src/database/data-source';
import { runMigrations } from '../../src/database/migrate';
import { insertTraitDefinitions, traitSpec } from '../../test/factories/trait-definition.factory';
import { BENCH_DATABASE_URL, prewarmSchema, vacuumAnalyze, withClient } from '../lib/bench-db';

// bench/profile-read's dataset, generated in SQL from the profile number (seeded hashes,
// generate_series) and cached in its own schema by size: profiles `user_id:u<n>` with ten traits
// each, one revision per value.
const VERSION = 'v1';
export const TRAITS = [
  traitSpec({ name: 'lifetime_value', type: 'number' }),
  traitSpec({ name: 'country', type: 'category', values: ['KH', 'TH', 'VN', 'ID', 'PH'] }),
  traitSpec({ name: 'level', type: 'number' }),
  traitSpec({ name: 'plan', type: 'string' }),
  traitSpec({ name: 'churn_score', type: 'number' }),
  traitSpec({ name: 'is_payer', type: 'boolean' }),
  traitSpec({ name: 'favourite_store', type: 'string' }),
  traitSpec({ name: 'last_login_at', type: 'timestamp' }),
  traitSpec({ name: 'sessions_30d', type: 'number' }),
  traitSpec({ name: 'locale', type: 'string' }),
];

export function datasetSchema(profiles: number): string {
  return `prd_data_${VERSION}_${profiles}`;
}

// [0, 1) from the profile number and a salt.
const r = (n: string, salt: number) =>
  `((hashint8extended(${n}::bigint, ${salt}) & 2147483647) / 2147483648.0)`;
const pid = (n: string) => `md5('p' || ${n})::uuid`;

async function cached(c: Client, schema: string, profiles: number): Promise<boolean> {
  const { rows } = await c.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'bench_dataset') AS ok`,
    [schema],
  );
  if (!rows[0].ok) return false;
  const { rows: made } = await c.query<{ profiles: number }>(
    `SELECT profiles FROM "${schema}".bench_dataset`,
  );
  return made.length === 1 && made[0].profiles === profiles;
}

export async function ensureDataset(profiles: number, log: (m: string) => void): Promise<string> {
  const schema = datasetSchema(profiles);
  if (await withClient((c) => cached(c, schema, profiles))) {
    log(`dataset ${schema} cached`);
    // Pending migrations of a newer checkout.
    await runMigrations(BENCH_DATABASE_URL, schema);
    return schema;
  }
  await withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  await runMigrations(BENCH_DATABASE_URL, schema);
  await insertTraitDefinitions(BENCH_DATABASE_URL, schema, TRAITS);
  const started = Date.now();
  await withClient((c) => generate(c, profiles), schema);
  await withClient(async (c) => {
    await vacuumAnalyze(c, schema);
    await c.query(`CREATE TABLE "${schema}".bench_dataset AS SELECT ${profiles}::int AS profiles`);
  });
  log(
    `dataset ${schema}: ${profiles} profiles × ${TRAITS.length} traits generated in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return schema;
}

async function generate(c: Client, n: number): Promise<void> {
  await c.query(`INSERT INTO profile (id, revision, created_at)
    SELECT ${pid('i')}, 1, now() - interval '90 days' FROM generate_series(1, ${n}) i`);
  await c.query(`INSERT INTO identity (type, value, profile_id, source_kind)
    SELECT 'user_id', 'u' || i, ${pid('i')}, 'api' FROM generate_series(1, ${n}) i`);
  const value = `CASE d.name
    WHEN 'lifetime_value' THEN to_jsonb(round((${r('i', 1)} * 200)::numeric, 2))
    WHEN 'country' THEN to_jsonb((ARRAY['KH','TH','VN','ID','PH'])[1 + floor(${r('i', 2)} * 5)::int])
    WHEN 'level' THEN to_jsonb(floor(${r('i', 3)} * 60)::int)
    WHEN 'plan' THEN to_jsonb((ARRAY['free','plus','pro'])[1 + floor(${r('i', 4)} * 3)::int])
    WHEN 'churn_score' THEN to_jsonb(round(${r('i', 5)}::numeric, 4))
    WHEN 'is_payer' THEN to_jsonb(${r('i', 6)} < 0.2)
    WHEN 'favourite_store' THEN to_jsonb('store-' || floor(${r('i', 7)} * 500)::int)
    WHEN 'last_login_at' THEN to_jsonb(to_char((now() - ${r('i', 8)} * interval '30 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    WHEN 'sessions_30d' THEN to_jsonb(floor(${r('i', 9)} * 120)::int)
    ELSE to_jsonb((ARRAY['en-GB','th-TH','vi-VN','km-KH'])[1 + floor(${r('i', 10)} * 4)::int]) END`;
  await c.query(`INSERT INTO trait_revision (profile_id, trait_id, value, valid_from, definition_version,
      source_kind, identity_type, identity_value, profile_revision)
    SELECT ${pid('i')}, d.id, ${value}, now() - interval '60 days', 1, 'api', 'user_id', 'u' || i, 1
    FROM generate_series(1, ${n}) i CROSS JOIN trait_definition d`);
  await c.query(`INSERT INTO trait_value (profile_id, trait_id, value, valid_from, last_observed_at, revision_id)
    SELECT profile_id, trait_id, value, valid_from, valid_from, id FROM trait_revision`);
}

export async function warm(schema: string): Promise<void> {
  await withClient((c) => prewarmSchema(c, schema));
}

// Real keys, created through the product's ApiKeysService (as test/utils/keys.ts does), hashed in
// the dataset's schema.
export async function createKeys(schema: string, ...scopes: Scope[]): Promise<string[]> {
  const config = toAppConfig(
    validateEnv({ DATABASE_URL: BENCH_DATABASE_URL, DATABASE_SCHEMA: schema }),
  );
  const ds = await new DataSource(dataSourceOptions(BENCH_DATABASE_URL, schema)).initialize();
  try {
    const keys: ApiKeysService = apiKeysService(ds, config);
    const out: string[] = [];
    for (const s of scopes) out.push((await keys.create(`bench-${s}`, [s])).key);
    return out;
  } finally {
    await ds.destroy();
  }
}
