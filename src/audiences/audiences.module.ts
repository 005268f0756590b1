import { BullModule } from '@nestjs/bullmq';
import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeedModule } from '../feed/feed.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { RunnableSources } from '../runs/runnable-sources';
import { RunsModule } from '../runs/runs.module';
import { TraitDefinitionsModule } from '../trait-definitions/trait-definitions.module';
import { TraitsModule } from '../traits/traits.module';
import { RuleCompiler } from './compile/rule-compiler.service';
import { AudienceEvaluationProcessor } from './evaluation/audience-evaluation.processor';
import { AudienceEvaluations } from './evaluation/audience-evaluations.service';
import { AudienceRunnable } from './evaluation/audience-runnable';
import { AudienceWorker } from './evaluation/audience-worker';
import { AUDIENCES_QUEUE } from './evaluation/audiences.queue';
import { FullEvaluator } from './evaluation/full-evaluation.service';
import { IncrementalEvaluator } from './evaluation/incremental-evaluator.service';
import { MembershipWriter } from './evaluation/membership-writer.service';
import { AudienceFieldsResolver, AudienceMemberResolver } from './graphql/audience-fields.resolver';
import { AudiencesResolver } from './graphql/audiences.resolver';
import { ProfileAudiencesResolver } from './graphql/profile-audiences.resolver';
import { AudiencePreviewService } from './preview/audience-preview.service';
import { RuleChecker } from './rule/rule-checker.service';
import { AUDIENCE_ENTITIES } from './storage';
import { AudienceDirectory } from './storage/audience-directory.service';
import { AudienceQueries } from './storage/audience-queries.service';
import { AudienceTraitUsage } from './storage/audience-trait-usage';
import { AudiencesService } from './storage/audiences.service';
import { AudiencesStartup } from './yaml/audiences.startup';

// Audiences (docs/audiences.md): the rule language, its SQL compiler and evaluator, membership as
// the trait audience:<slug> written through the trait write path, full evaluations (on save, on a
// schedule, on demand) and incremental ones (a durable consumer of the change feed), previews,
// the GraphQL API and audiences in trait-definitions/audiences/.
@Module({
  imports: [
    TypeOrmModule.forFeature(AUDIENCE_ENTITIES),
    BullModule.registerQueue({ name: AUDIENCES_QUEUE }),
    FeedModule,
    ProfilesModule,
    RunsModule,
    TraitDefinitionsModule,
    TraitsModule,
  ],
  providers: [
    AudienceDirectory,
    RuleChecker,
    RuleCompiler,
    AudiencesService,
    AudienceQueries,
    AudienceTraitUsage,
    MembershipWriter,
    FullEvaluator,
    IncrementalEvaluator,
    AudienceEvaluations,
    AudienceEvaluationProcessor,
    AudienceWorker,
    AudienceRunnable,
    AudiencePreviewService,
    AudiencesResolver,
    AudienceFieldsResolver,
    AudienceMemberResolver,
    ProfileAudiencesResolver,
    AudiencesStartup,
  ],
  exports: [AudiencesService, AudienceEvaluations, AudienceRunnable, FullEvaluator],
})
export class AudiencesModule implements OnModuleInit {
  constructor(
    private readonly runnables: RunnableSources,
    private readonly runnable: AudienceRunnable,
  ) {}

  // `traitbase run <audience>` and triggerRun queue a full evaluation.
  onModuleInit(): void {
    this.runnables.register(this.runnable);
  }
}
