// A dbt source's `model` is a unique_id or a model name the manifest resolved: match either.
export const DBT_MODEL = `
SELECT unique_id, name, relation, checksum, depends_on, imported_at FROM dbt_model
WHERE unique_id = $1 OR name = $1
ORDER BY (unique_id = $1) DESC
LIMIT 1`;

// The runs of a source ($1 kind, $2 key; a dbt key may be a model name).
const OF_SOURCE = (r: string) => `${r}.source_kind = $1 AND (${r}.source = $2
  OR ($1 = 'dbt' AND ${r}.source IN (SELECT unique_id FROM dbt_model WHERE name = $2)))`;

// The latest run of a source.
export const LATEST_RUN = `
SELECT * FROM run r WHERE ${OF_SOURCE('r')}
ORDER BY started_at DESC, id
LIMIT 1`;

// An incremental run that succeeded reading nothing (an audience's hour with no change to react
// to, a dbt sync with no new row): it says the source is watched, not what it did.
const IDLE = (
  r: string,
) => `${r}.status = 'succeeded' AND (${r}.metadata->>'mode') IS NOT DISTINCT FROM 'incremental'
  AND ${r}.rows_read = 0 AND ${r}.rows_changed = 0 AND ${r}.rows_unchanged = 0 AND ${r}.rows_rejected = 0`;

// The latest run of a source that was not idle (its columns; none when every run was), with how
// many idle runs came after it and when the latest of them started.
export const LAST_RUN_WITH_WORK = `
WITH w AS (
  SELECT * FROM run r WHERE ${OF_SOURCE('r')} AND NOT (${IDLE('r')})
  ORDER BY started_at DESC, id
  LIMIT 1)
SELECT w.*, i.idle_runs_since, i.last_idle_run_at
FROM (SELECT 1) one
LEFT JOIN w ON true
CROSS JOIN LATERAL (
  SELECT count(*)::int AS idle_runs_since, max(r.started_at) AS last_idle_run_at
  FROM run r
  WHERE ${OF_SOURCE('r')} AND ${IDLE('r')}
    AND (w.id IS NULL OR r.started_at > w.started_at OR (r.started_at = w.started_at AND r.id < w.id))) i`;
