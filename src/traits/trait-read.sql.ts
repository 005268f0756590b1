import { usText } from '../common/paging/keyset';

export const REVISION_COLUMNS = `r.profile_id, r.trait_id, r.value, r.valid_from, r.valid_to, r.definition_version,
  r.source_kind, r.source_ref, r.run_id, r.ingested_at, r.identity_type, r.identity_value, r.profile_revision`;

// Current values with the provenance of the revision that set them.
export const CURRENT_VALUES = `
SELECT ${REVISION_COLUMNS}, tv.last_observed_at
FROM trait_value tv JOIN trait_revision r ON r.profile_id = tv.profile_id AND r.id = tv.revision_id
WHERE tv.profile_id = ANY($1::uuid[])`;

// Today's profile of one identity ($1 type, $2 value) with its current values, in one statement:
// a row per value (one row with null value columns when it has none); no row when no profile has
// the identity.
export const CURRENT_PROFILE = `
SELECT p.id AS current_profile_id, p.revision AS current_revision, ${REVISION_COLUMNS}, tv.last_observed_at
FROM identity i
JOIN profile p ON p.id = i.profile_id
LEFT JOIN trait_value tv ON tv.profile_id = p.id
LEFT JOIN trait_revision r ON r.profile_id = tv.profile_id AND r.id = tv.revision_id
WHERE i.type = $1 AND i.value = $2`;

// One trait's revisions on a profile, newest first, $3 at most, after a cursor: $4 valid_from,
// $5 id of the last revision of the previous page.
export const HISTORY = `
SELECT ${REVISION_COLUMNS}, r.valid_from AS last_observed_at, r.id::text AS revision_id,
       ${usText('r.valid_from')} AS sort_at
FROM trait_revision r
WHERE r.profile_id = $1 AND r.trait_id = $2
  AND ($4::timestamptz IS NULL OR (r.valid_from, r.id) < ($4::timestamptz, $5::bigint))
ORDER BY r.valid_from DESC, r.id DESC
LIMIT $3`;

// Values in force at $2 on today's timelines of these profiles (the revision whose
// [valid_from, valid_to) contains it): what audience previews as of a past time evaluate against.
// A read of the past as it was served is TraitTimeline's (docs/time-travel.md).
export const VALUES_IN_FORCE = `
SELECT DISTINCT ON (r.profile_id, r.trait_id) ${REVISION_COLUMNS}, r.valid_from AS last_observed_at
FROM trait_revision r
WHERE r.profile_id = ANY($1::uuid[]) AND r.valid_from <= $2 AND (r.valid_to IS NULL OR r.valid_to > $2)
ORDER BY r.profile_id, r.trait_id, r.valid_from DESC, r.id DESC`;
