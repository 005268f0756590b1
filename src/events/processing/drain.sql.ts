import { FEED_SYSTEM_COLUMNS, FEED_SYSTEM_VALUES } from '../../feed/feed.sql';

// Set-based SQL of the shard workers. Messages are read in inbox order; what the workers store
// is built from the inbox rows in SQL, Node only adds what it resolved (profile, identity, time).

// $1 shard, $2 limit, $3 events feeding traits, $4 identity paths (identity.yaml): path_values[i]
// is the string or number at $4[i], else null; $5 the last id of the drain's previous batch (the
// lowest bigint for its first): the rows that batch took off the queue stay in the shard's index
// until vacuum, and starting after them skips stepping over them
export const FETCH_PENDING = `
SELECT id, source_id, message_id, type, event, received_at, schema_version,
       payload->>'userId' AS user_id, payload->>'anonymousId' AS anonymous_id,
       payload->>'timestamp' AS "timestamp", payload->>'originalTimestamp' AS original_timestamp,
       payload->>'sentAt' AS sent_at, payload->>'previousId' AS previous_id,
       CASE WHEN type = 'identify' THEN payload->'traits'
            WHEN type = 'track' AND event = ANY($3::text[]) THEN payload->'properties' END AS trait_source,
       ARRAY(SELECT CASE WHEN jsonb_typeof(payload #> string_to_array(p.path, '.')) IN ('string', 'number')
                         THEN payload #>> string_to_array(p.path, '.') END
             FROM unnest($4::text[]) WITH ORDINALITY AS p(path, n) ORDER BY p.n) AS path_values
FROM (SELECT id FROM event_inbox_pending WHERE shard = $1 AND id > $5 ORDER BY id LIMIT $2) q
JOIN event_inbox USING (id)
ORDER BY id`;

// The profile each identity is on now, one index probe per identity (a correlated subquery, so a
// batch never hashes the whole identity table). $1 types, $2 values
export const CURRENT_PROFILES = `
SELECT t.type, t.value,
       (SELECT i.profile_id FROM identity i WHERE i.type = t.type AND i.value = t.value) AS profile_id
FROM unnest($1::text[], $2::text[]) AS t(type, value)`;

// The batch's profiles, share-locked in id order before their events are recorded on the change
// feed: the trait write path locks them for update, so feed positions of one profile still
// increase in commit order (docs/change-feed.md). Their revisions are what the feed rows carry; a
// profile merged away since its identities were read says into which.
export const LOCK_PROFILES_SHARED = `
SELECT id, revision::text, merged_into FROM profile WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE`;

// Each event stored is also a change on the feed (kind 'event', name the event name), in the same
// statement, so incremental audience evaluation sees event history change. Re-runs insert nothing
// (ON CONFLICT) and so record nothing. The profile's revision is not bumped: no value changed.
// $1 inbox ids, $2 event times, $3 profile ids, $4 identity types, $5 identity values; $6 the
// batch's profiles and $7 their revisions (LOCK_PROFILES_SHARED)
export const INSERT_EVENTS = `
WITH ins AS (
  INSERT INTO events (timestamp, inbox_id, source_id, message_id, type, event, profile_id, identity_type,
                      identity_value, user_id, anonymous_id, group_id, previous_id, properties, context,
                      schema_version, received_at)
  SELECT x.ts, i.id, i.source_id, i.message_id, i.type, i.event, x.profile_id, x.id_type, x.id_value,
         i.payload->>'userId', i.payload->>'anonymousId', i.payload->>'groupId', i.payload->>'previousId',
         coalesce(CASE WHEN i.type IN ('identify', 'group') THEN i.payload->'traits' ELSE i.payload->'properties' END, '{}'),
         coalesce(i.payload->'context', '{}'), i.schema_version, i.received_at
  FROM unnest($1::bigint[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[])
       AS x(inbox_id, ts, profile_id, id_type, id_value)
  JOIN event_inbox i ON i.id = x.inbox_id
  ON CONFLICT DO NOTHING
  RETURNING profile_id, timestamp, inbox_id, type, event, message_id
),
fed AS (
  INSERT INTO change_feed (profile_id, revision, kind, name, before, after, provenance, ${FEED_SYSTEM_COLUMNS})
  SELECT f.profile_id, f.revision, 'event', f.event, NULL, f.after, f.provenance, ${FEED_SYSTEM_VALUES}
  FROM (
    SELECT ins.profile_id, p.revision, ins.event,
           jsonb_build_object('type', ins.type, 'timestamp', ins.timestamp) AS after,
           jsonb_build_object('sourceKind', 'event', 'sourceRef', jsonb_build_object('messageId', ins.message_id),
                              'runId', NULL, 'observedAt', ins.timestamp) AS provenance
    FROM ins JOIN unnest($6::uuid[], $7::bigint[]) AS p(id, revision) ON p.id = ins.profile_id
    ORDER BY ins.profile_id, ins.timestamp, ins.inbox_id
  ) f
  RETURNING 1
)
SELECT count(*)::int AS recorded FROM fed`;

// Applied messages leave their shard's queue; the inbox rows themselves are not touched.
// $1 shard, $2 inbox ids. A shard's queued rows are spread over every page of the table (the rows
// of all shards interleave in arrival order), and `shard = $1 AND id = ANY($2)` alone lets the
// planner, estimating the shard's whole backlog, scan all of it (bench/ingest: ~9 pages read per
// message deleted, 35 ms a batch). Bounded by the batch's own id range, any plan reads only the
// batch's rows; `id = ANY($2)` still leaves a message queued late inside that range alone.
export const MARK_PROCESSED = `
DELETE FROM event_inbox_pending
WHERE shard = $1 AND id = ANY($2::bigint[])
  AND id BETWEEN (SELECT min(x) FROM unnest($2::bigint[]) x) AND (SELECT max(x) FROM unnest($2::bigint[]) x)`;

// Messages still queued leave the queue with their reason. $1 shard, $2 ids, $3 reasons (same order)
export const MARK_FAILED = `
WITH f AS (
  DELETE FROM event_inbox_pending p USING unnest($2::bigint[], $3::text[]) AS f(id, reason)
  WHERE p.shard = $1 AND p.id = f.id
  RETURNING p.id, f.reason
)
UPDATE event_inbox i SET failure = f.reason FROM f WHERE i.id = f.id`;

// $1 keys, $2 minutes, $3 counts, $4 shard
export const ADD_RATES = `
INSERT INTO event_rate (event_key, minute, shard, count)
SELECT k, m, $4, c FROM unnest($1::text[], $2::timestamptz[], $3::int[]) AS r(k, m, c)
ON CONFLICT (event_key, minute, shard) DO UPDATE SET count = event_rate.count + excluded.count`;
