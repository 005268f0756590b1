import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../database/transaction';
import { RunsService } from '../../runs/runs.service';
import { DiffRow, membershipDiffSql } from '../compile/membership-sql';
import { RuleCompiler } from '../compile/rule-compiler.service';
import { SqlParams } from '../compile/sql-params';
import { AudienceEntity } from '../storage/audience.entity';
import { withAudienceLock } from './audience-lock';
import * as SIZE from './audience-size.sql';
import type { EvaluationTrigger } from './audiences.queue';
import { emptyTally, MembershipTally, MembershipWriter } from './membership-writer.service';

// Rows of the difference fetched (and written) at a time: memory stays flat however many
// profiles enter or leave.
export const FETCH_ROWS = 10_000;

export interface FullEvaluation {
  runId: string;
  size: number;
  entered: number;
  exited: number;
  asOf: Date;
}

// A full, set-based evaluation of one audience: one statement computes who matches now and how
// that differs from the recorded membership; only the differences are written (through the trait
// write path), and the run is recorded. Used on save, on the schedule of rules with time windows,
// and on demand.
@Injectable()
export class FullEvaluator {
  private readonly logger = new Logger(FullEvaluator.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly compiler: RuleCompiler,
    private readonly memberships: MembershipWriter,
    private readonly runs: RunsService,
  ) {}

  // null when the audience is archived or gone by the time it runs.
  async evaluate(audienceId: string, trigger: EvaluationTrigger): Promise<FullEvaluation | null> {
    return withAudienceLock(this.db, audienceId, async () => {
      const audience = await this.db.getRepository(AudienceEntity).findOneBy({ id: audienceId });
      if (!audience || audience.archivedAt) return null;
      const run = await this.runs.start('audience', audience.slug, {
        audienceId: audience.id,
        version: audience.version,
        trigger,
        mode: 'full',
      });
      const tally = emptyTally();
      try {
        const { size, asOf } = await this.compute(audience, run.id, tally);
        run.metadata = {
          ...run.metadata,
          asOf,
          size,
          entered: tally.entered,
          exited: tally.exited,
        };
        await this.runs.finish(run, tally.results);
        await this.db.query(SIZE.SET_EVALUATED, [audience.id, size, asOf, run.id]);
        await this.db.query(SIZE.RECORD_SIZE, [audience.id, size, tally.entered, tally.exited]);
        this.logger.log(
          `audience ${audience.slug} v${audience.version}: ${size} member(s), ${tally.entered} entered, ${tally.exited} exited`,
        );
        return { runId: run.id, size, entered: tally.entered, exited: tally.exited, asOf };
      } catch (err) {
        const e = err as { name?: string; code?: string };
        await this.runs.finish(
          run,
          tally.results,
          `${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}`,
        );
        throw err;
      }
    });
  }

  // From one snapshot (REPEATABLE READ), the difference is read through a cursor and written in
  // chunks on other connections; nothing else writes this audience meanwhile (the lock).
  private compute(
    audience: AudienceEntity,
    runId: string,
    tally: MembershipTally,
  ): Promise<{ size: number; asOf: Date }> {
    return inTransaction(
      this.db,
      async (client) => {
        const [{ now }] = (await client.query<{ now: Date }>('SELECT now() AS now')).rows;
        const params = new SqlParams();
        const target = await this.compiler.target(audience.rule, { asOf: now });
        const sql = membershipDiffSql(audience.rule, target, params, audience.traitId);
        // The whole difference is wanted, not its first rows.
        await client.query('SET LOCAL cursor_tuple_fraction = 1');
        await client.query(`DECLARE membership_diff NO SCROLL CURSOR FOR ${sql}`, params.values);
        let size = 0;
        for (;;) {
          const rows = await fetch(client);
          const changes = rows.filter((r) => r.profile_id !== null);
          size += rows.find((r) => r.profile_id === null)?.size ?? 0;
          await this.memberships.write(audience, runId, changes, now, tally);
          if (rows.length < FETCH_ROWS) break;
        }
        return { size, asOf: now };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }
}

async function fetch(client: PoolClient): Promise<DiffRow[]> {
  return (await client.query<DiffRow>(`FETCH ${FETCH_ROWS} FROM membership_diff`)).rows;
}
