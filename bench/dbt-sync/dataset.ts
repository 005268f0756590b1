import type { TraitSpec, TraitType } from '../../src/trait-definitions/trait-spec';
import { traitSpec } from '../../test/factories/trait-definition.factory';
import { countRows, withClient } from '../lib/bench-db';

export const MODEL = 'model.bench.players';

// Five trait columns of the five common types, one row per player.
export const TRAIT_COLUMNS: { name: string; column: string; type: TraitType }[] = [
  { name: 'ltv', column: 'ltv', type: 'number' },
  { name: 'level', column: 'level', type: 'number' },
  { name: 'vip', column: 'vip', type: 'boolean' },
  { name: 'country', column: 'country', type: 'string' },
  { name: 'last_login_at', column: 'last_login', type: 'timestamp' },
];

export function warehouseSchema(rows: number): string {
  return `dbtwh_${rows}`;
}

export function relationOf(rows: number): string {
  return `${warehouseSchema(rows)}.players`;
}

export function traitSpecs(rows: number): TraitSpec[] {
  const source = {
    kind: 'dbt',
    model: MODEL,
    relation: relationOf(rows),
    cursor: 'updated_at',
    identities: [{ column: 'user_id', type: 'user_id' }],
  } as TraitSpec['source'];
  return TRAIT_COLUMNS.map((t) =>
    traitSpec({ name: t.name, type: t.type, column: t.column, source }),
  );
}

// Deterministic values from the row number (multiplicative hashing, no randomness), generated in
// SQL; four rows share each cursor value, as rows of one dbt batch often do.
const GENERATE = (schema: string, rows: number) => `
CREATE TABLE ${schema}.players AS
SELECT 'p' || i AS user_id,
       round(((i::bigint * 2654435761) % 1000000) / 100.0, 2)::numeric(12,2) AS ltv,
       ((i::bigint * 40503) % 100)::int AS level,
       (i::bigint * 2246822519) % 7 = 0 AS vip,
       (ARRAY['KH','TH','VN','US','FR','DE','BR','JP'])[1 + (i::bigint * 97) % 8] AS country,
       timestamptz '2024-01-01T00:00:00Z' + ((i::bigint * 7919) % 31536000) * interval '1 second' AS last_login,
       timestamptz '2024-06-01T00:00:00Z' + (i / 4) * interval '1 second' AS updated_at
FROM generate_series(1, ${rows}) i`;

// The warehouse relation, cached by size in its own schema (outside the dbtw_ prefix that each
// run clears): re-runs skip generation.
export async function ensureWarehouse(rows: number): Promise<string> {
  const schema = warehouseSchema(rows);
  await withClient(async (c) => {
    const exists = await c.query(`SELECT to_regclass($1) AS r`, [relationOf(rows)]);
    if (exists.rows[0].r && (await countRows(c, relationOf(rows))) === rows) return;
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.query(`CREATE SCHEMA ${schema}`);
    await c.query(GENERATE(schema, rows));
    await c.query(`VACUUM (ANALYZE) ${schema}.players`);
  });
  return schema;
}
