import { usText } from '../common/paging/keyset';

export const REVISION_COLUMNS = `r.profile_id, r.trait_id, r.value, r.valid_from, r.valid_to, r.definition_version,
  r.source_kind, r.source_ref, r.run_id, r.ingested_at, r.identity_type, r.identity_value, r.profile_revision`;

// Current values with the provenance of the revision that set them.
export const CURRENT_VALUES = `
SELECT ${REVISION_COLUMNS}, tv.last_observed_at
FROM trait_value tv JOIN trait_revision r ON r.profile_id = tv.profile_id AND r.id = tv.revision_id
WHERE tv.profile_id = ANY($1::uuid[])`;

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
