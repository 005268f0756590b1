// Current values of one trait ($1 trait id), read from a $2 percent page sample of trait_value
// (100 reads every row). trait_value has no index by trait: on a large table the sample keeps
// the read bounded.
const VALUES = `
  SELECT value FROM trait_value TABLESAMPLE SYSTEM ($2)
  WHERE trait_id = $1 AND value IS NOT NULL AND jsonb_typeof(value) <> 'null'`;

export const ESTIMATED_ROWS = `
SELECT greatest(reltuples, 0)::float8 AS rows FROM pg_class WHERE oid = to_regclass('trait_value')`;

// The $3 most frequent values and the total; key orders equal counts the same way every time.
export const TOP_VALUES = `
WITH v AS (${VALUES}),
     total AS (SELECT count(*)::int AS n FROM v)
SELECT t.value, t.count, total.n AS total
FROM total LEFT JOIN LATERAL (
  SELECT value, count(*)::int AS count FROM v GROUP BY value ORDER BY count(*) DESC, value::text LIMIT $3
) t ON true`;

// JSON values counted by their JSON type.
export const JSON_TYPES = `
WITH v AS (${VALUES})
SELECT to_jsonb(jsonb_typeof(value)) AS value, count(*)::int AS count, sum(count(*)) OVER ()::int AS total
FROM v GROUP BY jsonb_typeof(value) ORDER BY count DESC, 1`;

// $3 equal-width ranges between the smallest and the largest value. $4 reads a value as a number:
// the number itself, or a timestamp's epoch seconds.
export function rangesSql(asNumber: 'number' | 'timestamp'): string {
  const x =
    asNumber === 'number'
      ? `(value #>> '{}')::float8`
      : `extract(epoch FROM (value #>> '{}')::timestamptz)::float8`;
  return `
WITH v AS (SELECT ${x} AS x FROM (${VALUES}) raw WHERE jsonb_typeof(value) IN ('number', 'string')),
     s AS (SELECT min(x) AS lo, max(x) AS hi, count(*)::int AS n FROM v)
SELECT s.lo, s.hi, s.n AS total, b.bucket, b.count
FROM s LEFT JOIN LATERAL (
  SELECT CASE WHEN s.hi = s.lo THEN 1 ELSE least(width_bucket(x, s.lo, s.hi, $3), $3) END AS bucket,
         count(*)::int AS count
  FROM v GROUP BY 1
) b ON true
ORDER BY b.bucket`;
}
