import { usText } from '../../common/paging/keyset';
import { REVISION_COLUMNS } from '../trait-read.sql';

// Bitemporal reads of trait revisions (TraitTimeline, docs/time-travel.md). A profile as of a
// past instant is the identities it had then; its values are the revisions that arrived through
// them. Every revision lives on the profile its identity is on now (merges and unmerges move them
// together), so the revisions of an identity are found on that profile by the identity columns.
// Only facts that never change are read: value, valid_from, ingested_at, id, and whether a
// revision is a zero-length marker (fixed when it is written). valid_to is today's view and is
// recomputed as known at the instant asked.

// $1 member types, $2 member values: each with the profile it is on now.
const MEMBERS = `m AS MATERIALIZED (
  SELECT i.profile_id, i.type, i.value FROM unnest($1::text[], $2::text[]) AS u(type, value)
  JOIN identity i ON i.type = u.type AND i.value = u.value)`;

const OF_MEMBERS = (r: string) => `${r}.profile_id IN (SELECT profile_id FROM m)
  AND (${r}.identity_type, ${r}.identity_value) IN (SELECT type, value FROM m)`;

// Not a zero-length marker (a late observation a later confirmation contradicted): never served.
const LIVE = (r: string) => `${r}.valid_to IS DISTINCT FROM ${r}.valid_from`;

const ROW = `${REVISION_COLUMNS}, r.valid_from AS last_observed_at, r.id::text AS revision_id`;

// Per trait, the latest revision valid at $3 among those recorded by $4.
export const VALUES_AT = `
WITH ${MEMBERS}
SELECT DISTINCT ON (r.trait_id) ${ROW}
FROM trait_revision r
WHERE ${OF_MEMBERS('r')} AND r.valid_from <= $3 AND r.ingested_at <= $4 AND ${LIVE('r')}
ORDER BY r.trait_id, r.valid_from DESC, r.id DESC`;

// The profile revision recorded with the latest of those revisions.
export const REVISION_AT = `
WITH ${MEMBERS}
SELECT max(r.profile_revision)::text AS revision
FROM trait_revision r
WHERE ${OF_MEMBERS('r')} AND r.valid_from <= $3 AND r.ingested_at <= $4`;

// One trait's revisions valid from $4 or earlier, recorded by $5, newest first after the cursor
// ($7 valid_from, $8 id), $6 at most; each ends where the next live one known by $5 starts.
// $3 trait id
export const HISTORY_AT = `
WITH ${MEMBERS}
SELECT ${ROW}, ${usText('r.valid_from')} AS sort_at,
  CASE WHEN NOT (${LIVE('r')}) THEN r.valid_from ELSE (
    SELECT n.valid_from FROM trait_revision n
    WHERE ${OF_MEMBERS('n')} AND n.trait_id = r.trait_id AND n.valid_from > r.valid_from
      AND n.ingested_at <= $5 AND ${LIVE('n')}
    ORDER BY n.valid_from LIMIT 1) END AS valid_to_known
FROM trait_revision r
WHERE ${OF_MEMBERS('r')} AND r.trait_id = $3 AND r.valid_from <= $4 AND r.ingested_at <= $5
  AND ($7::timestamptz IS NULL OR (r.valid_from, r.id) < ($7::timestamptz, $8::bigint))
ORDER BY r.valid_from DESC, r.id DESC
LIMIT $6`;

// Changes of the served values valid in ($3, $4] as known at $10, of the traits $5, each with the
// value before it (as known at $10); newest first after a keyset cursor: $6 at, $7 mode
// (le | lt | key), $8 id; $9 at most.
export const CHANGES_IN = `
WITH ${MEMBERS}
SELECT ${ROW}, ${usText('r.valid_from')} AS sort_at, b.value AS before_value, b.found AS had_before
FROM trait_revision r
LEFT JOIN LATERAL (
  SELECT p.value, true AS found FROM trait_revision p
  WHERE ${OF_MEMBERS('p')} AND p.trait_id = r.trait_id AND p.ingested_at <= $10 AND ${LIVE('p')}
    AND (p.valid_from, p.id) < (r.valid_from, r.id)
  ORDER BY p.valid_from DESC, p.id DESC LIMIT 1) b ON true
WHERE ${OF_MEMBERS('r')} AND r.trait_id = ANY($5::int[]) AND r.valid_from > $3 AND r.valid_from <= $4
  AND r.ingested_at <= $10 AND ${LIVE('r')}
  AND ($6::timestamptz IS NULL OR r.valid_from < $6
       OR (r.valid_from = $6 AND ($7 = 'le' OR ($7 = 'key' AND r.id < $8::bigint))))
ORDER BY r.valid_from DESC, r.id DESC
LIMIT $9`;

// Later corrections: revisions of the traits $4 recorded after $8 that were valid at $3 — each
// the value in force at $3 as known when it arrived — oldest arrival first after the cursor
// ($5 ingested_at, $6 id), $7 at most.
export const CORRECTIONS_AT = `
WITH ${MEMBERS}
SELECT ${ROW}, ${usText('r.ingested_at')} AS sort_at
FROM trait_revision r
WHERE ${OF_MEMBERS('r')} AND r.trait_id = ANY($4::int[]) AND r.ingested_at > $8 AND r.valid_from <= $3
  AND ${LIVE('r')}
  AND NOT EXISTS (
    SELECT 1 FROM trait_revision n
    WHERE ${OF_MEMBERS('n')} AND n.trait_id = r.trait_id AND ${LIVE('n')} AND n.ingested_at <= r.ingested_at
      AND n.valid_from <= $3 AND (n.valid_from, n.id) > (r.valid_from, r.id))
  AND ($5::timestamptz IS NULL OR (r.ingested_at, r.id) > ($5::timestamptz, $6::bigint))
ORDER BY r.ingested_at, r.id
LIMIT $7`;
