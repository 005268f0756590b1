import * as SQL from './trait-write.sql';

// The small-write path (SmallTraitWrite): the statements of trait-write.sql.ts with each tb_* name
// bound to a WITH query (which a table of the same name gives way to) over parameters instead of a
// temporary table, so no table is created, COPYed into or analysed. What one statement computed
// and a later one reads (the observations, the locked profiles, the late rows) travels back as
// JSON and returns through jsonb_to_recordset, unchanged.

function withRelations(relations: string[], statement: string): string {
  const body = statement.trim();
  const head = `WITH ${relations.join(',\n')}`;
  return body.startsWith('WITH ') ? `${head},\n${body.slice(5)}` : `${head}\n${body}`;
}

// The staged rows as parameter arrays $first … $first+7, in STAGE_COLUMNS order.
const stage = (first: number) => {
  const types = ['int', 'text', 'text', 'int', 'int', 'jsonb', 'timestamptz', 'jsonb'];
  const arrays = types.map((type, i) => `$${first + i}::${type}[]`).join(', ');
  return `tb_stage AS (SELECT * FROM unnest(${arrays})
    AS s(idx, id_type, id_value, trait_id, def_version, value, observed_at, source_ref))`;
};

const OBS_COLUMNS = `profile_id uuid, trait_id int, def_version int, value jsonb,
  observed_at timestamptz, id_type text, id_value text, idx int, source_ref jsonb`;
const PROF_COLUMNS = 'id uuid, next_revision bigint';
const LATE_COLUMNS = `${OBS_COLUMNS}, cur_value jsonb, cur_rev bigint, cur_from timestamptz,
  has_cur boolean, fresh boolean`;

const fromJson = (name: string, param: number, columns: string) =>
  `${name} AS (SELECT * FROM jsonb_to_recordset($${param}::jsonb) AS x(${columns}))`;

export const STAGE_ARRAYS = 8;

// $1 source_kind, $2… the staged rows.
export const CREATE_MISSING_PROFILES = withRelations([stage(2)], SQL.CREATE_MISSING_PROFILES);

// $1… the staged rows. The observations left and the locked profiles (null when none are left).
export const OBSERVE_AND_LOCK = withRelations(
  [stage(1), `tb_obs AS (${SQL.OBSERVATIONS})`, `tb_prof AS (${SQL.PROFILES_LOCKED})`],
  `SELECT (SELECT json_agg(o) FROM tb_obs o)::text AS obs,
          (SELECT json_agg(p) FROM tb_prof p)::text AS prof`,
);

// $1 the observations.
export const IDENTITY_MOVED_WHILE_LOCKING = withRelations(
  [fromJson('tb_obs', 1, OBS_COLUMNS)],
  SQL.IDENTITY_MOVED_WHILE_LOCKING,
);

// CLASSIFY … CONFIRM_UNCHANGED, CREATE_LATE and BUMP_PROFILES for the profiles these revisions
// touched, in one statement that also returns its feed rows (announced after the commit): their
// writes touch disjoint rows, and the late passes, which read the revisions written here, run
// after it as in the bulk path. A bump sets the revision drawn at lock time, so the profiles the
// late passes touch are bumped afterwards, again harmlessly.
// $1 source_kind, $2 source_ref, $3 run_id, $4 the observations, $5 the locked profiles.
export const WRITE_FRESH = withRelations(
  [
    fromJson('tb_obs', 4, OBS_COLUMNS),
    fromJson('tb_prof', 5, PROF_COLUMNS),
    `tb_cls AS (${SQL.CLASSIFIED})`,
    `tb_chg AS (${SQL.CHANGES})`,
    SQL.FRESH_WRITES_RETURNING_FEED,
    `upserted AS (${SQL.UPSERT_CURRENT})`,
    `confirmed AS (${SQL.CONFIRM_UNCHANGED})`,
    `tb_late AS (${SQL.LATE})`,
    'tb_touched AS (SELECT DISTINCT profile_id FROM ins)',
    `bumped AS (${SQL.BUMP_PROFILES})`,
  ],
  `SELECT (SELECT count(*) FROM tb_chg)::int AS revisions,
          coalesce((SELECT json_agg(b) FROM bumped b), '[]') AS bumped,
          (SELECT json_agg(l) FROM tb_late l)::text AS late,
          (SELECT json_agg(f ORDER BY f.position) FROM fed f) AS fed`,
);

// One pass over the late rows left ($5; null when none are): its decisions, the profiles it
// touched and the late rows left for the next pass.
// $1 source_kind, $2 source_ref, $3 run_id, $4 the locked profiles, $5 the late rows.
export const WRITE_LATE_PASS = withRelations(
  [
    fromJson('tb_prof', 4, PROF_COLUMNS),
    fromJson('tb_late', 5, LATE_COLUMNS),
    `pick AS (${SQL.firstLate('*')})`,
    SQL.LATE_PASS,
  ],
  `SELECT coalesce((SELECT json_agg(json_build_object('idx', idx, 'action', action)) FROM dec), '[]')
            AS decided,
          ARRAY(SELECT DISTINCT profile_id FROM ins)::text[] AS touched,
          (SELECT json_agg(l) FROM tb_late l
           WHERE NOT EXISTS (SELECT 1 FROM pick p WHERE p.profile_id = l.profile_id
                               AND p.trait_id = l.trait_id AND p.observed_at = l.observed_at))::text
            AS remaining`,
);

// $1 the locked profiles, $2 the touched profile ids.
export const BUMP_PROFILES = withRelations(
  [fromJson('tb_prof', 1, PROF_COLUMNS), 'tb_touched AS (SELECT unnest($2::uuid[]) AS profile_id)'],
  SQL.BUMP_PROFILES,
);
