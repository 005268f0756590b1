import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NotebookLineageModel } from './notebook-lineage.model';

// The latest accepted predictions of a trait ($1) and the latest executed copy of its notebook ($2).
const LATEST = `
SELECT b.model_version, b.run_id, b.rows, b.created_at,
       (SELECT notebook_sha256 FROM notebook_run WHERE notebook = $2
        ORDER BY created_at DESC LIMIT 1) AS notebook_sha256
FROM (SELECT 1) one
LEFT JOIN LATERAL (
  SELECT * FROM prediction_batch WHERE trait = $1 ORDER BY created_at DESC LIMIT 1
) b ON true`;

interface LatestRow {
  model_version: string | null;
  run_id: string | null;
  rows: number | null;
  created_at: Date | null;
  notebook_sha256: string | null;
}

@Injectable()
export class NotebookLineageService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async of(trait: string, source: Record<string, unknown>): Promise<NotebookLineageModel | null> {
    if (source.kind !== 'notebook' || typeof source.notebook !== 'string') return null;
    const [row] = await this.db.query<LatestRow[]>(LATEST, [trait, source.notebook]);
    return {
      path: source.notebook,
      schedule: typeof source.schedule === 'string' ? source.schedule : null,
      modelVersion: row?.model_version ?? null,
      runId: row?.run_id ?? null,
      rows: row?.rows ?? null,
      recordedAt: row?.created_at ?? null,
      notebookSha256: row?.notebook_sha256 ?? null,
    };
  }
}
