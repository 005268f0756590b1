import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RunSummaryModel } from '../../../runs/graphql/run-summary.model';
import type { RunModel } from '../../../runs/graphql/run.model';
import { RunRow, toRunModel } from '../../../runs/graphql/runs-query.service';
import { RunnableSources } from '../../../runs/runnable-sources';
import type { TraitSourceSpec } from '../../../trait-definitions/trait-spec';
import type { DbtLineageModel } from './dbt-lineage.model';
import * as SQL from './lineage.sql';

type SummaryRow = RunRow & { idle_runs_since: number; last_idle_run_at: Date | null };

interface DbtModelRow {
  unique_id: string;
  name: string;
  relation: string | null;
  checksum: string | null;
  depends_on: string[];
  imported_at: Date;
}

// What the catalogue shows of where a trait comes from: the dbt model, the source's last run.
@Injectable()
export class SourceLineageService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly runnables: RunnableSources,
  ) {}

  async dbtModel(source: Record<string, unknown>): Promise<DbtLineageModel | null> {
    if (source.kind !== 'dbt' || typeof source.model !== 'string') return null;
    const [row] = await this.db.query<DbtModelRow[]>(SQL.DBT_MODEL, [source.model]);
    const relation = typeof source.relation === 'string' ? source.relation : null;
    return {
      model: source.model,
      uniqueId: row?.unique_id ?? null,
      relation: row?.relation ?? relation,
      checksum: row?.checksum ?? null,
      dependsOn: row?.depends_on ?? [],
      importedAt: row?.imported_at ?? null,
    };
  }

  async lastRun(source: Record<string, unknown>): Promise<RunModel | null> {
    const key = this.runKey(source);
    if (!key) return null;
    const [row] = await this.db.query<RunRow[]>(SQL.LATEST_RUN, [source.kind, key]);
    return row ? toRunModel(row) : null;
  }

  // The latest run that did work and the idle incremental runs since (docs/ui.md#last-run).
  async lastRunWithWork(source: Record<string, unknown>): Promise<RunSummaryModel | null> {
    const key = this.runKey(source);
    if (!key) return null;
    const [row] = await this.db.query<SummaryRow[]>(SQL.LAST_RUN_WITH_WORK, [source.kind, key]);
    if (!row.id && row.idle_runs_since === 0) return null;
    return {
      run: row.id ? toRunModel(row) : null,
      idleRunsSince: row.idle_runs_since,
      lastIdleRunAt: row.last_idle_run_at,
    };
  }

  private runKey(source: Record<string, unknown>): string | undefined {
    return this.runnables.runKeyOfTrait(String(source.kind), source as TraitSourceSpec);
  }
}
