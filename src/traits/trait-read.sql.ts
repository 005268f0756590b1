const REVISION_COLUMNS = `r.profile_id, r.trait_id, r.value, r.valid_from, r.valid_to, r.definition_version,
  r.source_kind, r.source_ref, r.run_id, r.ingested_at, r.identity_type, r.identity_value, r.profile_revision`;

// Current values with the provenance of the revision that set them.
export const CURRENT_VALUES = `
SELECT ${REVISION_COLUMNS}, tv.last_observed_at
FROM trait_value tv JOIN trait_revision r ON r.profile_id = tv.profile_id AND r.id = tv.revision_id
WHERE tv.profile_id = ANY($1::uuid[])`;

// Values in force at $2: the revision whose [valid_from, valid_to) contains it.
export const VALUES_AS_OF = `
SELECT DISTINCT ON (r.profile_id, r.trait_id) ${REVISION_COLUMNS}, r.valid_from AS last_observed_at
FROM trait_revision r
WHERE r.profile_id = ANY($1::uuid[]) AND r.valid_from <= $2 AND (r.valid_to IS NULL OR r.valid_to > $2)
ORDER BY r.profile_id, r.trait_id, r.valid_from DESC, r.id DESC`;

export const HISTORY = `
SELECT ${REVISION_COLUMNS}, r.valid_from AS last_observed_at
FROM trait_revision r
WHERE r.profile_id = $1 AND r.trait_id = $2 AND ($3::timestamptz IS NULL OR r.valid_from <= $3)
ORDER BY r.valid_from DESC, r.id DESC
LIMIT $4`;

export const PROFILE_REVISION_AS_OF = `
SELECT max(profile_revision) AS revision FROM trait_revision WHERE profile_id = $1 AND valid_from <= $2`;
