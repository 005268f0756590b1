import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RunModel } from '../../../runs/graphql/run.model';
import { RunRow, toRunModel } from '../../../runs/graphql/runs-query.service';
import { RunnableSources } from '../../../runs/runnable-sources';
import type { TraitSourceSpec } from '../../../trait-definitions/trait-spec';
import type { DbtLineageModel } from './dbt-lineage.model';
import * as SQL from './lineage.sql';

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
    const key = this.runnables.runKeyOfTrait(String(source.kind), source as TraitSourceSpec);
    if (!key) return null;
    const [row] = await this.db.query<RunRow[]>(SQL.LATEST_RUN, [source.kind, key]);
    return row ? toRunModel(row) : null;
  }
}
