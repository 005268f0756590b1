import { Injectable } from '@nestjs/common';
import type { RunnableSource, RunOptions } from '../../runs/runnable-sources';
import type { TraitSourceSpec } from '../../trait-definitions/trait-spec';
import { DbtSchedulerService } from './dbt-scheduler.service';
import { DBT_SOURCE_KIND } from './dbt.queue';
import { DbtSourcesService } from './sources/dbt-sources.service';

// dbt sources for `traitbase run` / triggerRun: a model's unique_id or name, or a trait it feeds.
@Injectable()
export class DbtRunnable implements RunnableSource {
  readonly kind = DBT_SOURCE_KIND;

  constructor(
    private readonly sources: DbtSourcesService,
    private readonly scheduler: DbtSchedulerService,
  ) {}

  find(ref: string): Promise<string | undefined> {
    return this.sources.keyFor(ref);
  }

  refOfTrait(source: TraitSourceSpec): string | undefined {
    return typeof source.model === 'string' ? source.model : undefined;
  }

  trigger(source: string, options: RunOptions): Promise<string> {
    return this.scheduler.enqueue({
      source,
      trigger: 'manual',
      fullRefresh: !!options.fullRefresh,
    });
  }
}
