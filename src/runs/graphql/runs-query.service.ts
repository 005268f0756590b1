import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RunModel, RunRejectionModel } from './run.model';
import type { RunsArgs } from './runs.args';

export interface RunRow {
  id: string;
  source_kind: string;
  source: string;
  status: string;
  rows_read: number;
  rows_changed: number;
  rows_unchanged: number;
  rows_rejected: number;
  rejected_sample: unknown[];
  error: string | null;
  high_water_mark: unknown;
  metadata: Record<string, unknown>;
  started_at: Date;
  finished_at: Date | null;
}

const RECENT = `
SELECT * FROM run
WHERE ($1::text IS NULL OR source = $1) AND ($2::text IS NULL OR source_kind = $2)
ORDER BY started_at DESC, id
LIMIT $3`;

function rejection(raw: unknown): RunRejectionModel {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    trait: typeof r.trait === 'string' ? r.trait : null,
    reason: typeof r.reason === 'string' ? r.reason : String(raw),
  };
}

export function toRunModel(r: RunRow): RunModel {
  return {
    id: r.id,
    sourceKind: r.source_kind,
    source: r.source,
    status: r.status,
    counts: {
      read: r.rows_read,
      changed: r.rows_changed,
      unchanged: r.rows_unchanged,
      rejected: r.rows_rejected,
    },
    rejectedSample: (r.rejected_sample ?? []).map(rejection),
    error: r.error,
    highWaterMark: r.high_water_mark,
    metadata: r.metadata,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.finished_at ? r.finished_at.getTime() - r.started_at.getTime() : null,
  };
}

// Recent runs of every source kind, newest first (the run table is shared by all sources).
@Injectable()
export class RunsQueryService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async recent(args: RunsArgs): Promise<RunModel[]> {
    const rows = await this.db.query<RunRow[]>(RECENT, [
      args.source ?? null,
      args.sourceKind ?? null,
      args.limit,
    ]);
    return rows.map(toRunModel);
  }

  async byId(id: string): Promise<RunModel | null> {
    const [row] = await this.db.query<RunRow[]>('SELECT * FROM run WHERE id = $1', [id]);
    return row ? toRunModel(row) : null;
  }
}
