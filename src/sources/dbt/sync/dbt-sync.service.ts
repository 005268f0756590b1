import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../../config/config.module';
import type { AppConfig } from '../../../config/configuration';
import { LOCK_BUSY, withDataSourceLock } from '../../../database/session-lock';
import { normalizeIdentity } from '../../../identity/identity-normalizer';
import {
  IdentityResolver,
  MAX_OBSERVATIONS,
} from '../../../identity/resolve/identity-resolver.service';
import { RunTally } from '../../../runs/run-tally';
import { RunsService } from '../../../runs/runs.service';
import type { Provenance } from '../../../traits/provenance';
import { MAX_BATCH_ROWS, TraitWriter } from '../../../traits/trait-writer.service';
import { missingRelations } from '../../warehouse/missing-relations';
import { DBT_SOURCE_KIND, type DbtSyncJob } from '../dbt.queue';
import type { CursorMark } from '../entities/dbt-sync-state.entity';
import { DbtSourcesService } from '../sources/dbt-sources.service';
import type { ResolvedSource } from '../sources/resolved-source';
import { readBatches, Row } from '../warehouse/batch-reader';
import { ReadPlan, readPlan } from '../warehouse/read-plan';
import { inspectRelation } from '../warehouse/relation-inspector';
import { WarehouseService } from '../warehouse/warehouse.service';
import { clearAbsent, forgetSeen } from './absent-clear';
import { recordSeen } from './refresh-seen';
import { mapBatch } from './row-mapper';
import { SyncFailure } from './sync-failure';
import { SyncStart, SyncStateService } from './sync-state.service';

// About 20k trait values per write-path transaction, within 100–10k warehouse rows.
const VALUES_PER_BATCH = 20_000;
// Batches written at once: one Postgres backend per write keeps both cores of a small node busy.
const WRITERS = 2;

export type SyncOutcome =
  | { status: 'busy' }
  // A scheduled sync while the relation does not exist yet: no run is recorded.
  | { status: 'waiting'; relation: string }
  | { status: 'succeeded'; runId: string }
  | { status: 'failed'; runId: string; error: string; retryable: boolean };

interface RunContext {
  source: ResolvedSource;
  runId: string;
  start: SyncStart;
  tally: RunTally;
  provenance: Provenance;
  mark: CursorMark | null;
}

function rowsPerBatch(traits: number): number {
  return Math.min(10_000, Math.max(100, Math.floor(VALUES_PER_BATCH / Math.max(traits, 1))));
}

// An identity type identity.yaml does not know would reject every row: say so once, up front.
function checkIdentityTypes(source: ResolvedSource): void {
  const problems = source.identities.flatMap((id, i) => {
    const probe = normalizeIdentity(id.type, 'probe');
    return !probe.ok && probe.reason.startsWith('identity.type')
      ? [`identities[${i}].type: ${probe.reason.slice(15)}`]
      : [];
  });
  if (problems.length > 0) throw new SyncFailure(problems.join('; '));
}

// Errors of the warehouse connection (dropped, timed out) are worth a retry; ours are not wrapped.
function warehouseFailure(err: unknown): never {
  if (err instanceof SyncFailure) throw err;
  throw new SyncFailure(
    `warehouse read failed: ${err instanceof Error ? err.message : String(err)}`,
    true,
  );
}

// One sync of one dbt source: lock the source, check the relation, stream it in batches through
// the trait write path, advance the position after each committed batch, then (full refresh with
// `absent: clear`) clear rows that are gone. Every failure is recorded on the run.
@Injectable()
export class DbtSyncService {
  private readonly logger = new Logger(DbtSyncService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly sources: DbtSourcesService,
    private readonly warehouse: WarehouseService,
    private readonly writer: TraitWriter,
    private readonly identities: IdentityResolver,
    private readonly state: SyncStateService,
    private readonly runs: RunsService,
  ) {}

  async run(job: DbtSyncJob): Promise<SyncOutcome> {
    // One run at a time per source, across every worker process.
    const key = `traitbase:${this.config.databaseSchema}:dbt:${job.source}`;
    const outcome = await withDataSourceLock(this.db, key, 'try', () => this.runLocked(job));
    return outcome === LOCK_BUSY ? { status: 'busy' } : outcome;
  }

  private async runLocked(job: DbtSyncJob): Promise<SyncOutcome> {
    const waiting = job.trigger === 'schedule' ? await this.missingRelation(job.source) : null;
    if (waiting) {
      this.logger.log(
        `dbt ${job.source}: scheduled sync skipped, relation ${waiting} does not exist yet`,
      );
      return { status: 'waiting', relation: waiting };
    }
    const meta = {
      trigger: job.trigger,
      invocationId: job.invocationId ?? null,
      fullRefreshRequested: !!job.fullRefresh,
    };
    const runId = await this.runs.startExclusive(DBT_SOURCE_KIND, job.source, meta);
    try {
      const resolved = await this.sources.byKey(job.source);
      if (!resolved)
        throw new SyncFailure(`no active dbt trait definition reads model ${job.source}`);
      if (!resolved.ok) throw new SyncFailure(resolved.error);
      await this.sync(resolved.source, runId, job);
      await this.runs.end(runId, null);
      return { status: 'succeeded', runId };
    } catch (err) {
      const failure = err instanceof SyncFailure ? err : null;
      const error =
        failure?.message ?? `internal error: ${err instanceof Error ? err.message : String(err)}`;
      if (!failure)
        this.logger.error(
          `dbt run ${runId} failed`,
          err instanceof Error ? err.stack : String(err),
        );
      await this.runs.end(runId, error);
      return { status: 'failed', runId, error, retryable: failure ? failure.retryable : true };
    }
  }

  // The source's relation when it is missing from the warehouse; null when it exists or when the
  // source cannot be resolved (the run then records why).
  private async missingRelation(key: string): Promise<string | null> {
    const resolved = await this.sources.byKey(key);
    if (!resolved?.ok || !resolved.source.relation) return null;
    const client = await this.warehouse.connect(resolved.source.warehouse).catch(() => null);
    if (!client) return null;
    try {
      const [missing] = await missingRelations(client, [resolved.source.relation]);
      return missing ?? null;
    } catch {
      return null;
    } finally {
      client.release();
    }
  }

  private async sync(source: ResolvedSource, runId: string, job: DbtSyncJob): Promise<void> {
    checkIdentityTypes(source);
    const invocationId = job.invocationId ?? source.lastInvocationId;
    const ctx: RunContext = {
      source,
      runId,
      start: await this.state.begin(source.key, source.cursor, !!job.fullRefresh),
      tally: new RunTally(),
      provenance: {
        sourceKind: 'dbt',
        sourceRef: { uniqueId: source.key, invocationId, checksum: source.checksum },
        runId,
      },
      mark: null,
    };
    ctx.mark =
      ctx.start.from !== null && source.cursor
        ? { column: source.cursor, value: ctx.start.from }
        : null;
    const startedAt = Date.now();
    await this.runs.progress(runId, ctx.tally, ctx.mark, {
      mode: ctx.start.mode,
      resumed: ctx.start.resumed,
    });
    const client = await this.warehouse.connect(source.warehouse);
    let broken = true;
    try {
      const relation = await inspectRelation(client, source).catch(warehouseFailure);
      const plan = readPlan(source, relation.columns);
      await this.consume(
        ctx,
        plan,
        readBatches(
          client,
          relation.name,
          plan,
          ctx.start.from,
          rowsPerBatch(source.traits.length),
        ),
      );
      broken = false;
    } finally {
      // A connection left mid-transaction (failed write, broken read) is closed, not reused.
      client.release(broken);
    }
    if (ctx.start.mode === 'full') await this.completeRefresh(ctx);
    const ms = Date.now() - startedAt;
    await this.runs.progress(runId, ctx.tally, ctx.mark, { durationMs: ms });
    this.logger.log(
      `dbt ${source.key} run ${runId}: ${ctx.tally.read} rows, ${ctx.tally.changed} changed in ${ms} ms`,
    );
  }

  // Reads the next batch while up to WRITERS batches are written; the position moves past a batch
  // only once it and every batch before it have committed.
  private async consume(
    ctx: RunContext,
    plan: ReadPlan,
    batches: AsyncGenerator<Row[]>,
  ): Promise<void> {
    const runStart = new Date();
    const inflight: Promise<string | null>[] = [];
    const settleOldest = async () =>
      this.advance(ctx, await (inflight.shift() as Promise<string | null>));
    try {
      let next = batches.next();
      for (;;) {
        const current = await next.catch(warehouseFailure);
        if (current.done) break;
        next = batches.next();
        next.catch(() => undefined);
        const written = this.writeBatch(ctx, plan, current.value, runStart);
        written.catch(() => undefined);
        inflight.push(written);
        if (inflight.length >= WRITERS) await settleOldest();
      }
      while (inflight.length > 0) await settleOldest();
    } finally {
      // On a failure, writes already under way finish (or fail) before the run is closed.
      await Promise.allSettled(inflight);
    }
  }

  // Writes one batch; returns the text of its last cursor value.
  private async writeBatch(
    ctx: RunContext,
    plan: ReadPlan,
    rows: Row[],
    runStart: Date,
  ): Promise<string | null> {
    const mapped = mapBatch(rows, plan, runStart);
    ctx.tally.read += rows.length;
    ctx.tally.addRejected(
      mapped.rowsWithoutIdentity * plan.traits.length,
      `row without identity: ${plan.identities.map((i) => i.column).join(', ')} all null`,
    );
    // Identities of one row are observed together first (identity rules decide on merges), so the
    // traits written through the first of them land on the unified profile.
    for (let i = 0; i < mapped.together.length; i += MAX_OBSERVATIONS) {
      const rows = mapped.together.slice(i, i + MAX_OBSERVATIONS);
      const cause = { kind: 'dbt', ref: ctx.runId };
      await this.identities.observeMany(
        rows.map((r) => ({ identities: r.identities, cause: { ...cause, at: r.at } })),
      );
    }
    for (let i = 0; i < mapped.writes.length; i += MAX_BATCH_ROWS) {
      const writes = mapped.writes.slice(i, i + MAX_BATCH_ROWS);
      ctx.tally.addWrite(
        await this.writer.write({ rows: writes, provenance: ctx.provenance }),
        writes,
      );
    }
    if (ctx.start.mode === 'full' && ctx.source.absent === 'clear' && ctx.start.refreshId) {
      await recordSeen(this.db, ctx.start.refreshId, mapped.identities);
    }
    return mapped.lastCursor;
  }

  private async advance(ctx: RunContext, lastCursor: string | null): Promise<void> {
    if (lastCursor !== null && ctx.source.cursor) {
      ctx.mark = { column: ctx.source.cursor, value: lastCursor };
      await this.state.advance(ctx.source.key, ctx.start, ctx.mark);
    }
    await this.runs.progress(ctx.runId, ctx.tally, ctx.mark);
  }

  private async completeRefresh(ctx: RunContext): Promise<void> {
    const { refreshId } = ctx.start;
    if (refreshId && ctx.source.absent === 'clear') {
      const traits = ctx.source.traits.map((t) => t.trait);
      await clearAbsent(this.db, this.writer, refreshId, traits, ctx.provenance, async (result) => {
        ctx.tally.changed += result.revisions;
        ctx.tally.rejected += result.rejected.length;
        await this.runs.progress(ctx.runId, ctx.tally, ctx.mark);
      });
    }
    if (refreshId) await forgetSeen(this.db, refreshId);
    await this.state.completeRefresh(ctx.source.key, ctx.mark);
  }
}
