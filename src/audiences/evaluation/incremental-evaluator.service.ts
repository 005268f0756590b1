import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import type { FeedChange, FeedKind } from '../../feed/feed-change';
import { FeedConsumers } from '../../feed/feed-consumers.service';
import { DiffRow, membershipDiffSql } from '../compile/membership-sql';
import { RuleCompiler } from '../compile/rule-compiler.service';
import { SqlParams } from '../compile/sql-params';
import { AudienceDirectory } from '../storage/audience-directory.service';
import type { AudienceEntity } from '../storage/audience.entity';
import { lockAudienceInTransaction } from './audience-lock';
import * as SIZE from './audience-size.sql';
import { DependencyIndex } from './dependency-index';
import { IncrementalRuns } from './incremental-runs';
import { emptyTally, MembershipWriter } from './membership-writer.service';

export const AUDIENCE_CONSUMER = 'audiences';
const KINDS: FeedKind[] = ['trait', 'audience', 'identity', 'merge', 'unmerge', 'event'];

// Incremental evaluation: a durable consumer of the change feed. For each batch of changes it
// finds, through the dependency index, the audiences whose inputs changed and for which profiles,
// re-evaluates just those profiles with the same compiled SQL a full evaluation uses, and writes
// the membership changes. Its cursor commits with its bookkeeping, so after a crash a batch is
// handled again; the writes are idempotent (only differences are written).
@Injectable()
export class IncrementalEvaluator implements OnModuleInit {
  private index: { stamp: string; index: DependencyIndex } | null = null;
  private readonly runs: IncrementalRuns;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly consumers: FeedConsumers,
    private readonly directory: AudienceDirectory,
    private readonly compiler: RuleCompiler,
    private readonly memberships: MembershipWriter,
  ) {
    this.runs = new IncrementalRuns(db);
  }

  onModuleInit(): void {
    void this.consumers.register({
      name: AUDIENCE_CONSUMER,
      kinds: KINDS,
      batchSize: 500,
      handle: (changes, tx) => this.handle(changes, tx),
      // No audience: nothing a change could move (a new audience's full evaluation covers the past).
      idle: async () => (await this.currentIndex()).audiences.length === 0,
    });
  }

  async handle(changes: FeedChange[], tx: PoolClient): Promise<void> {
    const affected = (await this.currentIndex()).affected(changes);
    if (affected.size === 0) return;
    // Small scoped statements: planning for JIT would cost more than running them.
    await tx.query('SET LOCAL jit = off');
    const moves: {
      audience: AudienceEntity;
      runId: string;
      entered: number;
      exited: number;
      rejected: number;
    }[] = [];
    for (const { audience, profiles } of affected.values()) {
      await lockAudienceInTransaction(tx, this.config.databaseSchema, audience.id);
      const rows = await this.diff(tx, audience, [...profiles]);
      if (rows.changes.length === 0) continue;
      const runId = await this.runs.runFor(audience);
      const tally = emptyTally();
      await this.memberships.write(audience, runId, rows.changes, rows.asOf, tally);
      const rejected = tally.results.reduce((n, r) => n + r.rejected.length, 0);
      moves.push({ audience, runId, entered: tally.entered, exited: tally.exited, rejected });
    }
    // Bookkeeping last: the transaction takes a transaction id only now, so it held back no
    // other consumer's horizon while it waited for locks.
    for (const m of moves) {
      const [{ size }] = (
        await tx.query<{ size: number }>(SIZE.MOVE_SIZE, [m.audience.id, m.entered - m.exited])
      ).rows;
      await tx.query(SIZE.RECORD_SIZE, [m.audience.id, size, m.entered, m.exited]);
      const changed = m.entered + m.exited;
      await this.runs.count(tx, m.runId, {
        read: changed + m.rejected,
        changed,
        unchanged: 0,
        rejected: m.rejected,
      });
    }
  }

  private async diff(
    tx: PoolClient,
    audience: AudienceEntity,
    profiles: string[],
  ): Promise<{ changes: DiffRow[]; asOf: Date }> {
    const [{ now }] = (await tx.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows;
    const params = new SqlParams();
    const scope = params.add(profiles, 'uuid[]');
    const target = await this.compiler.target(audience.rule, { asOf: now, scope });
    const sql = membershipDiffSql(audience.rule, target, params, audience.traitId);
    const { rows } = await tx.query<DiffRow>(sql, params.values);
    return { changes: rows.filter((r) => r.profile_id !== null), asOf: now };
  }

  // Rebuilt whenever an audience was saved or archived (by any process).
  private async currentIndex(): Promise<DependencyIndex> {
    const stamp = await this.directory.version();
    if (this.index?.stamp !== stamp) {
      this.index = { stamp, index: new DependencyIndex(await this.directory.active()) };
    }
    return this.index.index;
  }
}
