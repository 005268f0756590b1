// Rebuilding the timelines of profiles whose revisions moved (merge, unmerge), in one statement.
// A zero-length revision (valid_to = valid_from) is a late observation contradicted by a later
// confirmation: it keeps its marker. Every other revision is valid until the next later valid_from
// in its (profile, trait) timeline; revisions observed at the same instant share their end, and the
// later-written one is the value in force (readers order by valid_from, id).
//
// The current value is the latest revision that is not a marker. When it was already the current
// value somewhere among $2 (either side of a merge), its last_observed_at is kept; otherwise the
// observation that made it is the latest one known. Current values of $2 left without a revision
// are deleted. Re-chaining never turns a revision into a marker, so `cur` may read the revisions
// as they were before `chain` (the CTEs share one snapshot).
// $1 profiles to rebuild, $2 every profile whose current values may point at moved revisions
export const REBUILD_TIMELINES = `
WITH chain AS (
  UPDATE trait_revision r SET valid_to = live.next_from
  FROM (
    SELECT profile_id, id, valid_to,
           min(valid_from) OVER (PARTITION BY profile_id, trait_id ORDER BY valid_from
                                 RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE GROUP) AS next_from
    FROM trait_revision
    WHERE profile_id = ANY($1::uuid[]) AND (valid_to IS NULL OR valid_to <> valid_from)
  ) live
  WHERE r.profile_id = live.profile_id AND r.id = live.id AND r.valid_to IS DISTINCT FROM live.next_from
),
cur AS (
  SELECT DISTINCT ON (profile_id, trait_id) profile_id, trait_id, id, value, valid_from
  FROM trait_revision
  WHERE profile_id = ANY($1::uuid[]) AND (valid_to IS NULL OR valid_to <> valid_from)
  ORDER BY profile_id, trait_id, valid_from DESC, id DESC
),
prev AS (SELECT revision_id, last_observed_at FROM trait_value WHERE profile_id = ANY($2::uuid[])),
upserted AS (
  INSERT INTO trait_value (profile_id, trait_id, value, valid_from, last_observed_at, revision_id)
  SELECT c.profile_id, c.trait_id, c.value, c.valid_from, coalesce(p.last_observed_at, c.valid_from), c.id
  FROM cur c LEFT JOIN prev p ON p.revision_id = c.id
  ON CONFLICT (profile_id, trait_id) DO UPDATE
  SET value = EXCLUDED.value, valid_from = EXCLUDED.valid_from,
      last_observed_at = EXCLUDED.last_observed_at, revision_id = EXCLUDED.revision_id
  WHERE trait_value.revision_id IS DISTINCT FROM EXCLUDED.revision_id
),
deleted AS (
  DELETE FROM trait_value tv
  WHERE tv.profile_id = ANY($2::uuid[])
    AND NOT EXISTS (SELECT 1 FROM cur c WHERE c.profile_id = tv.profile_id AND c.trait_id = tv.trait_id)
)
SELECT 1`;
