import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError, ErrorCode } from '../../../common/errors/domain-error';
import { RunsService } from '../../../runs/runs.service';
import { readRunResults, RunResult } from '../artifacts/run-results';
import { DbtSchedulerService } from '../dbt-scheduler.service';
import { DBT_SOURCE_KIND } from '../dbt.queue';
import { DbtModelEntity } from '../entities/dbt-model.entity';
import { DbtSourcesService, keyOfSource } from '../sources/dbt-sources.service';
import { decideSync, resultOf } from './sync-decision';

export interface NotifyOutcome {
  invocationId: string;
  // Sources whose model built and passed its tests: a sync is queued.
  queued: { source: string; jobId: string }[];
  // Sources whose model failed, was skipped, or whose tests failed: recorded as skipped runs.
  skipped: { source: string; runId: string; reason: string }[];
}

// Starts syncs: on demand, and after a dbt invocation (its run_results.json), only for models
// that built successfully and whose tests passed.
@Injectable()
export class DbtTriggerService {
  constructor(
    private readonly sources: DbtSourcesService,
    private readonly scheduler: DbtSchedulerService,
    private readonly runs: RunsService,
    @InjectRepository(DbtModelEntity) private readonly models: Repository<DbtModelEntity>,
  ) {}

  async syncNow(model: string, fullRefresh: boolean): Promise<{ source: string; jobId: string }> {
    const source = await this.sources.keyFor(model);
    if (!source)
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `model: no active dbt trait definition reads ${model}`,
      );
    const jobId = await this.scheduler.enqueue({ source, trigger: 'manual', fullRefresh });
    return { source, jobId };
  }

  async notify(doc: unknown): Promise<NotifyOutcome> {
    const runResults = readRunResults(doc);
    const byId = new Map<string, RunResult>(runResults.results.map((r) => [r.uniqueId, r]));
    const { invocationId } = runResults;
    const out: NotifyOutcome = { invocationId, queued: [], skipped: [] };
    for (const resolution of await this.sources.all()) {
      const source = keyOfSource(resolution);
      const result =
        resultOf(source, byId) ??
        (resolution.ok ? resultOf(resolution.source.model, byId) : undefined);
      if (!result) continue;
      const decision = decideSync(result, resolution.ok ? resolution.source.tests : [], byId);
      const meta = { trigger: 'dbt', invocationId, dbtStatus: result.status };
      if (!decision.sync) {
        out.skipped.push({
          source,
          reason: decision.reason,
          runId: await this.runs.skipped(DBT_SOURCE_KIND, source, decision.reason, meta),
        });
        continue;
      }
      await this.models.update({ uniqueId: result.uniqueId }, { lastInvocationId: invocationId });
      const jobId = await this.scheduler.enqueue({
        source,
        trigger: 'dbt',
        invocationId,
        fullRefresh: runResults.fullRefresh,
      });
      out.queued.push({ source, jobId });
    }
    return out;
  }
}
