export const DUE = `
SELECT id, profile_id AS "profileId", delivery_id AS "deliveryId", payload, payload_hash AS "payloadHash",
  next_attempt_at AS "nextAttemptAt"
FROM destination_outbox WHERE destination_id = $1 AND status = 'pending' ORDER BY id LIMIT $2`;

export const LAST_SENT = `
SELECT profile_id AS "profileId", payload_hash AS "payloadHash"
FROM destination_last_sent WHERE destination_id = $1 AND profile_id = ANY($2::uuid[])`;

export const SKIP = `
UPDATE destination_outbox SET status = 'skipped', done_at = now() WHERE id = ANY($1::bigint[]) AND status = 'pending'`;

// Delivered: marked, remembered as the last payload per profile, and entered in the ledger, in
// one statement.
export const DELIVERED = `
WITH done AS (
  UPDATE destination_outbox SET status = 'delivered', done_at = now(), attempts = attempts + 1, error = NULL
  WHERE id = ANY($1::bigint[]) AND status = 'pending'
  RETURNING id, destination_id, profile_id, delivery_id, reason, subject, payload, clear_pii, payload_hash
), last AS (
  INSERT INTO destination_last_sent (destination_id, profile_id, payload_hash, sent_at)
  SELECT DISTINCT ON (profile_id) destination_id, profile_id, payload_hash, now() FROM done
  ORDER BY profile_id, id DESC
  ON CONFLICT (destination_id, profile_id)
  DO UPDATE SET payload_hash = excluded.payload_hash, sent_at = excluded.sent_at
)
INSERT INTO data_flow_ledger
  (destination_id, destination_slug, profile_id, delivery_id, reason, subject, fields, clear_pii, run_id, response_status)
SELECT destination_id, $2, profile_id, delivery_id, reason, subject, payload->'fields', clear_pii, $3, $4
FROM done`;

// A failed attempt: retried after the delay, or dead-lettered with the reason once attempts are
// used up (or at once when retrying cannot help).
export const FAILED = `
UPDATE destination_outbox SET attempts = attempts + 1, error = $2,
  status = CASE WHEN attempts + 1 >= $3 OR NOT $5 THEN 'dead' ELSE 'pending' END,
  done_at = CASE WHEN attempts + 1 >= $3 OR NOT $5 THEN now() END,
  next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
WHERE id = ANY($1::bigint[]) AND status = 'pending'
RETURNING status`;

export const THROTTLED = `
UPDATE destination_outbox SET error = $2, next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
WHERE id = ANY($1::bigint[]) AND status = 'pending'`;
