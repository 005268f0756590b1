import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { WriteResult } from '../traits/trait-write.types';
import { RunEntity } from './run.entity';

const REJECTED_SAMPLE = 20;

export interface RunCounts {
  read: number;
  changed: number;
  unchanged: number;
  rejected: number;
}

@Injectable()
export class RunsService {
  constructor(@InjectRepository(RunEntity) private readonly runs: Repository<RunEntity>) {}

  start(sourceKind: string, source: string, metadata: Record<string, unknown> = {}): Promise<RunEntity> {
    return this.runs.save(this.runs.create({ sourceKind, source, status: 'running', metadata }));
  }

  // Records a finished run; rejected rows keep a small sample of reasons (no values).
  async finish(run: RunEntity, results: WriteResult[], error?: string, highWaterMark?: unknown): Promise<RunEntity> {
    const rejected = results.flatMap((r) => r.rejected);
    run.rowsRead = results.reduce((n, r) => n + r.accepted + r.rejected.length, 0);
    run.rowsChanged = results.reduce((n, r) => n + r.revisions, 0);
    run.rowsUnchanged = results.reduce((n, r) => n + r.unchanged, 0);
    run.rowsRejected = rejected.length;
    run.rejectedSample = rejected.slice(0, REJECTED_SAMPLE);
    run.status = error ? 'failed' : 'succeeded';
    run.error = error ?? null;
    if (highWaterMark !== undefined) run.highWaterMark = highWaterMark;
    run.finishedAt = new Date();
    return this.runs.save(run);
  }

  recent(sourceKind: string | undefined, limit: number): Promise<RunEntity[]> {
    return this.runs.find({
      where: sourceKind ? { sourceKind } : {},
      order: { startedAt: 'DESC' },
      take: Math.min(Math.max(limit, 1), 200),
    });
  }
}
