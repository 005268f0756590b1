// Size bookkeeping of evaluations; none of it touches audience.updated_at, which says when the
// definition changed.

// After a full evaluation. $1 audience id, $2 size, $3 evaluated at, $4 run id
export const SET_EVALUATED = `
UPDATE audience SET size = $2, evaluated_at = $3, last_run_id = $4 WHERE id = $1`;

// After incremental changes. $1 audience id, $2 entered − exited
export const MOVE_SIZE = `
UPDATE audience SET size = greatest(size + $2, 0) WHERE id = $1 RETURNING size`;

// One point per hour: the latest size, entries and exits added up.
// $1 audience id, $2 size, $3 entered, $4 exited
export const RECORD_SIZE = `
INSERT INTO audience_size (audience_id, hour, size, entered, exited)
VALUES ($1, date_trunc('hour', now()), $2, $3, $4)
ON CONFLICT (audience_id, hour) DO UPDATE
SET size = EXCLUDED.size, entered = audience_size.entered + EXCLUDED.entered,
    exited = audience_size.exited + EXCLUDED.exited, updated_at = now()`;
