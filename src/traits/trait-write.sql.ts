import { FEED_COLUMNS, FEED_SYSTEM_COLUMNS, FEED_SYSTEM_VALUES } from '../feed/feed.sql';

// Set-based SQL of the trait write path (TraitWriter). Every statement runs inside the batch's
// transaction; the tb_* tables are temporary and dropped at commit. The small-write path
// (trait-write-small.sql.ts) runs the same bodies with each tb_* name bound to a WITH query over
// parameters instead, so the two paths share every rule below.

// Every revision is also a change on the feed (docs/change-feed.md), in the same transaction:
// $1 source_kind, $2 source_ref, $3 run_id as in the statements below.
const FEED_PROVENANCE = (alias: string) => `jsonb_build_object('sourceKind', $1::text,
  'sourceRef', coalesce(${alias}.source_ref, $2::jsonb), 'runId', $3::text,
  'definitionVersion', ${alias}.def_version, 'observedAt', ${alias}.observed_at)`;
const INSERT_FEED = `INSERT INTO change_feed (profile_id, revision, kind, name, before, after, provenance,
                           ${FEED_SYSTEM_COLUMNS})
  SELECT f.profile_id, f.revision, f.kind, f.name, f.before, f.after, f.provenance, ${FEED_SYSTEM_VALUES}`;

export const STAGE_COLUMNS = `idx int, id_type text, id_value text, trait_id int, def_version int,
  value jsonb, observed_at timestamptz, source_ref jsonb`;

export const CREATE_STAGE = `CREATE TEMP TABLE tb_stage (${STAGE_COLUMNS}) ON COMMIT DROP`;

export const COPY_STAGE = 'COPY tb_stage FROM STDIN';

// Temporary tables have no statistics until analysed. Without them the planner guesses their size
// and, once identity and trait_value are large, hashes or sorts those whole tables for every batch
// instead of probing their primary keys. Only the columns the following joins use are analysed.
export const ANALYZE_STAGE = 'ANALYZE tb_stage (id_type, id_value)';
export const ANALYZE_OBSERVATIONS = 'ANALYZE tb_obs (profile_id, trait_id, id_type, id_value)';
export const ANALYZE_CLASSIFIED = 'ANALYZE tb_cls (profile_id, trait_id, fresh, has_cur)';

// Unknown identities get a new profile each (exact match; identity rules refine this).
export const CREATE_MISSING_PROFILES = `
WITH ids AS (SELECT DISTINCT id_type, id_value FROM tb_stage),
missing AS (
  SELECT ids.id_type, ids.id_value, gen_random_uuid() AS profile_id FROM ids
  WHERE NOT EXISTS (SELECT 1 FROM identity i WHERE i.type = ids.id_type AND i.value = ids.id_value)
),
ins AS (
  INSERT INTO identity (type, value, profile_id, source_kind)
  SELECT id_type, id_value, profile_id, $1 FROM missing ORDER BY id_type, id_value
  ON CONFLICT DO NOTHING
  RETURNING profile_id
)
INSERT INTO profile (id) SELECT profile_id FROM ins`;

// One observation per (profile, trait, observed_at); when a batch repeats one, the last row wins.
// Early skip of the dominant case of a re-sync: an observation of the current value inside its
// confirmed interval [valid_from, last_observed_at] changes nothing (CREATE_LATE leaves it out for
// the same reason), so it is dropped here, before the profiles are locked, with one primary-key
// probe of the value it would be compared with anyway (LATERAL: a probe, never a hash of the
// table). Read without the lock, the skip is ordered before any concurrent change of that value,
// which is a valid order.
export const OBSERVATIONS = `
SELECT o.* FROM (
  SELECT DISTINCT ON (i.profile_id, s.trait_id, s.observed_at)
    i.profile_id, s.trait_id, s.def_version, s.value, s.observed_at, s.id_type, s.id_value, s.idx,
    s.source_ref
  FROM tb_stage s JOIN identity i ON i.type = s.id_type AND i.value = s.id_value
  ORDER BY i.profile_id, s.trait_id, s.observed_at, s.idx DESC
) o
LEFT JOIN LATERAL (
  SELECT true AS same FROM trait_value tv
  WHERE tv.profile_id = o.profile_id AND tv.trait_id = o.trait_id
    AND o.observed_at >= tv.valid_from AND o.observed_at <= tv.last_observed_at
    AND o.value IS NOT DISTINCT FROM tv.value
  LIMIT 1
) unchanged ON true
WHERE unchanged.same IS NULL`;
export const CREATE_OBSERVATIONS = `CREATE TEMP TABLE tb_obs ON COMMIT DROP AS ${OBSERVATIONS}`;

// Locks the batch's profiles in id order, so concurrent batches serialise per profile and never
// deadlock, and remembers the revision each changed profile will get.
export const PROFILES_LOCKED = `
SELECT id, revision + 1 AS next_revision FROM profile
WHERE id IN (SELECT DISTINCT profile_id FROM tb_obs)
ORDER BY id FOR UPDATE`;
export const LOCK_PROFILES = `CREATE TEMP TABLE tb_prof ON COMMIT DROP AS ${PROFILES_LOCKED}`;

// After the profiles are locked: an identity a merge or an unmerge moved since tb_obs was read.
export const IDENTITY_MOVED_WHILE_LOCKING = `
SELECT 1 FROM tb_obs o JOIN identity i ON i.type = o.id_type AND i.value = o.id_value
WHERE i.profile_id <> o.profile_id LIMIT 1`;

export const CREATE_TOUCHED = 'CREATE TEMP TABLE tb_touched (profile_id uuid) ON COMMIT DROP';

// fresh: newer than the latest observation of the current value (or no current value).
export const CLASSIFIED = `
SELECT o.*, tv.value AS cur_value, tv.revision_id AS cur_rev, tv.valid_from AS cur_from,
       tv.profile_id IS NOT NULL AS has_cur,
       (tv.profile_id IS NULL OR o.observed_at > tv.last_observed_at) AS fresh
FROM tb_obs o
LEFT JOIN trait_value tv ON tv.profile_id = o.profile_id AND tv.trait_id = o.trait_id`;
export const CLASSIFY = `CREATE TEMP TABLE tb_cls ON COMMIT DROP AS ${CLASSIFIED}`;

// Fresh observations that change the value: compared with the current value for the first one,
// with the previous observation of the batch for the rest.
export const CHANGES = `
SELECT * FROM (
  SELECT c.*, lag(c.value) OVER w AS prev_value, row_number() OVER w AS rn
  FROM tb_cls c WHERE c.fresh
  WINDOW w AS (PARTITION BY c.profile_id, c.trait_id ORDER BY c.observed_at)
) x
WHERE CASE WHEN rn = 1 THEN (CASE WHEN has_cur THEN value IS DISTINCT FROM cur_value ELSE value IS NOT NULL END)
           ELSE value IS DISTINCT FROM prev_value END`;
export const CREATE_CHANGES = `CREATE TEMP TABLE tb_chg ON COMMIT DROP AS ${CHANGES}`;

// The revisions of the fresh changes (ins), the revisions they close, their feed rows, and the
// latest fresh observation per trait (last_obs), as WITH queries; UPSERT_CURRENT then moves the
// current values. $1 source_kind, $2 source_ref (a row's own source_ref wins), $3 run_id.
// `fedReturning` is what the feed insert returns (nothing unless a later query reads it).
const freshWrites = (fedReturning = '') => `
ins AS (
  INSERT INTO trait_revision (profile_id, trait_id, value, valid_from, valid_to, definition_version,
                              source_kind, source_ref, run_id, identity_type, identity_value, profile_revision)
  SELECT c.profile_id, c.trait_id, c.value, c.observed_at,
         lead(c.observed_at) OVER (PARTITION BY c.profile_id, c.trait_id ORDER BY c.observed_at),
         c.def_version, $1, coalesce(c.source_ref, $2::jsonb), $3, c.id_type, c.id_value, p.next_revision
  FROM tb_chg c JOIN tb_prof p ON p.id = c.profile_id
  RETURNING profile_id, trait_id, id, value, valid_from, valid_to
),
closed AS (
  UPDATE trait_revision r SET valid_to = f.first_from
  FROM (SELECT profile_id, min(cur_rev) AS cur_rev, min(observed_at) AS first_from
        FROM tb_chg WHERE has_cur GROUP BY profile_id, trait_id) f
  WHERE r.profile_id = f.profile_id AND r.id = f.cur_rev
),
fed AS (
  ${INSERT_FEED}
  FROM (
    SELECT c.profile_id, p.next_revision AS revision,
           CASE WHEN d.name LIKE 'audience:%' THEN 'audience' ELSE 'trait' END AS kind, d.name,
           CASE WHEN c.rn = 1 THEN c.cur_value ELSE c.prev_value END AS before, c.value AS after,
           ${FEED_PROVENANCE('c')} AS provenance
    FROM tb_chg c JOIN tb_prof p ON p.id = c.profile_id JOIN trait_definition d ON d.id = c.trait_id
    ORDER BY c.profile_id, c.trait_id, c.observed_at
  ) f
  ${fedReturning}
),
last_obs AS (
  SELECT profile_id, trait_id, max(observed_at) AS last_at FROM tb_cls WHERE fresh GROUP BY profile_id, trait_id
)`;
export const FRESH_WRITES = freshWrites();
// The same, the feed rows returned as `fed` (the small-write path announces them as they are).
export const FRESH_WRITES_RETURNING_FEED = freshWrites(
  `RETURNING ${FEED_COLUMNS}, xid::text AS xid`,
);

export const UPSERT_CURRENT = `
INSERT INTO trait_value (profile_id, trait_id, value, valid_from, last_observed_at, revision_id)
SELECT l.profile_id, l.trait_id, i.value, i.valid_from, l.last_at, i.id
FROM last_obs l JOIN ins i ON i.profile_id = l.profile_id AND i.trait_id = l.trait_id AND i.valid_to IS NULL
ON CONFLICT (profile_id, trait_id) DO UPDATE
SET value = EXCLUDED.value, valid_from = EXCLUDED.valid_from,
    last_observed_at = EXCLUDED.last_observed_at, revision_id = EXCLUDED.revision_id`;

// The profiles a statement's inserted revisions (ins) touched, to be bumped once at the end.
const NOTE_TOUCHED = 'touched AS (INSERT INTO tb_touched SELECT DISTINCT profile_id FROM ins)';

export const WRITE_FRESH = `WITH ${FRESH_WRITES},\n${NOTE_TOUCHED}\n${UPSERT_CURRENT}`;

// A newer observation of an unchanged value only moves last_observed_at (freshness), no revision.
export const CONFIRM_UNCHANGED = `
UPDATE trait_value tv SET last_observed_at = l.last_at
FROM (SELECT profile_id, trait_id, max(observed_at) AS last_at FROM tb_cls
      WHERE fresh AND has_cur GROUP BY profile_id, trait_id) l
WHERE tv.profile_id = l.profile_id AND tv.trait_id = l.trait_id AND l.last_at > tv.last_observed_at
  AND NOT EXISTS (SELECT 1 FROM tb_chg c WHERE c.profile_id = l.profile_id AND c.trait_id = l.trait_id)`;

// A late observation of the current value at or after its valid_from is already recorded: the
// revision in force then is the current one (zero-length revisions aside, which WRITE_LATE_PASS
// skips too), so its pass would find 'same'. Leaving it out spares a timeline lookup per row,
// which is what an identical re-load is made of.
export const LATE = `
SELECT * FROM tb_cls
WHERE NOT fresh AND NOT (has_cur AND observed_at >= cur_from AND value IS NOT DISTINCT FROM cur_value)`;
export const CREATE_LATE = `CREATE TEMP TABLE tb_late ON COMMIT DROP AS ${LATE}`;

// A pass takes the earliest remaining late observation of each (profile, trait): tb_obs holds one
// per instant, so that picks exactly one row per key.
export const firstLate = (columns: string) => `
SELECT DISTINCT ON (profile_id, trait_id) ${columns} FROM tb_late ORDER BY profile_id, trait_id, observed_at`;

// Late observations go into the timeline, one per (profile, trait) per pass:
// - same value as the revision in force then: nothing to do;
// - a different value already observed at that very instant: rejected as a conflict;
// - inside the current value's confirmed interval: kept as a zero-length revision (history only);
// - before the current value: inserted between its neighbours, the predecessor closed at it.
// As WITH queries over the pass's observations (pick); the decisions are dec, the inserted
// revisions ins. $1 source_kind, $2 source_ref (a row's own source_ref wins), $3 run_id
export const LATE_PASS = `
ctx AS (
  SELECT p.*, pred.id AS pred_id, pred.value AS pred_value, pred.valid_from AS pred_from, succ.valid_from AS succ_from
  FROM pick p
  LEFT JOIN LATERAL (
    SELECT r.id, r.value, r.valid_from FROM trait_revision r
    WHERE r.profile_id = p.profile_id AND r.trait_id = p.trait_id AND r.valid_from <= p.observed_at
      AND (r.valid_to IS NULL OR r.valid_to > r.valid_from)
    ORDER BY r.valid_from DESC, r.id DESC LIMIT 1) pred ON true
  LEFT JOIN LATERAL (
    SELECT r.valid_from FROM trait_revision r
    WHERE r.profile_id = p.profile_id AND r.trait_id = p.trait_id AND r.valid_from > p.observed_at
      AND (r.valid_to IS NULL OR r.valid_to > r.valid_from)
    ORDER BY r.valid_from, r.id LIMIT 1) succ ON true
),
dec AS (
  SELECT ctx.*, CASE
    WHEN pred_id IS NOT NULL AND pred_value IS NOT DISTINCT FROM value THEN 'same'
    WHEN pred_id IS NULL AND value IS NULL THEN 'same'
    WHEN pred_from = observed_at THEN 'conflict'
    WHEN observed_at >= cur_from THEN 'contradicted'
    ELSE 'insert' END AS action
  FROM ctx
),
ins AS (
  INSERT INTO trait_revision (profile_id, trait_id, value, valid_from, valid_to, definition_version,
                              source_kind, source_ref, run_id, identity_type, identity_value, profile_revision)
  SELECT d.profile_id, d.trait_id, d.value, d.observed_at,
         CASE d.action WHEN 'contradicted' THEN d.observed_at ELSE d.succ_from END,
         d.def_version, $1, coalesce(d.source_ref, $2::jsonb), $3, d.id_type, d.id_value, p.next_revision
  FROM dec d JOIN tb_prof p ON p.id = d.profile_id
  WHERE d.action IN ('insert', 'contradicted')
  RETURNING profile_id
),
closed AS (
  UPDATE trait_revision r SET valid_to = d.observed_at
  FROM dec d
  WHERE d.action = 'insert' AND d.pred_id IS NOT NULL AND r.profile_id = d.profile_id AND r.id = d.pred_id
),
fed AS (
  ${INSERT_FEED}
  FROM (
    SELECT d.profile_id, p.next_revision AS revision, 'correction' AS kind, t.name,
           d.pred_value AS before, d.value AS after, ${FEED_PROVENANCE('d')} AS provenance
    FROM dec d JOIN tb_prof p ON p.id = d.profile_id JOIN trait_definition t ON t.id = d.trait_id
    WHERE d.action IN ('insert', 'contradicted')
    ORDER BY d.profile_id, d.trait_id
  ) f
)`;

export const WRITE_LATE_PASS = `
WITH pick AS (
  DELETE FROM tb_late l USING (${firstLate('ctid AS c')}) x WHERE l.ctid = x.c RETURNING l.*
),
${LATE_PASS},
${NOTE_TOUCHED}
SELECT idx, action FROM dec`;

export const BUMP_PROFILES = `
UPDATE profile p SET revision = t.next_revision, updated_at = now()
FROM tb_prof t
WHERE p.id = t.id AND t.id IN (SELECT profile_id FROM tb_touched)
RETURNING p.id, p.revision`;
