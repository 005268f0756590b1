// SQL of an unmerge (UnmergeService).

// The links an identity is in are found by its value (GIN on member_values, a candidate filter)
// and then by type and value together: the same value may be another type's.
const HOLDS = (type: string, value: string) =>
  `EXISTS (SELECT 1 FROM unnest(l.member_types, l.member_values) AS h(type, value) WHERE h.type = ${type} AND h.value = ${value})`;

// The scope: every identity reachable from the profile of $1:$2 through profiles and active links
// (refused links too: the limits that refused them depend on them), with its profile. Each step is
// a LATERAL lookup (OFFSET 0 keeps it one): index probes per identity, where a join of the
// recursive scope, whose size the planner cannot know, would get the identity table hashed whole.
export const SCOPE_OF_IDENTITY = `
WITH RECURSIVE scope(type, value) AS (
  SELECT i.type, i.value FROM identity i
  WHERE i.profile_id = (SELECT profile_id FROM identity WHERE type = $1 AND value = $2)
  UNION
  SELECT i2.type, i2.value
  FROM scope s
  CROSS JOIN LATERAL (
    SELECT l.member_types, l.member_values FROM identity_link l
    WHERE l.member_values @> ARRAY[s.value] AND l.retired_at IS NULL AND ${HOLDS('s.type', 's.value')}
    OFFSET 0) l
  CROSS JOIN LATERAL unnest(l.member_types, l.member_values) AS m(type, value)
  CROSS JOIN LATERAL (
    SELECT i1.profile_id FROM identity i1 WHERE i1.type = m.type AND i1.value = m.value OFFSET 0) i1
  CROSS JOIN LATERAL (
    SELECT i2.type, i2.value FROM identity i2 WHERE i2.profile_id = i1.profile_id OFFSET 0) i2
)
SELECT s.type, s.value, i.profile_id, i.seq::text AS seq
FROM scope s
CROSS JOIN LATERAL (
  SELECT i.profile_id, i.seq FROM identity i WHERE i.type = s.type AND i.value = s.value OFFSET 0) i
ORDER BY s.type, s.value`;

// $1 profile ids
export const LOCK_PROFILES = `
SELECT id, created_at, revision::text AS revision FROM profile WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`;

// Active links with a member among the identities ($1 types, $2 values), in replay order.
export const LINKS_OF = `
SELECT l.id::text, l.position::text AS position, l.forced, l.member_types AS types, l.member_values AS values
FROM identity_link l
WHERE l.retired_at IS NULL AND l.member_values && $2::text[]
  AND EXISTS (SELECT 1 FROM unnest(l.member_types, l.member_values) AS m(type, value)
              JOIN unnest($1::text[], $2::text[]) AS u(t, v) ON m.type = u.t AND m.value = u.v)
ORDER BY l.position, l.id`;

// Moves the identities and records each move (identity_move), stamped with the statement's start
// (the scope is locked by then); returns the stamp, as text to keep its microseconds, for the
// merge log. $1 types, $2 values, $3 profile ids
export const MOVE_IDENTITIES = `
WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[]) AS u(t, v, p)),
old AS (
  SELECT i.type, i.value, i.profile_id AS from_id, u.p AS to_id
  FROM identity i JOIN u ON i.type = u.t AND i.value = u.v WHERE i.profile_id <> u.p
),
moved AS (
  UPDATE identity i SET profile_id = old.to_id FROM old WHERE i.type = old.type AND i.value = old.value
),
dated AS (
  INSERT INTO identity_move (type, value, from_profile_id, to_profile_id, recorded_at)
  SELECT type, value, from_id, to_id, statement_timestamp() FROM old
)
SELECT statement_timestamp()::text AS recorded_at`;

// $1 ids, $2 revision
export const INSERT_PROFILES =
  'INSERT INTO profile (id, revision) SELECT unnest($1::uuid[]), $2::bigint';

// $1 ids, $2 revision
export const SET_REVISION = `
UPDATE profile SET revision = $2::bigint, updated_at = now() WHERE id = ANY($1::uuid[])`;

// $1 dissolved profile ids, $2 the profile each now redirects to
export const MARK_DISSOLVED = `
UPDATE profile p SET merged_into = m.into_id, updated_at = now()
FROM unnest($1::uuid[], $2::uuid[]) AS m(from_id, into_id)
WHERE p.id = m.from_id`;

// Retires every active link holding $1:$2 and returns them.
export const RETIRE_LINKS_OF = `
UPDATE identity_link l SET retired_at = now()
WHERE l.retired_at IS NULL AND l.member_values @> ARRAY[$2::text] AND ${HOLDS('$1', '$2')}
RETURNING l.position::text AS position, l.forced, l.cause_kind, l.cause_ref, l.first_seen_at,
          l.member_types AS types, l.member_values AS values`;

// The rest of a retired link keeps its place in the replay order (the earliest when the same set
// is already linked). $1 hashes, $2 positions, $3 forced, $4 cause kinds, $5 cause refs,
// $6 first seen, $7 member types, $8 member values (each a sorted array literal)
export const RELINK_REST = `
INSERT INTO identity_link (hash, position, size, forced, cause_kind, cause_ref, first_seen_at, member_types, member_values)
VALUES ($1, $2, cardinality($7::text[]), $3, $4, $5, $6, $7::text[], $8::text[])
ON CONFLICT (hash) WHERE retired_at IS NULL DO UPDATE SET position = least(identity_link.position, EXCLUDED.position)`;
