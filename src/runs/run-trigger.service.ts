import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RunTriggeredModel } from './graphql/run-triggered.model';
import { RunsQueryService } from './graphql/runs-query.service';
import { waitForRun } from './run-waiter';
import { RunnableSources, RunOptions } from './runnable-sources';

// triggerRun: queue a run of any runnable source, then wait for it up to the caller's deadline.
@Injectable()
export class RunTrigger {
  constructor(
    private readonly sources: RunnableSources,
    private readonly query: RunsQueryService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async trigger(ref: string, options: RunOptions, waitSeconds: number): Promise<RunTriggeredModel> {
    const queued = await this.sources.trigger(ref, options);
    const waited = waitSeconds > 0 ? await waitForRun(this.db, queued, waitSeconds * 1000) : null;
    return {
      kind: queued.kind,
      source: queued.source,
      jobId: queued.jobId,
      finished: waited?.finished ?? false,
      run: waited?.run ? await this.query.byId(waited.run.id) : null,
    };
  }
}
