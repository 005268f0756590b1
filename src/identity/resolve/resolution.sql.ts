import { recordedSummary, recordingCte } from '../../feed/feed.sql';

// Set-based SQL of identity resolution (ResolutionRunner, applyPlan): a handful of statements per
// transaction whatever the batch size — lock, read, (move and rebuild when merging), apply.

// Where the batch's identities are ('i', with when each was last seen, epoch ms), the per-type
// counts of the profiles they are on ('c') and those profiles' revisions ('r'), in one snapshot.
// $1 the identities, a json array of {type, value}
const STATE_CTES = `
ids AS MATERIALIZED (
  SELECT i.type, i.value, i.profile_id, i.last_seen_at FROM identity i
  JOIN json_to_recordset($1::json) AS u(type text, value text) ON i.type = u.type AND i.value = u.value
),
profiles AS MATERIALIZED (SELECT DISTINCT profile_id AS id FROM ids)`;
const STATE_ROWS = `
SELECT 'i' AS kind, type, value, profile_id::text AS profile_id, NULL::int AS n,
       (extract(epoch FROM last_seen_at) * 1000)::float8 AS seen_ms
FROM ids
UNION ALL
SELECT 'c', c.type, NULL, p.id::text, c.n, NULL
FROM profiles p CROSS JOIN LATERAL (
  SELECT type, count(*)::int AS n FROM identity WHERE profile_id = p.id GROUP BY type
) c
UNION ALL
SELECT 'r', NULL, pr.revision::text, pr.id::text, NULL, NULL FROM profile pr JOIN profiles p ON pr.id = p.id`;

// The state, read again once the profiles are held (a revision moved between read and lock).
export const READ_STATE = `WITH ${STATE_CTES}${STATE_ROWS}`;

// The state, then the profiles it found locked in id order with their revisions as locked ('l':
// the newest committed, where the 'r' rows are the statement's snapshot — equal when nothing
// moved in between); then one replay position per observation ('s', one row: ascending,
// comma-separated), drawn once the locks are held so positions follow the order changes really
// commit in. $1 the identities, a json array of {type, value}; $2 observations
export const READ_AND_LOCK = `WITH ${STATE_CTES},
locked AS MATERIALIZED (
  SELECT id, revision FROM profile WHERE id IN (SELECT id FROM profiles) ORDER BY id FOR UPDATE
)${STATE_ROWS}
UNION ALL
SELECT 'l', NULL, revision::text, id::text, NULL, NULL FROM locked
UNION ALL
SELECT 's', NULL, string_agg(s::text, ',' ORDER BY s), NULL, NULL, NULL
FROM (SELECT nextval('identity_replay_seq') AS s FROM generate_series(1, $2::int)
      WHERE (SELECT count(*) FROM locked) >= 0) AS positions`;

// last_seen_at is kept to the minute: a sighting within it of the recorded one writes nothing.
export const SIGHTING_RESOLUTION_MS = 60_000;

// Everything else a batch writes, in one statement (json recordsets, one per table):
// $1 new profiles, $2 new identities, $3 sightings of known identities (last_seen_at is kept to the
// minute: a sighting within a minute of the recorded one writes nothing), $4 revisions (and merged_into)
// of existing profiles, $5 new links, $6 violations, $7 merge log entries, $8 the batch's changes
// for the feed (recordsJson).
// Returns how many identities were inserted — fewer than sent means a concurrent writer created
// one — and what was recorded on the feed (recordedSummary).
export const APPLY = `
WITH new_profiles AS (
  INSERT INTO profile (id, revision, merged_into)
  SELECT x.id, x.revision, x.merged_into
  FROM json_to_recordset($1::json) AS x(id uuid, revision bigint, merged_into uuid)
),
new_identities AS (
  INSERT INTO identity (type, value, profile_id, source_kind, first_seen_at, last_seen_at, seq)
  SELECT x.type, x.value, x.profile_id, x.source_kind, x.first_seen_at, x.last_seen_at, x.seq
  FROM json_to_recordset($2::json)
       AS x(type text, value text, profile_id uuid, source_kind text, first_seen_at timestamptz,
            last_seen_at timestamptz, seq bigint)
  ON CONFLICT DO NOTHING
  RETURNING 1
),
sightings AS (
  UPDATE identity i SET last_seen_at = x.at
  FROM json_to_recordset($3::json) AS x(type text, value text, at timestamptz)
  WHERE i.type = x.type AND i.value = x.value AND i.last_seen_at < x.at - interval '${SIGHTING_RESOLUTION_MS} milliseconds'
),
revised AS (
  UPDATE profile p SET revision = x.revision, merged_into = coalesce(x.merged_into, p.merged_into), updated_at = now()
  FROM json_to_recordset($4::json) AS x(id uuid, revision bigint, merged_into uuid)
  WHERE p.id = x.id
),
links AS (
  INSERT INTO identity_link (hash, size, forced, cause_kind, cause_ref, first_seen_at, position, member_types, member_values)
  SELECT x.hash, cardinality(x.member_types), x.forced, x.cause_kind, x.cause_ref, x.first_seen_at, x.position,
         x.member_types, x.member_values
  FROM json_to_recordset($5::json)
       AS x(hash text, forced boolean, cause_kind text, cause_ref text, first_seen_at timestamptz, position bigint,
            member_types text[], member_values text[])
  ON CONFLICT (hash) WHERE retired_at IS NULL DO NOTHING
),
violations AS (
  INSERT INTO identity_violation (kind, identity_type, identity_value, profile_id, target_profile_id, limit_type,
                                  limit_value, would_be, cause_kind, cause_ref, occurrences, first_seen_at, last_seen_at)
  SELECT x.kind, x.identity_type, x.identity_value, x.profile_id, x.target_profile_id, x.limit_type, x.limit_value,
         x.would_be, x.cause_kind, x.cause_ref, x.occurrences, x.first_seen_at, x.last_seen_at
  FROM json_to_recordset($6::json)
       AS x(kind text, identity_type text, identity_value text, profile_id uuid, target_profile_id uuid, limit_type text,
            limit_value int, would_be int, cause_kind text, cause_ref text, occurrences int, first_seen_at timestamptz,
            last_seen_at timestamptz)
  ON CONFLICT (identity_type, identity_value, target_profile_id, limit_type) DO UPDATE
  SET kind = EXCLUDED.kind, profile_id = EXCLUDED.profile_id, limit_value = EXCLUDED.limit_value,
      would_be = EXCLUDED.would_be, cause_kind = EXCLUDED.cause_kind, cause_ref = EXCLUDED.cause_ref,
      occurrences = identity_violation.occurrences + EXCLUDED.occurrences,
      last_seen_at = greatest(identity_violation.last_seen_at, EXCLUDED.last_seen_at)
),
merge_log AS (
  INSERT INTO profile_merge (kind, from_profile_id, into_profile_id, identities, cause_kind, cause_ref, rule, at,
                             recorded_at)
  SELECT x.kind, x.from_profile_id, x.into_profile_id, x.identities, x.cause_kind, x.cause_ref, x.rule, x.at,
         x.recorded_at
  FROM json_to_recordset($7::json)
       AS x(kind text, from_profile_id uuid, into_profile_id uuid, identities jsonb, cause_kind text, cause_ref text,
            rule text, at timestamptz, recorded_at timestamptz)
),
${recordingCte('fed', '$8')}
SELECT (SELECT count(*) FROM new_identities)::int AS inserted, ${recordedSummary('fed')}`;

// The merge log of an unmerge. $1 kinds, $2 from, $3 into, $4 identities, $5 cause kinds,
// $6 cause refs, $7 rules, $8 at, $9 when the moves were recorded
export const INSERT_MERGE_LOG = `
INSERT INTO profile_merge (kind, from_profile_id, into_profile_id, identities, cause_kind, cause_ref, rule, at,
                           recorded_at)
SELECT u.*, $9::timestamptz
FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::jsonb[], $5::text[], $6::text[], $7::text[], $8::timestamptz[]) AS u`;
