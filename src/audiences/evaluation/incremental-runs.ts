import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { EvaluatedAudience } from './membership-writer.service';

// Incremental evaluations are recorded as one run per audience version and hour: the run every
// membership change written in that hour names in its provenance, with its counts added up batch
// by batch (in the consumer's transaction, so each batch is counted once).
const FIND = `
SELECT id FROM run
WHERE source_kind = 'audience' AND source = $1 AND started_at >= date_trunc('hour', now())
  AND metadata->>'mode' = 'incremental' AND (metadata->>'version')::int = $2
ORDER BY started_at DESC LIMIT 1`;

const CREATE = `
INSERT INTO run (source_kind, source, status, metadata, started_at, finished_at)
VALUES ('audience', $1, 'succeeded', $2::jsonb, now(), now())
RETURNING id`;

const COUNT = `
UPDATE run SET rows_read = rows_read + $2, rows_changed = rows_changed + $3,
  rows_unchanged = rows_unchanged + $4, rows_rejected = rows_rejected + $5,
  finished_at = greatest(started_at, clock_timestamp())
WHERE id = $1`;

export class IncrementalRuns {
  private readonly known = new Map<string, string>();

  constructor(private readonly db: DataSource) {}

  // Created outside the consumer's transaction: the revisions written under it commit first.
  async runFor(a: EvaluatedAudience): Promise<string> {
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
    const key = `${a.id}:${a.version}:${hour}`;
    const cached = this.known.get(key);
    if (cached) return cached;
    const [found] = await this.db.query<{ id: string }[]>(FIND, [a.slug, a.version]);
    const id =
      found?.id ??
      (
        await this.db.query<{ id: string }[]>(CREATE, [
          a.slug,
          JSON.stringify({
            audienceId: a.id,
            version: a.version,
            mode: 'incremental',
            trigger: 'change',
          }),
        ])
      )[0].id;
    if (this.known.size > 10_000) this.known.clear();
    this.known.set(key, id);
    return id;
  }

  async count(
    tx: PoolClient,
    runId: string,
    c: { read: number; changed: number; unchanged: number; rejected: number },
  ): Promise<void> {
    await tx.query(COUNT, [runId, c.read, c.changed, c.unchanged, c.rejected]);
  }
}
