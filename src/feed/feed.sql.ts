import { INLINE_CHANGES } from './live-batch';

// SQL of the change feed (docs/change-feed.md). Positions come from one sequence drawn while the
// writer holds the profile's row lock, so for any one profile they increase in commit order. Across
// profiles, commit order is recovered from the writing transaction's id: a row whose xid is below
// the oldest transaction still running (the snapshot's xmin) can no longer be joined by an earlier
// one, so readers consume (xid, position) in order up to that horizon and never skip a row.

// The database fills these in for every feed row, in every statement that records changes.
export const FEED_SYSTEM_COLUMNS = 'position, xid, at';
export const FEED_SYSTEM_VALUES =
  "nextval('change_feed_position_seq'), pg_current_xact_id()::text::bigint, now()";

export const FEED_COLUMNS =
  'position, profile_id, revision, kind, name, before, after, provenance, at';

// `param`: a jsonb array of {profile_id, revision, kind, name, before, after, provenance}, recorded
// in array order. The inner ORDER BY is what numbers them in that order (nextval runs above it).
const insertRecords = (param: string) => `
INSERT INTO change_feed (profile_id, revision, kind, name, before, after, provenance, ${FEED_SYSTEM_COLUMNS})
SELECT r.profile_id, r.revision, r.kind, r.name, r.before, r.after, r.provenance, ${FEED_SYSTEM_VALUES}
FROM (
  SELECT x.* FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS e(doc, ord)
  CROSS JOIN LATERAL jsonb_to_record(e.doc) AS x(profile_id uuid, revision bigint, kind text, name text,
                                                before jsonb, after jsonb, provenance jsonb)
  ORDER BY e.ord
) r`;
const INSERT_RECORDS = insertRecords('$1');

// For a writer that records its changes in a CTE of its own statement: the CTE `name` records
// `param`'s changes (as RECORD), and `summary` is what the statement selects of them (columns
// fed_xid, fed_count, fed: the rows as json when few enough to announce whole; see recordedBy).
export const recordingCte = (name: string, param: string) => `${name} AS (${insertRecords(param)}
RETURNING ${FEED_COLUMNS}, xid::text AS xid)`;
export const recordedSummary = (name: string) =>
  `(SELECT min(xid) FROM ${name}) AS fed_xid, (SELECT count(*)::int FROM ${name}) AS fed_count,
   CASE WHEN (SELECT count(*) FROM ${name}) <= ${INLINE_CHANGES}
        THEN (SELECT json_agg(f ORDER BY f.position) FROM ${name} f) END AS fed`;

// Small batches come back whole, to be announced with their changes; large ones only say how many.
export const RECORD = `${INSERT_RECORDS}
RETURNING ${FEED_COLUMNS}, xid::text AS xid`;
export const RECORD_MANY = `WITH ins AS (${INSERT_RECORDS}
RETURNING xid)
SELECT min(xid)::text AS xid, count(*)::int AS n FROM ins`;

// The changes the current transaction recorded, at most $1 of them (published after commit).
export const OWN_CHANGES = `
SELECT ${FEED_COLUMNS}, xid::text AS xid FROM change_feed
WHERE xid = pg_current_xact_id()::text::bigint
ORDER BY position LIMIT $1`;

export const CURRENT_XID = 'SELECT pg_current_xact_id()::text AS xid';

// Everything below it is final: no transaction that could still add a row has an id below it.
// That is the oldest transaction still running (the snapshot's xmin), leaving out those that
// provably belong elsewhere: a transaction (identified by the lock every transaction holds on its
// own id) that has locked a relation of another database or of another ordinary schema, and none
// of this schema. Locks on temporary tables and system catalogs say nothing (a bulk write here
// starts by filling temporary tables), so a transaction holding only those still counts. A
// transaction elsewhere in the cluster (another schema's 100,000-row load, another application)
// then no longer holds back this feed. Nothing beyond the snapshot is read while nothing runs.
export const HORIZON = `
WITH snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
running AS MATERIALIZED (
  SELECT x::text::bigint AS x FROM snap, pg_snapshot_xip(snap.s) AS x
),
locks AS MATERIALIZED (
  SELECT l.pid, l.locktype, l.mode, l.granted, l.transactionid::text::bigint AS xid32,
         CASE
           WHEN l.locktype <> 'relation' THEN 'none'
           WHEN l.database <> (SELECT oid FROM pg_database WHERE datname = current_database()) THEN 'other'
           WHEN n.nspname = current_schema() THEN 'here'
           WHEN n.nspname IS NULL OR n.nspname IN ('pg_catalog', 'information_schema')
             OR n.nspname LIKE 'pg\\_temp\\_%' OR n.nspname LIKE 'pg\\_toast%' THEN 'neutral'
           ELSE 'other'
         END AS place
  FROM pg_locks l
  LEFT JOIN pg_class c
    ON l.locktype = 'relation' AND c.oid = l.relation
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE EXISTS (SELECT 1 FROM running) AND l.locktype IN ('relation', 'transactionid')
),
elsewhere AS (
  SELECT r.x FROM running r
  JOIN locks t ON t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock' AND t.granted
              AND t.xid32 = r.x % 4294967296
  WHERE EXISTS (SELECT 1 FROM locks l WHERE l.pid = t.pid AND l.place = 'other')
    AND NOT EXISTS (SELECT 1 FROM locks l WHERE l.pid = t.pid AND l.place = 'here')
)
SELECT coalesce(
  (SELECT min(x) FROM running WHERE x NOT IN (SELECT x FROM elsewhere)),
  (SELECT pg_snapshot_xmax(s)::text::bigint FROM snap)
)::text AS horizon`;

// The changes of one committed transaction (a notification too large to carry them).
export const CHANGES_OF_XID = `
SELECT ${FEED_COLUMNS} FROM change_feed WHERE xid = $1::bigint ORDER BY position`;

// A durable consumer's next batch: after its cursor, below the horizon, in commit order.
// $1 cursor xid, $2 cursor position, $3 horizon, $4 kinds (null: all), $5 limit
export const NEXT_BATCH = `
SELECT ${FEED_COLUMNS}, xid FROM change_feed
WHERE (xid, position) > ($1::bigint, $2::bigint) AND xid < $3::bigint
  AND ($4::text[] IS NULL OR kind = ANY($4::text[]))
ORDER BY xid, position LIMIT $5`;

// One profile's changes after a position (a live subscriber catching up), in commit order.
// $1 profile ids, $2 position, $3 limit
export const PROFILE_CHANGES_SINCE = `
SELECT ${FEED_COLUMNS} FROM change_feed
WHERE profile_id = ANY($1::uuid[]) AND position > $2::bigint
ORDER BY position LIMIT $3`;

export const LAST_POSITION = `SELECT coalesce(max(position), 0)::text AS position FROM change_feed`;

// A consumer row is created once; a new consumer starts at $2 (the horizon: only what commits
// from now on; 0: everything the feed still holds).
export const ENSURE_CONSUMER = `
INSERT INTO feed_consumer (name, xid, position) VALUES ($1, $2::bigint, 0)
ON CONFLICT (name) DO NOTHING`;

export const TRY_LOCK = 'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked';

export const READ_CURSOR = 'SELECT xid::text, position::text FROM feed_consumer WHERE name = $1';

export const SAVE_CURSOR = `
UPDATE feed_consumer SET xid = $2::bigint, position = $3::bigint, updated_at = now() WHERE name = $1`;

// Retention: the oldest $2 rows in feed order, deleted when recorded before $1. The scan stops at
// the first batch that holds a newer row, so it never reads the part of the feed it keeps.
export const DELETE_EXPIRED = `
WITH oldest AS (SELECT ctid AS c, at FROM change_feed ORDER BY xid, position LIMIT $2),
gone AS (DELETE FROM change_feed f USING oldest o WHERE f.ctid = o.c AND o.at < $1 RETURNING 1)
SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM oldest)::int AS scanned`;

// The committed transactions after a position, below the horizon, with their sizes (the live tail).
// $1 cursor xid, $2 cursor position, $3 horizon
export const BATCHES_AFTER = `
SELECT xid::text, count(*)::int AS n, max(position)::text AS last FROM change_feed
WHERE (xid, position) > ($1::bigint, $2::bigint) AND xid < $3::bigint
GROUP BY xid ORDER BY xid LIMIT 1000`;
