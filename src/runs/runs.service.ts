import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource, Repository } from 'typeorm';
import { queryNamed, queryPrepared } from '../database/pg-pool';
import type { TraitWriteRow, WriteResult } from '../traits/trait-write.types';
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

// Both ends of a run are read from the database's clock: started_at is the insert's now() (the
// column default), the finish is clock_timestamp(), this statement's moment. Not the app's clock
// (another host's or a VM's, skewed by any amount) and not now(), the start of a transaction that
// may be older than the run. greatest() only covers the database's clock stepping back between the
// two (NTP), which no statement can prevent.
const FINISHED_AT = 'greatest(started_at, clock_timestamp())';

const END = `
UPDATE run SET status = $2, error = $3, finished_at = ${FINISHED_AT} WHERE id = $1
RETURNING source_kind AS "sourceKind", source`;

// A run's outcome with its counts; metadata set on the entity is merged over what progress() wrote,
// and the high-water mark is kept when none is given.
const COMPLETE = `
UPDATE run SET status = $2, error = $3, rows_read = $4, rows_changed = $5, rows_unchanged = $6,
  rows_rejected = $7, rejected_sample = $8::jsonb, metadata = metadata || $9::jsonb,
  high_water_mark = CASE WHEN $10::boolean THEN $11::jsonb ELSE high_water_mark END,
  finished_at = ${FINISHED_AT}
WHERE id = $1
RETURNING metadata, high_water_mark AS "highWaterMark", finished_at AS "finishedAt"`;

const START = `
INSERT INTO run (source_kind, source, status, metadata) VALUES ($1, $2, 'running', $3::jsonb)
RETURNING id, source_kind AS "sourceKind", source, status, rows_read AS "rowsRead",
  rows_changed AS "rowsChanged", rows_unchanged AS "rowsUnchanged", rows_rejected AS "rowsRejected",
  rejected_sample AS "rejectedSample", error, high_water_mark AS "highWaterMark", metadata,
  started_at AS "startedAt", finished_at AS "finishedAt"`;

// A run that begins and ends within one call, recorded whole: started_at is the insert's now(),
// the start of the write's transaction when it is recorded inside it.
const RECORD_WHOLE = `
INSERT INTO run (id, source_kind, source, status, error, rows_read, rows_changed, rows_unchanged,
  rows_rejected, rejected_sample, metadata, finished_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, clock_timestamp())`;

export interface WholeRun {
  id: string;
  sourceKind: string;
  source: string;
  metadata: Record<string, unknown>;
}

// How a whole run ended: its writes' results (and the rows, when it was one batch), or its error;
// `client`: the transaction to record it in.
export interface WholeRunOutcome {
  results: WriteResult[];
  writes?: readonly TraitWriteRow[];
  error?: string;
  // Why the run was not started (recorded as skipped, with this as its error).
  skipped?: string;
  client?: PoolClient;
}

// A worker killed mid-run leaves its run 'running'; the next run of the source (which holds the
// source's lock, so none is live) closes it.
const CLOSE_INTERRUPTED = `
UPDATE run SET status = 'failed', finished_at = ${FINISHED_AT},
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

  // One statement (no transaction of its own around it): an API write starts a run per call.
  async start(
    sourceKind: string,
    source: string,
    metadata: Record<string, unknown> = {},
  ): Promise<RunEntity> {
    const [row]: RunEntity[] = await this.db.query(START, [
      sourceKind,
      source,
      JSON.stringify(metadata),
    ]);
    return this.runs.create(row);
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
    const id = randomUUID();
    await this.recordWhole({ id, sourceKind, source, metadata }, { results: [], skipped: reason });
    return id;
  }

  // Records a finished run from its write results; rejected rows keep a small sample of reasons
  // (no values).
  async finish(
    run: RunEntity,
    results: WriteResult[],
    error?: string,
    highWaterMark?: unknown,
  ): Promise<RunEntity> {
    return this.complete(run, RunTally.ofWrites(results), error, highWaterMark);
  }

  // A run as short as one write (an API call), or one that was not started, recorded once it has
  // ended: by one insert, inside the write's transaction when `client` is given, so the run and its
  // revisions commit together and the call pays no commit of its own (docs/api.md, writeTraits).
  async recordWhole(
    run: WholeRun,
    { results, writes, error, skipped, client }: WholeRunOutcome,
  ): Promise<void> {
    const tally = RunTally.ofWrites(results, writes);
    const status = skipped !== undefined ? 'skipped' : error ? 'failed' : 'succeeded';
    if (status === 'failed' && error) logRunFailure(this.logger, run, error);
    const params = [
      run.id,
      run.sourceKind,
      run.source,
      status,
      skipped ?? error ?? null,
      tally.read,
      tally.changed,
      tally.unchanged,
      tally.rejected,
      JSON.stringify(tally.sample),
      JSON.stringify(run.metadata),
    ];
    // Named: an API write records one on every call.
    if (client) await queryNamed(client, 'run-record-whole', RECORD_WHOLE, params);
    else await queryPrepared(this.db, 'run-record-whole', RECORD_WHOLE, params);
  }

  // finish, from the tally of a run that wrote in several batches.
  async complete(
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
    if (error) logRunFailure(this.logger, run, error);
    const [rows] = await this.db.query<
      [Pick<RunEntity, 'metadata' | 'highWaterMark' | 'finishedAt'>[], number]
    >(COMPLETE, [
      run.id,
      run.status,
      run.error,
      run.rowsRead,
      run.rowsChanged,
      run.rowsUnchanged,
      run.rowsRejected,
      JSON.stringify(run.rejectedSample),
      JSON.stringify(run.metadata ?? {}),
      highWaterMark !== undefined,
      highWaterMark === undefined || highWaterMark === null ? null : JSON.stringify(highWaterMark),
    ]);
    return Object.assign(run, rows[0]);
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
