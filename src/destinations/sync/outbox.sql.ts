// The outbox of destination syncs (docs/activation.md).

export const INSERT_DRAFTS = `
INSERT INTO destination_outbox
  (destination_id, profile_id, delivery_id, reason, subject, payload, clear_pii, payload_hash, feed_position)
SELECT r."destinationId", r."profileId", r."deliveryId", r.reason, r.subject, r.payload,
  ARRAY(SELECT jsonb_array_elements_text(r."clearPii")), r."payloadHash", r."feedPosition"
FROM jsonb_to_recordset($1::jsonb) AS r("destinationId" uuid, "profileId" uuid, "deliveryId" uuid,
  reason text, subject text, payload jsonb, "clearPii" jsonb, "payloadHash" text, "feedPosition" bigint)`;

export const ACTIVE_DESTINATIONS = `
SELECT id, slug, spec FROM destination WHERE archived_at IS NULL ORDER BY slug`;

export const TRAIT_META = `SELECT name, type, pii FROM trait_definition WHERE name = ANY($1::text[])`;

export const CURRENT_VALUES = `
SELECT tv.profile_id AS "profileId", td.name, tv.value
FROM trait_value tv JOIN trait_definition td ON td.id = tv.trait_id
WHERE tv.profile_id = ANY($1::uuid[]) AND td.name = ANY($2::text[])`;

export const IDENTITIES = `
SELECT DISTINCT ON (profile_id, type) profile_id AS "profileId", type, value
FROM identity WHERE profile_id = ANY($1::uuid[]) AND type = ANY($2::text[])
ORDER BY profile_id, type, last_seen_at DESC`;

// Members of an audience (or holders of any of some traits), a page at a time.
export const MEMBERS_PAGE = `
SELECT DISTINCT tv.profile_id AS "profileId"
FROM trait_value tv JOIN trait_definition td ON td.id = tv.trait_id
WHERE td.name = ANY($1::text[]) AND ($2::boolean IS FALSE OR tv.value = 'true'::jsonb)
  AND tv.profile_id > $3::uuid
ORDER BY 1 LIMIT $4`;
