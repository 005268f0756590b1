// Set-based SQL of durable acceptance. One statement: the accepted messages into the inbox
// (a retried messageId of the same source is skipped), each new one onto its shard's queue
// (event_inbox_pending), and the rejected ones into the invalid-events log, committed together.
// Returns how many new rows each shard got.
export const WRITE_INBOX = `
WITH ins AS (
  INSERT INTO event_inbox (source_id, message_id, shard, type, event, payload, received_at, schema_version)
  SELECT * FROM unnest($1::text[], $2::text[], $3::int2[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::text[])
  ON CONFLICT (source_id, message_id) DO NOTHING
  RETURNING shard, id
), pending AS (
  INSERT INTO event_inbox_pending (shard, id) SELECT shard, id FROM ins
), inv AS (
  INSERT INTO invalid_event (received_at, source_id, source_name, type, event, message_id, schema_version, reasons, payload)
  SELECT * FROM unnest($9::timestamptz[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::jsonb[], $17::jsonb[])
  RETURNING 1
)
SELECT shard, count(*)::int AS n FROM ins GROUP BY shard`;
