import { usText } from '../../common/paging/keyset';

// SQL of dated identity membership (IdentityHistory, docs/time-travel.md). An identity is on its
// first profile from -infinity (valid time) and known from identity.recorded_at (NULL: recorded
// before this was kept, known since always); each identity_move takes effect when it was recorded.

const KNOWN = (i: string, knownAt: string) =>
  `coalesce(${i}.recorded_at, '-infinity') <= ${knownAt}`;

// The profile identity row `i` was on at `at`: where its latest move by then took it, else where
// its first move took it from, else where it is now (it never moved).
const PROFILE_AT = (i: string, at: string) => `coalesce(
  (SELECT m.to_profile_id FROM identity_move m WHERE m.type = ${i}.type AND m.value = ${i}.value
     AND m.recorded_at <= ${at} ORDER BY m.recorded_at DESC, m.id DESC LIMIT 1),
  (SELECT m.from_profile_id FROM identity_move m WHERE m.type = ${i}.type AND m.value = ${i}.value
     ORDER BY m.recorded_at, m.id LIMIT 1),
  ${i}.profile_id)`;

// $1 type, $2 value, $3 at (moves recorded by then), $4 knownAt
export const PROFILE_OF_IDENTITY_AT = `
SELECT ${PROFILE_AT('i', '$3')} AS profile_id
FROM identity i WHERE i.type = $1 AND i.value = $2 AND ${KNOWN('i', '$4')}`;

// Every identity ever on the profile is on it now or left it by a move from it; of those, the ones
// on it at $2 and known at $3, with when each joined it (its latest move by $2, else when it was
// recorded). $1 profile id
export const MEMBERS_AT = `
WITH candidates AS (
  SELECT type, value FROM identity WHERE profile_id = $1
  UNION
  SELECT type, value FROM identity_move WHERE from_profile_id = $1
)
SELECT i.type, i.value, i.source_kind, i.first_seen_at, j.moved_at IS NOT NULL AS moved,
       ${usText("coalesce(j.moved_at, i.recorded_at, '-infinity')")} AS joined_at
FROM candidates c
JOIN identity i ON i.type = c.type AND i.value = c.value
CROSS JOIN LATERAL (
  SELECT max(m.recorded_at) AS moved_at FROM identity_move m
  WHERE m.type = i.type AND m.value = i.value AND m.recorded_at <= $2) j
WHERE ${KNOWN('i', '$3')} AND ${PROFILE_AT('i', '$2')} = $1
ORDER BY i.type, i.value`;

// Named as ProfileMergeEntity's properties, so toMergeLogEntry reads them as it reads entities.
const MERGE_LOG_COLUMNS = `pm.id::text AS id, pm.kind, pm.from_profile_id AS "fromProfileId",
  pm.into_profile_id AS "intoProfileId", pm.identities, pm.cause_kind AS "causeKind", pm.cause_ref AS "causeRef",
  pm.rule, pm.at, pm.recorded_at AS "recordedAt"`;

// The merge-log entry of a move: a merge is found by the profile it merged away (merged once),
// an unmerge by its (from, into) pair; both by the stamp they share with their moves.
const ENTRY_OF_MOVE = (mv: string) => `
  SELECT ${MERGE_LOG_COLUMNS} FROM profile_merge pm
  WHERE pm.from_profile_id = ${mv}.from_profile_id AND pm.recorded_at = ${mv}.recorded_at
    AND (pm.kind = 'merge' OR pm.into_profile_id = ${mv}.to_profile_id)
  ORDER BY pm.id LIMIT 1`;

// For each identity ($1 types, $2 values), the merge or unmerge that brought it where it was at
// $3: the entry of its latest move by then (none: it was there from the start).
export const ARRIVALS = `
SELECT u.type AS identity_type, u.value AS identity_value, e.*
FROM unnest($1::text[], $2::text[]) AS u(type, value)
CROSS JOIN LATERAL (
  SELECT m.from_profile_id, m.to_profile_id, m.recorded_at FROM identity_move m
  WHERE m.type = u.type AND m.value = u.value AND m.recorded_at <= $3
  ORDER BY m.recorded_at DESC, m.id DESC LIMIT 1) mv
CROSS JOIN LATERAL (${ENTRY_OF_MOVE('mv')}) e`;

// Merges and unmerges recorded in ($4, $5] that moved an identity of the profile ($2 types,
// $3 values) or moved one off it ($1), newest first, after a keyset cursor: $6 at, $7 mode
// (le: every entry at $6; lt: none at $6; key: those at $6 with id < $8), $9 limit.
export const IDENTITY_CHANGES = `
WITH moves AS (
  SELECT m.from_profile_id, m.to_profile_id, m.recorded_at
  FROM unnest($2::text[], $3::text[]) AS u(type, value)
  JOIN identity_move m ON m.type = u.type AND m.value = u.value
  WHERE m.recorded_at > $4 AND m.recorded_at <= $5
  UNION
  SELECT m.from_profile_id, m.to_profile_id, m.recorded_at FROM identity_move m
  WHERE m.from_profile_id = $1 AND m.recorded_at > $4 AND m.recorded_at <= $5
),
entries AS (SELECT DISTINCT ON (e.id) e.* FROM moves mv CROSS JOIN LATERAL (${ENTRY_OF_MOVE('mv')}) e)
SELECT e.*, ${usText('e."recordedAt"')} AS sort_at FROM entries e
WHERE $6::timestamptz IS NULL OR e."recordedAt" < $6
   OR (e."recordedAt" = $6 AND ($7 = 'le' OR ($7 = 'key' AND e.id::bigint < $8::bigint)))
ORDER BY e."recordedAt" DESC, e.id::bigint DESC
LIMIT $9`;
