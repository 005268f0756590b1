import { quoteIdent } from '../../src/sources/dbt/artifacts/relation-name';
import type { TraitType } from '../../src/trait-definitions/trait-spec';

// The SQL ceiling of bench/dbt-sync: the same logical work as a first sync, done inside Postgres
// on the same relation (no data leaves the server): new identities and profiles, the relation
// unpivoted to one row per (profile, trait), then the versioned merge of bench/trait-write's ceiling
// (temp tables cj/cp, same columns). No validation, no batching, no late-observation timeline.

export interface CeilingTrait {
  id: number;
  version: number;
  column: string;
  type: TraitType;
}

// $1 source_kind
export const CREATE_PROFILES = (relation: string) => `
WITH ids AS (SELECT DISTINCT user_id FROM ${relation} WHERE user_id IS NOT NULL),
ins AS (
  INSERT INTO identity (type, value, profile_id, source_kind)
  SELECT 'user_id', user_id, gen_random_uuid(), $1 FROM ids
  ON CONFLICT DO NOTHING
  RETURNING profile_id
)
INSERT INTO profile (id) SELECT profile_id FROM ins`;

function jsonOf(t: CeilingTrait): string {
  const c = `p.${quoteIdent(t.column)}`;
  if (t.type === 'timestamp')
    return `to_jsonb(to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
  if (t.type === 'number') return `to_jsonb(${c}::float8)`;
  return `to_jsonb(${c})`;
}

// One row per (profile, trait), classified against the current value (columns of the trait-write
// ceiling's cj).
export const CREATE_JOINED = (relation: string, traits: CeilingTrait[]) => `
CREATE TEMP TABLE cj ON COMMIT DROP AS
SELECT i.profile_id, 'user_id'::text AS id_type, p.user_id AS id_value, v.trait_id, v.def_version, v.value,
       p.updated_at AS observed_at, tv.revision_id AS cur_rev,
       (tv.profile_id IS NULL OR p.updated_at > tv.last_observed_at) AS fresh,
       (tv.profile_id IS NULL OR v.value IS DISTINCT FROM tv.value) AS differs
FROM ${relation} p
JOIN identity i ON i.type = 'user_id' AND i.value = p.user_id
CROSS JOIN LATERAL (VALUES ${traits.map((t) => `(${t.id}, ${t.version}, ${jsonOf(t)})`).join(', ')})
  AS v(trait_id, def_version, value)
LEFT JOIN trait_value tv ON tv.profile_id = i.profile_id AND tv.trait_id = v.trait_id
WHERE v.value IS NOT NULL`;
