import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { WriteResult } from '../traits/trait-write.types';
import { logRunFailure } from './run-failure-log';
import { RunTally } from './run-tally';
import { RunEntity } from './run.entity';

export interface RunCounts {
  read: number;
  changed: number;
  unchanged: number;
  rejected: number;
}

const PROGRESS = `
UPDATE run SET rows_read = $2, rows_changed = $3, rows_unchanged = $4, rows_rejected = $5,
  rejected_sample = $6::jsonb, high_water_mark = $7::jsonb,
  metadata = metadata || $8::jsonb
WHERE id = $1`;

const END = `
UPDATE run SET status = $2, error = $3, finished_at = now() WHERE id = $1
RETURNING source_kind AS "sourceKind", source`;

// A worker killed mid-run leaves its run 'running'; the next run of the source (which holds the
// source's lock, so none is live) closes it.
const CLOSE_INTERRUPTED = `
UPDATE run SET status = 'failed', finished_at = now(),
  error = 'interrupted: the worker stopped before the run finished; the next run resumed from the last committed batch'
WHERE source_kind = $1 AND source = $2 AND status = 'running' AND id <> $3`;

// The one place runs are written, for every source kind: started, progress after each committed
// batch (so an interrupted run shows how far it got), then the outcome. A failed run is logged
// with its reason (logRunFailure: no personal data).
@Injectable()
export class RunsService {
  private readonly logger = new Logger(RunsService.name);

  constructor(
    @InjectRepository(RunEntity) private readonly runs: Repository<RunEntity>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  start(
    sourceKind: string,
    source: string,
    metadata: Record<string, unknown> = {},
  ): Promise<RunEntity> {
    return this.runs.save(this.runs.create({ sourceKind, source, status: 'running', metadata }));
  }

  // start, for a source whose runs never overlap (it holds the source's lock): an earlier run still
  // marked running was interrupted.
  async startExclusive(
    sourceKind: string,
    source: string,
    metadata: Record<string, unknown>,
  ): Promise<string> {
    const run = await this.start(sourceKind, source, metadata);
    await this.db.query(CLOSE_INTERRUPTED, [sourceKind, source, run.id]);
    return run.id;
  }

  async progress(
    runId: string,
    t: RunTally,
    mark: unknown = null,
    metadata: Record<string, unknown> = {},
  ): Promise<void> {
    await this.db.query(PROGRESS, [
      runId,
      t.read,
      t.changed,
      t.unchanged,
      t.rejected,
      JSON.stringify(t.sample),
      mark === null ? null : JSON.stringify(mark),
      JSON.stringify(metadata),
    ]);
  }

  // The outcome of a run recorded with progress(): succeeded, or failed with its reason.
  async end(runId: string, error: string | null): Promise<void> {
    await this.close(runId, error ? 'failed' : 'succeeded', error);
  }

  // A run that was not started (its dbt model failed, or its tests did): recorded with the reason.
  async skipped(
    sourceKind: string,
    source: string,
    reason: string,
    metadata: Record<string, unknown>,
  ): Promise<string> {
    const run = await this.start(sourceKind, source, metadata);
    await this.close(run.id, 'skipped', reason);
    return run.id;
  }

  // Records a finished run from its write results; rejected rows keep a small sample of reasons
  // (no values).
  async finish(
    run: RunEntity,
    results: WriteResult[],
    error?: string,
    highWaterMark?: unknown,
  ): Promise<RunEntity> {
    const tally = new RunTally();
    for (const result of results) tally.addWrite(result, []);
    tally.read = results.reduce((n, r) => n + r.accepted + r.rejected.length, 0);
    return this.complete(run, tally, error, highWaterMark);
  }

  // finish, from the tally of a run that wrote in several batches.
  complete(
    run: RunEntity,
    tally: RunTally,
    error?: string,
    highWaterMark?: unknown,
  ): Promise<RunEntity> {
    run.rowsRead = tally.read;
    run.rowsChanged = tally.changed;
    run.rowsUnchanged = tally.unchanged;
    run.rowsRejected = tally.rejected;
    run.rejectedSample = tally.sample;
    run.status = error ? 'failed' : 'succeeded';
    run.error = error ?? null;
    if (highWaterMark !== undefined) run.highWaterMark = highWaterMark;
    run.finishedAt = new Date();
    if (error) logRunFailure(this.logger, run, error);
    return this.runs.save(run);
  }

  recent(sourceKind: string | undefined, limit: number): Promise<RunEntity[]> {
    return this.runs.find({
      where: sourceKind ? { sourceKind } : {},
      order: { startedAt: 'DESC' },
      take: Math.min(Math.max(limit, 1), 200),
    });
  }

  private async close(runId: string, status: string, error: string | null): Promise<void> {
    const [rows] = await this.db.query<[{ sourceKind: string; source: string }[], number]>(END, [
      runId,
      status,
      error,
    ]);
    const run = rows[0];
    if (status === 'failed' && error && run)
      logRunFailure(this.logger, { id: runId, ...run }, error);
  }
}
