import { Injectable } from '@nestjs/common';
import { AUDIENCE_PREFIX } from '../../trait-definitions/rules/reserved-names';
import type { TraitSourceSpec } from '../../trait-definitions/trait-spec';
import type { RunnableSource } from '../../runs/runnable-sources';
import { AudienceDirectory } from '../storage/audience-directory.service';
import { AUDIENCE_SOURCE_KIND } from '../storage/membership-trait';
import { AudienceEvaluations } from './audience-evaluations.service';

// Audiences as a runnable kind of source, for `traitbase run <audience>` / triggerRun: found by
// slug or by their trait audience:<slug>; running one queues a full evaluation.
@Injectable()
export class AudienceRunnable implements RunnableSource {
  readonly kind = AUDIENCE_SOURCE_KIND;

  constructor(
    private readonly directory: AudienceDirectory,
    private readonly evaluations: AudienceEvaluations,
  ) {}

  async find(ref: string): Promise<string | undefined> {
    const slug = ref.startsWith(AUDIENCE_PREFIX) ? ref.slice(AUDIENCE_PREFIX.length) : ref;
    const a = (await this.directory.bySlugMap()).get(slug);
    return a && !a.archivedAt ? a.slug : undefined;
  }

  refOfTrait(source: TraitSourceSpec): string | undefined {
    return typeof source.audience === 'string' ? source.audience : undefined;
  }

  // Queues a full evaluation; the job id.
  trigger(slug: string): Promise<string> {
    return this.evaluations.runNow(slug);
  }
}
