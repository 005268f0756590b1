import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RunsService } from '../../../runs/runs.service';
import type { CursorMark } from '../entities/dbt-sync-state.entity';
import type { RunTally } from './run-tally';

export const SOURCE_KIND = 'dbt';

const PROGRESS = `
UPDATE run SET rows_read = $2, rows_changed = $3, rows_unchanged = $4, rows_rejected = $5,
  rejected_sample = $6::jsonb, high_water_mark = $7::jsonb, metadata = metadata || $8::jsonb
WHERE id = $1`;

const FINISH = `
UPDATE run SET status = $2, error = $3, finished_at = now() WHERE id = $1`;

// A worker killed mid-run leaves its run 'running'; the next run of the source (which holds the
// source's lock, so none is live) closes it.
const CLOSE_INTERRUPTED = `
UPDATE run SET status = 'failed', finished_at = now(),
  error = 'interrupted: the worker stopped before the run finished; the next run resumed from the last committed batch'
WHERE source_kind = 'dbt' AND source = $1 AND status = 'running' AND id <> $2`;

// Writes dbt runs to the shared run table: progress after every committed batch (so an
// interrupted run shows how far it got), then the outcome.
@Injectable()
export class RunRecorder {
  constructor(
    private readonly runs: RunsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async start(source: string, metadata: Record<string, unknown>): Promise<string> {
    const run = await this.runs.start(SOURCE_KIND, source, metadata);
    await this.db.query(CLOSE_INTERRUPTED, [source, run.id]);
    return run.id;
  }

  async progress(
    runId: string,
    t: RunTally,
    mark: CursorMark | null,
    metadata: Record<string, unknown> = {},
  ): Promise<void> {
    await this.db.query(PROGRESS, [
      runId,
      t.read,
      t.changed,
      t.unchanged,
      t.rejected,
      JSON.stringify(t.sample),
      mark && JSON.stringify(mark),
      JSON.stringify(metadata),
    ]);
  }

  async finish(runId: string, error: string | null): Promise<void> {
    await this.db.query(FINISH, [runId, error ? 'failed' : 'succeeded', error]);
  }

  // A run that was not started: its dbt model failed, or its tests did.
  async skipped(
    source: string,
    reason: string,
    metadata: Record<string, unknown>,
  ): Promise<string> {
    const run = await this.runs.start(SOURCE_KIND, source, metadata);
    await this.db.query(FINISH, [run.id, 'skipped', reason]);
    return run.id;
  }
}
