// Shard leases are Postgres session advisory locks (two-key form: the deployment's key, the
// shard), held on one connection per worker process: they go with the connection when the
// process dies. Each live worker process also holds a member lock (the deployment's member key,
// its backend pid), so every process can count its peers. pg_locks shows both.
// $1 the shard key's text, $2 the member key's text

const ADVISORY = `locktype = 'advisory' AND objsubid = 2 AND granted
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

export const JOIN = `SELECT pg_advisory_lock(hashtext($1), pg_backend_pid())`;

export const VIEW = `
SELECT (SELECT count(DISTINCT pid)::int FROM pg_locks WHERE ${ADVISORY} AND classid = hashtext($2)::oid) AS members,
       ARRAY(SELECT objid::int FROM pg_locks WHERE ${ADVISORY} AND classid = hashtext($1)::oid) AS held,
       ARRAY(SELECT objid::int FROM pg_locks WHERE ${ADVISORY} AND classid = hashtext($1)::oid
             AND pid = pg_backend_pid()) AS mine`;

// $1 the shard key's text, $2 shards: those now held by this connection
export const TAKE = `
SELECT coalesce(array_agg(s), '{}') AS got FROM unnest($2::int[]) AS s WHERE pg_try_advisory_lock(hashtext($1), s)`;

export const RELEASE = `
SELECT count(*) FILTER (WHERE pg_advisory_unlock(hashtext($1), s))::int AS released FROM unnest($2::int[]) AS s`;

// The fence a batch's transaction checks before it commits: the shard is still leased by the
// worker's lease connection. $1 the shard key's text, $2 the shard, $3 the lease connection's pid
export const STILL_HELD = `
SELECT EXISTS (SELECT 1 FROM pg_locks WHERE ${ADVISORY} AND classid = hashtext($1)::oid
               AND objid = $2::int::oid AND pid = $3) AS held`;

// The shards of $1 with messages waiting, by the queue's key (cheap however large the backlog).
export const PENDING = `
SELECT s AS shard FROM unnest($1::int[]) AS s
WHERE EXISTS (SELECT 1 FROM event_inbox_pending WHERE shard = s)`;
