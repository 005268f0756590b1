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
  // Rows of the difference read and written at a time (lowered by tests to reach the cursor path).
  fetchRows = FETCH_ROWS;

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

  // From one snapshot (REPEATABLE READ): the difference is usually small (a scheduled pass over
  // inputs that barely moved), so it is read in one statement, which may run in parallel. When it
  // is larger than FETCH_ROWS (a new audience), it is read again, in the same snapshot, through a
  // cursor (never parallel) and written in chunks, so memory stays flat. Writes go through the
  // trait write path on other connections; nothing else writes this audience meanwhile (the lock).
  private compute(
    audience: AudienceEntity,
    runId: string,
    tally: MembershipTally,
  ): Promise<{ size: number; asOf: Date }> {
    return inTransaction(
      this.db,
      async (client) => {
        const [{ now }] = (await client.query<{ now: Date }>('SELECT now() AS now')).rows;
        const target = await this.compiler.target(audience.rule, { asOf: now });
        const statement = (limit?: number) => {
          const params = new SqlParams();
          return {
            text: membershipDiffSql(audience.rule, target, params, audience.traitId, limit),
            values: params.values,
          };
        };
        const once = statement(this.fetchRows + 1);
        const { rows } = await client.query<DiffRow>(once.text, once.values);
        const size = rows.find((r) => r.profile_id === null)?.size ?? 0;
        const changes = rows.filter((r) => r.profile_id !== null);
        if (changes.length <= this.fetchRows) {
          await this.memberships.write(audience, runId, changes, now, tally);
          return { size, asOf: now };
        }
        const all = statement();
        // The whole difference is wanted, not its first rows.
        await client.query('SET LOCAL cursor_tuple_fraction = 1');
        await client.query(`DECLARE membership_diff NO SCROLL CURSOR FOR ${all.text}`, all.values);
        for (;;) {
          const chunk = await fetch(client, this.fetchRows);
          const moves = chunk.filter((r) => r.profile_id !== null);
          await this.memberships.write(audience, runId, moves, now, tally);
          if (chunk.length < this.fetchRows) break;
        }
        return { size, asOf: now };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }
}

async function fetch(client: PoolClient, rows: number): Promise<DiffRow[]> {
  return (await client.query<DiffRow>(`FETCH ${Math.floor(rows)} FROM membership_diff`)).rows;
}
