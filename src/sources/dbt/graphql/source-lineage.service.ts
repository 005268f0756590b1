import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DbtLineageModel } from './dbt-lineage.model';
import * as SQL from './lineage.sql';
import type { RunModel } from '../../../runs/graphql/run.model';
import { RunRow, toRunModel } from '../../../runs/graphql/runs-query.service';

interface DbtModelRow {
  unique_id: string;
  name: string;
  relation: string | null;
  checksum: string | null;
  depends_on: string[];
  imported_at: Date;
}

// The run key of a trait's source, by source kind: what `run.source` holds for its runs. Kinds
// without runs of their own (api writes run per request, events per message) have none.
const RUN_KEYS: Record<string, (source: Record<string, unknown>) => unknown> = {
  dbt: (s) => s.model,
  notebook: (s) => s.notebook,
};

export function runKeyOf(source: Record<string, unknown>): string | undefined {
  const key = RUN_KEYS[String(source.kind)]?.(source);
  return typeof key === 'string' ? key : undefined;
}

// What the catalogue shows of where a trait comes from: the dbt model, the source's last run.
@Injectable()
export class SourceLineageService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

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
    const key = runKeyOf(source);
    if (!key) return null;
    const [row] = await this.db.query<RunRow[]>(SQL.LATEST_RUN, [source.kind, key]);
    return row ? toRunModel(row) : null;
  }
}
