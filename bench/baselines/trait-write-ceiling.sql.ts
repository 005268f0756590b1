// Hand-written set-based SQL doing the logical work of a trait write over the product's own tables
// (same migrations): COPY → staging → new identities/profiles → append revisions, close the previous
// ones, upsert current values, bump profile revisions. It is the honest limit for this work: no
// validation, no late-observation timeline, at most one observation per (profile, trait) per batch
// (the dataset guarantees it), and only the profiles that change are locked.

export const CREATE_STAGE = `
CREATE TEMP TABLE cs (
  id_type text, id_value text, trait_id int, def_version int, value jsonb, observed_at timestamptz
) ON COMMIT DROP`;

export const COPY_STAGE = 'COPY cs FROM STDIN';

// Without statistics the planner guesses the staging table's size and, as the target tables grow,
// switches to sorting or hashing all of identity for every batch.
export const ANALYZE_STAGE = 'ANALYZE cs (id_type, id_value)';

// $1 source_kind
export const CREATE_PROFILES = `
WITH ids AS (SELECT DISTINCT id_type, id_value FROM cs),
missing AS (
  SELECT ids.id_type, ids.id_value FROM ids
  WHERE NOT EXISTS (SELECT 1 FROM identity i WHERE i.type = ids.id_type AND i.value = ids.id_value)
),
ins AS (
  INSERT INTO identity (type, value, profile_id, source_kind)
  SELECT id_type, id_value, gen_random_uuid(), $1 FROM missing
  ON CONFLICT DO NOTHING
  RETURNING profile_id
)
INSERT INTO profile (id) SELECT profile_id FROM ins`;

// Every staged row with its profile and current value, classified once.
export const CREATE_JOINED = `
CREATE TEMP TABLE cj ON COMMIT DROP AS
SELECT i.profile_id, s.*, tv.revision_id AS cur_rev,
       (tv.profile_id IS NULL OR s.observed_at > tv.last_observed_at) AS fresh,
       (tv.profile_id IS NULL OR s.value IS DISTINCT FROM tv.value) AS differs
FROM cs s
JOIN identity i ON i.type = s.id_type AND i.value = s.id_value
LEFT JOIN trait_value tv ON tv.profile_id = i.profile_id AND tv.trait_id = s.trait_id`;

export const CREATE_BUMPED = 'CREATE TEMP TABLE cp (id uuid, revision bigint) ON COMMIT DROP';

export const BUMP_PROFILES = `
WITH b AS (
  UPDATE profile p SET revision = p.revision + 1, updated_at = now()
  WHERE p.id IN (SELECT profile_id FROM cj WHERE fresh AND differs)
  RETURNING p.id, p.revision
)
INSERT INTO cp SELECT id, revision FROM b`;

// $1 source_kind, $2 source_ref, $3 run_id
export const WRITE_CHANGES = `
WITH ins AS (
  INSERT INTO trait_revision (profile_id, trait_id, value, valid_from, definition_version, source_kind,
                              source_ref, run_id, identity_type, identity_value, profile_revision)
  SELECT c.profile_id, c.trait_id, c.value, c.observed_at, c.def_version, $1, $2::jsonb, $3,
         c.id_type, c.id_value, p.revision
  FROM cj c JOIN cp p ON p.id = c.profile_id
  WHERE c.fresh AND c.differs
  RETURNING profile_id, trait_id, id, value, valid_from
),
closed AS (
  UPDATE trait_revision r SET valid_to = c.observed_at
  FROM cj c
  WHERE c.fresh AND c.differs AND c.cur_rev IS NOT NULL AND r.profile_id = c.profile_id AND r.id = c.cur_rev
)
INSERT INTO trait_value (profile_id, trait_id, value, valid_from, last_observed_at, revision_id)
SELECT profile_id, trait_id, value, valid_from, valid_from, id FROM ins
ON CONFLICT (profile_id, trait_id) DO UPDATE
SET value = EXCLUDED.value, valid_from = EXCLUDED.valid_from,
    last_observed_at = EXCLUDED.last_observed_at, revision_id = EXCLUDED.revision_id`;

// A newer observation of the same value only moves last_observed_at.
export const CONFIRM_UNCHANGED = `
UPDATE trait_value tv SET last_observed_at = c.observed_at
FROM cj c
WHERE c.fresh AND NOT c.differs AND tv.profile_id = c.profile_id AND tv.trait_id = c.trait_id`;
