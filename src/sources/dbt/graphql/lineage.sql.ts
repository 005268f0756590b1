// A dbt source's `model` is a unique_id or a model name the manifest resolved: match either.
export const DBT_MODEL = `
SELECT unique_id, name, relation, checksum, depends_on, imported_at FROM dbt_model
WHERE unique_id = $1 OR name = $1
ORDER BY (unique_id = $1) DESC
LIMIT 1`;

// The latest run of a source ($1 kind, $2 key; a dbt key may be a model name).
export const LATEST_RUN = `
SELECT * FROM run
WHERE source_kind = $1
  AND (source = $2 OR ($1 = 'dbt' AND source IN (SELECT unique_id FROM dbt_model WHERE name = $2)))
ORDER BY started_at DESC, id
LIMIT 1`;
